package ocds_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"casework/api/ocds"
	"casework/api/ocds/ocdstest"
	"casework/domain"
	"casework/domain/contract"
	"casework/domain/value"
)

var (
	contractID = uuid.MustParse("0197a0c0-1111-7000-8000-000000000001")
	bureau     = "0197a0c0-2222-7000-8000-000000000001"
	station    = "0197a0c0-3333-7000-8000-000000000001"
	contractor = "0197a0c0-4444-7000-8000-000000000001"
)

func d(s string) value.Date { return value.MustParseDate(s) }

// lifecycle is every kind of contract event, in a valid order.
func lifecycle(method string) []ocds.Event {
	a := contract.AgreementSigned{CycleYear: 1, PeriodStart: d("2025-01-01"), PeriodEnd: d("2025-12-31"),
		Parties: contract.Parties{Bureau: contract.Party{Unit: bureau, Name: "区民政局"}, Township: contract.Party{Unit: station, Name: "街道办事处"},
			Contractor: contract.Party{Unit: contractor, Name: "社工服务中心"}},
		ServiceContent: "个案、小组、社区工作", Budget: value.Yuan(620_000), SignedOn: d("2024-12-28"),
		Terms: contract.Terms{MonthlyDueDay: 10, MidTermDays: 15, FinalDays: 30, StaffingGraceDays: 30, PassThreshold: 60}}
	payloads := []domain.Payload{
		contract.ProcurementOpened{ContractID: contractID, BureauUnit: bureau, Title: "社工站运营项目", Stations: []string{station},
			Method: method, BudgetCeiling: value.Yuan(2_000_000), OpenedOn: d("2024-11-01")},
		contract.ContractAwarded{ContractorUnit: contractor, ContractorName: "社工服务中心", CreditCode: value.MustParseCreditCode("52330102MJ8800001X"),
			AwardedOn: d("2024-12-05"), Amount: value.Yuan(1_860_000)},
		a,
		contract.FundsBudgeted{CycleYear: 1, Lines: []contract.BudgetLine{{Code: "Y1-OPS", Purpose: "运营经费", Amount: value.Yuan(90_000), Earmarked: true}},
			BudgetedOn: d("2025-01-01")},
		contract.StaffingChanged{CycleYear: 1, Station: station, EffectiveOn: d("2025-01-10"), Promised: 2, Actual: 1, Shortfall: 1},
		contract.ReportSubmitted{CycleYear: 1, Kind: contract.ReportMonthly, Period: "2025-01", Due: d("2025-02-10"), SubmittedOn: d("2025-02-16"), DocumentRef: "JX-1-2025-01"},
		contract.InspectionRecorded{InspectedOn: d("2025-05-30"), Inspector: "county", Station: station, Findings: "档案编码不规范", Severity: contract.SeverityMinor},
		contract.FundsDisbursed{Line: "Y1-OPS", Amount: value.Yuan(30_000), DisbursedOn: d("2025-04-05"), Purpose: "第一季度"},
		contract.EvaluationRecorded{CycleYear: 1, EvaluatorUnit: "e", Scores: contract.Scores{ResidentSatisfaction: 91, Professional: 84, Government: 88},
			Total: 88, PassThreshold: 60, Passed: true, EvaluatedOn: d("2025-12-25")},
		contract.ContractRenewed{CycleYear: 1, NextCycleYear: 2, DecidedOn: d("2025-12-27")},
		contract.ContractNotRenewed{CycleYear: 1, Reason: "预算调整", DecidedOn: d("2025-12-29")},
		contract.ContractTerminated{CycleYear: 1, Reason: "转包服务", TerminatedOn: d("2025-12-30")},
	}
	at := time.Date(2024, 11, 1, 2, 0, 0, 0, time.UTC)
	out := make([]ocds.Event, len(payloads))
	for i, p := range payloads {
		out[i] = ocds.Event{Revision: uint64(i), RecordedAt: at.Add(time.Duration(i) * time.Hour), Payload: p}
	}
	return out
}

func names(unit string) string {
	return map[string]string{bureau: "杭州市临安区民政局", station: "锦城街道社工站", contractor: "锦绣社会工作服务中心"}[unit]
}

