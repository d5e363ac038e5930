package service

import (
	"context"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/casefile"
	"casework/domain/org"
	"casework/domain/referral"
	"casework/domain/value"
	"casework/eventstore"
)

// Who may see referrals. The referring side and the hierarchy above it
// read the whole referral when its from-station is in their scope; an
// agency worker reads only the referrals addressed to its agency, and
// only what the referral itself carries. Every other role gets 404.
var referralReaders = append(append([]domain.Role{}, caseReaders...), domain.RoleAgencyWorker)

// ReferralRequestInput is the body of a new referral. What the case knows
// (the case, the client, the referring station) is taken from the case,
// never from the body.
type ReferralRequestInput struct {
	ToAgencyID string `json:"to_agency_id"`
	// ToPersonID optionally names the agency worker (an account of the
	// to-agency) who is to handle the referral.
	ToPersonID string `json:"to_person_id,omitempty"`
	// ServiceDomain defaults to the case's domain.
	ServiceDomain domain.ServiceDomain  `json:"service_domain,omitempty"`
	Needs         string                `json:"needs"`
	Priority      referral.Priority     `json:"priority,omitempty"`
	Consent       referral.ConsentInput `json:"consent"`
	DueDate       value.Date            `json:"due_date"`
	// ShareClientPhone passes the client's phone from the case to the
	// agency; without it the agency gets no contact details.
	ShareClientPhone bool `json:"share_client_phone,omitempty"`
}

// clientNamespace derives the client ID a referral carries from its case,
// so that the receiving agency can tell one client's referrals together
// without learning the case's ID.
var clientNamespace = uuid.MustParse("3b0f6d2e-8c41-4f7a-a9d5-0e6c2b7f1a84")

// referralClientID is the pseudonymous client ID of the case's client.
func referralClientID(caseID uuid.UUID) string {
	return uuid.NewSHA1(clientNamespace, caseID[:]).String()
}

// CreateReferral requests a referral (转介) from a case: the case must
// exist, be in the caller's scope and be writable by the caller (a social
// worker or supervisor), and be neither closed nor archived. The
// referral's case, client (name, birth year, and the phone only with
// ShareClientPhone) and from-station are taken from the case's state. The
// to-agency must be an open org unit of kind agency hanging under the
// case's county or a unit above it (its city): agencies sit outside the
// stations' subtrees, so they are judged by the case's place, not by the
// caller's scope. The event's causation id names the case revision the
// referral was made from ("case-<id>@<revision>").
//
// The case and the referral are two streams; a case closed between the
// read and the append still gets its referral, as if requested just
// before.
//
// Errors: ErrNotFound (a role that may not read cases, a case absent or
// out of scope, an agency or person out of reach: *NotFoundError naming
// the field), ErrForbidden (a reader that may not write), *FieldError (a
// malformed id, a unit that is not an agency, a closed agency), Conflict
// case.state.closed / case.state.archived, and the rule errors of
// referral.Request.
func (s *Service) CreateReferral(ctx context.Context, p Principal, opts Options, caseID uuid.UUID, in ReferralRequestInput) (Result, error) {
	if !can(p, caseReaders...) {
		return Result{}, ErrNotFound
	}
	return s.idempotent(ctx, p, opts, referral.Category, newEventID(), func(id uuid.UUID) (Result, error) {
		req, caseRev, client, err := s.referralRequest(ctx, p, caseID, in)
		if err != nil {
			return Result{}, err
		}
		opts := opts
		opts.CausationID = eventstore.StreamName(casefile.Category, caseID) + "@" + strconv.FormatUint(caseRev, 10)
		return s.repos.referrals.execute(ctx, p, opts, command[referral.State, *referral.State]{
			id: id, create: true,
			authorize: func(*referral.State, bool) error { return nil },
			decide: func(_ *referral.State, cmd domain.Cmd) ([]domain.Payload, error) {
				return referral.Request(cmd, id, req)
			},
			subject: func(*referral.State, []domain.Payload) uuid.UUID { return client },
		})
	})
}

