package projections_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"casework/domain/catalog"
	"casework/projections"
	"casework/projections/all"
	"casework/projections/projtest"
)

// TestCrashHelper is the child process of the crash test: it runs the
// projections over the data dir in CASEWORK_CRASH_DIR and kills itself
// (SIGKILL, no cleanup) in the middle of the batch holding position
// CASEWORK_CRASH_AT.
func TestCrashHelper(t *testing.T) {
	dir := os.Getenv("CASEWORK_CRASH_DIR")
	if dir == "" {
		t.Skip("child process of TestRunner_KilledMidBatch_ResumesExactlyOnce")
	}
	at, _ := strconv.ParseUint(os.Getenv("CASEWORK_CRASH_AT"), 10, 64)
	store := projtest.OpenStore(t, dir)
	db := projtest.OpenViews(t, filepath.Join(dir, "views.db"))
	var opts projections.Options
	opts.MaxBatch = 100
	projections.SetAfterApply(&opts, func(pos uint64) {
		if pos == at {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			time.Sleep(time.Minute)
		}
	})
	r, err := projections.Open(context.Background(), db, store, catalog.Registry(), all.Defs(), opts)
	if err != nil {
		t.Fatal(err)
	}
	_ = r.Run(context.Background())
}

func TestRunner_KilledMidBatch_ResumesExactlyOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	dir := t.TempDir()
	store := projtest.OpenStore(t, dir)
	projtest.Generate(t, store, projtest.Options{Cases: 60})
	head, _ := store.Head(context.Background())
	// Kill twice, at different points of a batch.
	for _, at := range []uint64{head / 3, head * 2 / 3} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$", "-test.count=1")
		cmd.Env = append(os.Environ(), "CASEWORK_CRASH_DIR="+dir, "CASEWORK_CRASH_AT="+strconv.FormatUint(at, 10))
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("child at %d: %v\n%s", at, err, out)
		}
	}
	db := projtest.OpenViews(t, filepath.Join(dir, "views.db"))
	var pos uint64
	if err := db.Read().QueryRow(`SELECT position FROM projection_state WHERE name = 'caseload'`).Scan(&pos); err != nil {
		t.Fatal(err)
	}
	if pos == 0 || pos >= head*2/3 {
		t.Fatalf("checkpoint after the crashes is %d: the kill was not mid-way (head %d)", pos, head)
	}
	r := projtest.Start(t, db, store, all.Defs(), projections.Options{})
	projtest.WaitHead(t, r, store, all.Names()...)
	fresh := projtest.Start(t, projtest.OpenViews(t, filepath.Join(dir, "fresh.db")), store, all.Defs(), projections.Options{})
	projtest.WaitHead(t, fresh, store, all.Names()...)
	for _, n := range all.Names() {
		if a, b := projtest.Dump(t, r, n), projtest.Dump(t, fresh, n); a != b {
			t.Errorf("%s after two crashes differs from a fresh rebuild", n)
		}
	}
}
