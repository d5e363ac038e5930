package org

import (
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/value"
)

// MaxNameRunes bounds a unit's name; official names of social
// organisations and agencies stay well under it.
const MaxNameRunes = 100

// RegisterInput is the content of a new org unit. ParentKind, ParentClosed
// and ParentDivision describe the parent unit; the domain cannot load
// another stream, so the application layer fills them from the parent's
// state (they are never taken from a request body).
type RegisterInput struct {
	Kind Kind   `json:"kind"`
	Name string `json:"name"`
	// ParentID is uuid.Nil for a city and the parent unit otherwise.
	ParentID   uuid.UUID `json:"parent_id"`
	Division   string    `json:"division_code,omitempty"`
	CreditCode string    `json:"credit_code,omitempty"`

	ParentKind     Kind               `json:"-"`
	ParentClosed   bool               `json:"-"`
	ParentDivision value.DivisionCode `json:"-"`
}

// Register opens the stream of org unit id.
//
// Only an admin (or the service itself, RoleSystem, when seeding) may
// register: org.register.admin_only (Forbidden). Input rules (Invalid):
// org.register.id_required, org.register.kind_known,
// org.register.name_valid, org.register.parent_kind_allowed,
// org.register.division_valid, org.register.division_within_parent,
// org.register.credit_code_valid,
// org.register.contractor_social_organisation. A closed parent is refused
// with org.register.parent_open (Conflict). A credit code failing its check
// digit is accepted and flagged in the event.
func Register(cmd domain.Cmd, id uuid.UUID, in RegisterInput) ([]domain.Payload, error) {
	if err := adminOnly(cmd, "register"); err != nil {
		return nil, err
	}
	var v domain.Violations
	if id == uuid.Nil {
		v.Add(domain.Invalid("org.register.id_required", "id", "the unit needs an id"))
	}
	if !in.Kind.Valid() {
		v.Add(domain.Invalid("org.register.kind_known", "kind",
			"kind must be one of city, county, station, room, bureau, contractor, evaluator, agency"))
	}
	name, err := checkName("org.register.name_valid", in.Name)
	v.Add(err)

	ev := OrgUnitRegistered{ID: id, Kind: in.Kind, Name: name}
	if in.Kind.Valid() {
		v.Add(checkParent(in, id))
		if in.ParentID != uuid.Nil {
			p := in.ParentID
			ev.ParentID = &p
		}
		div, err := checkDivision(in)
		v.Add(err)
		if !div.IsZero() {
			ev.Division = &div
		}
		cc, err := checkCreditCode(in)
		v.Add(err)
		if !cc.IsZero() {
			ev.CreditCode = &cc
			ev.CreditCodeCheckDigitMismatch = !cc.CheckDigitValid()
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if in.ParentClosed {
		return nil, domain.Conflict("org.register.parent_open", "parent_id",
			"the parent unit is closed; no unit can be registered under it")
	}
	return []domain.Payload{ev}, nil
}

func checkParent(in RegisterInput, id uuid.UUID) *domain.Error {
	allowed := AllowedParents(in.Kind)
	if len(allowed) == 0 {
		if in.ParentID != uuid.Nil {
			return domain.Invalid("org.register.parent_kind_allowed", "parent_id",
				"a "+string(in.Kind)+" is a root of the tree and has no parent")
		}
		return nil
	}
	names := make([]string, len(allowed))
	for i, k := range allowed {
		names[i] = string(k)
	}
	want := "a " + string(in.Kind) + " must be registered under a " + strings.Join(names, " or ")
	if in.ParentID == uuid.Nil || in.ParentID == id {
		return domain.Invalid("org.register.parent_kind_allowed", "parent_id", want)
	}
	if !parentAllowed(in.Kind, in.ParentKind) {
		return domain.Invalid("org.register.parent_kind_allowed", "parent_id",
			want+", not under a "+string(in.ParentKind))
	}
	return nil
}

// checkDivision parses the division code: required for a city or county,
// of the level of the kind, and absent for every other kind.
func checkDivision(in RegisterInput) (value.DivisionCode, *domain.Error) {
	const rule, field = "org.register.division_valid", "division_code"
	raw := strings.TrimSpace(in.Division)
	if in.Kind != KindCity && in.Kind != KindCounty {
		if raw != "" {
			return value.DivisionCode{}, domain.Invalid(rule, field,
				"only a city or a county carries an administrative division code")
		}
		return value.DivisionCode{}, nil
	}
	if raw == "" {
		return value.DivisionCode{}, domain.Invalid(rule, field,
			"a "+string(in.Kind)+" needs its 6-digit administrative division code (GB/T 2260)")
	}
	d, err := value.ParseDivisionCode(raw)
	if err != nil {
		return value.DivisionCode{}, domain.Invalid(rule, field, err.Error())
	}
	switch in.Kind {
	case KindCity:
		// The four municipalities directly under the central government
		// (北京, 天津, 上海, 重庆) are cities with a province-level code.
		if d.Level() != value.LevelCity && !(d.Level() == value.LevelProvince && municipality(d)) {
			return value.DivisionCode{}, domain.Invalid(rule, field,
				"a city needs a city-level division code (ending in 00), got "+d.String())
		}
	case KindCounty:
		if d.Level() != value.LevelCounty {
			return value.DivisionCode{}, domain.Invalid(rule, field,
				"a county needs a county-level division code, got "+d.String())
		}
		if !in.ParentDivision.IsZero() && !in.ParentDivision.Contains(d) {
			return value.DivisionCode{}, domain.Invalid("org.register.division_within_parent", field,
				"county code "+d.String()+" does not lie within the parent city "+in.ParentDivision.String())
		}
	}
	return d, nil
}

func municipality(d value.DivisionCode) bool {
	switch d.String()[:2] {
	case "11", "12", "31", "50":
		return true
	}
	return false
}

// checkCreditCode parses the unified social credit code: required for a
// contractor, which must be a social organisation registered with civil
// affairs (seed 000 §4(二)); optional for other organisations.
func checkCreditCode(in RegisterInput) (value.CreditCode, *domain.Error) {
	const rule, field = "org.register.credit_code_valid", "credit_code"
	raw := strings.TrimSpace(in.CreditCode)
	if raw == "" {
		if in.Kind == KindContractor {
			return value.CreditCode{}, domain.Invalid(rule, field,
				"a contractor needs its 18-character unified social credit code")
		}
		return value.CreditCode{}, nil
	}
	switch in.Kind {
	case KindCity, KindCounty, KindStation, KindRoom:
		return value.CreditCode{}, domain.Invalid(rule, field,
			"a credit code belongs to an organisation (bureau, contractor, evaluator, agency)")
	}
	cc, err := value.ParseCreditCode(raw)
	if err != nil {
		return value.CreditCode{}, domain.Invalid(rule, field, err.Error())
	}
	if in.Kind == KindContractor && !civilAffairs(cc) {
		return value.CreditCode{}, domain.Invalid("org.register.contractor_social_organisation", field,
			"a contractor must be a social organisation registered with civil affairs (credit code starting with 5)")
	}
	return cc, nil
}

func civilAffairs(cc value.CreditCode) bool {
	return cc.RegistrationKind() == value.RegistrationCivilAffairs
}

func checkName(rule, raw string) (string, *domain.Error) {
	name := strings.TrimSpace(raw)
	switch {
	case name == "":
		return "", domain.Invalid(rule, "name", "a name is required")
	case utf8.RuneCountInString(name) > MaxNameRunes:
		return "", domain.Invalid(rule, "name", "a name has at most 100 characters")
	}
	return name, nil
}

func adminOnly(cmd domain.Cmd, command string) *domain.Error {
	switch cmd.Actor.Role {
	case domain.RoleAdmin, domain.RoleSystem:
		return nil
	}
	return domain.Forbidden("org."+command+".admin_only", "",
		"only an administrator changes the org tree")
}

// RenameInput is a unit's new name.
type RenameInput struct {
	Name string `json:"name"`
}

// Rename changes the unit's name.
//
// Rules: org.rename.admin_only (Forbidden); org.rename.requires_registered
// and org.rename.unit_open (Conflict); org.rename.name_valid and
// org.rename.name_changed (Invalid).
func (s *State) Rename(cmd domain.Cmd, in RenameInput) ([]domain.Payload, error) {
	if err := adminOnly(cmd, "rename"); err != nil {
		return nil, err
	}
	if err := s.open("rename"); err != nil {
		return nil, err
	}
	name, err := checkName("org.rename.name_valid", in.Name)
	if err != nil {
		return nil, err
	}
	if name == s.Name {
		return nil, domain.Invalid("org.rename.name_changed", "name", "the unit already has this name")
	}
	return []domain.Payload{OrgUnitRenamed{Name: name}}, nil
}

// CloseInput gives the reason for closing a unit. OpenChildren is the
// number of open units directly under it, filled by the application layer
// from the tree.
type CloseInput struct {
	Reason       string `json:"reason"`
	OpenChildren int    `json:"-"`
}

// Close retires the unit.
//
// Rules: org.close.admin_only (Forbidden); org.close.requires_registered,
// org.close.unit_open and org.close.no_open_children (Conflict: close the
// units below first, so that no open unit hangs under a closed one);
// org.close.reason_required (Invalid).
func (s *State) Close(cmd domain.Cmd, in CloseInput) ([]domain.Payload, error) {
	if err := adminOnly(cmd, "close"); err != nil {
		return nil, err
	}
	if err := s.open("close"); err != nil {
		return nil, err
	}
	reason := strings.TrimSpace(in.Reason)
	if reason == "" {
		return nil, domain.Invalid("org.close.reason_required", "reason", "say why the unit closes")
	}
	if in.OpenChildren > 0 {
		return nil, domain.Conflict("org.close.no_open_children", "",
			"close the open units under this one first")
	}
	return []domain.Payload{OrgUnitClosed{Reason: reason}}, nil
}

func (s *State) open(command string) *domain.Error {
	if !s.Exists {
		return domain.Conflict("org."+command+".requires_registered", "", "the org unit is not registered")
	}
	if s.Closed {
		return domain.Conflict("org."+command+".unit_open", "", "the org unit is closed")
	}
	return nil
}
