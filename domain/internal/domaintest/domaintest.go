// Package domaintest holds what the aggregate packages' tests share: the
// golden-file check of event encodings and the bookkeeping that keeps a
// package's rules table, its commands and its tests in step. It is for
// tests only and, like the rest of domain/, imports only the standard
// library and domain packages.
package domaintest

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"casework/domain"
)

// TB is what both *testing.T and *rapid.T offer to helpers.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// Diff compares a sample with what its golden file decodes to and
// describes the difference, "" when they are equal.
type Diff func(want, got domain.Payload) string

// DeepEqual is the Diff of reflect.DeepEqual.
func DeepEqual(want, got domain.Payload) string {
	if reflect.DeepEqual(want, got) {
		return ""
	}
	return fmt.Sprintf("got %#v\nwant %#v", got, want)
}

// Golden checks every sample against testdata/events/<EventType>.json:
// its indented JSON encoding must equal the file (rewritten first when
// update is set), the file must decode back to the sample (compared with
// diff), and every event type register adds must have a sample.
func Golden(t *testing.T, register func(*domain.Registry), samples []domain.Payload, update bool, diff Diff) {
	t.Helper()
	r := domain.NewRegistry()
	register(r)
	seen := map[string]bool{}
	for _, p := range samples {
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
		if update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v (run with -update to create it)", name, err)
		}
		if !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("%s encoding drifted from its golden file:\n got %s\nwant %s", name, buf.Bytes(), want)
			continue
		}
		back, err := r.Decode(name, schema, want)
		if err != nil {
			t.Fatalf("decode golden %s: %v", name, err)
		}
		if d := diff(p, back); d != "" {
			t.Errorf("%s does not round-trip:\n%s", name, d)
		}
	}
	for _, n := range r.Names() {
		if !seen[n] {
			t.Errorf("event %s has no sample and golden file", n)
		}
	}
}

// Rules keeps one package's rules table honest: every rule a command
// returns in the tests must be listed, and (with Main) every listed rule
// must be returned by some test.
type Rules struct {
	prefix string
	table  []domain.RuleInfo
	mu     sync.Mutex
	seen   map[string]bool
}

// NewRules tracks table, whose rule names all start with prefix
// ("station.").
func NewRules(prefix string, table []domain.RuleInfo) *Rules {
	return &Rules{prefix: prefix, table: table, seen: map[string]bool{}}
}

func (b *Rules) listed(name string) bool {
	return slices.ContainsFunc(b.table, func(r domain.RuleInfo) bool { return r.Name == name })
}

// Record notes the rules err carries and fails tb if one is not listed.
func (b *Rules) Record(tb TB, err error) {
	tb.Helper()
	for _, re := range domain.RuleErrors(err) {
		b.mu.Lock()
		b.seen[re.Rule] = true
		b.mu.Unlock()
		if !b.listed(re.Rule) {
			tb.Errorf("rule %s returned by a command but missing from Rules()", re.Rule)
		}
	}
}

// Known fails tb unless err carries at least one rule, all of them listed.
func (b *Rules) Known(tb TB, err error) {
	tb.Helper()
	if len(domain.RuleErrors(err)) == 0 {
		tb.Fatalf("error carries no rule: %v", err)
	}
	b.Record(tb, err)
}

// Want fails tb unless err carries rule with kind k (and only listed rules).
func (b *Rules) Want(tb TB, err error, rule string, k domain.Kind) {
	tb.Helper()
	if err == nil {
		tb.Fatalf("want rule %s, got no error", rule)
	}
	b.Known(tb, err)
	for _, e := range domain.RuleErrors(err) {
		if e.Rule == rule {
			if e.Kind != k {
				tb.Fatalf("rule %s has kind %v, want %v", rule, e.Kind, k)
			}
			return
		}
	}
	tb.Fatalf("want rule %s, got %v", rule, err)
}

// CheckTable fails t when a rule is listed twice, lacks a seed or summary,
// lies outside the prefix, or is not named as a string literal by any
// _test.go file of the package (the working directory).
func (b *Rules) CheckTable(t *testing.T) {
	t.Helper()
	var src strings.Builder
	files, _ := filepath.Glob("*_test.go")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src.Write(data)
	}
	seen := map[string]bool{}
	for _, r := range b.table {
		if seen[r.Name] {
			t.Errorf("rule %s listed twice", r.Name)
		}
		seen[r.Name] = true
		if r.Seed == "" || r.Summary == "" {
			t.Errorf("rule %s lacks seed or summary", r.Name)
		}
		if !strings.HasPrefix(r.Name, b.prefix) {
			t.Errorf("rule %s outside the %s namespace", r.Name, strings.TrimSuffix(b.prefix, "."))
		}
		if !strings.Contains(src.String(), `"`+r.Name+`"`) {
			t.Errorf("rule %s is not asserted by any test", r.Name)
		}
	}
}

// Unseen lists, in table order, the rules no recorded error carried.
func (b *Rules) Unseen() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, r := range b.table {
		if !b.seen[r.Name] {
			out = append(out, r.Name)
		}
	}
	return out
}

// Main runs the package's tests and, after a full run (no -run filter,
// not -short), fails when a listed rule was never returned by a test, so
// that no rule in the table goes untested. Use it as
// os.Exit(rules.Main(m)) in TestMain.
func (b *Rules) Main(m *testing.M) int {
	code := m.Run()
	if f := flag.Lookup("test.run"); code == 0 && !testing.Short() && (f == nil || f.Value.String() == "") {
		for _, n := range b.Unseen() {
			fmt.Fprintf(os.Stderr, "rule %s is listed in Rules() but no test saw a command return it\n", n)
			code = 1
		}
	}
	return code
}
