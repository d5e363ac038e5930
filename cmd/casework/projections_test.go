package main

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"casework/eventstore/sqlite"
	"casework/projections/all"
)

// statusRow is one projection's line of `casework projections status`.
type statusRow struct {
	version, gen  int
	state         string
	position, lag uint64
	failure       string
}

// parseStatus reads the table `projections status` and `rebuild` print,
// and the log head under it.
func parseStatus(tb testing.TB, out string) (map[string]statusRow, uint64) {
	tb.Helper()
	rows := map[string]statusRow{}
	var head uint64
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 3 && f[0] == "log" && f[1] == "head":
			head, _ = strconv.ParseUint(f[2], 10, 64)
		case len(f) >= 6 && f[0] != "projection":
			v, err1 := strconv.Atoi(f[1])
			g, err2 := strconv.Atoi(f[2])
			p, err3 := strconv.ParseUint(f[4], 10, 64)
			l, err4 := strconv.ParseUint(f[5], 10, 64)
			if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
				continue // the progress line
			}
			rows[f[0]] = statusRow{version: v, gen: g, state: f[3], position: p, lag: l, failure: strings.Join(f[6:], " ")}
		}
	}
	if head == 0 {
		tb.Fatalf("no log head in\n%s", out)
	}
	return rows, head
}

// The operator's projection commands on the demo data: status before any
// build shows the whole log as lag; rebuild catches every projection up
// with a progress line; rebuilding one projection moves it alone to a new
// generation; an unknown name is refused with the known ones.
func TestProjectionsCLI_StatusAndRebuild_OnDemoData(t *testing.T) {
	dir, _, _, _ := demoData(t)
	data := "--data=" + dir
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "events.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	logHead, err := st.Head(context.Background())
	st.Close()
	if err != nil || logHead == 0 {
		t.Fatalf("demo head %d: %v", logHead, err)
	}

	out, err := runCLI(t, "projections", "status", data)
	if err != nil {
		t.Fatalf("status: %v\n%s", err, out)
	}
	rows, head := parseStatus(t, out)
	if head != logHead || len(rows) != len(all.Names()) {
		t.Fatalf("status before a build: head %d (log %d), %d projections\n%s", head, logHead, len(rows), out)
	}
	for name, r := range rows {
		if r.position+r.lag != head || r.position == head {
			t.Errorf("%s before a build: position %d, lag %d, head %d", name, r.position, r.lag, head)
		}
	}

	out, err = runCLI(t, "projections", "rebuild", data)
	if err != nil {
		t.Fatalf("rebuild: %v\n%s", err, out)
	}
	if !strings.Contains(out, "events/s") {
		t.Errorf("rebuild printed no progress (events/s):\n%s", out)
	}
	built, _ := parseStatus(t, out)
	for _, name := range all.Names() {
		r, ok := built[name]
		if !ok || r.position != head || r.lag != 0 || r.state != "serving" || r.failure != "" {
			t.Errorf("%s after rebuild: %+v, want serving at %d", name, r, head)
		}
	}

	out, err = runCLI(t, "projections", "rebuild", "caseload", data)
	if err != nil {
		t.Fatalf("rebuild caseload: %v\n%s", err, out)
	}
	again, _ := parseStatus(t, out)
	for _, name := range all.Names() {
		want := built[name].gen
		if name == "caseload" {
			want++
		}
		if r := again[name]; r.gen != want || r.position != head {
			t.Errorf("%s after rebuilding caseload alone: generation %d at %d, want %d at %d", name, r.gen, r.position, want, head)
		}
	}

	out, err = runCLI(t, "projections", "status", data)
	if now, _ := parseStatus(t, out); err != nil || now["caseload"] != again["caseload"] {
		t.Fatalf("status after the rebuild: %v\n%s", err, out)
	}

	out, err = runCLI(t, "projections", "rebuild", "caseloads", data)
	if err == nil || !strings.Contains(err.Error(), "caseload") || !strings.Contains(err.Error(), "audit") {
		t.Fatalf("an unknown projection: %v\n%s, want an error listing the known ones", err, out)
	}
}
