package contract_test

import (
	"flag"
	"slices"
	"testing"

	"casework/domain"
	"casework/domain/contract"
	"casework/domain/internal/domaintest"
	"casework/domain/value"
)

var update = flag.Bool("update", false, "rewrite golden files")

// samples holds one realistic payload per event type.
func samples() []domain.Payload {
	return []domain.Payload{
		contract.ProcurementOpened{ContractID: contractID, BureauUnit: bureauUnit, Title: "江安县乡镇(街道)社会工作服务站项目",
			Stations: []string{stationA, stationB}, Method: contract.MethodOpenTender, BudgetCeiling: value.Yuan(600_000), OpenedOn: d("2023-11-01")},
		contract.ContractAwarded{ContractorUnit: contractorUnit, ContractorName: "江安县安心社会工作服务中心",
			CreditCode: value.MustParseCreditCode(creditCode), AwardedOn: d("2023-12-10"), Amount: value.Yuan(540_000)},
		contract.AgreementSigned{CycleYear: 1,
			Parties: contract.Parties{
				Bureau:     contract.Party{Unit: bureauUnit, Name: "江安县民政局"},
				Township:   contract.Party{Unit: "township-dajing", Name: "江安县大井镇人民政府"},
				Contractor: contract.Party{Unit: contractorUnit, Name: "江安县安心社会工作服务中心"},
			},
			PeriodStart: d("2024-01-01"), PeriodEnd: d("2024-12-31"),
			ServiceContent: "社会救助、养老服务、儿童关爱保护、社区治理服务",
			Targets:        contract.Targets{Cases: 40, Services: 600, GroupSessions: 12, CommunityActivities: 8, ServiceHours: 3000},
			Staffing:       []contract.StationStaffing{{Station: stationA, ResidentWorkers: 2}, {Station: stationB, ResidentWorkers: 3}},
			Budget:         value.Yuan(180_000), EvaluationClause: "年底由第三方机构开展绩效评估，合格续签",
			BreachLiability: "严禁服务转包；未按协议配备驻站社工的，按日扣减服务费",
			Terms:           contract.Terms{MonthlyDueDay: 5, MidTermDays: 15, FinalDays: 15, StaffingGraceDays: 30, PassThreshold: 60},
			SignedOn:        d("2023-12-20")},
		contract.ReportSubmitted{CycleYear: 1, Kind: contract.ReportMonthly, Period: "2024-01", Due: d("2024-02-05"),
			SubmittedOn: d("2024-02-04"), DocumentRef: "大井镇社工站2024年1月工作简报.pdf"},
		contract.InspectionRecorded{InspectedOn: d("2024-05-20"), Inspector: "王督导", Station: stationA,
			Findings: "台账记录不完整，部分个案档案缺少服务计划", Severity: contract.SeverityMinor},
		contract.FundsBudgeted{CycleYear: 1, Lines: []contract.BudgetLine{
			{Code: "OPS", Purpose: "社工站工作经费(每站每年3万元)", Amount: value.Yuan(60_000), Earmarked: true},
			{Code: "SA", Purpose: "社会救助服务", Amount: value.Yuan(50_000), Earmarked: true, SocialAssistance: true},
		}, PrevSocialAssistanceSpend: value.Yuan(2_000_000), SocialAssistanceCap: value.Yuan(100_000), BudgetedOn: d("2024-01-05")},
		contract.FundsDisbursed{Line: "OPS", Amount: value.Yuan(15_000), DisbursedOn: d("2024-04-01"), Purpose: "第一季度工作经费"},
		contract.StaffingChanged{CycleYear: 1, Station: stationB, EffectiveOn: d("2024-01-15"),
			Workers:  []contract.AssignedWorker{{WorkerID: "w-li", EmployerUnit: contractorUnit}, {WorkerID: "w-zhang", EmployerUnit: contractorUnit}},
			Promised: 3, Actual: 2, Shortfall: 1},
		contract.EvaluationRecorded{CycleYear: 1, EvaluatorUnit: evaluatorUnit,
			Scores:      contract.Scores{ResidentSatisfaction: 90, Professional: 80, Government: 85},
			Weights:     contract.Scores{ResidentSatisfaction: 40, Professional: 30, Government: 30},
			WeightedSum: 8550, Total: 86, PassThreshold: 60, Passed: true, EvaluatedOn: d("2024-12-20"), Summary: "服务成效明显，居民满意度高"},
		contract.ContractRenewed{CycleYear: 1, NextCycleYear: 2, DecidedOn: d("2024-12-25")},
		contract.ContractNotRenewed{CycleYear: 2, AfterFailedEvaluation: true, DecidedOn: d("2025-12-28")},
		contract.ContractTerminated{CycleYear: 2, Reason: "承接机构擅自将入户探访服务转包", TerminatedOn: d("2025-06-20")},
	}
}

func registry(tb testing.TB) *domain.Registry {
	tb.Helper()
	r := domain.NewRegistry()
	contract.RegisterEvents(r)
	return r
}

func TestEvents_Golden(t *testing.T) {
	domaintest.Golden(t, contract.RegisterEvents, samples(), *update,
		domaintest.DeepEqual)
}

func TestEvents_EveryTypeRegisteredAndSampled(t *testing.T) {
	want := []string{"AgreementSigned", "ContractAwarded", "ContractNotRenewed", "ContractRenewed", "ContractTerminated",
		"EvaluationRecorded", "FundsBudgeted", "FundsDisbursed", "InspectionRecorded", "ProcurementOpened",
		"ReportSubmitted", "StaffingChanged"}
	if got := registry(t).Names(); !slices.Equal(got, want) {
		t.Fatalf("registered %v, want %v", got, want)
	}
	var sampled []string
	for _, p := range samples() {
		sampled = append(sampled, p.EventType())
	}
	slices.Sort(sampled)
	if !slices.Equal(sampled, want) {
		t.Fatalf("sampled %v, want %v", sampled, want)
	}
}

// TestEvents_CommandsEmitRegisteredTypes guards against a command returning
// a payload type that RegisterEvents forgot.
func TestEvents_CommandsEmitRegisteredTypes(t *testing.T) {
	r := registry(t)
	s := budgeted(t)
	ps, err := s.Disburse(bureau(), contract.DisburseInput{Line: "OPS", Amount: 1, Purpose: "x"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range append(ps, samples()...) {
		if _, _, _, err := r.Encode(p); err != nil {
			t.Fatal(err)
		}
	}
}
