package casefile_test

import (
	"encoding/json"
	"testing"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/casefile"
)

func TestCase_Open_Rules(t *testing.T) {
	tests := []struct {
		name  string
		actor domain.Actor
		id    uuid.UUID
		edit  func(in *casefile.OpenInput)
		rule  string
	}{
		{name: "valid help request", edit: func(*casefile.OpenInput) {}},
		{name: "supervisor may open", actor: supervisor, edit: func(in *casefile.OpenInput) { in.WorkerID = worker.ID }},
		{name: "no ID number, birth date given", edit: func(in *casefile.OpenInput) {
			in.Client.ResidentID, in.Client.BirthDate, in.Client.Gender = "", date("1965-05-12"), "female"
		}},
		{name: "auditor refused", actor: auditor, rule: "case.record.role"},
		{name: "nil id", id: uuid.Nil, rule: "case.open.id"},
		{name: "unknown source", edit: func(in *casefile.OpenInput) { in.Source = "phone" }, rule: "case.open.source"},
		{name: "referral without referrer", edit: func(in *casefile.OpenInput) { in.Source = casefile.SourceReferralIn }, rule: "case.open.referred_by"},
		{name: "referral with referrer", edit: func(in *casefile.OpenInput) {
			in.Source, in.ReferredBy = casefile.SourceReferralIn, "成华区慈善会"
		}},
		{name: "no name", edit: func(in *casefile.OpenInput) { in.Client.Name = " " }, rule: "case.open.client_name"},
		{name: "15-digit ID", edit: func(in *casefile.OpenInput) { in.Client.ResidentID = "510108650512002" }, rule: "value.resident_id.legacy_15_digit"},
		{name: "ID check digit", edit: func(in *casefile.OpenInput) { in.Client.ResidentID = "510108196505120021" }, rule: "value.resident_id.check_digit"},
		{name: "no birth date, no ID", edit: func(in *casefile.OpenInput) { in.Client.ResidentID, in.Client.Gender = "", "female" }, rule: "case.open.birth_date"},
		{name: "birth date in the future", edit: func(in *casefile.OpenInput) {
			in.Client.ResidentID, in.Client.Gender, in.Client.BirthDate = "", "female", date("2025-06-11")
		}, rule: "case.open.birth_date"},
		{name: "birth date differs from ID", edit: func(in *casefile.OpenInput) { in.Client.BirthDate = date("1965-05-13") }, rule: "case.open.birth_date_matches_id"},
		{name: "gender differs from ID", edit: func(in *casefile.OpenInput) { in.Client.Gender = "male" }, rule: "case.open.gender_matches_id"},
		{name: "unknown gender", edit: func(in *casefile.OpenInput) {
			in.Client.ResidentID, in.Client.Gender, in.Client.BirthDate = "", "x", date("1965-05-12")
		}, rule: "case.open.gender"},
		{name: "city instead of county", edit: func(in *casefile.OpenInput) { in.Household.County = "510100" }, rule: "case.open.household_county"},
		{name: "bad county", edit: func(in *casefile.OpenInput) { in.Household.County = "99010" }, rule: "case.open.household_county"},
		{name: "empty household", edit: func(in *casefile.OpenInput) { in.Household.Size = 0 }, rule: "case.open.household_size"},
		{name: "unknown domain", edit: func(in *casefile.OpenInput) { in.Domain = "housing" }, rule: "case.open.domain"},
		{name: "no station", actor: domain.Actor{ID: "acc-x", Role: domain.RoleSocialWorker}, rule: "case.open.station"},
		{name: "supervisor names no worker", actor: supervisor, rule: "case.open.worker"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validOpen()
			if tt.edit != nil {
				tt.edit(&in)
			}
			a := tt.actor
			if a.Role == "" {
				a = worker
			}
			id := caseID
			if tt.name == "nil id" {
				id = tt.id
			}
			ps, err := casefile.Open(cmdBy(a), id, in)
			wantRule(t, ps, err, tt.rule)
		})
	}
}

