package casefile_test

import (
	"testing"

	"casework/domain"
	"casework/domain/casefile"
	"casework/domain/value"
)

// Chengdu's standards as effective-dated data: a city-wide standard and a
// district one that supersedes it from 2025. Figures are for the tests.
var standards = []casefile.MinimumLivingStandard{
	{RuleID: "cd-dibao", Version: 1, County: value.MustParseDivisionCode("510100"), EffectiveFrom: date("2023-07-01"), MonthlyPerCapita: 80000},
	{RuleID: "cd-dibao", Version: 2, County: value.MustParseDivisionCode("510100"), EffectiveFrom: date("2024-07-01"), MonthlyPerCapita: 85000},
	{RuleID: "ch-dibao", Version: 1, County: county, EffectiveFrom: date("2025-01-01"), MonthlyPerCapita: 90000},
	{RuleID: "wj-dibao", Version: 1, County: value.MustParseDivisionCode("510115"), EffectiveFrom: date("2020-01-01"), MonthlyPerCapita: 70000},
}

func validCheck() casefile.HouseholdCheckInput {
	return casefile.HouseholdCheckInput{
		VisitDate:     date("2025-06-08"),
		Investigators: []string{"李明", "王芳"},
		Members: []casefile.MemberInput{
			{Name: "张秀兰", Relation: "self", Income: []casefile.IncomeItem{{Kind: "pension", Amount: 120000, Period: casefile.PeriodMonthly}}},
			{Name: "王小明", Relation: "grandchild", BirthDate: date("2015-03-15")},
		},
		Assets:    []casefile.Asset{{Kind: "deposit", Description: "活期存款", Value: 500000}},
		Standards: standards,
	}
}

func TestCase_HouseholdCheck_Rules(t *testing.T) {
	tests := []struct {
		name string
		edit func(in *casefile.HouseholdCheckInput)
		rule string
	}{
		{name: "valid", edit: func(*casefile.HouseholdCheckInput) {}},
		{name: "visit today", edit: func(in *casefile.HouseholdCheckInput) { in.VisitDate = date("2025-06-10") }},
		{name: "visit tomorrow", edit: func(in *casefile.HouseholdCheckInput) { in.VisitDate = date("2025-06-11") }, rule: "case.household_check.visit_date"},
		{name: "no visit date", edit: func(in *casefile.HouseholdCheckInput) { in.VisitDate = value.Date{} }, rule: "case.household_check.visit_date"},
		{name: "one investigator", edit: func(in *casefile.HouseholdCheckInput) { in.Investigators = []string{"李明"} }, rule: "case.household_check.two_investigators"},
		{name: "same investigator twice", edit: func(in *casefile.HouseholdCheckInput) { in.Investigators = []string{"李明", " 李明"} }, rule: "case.household_check.two_investigators"},
		{name: "blank investigator", edit: func(in *casefile.HouseholdCheckInput) { in.Investigators = []string{"李明", "王芳", ""} }, rule: "case.household_check.two_investigators"},
		{name: "three investigators", edit: func(in *casefile.HouseholdCheckInput) { in.Investigators = []string{"李明", "王芳", "赵刚"} }},
		{name: "no members", edit: func(in *casefile.HouseholdCheckInput) { in.Members = nil }, rule: "case.household_check.members"},
		{name: "member unnamed", edit: func(in *casefile.HouseholdCheckInput) { in.Members[1].Name = "" }, rule: "case.household_check.member_name"},
		{name: "member relation", edit: func(in *casefile.HouseholdCheckInput) { in.Members[1].Relation = "cousin" }, rule: "case.household_check.member_relation"},
		{name: "income kind", edit: func(in *casefile.HouseholdCheckInput) { in.Members[0].Income[0].Kind = "lottery" }, rule: "case.household_check.income_kind"},
		{name: "negative income", edit: func(in *casefile.HouseholdCheckInput) { in.Members[0].Income[0].Amount = -1 }, rule: "case.household_check.income_amount"},
		{name: "income period", edit: func(in *casefile.HouseholdCheckInput) { in.Members[0].Income[0].Period = "weekly" }, rule: "case.household_check.income_period"},
		{name: "asset kind", edit: func(in *casefile.HouseholdCheckInput) { in.Assets[0].Kind = "bitcoin" }, rule: "case.household_check.asset_kind"},
		{name: "negative asset", edit: func(in *casefile.HouseholdCheckInput) { in.Assets[0].Value = -100 }, rule: "case.household_check.asset_value"},
		{name: "no standards", edit: func(in *casefile.HouseholdCheckInput) { in.Standards = nil }, rule: "case.household_check.standard_in_force"},
		{name: "standard not yet in force", edit: func(in *casefile.HouseholdCheckInput) {
			in.Standards, in.VisitDate = standards[2:3], date("2024-12-31")
		}, rule: "case.household_check.standard_in_force"},
		{name: "other county's standard only", edit: func(in *casefile.HouseholdCheckInput) { in.Standards = standards[3:] }, rule: "case.household_check.standard_in_force"},
		{name: "malformed standard", edit: func(in *casefile.HouseholdCheckInput) {
			in.Standards = append([]casefile.MinimumLivingStandard{{RuleID: "x", Version: 0}}, standards...)
		}, rule: "case.household_check.standard_valid"},
		{name: "two standards tie", edit: func(in *casefile.HouseholdCheckInput) {
			dup := standards[2]
			dup.MonthlyPerCapita = 95000
			in.Standards = append(append([]casefile.MinimumLivingStandard{}, standards...), dup)
		}, rule: "case.household_check.standard_ambiguous"},
		{name: "identical standard twice is no tie", edit: func(in *casefile.HouseholdCheckInput) {
			in.Standards = append(append([]casefile.MinimumLivingStandard{}, standards...), standards[2])
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := opened(t)
			in := validCheck()
			tt.edit(&in)
			ps, err := h.s.RecordHouseholdCheck(cmdBy(worker), in)
			wantRule(t, ps, err, tt.rule)
		})
	}
}

