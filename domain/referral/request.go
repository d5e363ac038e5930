package referral

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/value"
)

// RequestInput is the content of a new referral. The referring worker is
// the acting account; FromStationID defaults to the actor's org unit.
type RequestInput struct {
	CaseID        uuid.UUID            `json:"case_id"`
	Client        ClientInput          `json:"client"`
	FromStationID string               `json:"from_station_id,omitempty"`
	ToAgencyID    string               `json:"to_agency_id"`
	ToPersonID    string               `json:"to_person_id,omitempty"`
	ServiceDomain domain.ServiceDomain `json:"service_domain"`
	Needs         string               `json:"needs"`
	Priority      Priority             `json:"priority,omitempty"`
	Consent       ConsentInput         `json:"consent"`
	DueDate       value.Date           `json:"due_date"`
}

// ClientInput is the client as the referring worker enters it.
type ClientInput struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	BirthYear int    `json:"birth_year,omitempty"`
	Phone     string `json:"phone,omitempty"`
}

// ConsentInput is either consent given (Given, GivenBy, GivenAt) or an
// override (OverrideReason), never both.
type ConsentInput struct {
	Given          bool      `json:"given"`
	GivenBy        string    `json:"given_by,omitempty"`
	GivenAt        time.Time `json:"given_at,omitzero"`
	OverrideReason string    `json:"override_reason,omitempty"`
}

