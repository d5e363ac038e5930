package contract_test

import (
	"testing"

	"casework/domain"
	"casework/domain/contract"
)

func TestContract_SubmitReport_AcceptedOrRejectedByRule(t *testing.T) {
	report := func(cmd domain.Cmd, in contract.ReportInput) func(*contract.State) ([]domain.Payload, error) {
		return func(s *contract.State) ([]domain.Payload, error) { return s.SubmitReport(cmd, in) }
	}
	jan := contract.ReportInput{Kind: contract.ReportMonthly, Period: "2024-01", SubmittedOn: d("2024-02-05"), DocumentRef: "doc/2024-01.pdf"}
	s1 := func(tb testing.TB) *contract.State { return signed(tb, 1) }
	janDone := func(tb testing.TB) *contract.State {
		s := signed(tb, 1)
		ps, err := s.SubmitReport(worker(), jan)
		must(tb, s, worker(), ps, err)
		return s
	}
	runCases(t, []cmdCase{
		{name: "station worker submits monthly", state: s1, run: report(worker(), jan), want: contract.EventReportSubmitted},
		{name: "station supervisor submits mid-term", state: s1, run: report(as(domain.RoleSupervisor, stationB), contract.ReportInput{Kind: contract.ReportMidTerm, DocumentRef: "mid.pdf"}), want: contract.EventReportSubmitted},
		{name: "contractor account submits final", state: s1, run: report(as(domain.RoleAgencyWorker, contractorUnit), contract.ReportInput{CycleYear: 1, Kind: contract.ReportFinal, DocumentRef: "final.pdf"}), want: contract.EventReportSubmitted},
		{name: "late report after termination accepted", state: terminated, run: report(worker(), jan), want: contract.EventReportSubmitted},
		{name: "bureau officer refused", state: s1, run: report(bureau(), jan), rule: "contract.report.contractor_side_only", kind: domain.KindForbidden},
		{name: "worker of an uncovered station refused", state: s1, run: report(as(domain.RoleSocialWorker, "station-elsewhere"), jan), rule: "contract.report.contractor_side_only", kind: domain.KindForbidden},
		{name: "agency worker of another organisation refused", state: s1, run: report(as(domain.RoleAgencyWorker, otherOrgUnit), jan), rule: "contract.report.contractor_side_only", kind: domain.KindForbidden},
		{name: "before any agreement refused", state: awarded, run: report(worker(), jan), rule: "contract.report.requires_agreement", kind: domain.KindConflict},
		{name: "unsigned year refused", state: s1, run: report(worker(), mod(jan, func(in *contract.ReportInput) { in.CycleYear = 2 })), rule: "contract.report.requires_agreement", kind: domain.KindConflict},
		{name: "unknown kind refused", state: s1, run: report(worker(), mod(jan, func(in *contract.ReportInput) { in.Kind = "weekly" })), rule: "contract.report.kind_known", kind: domain.KindInvalid},
		{name: "month outside the period refused", state: s1, run: report(worker(), mod(jan, func(in *contract.ReportInput) { in.Period = "2025-01" })), rule: "contract.report.in_schedule", kind: domain.KindInvalid},
		{name: "malformed month refused", state: s1, run: report(worker(), mod(jan, func(in *contract.ReportInput) { in.Period = "2024-1" })), rule: "contract.report.in_schedule", kind: domain.KindInvalid},
		{name: "period on a final report refused", state: s1, run: report(worker(), mod(jan, func(in *contract.ReportInput) { in.Kind = contract.ReportFinal })), rule: "contract.report.in_schedule", kind: domain.KindInvalid},
		{name: "second January briefing refused", state: janDone, run: report(worker(), jan), rule: "contract.report.once_per_period", kind: domain.KindConflict},
		{name: "no document refused", state: s1, run: report(worker(), mod(jan, func(in *contract.ReportInput) { in.DocumentRef = "" })), rule: "contract.report.required", kind: domain.KindInvalid},
		{name: "future submission date refused", state: s1, run: report(worker(), mod(jan, func(in *contract.ReportInput) { in.SubmittedOn = d("2027-06-02") })), rule: "contract.report.not_in_future", kind: domain.KindInvalid},
	})
}

