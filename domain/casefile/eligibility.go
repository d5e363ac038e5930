package casefile

import (
	"fmt"

	"casework/domain"
	"casework/domain/value"
)

// MinimumLivingStandard is one effective-dated minimum-living standard
// (低保标准): from EffectiveFrom on, a household in County (a county, or a
// city or province whose standard covers its counties) is eligible when
// its per-capita monthly income is below MonthlyPerCapita. Standards are
// data kept outside the aggregate and passed into each check; RuleID and
// Version identify the published rule so that the check can cite it.
type MinimumLivingStandard struct {
	RuleID           string             `json:"rule_id"`
	Version          int                `json:"version"`
	County           value.DivisionCode `json:"county"`
	EffectiveFrom    value.Date         `json:"effective_from"`
	MonthlyPerCapita value.Fen          `json:"monthly_per_capita"`
}

func levelRank(d value.DivisionCode) int {
	switch d.Level() {
	case value.LevelCounty:
		return 3
	case value.LevelCity:
		return 2
	case value.LevelProvince:
		return 1
	}
	return 0
}

// standardInForce picks the standard in force for county on date: among
// those covering the county and effective on or before date, the most
// specific (county over city over province), then the latest effective
// date, then the highest version. Errors: case.household_check.standard_valid
// (a malformed standard), case.household_check.standard_in_force (none
// applies), case.household_check.standard_ambiguous (two different
// standards tie).
func standardInForce(standards []MinimumLivingStandard, county value.DivisionCode, on value.Date) (MinimumLivingStandard, *domain.Error) {
	var best MinimumLivingStandard
	found, tie := false, false
	for i, st := range standards {
		if blank(st.RuleID) || st.Version < 1 || st.County.IsZero() || st.EffectiveFrom.IsZero() || st.MonthlyPerCapita <= 0 || st.MonthlyPerCapita > maxAmount {
			return st, domain.Invalid("case.household_check.standard_valid", fmt.Sprintf("standards[%d]", i),
				"a minimum-living standard needs a rule id, a version ≥ 1, a division, an effective date and a positive amount")
		}
		if !st.County.Contains(county) || st.EffectiveFrom.After(on) {
			continue
		}
		if !found {
			best, found = st, true
			continue
		}
		switch cmpStandard(st, best) {
		case 1:
			best, tie = st, false
		case 0:
			if st != best {
				tie = true
			}
		}
	}
	if !found {
		return best, domain.Invalid("case.household_check.standard_in_force", "standards",
			fmt.Sprintf("no minimum-living standard is in force for county %s on %s", county, on))
	}
	if tie {
		return best, domain.Invalid("case.household_check.standard_ambiguous", "standards",
			fmt.Sprintf("two different minimum-living standards (rule %s version %d) apply to county %s on %s", best.RuleID, best.Version, county, on))
	}
	return best, nil
}

// cmpStandard orders standards by specificity, effective date, version.
func cmpStandard(a, b MinimumLivingStandard) int {
	switch {
	case levelRank(a.County) != levelRank(b.County):
		return sign(levelRank(a.County) - levelRank(b.County))
	case !a.EffectiveFrom.Equal(b.EffectiveFrom):
		if a.EffectiveFrom.After(b.EffectiveFrom) {
			return 1
		}
		return -1
	}
	return sign(a.Version - b.Version)
}

func sign(n int) int {
	switch {
	case n > 0:
		return 1
	case n < 0:
		return -1
	}
	return 0
}

// judge computes the household's monthly income and the eligibility
// outcome under st. An annual amount counts as one twelfth per month. The
// outcome is decided exactly (12 × monthly total against 12 × standard ×
// size, so no rounding can tip it); the per-capita figure stored for
// display is rounded down to the fen.
func judge(members []HouseholdMember, st MinimumLivingStandard) Eligibility {
	var monthly12 value.Fen // twelve times the monthly total, exact
	for _, m := range members {
		for _, it := range m.Income {
			if it.Period == PeriodAnnual {
				monthly12 += it.Amount
			} else {
				monthly12 += 12 * it.Amount
			}
		}
	}
	size := value.Fen(len(members))
	out := OutcomeNotEligible
	if monthly12 < 12*st.MonthlyPerCapita*size {
		out = OutcomeEligible
	}
	return Eligibility{
		RuleID: st.RuleID, RuleVersion: st.Version, StandardCounty: st.County,
		StandardEffectiveFrom: st.EffectiveFrom, StandardMonthly: st.MonthlyPerCapita,
		HouseholdSize: len(members), MonthlyIncome: monthly12 / 12,
		PerCapitaMonthlyIncome: monthly12 / (12 * size), Outcome: out,
	}
}
