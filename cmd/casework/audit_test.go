package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"casework/api/ocds/ocdstest"
	"casework/cmd/casework/internal/demo"
	"casework/domain/casefile"
	"casework/domain/contract"
	"casework/eventstore"
	"casework/eventstore/pii"
	"casework/eventstore/sqlite"
)

// demoData seeds the demo dataset into a data directory and returns it
// with the demo contract's stream and the first case stream whose intake
// holds sensitive values, and those values.
func demoData(tb testing.TB) (dir, contractStream, caseStream string, secrets []string) {
	tb.Helper()
	ctx := context.Background()
	dir = tb.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "events.db"), sqlite.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	stds, err := loadStandards("")
	if err != nil {
		tb.Fatal(err)
	}
	master, err := loadKey("master key", filepath.Join(dir, "master.key"))
	if err != nil {
		tb.Fatal(err)
	}
	keys, err := pii.OpenKeyStore(ctx, filepath.Join(dir, "keys.db"), pii.KeyStoreOptions{Master: master})
	if err != nil {
		tb.Fatal(err)
	}
	defer keys.Close()
	if _, err := demo.Seed(ctx, st, demo.Options{Standards: func() []casefile.MinimumLivingStandard { return stds }, Keys: keys}); err != nil {
		tb.Fatal(err)
	}
	for ev, err := range st.ReadAll(ctx, 0, eventstore.Filter{Categories: []string{contract.Category, casefile.Category}}) {
		if err != nil {
			tb.Fatal(err)
		}
		switch {
		case ev.Type == contract.EventProcurementOpened && contractStream == "":
			contractStream = ev.Stream
		case ev.Type == casefile.EventCaseOpened && caseStream == "":
			var opened struct {
				Client struct {
					Name       string `json:"name"`
					ResidentID string `json:"resident_id"`
					Phone      string `json:"phone"`
				} `json:"client"`
			}
			if err := json.Unmarshal(ev.Data, &opened); err != nil {
				tb.Fatal(err)
			}
			c := opened.Client
			if c.Name != "" && c.ResidentID != "" {
				caseStream, secrets = ev.Stream, []string{c.Name, c.ResidentID}
				if c.Phone != "" {
					secrets = append(secrets, c.Phone)
				}
			}
		}
	}
	if contractStream == "" || caseStream == "" {
		tb.Fatalf("demo data without a contract (%q) or a case with a named client (%q)", contractStream, caseStream)
	}
	return dir, contractStream, caseStream, secrets
}

// runCLI runs the binary's command line in process.
func runCLI(tb testing.TB, args ...string) (string, error) {
	tb.Helper()
	root := newRootCmd(func(string) (string, bool) { return "", false }, nil)
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	return out.String() + errOut.String(), err
}

