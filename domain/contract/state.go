package contract

import (
	"slices"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/value"
)

// Phase is where a contract stands in its lifecycle.
type Phase string

// The phases. A stream that does not exist has the empty phase.
const (
	PhaseProcurement Phase = "procurement"  // opened, not yet awarded
	PhaseAwarded     Phase = "awarded"      // awarded, year 1 not yet signed
	PhaseInAgreement Phase = "in_agreement" // the current cycle year is signed
	PhaseEvaluated   Phase = "evaluated"    // the current cycle year is evaluated
	PhaseRenewed     Phase = "renewed"      // renewal decided, next year not yet signed
	PhaseEnded       Phase = "ended"        // not renewed: a new procurement may open
	PhaseTerminated  Phase = "terminated"   // terminated for breach
)

// Award is the awarded contractor, as ContractAwarded recorded it.
type Award = ContractAwarded

// Report is a submitted report.
type Report struct {
	Kind        string     `json:"kind"`
	Period      string     `json:"period"`
	Due         value.Date `json:"due"`
	SubmittedOn value.Date `json:"submitted_on"`
	DocumentRef string     `json:"document_ref"`
}

// Year is one cycle year: its agreement and what happened under it.
type Year struct {
	CycleYear  int                 `json:"cycle_year"`
	Agreement  AgreementSigned     `json:"agreement"`
	Reports    []Report            `json:"reports"`
	Staffing   []StaffingChanged   `json:"staffing"`
	Evaluation *EvaluationRecorded `json:"evaluation"`
	Renewed    bool                `json:"renewed"`
}

// Line is a budget line with what has been paid out of it.
type Line struct {
	CycleYear int `json:"cycle_year"`
	BudgetLine
	Disbursed     value.Fen        `json:"disbursed"`
	Disbursements []FundsDisbursed `json:"disbursements"`
}

// Remaining is the amount still available on the line.
func (l Line) Remaining() value.Fen { return l.Amount - l.Disbursed }

// Closure says how and when the contract ended.
type Closure struct {
	Phase  Phase      `json:"phase"` // PhaseEnded or PhaseTerminated
	On     value.Date `json:"on"`
	Reason string     `json:"reason"`
}

// State is the folded contract. It is built only by Apply; commands read it.
type State struct {
	ID      uuid.UUID `json:"id"`
	Exists  bool      `json:"exists"`
	Version uint64    `json:"version"` // number of events applied

	Phase         Phase      `json:"phase"`
	BureauUnit    string     `json:"bureau_unit"`
	Title         string     `json:"title"`
	Stations      []string   `json:"stations"`
	Method        string     `json:"method"`
	BudgetCeiling value.Fen  `json:"budget_ceiling"`
	OpenedOn      value.Date `json:"opened_on"`

	Contractor  *Award               `json:"contractor"` // nil before the award
	CycleYear   int                  `json:"cycle_year"` // the latest signed cycle year, 0 before year 1
	Years       []Year               `json:"years"`      // index i holds cycle year i+1
	Inspections []InspectionRecorded `json:"inspections"`
	Lines       []Line               `json:"lines"`
	Closure     *Closure             `json:"closure"`
}

