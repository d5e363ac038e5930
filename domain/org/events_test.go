package org_test

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
	"casework/domain/org"
	"casework/domain/value"
)

var update = flag.Bool("update", false, "rewrite golden files")

// samples holds one realistic payload per event type.
func samples() []domain.Payload {
	county := uuid.MustParse("0195f3a0-7c1e-7d2a-9b40-3c5d6e7f8a02")
	return []domain.Payload{
		org.OrgUnitRegistered{
			ID:                           uuid.MustParse("0195f3a0-7c1e-7d2a-9b40-3c5d6e7f8a11"),
			Kind:                         org.KindContractor,
			Name:                         "江安县邻里亲社会工作服务中心",
			ParentID:                     &county,
			CreditCode:                   ptr(value.MustParseCreditCode("52511523MJQ12345X0")),
			CreditCodeCheckDigitMismatch: true,
		},
		org.OrgUnitRenamed{Name: "江安县邻里亲社会工作发展中心"},
		org.OrgUnitClosed{Reason: "服务协议期满，机构注销登记"},
	}
}

func TestEvents_Golden(t *testing.T) {
	r := domain.NewRegistry()
	org.RegisterEvents(r)
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