// Request returns the ReferralRequested event of a new referral with the
// given id. Whether the case exists and belongs to the station is checked
// by the application (it spans streams); so is that no referral with this
// id exists yet (the store's expected revision).
//
// Rule errors, Forbidden first and alone:
// referral.request.referring_side_only (the actor is not a social worker or
// supervisor of the from-station), referral.request.consent_override_supervisor_only;
// then Invalid, collected together: referral.request.id_required,
// referral.request.case_required, referral.request.client_id_required,
// referral.request.client_name_required,
// referral.request.client_birth_year_range,
// referral.request.client_phone_format, referral.request.to_agency_required,
// referral.request.to_other_unit, referral.request.service_domain_known,
// referral.request.needs_required, referral.request.priority_known,
// referral.request.due_date_required, referral.request.due_date_not_past,
// referral.request.consent_required, referral.request.consent_exclusive,
// referral.request.consent_given_by_required,
// referral.request.consent_given_at_valid.
func Request(cmd domain.Cmd, id uuid.UUID, in RequestInput) ([]domain.Payload, error) {
	a := cmd.Actor
	station := strings.TrimSpace(in.FromStationID)
	if station == "" {
		station = a.OrgUnit
	}
	if !referringRole(a.Role) || a.OrgUnit == "" || station != a.OrgUnit {
		return nil, domain.Forbidden("referral.request.referring_side_only", "from_station_id",
			"only a social worker or supervisor of the referring station may request a referral from it")
	}
	c := in.Consent
	overriding := !c.Given && strings.TrimSpace(c.OverrideReason) != ""
	if overriding && a.Role != domain.RoleSupervisor {
		return nil, domain.Forbidden("referral.request.consent_override_supervisor_only", "consent.override_reason",
			"only a supervisor may refer without the client's consent")
	}

	var v domain.Violations
	if id == uuid.Nil {
		v.Add(domain.Invalid("referral.request.id_required", "id", "a referral needs an ID"))
	}
	if in.CaseID == uuid.Nil {
		v.Add(domain.Invalid("referral.request.case_required", "case_id", "a referral belongs to a case"))
	}
	client := Client{
		ID:        strings.TrimSpace(in.Client.ID),
		Name:      strings.TrimSpace(in.Client.Name),
		BirthYear: in.Client.BirthYear,
		Phone:     strings.TrimSpace(in.Client.Phone),
	}
	if client.ID == "" {
		v.Add(domain.Invalid("referral.request.client_id_required", "client.id", "the client's ID is required"))
	}
	if client.Name == "" {
		v.Add(domain.Invalid("referral.request.client_name_required", "client.name", "the client's name is required"))
	}
	if y := client.BirthYear; y != 0 && (y < 1900 || y > value.DateOf(cmd.Now).Year()) {
		v.Add(domain.Invalid("referral.request.client_birth_year_range", "client.birth_year",
			"the birth year must be between 1900 and this year, or left out"))
	}
	if client.Phone != "" && !phoneLike(client.Phone) {
		v.Add(domain.Invalid("referral.request.client_phone_format", "client.phone",
			"a phone number is 5 to 20 digits, optionally with '+', '-', spaces or parentheses"))
	}
	to := To{AgencyID: strings.TrimSpace(in.ToAgencyID), PersonID: strings.TrimSpace(in.ToPersonID)}
	switch {
	case to.AgencyID == "":
		v.Add(domain.Invalid("referral.request.to_agency_required", "to_agency_id",
			"a referral goes to an agency or department"))
	case to.AgencyID == station:
		v.Add(domain.Invalid("referral.request.to_other_unit", "to_agency_id",
			"a referral goes to another agency, not back to the referring station"))
	}
	if !in.ServiceDomain.Valid() {
		v.Add(domain.Invalid("referral.request.service_domain_known", "service_domain",
			"the service domain must be one of the eight: social_assistance, elderly_care, child_welfare, community_governance, social_affairs, public_safety, rural_revitalization, epidemic_prevention"))
	}
	needs := strings.TrimSpace(in.Needs)
	if needs == "" {
		v.Add(domain.Invalid("referral.request.needs_required", "needs",
			"say what the client needs and why they are referred"))
	}
	prio := in.Priority
	if prio == "" {
		prio = PriorityRoutine
	}
	if prio != PriorityRoutine && prio != PriorityUrgent {
		v.Add(domain.Invalid("referral.request.priority_known", "priority", "priority is routine or urgent"))
	}
	today := value.DateOf(cmd.Now)
	switch {
	case in.DueDate.IsZero():
		v.Add(domain.Invalid("referral.request.due_date_required", "due_date", "a referral has a due date"))
	case in.DueDate.Before(today):
		v.Add(domain.Invalid("referral.request.due_date_not_past", "due_date",
			"the due date "+in.DueDate.String()+" is before today, "+today.String()))
	}
	consent, cerr := consentOf(cmd, c, overriding)
	for _, e := range cerr {
		v.Add(e)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return []domain.Payload{Requested{
		ReferralID:    id,
		CaseID:        in.CaseID,
		Client:        client,
		From:          From{WorkerID: a.ID, StationID: station},
		To:            to,
		ServiceDomain: in.ServiceDomain,
		Needs:         needs,
		Priority:      prio,
		Consent:       consent,
		DueDate:       in.DueDate,
	}}, nil
}

func consentOf(cmd domain.Cmd, c ConsentInput, overriding bool) (Consent, []*domain.Error) {
	var errs []*domain.Error
	override := strings.TrimSpace(c.OverrideReason)
	switch {
	case c.Given && override != "":
		errs = append(errs, domain.Invalid("referral.request.consent_exclusive", "consent.override_reason",
			"consent was given, so there is nothing to override"))
	case overriding:
		return Consent{OverriddenBy: cmd.Actor.ID, OverrideReason: override}, nil
	case !c.Given:
		errs = append(errs, domain.Invalid("referral.request.consent_required", "consent.given",
			"record the client's consent, or have a supervisor override it with a reason"))
		return Consent{}, errs
	}
	by := strings.TrimSpace(c.GivenBy)
	if by == "" {
		errs = append(errs, domain.Invalid("referral.request.consent_given_by_required", "consent.given_by",
			"say who gave consent: the client or their guardian"))
	}
	if c.GivenAt.IsZero() || c.GivenAt.After(cmd.Now) {
		errs = append(errs, domain.Invalid("referral.request.consent_given_at_valid", "consent.given_at",
			"say when consent was given; it cannot be in the future"))
	}
	return Consent{Given: true, GivenBy: by, GivenAt: c.GivenAt}, errs
}

// phoneLike accepts mainland mobile and landline numbers as people write
// them ("138 0013 8000", "(0663)8888-123", "+86 13800138000"): 5 to 20
// digits among '+', '-', spaces and parentheses.
func phoneLike(p string) bool {
	if utf8.RuneCountInString(p) > 30 {
		return false
	}
	digits := 0
	for _, r := range p {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' || r == '-' || r == ' ' || r == '(' || r == ')':
		default:
			return false
		}
	}
	return digits >= 5 && digits <= 20
}