func TestAuditCLI_ReplayVerifyExport_OnDemoData(t *testing.T) {
	dir, contractStream, caseStream, secrets := demoData(t)
	data := "--data=" + dir

	t.Run("verify clean", func(t *testing.T) {
		out, err := runCLI(t, "audit", "verify", data)
		if err != nil || !strings.Contains(out, "ok: every chain verifies") {
			t.Fatalf("verify: %v\n%s", err, out)
		}
	})

	t.Run("replay contract", func(t *testing.T) {
		out, err := runCLI(t, "audit", "replay", contractStream, data)
		if err != nil {
			t.Fatalf("replay: %v\n%s", err, out)
		}
		for _, want := range []string{"#0 ProcurementOpened", "#1 ContractAwarded", "EvaluationRecorded", "ContractRenewed",
			`+ phase: "procurement"`, `~ phase: "procurement" → "awarded"`, `"submitted_late"`} {
			if !strings.Contains(out, want) {
				t.Errorf("replay lacks %q", want)
			}
		}
		out, err = runCLI(t, "audit", "replay", contractStream, data, "--to-revision", "2")
		if err != nil || strings.Count(out, "\n#") != 3 || !strings.Contains(out, "#2 AgreementSigned") {
			t.Fatalf("to revision 2: %v\n%s", err, out)
		}
	})

	t.Run("replay case redacts", func(t *testing.T) {
		out, err := runCLI(t, "audit", "replay", caseStream, data)
		if err != nil {
			t.Fatalf("replay: %v\n%s", err, out)
		}
		if !strings.Contains(out, pii.RedactedMarker) {
			t.Errorf("no redaction marker in\n%s", out)
		}
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("replay output holds the sensitive value %q", s)
			}
		}
	})

	t.Run("bad input", func(t *testing.T) {
		for _, args := range [][]string{
			{"audit", "replay", contractStream, data, "--as-of", "yesterday"},
			{"audit", "replay", contractStream, data, "--to-revision", "1", "--as-of", "2026-01-01T00:00:00Z"},
			{"audit", "replay", contractStream, data, "--as-of", "2001-01-01T00:00:00Z"},
			{"audit", "replay", "org-" + strings.TrimPrefix(contractStream, "contract-"), data},
			{"audit", "replay", contractStream, "--data=" + t.TempDir()},
			{"audit", "verify", data, "--stream", "contract-0197a0c0-0000-7000-8000-000000000000"},
			{"audit", "export", "not-a-uuid", data},
		} {
			out, err := runCLI(t, args...)
			if err == nil || exitCode(err) != exitFailed {
				t.Errorf("%v: want exit %d, got %v\n%s", args, exitFailed, err, out)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "..", "events.db")); err == nil {
			t.Error("an audit of an empty directory created a store")
		}
	})

	t.Run("export", func(t *testing.T) {
		out := t.TempDir()
		id := strings.TrimPrefix(contractStream, "contract-")
		msg, err := runCLI(t, "audit", "export", id, data, "--out", out)
		if err != nil {
			t.Fatalf("export: %v\n%s", err, msg)
		}
		lines, err := os.ReadFile(filepath.Join(out, contractStream+".jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for i, l := range bytes.Split(bytes.TrimSpace(lines), []byte("\n")) {
			var ev struct {
				Type     string `json:"type"`
				Revision uint64 `json:"revision"`
				Hash     string `json:"hash"`
			}
			if err := json.Unmarshal(l, &ev); err != nil || ev.Revision != uint64(i) || ev.Hash == "" {
				t.Fatalf("line %d: %v %s", i, err, l)
			}
			n++
		}
		if !strings.HasPrefix(msg, strconv.Itoa(n)+" events") || n < 20 {
			t.Fatalf("%d lines, message %q", n, msg)
		}
		pkg, err := os.ReadFile(filepath.Join(out, contractStream+".ocds.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := ocdstest.Validate(pkg); err != nil {
			t.Fatalf("the demo contract's release package is invalid: %v", err)
		}
		var p struct {
			Releases []struct {
				OCID string   `json:"ocid"`
				Tag  []string `json:"tag"`
			} `json:"releases"`
		}
		if err := json.Unmarshal(pkg, &p); err != nil {
			t.Fatal(err)
		}
		tags := map[string]bool{}
		for _, r := range p.Releases {
			for _, tg := range r.Tag {
				tags[tg] = true
			}
		}
		for _, want := range []string{"planning", "tender", "award", "contract", "implementation"} {
			if !tags[want] {
				t.Errorf("no %s release in the demo contract's package", want)
			}
		}
		if len(p.Releases) != n || p.Releases[0].OCID != "ocds-cswk00-"+id {
			t.Errorf("%d releases for %d events, ocid %s", len(p.Releases), n, p.Releases[0].OCID)
		}
		// The late monthly briefing of year 1 is published as late.
		if !bytes.Contains(pkg, []byte("逾期")) {
			t.Error("no late report in the package")
		}
	})

	t.Run("verify tampered", func(t *testing.T) {
		db, err := sql.Open("sqlite", sqlite.DSN(filepath.Join(dir, "events.db"), false))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		// A disbursement's amount is changed in the file.
		var rev uint64
		var payload []byte
		if err := db.QueryRow(`SELECT revision, data FROM events WHERE stream = ? AND type = ? ORDER BY revision LIMIT 1`,
			contractStream, contract.EventFundsDisbursed).Scan(&rev, &payload); err != nil {
			t.Fatal(err)
		}
		payload = bytes.Replace(payload, []byte(`"amount":10000000`), []byte(`"amount":1000000`), 1)
		if _, err := db.Exec(`UPDATE events SET data = ? WHERE stream = ? AND revision = ?`, payload, contractStream, rev); err != nil {
			t.Fatal(err)
		}
		want := contractStream + " at revision " + strconv.FormatUint(rev, 10)
		for _, args := range [][]string{{"audit", "verify", data}, {"audit", "verify", data, "--stream", contractStream}} {
			out, err := runCLI(t, args...)
			var ee *exitError
			if !errors.As(err, &ee) || exitCode(err) != exitTampered || !strings.Contains(err.Error(), want) {
				t.Fatalf("%v: want exit %d naming %q, got %v\n%s", args, exitTampered, want, err, out)
			}
		}
		// Another stream still verifies on its own.
		if out, err := runCLI(t, "audit", "verify", data, "--stream", caseStream); err != nil {
			t.Fatalf("an intact stream: %v\n%s", err, out)
		}
	})
}