// referralRequest builds the domain input from the case's state and the
// body, checking the case and the receiving side. caseRev is the case's
// revision that was read, client the case's client (the key subject).
func (s *Service) referralRequest(ctx context.Context, p Principal, caseID uuid.UUID, in ReferralRequestInput) (referral.RequestInput, uint64, uuid.UUID, error) {
	var (
		req     referral.RequestInput
		caseRev uint64
		subject uuid.UUID
	)
	err := s.repos.cases.read(ctx, caseID, func(st *casefile.State, version uint64) error {
		if err := s.caseAccess(p, st, version > 0, true); err != nil {
			return err
		}
		switch {
		case st.Archived:
			return domain.Conflict("case.state.archived", "", "the case is archived and accepts no further change")
		case st.Closed:
			return domain.Conflict("case.state.closed", "", "the case is closed; reopen it first")
		}
		caseRev, subject = version-1, st.ClientID
		client := referral.ClientInput{ID: referralClientID(st.ClientID), Name: st.Client.DisplayName()}
		if !st.Client.BirthDate.IsZero() {
			client.BirthYear = st.Client.BirthDate.Year()
		}
		if in.ShareClientPhone {
			client.Phone = st.Client.Contact.Phone
		}
		sd := in.ServiceDomain
		if sd == "" {
			sd = st.Domain
		}
		req = referral.RequestInput{
			CaseID: st.ID, Client: client, FromStationID: st.StationID,
			ToAgencyID: strings.TrimSpace(in.ToAgencyID), ToPersonID: strings.TrimSpace(in.ToPersonID),
			ServiceDomain: sd, Needs: in.Needs, Priority: in.Priority, Consent: in.Consent, DueDate: in.DueDate,
		}
		return nil
	})
	if err != nil {
		return req, 0, uuid.Nil, err
	}
	if req.ToAgencyID != "" { // blank: referral.request.to_agency_required names it
		agency, err := s.checkAgency(req.FromStationID, req.ToAgencyID)
		if err != nil {
			return req, 0, uuid.Nil, err
		}
		req.ToAgencyID = agency.String()
	}
	if req.ToPersonID != "" {
		person, err := s.checkAgencyPerson(req.ToAgencyID, req.ToPersonID)
		if err != nil {
			return req, 0, uuid.Nil, err
		}
		req.ToPersonID = person.String()
	}
	return req, caseRev, subject, nil
}

// checkAgency requires agency to be an open org unit of kind agency whose
// parent is the station's county or a unit above it, and returns its id
// (the referral records id.String(), the canonical form).
func (s *Service) checkAgency(station, agency string) (uuid.UUID, error) {
	const field = "to_agency_id"
	id, err := uuid.Parse(agency)
	if err != nil {
		return uuid.Nil, &FieldError{Field: field, Rule: "org_unit.format", Message: "must be the UUID of an org unit"}
	}
	t := s.dir.Tree()
	u, ok := t.Unit(id)
	if !ok || !agencyReaches(t, u, station) {
		return uuid.Nil, &NotFoundError{Field: field, Message: "no such agency serving the case's county"}
	}
	if u.Kind != org.KindAgency {
		return uuid.Nil, &FieldError{Field: field, Rule: "org_unit.kind", Message: "the org unit is a " + string(u.Kind) + ", not a " + string(org.KindAgency)}
	}
	if u.Closed {
		return uuid.Nil, &FieldError{Field: field, Rule: "org_unit.open", Message: "the agency is closed and receives no referrals"}
	}
	return id, nil
}

// agencyReaches reports whether u hangs under the county of station, or a
// unit above that county (its city): the agencies a station may refer to.
func agencyReaches(t *org.Tree, u org.Unit, station string) bool {
	sid, err := uuid.Parse(station)
	if err != nil || u.ParentID == uuid.Nil {
		return false
	}
	county, ok := t.CountyOf(sid)
	if !ok {
		return false
	}
	return t.Contains(u.ParentID, county.ID)
}

// checkAgencyPerson requires person to be an enabled agency worker of
// agency, so that naming a person never opens the referral to anyone
// outside the receiving agency; it returns the account's id.
func (s *Service) checkAgencyPerson(agency, person string) (uuid.UUID, error) {
	return s.checkMember("to_person_id", person, domain.RoleAgencyWorker, agency, "no such agency worker at the to-agency")
}

// referralAudience says how much of a referral p may see.
type referralAudience int

const (
	audienceNone referralAudience = iota
	// audienceReceiving: an agency worker of the to-agency; the minimal
	// fields, never the case.
	audienceReceiving
	// audienceFull: the referring side and the hierarchy above it.
	audienceFull
)

// referralAudience hides referrals p may not see (ErrNotFound). The named
// to-person is an agency worker of the to-agency (checked at creation),
// so the agency rule covers them; one who moved elsewhere sees nothing.
func (s *Service) referralAudience(p Principal, st *referral.State, exists bool) (referralAudience, error) {
	if !exists {
		return audienceNone, ErrNotFound
	}
	station, _ := uuid.Parse(st.From.StationID)
	agency, _ := uuid.Parse(st.To.AgencyID)
	if aud := referralAudienceAt(s.dir.Tree(), p, station, agency); aud != audienceNone {
		return aud, nil
	}
	return audienceNone, ErrNotFound
}

