package publish_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"casework/projections/feed/feedtest"
	"casework/projections/projtest"
	"casework/projections/publish"
)

// BenchmarkForwarder_Throughput publishes a log of 50,000 events
// (referrals of 50 events, with client names and phones to strip) to a
// fresh stream of the embedded server, and in the same iteration the same
// number of ready-made messages of the same size, subject shape and
// headers (Nats-Msg-Id included) with raw JetStream async publishes in a
// window of the same size: the baseline. It reports both rates and their
// ratio, which is what reading the log, placing, stripping and ordering
// cost.
func BenchmarkForwarder_Throughput(b *testing.B) {
	const events, window = 50_000, 2048
	st := projtest.OpenStore(b, b.TempDir())
	feedtest.New(b, st).Bulk(b, events, 50, "stationA1", "agencyA")
	n := head(b, st)
	srv := startServer(b, publish.ServerConfig{})
	nc := connect(b, srv)
	var fwRate, baseRate float64
	i := 0
	for b.Loop() {
		i++
		baseRate += baseline(b, nc, fmt.Sprintf("BASE%d", i), fmt.Sprintf("base%d", i), int(n), window)
		start := time.Now()
		r := runForwarder(b, st, nc, publish.Config{Stream: fmt.Sprintf("FWD%d", i), Prefix: fmt.Sprintf("fwd%d", i), Window: window})
		waitAcked(b, r.fw, n)
		fwRate += float64(n) / time.Since(start).Seconds()
		r.stop(b)
	}
	b.ReportMetric(fwRate/float64(i), "forwarder_events/s")
	b.ReportMetric(baseRate/float64(i), "baseline_msgs/s")
	b.ReportMetric(fwRate/baseRate, "ratio")
}

// baseline publishes n messages asynchronously, at most window awaiting
// their PubAck, and returns the rate.
func baseline(b *testing.B, nc *nats.Conn, stream, prefix string, n, window int) float64 {
	b.Helper()
	ctx := context.Background()
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(window))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: stream, Subjects: []string{prefix + ".>"},
		Storage: jetstream.FileStorage, Duplicates: 2 * time.Minute}); err != nil {
		b.Fatal(err)
	}
	subj := prefix + ".referral." + uuid.NewString() + "." + uuid.NewString() + ".ReferralAccepted"
	data := []byte(`{"referral_id":"` + uuid.NewString() + `"}`)
	msgs := make([]*nats.Msg, n)
	for i := range msgs {
		id := uuid.NewString()
		msgs[i] = &nats.Msg{Subject: subj, Data: data, Header: nats.Header{
			"ce-specversion": {"1.0"}, "ce-id": {id}, "ce-type": {"ReferralAccepted"}, "ce-source": {"urn:casework"},
			"ce-subject": {"referral-" + id}, "ce-time": {time.Now().Format(time.RFC3339Nano)},
			"Casework-Position": {strconv.Itoa(i + 1)}, "Casework-Revision": {"1"}, "Content-Type": {"application/json"},
			"Casework-Schema": {"1"}, jetstream.MsgIDHeader: {id},
		}}
	}
	start := time.Now()
	futs := make(chan jetstream.PubAckFuture, window)
	done := make(chan error, 1)
	go func() {
		for f := range futs {
			select {
			case <-f.Ok():
			case err := <-f.Err():
				done <- err
				for range futs {
				}
				return
			}
		}
		done <- nil
	}()
	for _, m := range msgs {
		f, err := js.PublishMsgAsync(m)
		if err != nil {
			b.Fatal(err)
		}
		futs <- f
	}
	close(futs)
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	return float64(n) / time.Since(start).Seconds()
}
