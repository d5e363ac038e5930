package contract

import (
	"fmt"
	"sort"

	"casework/domain/value"
)

// Report kinds (seed 000 §6.4).
const (
	ReportMonthly = "monthly_briefing" // 月度工作简报
	ReportMidTerm = "mid_term"         // 中期报告
	ReportFinal   = "final"            // 末期报告
)

// ReportKinds lists the report kinds in a stable order.
func ReportKinds() []string { return []string{ReportMonthly, ReportMidTerm, ReportFinal} }

// DueReport is one report an agreement expects. Period is "2006-01" for a
// monthly briefing and empty otherwise; From..To is what it reports on
// (a month clipped to the agreement period, the first half, the whole year).
type DueReport struct {
	CycleYear int        `json:"cycle_year"`
	Kind      string     `json:"kind"`
	Period    string     `json:"period"`
	From      value.Date `json:"from"`
	To        value.Date `json:"to"`
	Due       value.Date `json:"due"`
}

// Midpoint is the middle day of the period start..end: start plus half the
// days between them, rounded down.
func Midpoint(start, end value.Date) value.Date {
	return start.AddDays(value.DaysBetween(start, end) / 2)
}

// MonthlyDue is the due date of the briefing for the month containing m:
// day dueDay of the following month, clamped to that month's last day
// (day 31 in February is the 28th or 29th).
func MonthlyDue(m value.Date, dueDay int) value.Date {
	next := value.NewDate(m.Year(), m.Month(), 1).AddMonths(1)
	if last := next.EndOfMonth(); dueDay > last.Day() {
		return last
	}
	return value.NewDate(next.Year(), next.Month(), dueDay)
}

// Schedule derives the reports an agreement expects, in due order: one
// monthly briefing per calendar month touching the period (the first and
// last may be partial months), the mid-term report due Terms.MidTermDays
// after the period's midpoint, and the final report due Terms.FinalDays
// after the period end.
func Schedule(a AgreementSigned) []DueReport {
	var out []DueReport
	start, end, terms := a.PeriodStart, a.PeriodEnd, a.Terms
	if start.IsZero() || end.Before(start) {
		return nil
	}
	for m := value.NewDate(start.Year(), start.Month(), 1); !m.After(end); m = m.AddMonths(1) {
		from, to := m, m.EndOfMonth()
		if from.Before(start) {
			from = start
		}
		if to.After(end) {
			to = end
		}
		out = append(out, DueReport{CycleYear: a.CycleYear, Kind: ReportMonthly, Period: period(m),
			From: from, To: to, Due: MonthlyDue(m, terms.MonthlyDueDay)})
	}
	mid := Midpoint(start, end)
	out = append(out,
		DueReport{CycleYear: a.CycleYear, Kind: ReportMidTerm, From: start, To: mid, Due: mid.AddDays(terms.MidTermDays)},
		DueReport{CycleYear: a.CycleYear, Kind: ReportFinal, From: start, To: end, Due: end.AddDays(terms.FinalDays)})
	sort.SliceStable(out, func(i, j int) bool { return out[i].Due.Before(out[j].Due) })
	return out
}

func period(m value.Date) string { return fmt.Sprintf("%04d-%02d", m.Year(), int(m.Month())) }

// ReportSchedule returns the reports the agreement of cycleYear expects, or
// nil when that year is not signed. A contract that was not renewed still
// owes every report of the years it signed (the decision only stops the
// next year). A terminated contract expects only the reports whose reporting
// point it reached: a monthly briefing if its month began on or before the
// termination date, the mid-term report if the midpoint was reached, the
// final report if the period ended.
func ReportSchedule(s *State, cycleYear int) []DueReport {
	y := s.year(cycleYear)
	if y == nil {
		return nil
	}
	all := Schedule(y.Agreement)
	if s.Closure == nil || s.Closure.Phase != PhaseTerminated {
		return all
	}
	closed := s.Closure.On
	out := all[:0:0]
	for _, r := range all {
		point := r.To // mid-term: the midpoint; final: the period end
		if r.Kind == ReportMonthly {
			point = value.NewDate(r.From.Year(), r.From.Month(), 1)
		}
		if !point.After(closed) {
			out = append(out, r)
		}
	}
	return out
}