func TestContract_SubmitReport_PinsDueDate(t *testing.T) {
	s := signed(t, 1)
	ps, err := s.SubmitReport(worker(), contract.ReportInput{Kind: contract.ReportMonthly, Period: "2024-01", SubmittedOn: d("2024-02-06"), DocumentRef: "x"})
	check(t, ps, err, "", 0, contract.EventReportSubmitted)
	if got := ps[0].(contract.ReportSubmitted).Due; got != d("2024-02-05") {
		t.Fatalf("due = %s, want 2024-02-05", got)
	}
}

func TestContract_RecordInspection_AcceptedOrRejectedByRule(t *testing.T) {
	visit := contract.InspectInput{InspectedOn: d("2024-05-20"), Inspector: "王督导", Station: stationA,
		Findings: "台账记录不完整，个案档案缺少服务计划", Severity: contract.SeverityMinor}
	inspect := func(cmd domain.Cmd, in contract.InspectInput) func(*contract.State) ([]domain.Payload, error) {
		return func(s *contract.State) ([]domain.Payload, error) { return s.RecordInspection(cmd, in) }
	}
	s1 := func(tb testing.TB) *contract.State { return signed(tb, 1) }
	runCases(t, []cmdCase{
		{name: "bureau officer inspects", state: s1, run: inspect(bureau(), visit), want: contract.EventInspectionRecorded},
		{name: "county manager inspects after award", state: awarded, run: inspect(as(domain.RoleCountyManager, "county-jiangan"), mod(visit, func(in *contract.InspectInput) { in.Inspector = "" })), want: contract.EventInspectionRecorded},
		{name: "supervisor refused", state: s1, run: inspect(as(domain.RoleSupervisor, stationA), visit), rule: "contract.inspect.bureau_or_county_only", kind: domain.KindForbidden},
		{name: "before award refused", state: opened, run: inspect(bureau(), visit), rule: "contract.inspect.requires_active_contract", kind: domain.KindConflict},
		{name: "after end refused", state: ended, run: inspect(bureau(), visit), rule: "contract.inspect.requires_active_contract", kind: domain.KindConflict},
		{name: "no findings refused", state: s1, run: inspect(bureau(), mod(visit, func(in *contract.InspectInput) { in.Findings = "" })), rule: "contract.inspect.required", kind: domain.KindInvalid},
		{name: "uncovered station refused", state: s1, run: inspect(bureau(), mod(visit, func(in *contract.InspectInput) { in.Station = "station-elsewhere" })), rule: "contract.inspect.required", kind: domain.KindInvalid},
		{name: "unknown severity refused", state: s1, run: inspect(bureau(), mod(visit, func(in *contract.InspectInput) { in.Severity = "catastrophic" })), rule: "contract.inspect.severity_known", kind: domain.KindInvalid},
	})
}

