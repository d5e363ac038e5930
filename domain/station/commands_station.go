package station

import (
	"slices"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/org"
	"casework/domain/value"
)

// MinActivityAreaM2 is the activity space every township must provide
// (seed 000 §3(一): "不少于40平方米的活动场所").
const MinActivityAreaM2 = 40

// RegisterInput describes a new station.
type RegisterInput struct {
	Name         string     `json:"name"`
	Township     string     `json:"township"`
	Pilot        bool       `json:"pilot"`
	RegisteredOn value.Date `json:"registered_on"`

	// UnitKind is the kind of the org unit whose id the station takes,
	// filled by the application layer from that unit's state (never from a
	// request body): the domain cannot load another stream.
	UnitKind org.Kind `json:"-"`
}

// Register opens the stream of station id, which must be the id of the
// station's org unit (the application layer checks the unit exists and is
// a station).
//
// Rules: station.register.role_allowed (Forbidden: admin, county manager);
// station.register.id_required, station.register.name_required,
// station.register.township_required, station.register.date_valid,
// station.register.org_unit_is_station (the id is that of an org unit of
// kind station) (Invalid).
func Register(cmd domain.Cmd, id uuid.UUID, in RegisterInput) ([]domain.Payload, error) {
	if err := allowed(cmd, cmdRegister); err != nil {
		return nil, err
	}
	var v domain.Violations
	v.Add(idRequired(rule(cmdRegister, "id_required"), "id", id))
	name, err := text(rule(cmdRegister, "name_required"), "name", in.Name, 100)
	v.Add(err)
	township, err := text(rule(cmdRegister, "township_required"), "township", in.Township, 100)
	v.Add(err)
	if in.UnitKind != org.KindStation {
		v.Add(domain.Invalid(rule(cmdRegister, "org_unit_is_station"), "id",
			"a station is registered under the id of an org unit of kind station, not "+string(in.UnitKind)))
	}
	var none State
	v.Add(none.checkDate(cmd, cmdRegister, "registered_on", in.RegisteredOn))
	if err := v.Err(); err != nil {
		return nil, err
	}
	return []domain.Payload{StationRegistered{
		StationID: id, Name: name, Township: township, Pilot: in.Pilot, RegisteredOn: in.RegisteredOn,
	}}, nil
}

// SetPilotInput changes the pilot status from EffectiveOn.
type SetPilotInput struct {
	Pilot       bool       `json:"pilot"`
	EffectiveOn value.Date `json:"effective_on"`
}

// SetPilot designates the station a pilot station (seed 001: pilot
// stations need at least three resident workers) or ends the designation.
//
// Rules: station.set_pilot.role_allowed (Forbidden: admin, county
// manager); station.set_pilot.requires_registered (Conflict);
// station.set_pilot.status_changed (the status differs from the current
// one), station.set_pilot.date_valid (also not before the last change, so
// the history stays in date order) (Invalid).
func (s *State) SetPilot(cmd domain.Cmd, in SetPilotInput) ([]domain.Payload, error) {
	if err := s.begin(cmd, cmdSetPilot); err != nil {
		return nil, err
	}
	var v domain.Violations
	if in.Pilot == s.Pilot {
		v.Add(domain.Invalid(rule(cmdSetPilot, "status_changed"), "pilot", "the station already has this pilot status"))
	}
	dateErr := s.checkDate(cmd, cmdSetPilot, "effective_on", in.EffectiveOn)
	if n := len(s.PilotChanges); dateErr == nil && n > 0 && in.EffectiveOn.Before(s.PilotChanges[n-1].EffectiveOn) {
		dateErr = domain.Invalid(rule(cmdSetPilot, "date_valid"), "effective_on",
			"the pilot status last changed on "+s.PilotChanges[n-1].EffectiveOn.String())
	}
	v.Add(dateErr)
	if err := v.Err(); err != nil {
		return nil, err
	}
	return []domain.Payload{PilotStatusChanged{Pilot: in.Pilot, EffectiveOn: in.EffectiveOn}}, nil
}

// RecordSiteInput describes the station's premises from EffectiveOn.
type RecordSiteInput struct {
	EffectiveOn     value.Date `json:"effective_on"`
	ActivityAreaM2  int        `json:"activity_area_m2"`
	CounsellingRoom bool       `json:"counselling_room"`
	GroupRoom       bool       `json:"group_room"`
	Address         string     `json:"address"`
}

