package contract_test

import (
	"testing"

	"casework/domain"
	"casework/domain/contract"
	"casework/domain/value"
)

// cmdCase is one row of a command table: the state before, the command,
// and either the event type expected or the rule and kind of the refusal.
type cmdCase struct {
	name  string
	state func(testing.TB) *contract.State
	run   func(*contract.State) ([]domain.Payload, error)
	rule  string
	kind  domain.Kind
	want  string
}

func runCases(t *testing.T, cases []cmdCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := c.state(t)
			before := c.state(t)
			ps, err := c.run(s)
			check(t, ps, err, c.rule, c.kind, c.want)
			if !deepEqual(*before, *s) {
				t.Fatalf("the command changed the state it decided on")
			}
		})
	}
}

func none(testing.TB) *contract.State { return &contract.State{} }

func TestContract_Open_AcceptedOrRejectedByRule(t *testing.T) {
	open := func(cmd domain.Cmd, in contract.OpenInput) func(*contract.State) ([]domain.Payload, error) {
		return func(s *contract.State) ([]domain.Payload, error) { return s.Open(cmd, contractID, in) }
	}
	runCases(t, []cmdCase{
		{name: "bureau officer opens", state: none, run: open(bureau(), openInput()), want: contract.EventProcurementOpened},
		{name: "every method accepted", state: none, run: open(bureau(), mod(openInput(), func(in *contract.OpenInput) { in.Method = contract.MethodSingleSource })), want: contract.EventProcurementOpened},
		{name: "social worker refused", state: none, run: open(worker(), openInput()), rule: "contract.open.bureau_officer_only", kind: domain.KindForbidden},
		{name: "officer of another bureau refused", state: none, run: open(as(domain.RoleBureauOfficer, "bureau-other"), openInput()), rule: "contract.open.bureau_officer_only", kind: domain.KindForbidden},
		{name: "opened twice refused", state: opened, run: open(bureau(), openInput()), rule: "contract.open.already_opened", kind: domain.KindConflict},
		{name: "no title refused", state: none, run: open(bureau(), mod(openInput(), func(in *contract.OpenInput) { in.Title = " " })), rule: "contract.open.required", kind: domain.KindInvalid},
		{name: "no stations refused", state: none, run: open(bureau(), mod(openInput(), func(in *contract.OpenInput) { in.Stations = nil })), rule: "contract.open.required", kind: domain.KindInvalid},
		{name: "duplicate station refused", state: none, run: open(bureau(), mod(openInput(), func(in *contract.OpenInput) { in.Stations = []string{stationA, stationA} })), rule: "contract.open.required", kind: domain.KindInvalid},
		{name: "unknown method refused", state: none, run: open(bureau(), mod(openInput(), func(in *contract.OpenInput) { in.Method = "lottery" })), rule: "contract.open.method_known", kind: domain.KindInvalid},
		{name: "zero ceiling refused", state: none, run: open(bureau(), mod(openInput(), func(in *contract.OpenInput) { in.BudgetCeiling = 0 })), rule: "contract.open.budget_ceiling_positive", kind: domain.KindInvalid},
	})
}

func TestContract_OpenWithNilID_Rejected(t *testing.T) {
	ps, err := contract.Open(bureau(), [16]byte{}, openInput())
	check(t, ps, err, "contract.open.required", domain.KindInvalid, "")
}

func TestContract_Award_AcceptedOrRejectedByRule(t *testing.T) {
	award := func(cmd domain.Cmd, f func(*contract.AwardInput)) func(*contract.State) ([]domain.Payload, error) {
		return func(s *contract.State) ([]domain.Payload, error) { return s.Award(cmd, mod(awardInput(), f)) }
	}
	same := func(*contract.AwardInput) {}
	runCases(t, []cmdCase{
		{name: "awarded to a social organisation", state: opened, run: award(bureau(), same), want: contract.EventContractAwarded},
		{name: "check digit mismatch only warns", state: opened, run: award(bureau(), func(in *contract.AwardInput) { in.CreditCode = "52511523MJ5727133A" }), want: contract.EventContractAwarded},
		{name: "amount equal to ceiling accepted", state: opened, run: award(bureau(), func(in *contract.AwardInput) { in.Amount = value.Yuan(600_000) }), want: contract.EventContractAwarded},
		{name: "evaluator refused", state: opened, run: award(evaluator(), same), rule: "contract.award.bureau_officer_only", kind: domain.KindForbidden},
		{name: "not opened refused", state: none, run: award(bureau(), same), rule: "contract.award.bureau_officer_only", kind: domain.KindForbidden},
		{name: "awarded twice refused", state: awarded, run: award(bureau(), same), rule: "contract.award.requires_open_procurement", kind: domain.KindConflict},
		{name: "no contractor refused", state: opened, run: award(bureau(), func(in *contract.AwardInput) { in.ContractorUnit, in.ContractorName = "", "" }), rule: "contract.award.required", kind: domain.KindInvalid},
		{name: "malformed credit code refused", state: opened, run: award(bureau(), func(in *contract.AwardInput) { in.CreditCode = "52511523MJ57271" }), rule: "contract.award.credit_code_valid", kind: domain.KindInvalid},
		{name: "company refused", state: opened, run: award(bureau(), func(in *contract.AwardInput) { in.CreditCode = "91511523MA62830122" }), rule: "contract.award.registered_social_organisation", kind: domain.KindInvalid},
		{name: "amount over ceiling refused", state: opened, run: award(bureau(), func(in *contract.AwardInput) { in.Amount = value.Yuan(600_000) + 1 }), rule: "contract.award.amount_within_ceiling", kind: domain.KindInvalid},
		{name: "zero amount refused", state: opened, run: award(bureau(), func(in *contract.AwardInput) { in.Amount = 0 }), rule: "contract.award.amount_within_ceiling", kind: domain.KindInvalid},
		{name: "award before opening refused", state: opened, run: award(bureau(), func(in *contract.AwardInput) { in.AwardedOn = d("2023-10-31") }), rule: "contract.award.not_before_opening", kind: domain.KindInvalid},
	})
}

