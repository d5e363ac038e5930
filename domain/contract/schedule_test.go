package contract_test

import (
	"testing"

	"casework/domain/contract"
)

func TestMonthlyDue_AcrossMonthEndsAndLeapYears(t *testing.T) {
	for _, c := range []struct {
		month string
		day   int
		want  string
	}{
		{"2024-01-15", 5, "2024-02-05"},
		{"2024-01-31", 31, "2024-02-29"}, // leap year clamps to the 29th
		{"2025-01-31", 31, "2025-02-28"},
		{"2028-01-01", 30, "2028-02-29"},
		{"2100-01-01", 29, "2100-02-28"}, // 2100 is not a leap year
		{"2000-01-01", 29, "2000-02-29"}, // 2000 is
		{"2024-02-29", 5, "2024-03-05"},
		{"2024-03-31", 31, "2024-04-30"},
		{"2024-12-01", 5, "2025-01-05"}, // across the year boundary
		{"2026-12-31", 31, "2027-01-31"},
	} {
		if got := contract.MonthlyDue(d(c.month), c.day); got != d(c.want) {
			t.Errorf("MonthlyDue(%s, %d) = %s, want %s", c.month, c.day, got, c.want)
		}
	}
}

func agreement(n int, start string, terms contract.Terms) contract.AgreementSigned {
	s := d(start)
	return contract.AgreementSigned{CycleYear: n, PeriodStart: s, PeriodEnd: contract.OneYearEnd(s), Terms: terms}
}

var defaults = contract.Terms{MonthlyDueDay: contract.DefaultMonthlyDueDay, MidTermDays: contract.DefaultMidTermDays,
	FinalDays: contract.DefaultFinalDays, StaffingGraceDays: contract.DefaultStaffingGraceDays, PassThreshold: contract.DefaultPassThreshold}

func TestSchedule_CalendarYears(t *testing.T) {
	for _, c := range []struct {
		start, midDue, finalDue, lastMonthlyDue string
	}{
		{"2024-01-01", "2024-07-16", "2025-01-15", "2025-01-05"}, // leap: 365 days between, midpoint Jul 1
		{"2025-01-01", "2025-07-17", "2026-01-15", "2026-01-05"}, // 364 days between, midpoint Jul 2
		{"2028-01-01", "2028-07-16", "2029-01-15", "2029-01-05"},
	} {
		got := contract.Schedule(agreement(1, c.start, defaults))
		if len(got) != 14 {
			t.Fatalf("%s: %d reports, want 12 monthly + mid-term + final", c.start, len(got))
		}
		var monthly int
		for i, r := range got {
			if i > 0 && r.Due.Before(got[i-1].Due) {
				t.Errorf("%s: schedule not in due order at %d", c.start, i)
			}
			switch r.Kind {
			case contract.ReportMonthly:
				monthly++
				if r.Period == c.start[:4]+"-12" && r.Due != d(c.lastMonthlyDue) {
					t.Errorf("%s: December due %s, want %s", c.start, r.Due, c.lastMonthlyDue)
				}
				if r.Period == c.start[:4]+"-02" && r.To != r.From.EndOfMonth() {
					t.Errorf("%s: February covers %s..%s", c.start, r.From, r.To)
				}
			case contract.ReportMidTerm:
				if r.Due != d(c.midDue) {
					t.Errorf("%s: mid-term due %s, want %s", c.start, r.Due, c.midDue)
				}
			case contract.ReportFinal:
				if r.Due != d(c.finalDue) || r.To != contract.OneYearEnd(d(c.start)) {
					t.Errorf("%s: final %+v, want due %s", c.start, r, c.finalDue)
				}
			}
		}
		if monthly != 12 {
			t.Errorf("%s: %d monthly briefings", c.start, monthly)
		}
	}
}

func TestSchedule_PeriodStartingOnLeapDay(t *testing.T) {
	terms := defaults
	terms.MonthlyDueDay = 31
	got := contract.Schedule(agreement(2, "2024-02-29", terms))
	var months []contract.DueReport
	for _, r := range got {
		if r.Kind == contract.ReportMonthly {
			months = append(months, r)
		}
	}
	if len(months) != 13 {
		t.Fatalf("%d monthly briefings for 2024-02-29..2025-02-28, want 13 (two partial months)", len(months))
	}
	first, last := months[0], months[12]
	if first.Period != "2024-02" || first.From != d("2024-02-29") || first.To != d("2024-02-29") || first.Due != d("2024-03-31") {
		t.Errorf("first = %+v", first)
	}
	if last.Period != "2025-02" || last.From != d("2025-02-01") || last.To != d("2025-02-28") || last.Due != d("2025-03-31") {
		t.Errorf("last = %+v", last)
	}
	for _, r := range months {
		if r.Period == "2024-03" && r.Due != d("2024-04-30") {
			t.Errorf("March due %s, want 2024-04-30 (31 clamped)", r.Due)
		}
		if r.Period == "2025-01" && r.Due != d("2025-02-28") {
			t.Errorf("January 2025 due %s, want 2025-02-28", r.Due)
		}
		if r.CycleYear != 2 {
			t.Errorf("cycle year %d", r.CycleYear)
		}
	}
}

