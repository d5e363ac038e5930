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

// Award is the awarded contractor.
type Award struct {
	ContractorUnit     string
	ContractorName     string
	CreditCode         value.CreditCode
	CheckDigitMismatch bool
	AwardedOn          value.Date
	Amount             value.Fen
}

// Report is a submitted report.
type Report struct {
	Kind        string
	Period      string
	Due         value.Date
	SubmittedOn value.Date
	DocumentRef string
}

// Year is one cycle year: its agreement and what happened under it.
type Year struct {
	CycleYear  int
	Agreement  AgreementSigned
	Reports    []Report
	Staffing   []StaffingChanged
	Evaluation *EvaluationRecorded
	Renewed    bool
}

// Line is a budget line with what has been paid out of it.
type Line struct {
	CycleYear int
	BudgetLine
	Disbursed     value.Fen
	Disbursements []FundsDisbursed
}

// Remaining is the amount still available on the line.
func (l Line) Remaining() value.Fen { return l.Amount - l.Disbursed }

// Closure says how and when the contract ended.
type Closure struct {
	Phase  Phase // PhaseEnded or PhaseTerminated
	On     value.Date
	Reason string
}

// State is the folded contract. It is built only by Apply; commands read it.
type State struct {
	ID      uuid.UUID
	Exists  bool
	Version uint64 // number of events applied

	Phase         Phase
	BureauUnit    string
	Title         string
	Stations      []string
	Method        string
	BudgetCeiling value.Fen
	OpenedOn      value.Date

	Contractor  *Award // nil before the award
	CycleYear   int    // the latest signed cycle year, 0 before year 1
	Years       []Year // index i holds cycle year i+1
	Inspections []InspectionRecorded
	Lines       []Line
	Closure     *Closure
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
		s.Contractor = &Award{
			ContractorUnit: p.ContractorUnit, ContractorName: p.ContractorName,
			CreditCode: p.CreditCode, CheckDigitMismatch: p.CheckDigitMismatch,
			AwardedOn: p.AwardedOn, Amount: p.Amount,
		}
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
