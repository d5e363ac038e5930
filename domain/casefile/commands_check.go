package casefile

import (
	"fmt"
	"strings"

	"casework/domain"
	"casework/domain/value"
)

// MemberInput is one household member as entered at the check. Minor
// marks a member under 18; a BirthDate, when given, also decides it.
type MemberInput struct {
	Name      string       `json:"name"`
	Relation  string       `json:"relation"`
	BirthDate value.Date   `json:"birth_date"`
	Minor     bool         `json:"minor"`
	Income    []IncomeItem `json:"income"`
}

// HouseholdCheckInput is a household economic check (家计调查) as entered,
// with the minimum-living standards the caller holds (any number; the one
// in force for the household's county at the visit date is used).
type HouseholdCheckInput struct {
	VisitDate     value.Date              `json:"visit_date"`
	Investigators []string                `json:"investigators"`
	Members       []MemberInput           `json:"members"`
	Assets        []Asset                 `json:"assets"`
	Notes         string                  `json:"notes"`
	Standards     []MinimumLivingStandard `json:"standards"`
}

// RecordHouseholdCheck records a household economic check and judges
// eligibility against the standard in force for the household's county
// at the visit date; the event keeps the inputs, the standard's rule id
// and version, the computed per-capita income and the outcome.
//
// Errors: case.state.* (Conflict), case.record.role (Forbidden); Invalid:
// case.household_check.visit_date (missing or after today),
// case.household_check.two_investigators, case.household_check.members,
// case.household_check.member_name, case.household_check.member_relation,
// case.household_check.income_kind, case.household_check.income_amount,
// case.household_check.income_period, case.household_check.asset_kind,
// case.household_check.asset_value, case.household_check.standard_valid,
// case.household_check.standard_in_force, case.household_check.standard_ambiguous.
func (s *State) RecordHouseholdCheck(cmd domain.Cmd, in HouseholdCheckInput) ([]domain.Payload, error) {
	if err := s.guard(recorderOnly(cmd.Actor), false); err != nil {
		return nil, err
	}
	var v domain.Violations
	v.Add(dateInPast("case.household_check.visit_date", "visit_date", in.VisitDate, today(cmd), value.Date{}, "the visit date"))
	if !distinctNonBlank(in.Investigators, 2) {
		v.Add(domain.Invalid("case.household_check.two_investigators", "investigators",
			"a household check is made and signed by at least two different investigators"))
	}
	if len(in.Members) == 0 {
		v.Add(domain.Invalid("case.household_check.members", "members", "a household check lists at least one member"))
	}
	members := make([]HouseholdMember, 0, len(in.Members))
	for i, m := range in.Members {
		f := fmt.Sprintf("members[%d]", i)
		if blank(m.Name) {
			v.Add(domain.Invalid("case.household_check.member_name", f+".name", "each member's name is required"))
		}
		if !oneOf(m.Relation, Relations()) {
			v.Add(domain.Invalid("case.household_check.member_relation", f+".relation", "relation must be one of "+strings.Join(Relations(), ", ")))
		}
		for j, it := range m.Income {
			g := fmt.Sprintf("%s.income[%d]", f, j)
			if !oneOf(it.Kind, IncomeKinds()) {
				v.Add(domain.Invalid("case.household_check.income_kind", g+".kind", "income kind must be one of "+strings.Join(IncomeKinds(), ", ")))
			}
			if it.Amount < 0 || it.Amount > maxAmount {
				v.Add(domain.Invalid("case.household_check.income_amount", g+".amount", "an income amount is between 0 and 100,000,000 yuan"))
			}
			if it.Period != PeriodMonthly && it.Period != PeriodAnnual {
				v.Add(domain.Invalid("case.household_check.income_period", g+".period", "income period must be monthly or annual"))
			}
		}
		minor := m.Minor || (!m.BirthDate.IsZero() && !in.VisitDate.IsZero() && ageOn(m.BirthDate, in.VisitDate) < adultAge)
		hm := HouseholdMember{Relation: m.Relation, Minor: minor, Income: append([]IncomeItem{}, m.Income...)}
		if minor {
			hm.MinorName = strings.TrimSpace(m.Name)
		} else {
			hm.Name = strings.TrimSpace(m.Name)
		}
		members = append(members, hm)
	}
	for i, a := range in.Assets {
		f := fmt.Sprintf("assets[%d]", i)
		if !oneOf(a.Kind, AssetKinds()) {
			v.Add(domain.Invalid("case.household_check.asset_kind", f+".kind", "asset kind must be one of "+strings.Join(AssetKinds(), ", ")))
		}
		if a.Value < 0 || a.Value > maxAmount {
			v.Add(domain.Invalid("case.household_check.asset_value", f+".value", "an asset's value is between 0 and 100,000,000 yuan"))
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	st, rerr := standardInForce(in.Standards, s.Household.County, in.VisitDate)
	if rerr != nil {
		return nil, rerr
	}
	return []domain.Payload{HouseholdCheckRecorded{
		VisitDate: in.VisitDate, Investigators: trimAll(in.Investigators), Members: members,
		Assets: append([]Asset{}, in.Assets...), Eligibility: judge(members, st), Notes: strings.TrimSpace(in.Notes),
	}}, nil
}

// maxAmount bounds money inputs (100 million yuan) so sums cannot overflow.
const maxAmount = value.Fen(100_000_000_00)

func trimAll(list []string) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = strings.TrimSpace(v)
	}
	return out
}