// cycle3 is a contract with all three years signed (2024, 2025, 2026).
func cycle3(tb testing.TB) *contract.State {
	tb.Helper()
	return signed(tb, 3)
}

func statusOf(tb testing.TB, s *contract.State, asOf string, year int, kind, period string) contract.ReportStatusRow {
	tb.Helper()
	for _, r := range contract.ReportStatus(s, d(asOf)) {
		if r.CycleYear == year && r.Kind == kind && r.Period == period {
			return r
		}
	}
	tb.Fatalf("no row for year %d %s %s", year, kind, period)
	return contract.ReportStatusRow{}
}

func submit(tb testing.TB, s *contract.State, year int, kind, period, on string) {
	tb.Helper()
	ps, err := s.SubmitReport(worker(), contract.ReportInput{CycleYear: year, Kind: kind, Period: period, SubmittedOn: d(on), DocumentRef: "doc-" + period})
	must(tb, s, worker(), ps, err)
}

func TestReportStatus_AcrossMonthEndsLeapYearsAndCycleYears(t *testing.T) {
	s := cycle3(t)
	submit(t, s, 1, contract.ReportMonthly, "2024-01", "2024-02-05") // on the due date
	submit(t, s, 1, contract.ReportMonthly, "2024-02", "2024-03-06") // one day late
	submit(t, s, 1, contract.ReportMonthly, "2024-12", "2025-01-05") // across the year boundary, on time
	submit(t, s, 1, contract.ReportFinal, "", "2025-01-16")          // final of year 1, late
	submit(t, s, 2, contract.ReportMonthly, "2025-01", "2025-01-31") // year 2, before its month ended
	for _, c := range []struct {
		asOf   string
		year   int
		kind   string
		period string
		want   string
	}{
		{"2024-01-31", 1, contract.ReportMonthly, "2024-01", contract.StatusNotYetDue},
		{"2024-02-01", 1, contract.ReportMonthly, "2024-02", contract.StatusNotYetDue},
		{"2024-02-04", 1, contract.ReportMonthly, "2024-01", contract.StatusDue},
		{"2024-02-05", 1, contract.ReportMonthly, "2024-01", contract.StatusSubmittedOnTime},
		{"2024-02-29", 1, contract.ReportMonthly, "2024-02", contract.StatusNotYetDue}, // leap day is still February
		{"2024-03-01", 1, contract.ReportMonthly, "2024-02", contract.StatusDue},
		{"2024-03-05", 1, contract.ReportMonthly, "2024-02", contract.StatusDue},
		{"2024-03-06", 1, contract.ReportMonthly, "2024-02", contract.StatusSubmittedLate},
		{"2024-04-06", 1, contract.ReportMonthly, "2024-03", contract.StatusMissing},
		{"2024-12-31", 1, contract.ReportMonthly, "2024-12", contract.StatusNotYetDue},
		{"2025-01-04", 1, contract.ReportMonthly, "2024-12", contract.StatusDue},
		{"2025-01-05", 1, contract.ReportMonthly, "2024-12", contract.StatusSubmittedOnTime},
		{"2025-01-15", 1, contract.ReportFinal, "", contract.StatusDue},
		{"2025-01-16", 1, contract.ReportFinal, "", contract.StatusSubmittedLate},
		{"2025-01-20", 2, contract.ReportMonthly, "2025-01", contract.StatusNotYetDue},
		{"2025-02-01", 2, contract.ReportMonthly, "2025-01", contract.StatusSubmittedOnTime},
		{"2025-07-02", 2, contract.ReportMidTerm, "", contract.StatusNotYetDue}, // the midpoint itself
		{"2025-07-03", 2, contract.ReportMidTerm, "", contract.StatusDue},
		{"2025-07-17", 2, contract.ReportMidTerm, "", contract.StatusDue},
		{"2025-07-18", 2, contract.ReportMidTerm, "", contract.StatusMissing},
		{"2024-07-01", 1, contract.ReportMidTerm, "", contract.StatusNotYetDue},
		{"2024-07-17", 1, contract.ReportMidTerm, "", contract.StatusMissing},
		{"2026-12-31", 3, contract.ReportFinal, "", contract.StatusNotYetDue},
		{"2027-01-15", 3, contract.ReportFinal, "", contract.StatusDue},
		{"2027-01-16", 3, contract.ReportFinal, "", contract.StatusMissing},
	} {
		got := statusOf(t, s, c.asOf, c.year, c.kind, c.period)
		if got.Status != c.want {
			t.Errorf("as of %s, year %d %s %s: %s, want %s (due %s)", c.asOf, c.year, c.kind, c.period, got.Status, c.want, got.Due)
		}
	}
	if n := len(contract.ReportStatus(s, d("2024-01-01"))); n != 3*14 {
		t.Errorf("%d rows for three signed years, want 42", n)
	}
}

