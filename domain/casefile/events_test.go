package casefile_test

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/casefile"
	"casework/domain/internal/domaintest"
	"casework/domain/value"
)

var update = flag.Bool("update", false, "rewrite golden files")

func registry(tb testing.TB) *domain.Registry {
	tb.Helper()
	r := domain.NewRegistry()
	casefile.RegisterEvents(r)
	return r
}

// samples holds one realistic payload per event type.
func samples() []domain.Payload {
	openedAt := time.Date(2025, 6, 10, 2, 0, 0, 0, time.UTC)
	return []domain.Payload{
		casefile.CaseOpened{CaseID: caseID, ClientID: clientID, Source: casefile.SourceHelpRequest,
			Client: casefile.Client{Name: "张秀兰", ResidentID: value.MustParseResidentID("510108196505120029"),
				Gender: "female", BirthDate: date("1965-05-12"),
				Contact:       casefile.Contact{Phone: "13800000000", Address: "成华区保和街道和美社区3组12号"},
				Circumstances: "独居老人，腿脚不便，孙子随其生活"},
			Household: casefile.Household{County: county, Size: 2, Address: "成华区保和街道和美社区3组12号"},
			Domain:    "social_assistance", StationID: "station-hx", WorkerID: "acc-li", OpenedAt: openedAt},
		casefile.HouseholdCheckRecorded{VisitDate: date("2025-06-08"), Investigators: []string{"李明", "王芳"},
			Members: []casefile.HouseholdMember{
				{Name: "张秀兰", Relation: "self", Income: []casefile.IncomeItem{{Kind: "pension", Amount: 120000, Period: "monthly", Note: "城乡居民养老金"}}},
				{MinorName: "王小明", Relation: "grandchild", Minor: true, Income: []casefile.IncomeItem{}},
			},
			Assets: []casefile.Asset{{Kind: "deposit", Description: "活期存款", Value: 500000}},
			Eligibility: casefile.Eligibility{RuleID: "ch-dibao", RuleVersion: 1, StandardCounty: county,
				StandardEffectiveFrom: date("2025-01-01"), StandardMonthly: 90000, HouseholdSize: 2,
				MonthlyIncome: 120000, PerCapitaMonthlyIncome: 60000, Outcome: casefile.OutcomeEligible},
			Notes: "住房为自建房，无其他收入来源"},
		casefile.NeedsAssessed{AssessedOn: date("2025-06-10"), RiskLevel: "medium",
			Needs:       []casefile.Need{{Area: "daily_care", Description: "需要助餐和上门照护"}, {Area: "economic", Description: "收入低于低保标准"}},
			HealthNotes: "高血压，行动不便"},
		casefile.ServicePlanDrafted{Goals: []string{"链接助餐服务", "协助申请低保"},
			PlannedServices: []casefile.PlannedService{{Method: "casework", Kind: "resource_linking", Frequency: "每月一次", Description: "对接社区食堂"}},
			StartDate:       date("2025-06-10"), ReviewDate: date("2025-09-10")},
		casefile.ServiceDelivered{Method: "casework", Kind: "home_visit", OccurredOn: date("2025-06-12"), DurationMinutes: 90,
			Workers: []string{"acc-li"}, Volunteers: []string{"陈志愿"}, Notes: "上门了解助餐需求，案主情绪稳定"},
		casefile.FollowUpRecorded{VisitedOn: date("2025-07-10"), Method: "phone", Findings: "已按时用餐", NextFollowUp: date("2025-08-10")},
		casefile.CaseReviewed{ReviewedOn: date("2025-09-10"), Progress: "on_track", Summary: "低保已批，助餐稳定", NextReviewDate: date("2025-12-10")},
		casefile.ApprovalRequested{Subject: casefile.SubjectClosure, SubjectRevision: 12, ProposedOutcome: "goals_achieved", Reason: "服务目标已达成", Note: "请督导审批"},
		casefile.ApprovalGranted{Subject: casefile.SubjectClosure, SubjectRevision: 12, RequestRevision: 12, Comment: "同意结案"},
		casefile.ApprovalRejected{Subject: casefile.SubjectPlan, SubjectRevision: 4, RequestRevision: 5, Comment: "目标需更具体"},
		casefile.CaseClosed{Outcome: "goals_achieved", Reason: "服务目标已达成", ApprovalRequestRevision: 12, ClosedOn: date("2025-12-20"), Summary: "结案小结"},
		casefile.CaseReopened{Reason: "案主再次求助"},
		casefile.CaseArchived{ResponsiblePerson: "李明", ArchiveCode: "CH-BH-2025-0012", ArchivedOn: date("2025-12-31")},
		casefile.CaseReassigned{FromWorker: "acc-li", ToWorker: "acc-wang", Reason: "李明调岗"},
	}
}

func TestEvents_Golden(t *testing.T) {
	domaintest.Golden(t, casefile.RegisterEvents, samples(), *update,
		domaintest.DeepEqual)
}