// referralAudienceAt is the rule for a referral from station to agency,
// which the reads and the live feed share: the referring side and the
// hierarchy above its station see all of it; an agency worker of the
// to-agency sees the receiving view; anyone else nothing.
func referralAudienceAt(t *org.Tree, p Principal, station, agency uuid.UUID) referralAudience {
	switch {
	case can(p, caseReaders...) && inScopeOf(t, p, station):
		return audienceFull
	case p.Role == domain.RoleAgencyWorker && agency != uuid.Nil && agency == p.OrgUnit:
		return audienceReceiving
	}
	return audienceNone
}

// TransitionReferral takes one action on a referral: accept, reject,
// start, hold, resume, complete, fail (the receiving side) or cancel (the
// referring side), by the state table of referral.Table.
// Errors: ErrNotFound (absent, or a referral the caller may not see), the
// rule errors of referral.State.Transition (Forbidden for the wrong side,
// Conflict for a transition outside the table, Invalid for a missing
// reason or outcome), *PreconditionError on a stale If-Match.
func (s *Service) TransitionReferral(ctx context.Context, p Principal, opts Options, id uuid.UUID, in referral.TransitionInput) (Result, error) {
	if !can(p, referralReaders...) {
		return Result{}, ErrNotFound
	}
	return s.idempotent(ctx, p, opts, referral.Category, id, func(id uuid.UUID) (Result, error) {
		return s.repos.referrals.execute(ctx, p, opts, command[referral.State, *referral.State]{
			id: id,
			authorize: func(st *referral.State, exists bool) error {
				_, err := s.referralAudience(p, st, exists)
				return err
			},
			decide: func(st *referral.State, cmd domain.Cmd) ([]domain.Payload, error) {
				return st.Do(cmd, in)
			},
		})
	})
}

// Referral returns the referral now or at a past revision or time, as the
// caller may see it: whole for the referring side and its hierarchy, the
// receiving view for the to-agency. Errors: ErrNotFound (absent, out of
// scope, addressed to another agency, or a role that may not read
// referrals; a past point before the referral existed names as_of).
func (s *Service) Referral(ctx context.Context, p Principal, id uuid.UUID, at At) (ReferralView, error) {
	if !can(p, referralReaders...) {
		return ReferralView{}, ErrNotFound
	}
	var (
		out ReferralView
		aud referralAudience
	)
	today := value.DateOf(s.now())
	stream := eventstore.StreamName(referral.Category, id)
	subject, err := s.repos.referrals.readSubject(ctx, id, func(st *referral.State, version uint64) error {
		var err error
		if aud, err = s.referralAudience(p, st, version > 0); err != nil {
			return err
		}
		out = newReferralView(p, st, version-1, aud, today)
		return nil
	})
	if err != nil {
		return ReferralView{}, err
	}
	if at.IsNow() {
		return out, s.protectView(ctx, p, subject, stream, out, func(pr Protection) { out.Protection = pr })
	}
	// A past state is shown only to who may see the referral now, and
	// with what they may see now.
	st, version, err := foldAt[referral.State](ctx, s, eventstore.StreamName(referral.Category, id), at)
	if err != nil {
		return ReferralView{}, err
	}
	if version == 0 {
		return ReferralView{}, &NotFoundError{Field: "as_of", Message: "the referral did not exist yet at that point"}
	}
	out = newReferralView(p, st, version-1, aud, today)
	return out, s.protectView(ctx, p, subject, stream, out, func(pr Protection) { out.Protection = pr })
}

// ReferralHistory returns a page of the referral's events. The receiving
// side sees them without what links the referral to its case (the case
// id, the causation) and without the consent's details.
// Errors: those of Referral.
func (s *Service) ReferralHistory(ctx context.Context, p Principal, id uuid.UUID, pg Page) (HistoryPage, error) {
	if !can(p, referralReaders...) {
		return HistoryPage{}, ErrNotFound
	}
	var aud referralAudience
	err := s.repos.referrals.read(ctx, id, func(st *referral.State, version uint64) error {
		var err error
		aud, err = s.referralAudience(p, st, version > 0)
		return err
	})
	if err != nil {
		return HistoryPage{}, err
	}
	h, err := s.history(ctx, p, eventstore.StreamName(referral.Category, id), pg)
	if err != nil || aud == audienceFull {
		return h, err
	}
	for i := range h.Events {
		if err := redactForReceiving(&h.Events[i]); err != nil {
			return HistoryPage{}, err
		}
	}
	return h, nil
}