func TestCase_HouseholdCheck_UsesStandardInForceAtVisitDate(t *testing.T) {
	tests := []struct {
		visit   string
		rule    string
		version int
		monthly value.Fen
	}{
		{visit: "2024-06-30", rule: "cd-dibao", version: 1, monthly: 80000},
		{visit: "2024-07-01", rule: "cd-dibao", version: 2, monthly: 85000},
		{visit: "2024-12-31", rule: "cd-dibao", version: 2, monthly: 85000},
		{visit: "2025-01-01", rule: "ch-dibao", version: 1, monthly: 90000}, // district beats city
	}
	for _, tt := range tests {
		t.Run(tt.visit, func(t *testing.T) {
			h := opened(t)
			in := validCheck()
			in.VisitDate = date(tt.visit)
			ps, err := h.s.RecordHouseholdCheck(cmdBy(worker), in)
			if err != nil {
				t.Fatal(err)
			}
			el := ps[0].(casefile.HouseholdCheckRecorded).Eligibility
			if el.RuleID != tt.rule || el.RuleVersion != tt.version || el.StandardMonthly != tt.monthly {
				t.Fatalf("eligibility = %+v", el)
			}
		})
	}
}

func TestCase_HouseholdCheck_JudgesPerCapitaIncome(t *testing.T) {
	member := func(name string, amount value.Fen, period string) casefile.MemberInput {
		return casefile.MemberInput{Name: name, Relation: "other", Income: []casefile.IncomeItem{{Kind: "wages", Amount: amount, Period: period}}}
	}
	tests := []struct {
		name      string
		members   []casefile.MemberInput
		perCapita value.Fen
		outcome   string
	}{
		{name: "below standard", members: []casefile.MemberInput{member("甲", 120000, "monthly"), member("乙", 0, "monthly")}, perCapita: 60000, outcome: casefile.OutcomeEligible},
		{name: "exactly the standard is not below it", members: []casefile.MemberInput{member("甲", 180000, "monthly"), member("乙", 0, "monthly")}, perCapita: 90000, outcome: casefile.OutcomeNotEligible},
		{name: "one fen below", members: []casefile.MemberInput{member("甲", 179999, "monthly"), member("乙", 0, "monthly")}, perCapita: 89999, outcome: casefile.OutcomeEligible},
		{name: "annual income counts a twelfth", members: []casefile.MemberInput{member("甲", 1080000, "annual")}, perCapita: 90000, outcome: casefile.OutcomeNotEligible},
		// 3 members, 2,699.99 yuan a month: 899.996… per head, below 900
		// although rounding to the fen would give 900.00.
		{name: "no rounding tips the outcome", members: []casefile.MemberInput{member("甲", 269999, "monthly"), member("乙", 0, "monthly"), member("丙", 0, "monthly")}, perCapita: 89999, outcome: casefile.OutcomeEligible},
		{name: "no income at all", members: []casefile.MemberInput{{Name: "甲", Relation: "self"}}, perCapita: 0, outcome: casefile.OutcomeEligible},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := opened(t)
			in := validCheck()
			in.Members = tt.members
			ps, err := h.s.RecordHouseholdCheck(cmdBy(worker), in)
			if err != nil {
				t.Fatal(err)
			}
			el := ps[0].(casefile.HouseholdCheckRecorded).Eligibility
			if el.PerCapitaMonthlyIncome != tt.perCapita || el.Outcome != tt.outcome || el.HouseholdSize != len(tt.members) {
				t.Fatalf("eligibility = %+v", el)
			}
		})
	}
}

func TestCase_HouseholdCheck_StoresInputsForAudit(t *testing.T) {
	h := opened(t)
	h.do(t, worker, func(c domain.Cmd) ([]domain.Payload, error) { return h.s.RecordHouseholdCheck(c, validCheck()) })
	ev := h.events[len(h.events)-1].Payload.(casefile.HouseholdCheckRecorded)
	if len(ev.Members) != 2 || !ev.Members[1].Minor || ev.Members[1].MinorName != "王小明" || ev.Members[1].Name != "" {
		t.Fatalf("members = %+v", ev.Members)
	}
	if ev.Eligibility.MonthlyIncome != 120000 || ev.Eligibility.StandardCounty != county || ev.Eligibility.StandardEffectiveFrom != date("2025-01-01") {
		t.Fatalf("eligibility = %+v", ev.Eligibility)
	}
	if h.s.Eligibility.Outcome != casefile.OutcomeEligible || h.s.HouseholdChecks != 1 || h.s.Stage() != casefile.StageAssessment {
		t.Fatalf("state eligibility %+v checks %d stage %s", h.s.Eligibility, h.s.HouseholdChecks, h.s.Stage())
	}
}