// RecordSite records the premises. An area under 40 m² is accepted (it is
// the fact on the ground) and shows in Compliance.
//
// Rules: station.record_site.role_allowed (Forbidden);
// station.record_site.requires_registered (Conflict);
// station.record_site.date_valid, station.record_site.area_range (0 to
// 100000 m²), station.record_site.address_required (Invalid).
func (s *State) RecordSite(cmd domain.Cmd, in RecordSiteInput) ([]domain.Payload, error) {
	if err := s.begin(cmd, cmdRecordSite); err != nil {
		return nil, err
	}
	var v domain.Violations
	v.Add(s.checkDate(cmd, cmdRecordSite, "effective_on", in.EffectiveOn))
	if in.ActivityAreaM2 < 0 || in.ActivityAreaM2 > 100000 {
		v.Add(domain.Invalid(rule(cmdRecordSite, "area_range"), "activity_area_m2",
			"the activity area is between 0 and 100000 m²"))
	}
	addr, err := text(rule(cmdRecordSite, "address_required"), "address", in.Address, 200)
	v.Add(err)
	if err := v.Err(); err != nil {
		return nil, err
	}
	return []domain.Payload{SiteRecorded{
		EffectiveOn: in.EffectiveOn, ActivityAreaM2: in.ActivityAreaM2,
		CounsellingRoom: in.CounsellingRoom, GroupRoom: in.GroupRoom, Address: addr,
	}}, nil
}

// RecordFunctionsInput lists the service domains offered from EffectiveOn.
type RecordFunctionsInput struct {
	EffectiveOn value.Date             `json:"effective_on"`
	Domains     []domain.ServiceDomain `json:"domains"`
}

// RecordFunctions records the service functions (有功能) the station offers,
// replacing the earlier list from EffectiveOn.
//
// Rules: station.record_functions.role_allowed (Forbidden);
// station.record_functions.requires_registered (Conflict);
// station.record_functions.date_valid,
// station.record_functions.domains_required (at least one),
// station.record_functions.domains_known (each one of the eight, no
// repeats) (Invalid).
func (s *State) RecordFunctions(cmd domain.Cmd, in RecordFunctionsInput) ([]domain.Payload, error) {
	if err := s.begin(cmd, cmdRecordFunctions); err != nil {
		return nil, err
	}
	var v domain.Violations
	v.Add(s.checkDate(cmd, cmdRecordFunctions, "effective_on", in.EffectiveOn))
	if len(in.Domains) == 0 {
		v.Add(domain.Invalid(rule(cmdRecordFunctions, "domains_required"), "domains",
			"list at least one service domain the station offers"))
	}
	v.Add(checkDomains(rule(cmdRecordFunctions, "domains_known"), "domains", in.Domains))
	if err := v.Err(); err != nil {
		return nil, err
	}
	return []domain.Payload{StationFunctionsRecorded{EffectiveOn: in.EffectiveOn, Domains: slices.Clone(in.Domains)}}, nil
}

func checkDomains(r, field string, ds []domain.ServiceDomain) *domain.Error {
	for i, d := range ds {
		if !d.Valid() {
			return domain.Invalid(r, field, "unknown service domain "+string(d)+
				"; one of social_assistance, elderly_care, child_welfare, community_governance, social_affairs, public_safety, rural_revitalization, epidemic_prevention")
		}
		if slices.Contains(ds[:i], d) {
			return domain.Invalid(r, field, "service domain "+string(d)+" listed twice")
		}
	}
	return nil
}

// RegisterRuleInput is a rule (制度) the station adopted.
type RegisterRuleInput struct {
	RuleID    uuid.UUID    `json:"rule_id"`
	Name      string       `json:"name"`
	Category  RuleCategory `json:"category"`
	AdoptedOn value.Date   `json:"adopted_on"`
}

// RegisterRule records a station rule.
//
// Rules: station.register_rule.role_allowed (Forbidden);
// station.register_rule.requires_registered (Conflict);
// station.register_rule.id_unique (a given id not used before),
// station.register_rule.name_required, station.register_rule.category_known,
// station.register_rule.date_valid (Invalid).
func (s *State) RegisterRule(cmd domain.Cmd, in RegisterRuleInput) ([]domain.Payload, error) {
	if err := s.begin(cmd, cmdRegisterRule); err != nil {
		return nil, err
	}
	var v domain.Violations
	used := slices.ContainsFunc(s.Rules, func(r StationRuleRegistered) bool { return r.RuleID == in.RuleID })
	v.Add(idUnique(rule(cmdRegisterRule, "id_unique"), "rule_id", in.RuleID, used))
	name, err := text(rule(cmdRegisterRule, "name_required"), "name", in.Name, 100)
	v.Add(err)
	if !in.Category.Valid() {
		v.Add(domain.Invalid(rule(cmdRegisterRule, "category_known"), "category",
			"category must be one of service_process, reception, safety, archive, hygiene, publicity, finance, supervision, other"))
	}
	v.Add(s.checkDate(cmd, cmdRegisterRule, "adopted_on", in.AdoptedOn))
	if err := v.Err(); err != nil {
		return nil, err
	}
	return []domain.Payload{StationRuleRegistered{RuleID: in.RuleID, Name: name, Category: in.Category, AdoptedOn: in.AdoptedOn}}, nil
}

// idUnique is Invalid for a nil id and for an id used before at this
// station (ids are never reused, so history stays unambiguous).
func idUnique(r, field string, id uuid.UUID, used bool) *domain.Error {
	switch {
	case id == uuid.Nil:
		return domain.Invalid(r, field, "an id is required")
	case used:
		return domain.Invalid(r, field, "the id "+id.String()+" is already used at this station")
	}
	return nil
}
