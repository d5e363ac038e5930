package sqlite_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"casework/eventstore"
	"casework/eventstore/sqlite"
)

const crashChildEnv = "CASEWORK_CRASH_CHILD"

func TestMain(m *testing.M) {
	if path := os.Getenv(crashChildEnv); path != "" {
		crashChild(path)
		return
	}
	os.Exit(m.Run())
}

// crashData is the data of the event with id: the parent recomputes it to
// check that what was acknowledged is stored byte for byte.
func crashData(id uuid.UUID) []byte {
	sum := sha256.Sum256(id[:])
	pad := strings.Repeat(hex.EncodeToString(sum[:]), 1+int(sum[0]%8))
	b, _ := json.Marshal(map[string]string{"id": id.String(), "note": "崩溃测试", "pad": pad})
	return b
}

// crashChild appends from 16 goroutines until it is killed, printing
// "<id> <stream> <revision>" for every acknowledged event.
func crashChild(path string) {
	// The parent verifies after each kill; the child need not do it again.
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{Verify: sqlite.VerifyNone})
	if err != nil {
		fmt.Fprintln(os.Stderr, "open:", err)
		os.Exit(2)
	}
	var mu sync.Mutex
	out := bufio.NewWriter(os.Stdout)
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stream := eventstore.StreamName("case", uuid.Must(uuid.NewV7()))
			exp := eventstore.NoStream
			for {
				n := 1 + rand.IntN(3)
				evs := make([]eventstore.EventData, n)
				for i := range evs {
					id := uuid.Must(uuid.NewV7())
					evs[i] = eventstore.EventData{ID: id, Type: "ServiceDelivered", Data: crashData(id),
						Metadata: eventstore.Metadata{Actor: "crash", Role: "social_worker", Schema: 1,
							OccurredAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}}
				}
				res, err := s.Append(context.Background(), stream, exp, evs...)
				if err != nil {
					fmt.Fprintln(os.Stderr, "append:", err)
					os.Exit(3)
				}
				mu.Lock()
				for i, e := range evs {
					fmt.Fprintf(out, "%s %s %d\n", e.ID, stream, res.FirstRevision+uint64(i))
				}
				out.Flush()
				mu.Unlock()
				exp = eventstore.Exact(res.LastRevision)
			}
		}()
	}
	wg.Wait()
}

type ack struct {
	stream string
	rev    uint64
}

// A child process appends from 16 goroutines and is SIGKILLed at random
// moments; after each kill every acknowledged event must be there, byte for
// byte, with contiguous positions, verifying chains and a sound file.
func TestCrash_AcknowledgedAppendsSurviveKill(t *testing.T) {
	rounds := 50
	if testing.Short() {
		rounds = 5
	}
	dir := t.TempDir()
	var path string
	var acked map[uuid.UUID]ack
	total := 0
	for round := range rounds {
		// Every file goes through ten kills and reopens; a fresh one then
		// keeps the run's time linear.
		if round%10 == 0 {
			total += len(acked)
			path = filepath.Join(dir, fmt.Sprintf("events-%d.db", round))
			acked = map[uuid.UUID]ack{}
		}
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string, 1024)
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		// Kill only once the child acknowledges appends, at a random moment.
		var first string
		select {
		case first = <-lines:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("round %d: child acknowledged nothing: %s", round, stderr.String())
		}
		time.Sleep(time.Duration(rand.IntN(150)) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, line := range append([]string{first}, drain(lines)...) {
			var id, stream string
			var rev uint64
			if _, err := fmt.Sscanf(line, "%s %s %d", &id, &stream, &rev); err != nil {
				// The kill may cut the last line short; it was not complete,
				// so it was not an acknowledgement we can rely on.
				continue
			}
			u, err := uuid.Parse(id)
			if err != nil {
				continue
			}
			acked[u] = ack{stream: stream, rev: rev}
			n++
		}
		_ = cmd.Wait()
		if strings.Contains(stderr.String(), "append:") || strings.Contains(stderr.String(), "open:") {
			t.Fatalf("round %d: child failed: %s", round, stderr.String())
		}
		checkAfterCrash(t, path, acked)
		if n == 0 {
			t.Fatalf("round %d: no acknowledgement read", round)
		}
	}
	t.Logf("%d rounds, %d acknowledged events checked", rounds, total+len(acked))
}

func drain(ch <-chan string) []string {
	var out []string
	for l := range ch {
		out = append(out, l)
	}
	return out
}

func checkAfterCrash(t *testing.T, path string, acked map[uuid.UUID]ack) {
	t.Helper()
	ctx := context.Background()
	// Open verifies every chain before serving.
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer s.Close()
	seen := 0
	var prev uint64
	for ev, err := range s.ReadAll(ctx, 0, eventstore.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		if ev.Position != prev+1 {
			t.Fatalf("position %d follows %d: not contiguous", ev.Position, prev)
		}
		prev = ev.Position
		if a, ok := acked[ev.ID]; ok {
			seen++
			if a.stream != ev.Stream || a.rev != ev.Revision {
				t.Fatalf("event %s acknowledged at %s/%d, stored at %s/%d", ev.ID, a.stream, a.rev, ev.Stream, ev.Revision)
			}
			if string(ev.Data) != string(crashData(ev.ID)) {
				t.Fatalf("event %s: stored data differs from what was acknowledged", ev.ID)
			}
		}
	}
	if seen != len(acked) {
		t.Fatalf("%d of %d acknowledged events survived the kill", seen, len(acked))
	}
	db, err := sql.Open("sqlite", sqlite.DSN(path, true))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q, %v", check, err)
	}
}
