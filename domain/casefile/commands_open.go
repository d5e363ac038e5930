package casefile

import (
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/value"
)

// ClientInput is the client as entered at intake.
type ClientInput struct {
	Name          string     `json:"name"`
	ResidentID    string     `json:"resident_id"`
	Gender        string     `json:"gender"`
	BirthDate     value.Date `json:"birth_date"`
	Phone         string     `json:"phone"`
	Address       string     `json:"address"`
	Circumstances string     `json:"circumstances"`
}

// HouseholdInput is the household as entered at intake.
type HouseholdInput struct {
	County  string `json:"county"`
	Size    int    `json:"size"`
	Address string `json:"address"`
}

// OpenInput is what intake records.
type OpenInput struct {
	Source     string               `json:"source"`
	ReferredBy string               `json:"referred_by"`
	Client     ClientInput          `json:"client"`
	Household  HouseholdInput       `json:"household"`
	Domain     domain.ServiceDomain `json:"domain"`
	StationID  string               `json:"station_id"`
	WorkerID   string               `json:"worker_id"`
	// ClientID is the client's ID when the person is already known (the
	// application layer finds it by resident ID number); never taken from
	// request JSON. uuid.Nil makes this case's ID the client's.
	ClientID uuid.UUID `json:"-"`
}

// adultAge is the age of majority (PRC Civil Code Art. 17).
const adultAge = 18

// ageOn returns the age in whole years of someone born on birth at date on.
func ageOn(birth, on value.Date) int {
	age := on.Year() - birth.Year()
	if on.Month() < birth.Month() || (on.Month() == birth.Month() && on.Day() < birth.Day()) {
		age--
	}
	return age
}

// Open records intake of a new case with id. The station defaults to the
// actor's org unit and the worker to the actor when a social worker opens
// the case. A client who is under 18 at intake is a minor: the name and
// circumstances are stored in the "minor" fields. The client's ID is
// in.ClientID, or id when that is nil (a client seen for the first time).
//
// Errors: case.record.role (Forbidden); Invalid: case.open.source,
// case.open.referred_by, case.open.client_name, value.resident_id.* (field
// client.resident_id), case.open.birth_date, case.open.birth_date_matches_id,
// case.open.gender, case.open.gender_matches_id, case.open.household_county,
// case.open.household_size, case.open.domain, case.open.station,
// case.open.worker, case.open.id.
func Open(cmd domain.Cmd, id uuid.UUID, in OpenInput) ([]domain.Payload, error) {
	if err := recorderOnly(cmd.Actor); err != nil {
		return nil, err
	}
	var v domain.Violations
	now := today(cmd)
	if id == uuid.Nil {
		v.Add(domain.Invalid("case.open.id", "id", "a case needs an id"))
	}
	if !oneOf(in.Source, Sources()) {
		v.Add(domain.Invalid("case.open.source", "source", "source must be one of "+strings.Join(Sources(), ", ")))
	}
	if in.Source == SourceReferralIn && blank(in.ReferredBy) {
		v.Add(domain.Invalid("case.open.referred_by", "referred_by", "a case referred in names who referred it"))
	}
	if blank(in.Client.Name) {
		v.Add(domain.Invalid("case.open.client_name", "client.name", "the client's name is required"))
	}

	var rid value.ResidentID
	if !blank(in.Client.ResidentID) {
		var err error
		rid, err = value.ParseResidentID(in.Client.ResidentID)
		var re *domain.Error
		if errors.As(err, &re) {
			v.Add(re.At("client.resident_id"))
		}
	}
	birth, gender := in.Client.BirthDate, in.Client.Gender
	if !rid.IsZero() {
		if birth.IsZero() {
			birth = rid.BirthDate()
		} else if birth != rid.BirthDate() {
			v.Add(domain.Invalid("case.open.birth_date_matches_id", "client.birth_date",
				fmt.Sprintf("birth date %s differs from the one in the resident ID number (%s)", birth, rid.BirthDate())))
		}
		idGender := "female"
		if rid.Male() {
			idGender = "male"
		}
		if gender == "" {
			gender = idGender
		} else if oneOf(gender, Genders()) && gender != idGender {
			v.Add(domain.Invalid("case.open.gender_matches_id", "client.gender",
				"gender differs from the one encoded in the resident ID number"))
		}
	}
	// An unreadable ID number is reported once, not again as a missing
	// birth date or gender.
	idBroken := !blank(in.Client.ResidentID) && rid.IsZero()
	switch {
	case idBroken:
	case birth.IsZero():
		v.Add(domain.Invalid("case.open.birth_date", "client.birth_date", "the client's birth date is required when no resident ID number is given"))
	case birth.After(now):
		v.Add(domain.Invalid("case.open.birth_date", "client.birth_date", "the birth date is in the future"))
	}
	if !idBroken && !oneOf(gender, Genders()) {
		v.Add(domain.Invalid("case.open.gender", "client.gender", "gender must be male or female"))
	}

	county, err := value.ParseDivisionCode(in.Household.County)
	switch {
	case err != nil:
		v.Add(domain.Invalid("case.open.household_county", "household.county", "the household's county must be a 6-digit division code"))
	case county.Level() != value.LevelCounty:
		v.Add(domain.Invalid("case.open.household_county", "household.county", "the household's division code must be county level, not "+county.Level()))
	}
	if in.Household.Size < 1 || in.Household.Size > 30 {
		v.Add(domain.Invalid("case.open.household_size", "household.size", "household size must be between 1 and 30"))
	}
	if !in.Domain.Valid() {
		names := make([]string, 0, len(domain.ServiceDomains()))
		for _, d := range domain.ServiceDomains() {
			names = append(names, string(d))
		}
		v.Add(domain.Invalid("case.open.domain", "domain", "domain must be one of "+strings.Join(names, ", ")))
	}
	station := in.StationID
	if blank(station) {
		station = cmd.Actor.OrgUnit
	}
	if blank(station) {
		v.Add(domain.Invalid("case.open.station", "station_id", "the station that holds the case is required"))
	}
	worker := in.WorkerID
	if blank(worker) && cmd.Actor.Role == domain.RoleSocialWorker {
		worker = cmd.Actor.ID
	}
	if blank(worker) {
		v.Add(domain.Invalid("case.open.worker", "worker_id", "the assigned social worker is required"))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}

	client := Client{ResidentID: rid, Gender: gender, BirthDate: birth,
		Contact: Contact{Phone: strings.TrimSpace(in.Client.Phone), Address: strings.TrimSpace(in.Client.Address)}}
	name, circ := strings.TrimSpace(in.Client.Name), strings.TrimSpace(in.Client.Circumstances)
	if ageOn(birth, now) < adultAge {
		client.Minor, client.MinorName, client.MinorCircumstances = true, name, circ
	} else {
		client.Name, client.Circumstances = name, circ
	}
	clientID := in.ClientID
	if clientID == uuid.Nil {
		clientID = id
	}
	return []domain.Payload{CaseOpened{
		CaseID: id, ClientID: clientID, Source: in.Source, ReferredBy: strings.TrimSpace(in.ReferredBy), Client: client,
		Household: Household{County: county, Size: in.Household.Size, Address: strings.TrimSpace(in.Household.Address)},
		Domain:    in.Domain, StationID: station, WorkerID: worker, OpenedAt: cmd.Now,
	}}, nil
}
