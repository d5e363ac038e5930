package storetest

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"casework/eventstore"
)

// AppendConcurrently is the store's concurrent-append measurement, shared
// by the benchmarks that compare against it: writers goroutines append
// b.N events between them, one event per append, each to a stream of its
// own with Exact expected revisions, the i-th event being event(i). It
// returns the time the appends took and the latency of each. A failed
// append fails b and stops its writer.
func AppendConcurrently(b *testing.B, s eventstore.Store, writers int, event func(i int) eventstore.EventData) (time.Duration, []time.Duration) {
	ctx := context.Background()
	var next atomic.Int64
	lats := make([][]time.Duration, writers)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stream := eventstore.StreamName("case", uuid.Must(uuid.NewV7()))
			exp := eventstore.NoStream
			for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
				e := event(int(i))
				t0 := time.Now()
				res, err := s.Append(ctx, stream, exp, e)
				lats[w] = append(lats[w], time.Since(t0))
				if err != nil {
					b.Error(err)
					return
				}
				exp = eventstore.Exact(res.LastRevision)
			}
		}()
	}
	wg.Wait()
	return time.Since(start), slices.Concat(lats...)
}