func TestContract_AwardWithBadCheckDigit_KeepsWarning(t *testing.T) {
	s := opened(t)
	ps, err := s.Award(bureau(), mod(awardInput(), func(in *contract.AwardInput) { in.CreditCode = "52511523mj5727133a" }))
	must(t, s, bureau(), ps, err)
	if !s.Contractor.CheckDigitMismatch || s.Contractor.CreditCode.String() != "52511523MJ5727133A" {
		t.Fatalf("award = %+v, want the mismatch flagged and the code upper-cased", s.Contractor)
	}
	s = awarded(t)
	if s.Contractor.CheckDigitMismatch || s.Phase != contract.PhaseAwarded {
		t.Fatalf("valid code flagged or wrong phase: %+v %s", s.Contractor, s.Phase)
	}
}

func TestContract_Sign_AcceptedOrRejectedByRule(t *testing.T) {
	sign := func(cmd domain.Cmd, n int, f func(*contract.SignInput)) func(*contract.State) ([]domain.Payload, error) {
		return func(s *contract.State) ([]domain.Payload, error) { return s.Sign(cmd, mod(signInput(n), f)) }
	}
	same := func(*contract.SignInput) {}
	s1 := func(tb testing.TB) *contract.State { return signed(tb, 1) }
	s3 := func(tb testing.TB) *contract.State { return signed(tb, 3) }
	pass1 := func(tb testing.TB) *contract.State { return evaluated(tb, 1, true) }
	fail1 := func(tb testing.TB) *contract.State { return evaluated(tb, 1, false) }
	runCases(t, []cmdCase{
		{name: "year 1 after award", state: awarded, run: sign(bureau(), 1, same), want: contract.EventAgreementSigned},
		{name: "year 2 after renewal", state: renewed, run: sign(bureau(), 2, same), want: contract.EventAgreementSigned},
		{name: "explicit one-year end accepted", state: awarded, run: sign(bureau(), 1, func(in *contract.SignInput) { in.PeriodEnd = d("2024-12-31") }), want: contract.EventAgreementSigned},
		{name: "agreed deadlines accepted", state: awarded, run: sign(bureau(), 1, func(in *contract.SignInput) {
			in.Terms = contract.Terms{MonthlyDueDay: 10, MidTermDays: 30, FinalDays: 20, StaffingGraceDays: 60, PassThreshold: 70}
		}), want: contract.EventAgreementSigned},
		{name: "contractor refused", state: awarded, run: sign(as(domain.RoleAgencyWorker, contractorUnit), 1, same), rule: "contract.sign.bureau_officer_only", kind: domain.KindForbidden},
		{name: "before award refused", state: opened, run: sign(bureau(), 1, same), rule: "contract.sign.requires_award", kind: domain.KindConflict},
		{name: "year 0 refused", state: awarded, run: sign(bureau(), 0, same), rule: "contract.sign.cycle_year_next", kind: domain.KindInvalid},
		{name: "year 4 refused", state: s3, run: sign(bureau(), 4, same), rule: "contract.sign.cycle_year_next", kind: domain.KindInvalid},
		{name: "year 2 before year 1 refused", state: awarded, run: sign(bureau(), 2, same), rule: "contract.sign.cycle_year_next", kind: domain.KindConflict},
		{name: "year 1 twice refused", state: s1, run: sign(bureau(), 1, same), rule: "contract.sign.cycle_year_next", kind: domain.KindConflict},
		{name: "year 2 before evaluation refused", state: s1, run: sign(bureau(), 2, same), rule: "contract.sign.requires_renewal", kind: domain.KindConflict},
		{name: "year 2 after pass without renewal refused", state: pass1, run: sign(bureau(), 2, same), rule: "contract.sign.requires_renewal", kind: domain.KindConflict},
		{name: "year 2 after failed evaluation refused", state: fail1, run: sign(bureau(), 2, same), rule: "contract.sign.requires_renewal", kind: domain.KindConflict},
		{name: "year 2 after termination refused", state: terminated, run: sign(bureau(), 2, same), rule: "contract.sign.requires_renewal", kind: domain.KindConflict},
		{name: "township missing refused", state: awarded, run: sign(bureau(), 1, func(in *contract.SignInput) { in.Parties.Township = contract.Party{} }), rule: "contract.sign.parties_named", kind: domain.KindInvalid},
		{name: "contractor name missing refused", state: awarded, run: sign(bureau(), 1, func(in *contract.SignInput) { in.Parties.Contractor.Name = "" }), rule: "contract.sign.parties_named", kind: domain.KindInvalid},
		{name: "another contractor refused", state: awarded, run: sign(bureau(), 1, func(in *contract.SignInput) { in.Parties.Contractor.Unit = otherOrgUnit }), rule: "contract.sign.parties_match_award", kind: domain.KindInvalid},
		{name: "another bureau refused", state: awarded, run: sign(bureau(), 1, func(in *contract.SignInput) { in.Parties.Bureau.Unit = "bureau-other" }), rule: "contract.sign.parties_match_award", kind: domain.KindInvalid},
		{name: "two-year period refused", state: awarded, run: sign(bureau(), 1, func(in *contract.SignInput) { in.PeriodEnd = d("2025-12-31") }), rule: "contract.sign.period_one_year", kind: domain.KindInvalid},
		{name: "gap between years refused", state: renewed, run: sign(bureau(), 2, func(in *contract.SignInput) { in.PeriodStart = d("2025-02-01") }), rule: "contract.sign.period_follows_previous", kind: domain.KindInvalid},
		{name: "station without staffing refused", state: awarded, run: sign(bureau(), 1, func(in *contract.SignInput) { in.Staffing = in.Staffing[:1] }), rule: "contract.sign.staffing_per_station", kind: domain.KindInvalid},
		{name: "uncovered station refused", state: awarded, run: sign(bureau(), 1, func(in *contract.SignInput) {
			in.Staffing = append(in.Staffing, contract.StationStaffing{Station: "station-elsewhere", ResidentWorkers: 2})
		}), rule: "contract.sign.staffing_per_station", kind: domain.KindInvalid},
		{name: "zero workers refused", state: awarded, run: sign(bureau(), 1, func(in *contract.SignInput) { in.Staffing[0].ResidentWorkers = 0 }), rule: "contract.sign.staffing_per_station", kind: domain.KindInvalid},
		{name: "station twice refused", state: awarded, run: sign(bureau(), 1, func(in *contract.SignInput) { in.Staffing[1].Station = stationA }), rule: "contract.sign.staffing_per_station", kind: domain.KindInvalid},
		{name: "no breach liability refused", state: awarded, run: sign(bureau(), 1, func(in *contract.SignInput) { in.BreachLiability = "" }), rule: "contract.sign.required", kind: domain.KindInvalid},
		{name: "no period start refused", state: awarded, run: sign(bureau(), 1, func(in *contract.SignInput) { in.PeriodStart = value.Date{} }), rule: "contract.sign.required", kind: domain.KindInvalid},
		{name: "negative target refused", state: awarded, run: sign(bureau(), 1, func(in *contract.SignInput) { in.Targets.ServiceHours = -1 }), rule: "contract.sign.required", kind: domain.KindInvalid},
		{name: "zero budget refused", state: awarded, run: sign(bureau(), 1, func(in *contract.SignInput) { in.Budget = 0 }), rule: "contract.sign.required", kind: domain.KindInvalid},
		{name: "pass threshold over 100 refused", state: awarded, run: sign(bureau(), 1, func(in *contract.SignInput) { in.Terms.PassThreshold = 101 }), rule: "contract.sign.terms_range", kind: domain.KindInvalid},
		{name: "negative monthly due day refused", state: awarded, run: sign(bureau(), 1, func(in *contract.SignInput) { in.Terms.MonthlyDueDay = -5 }), rule: "contract.sign.terms_range", kind: domain.KindInvalid},
	})
}

func TestContract_SignResolvesDefaultsAndPeriod(t *testing.T) {
	s := signed(t, 1)
	a := s.Year(1).Agreement
	want := contract.Terms{MonthlyDueDay: 5, MidTermDays: 15, FinalDays: 15, StaffingGraceDays: 30, PassThreshold: 60}
	if a.Terms != want || a.PeriodEnd != d("2024-12-31") || s.Phase != contract.PhaseInAgreement || s.CycleYear != 1 {
		t.Fatalf("agreement = %+v, phase %s, year %d", a, s.Phase, s.CycleYear)
	}
}

func TestOneYearEnd_AcrossLeapDays(t *testing.T) {
	for _, c := range []struct{ start, end string }{
		{"2024-01-01", "2024-12-31"},
		{"2024-02-29", "2025-02-28"},
		{"2024-03-01", "2025-02-28"},
		{"2023-03-01", "2024-02-29"},
		{"2027-03-01", "2028-02-29"},
		{"2028-02-29", "2029-02-28"},
		{"2025-07-15", "2026-07-14"},
	} {
		if got := contract.OneYearEnd(d(c.start)); got != d(c.end) {
			t.Errorf("OneYearEnd(%s) = %s, want %s", c.start, got, c.end)
		}
	}
}