func TestBuild_EveryEventType_ValidAgainstSchema(t *testing.T) {
	pkg, err := ocds.Build(contractID, lifecycle(contract.MethodOpenTender), ocds.Options{UnitName: names})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(pkg)
	if err != nil {
		t.Fatal(err)
	}
	if err := ocdstest.Validate(raw); err != nil {
		t.Fatalf("invalid release package: %v\n%s", err, raw)
	}
	if len(pkg.Releases) != 12 {
		t.Fatalf("%d releases, want one per event", len(pkg.Releases))
	}
	ocid := ocds.DefaultPrefix + "-" + contractID.String()
	wantTags := []string{"planning,tender", "award", "contract", "planningUpdate", "implementation", "implementation", "implementation",
		"implementation", "implementation", "contractUpdate", "contractTermination", "contractTermination"}
	for i, r := range pkg.Releases {
		if r.OCID != ocid || strings.Join(r.Tag, ",") != wantTags[i] {
			t.Errorf("release %d: ocid %s tags %v, want %s", i, r.OCID, r.Tag, wantTags[i])
		}
	}
	if pkg.PublishedDate != pkg.Releases[11].Date {
		t.Errorf("published %s, want the last release's date %s", pkg.PublishedDate, pkg.Releases[11].Date)
	}
	rep := pkg.Releases[5].Contracts[0].Implementation.Milestones[0]
	if rep.Status != "met" || rep.DueDate != "2025-02-10T00:00:00+08:00" || !strings.Contains(rep.Description, "逾期6天") {
		t.Errorf("late report milestone: %+v", rep)
	}
	tx := pkg.Releases[7].Contracts[0].Implementation.Transactions[0]
	if tx.Value.Amount != 30000 || tx.Value.Currency != "CNY" || tx.Payer.ID != bureau || tx.Payee.ID != contractor {
		t.Errorf("payment: %+v", tx)
	}
}

func TestBuild_ProcurementMethods_MapToCodelist(t *testing.T) {
	for method, want := range map[string]string{
		contract.MethodOpenTender: "open", contract.MethodInvitedTender: "selective",
		contract.MethodCompetitiveNegotiation: "limited", contract.MethodCompetitiveConsultation: "limited",
		contract.MethodSingleSource: "direct",
	} {
		pkg, err := ocds.Build(contractID, lifecycle(method)[:1], ocds.Options{})
		if err != nil {
			t.Fatal(err)
		}
		tender := pkg.Releases[0].Tender
		if tender.ProcurementMethod != want || tender.ProcurementMethodDetails == "" {
			t.Errorf("%s: %s %q, want %s", method, tender.ProcurementMethod, tender.ProcurementMethodDetails, want)
		}
		raw, _ := json.Marshal(pkg)
		if err := ocdstest.Validate(raw); err != nil {
			t.Errorf("%s: %v", method, err)
		}
	}
}

func TestBuild_BadHistory_Refused(t *testing.T) {
	evs := lifecycle(contract.MethodOpenTender)
	if _, err := ocds.Build(contractID, nil, ocds.Options{}); err == nil {
		t.Error("no events: built")
	}
	if _, err := ocds.Build(contractID, evs[1:], ocds.Options{}); err == nil {
		t.Error("no procurement first: built")
	}
	bad := lifecycle("auction")
	if _, err := ocds.Build(contractID, bad[:1], ocds.Options{}); err == nil {
		t.Error("unknown method: built")
	}
}

// The validator is not vacuous: it refuses what the schema forbids.
func TestValidate_BrokenPackage_Refused(t *testing.T) {
	pkg, err := ocds.Build(contractID, lifecycle(contract.MethodOpenTender), ocds.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for name, breakIt := range map[string]func(*ocds.Package){
		"no ocid":          func(p *ocds.Package) { p.Releases[0].OCID = "" },
		"unknown tag":      func(p *ocds.Package) { p.Releases[0].Tag = []string{"rumour"} },
		"bad date":         func(p *ocds.Package) { p.Releases[1].Date = "2025-01-01" },
		"unknown method":   func(p *ocds.Package) { p.Releases[0].Tender.ProcurementMethod = "auction" },
		"bad version":      func(p *ocds.Package) { p.Version = "1" },
		"no releases":      func(p *ocds.Package) { p.Releases = nil },
		"unknown currency": func(p *ocds.Package) { p.Releases[1].Awards[0].Value.Currency = "XXY" },
	} {
		cp := pkg
		cp.Releases = append([]ocds.Release{}, pkg.Releases...)
		if len(cp.Releases) > 1 {
			aw := append([]ocds.Award{}, cp.Releases[1].Awards...)
			v := *aw[0].Value
			aw[0].Value = &v
			cp.Releases[1].Awards = aw
			tn := *cp.Releases[0].Tender
			cp.Releases[0].Tender = &tn
		}
		breakIt(&cp)
		raw, _ := json.Marshal(cp)
		if err := ocdstest.Validate(raw); err == nil {
			t.Errorf("%s: valid", name)
		}
	}
}
