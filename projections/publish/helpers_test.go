package publish_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/goleak"

	"casework/domain/catalog"
	"casework/eventstore/sqlite"
	"casework/projections/publish"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// modernc's SQLite and the NATS server keep a few process-wide
		// goroutines (timers, the server's pool) once used.
		goleak.IgnoreAnyFunction("github.com/nats-io/nats-server/v2/server.(*Server).startGoRoutine.func1"),
		goleak.IgnoreAnyFunction("github.com/nats-io/nats-server/v2/server.ipQueue"),
		goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"),
	)
}

// startServer starts an embedded server over dir, shut down at cleanup
// (a test may shut it down earlier).
func startServer(tb testing.TB, cfg publish.ServerConfig) *publish.Server {
	tb.Helper()
	if cfg.StoreDir == "" {
		cfg.StoreDir = tb.TempDir()
	}
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	s, err := publish.StartServer(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Shutdown)
	return s
}

func connect(tb testing.TB, s *publish.Server) *nats.Conn {
	tb.Helper()
	nc, err := s.Connect()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(nc.Close)
	return nc
}

// running is a forwarder running in the background.
type running struct {
	fw     *publish.Forwarder
	cancel context.CancelFunc
	done   chan error
}

func (r *running) stop(tb testing.TB) {
	tb.Helper()
	r.cancel()
	if err := <-r.done; err != nil {
		tb.Fatalf("forwarder: %v", err)
	}
}

func runForwarder(tb testing.TB, st *sqlite.Store, nc *nats.Conn, cfg publish.Config) *running {
	tb.Helper()
	if cfg.Registry == nil {
		cfg.Registry = catalog.Registry()
	}
	fw, err := publish.New(st, nc, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{fw: fw, cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- fw.Run(ctx) }()
	return r
}

// waitAcked waits until the forwarder has every event up to pos
// acknowledged.
func waitAcked(tb testing.TB, fw *publish.Forwarder, pos uint64) {
	tb.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for fw.Stats().Acked < pos {
		if time.Now().After(deadline) {
			tb.Fatalf("acked %d, want %d (%+v)", fw.Stats().Acked, pos, fw.Stats())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func head(tb testing.TB, st *sqlite.Store) uint64 {
	tb.Helper()
	h, err := st.Head(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

// streamMsgs reads every message of the stream in sequence order.
func streamMsgs(tb testing.TB, nc *nats.Conn, stream string) []jetstream.Msg {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	js, err := jetstream.New(nc)
	if err != nil {
		tb.Fatal(err)
	}
	// Right after a node leaves, the stream may have no leader yet and the
	// JetStream API no responder: ask again until the deadline.
	var s jetstream.Stream
	var info *jetstream.StreamInfo
	for {
		if s, err = js.Stream(ctx, stream); err == nil {
			if info, err = s.Info(ctx); err == nil {
				break
			}
		}
		if ctx.Err() != nil {
			tb.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	n := int(info.State.Msgs)
	if n == 0 {
		return nil
	}
	cons, err := s.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	if err != nil {
		tb.Fatal(err)
	}
	var out []jetstream.Msg
	for len(out) < n {
		batch, err := cons.Fetch(min(n-len(out), 1000), jetstream.FetchMaxWait(5*time.Second))
		if err != nil {
			tb.Fatal(err)
		}
		for m := range batch.Messages() {
			out = append(out, m)
		}
		if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) {
			tb.Fatal(err)
		}
	}
	return out
}

// positions returns the Casework-Position of each message.
func positions(tb testing.TB, msgs []jetstream.Msg) []uint64 {
	tb.Helper()
	out := make([]uint64, len(msgs))
	for i, m := range msgs {
		p, err := strconv.ParseUint(m.Headers().Get(publish.HeaderPosition), 10, 64)
		if err != nil {
			tb.Fatalf("message %d: %v", i, err)
		}
		out[i] = p
	}
	return out
}

// assertExactlyOnce requires positions to be exactly 1..n.
func assertExactlyOnce(tb testing.TB, got []uint64, n uint64) {
	tb.Helper()
	for i, p := range got {
		if p != uint64(i)+1 {
			tb.Fatalf("message %d has position %d, want %d (of %d messages, %d events)", i, p, i+1, len(got), n)
		}
	}
	if uint64(len(got)) != n {
		tb.Fatalf("%d messages, want %d", len(got), n)
	}
}