func TestEvents_EveryTypeRegisteredWithSampleAndGolden(t *testing.T) {
	r := registry(t)
	want := []string{"CaseOpened", "HouseholdCheckRecorded", "NeedsAssessed", "ServicePlanDrafted", "ServiceDelivered",
		"FollowUpRecorded", "CaseReviewed", "ApprovalRequested", "ApprovalGranted", "ApprovalRejected",
		"CaseClosed", "CaseReopened", "CaseArchived", "CaseReassigned"}
	slices.Sort(want)
	if got := r.Names(); !slices.Equal(got, want) {
		t.Fatalf("registered %v, want %v", got, want)
	}
	var sampled []string
	for _, p := range samples() {
		sampled = append(sampled, p.EventType())
	}
	slices.Sort(sampled)
	if !slices.Equal(sampled, want) {
		t.Fatalf("samples cover %v", sampled)
	}
}

// openedBefore3 is the sample CaseOpened as read from a schema older than
// 3: its client is its own first case.
func openedBefore3() casefile.CaseOpened {
	want := samples()[0].(casefile.CaseOpened)
	want.ClientID = want.CaseID
	return want
}

func TestEvents_CaseOpenedV1Golden_UpcastsToSchema2(t *testing.T) {
	r := registry(t)
	old, err := os.ReadFile(filepath.Join("testdata", "events", "CaseOpened.v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	if def, _ := r.Def("CaseOpened"); def.Schema != 3 {
		t.Fatalf("CaseOpened schema = %d, want 3", def.Schema)
	}
	got, err := r.Decode("CaseOpened", 1, old)
	if err != nil {
		t.Fatal(err)
	}
	if want := openedBefore3(); !reflect.DeepEqual(got, want) {
		t.Fatalf("upcast v1 through v2 to v3:\n got %+v\nwant %+v", got, want)
	}
}

func TestEvents_CaseOpenedV2Golden_UpcastsToSchema3(t *testing.T) {
	r := registry(t)
	old, err := os.ReadFile(filepath.Join("testdata", "events", "CaseOpened.v2.json"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Decode("CaseOpened", 2, old)
	if err != nil {
		t.Fatal(err)
	}
	want := openedBefore3()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("upcast v2:\n got %+v\nwant %+v", got, want)
	}
	if got.(casefile.CaseOpened).ClientID != caseID {
		t.Fatalf("client_id = %v, want the case's id %v", got.(casefile.CaseOpened).ClientID, caseID)
	}
	// Read as schema 3, the same JSON lacks the client: only the upcaster
	// supplies it.
	as3, err := r.Decode("CaseOpened", 3, old)
	if err != nil {
		t.Fatal(err)
	}
	if as3.(casefile.CaseOpened).ClientID != uuid.Nil {
		t.Fatalf("schema-2 JSON read as schema 3 has client_id %v", as3.(casefile.CaseOpened).ClientID)
	}
}

func TestEvents_CaseOpenedV2WithoutCaseID_Refused(t *testing.T) {
	r := registry(t)
	for name, doc := range map[string]string{
		"no case_id":        `{"source":"outreach"}`,
		"client_id present": `{"case_id":"0192f0c4-5b7e-7a31-9c1e-4d2f8a6b3c10","client_id":"0192f0c4-5b7e-7a31-9c1e-4d2f8a6b3c10"}`,
		"not an object":     `[]`,
	} {
		if _, err := r.Decode("CaseOpened", 2, []byte(doc)); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
}

func TestEvents_CaseOpenedV1Minor_UpcastsNameToMinorName(t *testing.T) {
	r := registry(t)
	old := []byte(`{"case_id":"0192f0c4-5b7e-7a31-9c1e-4d2f8a6b3c10","source":"outreach","client_name":"王小明",
		"client":{"gender":"male","birth_date":"2015-03-15","minor":true,"contact":{}},
		"household":{"county":"510108","size":3},"domain":"child_welfare","station_id":"station-hx",
		"worker_id":"acc-li","opened_at":"2025-06-10T02:00:00Z"}`)
	p, err := r.Decode("CaseOpened", 1, old)
	if err != nil {
		t.Fatal(err)
	}
	c := p.(casefile.CaseOpened).Client
	if c.MinorName != "王小明" || c.Name != "" || !c.Minor {
		t.Fatalf("client = %+v", c)
	}
	if _, err := r.Decode("CaseOpened", 2, old); err == nil {
		t.Fatal("schema-1 JSON decoded as schema 2: client_name must be an unknown field")
	}
}

func TestEvents_SensitiveFieldsTagged(t *testing.T) {
	r := registry(t)
	tests := map[string][]string{
		"CaseOpened": {"client.name", "client.minor_name", "client.resident_id", "client.contact.phone",
			"client.contact.address", "client.circumstances", "client.minor_circumstances", "household.address"},
		"HouseholdCheckRecorded": {"members[].name", "members[].minor_name", "members[].income", "assets",
			"eligibility.monthly_income", "eligibility.per_capita_monthly_income", "notes"},
		"NeedsAssessed":      {"needs[].description", "health_notes"},
		"ServicePlanDrafted": {"goals"},
		"ServiceDelivered":   {"notes"},
		"FollowUpRecorded":   {"findings"},
		"CaseReviewed":       {"summary"},
		"CaseClosed":         {"summary"},
	}
	for name, want := range tests {
		def, ok := r.Def(name)
		if !ok {
			t.Fatalf("%s not registered", name)
		}
		if !slices.Equal(def.Sensitive, want) {
			t.Errorf("%s sensitive = %v, want %v", name, def.Sensitive, want)
		}
	}
}
