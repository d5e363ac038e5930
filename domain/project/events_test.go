package project_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/project"
	"casework/domain/value"
)

var update = flag.Bool("update", false, "rewrite golden files")

// samples holds one realistic payload per event type.
func samples() []domain.Payload {
	contract := uuid.MustParse("0195f3a0-7c1e-7d2a-9b40-3c5d6e7f8c03")
	return []domain.Payload{
		project.ProjectProposed{
			ProjectID:  uuid.MustParse("0195f3a0-7c1e-7d2a-9b40-3c5d6e7f8c01"),
			StationID:  uuid.MustParse("0195f3a0-7c1e-7d2a-9b40-3c5d6e7f8c02"),
			ContractID: &contract, Title: "老年厨房：留守老人助餐服务", Domain: domain.ElderlyCare,
			ProposedOn: value.MustParseDate("2022-01-10"),
		},
		project.ProjectStageCompleted{Stage: project.StageNeedsCollection, CompletedOn: value.MustParseDate("2022-01-28"),
			Summary: "入户走访86户，收集助餐需求问卷72份"},
		project.ProjectFunded{Amount: value.Fen(30000000), Source: "县民政局、爱心企业及社区微基金整合资金", FundedOn: value.MustParseDate("2022-03-15")},
		project.ProjectClosed{Outcome: project.OutcomeCompleted, ClosedOn: value.MustParseDate("2022-12-30")},
	}
}

func TestEvents_Golden(t *testing.T) {
	r := domain.NewRegistry()
	project.RegisterEvents(r)
	seen := map[string]bool{}
	for _, p := range samples() {
		name, schema, data, err := r.Encode(p)
		if err != nil {
			t.Fatal(err)
		}
		seen[name] = true
		var buf bytes.Buffer
		if err := json.Indent(&buf, data, "", "  "); err != nil {
			t.Fatal(err)
		}
		buf.WriteByte('\n')
		path := filepath.Join("testdata", "events", name+".json")
		if *update {
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v (run with -update)", name, err)
		}
		if diff := cmp.Diff(string(want), buf.String()); diff != "" {
			t.Errorf("%s encoding drifted from its golden file (-golden +now):\n%s", name, diff)
		}
		got, err := r.Decode(name, schema, want)
		if err != nil {
			t.Fatalf("decode golden %s: %v", name, err)
		}
		if diff := cmp.Diff(p, got, exported); diff != "" {
			t.Errorf("%s does not round-trip:\n%s", name, diff)
		}
	}
	for _, n := range r.Names() {
		if !seen[n] {
			t.Errorf("event %s has no sample and golden file", n)
		}
	}
	if len(seen) != len(r.Names()) {
		t.Errorf("samples cover %d types, registry holds %d", len(seen), len(r.Names()))
	}
}
