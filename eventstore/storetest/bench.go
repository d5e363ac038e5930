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
	return NewAppenders(s, writers).Run(b, b.N, event)
}

// Appenders are AppendConcurrently's writers kept between runs, each with
// its stream and the revision it reached, so that a benchmark can measure
// in turns (the appends of one turn continue the streams of the last).
type Appenders struct {
	s       eventstore.Store
	streams []string
	exp     []eventstore.ExpectedRevision
	next    int // the index of the next event, over all runs
}

// NewAppenders returns writers appenders on s, each with a new stream.
func NewAppenders(s eventstore.Store, writers int) *Appenders {
	a := &Appenders{s: s}
	for range writers {
		a.streams = append(a.streams, eventstore.StreamName("case", uuid.Must(uuid.NewV7())))
		a.exp = append(a.exp, eventstore.NoStream)
	}
	return a
}

// Run appends n events as AppendConcurrently does, the i-th being
// event(i) with i counting on from the last run. A failed append fails tb
// and stops its writer.
func (a *Appenders) Run(tb testing.TB, n int, event func(i int) eventstore.EventData) (time.Duration, []time.Duration) {
	ctx := context.Background()
	var next atomic.Int64
	first := int64(a.next)
	lats := make([][]time.Duration, len(a.streams))
	var wg sync.WaitGroup
	start := time.Now()
	for w := range a.streams {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1); i <= int64(n); i = next.Add(1) {
				e := event(int(first + i))
				t0 := time.Now()
				res, err := a.s.Append(ctx, a.streams[w], a.exp[w], e)
				lats[w] = append(lats[w], time.Since(t0))
				if err != nil {
					tb.Error(err)
					return
				}
				a.exp[w] = eventstore.Exact(res.LastRevision)
			}
		}()
	}
	wg.Wait()
	a.next += n
	return time.Since(start), slices.Concat(lats...)
}