func TestContract_ChangeStaffing_AcceptedOrRejectedByRule(t *testing.T) {
	two := contract.StaffingInput{Station: stationA, EffectiveOn: d("2024-01-02"),
		Workers: []contract.AssignedWorker{{WorkerID: "w-li"}, {WorkerID: "w-zhang", EmployerUnit: contractorUnit}}}
	staff := func(cmd domain.Cmd, in contract.StaffingInput) func(*contract.State) ([]domain.Payload, error) {
		return func(s *contract.State) ([]domain.Payload, error) { return s.ChangeStaffing(cmd, in) }
	}
	s1 := func(tb testing.TB) *contract.State { return signed(tb, 1) }
	runCases(t, []cmdCase{
		{name: "station worker reports staffing", state: s1, run: staff(worker(), two), want: contract.EventStaffingChanged},
		{name: "bureau officer records shortfall", state: s1, run: staff(bureau(), mod(two, func(in *contract.StaffingInput) { in.Workers = in.Workers[:1] })), want: contract.EventStaffingChanged},
		{name: "evaluator refused", state: s1, run: staff(evaluator(), two), rule: "contract.staffing.contractor_side_or_bureau", kind: domain.KindForbidden},
		{name: "before agreement refused", state: awarded, run: staff(worker(), two), rule: "contract.staffing.requires_agreement", kind: domain.KindConflict},
		{name: "after termination refused", state: terminated, run: staff(bureau(), two), rule: "contract.staffing.requires_agreement", kind: domain.KindConflict},
		{name: "unstaffed station refused", state: s1, run: staff(worker(), mod(two, func(in *contract.StaffingInput) { in.Station = "station-elsewhere" })), rule: "contract.staffing.station_covered", kind: domain.KindInvalid},
		{name: "same worker twice refused", state: s1, run: staff(worker(), mod(two, func(in *contract.StaffingInput) {
			in.Workers = []contract.AssignedWorker{{WorkerID: "w-li"}, {WorkerID: "w-li"}}
		})), rule: "contract.staffing.required", kind: domain.KindInvalid},
		{name: "staff of another organisation refused", state: s1, run: staff(worker(), mod(two, func(in *contract.StaffingInput) {
			in.Workers = []contract.AssignedWorker{{WorkerID: "w-li"}, {WorkerID: "w-chen", EmployerUnit: otherOrgUnit}}
		})), rule: "contract.subcontracting.prohibited", kind: domain.KindConflict},
	})
}

func TestContract_DeclareSubcontract_AlwaysRejected(t *testing.T) {
	in := contract.SubcontractInput{SubcontractorUnit: otherOrgUnit, SubcontractorName: "某某家政服务有限公司", Scope: "入户探访"}
	for _, st := range []func(testing.TB) *contract.State{none, opened, awarded, renewed, terminated,
		func(tb testing.TB) *contract.State { return signed(tb, 2) }} {
		for _, cmd := range []domain.Cmd{bureau(), as(domain.RoleAgencyWorker, contractorUnit), worker()} {
			s := st(t)
			ps, err := s.DeclareSubcontract(cmd, in)
			check(t, ps, err, "contract.subcontracting.prohibited", domain.KindConflict, "")
		}
	}
}

func TestStaffingStatus_TimelyAndFull(t *testing.T) {
	s := signed(t, 1) // station A promised 2, B promised 3; deadline 2024-01-31
	for _, c := range []struct {
		station string
		on      string
		workers []string
	}{
		{stationA, "2024-01-10", []string{"w1"}},
		{stationA, "2024-01-25", []string{"w1", "w2"}},
		{stationB, "2024-01-15", []string{"w3", "w4"}},
		{stationB, "2024-03-01", []string{"w3", "w4", "w5"}},
		{stationA, "2024-06-01", []string{"w2"}},
	} {
		var ws []contract.AssignedWorker
		for _, w := range c.workers {
			ws = append(ws, contract.AssignedWorker{WorkerID: w})
		}
		ps, err := s.ChangeStaffing(worker(), contract.StaffingInput{Station: c.station, EffectiveOn: d(c.on), Workers: ws})
		must(t, s, worker(), ps, err)
	}
	type row struct {
		actual, short    int
		timely, complete bool
	}
	for _, c := range []struct {
		asOf string
		a, b row
	}{
		{"2024-01-05", row{0, 2, false, false}, row{0, 3, false, false}},
		{"2024-01-26", row{2, 0, true, true}, row{2, 1, false, false}},
		{"2024-02-15", row{2, 0, true, true}, row{2, 1, false, false}},
		{"2024-03-01", row{2, 0, true, true}, row{3, 0, false, false}}, // in full, but late
		{"2024-06-01", row{1, 1, true, false}, row{3, 0, false, false}},
	} {
		got := contract.StaffingStatus(s, 1, d(c.asOf))
		for i, want := range []row{c.a, c.b} {
			g := got[i]
			if (row{g.Actual, g.Shortfall, g.Timely, g.TimelyAndFull}) != want || g.Deadline != d("2024-01-31") {
				t.Errorf("%s %s: got %+v, want %+v", c.asOf, g.Station, g, want)
			}
		}
	}
	if contract.StaffingStatus(s, 2, d("2024-06-01")) != nil {
		t.Fatal("unsigned year has staffing rows")
	}
}
