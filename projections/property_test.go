package projections_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"casework/domain/value"
	"casework/projections"
	"casework/projections/all"
	"casework/projections/audittrail"
	"casework/projections/projtest"
)

// drawn is a source of choices drawn by rapid, so that a failing history
// shrinks towards fewer cases, fewer steps and the first of each choice.
type drawn struct {
	t     *rapid.T
	label string
}

// Uint64 spreads rapid's draws, which lean towards small numbers, over
// the whole range (the multiplier is odd, so every value still comes up
// and zero stays zero, the choice rapid shrinks to).
func (d drawn) Uint64() uint64 {
	return rapid.Uint64().Draw(d.t, d.label) * 0x9E3779B97F4A7C15
}

// fewerChecks makes rapid run n checks instead of its default 100 for
// the rest of the test, unless -rapid.checks was given: under the race
// detector the SQLite driver runs several times slower.
func fewerChecks(t *testing.T, n int) {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "rapid.checks" })
	f := flag.Lookup("rapid.checks")
	if set || f == nil {
		return
	}
	old := f.Value.String()
	if err := f.Value.Set(strconv.Itoa(n)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Value.Set(old) })
}

// For random histories walked through the domain's commands, arriving in
// parts while the runner runs, with small and varied batches and caches,
// every projection fed live holds exactly what a rebuild from scratch
// holds.
func TestProperty_LiveEqualsRebuild(t *testing.T) {
	if raceDetector {
		fewerChecks(t, 20)
	}
	defs, names := all.Defs(), all.Names()
	kinds := map[string]bool{}
	rapid.Check(t, func(rt *rapid.T) {
		dir, err := os.MkdirTemp("", "casework-property-")
		if err != nil {
			rt.Fatal(err)
		}
		rt.Cleanup(func() { os.RemoveAll(dir) })
		store := projtest.OpenStore(rt, dir)
		// Every cache capped low makes the builds drop and write states
		// back all along; zero is the default cap.
		projections.SetCacheCap(rapid.SampledFrom([]int{1, 3, 8, 0}).Draw(rt, "cache_cap"))
		rt.Cleanup(func() { projections.SetCacheCap(0) })
		live := projtest.Start(rt, projtest.OpenViews(rt, filepath.Join(dir, "live.db")), store, defs, projections.Options{
			MaxBatch: rapid.IntRange(1, 300).Draw(rt, "max_batch"), BuildBatch: rapid.IntRange(1, 500).Draw(rt, "build_batch")})
		parts := rapid.IntRange(1, 3).Draw(rt, "parts")
		for p := range parts {
			projtest.Generate(rt, store, projtest.Options{
				Counties:          rapid.IntRange(1, 2).Draw(rt, "counties"),
				StationsPerCounty: rapid.IntRange(1, 2).Draw(rt, "stations"),
				Cases:             rapid.IntRange(1, 12).Draw(rt, "cases"),
				Seed:              uint64(p + 1),
				Start:             value.MustParseDate("2025-01-06").AddDays(rapid.IntRange(0, 400).Draw(rt, "start")),
				Choices:           drawn{rt, fmt.Sprintf("part%d", p)},
			})
			if rapid.Bool().Draw(rt, "catch_up") {
				projtest.WaitHead(rt, live, store, names...)
			}
		}
		projtest.WaitHead(rt, live, store, names...)

		fresh := projtest.Start(rt, projtest.OpenViews(rt, filepath.Join(dir, "fresh.db")), store, defs, projections.Options{})
		projtest.WaitHead(rt, fresh, store, names...)
		for _, n := range names {
			if a, b := projtest.Dump(rt, live, n), projtest.Dump(rt, fresh, n); a != b {
				rt.Fatalf("%s: live and rebuilt read models differ:\n%s\n---\n%s", n, a, b)
			}
		}
		for _, k := range []string{"CaseReopened", "CaseArchived", "CaseReassigned", "ApprovalRejected",
			"ReferralRejected", "ReferralOnHold", "ReferralCompleted", "ReferralFailed", "ReferralCancelled"} {
			if strings.Contains(projtest.Dump(rt, live, audittrail.Name), k) {
				kinds[k] = true
			}
		}
	})
	t.Logf("event types seen: %d of 9 rarer kinds: %v", len(kinds), kinds)
}
