package contract

import (
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/value"
)

// Procurement methods (seed 000 §6.2).
const (
	MethodOpenTender              = "open_tender"              // 公开招标
	MethodInvitedTender           = "invited_tender"           // 邀请招标
	MethodCompetitiveNegotiation  = "competitive_negotiation"  // 竞争性谈判
	MethodCompetitiveConsultation = "competitive_consultation" // 竞争性磋商
	MethodSingleSource            = "single_source"            // 单一来源采购
)

// Methods lists the procurement methods in a stable order.
func Methods() []string {
	return []string{MethodOpenTender, MethodInvitedTender, MethodCompetitiveNegotiation,
		MethodCompetitiveConsultation, MethodSingleSource}
}

// today is the command's calendar date in China Standard Time; dates left
// empty in an input default to it.
func today(cmd domain.Cmd) value.Date { return value.DateOf(cmd.Now) }

func orToday(d value.Date, cmd domain.Cmd) value.Date {
	if d.IsZero() {
		return today(cmd)
	}
	return d
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

// bureau refuses with rule unless the actor is a bureau officer of the
// procuring bureau.
func (s *State) bureau(cmd domain.Cmd, rule string) error {
	if cmd.Actor.Role != domain.RoleBureauOfficer || cmd.Actor.OrgUnit != s.BureauUnit {
		return domain.Forbidden(rule, "", "only a bureau officer of "+s.BureauUnit+" may do this")
	}
	return nil
}

// OpenInput opens a procurement. An empty opened_on means today.
type OpenInput struct {
	BureauUnit    string     `json:"bureau_unit"`
	Title         string     `json:"title"`
	Stations      []string   `json:"stations"`
	Method        string     `json:"method"`
	BudgetCeiling value.Fen  `json:"budget_ceiling"`
	OpenedOn      value.Date `json:"opened_on"`
}

// Open starts the contract stream id with ProcurementOpened. The actor must
// be a bureau officer whose org unit is bureau_unit
// (contract.open.bureau_officer_only). Other rules: contract.open.required,
// contract.open.method_known, contract.open.budget_ceiling_positive.
func Open(cmd domain.Cmd, id uuid.UUID, in OpenInput) ([]domain.Payload, error) {
	var s State
	return s.Open(cmd, id, in)
}

// Open is Open on an existing state: it refuses with
// contract.open.already_opened when the stream already holds a contract.
func (s *State) Open(cmd domain.Cmd, id uuid.UUID, in OpenInput) ([]domain.Payload, error) {
	if cmd.Actor.Role != domain.RoleBureauOfficer || blank(in.BureauUnit) || cmd.Actor.OrgUnit != in.BureauUnit {
		return nil, domain.Forbidden(ruleOpenBureau, "bureau_unit", "only a bureau officer of the procuring bureau opens a procurement")
	}
	if s.Exists {
		return nil, domain.Conflict(ruleOpenExists, "", "the contract is already opened")
	}
	var v domain.Violations
	if id == uuid.Nil {
		v.Add(domain.Invalid(ruleOpenRequired, "contract_id", "a contract id is required"))
	}
	if blank(in.Title) {
		v.Add(domain.Invalid(ruleOpenRequired, "title", "a title is required"))
	}
	if len(in.Stations) == 0 {
		v.Add(domain.Invalid(ruleOpenRequired, "stations", "at least one covered station is required"))
	}
	for i, st := range in.Stations {
		if blank(st) || slices.Contains(in.Stations[:i], st) {
			v.Add(domain.Invalid(ruleOpenRequired, fmt.Sprintf("stations[%d]", i), "stations are non-empty and distinct"))
		}
	}
	if !slices.Contains(Methods(), in.Method) {
		v.Add(domain.Invalid(ruleOpenMethod, "method", "method must be one of "+strings.Join(Methods(), ", ")))
	}
	if in.BudgetCeiling <= 0 {
		v.Add(domain.Invalid(ruleOpenCeiling, "budget_ceiling", "the budget ceiling must be positive"))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return []domain.Payload{ProcurementOpened{
		ContractID: id, BureauUnit: in.BureauUnit, Title: in.Title, Stations: slices.Clone(in.Stations),
		Method: in.Method, BudgetCeiling: in.BudgetCeiling, OpenedOn: orToday(in.OpenedOn, cmd),
	}}, nil
}

// AwardInput awards the contract. CreditCode is the contractor's unified
// social credit code as written; an empty awarded_on means today.
type AwardInput struct {
	ContractorUnit string     `json:"contractor_unit"`
	ContractorName string     `json:"contractor_name"`
	CreditCode     string     `json:"credit_code"`
	AwardedOn      value.Date `json:"awarded_on"`
	Amount         value.Fen  `json:"amount"`
}

// Award records ContractAwarded. Rules: contract.award.bureau_officer_only,
// contract.award.requires_open_procurement, contract.award.required,
// contract.award.credit_code_valid (malformed code; a check-digit mismatch
// only sets check_digit_mismatch), contract.award.registered_social_organisation
// (registration authority must be civil affairs, '5'),
// contract.award.amount_within_ceiling, contract.award.not_before_opening.
func (s *State) Award(cmd domain.Cmd, in AwardInput) ([]domain.Payload, error) {
	if err := s.bureau(cmd, ruleAwardBureau); err != nil {
		return nil, err
	}
	if s.Phase != PhaseProcurement {
		return nil, domain.Conflict(ruleAwardPhase, "", "an award needs an open procurement, the contract is "+string(s.Phase))
	}
	var v domain.Violations
	if blank(in.ContractorUnit) {
		v.Add(domain.Invalid(ruleAwardRequired, "contractor_unit", "the contractor's org unit is required"))
	}
	if blank(in.ContractorName) {
		v.Add(domain.Invalid(ruleAwardRequired, "contractor_name", "the contractor's name is required"))
	}
	code, err := value.ParseCreditCode(in.CreditCode)
	if err != nil {
		v.Add(domain.Invalid(ruleAwardCreditCode, "credit_code", err.Error()))
	} else if code.RegistrationKind() != value.RegistrationCivilAffairs {
		v.Add(domain.Invalid(ruleAwardSocialOrg, "credit_code",
			"the contractor must be a social organisation registered with civil affairs (code starting with 5)"))
	}
	if in.Amount <= 0 || in.Amount > s.BudgetCeiling {
		v.Add(domain.Invalid(ruleAwardAmount, "amount", "the amount must be positive and at most the ceiling "+s.BudgetCeiling.String()))
	}
	on := orToday(in.AwardedOn, cmd)
	if on.Before(s.OpenedOn) {
		v.Add(domain.Invalid(ruleAwardDate, "awarded_on", "the award cannot precede the procurement ("+s.OpenedOn.String()+")"))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return []domain.Payload{ContractAwarded{
		ContractorUnit: in.ContractorUnit, ContractorName: in.ContractorName, CreditCode: code,
		CheckDigitMismatch: !code.CheckDigitValid(), AwardedOn: on, Amount: in.Amount,
	}}, nil
}
