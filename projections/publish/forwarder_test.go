package publish_test

import (
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"casework/projections/feed/feedtest"
	"casework/projections/projtest"
	"casework/projections/publish"
)

func TestForwarder_PublishesEveryEvent_OnItsSubject_WithCloudEventsHeaders_WithoutSensitiveFields(t *testing.T) {
	st := projtest.OpenStore(t, t.TempDir())
	log := feedtest.New(t, st)
	ref := log.Referral(t, "stationA1", "agencyA")
	log.Accept(t, ref)
	srv := startServer(t, publish.ServerConfig{})
	nc := connect(t, srv)
	r := runForwarder(t, st, nc, publish.Config{})
	defer r.stop(t)
	n := head(t, st)
	waitAcked(t, r.fw, n)

	msgs := streamMsgs(t, nc, publish.DefaultStream)
	assertExactlyOnce(t, positions(t, msgs), n)
	countyA, stationA1 := log.Units["countyA"].String(), log.Units["stationA1"].String()
	req, acc := msgs[len(msgs)-2], msgs[len(msgs)-1]
	if want := "casework.referral." + countyA + "." + stationA1 + ".ReferralRequested"; req.Subject() != want {
		t.Errorf("subject %s, want %s", req.Subject(), want)
	}
	if want := "casework.referral." + countyA + "." + stationA1 + ".ReferralAccepted"; acc.Subject() != want {
		t.Errorf("subject %s, want %s", acc.Subject(), want)
	}
	// An org unit: a county has no station; the city has no county.
	if want := "casework.org.none.none.OrgUnitRegistered"; msgs[0].Subject() != want {
		t.Errorf("city subject %s, want %s", msgs[0].Subject(), want)
	}
	if want := "casework.org." + countyA + "." + stationA1 + ".OrgUnitRegistered"; msgs[3].Subject() != want {
		t.Errorf("station subject %s, want %s", msgs[3].Subject(), want)
	}
	h := req.Headers()
	for k, want := range map[string]string{
		"ce-specversion": "1.0", "ce-type": "ReferralRequested", "ce-source": "urn:casework",
		"ce-subject": "referral-" + ref.String(), "Casework-Revision": "0", "Content-Type": "application/json",
	} {
		if got := h.Get(k); got != want {
			t.Errorf("header %s = %q, want %q", k, got, want)
		}
	}
	if h.Get("ce-id") == "" || h.Get("ce-id") != h.Get("Nats-Msg-Id") {
		t.Errorf("ce-id %q and Nats-Msg-Id %q must both be the event id", h.Get("ce-id"), h.Get("Nats-Msg-Id"))
	}
	if _, err := time.Parse(time.RFC3339Nano, h.Get("ce-time")); err != nil {
		t.Errorf("ce-time: %v", err)
	}
	// Nothing sensitive anywhere in the message.
	for _, m := range msgs {
		all := m.Subject() + string(m.Data())
		for k, vs := range m.Headers() {
			all += k + strings.Join(vs, "")
		}
		for _, secret := range []string{feedtest.ClientName, feedtest.ClientPhone, "申请慈善医疗救助"} {
			if strings.Contains(all, secret) {
				t.Fatalf("message %s carries %q: %s", m.Subject(), secret, m.Data())
			}
		}
	}
	if !strings.Contains(string(req.Data()), `"station_id":"`+stationA1+`"`) {
		t.Errorf("payload lost its non-sensitive fields: %s", req.Data())
	}
}

// The forwarder is stopped and started again many times while events are
// appended, each time with a new connection: every event ends in the
// stream exactly once, in position order.
func TestForwarder_KilledAndRestartedMidStream_EveryEventOnceInOrder(t *testing.T) {
	st := projtest.OpenStore(t, t.TempDir())
	log := feedtest.New(t, st)
	srv := startServer(t, publish.ServerConfig{})
	cp := publish.FileCheckpoint(t.TempDir() + "/checkpoint")

	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 40 {
			log.Referrals(feedtest.Async(t), 50, "stationA1", "agencyA")
		}
	}()
	rng := rand.New(rand.NewPCG(1, 2))
	midStream := 0
	for range 25 {
		nc, err := srv.Connect()
		if err != nil {
			t.Fatal(err)
		}
		r := runForwarder(t, st, nc, publish.Config{Window: 64, Checkpoint: cp})
		// Kill once it has made progress, at a random moment after.
		before, _ := cp.Load()
		for deadline := time.Now().Add(2 * time.Second); r.fw.Stats().Acked <= before && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(time.Duration(rng.IntN(10)) * time.Millisecond)
		// A kill: the connection drops with publications in flight.
		nc.Close()
		r.stop(t)
		if a := r.fw.Stats().Acked; a > 0 && a < head(t, st) {
			midStream++
		}
	}
	wg.Wait()
	if midStream < 3 {
		t.Fatalf("only %d of 25 kills fell mid-stream", midStream)
	}
	nc := connect(t, srv)
	r := runForwarder(t, st, nc, publish.Config{Checkpoint: cp})
	n := head(t, st)
	waitAcked(t, r.fw, n)
	r.stop(t)
	assertExactlyOnce(t, positions(t, streamMsgs(t, nc, publish.DefaultStream)), n)
	if got, _ := cp.Load(); got != n {
		t.Errorf("checkpoint %d, want %d", got, n)
	}
}

// The broker loses its whole JetStream store: the forwarder publishes
// the lost range again from the log.
func TestForwarder_BrokerStoreWiped_RepublishesTheLostRange(t *testing.T) {
	st := projtest.OpenStore(t, t.TempDir())
	log := feedtest.New(t, st)
	log.Referrals(t, 100, "stationB1", "agencyB")
	dir := t.TempDir()
	cp := publish.FileCheckpoint(t.TempDir() + "/checkpoint")

	srv := startServer(t, publish.ServerConfig{StoreDir: dir})
	nc := connect(t, srv)
	r := runForwarder(t, st, nc, publish.Config{Checkpoint: cp})
	n := head(t, st)
	waitAcked(t, r.fw, n)
	r.stop(t)
	nc.Close()
	srv.Shutdown()

	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	srv = startServer(t, publish.ServerConfig{StoreDir: dir})
	nc = connect(t, srv)
	log.Referrals(t, 10, "stationB1", "agencyB")
	r = runForwarder(t, st, nc, publish.Config{Checkpoint: cp})
	n2 := head(t, st)
	waitAcked(t, r.fw, n2)
	r.stop(t)
	assertExactlyOnce(t, positions(t, streamMsgs(t, nc, publish.DefaultStream)), n2)
	if got := r.fw.Stats().Republished; got != n {
		t.Errorf("republished %d, want the %d lost", got, n)
	}
}
