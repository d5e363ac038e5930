package contract

import (
	"fmt"
	"time"

	"casework/domain"
	"casework/domain/value"
)

// Default agreement terms, used when a Sign input leaves a term at zero.
// The seeds require monthly, mid-term and final reports "on time"
// (按时, seed 000 §6.4) and year-end evaluation (§6.5) without numbers;
// these are the service's defaults, and each agreement pins its own.
const (
	DefaultMonthlyDueDay     = 5  // monthly briefing by the 5th of the following month
	DefaultMidTermDays       = 15 // mid-term report within 15 days after the period midpoint
	DefaultFinalDays         = 15 // final report within 15 days after the period end
	DefaultStaffingGraceDays = 30 // staffing in full within 30 days of the period start (及时足额, 000 §3.3)
	DefaultPassThreshold     = 60 // evaluation total needed to pass (合格)
)

// CycleYears is the length of a contract cycle in years (000 §6.3).
const CycleYears = 3

// SignInput is the tripartite agreement for one cycle year. An empty
// period_end means one year from period_start; zero terms take the
// defaults; an empty signed_on means today.
type SignInput struct {
	CycleYear        int               `json:"cycle_year"`
	Parties          Parties           `json:"parties"`
	PeriodStart      value.Date        `json:"period_start"`
	PeriodEnd        value.Date        `json:"period_end"`
	ServiceContent   string            `json:"service_content"`
	Targets          Targets           `json:"targets"`
	Staffing         []StationStaffing `json:"staffing"`
	Budget           value.Fen         `json:"budget"`
	EvaluationClause string            `json:"evaluation_clause"`
	BreachLiability  string            `json:"breach_liability"`
	Terms            Terms             `json:"terms"`
	SignedOn         value.Date        `json:"signed_on"`
}

// OneYearEnd is the last day of a one-year period starting on start: the
// day before the same date a year later (a period starting on 29 February
// ends on 28 February).
func OneYearEnd(start value.Date) value.Date {
	if start.Month() == time.February && start.Day() == 29 {
		return value.NewDate(start.Year()+1, time.February, 28)
	}
	return start.AddMonths(12).AddDays(-1)
}