func TestCase_Open_DerivesFromResidentID(t *testing.T) {
	h := opened(t)
	c := h.s.Client
	if c.BirthDate != date("1965-05-12") || c.Gender != "female" || c.Minor || c.Name != "张秀兰" || c.MinorName != "" {
		t.Fatalf("client = %+v", c)
	}
	if h.s.StationID != worker.OrgUnit || h.s.WorkerID != worker.ID || h.s.Stage() != casefile.StageIntake {
		t.Fatalf("station %q worker %q stage %q", h.s.StationID, h.s.WorkerID, h.s.Stage())
	}
	if h.s.OpenedOn != date("2025-06-10") || h.s.Household.County != county {
		t.Fatalf("opened on %v county %v", h.s.OpenedOn, h.s.Household.County)
	}
}

func TestCase_Open_MinorNameTaggedMinor(t *testing.T) {
	in := validOpen()
	in.Client = casefile.ClientInput{Name: "王小明", ResidentID: "510108201503150025", Circumstances: "父母外出务工，留守儿童"}
	ps, err := casefile.Open(cmdBy(worker), caseID, in)
	if err != nil {
		t.Fatal(err)
	}
	c := ps[0].(casefile.CaseOpened).Client
	if !c.Minor || c.MinorName != "王小明" || c.Name != "" || c.MinorCircumstances == "" || c.Circumstances != "" {
		t.Fatalf("minor client = %+v", c)
	}
	if c.DisplayName() != "王小明" || c.Gender != "female" {
		t.Fatalf("display %q gender %q", c.DisplayName(), c.Gender)
	}
	// Turning 18 the day after intake is still a minor at intake.
	in.Client = casefile.ClientInput{Name: "刘洋", BirthDate: date("2007-06-11"), Gender: "male"}
	ps, _ = casefile.Open(cmdBy(worker), caseID, in)
	if !ps[0].(casefile.CaseOpened).Client.Minor {
		t.Fatal("17-year-old not a minor")
	}
	in.Client.BirthDate = date("2007-06-10")
	ps, _ = casefile.Open(cmdBy(worker), caseID, in)
	if ps[0].(casefile.CaseOpened).Client.Minor {
		t.Fatal("18th birthday still a minor")
	}
}

func TestCase_Open_ReportsAllViolations(t *testing.T) {
	in := validOpen()
	in.Source, in.Domain, in.Household.Size = "", "", 0
	_, err := casefile.Open(cmdBy(worker), caseID, in)
	wantKind(t, err, domain.KindInvalid)
	if got := rules(err); len(got) != 3 {
		t.Fatalf("rules = %v, want three", got)
	}
	var re *domain.Error
	for _, e := range domain.RuleErrors(err) {
		if e.Rule == "case.open.household_size" {
			re = e
		}
	}
	if re == nil || re.Field != "household.size" {
		t.Fatalf("household size violation = %+v", re)
	}
}

func TestCase_Open_ResidentIDFieldPath(t *testing.T) {
	in := validOpen()
	in.Client.ResidentID = "51010819650512002"
	_, err := casefile.Open(cmdBy(worker), caseID, in)
	es := domain.RuleErrors(err)
	if len(es) == 0 || es[0].Rule != "value.resident_id.length" || es[0].Field != "client.resident_id" {
		t.Fatalf("errors = %v", es)
	}
}

func TestCase_Open_NewClientIsTheCase(t *testing.T) {
	h := opened(t)
	if h.s.ClientID != caseID {
		t.Fatalf("client id = %v, want the case's id %v", h.s.ClientID, caseID)
	}
}

func TestCase_Open_KnownClientKeepsItsID(t *testing.T) {
	in := validOpen()
	in.ClientID = clientID
	ps, err := casefile.Open(cmdBy(worker), caseID, in)
	if err != nil {
		t.Fatal(err)
	}
	if got := ps[0].(casefile.CaseOpened); got.ClientID != clientID || got.CaseID != caseID {
		t.Fatalf("case %v client %v", got.CaseID, got.ClientID)
	}
	h := &history{}
	h.apply(worker, ps)
	if h.s.ClientID != clientID || h.s.ID != caseID {
		t.Fatalf("state: case %v client %v", h.s.ID, h.s.ClientID)
	}
}

func TestOpenInput_ClientIDNeverFromJSON(t *testing.T) {
	var in casefile.OpenInput
	body := `{"source":"help_request","client_id":"` + clientID.String() + `","ClientID":"` + clientID.String() + `"}`
	if err := json.Unmarshal([]byte(body), &in); err != nil {
		t.Fatal(err)
	}
	if in.ClientID != uuid.Nil {
		t.Fatalf("client id %v taken from request JSON", in.ClientID)
	}
}
