package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"casework/api/apitest"
	"casework/cmd/casework/internal/demo"
	"casework/domain/casefile"
	"casework/domain/catalog"
	"casework/domain/referral"
	"casework/domain/value"
	"casework/eventstore"
	"casework/eventstore/pii"
)

func login(tb testing.TB, n *node, username string) string {
	tb.Helper()
	code, body := n.do(tb, http.MethodPost, "/api/v1/auth/token", "", map[string]string{"username": username, "password": demo.Password})
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if code != http.StatusOK || json.Unmarshal(body, &tok) != nil {
		tb.Fatalf("login %s: %d %s", username, code, body)
	}
	return tok.AccessToken
}

// plainValues opens every case and referral event of the data directory
// with its key and returns the sensitive string values they hold, and the
// case IDs.
func plainValues(tb testing.TB, dir string) (values []string, cases []uuid.UUID) {
	tb.Helper()
	ctx := context.Background()
	cfg := demoConfig(dir)
	dd, err := openDataDir(ctx, cfg, cfg.logger(io.Discard), nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer dd.Close()
	sl := pii.NewSealer(catalog.Registry(), dd.Keys)
	seen := map[string]bool{}
	// Words that occur outside sensitive fields too (a programme's name)
	// are public, not personal.
	public := map[string]bool{}
	for ev, err := range dd.Store.ReadAll(ctx, 0, eventstore.Filter{}) {
		if err != nil {
			tb.Fatal(err)
		}
		if ev.Type == casefile.EventCaseOpened {
			_, id, _ := eventstore.ParseStreamName(ev.Stream)
			cases = append(cases, id)
		}
		o, err := sl.Open(ctx, &ev, pii.Display)
		if err != nil {
			tb.Fatal(err)
		}
		var doc, rest any
		if err := json.Unmarshal(o.Data, &doc); err != nil {
			tb.Fatal(err)
		}
		stripped, err := pii.Strip(o.Data, sl.Sensitive(ev.Type))
		if err != nil {
			tb.Fatal(err)
		}
		if err := json.Unmarshal(stripped, &rest); err != nil {
			tb.Fatal(err)
		}
		for _, v := range leaves(rest, nil) {
			public[v] = true
		}
		if c := eventstore.Category(ev.Stream); c != casefile.Category && c != referral.Category {
			continue
		}
		for _, p := range sl.Sensitive(ev.Type) {
			for _, v := range leaves(doc, strings.Split(p, ".")) {
				if len([]rune(v)) >= 2 && !seen[v] {
					seen[v] = true
					values = append(values, v)
				}
			}
		}
	}
	return slices.DeleteFunc(values, func(v string) bool {
		for p := range public {
			if strings.Contains(p, v) {
				return true
			}
		}
		return false
	}), cases
}

// leaves returns the string leaves under path ("members[]", "income") in doc.
func leaves(doc any, path []string) []string {
	if len(path) == 0 {
		var out []string
		var walk func(any)
		walk = func(x any) {
			switch x := x.(type) {
			case string:
				out = append(out, x)
			case []any:
				for _, e := range x {
					walk(e)
				}
			case map[string]any:
				for k, e := range x {
					if k != "kind" && k != "period" && k != "relation" { // vocabulary, not personal
						walk(e)
					}
				}
			}
		}
		walk(doc)
		return out
	}
	m, ok := doc.(map[string]any)
	if !ok {
		return nil
	}
	name := strings.TrimRight(path[0], "[]{}")
	child := m[name]
	if strings.HasSuffix(path[0], "[]") {
		var out []string
		arr, _ := child.([]any)
		for _, e := range arr {
			out = append(out, leaves(e, path[1:])...)
		}
		return out
	}
	return leaves(child, path[1:])
}

// TestServe_DemoDataDir_NoPlaintextPersonalData seeds the demo under each
// crypto suite, reads every case (and its history) as the social worker
// so that decrypted values pass through the server and its debug log, sends
// a bad request carrying a resident ID number, and then scans every file
// of the data directory (events, WAL, key store, log).
func TestServe_DemoDataDir_NoPlaintextPersonalData(t *testing.T) {
	for _, suite := range []string{"intl", "gm"} {
		t.Run(suite, func(t *testing.T) {
			dir := t.TempDir()
			logf, err := os.Create(filepath.Join(dir, "casework.log"))
			if err != nil {
				t.Fatal(err)
			}
			defer logf.Close()
			cfg := demoConfig(dir)
			cfg.CryptoSuite, cfg.LogLevel, cfg.LogFormat = suite, "debug", "json"
			n := startNodeLog(t, cfg, logf) // seeds the demo
			n.stop(t)

			values, cases := plainValues(t, dir)
			if len(values) < 40 || len(cases) != 40 {
				t.Fatalf("the demo should hold 40 cases with personal data; found %d cases, %d values", len(cases), len(values))
			}
			var ids int
			for _, v := range values {
				if _, err := value.ParseResidentID(v); err == nil {
					ids++
				}
			}
			if ids < 20 {
				t.Fatalf("only %d valid resident ID numbers among the demo's values: the scan would prove little", ids)
			}

			n = startNodeLog(t, cfg, logf)
			worker := login(t, n, "worker")
			shown := 0
			for _, id := range cases {
				code, body := n.do(t, http.MethodGet, "/api/v1/cases/"+id.String(), worker, nil)
				if code == http.StatusOK && bytes.Contains(body, []byte(`"state":"shown"`)) {
					shown++
				}
				n.do(t, http.MethodGet, "/api/v1/cases/"+id.String()+"/history", worker, nil)
			}
			if shown == 0 {
				t.Fatal("the worker saw no case with its personal data: the reads did not exercise decryption")
			}
			id := slices.IndexFunc(values, func(v string) bool { _, err := value.ParseResidentID(v); return err == nil })
			code, body := n.do(t, http.MethodPost, "/api/v1/cases", worker, map[string]any{
				"source": "walk_in", "domain": "social_assistance",
				"client":    map[string]any{"name": values[0], "resident_id": values[id], "gender": "female", "phone": "not a phone"},
				"household": map[string]any{"county": "330112", "size": 2},
			})
			if code < 400 || code >= 500 || bytes.Contains(body, []byte(values[id])) || bytes.Contains(body, []byte(values[0])) {
				t.Fatalf("bad intake: %d %s (must be a 4xx that echoes no personal value)", code, body)
			}
			n.stop(t)
			logf.Sync()
			if fi, _ := logf.Stat(); fi.Size() == 0 {
				t.Fatal("the debug log is empty: nothing was scanned")
			}
			apitest.ScanForPlaintext(t, dir, values)
		})
	}
}