// Sign records AgreementSigned for the next cycle year. Rules:
// contract.sign.bureau_officer_only, contract.sign.cycle_year_next (1..3,
// in order), contract.sign.requires_award (year 1),
// contract.sign.requires_renewal (year n+1 after year n passed and was
// renewed), contract.sign.parties_named, contract.sign.parties_match_award,
// contract.sign.period_one_year, contract.sign.period_follows_previous,
// contract.sign.staffing_per_station, contract.sign.required,
// contract.sign.terms_range.
func (s *State) Sign(cmd domain.Cmd, in SignInput) ([]domain.Payload, error) {
	if err := s.bureau(cmd, ruleSignBureau); err != nil {
		return nil, err
	}
	n := in.CycleYear
	switch {
	case n < 1 || n > CycleYears:
		return nil, domain.Invalid(ruleSignYear, "cycle_year", "the cycle year is 1, 2 or 3")
	case n == 1 && s.CycleYear == 0 && s.Phase != PhaseAwarded:
		return nil, domain.Conflict(ruleSignAward, "", "year 1 is signed after the award; the contract is "+string(s.Phase))
	case n != s.CycleYear+1:
		return nil, domain.Conflict(ruleSignYear, "cycle_year", fmt.Sprintf("the next cycle year to sign is %d", s.CycleYear+1))
	case n > 1 && (s.Phase != PhaseRenewed || !s.year(n-1).Renewed):
		return nil, domain.Conflict(ruleSignRenewal, "", fmt.Sprintf("year %d is signed only after year %d passed its evaluation and was renewed", n, n-1))
	}

	var v domain.Violations
	for _, p := range []struct {
		field string
		party Party
	}{{"parties.bureau", in.Parties.Bureau}, {"parties.township", in.Parties.Township}, {"parties.contractor", in.Parties.Contractor}} {
		if blank(p.party.Unit) || blank(p.party.Name) {
			v.Add(domain.Invalid(ruleSignParties, p.field, "each party is named with its org unit and name"))
		}
	}
	if !blank(in.Parties.Bureau.Unit) && in.Parties.Bureau.Unit != s.BureauUnit {
		v.Add(domain.Invalid(ruleSignPartiesTo, "parties.bureau.unit", "the bureau party is the procuring bureau "+s.BureauUnit))
	}
	if !blank(in.Parties.Contractor.Unit) && in.Parties.Contractor.Unit != s.Contractor.ContractorUnit {
		v.Add(domain.Invalid(ruleSignPartiesTo, "parties.contractor.unit", "the contractor party is the awarded contractor "+s.Contractor.ContractorUnit))
	}

	start, end := in.PeriodStart, in.PeriodEnd
	if start.IsZero() {
		v.Add(domain.Invalid(ruleSignRequired, "period_start", "the period start is required"))
	} else {
		if end.IsZero() {
			end = OneYearEnd(start)
		}
		if end != OneYearEnd(start) {
			v.Add(domain.Invalid(ruleSignOneYear, "period_end", "the period is one year: it ends on "+OneYearEnd(start).String()))
		}
		if n > 1 {
			if want := s.year(n - 1).Agreement.PeriodEnd.AddDays(1); start != want {
				v.Add(domain.Invalid(ruleSignFollows, "period_start", "year "+fmt.Sprint(n)+" starts on "+want.String()))
			}
		}
	}

	v = append(v, s.checkStaffing(in.Staffing)...)
	if blank(in.ServiceContent) {
		v.Add(domain.Invalid(ruleSignRequired, "service_content", "the service content is required"))
	}
	t := in.Targets
	if t.Cases < 0 || t.Services < 0 || t.GroupSessions < 0 || t.CommunityActivities < 0 || t.ServiceHours < 0 {
		v.Add(domain.Invalid(ruleSignRequired, "targets", "targets are not negative"))
	}
	if in.Budget <= 0 {
		v.Add(domain.Invalid(ruleSignRequired, "budget", "the budget must be positive"))
	}
	if blank(in.EvaluationClause) {
		v.Add(domain.Invalid(ruleSignRequired, "evaluation_clause", "the evaluation clause is required"))
	}
	if blank(in.BreachLiability) {
		v.Add(domain.Invalid(ruleSignRequired, "breach_liability", "the breach liability is required"))
	}
	terms, tv := resolveTerms(in.Terms)
	v = append(v, tv...)
	if err := v.Err(); err != nil {
		return nil, err
	}
	return []domain.Payload{AgreementSigned{
		CycleYear: n, Parties: in.Parties, PeriodStart: start, PeriodEnd: end,
		ServiceContent: in.ServiceContent, Targets: in.Targets, Staffing: cloneStaffing(in.Staffing),
		Budget: in.Budget, EvaluationClause: in.EvaluationClause, BreachLiability: in.BreachLiability,
		Terms: terms, SignedOn: orToday(in.SignedOn, cmd),
	}}, nil
}

func cloneStaffing(in []StationStaffing) []StationStaffing {
	return append([]StationStaffing(nil), in...)
}

// checkStaffing: every covered station exactly once, at least one worker,
// nothing outside the contract.
func (s *State) checkStaffing(st []StationStaffing) domain.Violations {
	var v domain.Violations
	seen := map[string]bool{}
	for i, x := range st {
		field := fmt.Sprintf("staffing[%d]", i)
		switch {
		case !s.covers(x.Station):
			v.Add(domain.Invalid(ruleSignStaffing, field+".station", "the station "+x.Station+" is not covered by the contract"))
		case seen[x.Station]:
			v.Add(domain.Invalid(ruleSignStaffing, field+".station", "the station "+x.Station+" is listed twice"))
		case x.ResidentWorkers < 1:
			v.Add(domain.Invalid(ruleSignStaffing, field+".resident_workers", "at least one resident social worker is promised"))
		}
		seen[x.Station] = true
	}
	for _, c := range s.Stations {
		if !seen[c] {
			v.Add(domain.Invalid(ruleSignStaffing, "staffing", "the staffing of station "+c+" is missing"))
		}
	}
	return v
}

func resolveTerms(t Terms) (Terms, domain.Violations) {
	var v domain.Violations
	def := func(x *int, d, max int, field string) {
		switch {
		case *x == 0:
			*x = d
		case *x < 0 || *x > max:
			v.Add(domain.Invalid(ruleSignTerms, "terms."+field, fmt.Sprintf("must be between 1 and %d", max)))
		}
	}
	def(&t.MonthlyDueDay, DefaultMonthlyDueDay, 31, "monthly_due_day")
	def(&t.MidTermDays, DefaultMidTermDays, 120, "mid_term_days")
	def(&t.FinalDays, DefaultFinalDays, 120, "final_days")
	def(&t.StaffingGraceDays, DefaultStaffingGraceDays, 180, "staffing_grace_days")
	def(&t.PassThreshold, DefaultPassThreshold, 100, "pass_threshold")
	return t, v
}