func TestReportStatus_AsOfBeforeSubmission_IsMissingThen(t *testing.T) {
	s := signed(t, 1)
	submit(t, s, 1, contract.ReportMonthly, "2024-01", "2024-02-20")
	if got := statusOf(t, s, "2024-02-10", 1, contract.ReportMonthly, "2024-01"); got.Status != contract.StatusMissing || !got.SubmittedOn.IsZero() {
		t.Fatalf("as of 2024-02-10: %+v", got)
	}
	if got := statusOf(t, s, "2024-02-20", 1, contract.ReportMonthly, "2024-01"); got.Status != contract.StatusSubmittedLate || got.SubmittedOn != d("2024-02-20") {
		t.Fatalf("as of 2024-02-20: %+v", got)
	}
}

func TestReportSchedule_TerminatedContract_StopsExpectingReports(t *testing.T) {
	s := terminated(t) // year 1 (2024) terminated on 2024-06-20
	got := contract.ReportSchedule(s, 1)
	var periods []string
	for _, r := range got {
		if r.Kind != contract.ReportMonthly {
			t.Errorf("%s expected after termination before the midpoint", r.Kind)
		}
		periods = append(periods, r.Period)
	}
	if len(periods) != 6 || periods[5] != "2024-06" {
		t.Fatalf("monthly briefings expected: %v, want January..June", periods)
	}
	if contract.ReportSchedule(s, 2) != nil {
		t.Fatal("unsigned year has a schedule")
	}
}

func TestReportSchedule_NotRenewed_KeepsTheSignedYear(t *testing.T) {
	for _, st := range []func(testing.TB) *contract.State{
		ended, // year 1 failed, not renewed on 2025-01-10
		func(tb testing.TB) *contract.State { // declined mid-year with a reason
			s := signed(tb, 1)
			ps, err := s.NotRenew(bureau(), contract.DecisionInput{Reason: "服务需求调整", DecidedOn: d("2024-09-30")})
			must(tb, s, bureau(), ps, err)
			return s
		},
	} {
		s := st(t)
		got := contract.ReportSchedule(s, 1)
		if len(got) != 14 || got[len(got)-1].Kind != contract.ReportFinal || s.Phase != contract.PhaseEnded {
			t.Fatalf("schedule after non-renewal: %d reports, phase %s", len(got), s.Phase)
		}
	}
}

func TestNextDeadline(t *testing.T) {
	s := signed(t, 1)
	for _, c := range []struct {
		asOf, due, kind, period string
	}{
		{"2024-01-10", "2024-02-05", contract.ReportMonthly, "2024-01"},
		{"2024-02-05", "2024-02-05", contract.ReportMonthly, "2024-01"},
		{"2024-07-06", "2024-07-16", contract.ReportMidTerm, ""}, // June's briefing (due 07-05) is missed, not next
		{"2024-12-20", "2025-01-05", contract.ReportMonthly, "2024-12"},
		{"2025-01-06", "2025-01-15", contract.ReportFinal, ""},
	} {
		r, ok := contract.NextDeadline(s, d(c.asOf))
		if !ok || r.Due != d(c.due) || r.Kind != c.kind || r.Period != c.period {
			t.Errorf("as of %s: %+v %v, want %s %s due %s", c.asOf, r, ok, c.kind, c.period, c.due)
		}
	}
	submit(t, s, 1, contract.ReportMonthly, "2024-01", "2024-01-31")
	if r, _ := contract.NextDeadline(s, d("2024-02-01")); r.Period != "2024-02" {
		t.Errorf("after January was submitted the next is %+v", r)
	}
	if _, ok := contract.NextDeadline(s, d("2025-01-16")); ok {
		t.Error("a deadline after the last one")
	}
	if _, ok := contract.NextDeadline(awarded(t), d("2024-01-01")); ok {
		t.Error("a deadline before any agreement")
	}
}

func TestMidpoint(t *testing.T) {
	for _, c := range []struct{ start, end, want string }{
		{"2024-01-01", "2024-12-31", "2024-07-01"},
		{"2025-01-01", "2025-12-31", "2025-07-02"},
		{"2024-02-29", "2025-02-28", "2024-08-29"},
	} {
		if got := contract.Midpoint(d(c.start), d(c.end)); got != d(c.want) {
			t.Errorf("Midpoint(%s, %s) = %s, want %s", c.start, c.end, got, c.want)
		}
	}
}
