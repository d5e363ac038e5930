package contract_test

import (
	"testing"

	"casework/domain"
	"casework/domain/contract"
	"casework/domain/value"
)

func TestContract_Budget_AcceptedOrRejectedByRule(t *testing.T) {
	ops := contract.BudgetLine{Code: "OPS", Purpose: "社工站工作经费", Amount: value.Yuan(60_000), Earmarked: true}
	sa := contract.BudgetLine{Code: "SA", Purpose: "社会救助服务", Amount: value.Yuan(50_000), Earmarked: true, SocialAssistance: true}
	prev := value.Yuan(1_000_000) // 5 % = 50,000 yuan
	budget := func(cmd domain.Cmd, lines []contract.BudgetLine, prev value.Fen) func(*contract.State) ([]domain.Payload, error) {
		return func(s *contract.State) ([]domain.Payload, error) {
			return s.Budget(cmd, contract.BudgetInput{Lines: lines, PrevSocialAssistanceSpend: prev})
		}
	}
	s1 := func(tb testing.TB) *contract.State { return signed(tb, 1) }
	withAmount := func(l contract.BudgetLine, a value.Fen) contract.BudgetLine { l.Amount = a; return l }
	runCases(t, []cmdCase{
		{name: "lines within budget and share", state: s1, run: budget(bureau(), []contract.BudgetLine{ops, sa}, prev), want: contract.EventFundsBudgeted},
		{name: "share exactly 5 percent accepted", state: s1, run: budget(bureau(), []contract.BudgetLine{withAmount(sa, 5)}, 100), want: contract.EventFundsBudgeted},
		{name: "lines exactly the agreed budget accepted", state: s1, run: budget(bureau(), []contract.BudgetLine{withAmount(ops, value.Yuan(180_000))}, 0), want: contract.EventFundsBudgeted},
		{name: "more lines in year 2 accepted", state: func(tb testing.TB) *contract.State {
			s := budgeted(tb)
			evalAndRenew(tb, s)
			ps, err := s.Sign(bureau(), signInput(2))
			must(tb, s, bureau(), ps, err)
			return s
		}, run: budget(bureau(), []contract.BudgetLine{{Code: "OPS-2025", Purpose: "工作经费", Amount: value.Yuan(180_000)}}, 0), want: contract.EventFundsBudgeted},
		{name: "county manager refused", state: s1, run: budget(as(domain.RoleCountyManager, bureauUnit), []contract.BudgetLine{ops}, prev), rule: "contract.budget.bureau_officer_only", kind: domain.KindForbidden},
		{name: "before agreement refused", state: awarded, run: budget(bureau(), []contract.BudgetLine{ops}, prev), rule: "contract.budget.requires_agreement", kind: domain.KindConflict},
		{name: "after end refused", state: ended, run: budget(bureau(), []contract.BudgetLine{ops}, prev), rule: "contract.budget.requires_agreement", kind: domain.KindConflict},
		{name: "no lines refused", state: s1, run: budget(bureau(), nil, prev), rule: "contract.budget.line_valid", kind: domain.KindInvalid},
		{name: "zero amount refused", state: s1, run: budget(bureau(), []contract.BudgetLine{withAmount(ops, 0)}, prev), rule: "contract.budget.line_valid", kind: domain.KindInvalid},
		{name: "no purpose refused", state: s1, run: budget(bureau(), []contract.BudgetLine{{Code: "X", Amount: 1}}, prev), rule: "contract.budget.line_valid", kind: domain.KindInvalid},
		{name: "negative spending refused", state: s1, run: budget(bureau(), []contract.BudgetLine{ops}, -1), rule: "contract.budget.line_valid", kind: domain.KindInvalid},
		{name: "duplicate code in input refused", state: s1, run: budget(bureau(), []contract.BudgetLine{ops, ops}, prev), rule: "contract.budget.line_code_unique", kind: domain.KindConflict},
		{name: "existing code refused", state: budgeted, run: budget(bureau(), []contract.BudgetLine{withAmount(ops, 1)}, prev), rule: "contract.budget.line_code_unique", kind: domain.KindConflict},
		{name: "over the agreed budget refused", state: s1, run: budget(bureau(), []contract.BudgetLine{withAmount(ops, value.Yuan(180_000)+1)}, prev), rule: "contract.budget.within_agreement", kind: domain.KindInvalid},
		{name: "over the budget with earlier lines refused", state: budgeted, run: budget(bureau(), []contract.BudgetLine{{Code: "X", Purpose: "活动经费", Amount: value.Yuan(70_000) + 1}}, prev), rule: "contract.budget.within_agreement", kind: domain.KindInvalid},
		{name: "share one fen over 5 percent refused", state: s1, run: budget(bureau(), []contract.BudgetLine{withAmount(sa, prev/20+1)}, prev), rule: "contract.budget.social_assistance_share", kind: domain.KindInvalid},
		{name: "share rounds down refused", state: s1, run: budget(bureau(), []contract.BudgetLine{withAmount(sa, 6)}, 119), rule: "contract.budget.social_assistance_share", kind: domain.KindInvalid},
		{name: "share counts earlier lines refused", state: budgeted, run: budget(bureau(), []contract.BudgetLine{{Code: "SA2", Purpose: "救助", Amount: value.Yuan(50_000) + 1, SocialAssistance: true}}, value.Yuan(2_000_000)), rule: "contract.budget.social_assistance_share", kind: domain.KindInvalid},
		{name: "share without spending refused", state: s1, run: budget(bureau(), []contract.BudgetLine{sa}, 0), rule: "contract.budget.social_assistance_share", kind: domain.KindInvalid},
	})
}