// Report statuses as of a date.
const (
	StatusNotYetDue       = "not_yet_due"       // what it reports on has not ended yet
	StatusDue             = "due"               // may be submitted now; deadline not passed
	StatusSubmittedOnTime = "submitted_on_time" // submitted on or before the due date
	StatusSubmittedLate   = "submitted_late"    // submitted after the due date
	StatusMissing         = "missing"           // past due, not submitted
)

// ReportStatusRow is one expected report and its status as of a date.
type ReportStatusRow struct {
	DueReport
	Status      string     `json:"status"`
	SubmittedOn value.Date `json:"submitted_on"` // zero unless submitted on or before the as-of date
}

// submitted returns the submission of r, if any.
func (y *Year) submitted(kind, period string) (Report, bool) {
	for _, r := range y.Reports {
		if r.Kind == kind && r.Period == period {
			return r, true
		}
	}
	return Report{}, false
}

// ReportStatus gives every expected report of every signed cycle year with
// its status as of asOf. A report submitted after asOf counts as not yet
// submitted, so the answer for a past date is what was true then.
func ReportStatus(s *State, asOf value.Date) []ReportStatusRow {
	var out []ReportStatusRow
	for i := range s.Years {
		y := &s.Years[i]
		for _, r := range ReportSchedule(s, y.CycleYear) {
			row := ReportStatusRow{DueReport: r}
			sub, ok := y.submitted(r.Kind, r.Period)
			switch {
			case ok && !sub.SubmittedOn.After(asOf):
				row.SubmittedOn = sub.SubmittedOn
				row.Status = StatusSubmittedOnTime
				if sub.SubmittedOn.After(r.Due) {
					row.Status = StatusSubmittedLate
				}
			case asOf.After(r.Due):
				row.Status = StatusMissing
			case asOf.After(r.To):
				row.Status = StatusDue
			default:
				row.Status = StatusNotYetDue
			}
			out = append(out, row)
		}
	}
	return out
}

// NextDeadline is the earliest due date on or after asOf of an expected
// report not submitted by asOf; ok is false when there is none.
func NextDeadline(s *State, asOf value.Date) (next DueReport, ok bool) {
	for _, r := range ReportStatus(s, asOf) {
		if r.SubmittedOn.IsZero() && !r.Due.Before(asOf) && (!ok || r.Due.Before(next.Due)) {
			next, ok = r.DueReport, true
		}
	}
	return next, ok
}

// StaffingRow compares promised and actual resident workers of one station
// in one cycle year as of a date.
type StaffingRow struct {
	Station  string `json:"station"`
	Promised int    `json:"promised"`
	Actual   int    `json:"actual"` // workers in place as of the date (latest change effective by then)
	// Shortfall is Promised − Actual when positive.
	Shortfall int `json:"shortfall"`
	// Deadline is period start + Terms.StaffingGraceDays.
	Deadline value.Date `json:"deadline"`
	// Timely: staffing was in full on the deadline (or, before the deadline,
	// is in full already).
	Timely bool `json:"timely"`
	// TimelyAndFull is 及时足额: timely, and in full as of the date.
	TimelyAndFull bool `json:"timely_and_full"`
}

// StaffingStatus reports staffing per station of cycleYear as of asOf, in
// the agreement's station order; nil when the year is not signed.
func StaffingStatus(s *State, cycleYear int, asOf value.Date) []StaffingRow {
	y := s.year(cycleYear)
	if y == nil {
		return nil
	}
	a := y.Agreement
	deadline := a.PeriodStart.AddDays(a.Terms.StaffingGraceDays)
	var out []StaffingRow
	for _, st := range a.Staffing {
		row := StaffingRow{Station: st.Station, Promised: st.ResidentWorkers, Deadline: deadline}
		row.Actual = y.actualOn(st.Station, asOf)
		if row.Actual < row.Promised {
			row.Shortfall = row.Promised - row.Actual
		}
		check := deadline
		if asOf.Before(deadline) {
			check = asOf
		}
		row.Timely = y.actualOn(st.Station, check) >= row.Promised
		row.TimelyAndFull = row.Timely && row.Shortfall == 0
		out = append(out, row)
	}
	return out
}

// actualOn is the worker count of the latest change effective on or before
// d (later recordings win ties); 0 before any change.
func (y *Year) actualOn(station string, d value.Date) int {
	n, best := 0, value.Date{}
	for _, c := range y.Staffing {
		if c.Station != station || c.EffectiveOn.After(d) {
			continue
		}
		if best.IsZero() || !c.EffectiveOn.Before(best) {
			n, best = c.Actual, c.EffectiveOn
		}
	}
	return n
}