// Apply folds one event into the state. It never fails: an unknown payload
// only counts towards Version.
func (s *State) Apply(e domain.Event) {
	s.Version++
	switch p := e.Payload.(type) {
	case ProcurementOpened:
		s.ID = p.ContractID
		s.Exists = true
		s.Phase = PhaseProcurement
		s.BureauUnit = p.BureauUnit
		s.Title = p.Title
		s.Stations = slices.Clone(p.Stations)
		s.Method = p.Method
		s.BudgetCeiling = p.BudgetCeiling
		s.OpenedOn = p.OpenedOn
	case ContractAwarded:
		s.Phase = PhaseAwarded
		a := p
		s.Contractor = &a
	case AgreementSigned:
		a := p
		a.Staffing = slices.Clone(p.Staffing)
		s.Years = append(s.Years, Year{CycleYear: p.CycleYear, Agreement: a})
		s.CycleYear = p.CycleYear
		s.Phase = PhaseInAgreement
	case ReportSubmitted:
		if y := s.year(p.CycleYear); y != nil {
			y.Reports = append(y.Reports, Report{Kind: p.Kind, Period: p.Period, Due: p.Due,
				SubmittedOn: p.SubmittedOn, DocumentRef: p.DocumentRef})
		}
	case InspectionRecorded:
		s.Inspections = append(s.Inspections, p)
	case FundsBudgeted:
		for _, l := range p.Lines {
			s.Lines = append(s.Lines, Line{CycleYear: p.CycleYear, BudgetLine: l})
		}
	case FundsDisbursed:
		if l := s.line(p.Line); l != nil {
			l.Disbursed += p.Amount
			l.Disbursements = append(l.Disbursements, p)
		}
	case StaffingChanged:
		if y := s.year(p.CycleYear); y != nil {
			c := p
			c.Workers = slices.Clone(p.Workers)
			y.Staffing = append(y.Staffing, c)
		}
	case EvaluationRecorded:
		if y := s.year(p.CycleYear); y != nil {
			ev := p
			y.Evaluation = &ev
		}
		s.Phase = PhaseEvaluated
	case ContractRenewed:
		if y := s.year(p.CycleYear); y != nil {
			y.Renewed = true
		}
		s.Phase = PhaseRenewed
	case ContractNotRenewed:
		s.Phase = PhaseEnded
		s.Closure = &Closure{Phase: PhaseEnded, On: p.DecidedOn, Reason: p.Reason}
	case ContractTerminated:
		s.Phase = PhaseTerminated
		s.Closure = &Closure{Phase: PhaseTerminated, On: p.TerminatedOn, Reason: p.Reason}
	}
}

// Year returns cycle year n (1..3), or nil when it has not been signed.
func (s *State) Year(n int) *Year { return s.year(n) }

func (s *State) year(n int) *Year {
	if n < 1 || n > len(s.Years) {
		return nil
	}
	return &s.Years[n-1]
}

// Line returns the budget line with the given code, or nil.
func (s *State) Line(code string) *Line { return s.line(code) }

func (s *State) line(code string) *Line {
	for i := range s.Lines {
		if s.Lines[i].Code == code {
			return &s.Lines[i]
		}
	}
	return nil
}

// Closed reports whether the contract has ended or been terminated.
func (s *State) Closed() bool { return s.Phase == PhaseEnded || s.Phase == PhaseTerminated }

// Current returns the latest signed cycle year, or nil before year 1.
func (s *State) Current() *Year { return s.year(s.CycleYear) }

// covers reports whether station is one of the contract's stations.
func (s *State) covers(station string) bool { return slices.Contains(s.Stations, station) }

// FundRow is one budget line as a view: budgeted, disbursed and remaining.
type FundRow struct {
	CycleYear        int       `json:"cycle_year"`
	Code             string    `json:"code"`
	Purpose          string    `json:"purpose"`
	Earmarked        bool      `json:"earmarked"`
	SocialAssistance bool      `json:"social_assistance"`
	Budgeted         value.Fen `json:"budgeted"`
	Disbursed        value.Fen `json:"disbursed"`
	Remaining        value.Fen `json:"remaining"`
}

// Funds lists every budget line in the order it was budgeted.
func Funds(s *State) []FundRow {
	out := make([]FundRow, 0, len(s.Lines))
	for _, l := range s.Lines {
		out = append(out, FundRow{CycleYear: l.CycleYear, Code: l.Code, Purpose: l.Purpose, Earmarked: l.Earmarked,
			SocialAssistance: l.SocialAssistance, Budgeted: l.Amount, Disbursed: l.Disbursed, Remaining: l.Remaining()})
	}
	return out
}
