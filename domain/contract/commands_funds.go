package contract

import (
	"fmt"

	"casework/domain"
	"casework/domain/value"
)

// BudgetInput adds budget lines to the current cycle year. The previous
// year's social-assistance spending is an input (it comes from the finance
// system, not from this contract); an empty budgeted_on means today.
type BudgetInput struct {
	Lines                     []BudgetLine `json:"lines"`
	PrevSocialAssistanceSpend value.Fen    `json:"previous_year_social_assistance_spending"`
	BudgetedOn                value.Date   `json:"budgeted_on"`
}

// SocialAssistanceCap is 5 % of the previous year's social-assistance
// spending (seed 000 §4.4), in whole fen rounded down, computed in integers:
// prev/20. Rounding down keeps the cap from ever exceeding 5 %.
func SocialAssistanceCap(prev value.Fen) value.Fen {
	if prev <= 0 {
		return 0
	}
	return prev / 20
}

// maxFen bounds amounts so that sums of a few thousand lines cannot
// overflow int64 (10^15 fen is ten trillion yuan).
const maxFen value.Fen = 1_000_000_000_000_000

// Budget records FundsBudgeted. Rules: contract.budget.bureau_officer_only,
// contract.budget.requires_agreement, contract.budget.line_valid,
// contract.budget.line_code_unique, contract.budget.within_agreement (the
// year's lines never exceed its agreed budget),
// contract.budget.social_assistance_share (the year's social-assistance
// lines never exceed SocialAssistanceCap of the given spending).
func (s *State) Budget(cmd domain.Cmd, in BudgetInput) ([]domain.Payload, error) {
	if err := s.bureau(cmd, ruleBudgetBureau); err != nil {
		return nil, err
	}
	y := s.Current()
	if y == nil || s.Closed() {
		return nil, domain.Conflict(ruleBudgetAgreement, "", "funds are budgeted for a signed cycle year of a running contract")
	}
	var v domain.Violations
	if len(in.Lines) == 0 {
		v.Add(domain.Invalid(ruleBudgetLine, "lines", "at least one budget line is required"))
	}
	if in.PrevSocialAssistanceSpend < 0 || in.PrevSocialAssistanceSpend > maxFen {
		v.Add(domain.Invalid(ruleBudgetLine, "previous_year_social_assistance_spending", "the spending is not negative"))
	}
	var yearTotal, saTotal value.Fen
	for _, l := range s.Lines {
		if l.CycleYear == y.CycleYear {
			yearTotal += l.Amount
			if l.SocialAssistance {
				saTotal += l.Amount
			}
		}
	}
	seen := map[string]bool{}
	for i, l := range in.Lines {
		field := fmt.Sprintf("lines[%d]", i)
		if blank(l.Code) {
			v.Add(domain.Invalid(ruleBudgetLine, field+".code", "a line code is required"))
		} else if seen[l.Code] || s.line(l.Code) != nil {
			v.Add(domain.Conflict(ruleBudgetUnique, field+".code", "line "+l.Code+" already exists"))
		}
		seen[l.Code] = true
		if blank(l.Purpose) {
			v.Add(domain.Invalid(ruleBudgetLine, field+".purpose", "a purpose is required"))
		}
		if l.Amount <= 0 || l.Amount > maxFen {
			v.Add(domain.Invalid(ruleBudgetLine, field+".amount", "the amount must be positive"))
			continue
		}
		yearTotal += l.Amount
		if l.SocialAssistance {
			saTotal += l.Amount
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if yearTotal > y.Agreement.Budget {
		v.Add(domain.Invalid(ruleBudgetWithin, "lines",
			fmt.Sprintf("year %d lines total %s, over the agreed budget %s", y.CycleYear, yearTotal, y.Agreement.Budget)))
	}
	limit := SocialAssistanceCap(in.PrevSocialAssistanceSpend)
	if saTotal > limit {
		v.Add(domain.Invalid(ruleBudgetSAShare, "lines",
			fmt.Sprintf("social-assistance lines total %s, over 5%% of last year's spending (%s)", saTotal, limit)))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return []domain.Payload{FundsBudgeted{CycleYear: y.CycleYear, Lines: append([]BudgetLine(nil), in.Lines...),
		PrevSocialAssistanceSpend: in.PrevSocialAssistanceSpend, SocialAssistanceCap: limit,
		BudgetedOn: orToday(in.BudgetedOn, cmd)}}, nil
}

// DisburseInput pays out of one line. An empty disbursed_on means today.
type DisburseInput struct {
	Line        string     `json:"line"`
	Amount      value.Fen  `json:"amount"`
	DisbursedOn value.Date `json:"disbursed_on"`
	Purpose     string     `json:"purpose"`
}

// Disburse records FundsDisbursed. Payments may settle a year after the
// contract ended or was terminated; the ledger is what limits them.
// Rules: contract.disburse.bureau_officer_only, contract.disburse.line_exists,
// contract.disburse.required, contract.disburse.within_line.
func (s *State) Disburse(cmd domain.Cmd, in DisburseInput) ([]domain.Payload, error) {
	if err := s.bureau(cmd, ruleDisburseBureau); err != nil {
		return nil, err
	}
	l := s.line(in.Line)
	if l == nil {
		return nil, domain.Invalid(ruleDisburseLine, "line", "there is no budget line "+in.Line)
	}
	var v domain.Violations
	if in.Amount <= 0 {
		v.Add(domain.Invalid(ruleDisburseReq, "amount", "the amount must be positive"))
	} else if in.Amount > l.Remaining() {
		v.Add(domain.Conflict(ruleDisburseWithin, "amount", "line "+l.Code+" has "+l.Remaining().String()+" remaining"))
	}
	if blank(in.Purpose) {
		v.Add(domain.Invalid(ruleDisburseReq, "purpose", "a purpose is required"))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return []domain.Payload{FundsDisbursed{Line: in.Line, Amount: in.Amount,
		DisbursedOn: orToday(in.DisbursedOn, cmd), Purpose: in.Purpose}}, nil
}