func TestSocialAssistanceCap_RoundsDown(t *testing.T) {
	for _, c := range []struct{ prev, want value.Fen }{
		{0, 0}, {-100, 0}, {19, 0}, {20, 1}, {39, 1}, {40, 2}, {119, 5},
		{value.Yuan(2_000_000), value.Yuan(100_000)}, {value.Yuan(1_234_567) + 89, 6_172_839},
	} {
		if got := contract.SocialAssistanceCap(c.prev); got != c.want {
			t.Errorf("cap(%d) = %d, want %d", c.prev, got, c.want)
		}
	}
}

func TestContract_Disburse_AcceptedOrRejectedByRule(t *testing.T) {
	pay := func(cmd domain.Cmd, line string, amount value.Fen) func(*contract.State) ([]domain.Payload, error) {
		return func(s *contract.State) ([]domain.Payload, error) {
			return s.Disburse(cmd, contract.DisburseInput{Line: line, Amount: amount, DisbursedOn: d("2024-04-01"), Purpose: "第一季度工作经费"})
		}
	}
	spent := func(tb testing.TB) *contract.State {
		s := budgeted(tb)
		ps, err := s.Disburse(bureau(), contract.DisburseInput{Line: "OPS", Amount: value.Yuan(59_999), Purpose: "工作经费"})
		must(tb, s, bureau(), ps, err)
		return s
	}
	afterEnd := func(tb testing.TB) *contract.State {
		s := budgeted(tb)
		ps, err := s.Terminate(bureau(), contract.TerminateInput{Reason: "违约"})
		must(tb, s, bureau(), ps, err)
		return s
	}
	runCases(t, []cmdCase{
		{name: "part of a line", state: budgeted, run: pay(bureau(), "OPS", value.Yuan(15_000)), want: contract.EventFundsDisbursed},
		{name: "the whole remaining amount", state: spent, run: pay(bureau(), "OPS", value.Yuan(1)), want: contract.EventFundsDisbursed},
		{name: "settlement after termination", state: afterEnd, run: pay(bureau(), "SA", value.Yuan(1)), want: contract.EventFundsDisbursed},
		{name: "contractor refused", state: budgeted, run: pay(as(domain.RoleAgencyWorker, contractorUnit), "OPS", 1), rule: "contract.disburse.bureau_officer_only", kind: domain.KindForbidden},
		{name: "unknown line refused", state: budgeted, run: pay(bureau(), "TRAVEL", 1), rule: "contract.disburse.line_exists", kind: domain.KindInvalid},
		{name: "no lines at all refused", state: awarded, run: pay(bureau(), "OPS", 1), rule: "contract.disburse.line_exists", kind: domain.KindInvalid},
		{name: "zero amount refused", state: budgeted, run: pay(bureau(), "OPS", 0), rule: "contract.disburse.required", kind: domain.KindInvalid},
		{name: "over the line refused", state: budgeted, run: pay(bureau(), "OPS", value.Yuan(60_000)+1), rule: "contract.disburse.within_line", kind: domain.KindConflict},
		{name: "one fen over the remainder refused", state: spent, run: pay(bureau(), "OPS", value.Yuan(1)+1), rule: "contract.disburse.within_line", kind: domain.KindConflict},
	})
}

func TestContract_DisburseWithoutPurpose_Rejected(t *testing.T) {
	s := budgeted(t)
	ps, err := s.Disburse(bureau(), contract.DisburseInput{Line: "OPS", Amount: 100})
	check(t, ps, err, "contract.disburse.required", domain.KindInvalid, "")
}

func TestContract_FundsLedger_TracksRemaining(t *testing.T) {
	s := budgeted(t)
	for _, a := range []value.Fen{value.Yuan(10_000), value.Yuan(20_000) + 50} {
		ps, err := s.Disburse(bureau(), contract.DisburseInput{Line: "OPS", Amount: a, Purpose: "工作经费"})
		must(t, s, bureau(), ps, err)
	}
	l := s.Line("OPS")
	if l.Disbursed != value.Yuan(30_000)+50 || l.Remaining() != value.Yuan(30_000)-50 || len(l.Disbursements) != 2 || !l.Earmarked || l.CycleYear != 1 {
		t.Fatalf("line = %+v", l)
	}
	if s.Line("SA").Remaining() != value.Yuan(50_000) || s.Line("NOPE") != nil {
		t.Fatal("other lines wrong")
	}
	rows := contract.Funds(s)
	want := contract.FundRow{CycleYear: 1, Code: "OPS", Purpose: "社工站工作经费", Earmarked: true,
		Budgeted: value.Yuan(60_000), Disbursed: value.Yuan(30_000) + 50, Remaining: value.Yuan(30_000) - 50}
	if len(rows) != 2 || rows[0] != want || rows[1].Code != "SA" || !rows[1].SocialAssistance || rows[1].Remaining != value.Yuan(50_000) {
		t.Fatalf("funds = %+v", rows)
	}
}
