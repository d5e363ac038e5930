package demo

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	stdtime "time"

	"github.com/google/uuid"

	"casework/api/service"
	"casework/domain"
	"casework/domain/casefile"
	"casework/domain/contract"
	"casework/domain/org"
	"casework/domain/referral"
	"casework/domain/station"
	"casework/domain/value"
	"casework/eventstore"
	"casework/eventstore/pii"
	"casework/eventstore/sqlite"
)

func standards() []casefile.MinimumLivingStandard {
	return []casefile.MinimumLivingStandard{{RuleID: "demo", Version: 1, County: value.MustParseDivisionCode("330100"),
		EffectiveFrom: value.MustParseDate("2020-01-01"), MonthlyPerCapita: value.Yuan(1290)}}
}

// seeded is a store with the demo dataset and a service over it.
func seeded(t *testing.T) (*sqlite.Store, *service.Service) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "events.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	keys := testKeys(t, filepath.Dir(st.Path()))
	res, err := Seed(ctx, st, Options{Standards: standards, Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Seeded || res.Cases != len(caseStages) {
		t.Fatalf("seed: %+v", res)
	}
	svc, err := service.New(st, service.Config{SigningKey: make([]byte, 32), Standards: standards, Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	if err := svc.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	return st, svc
}

// testKeys opens a key store in dir, closed at the end of the test.
func testKeys(t *testing.T, dir string) *pii.SQLiteKeyStore {
	t.Helper()
	k, err := pii.OpenKeyStore(context.Background(), filepath.Join(dir, "keys.db"),
		pii.KeyStoreOptions{Master: bytes.Repeat([]byte("m"), pii.MasterKeySize)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.Close() })
	return k
}

func principal(t *testing.T, svc *service.Service, username string) service.Principal {
	t.Helper()
	a, ok := svc.Directory().AccountByUsername(username)
	if !ok {
		t.Fatalf("no account %s", username)
	}
	unit, _ := uuid.Parse(a.OrgUnit)
	return service.Principal{AccountID: a.ID, Username: a.Username, Role: a.Role, OrgUnit: unit}
}

func streamIDs(t *testing.T, st eventstore.Store, category string) []uuid.UUID {
	t.Helper()
	var ids []uuid.UUID
	seen := map[string]bool{}
	for ev, err := range st.ReadAll(context.Background(), 0, eventstore.Filter{Categories: []string{category}}) {
		if err != nil {
			t.Fatal(err)
		}
		if seen[ev.Stream] {
			continue
		}
		seen[ev.Stream] = true
		_, id, err := eventstore.ParseStreamName(ev.Stream)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func TestSeed_CasesAtEveryStageInEveryDomain_ActorsAreDemoAccounts(t *testing.T) {
	st, svc := seeded(t)
	ctx := context.Background()
	auditor := principal(t, svc, "auditor")
	stages := map[string]int{}
	domains := map[domain.ServiceDomain]int{}
	minors := 0
	ids := streamIDs(t, st, casefile.Category)
	if len(ids) != len(caseStages) {
		t.Fatalf("%d case streams, want %d", len(ids), len(caseStages))
	}
	for _, id := range ids {
		v, err := svc.Case(ctx, auditor, id, service.At{})
		if err != nil {
			t.Fatalf("case %s as auditor: %v", id, err)
		}
		stages[v.Stage]++
		domains[v.Domain]++
		if v.Client.Minor {
			minors++
		} else if v.Client.ResidentID.IsZero() {
			t.Errorf("case %s: adult client without a resident ID number", id)
		}
		if v.Client.ResidentID.Division().String() != countyCode {
			t.Errorf("case %s: resident ID %s not registered in %s", id, v.Client.ResidentID, countyCode)
		}
		// Every event of a case is by a demo account of the case's station
		// or hierarchy, never by the service itself.
		h, err := svc.CaseHistory(ctx, auditor, id, service.Page{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range h.Events {
			if ev.Role != string(domain.RoleSocialWorker) && ev.Role != string(domain.RoleSupervisor) {
				t.Errorf("case %s event %s by role %q", id, ev.Type, ev.Role)
			}
			if ev.OccurredAt.After(ev.RecordedAt) {
				t.Errorf("case %s event %s occurred %s after it was recorded %s", id, ev.Type, ev.OccurredAt, ev.RecordedAt)
			}
		}
	}
	want := map[string]int{}
	for _, s := range caseStages {
		want[s]++
	}
	for _, s := range []string{casefile.StageIntake, casefile.StageAssessment, casefile.StagePlanning, casefile.StageInService,
		casefile.StageClosing, casefile.StageClosed, casefile.StageArchived} {
		if stages[s] == 0 || stages[s] != want[s] {
			t.Errorf("stage %s: %d cases, want %d (stages %v)", s, stages[s], want[s], stages)
		}
	}
	for _, d := range domain.ServiceDomains() {
		if domains[d] == 0 {
			t.Errorf("no case in domain %s", d)
		}
	}
	types := map[string]int{}
	for ev, err := range st.ReadAll(ctx, 0, eventstore.Filter{Categories: []string{casefile.Category}}) {
		if err != nil {
			t.Fatal(err)
		}
		types[ev.Type]++
	}
	for _, typ := range []string{"ApprovalRejected", "CaseReassigned", "CaseReopened", "HouseholdCheckRecorded", "CaseReviewed", "FollowUpRecorded"} {
		if types[typ] == 0 {
			t.Errorf("no %s event among the cases (%v)", typ, types)
		}
	}
	if minors == 0 {
		t.Error("no minor client: the child-welfare cases should have some")
	}
}

func TestSeed_Again_AppendsNothing(t *testing.T) {
	st, svc := seeded(t)
	ctx := context.Background()
	head, _ := st.Head(ctx)
	res, err := Seed(ctx, st, Options{Standards: standards, Keys: svc.Keys()})
	if err != nil || res.Seeded {
		t.Fatalf("second seed: %+v %v", res, err)
	}
	if h, _ := st.Head(ctx); h != head {
		t.Errorf("head moved from %d to %d", head, h)
	}
}

func TestSeed_StoreWithOtherData_Refused(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "events.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	keys := testKeys(t, filepath.Dir(st.Path()))
	svc, err := service.New(st, service.Config{SigningKey: make([]byte, 32), Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RegisterOrgUnit(ctx, service.System, service.Options{}, orgInput("宁波市", "330200")); err != nil {
		t.Fatal(err)
	}
	svc.Close()
	head, _ := st.Head(ctx)
	if _, err := Seed(ctx, st, Options{Standards: standards, Keys: keys}); err != ErrNotDemoStore {
		t.Errorf("seed over other data: %v, want ErrNotDemoStore", err)
	}
	if h, _ := st.Head(ctx); h != head {
		t.Errorf("head moved from %d to %d", head, h)
	}
}

func TestResidentID_ValidAndEncodesBirthAndGender(t *testing.T) {
	for i := range 200 {
		male := i%2 == 0
		birth := value.NewDate(1930+i%90, stdtime.Month(1+i%12), 1+i%28)
		s := residentID(countyCode, birth, i, male)
		id, err := value.ParseResidentID(s)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if id.BirthDate() != birth || id.Male() != male {
			t.Errorf("%s: birth %s male %v, want %s %v", s, id.BirthDate(), id.Male(), birth, male)
		}
	}
	cc, err := value.ParseCreditCode(contractorCreditCode())
	if err != nil || !cc.CheckDigitValid() || cc.RegistrationKind() != value.RegistrationCivilAffairs {
		t.Errorf("contractor credit code %s: %v", cc, err)
	}
}

func orgInput(name, division string) org.RegisterInput {
	return org.RegisterInput{Kind: org.KindCity, Name: name, Division: division}
}

func TestSeed_ReferralsInEveryState_ContractInYearTwo_OneStationFailingSite(t *testing.T) {
	st, svc := seeded(t)
	ctx := context.Background()
	auditor := principal(t, svc, "auditor")

	states := map[referral.Status]int{}
	overdue := 0
	for _, id := range streamIDs(t, st, referral.Category) {
		v, err := svc.Referral(ctx, auditor, id, service.At{})
		if err != nil {
			t.Fatalf("referral %s: %v", id, err)
		}
		states[v.Status]++
		if v.Status == referral.StatusRequested && v.DueDate.Before(value.DateOf(stdtime.Now())) {
			overdue++
		}
	}
	for _, s := range referral.Statuses() {
		if states[s] == 0 {
			t.Errorf("no referral in state %s (%v)", s, states)
		}
	}
	if overdue == 0 {
		t.Error("no overdue pending referral")
	}
	// The receiving agency sees the referrals addressed to it.
	agency := principal(t, svc, "agency")
	seen := 0
	for _, id := range streamIDs(t, st, referral.Category) {
		if _, err := svc.Referral(ctx, agency, id, service.At{}); err == nil {
			seen++
		}
	}
	if seen == 0 {
		t.Error("the demo agency sees no referral")
	}

	ids := streamIDs(t, st, contract.Category)
	if len(ids) != 1 {
		t.Fatalf("%d contracts, want 1", len(ids))
	}
	c, err := svc.Contract(ctx, principal(t, svc, "bureau"), ids[0], service.At{})
	if err != nil {
		t.Fatal(err)
	}
	if c.CycleYear != 2 || c.Phase != contract.PhaseInAgreement || len(c.Years) != 2 {
		t.Fatalf("contract: year %d phase %s, want year 2 in agreement", c.CycleYear, c.Phase)
	}
	y1 := c.Years[0]
	if y1.Evaluation == nil || !y1.Evaluation.Passed || !y1.Renewed {
		t.Errorf("year 1: evaluation %+v renewed %v, want passed and renewed", y1.Evaluation, y1.Renewed)
	}
	late, missing := 0, 0
	for _, r := range y1.Reports {
		switch r.Status {
		case contract.StatusSubmittedLate:
			late++
		case contract.StatusMissing:
			missing++
		}
	}
	if late != 1 || missing != 0 {
		t.Errorf("year 1 reports: %d late, %d missing, want 1 and 0: %+v", late, missing, y1.Reports)
	}
	if _, err := svc.Contract(ctx, principal(t, svc, "evaluator"), ids[0], service.At{}); err != nil {
		t.Errorf("the demo evaluator cannot see the contract it evaluated: %v", err)
	}

	views, err := svc.Compliance(ctx, principal(t, svc, "county"), value.Date{}, station.Window{})
	if err != nil {
		t.Fatal(err)
	}
	if len(views) != 3 {
		t.Fatalf("%d stations judged, want 3", len(views))
	}
	var failing []string
	for _, v := range views {
		for _, f := range v.Failing {
			failing = append(failing, v.Name+": "+f.Rule)
		}
	}
	if len(failing) != 1 || !strings.HasSuffix(failing[0], station.RuleSiteArea) {
		t.Errorf("failing five-haves rules: %v, want only %s at one station", failing, station.RuleSiteArea)
	}
}
