package sqlite

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"casework/eventstore"
	"casework/eventstore/storetest"
)

// Appenders that take longer to come back than a commit takes (clients of
// a server, whose answer goes through the server and back) still share
// commits: the writer waits for those it answered instead of committing
// them in groups that take turns.
func TestWriter_SlowReturningAppenders_ShareCommits(t *testing.T) {
	// Timing on a busy machine can defeat any one attempt; the writer
	// that groups appenders in turns never reaches the mark in any.
	const attempts = 3
	var got []float64
	for range attempts {
		per := slowReturningAppendsPerCommit(t)
		if per >= 10 {
			t.Logf("%.1f appends per commit", per)
			return
		}
		got = append(got, per)
	}
	t.Fatalf("appends per commit %.1f in %d attempts, want most of the 16 appenders in each commit", got, attempts)
}

func slowReturningAppendsPerCommit(t *testing.T) float64 {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "events.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const appenders, rounds = 16, 40
	var wg sync.WaitGroup
	for range appenders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stream := eventstore.StreamName("case", uuid.Must(uuid.NewV7()))
			exp := eventstore.NoStream
			for range rounds {
				res, err := s.Append(ctx, stream, exp, storetest.Event(t, "ServiceDelivered"))
				if err != nil {
					t.Error(err)
					return
				}
				exp = eventstore.Exact(res.LastRevision)
				time.Sleep(time.Duration(200+rand.IntN(600)) * time.Microsecond)
			}
		}()
	}
	wg.Wait()
	st := s.Stats()
	return float64(st.Appends) / float64(st.Commits)
}
