package publish_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"casework/projections/feed/feedtest"
	"casework/projections/projtest"
	"casework/projections/publish"
)

// countyProgram connects as user, with its county's inbox, and records
// the asynchronous errors the server sends (permission violations).
type countyProgram struct {
	nc   *nats.Conn
	js   jetstream.JetStream
	mu   sync.Mutex
	errs []string
}

func connectCounty(tb testing.TB, srv *publish.Server, user, password string, county uuid.UUID) *countyProgram {
	tb.Helper()
	p := &countyProgram{}
	nc, err := nats.Connect(srv.ClientURL(), nats.UserInfo(user, password),
		nats.CustomInboxPrefix(publish.CountyInbox(county)),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			p.mu.Lock()
			p.errs = append(p.errs, err.Error())
			p.mu.Unlock()
		}))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		tb.Fatal(err)
	}
	p.nc, p.js = nc, js
	return p
}

func (p *countyProgram) violations() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.errs, "\n")
}

// A county's program reads its county's events from the stream and live,
// and is refused every way to another county's.
func TestCountyUser_ReadsOwnCounty_OtherCountyRefused(t *testing.T) {
	st := projtest.OpenStore(t, t.TempDir())
	log := feedtest.New(t, st)
	countyA, countyB := log.Units["countyA"], log.Units["countyB"]
	log.Referrals(t, 5, "stationA1", "agencyA")
	log.Referrals(t, 3, "stationB1", "agencyB")
	srv := startServer(t, publish.ServerConfig{Users: []publish.CountyUser{
		{User: "county-a", Password: "pw-a", County: countyA},
		{User: "county-b", Password: "pw-b", County: countyB},
	}})
	r := runForwarder(t, st, connect(t, srv), publish.Config{})
	defer r.stop(t)
	waitAcked(t, r.fw, head(t, st))

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	a := connectCounty(t, srv, "county-a", "pw-a", countyA)
	stream, err := a.js.Stream(ctx, publish.DefaultStream)
	if err != nil {
		t.Fatalf("county A may see the stream's info: %v", err)
	}

	// Its own county: every referral event, nothing else.
	own := "casework.referral." + countyA.String() + ".>"
	cons, err := stream.CreateOrUpdatePushConsumer(ctx, jetstream.ConsumerConfig{Name: "county-a",
		FilterSubject: own, DeliverSubject: publish.CountyInbox(countyA) + ".dashboard", AckPolicy: jetstream.AckExplicitPolicy})
	if err != nil {
		t.Fatalf("county A consumer on its own county: %v", err)
	}
	got := make(chan string, 100)
	cc, err := cons.Consume(func(m jetstream.Msg) {
		got <- m.Subject()
		_ = m.Ack()
	})
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Stop()
	for i := range 10 {
		select {
		case s := <-got:
			if !strings.HasPrefix(s, "casework.referral."+countyA.String()+".") {
				t.Fatalf("county A received %s", s)
			}
		case <-ctx.Done():
			t.Fatalf("county A received %d of its 10 events: %s", i, a.violations())
		}
	}

	// Another county's events, by every door.
	bSubj := "casework.referral." + countyB.String() + ".>"
	for name, cfg := range map[string]jetstream.ConsumerConfig{
		"other county":             {Name: "peek", FilterSubject: bSubj, DeliverSubject: publish.CountyInbox(countyA) + ".peek"},
		"no filter":                {Name: "peek-all", DeliverSubject: publish.CountyInbox(countyA) + ".all"},
		"every county":             {Name: "peek-wild", FilterSubject: "casework.referral.*.>", DeliverSubject: publish.CountyInbox(countyA) + ".w"},
		"pull consumer":            {Name: "peek-pull", FilterSubject: bSubj},
		"own county, another name": {Name: "county-b", FilterSubject: own, DeliverSubject: publish.CountyInbox(countyA) + ".b"},
	} {
		cctx, ccancel := context.WithTimeout(ctx, 400*time.Millisecond)
		if _, err := stream.CreateOrUpdateConsumer(cctx, cfg); err == nil {
			t.Errorf("%s: county A created a consumer on %q", name, cfg.FilterSubject)
		}
		ccancel()
	}
	live, err := a.nc.SubscribeSync(bSubj)
	if err != nil {
		t.Fatal(err)
	}
	// County B's own consumer, which A must not be able to pull from.
	b := connectCounty(t, srv, "county-b", "pw-b", countyB)
	bStream, err := b.js.Stream(ctx, publish.DefaultStream)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bStream.CreateOrUpdatePushConsumer(ctx, jetstream.ConsumerConfig{Name: "county-b",
		FilterSubject: bSubj, DeliverSubject: publish.CountyInbox(countyB) + ".dashboard"}); err != nil {
		t.Fatalf("county B consumer on its own county: %v", err)
	}
	for _, subj := range []string{
		"$JS.API.CONSUMER.MSG.NEXT." + publish.DefaultStream + ".county-b",
		"$JS.API.CONSUMER.INFO." + publish.DefaultStream + ".county-b",
		"$JS.API.CONSUMER.DELETE." + publish.DefaultStream + ".county-b",
		"$JS.API.CONSUMER.LIST." + publish.DefaultStream,
		"$JS.API.STREAM.MSG.GET." + publish.DefaultStream,
		"$JS.API.DIRECT.GET." + publish.DefaultStream,
	} {
		if m, err := a.nc.Request(subj, []byte(`{"seq":1,"batch":1}`), 300*time.Millisecond); err == nil {
			t.Errorf("county A's request on %s answered: %s", subj, m.Data)
		}
	}
	if _, err := a.nc.SubscribeSync(publish.CountyInbox(countyB) + ".dashboard"); err != nil {
		t.Fatal(err)
	}
	// Nor can it acknowledge B's messages (which would hide them from B).
	if err := a.nc.Publish("$JS.ACK."+publish.DefaultStream+".county-b.1.1.1.1.0", nil); err != nil {
		t.Fatal(err)
	}
	if c, err := bStream.PushConsumer(ctx, "county-b"); err != nil {
		t.Fatalf("county B's consumer after A's attempts: %v", err)
	} else if c.CachedInfo().Config.FilterSubject != bSubj {
		t.Fatalf("county B's consumer was changed: filter %q", c.CachedInfo().Config.FilterSubject)
	}
	// A's writes are refused too: it cannot inject events.
	if err := a.nc.Publish("casework.referral."+countyA.String()+".x.Fake", []byte("{}")); err != nil {
		t.Fatal(err)
	}
	log.Referrals(t, 2, "stationB1", "agencyB")
	waitAcked(t, r.fw, head(t, st))
	a.nc.Flush()
	time.Sleep(200 * time.Millisecond)
	if m, err := live.NextMsg(100 * time.Millisecond); err == nil {
		t.Fatalf("county A received county B's live event %s", m.Subject)
	}
	v := a.violations()
	for _, want := range []string{
		"Subscription to \"" + bSubj + "\"",
		"Subscription to \"" + publish.CountyInbox(countyB) + ".dashboard\"",
		"Publish to \"casework.referral.",
		"Publish to \"$JS.ACK." + publish.DefaultStream + ".county-b.",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("no permissions violation for %s; got:\n%s", want, v)
		}
	}
	if strings.Contains(v, ".county-a.") {
		t.Errorf("county A was refused something on its own consumer:\n%s", v)
	}
}
