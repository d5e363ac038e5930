package service_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"casework/api/apitest"
	"casework/api/service"
	"casework/projections/feed/feedtest"
)

func openFeed(t *testing.T, env *apitest.Env, user string, req service.FeedRequest) *service.Feed {
	t.Helper()
	return openFeedAs(t, env, env.Accounts[user], req)
}

// openFeedAs opens a feed for the principal p (an account's, say, with
// credentials that expire).
func openFeedAs(t *testing.T, env *apitest.Env, p service.Principal, req service.FeedRequest) *service.Feed {
	t.Helper()
	f, err := env.Svc.Feed(context.Background(), p, req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	return f
}

// readN reads n events and returns their positions.
func readN(t *testing.T, f *service.Feed, n int) []uint64 {
	t.Helper()
	var out []uint64
	for len(out) < n {
		ev, err := f.Next(context.Background(), 5*time.Second)
		if err != nil {
			t.Fatalf("after %d of %d events: %v", len(out), n, err)
		}
		out = append(out, ev.Position)
	}
	return out
}

// A feed whose reader stops is dropped with ErrSlowConsumer once its
// buffer fills; the hub never waits for it, so other feeds get every
// event; the dropped one resumes from the log where it stopped.
func TestFeed_SlowReader_DroppedWithoutBlockingOthers_ResumesFromLog(t *testing.T) {
	env := apitest.Start(t)
	log := &feedtest.Log{Store: env.Store, Units: env.Units}
	slow := openFeed(t, env, "supervisor", service.FeedRequest{Categories: []string{"referral"}, Buffer: 4})
	fast := openFeed(t, env, "supervisor", service.FeedRequest{Categories: []string{"referral"}, Buffer: 64})
	first := log.Referral(t, "station", "agency")
	got := readN(t, fast, 1)
	if ev, err := slow.Next(context.Background(), 5*time.Second); err != nil || ev.Stream != "referral-"+first.String() {
		t.Fatalf("slow feed: %v %v", ev.Stream, err)
	}
	seen := got[0]
	for range 40 {
		log.Referral(t, "station", "agency")
	}
	got = append(got, readN(t, fast, 40)...)
	for i := 1; i < len(got); i++ {
		if got[i] <= got[i-1] {
			t.Fatalf("fast feed out of order: %v", got)
		}
	}
	// What was buffered comes first, then the reason.
	buffered := 0
	for {
		ev, err := slow.Next(context.Background(), 5*time.Second)
		if errors.Is(err, service.ErrSlowConsumer) {
			break
		}
		if err != nil || buffered == 4 {
			t.Fatalf("slow feed after %d buffered events: %v, want ErrSlowConsumer", buffered, err)
		}
		buffered++
		seen = ev.Position
	}
	resumed := openFeed(t, env, "supervisor", service.FeedRequest{Categories: []string{"referral"}, After: seen, Buffer: 4})
	if again := readN(t, resumed, 40-buffered); again[0] != got[1+buffered] || again[len(again)-1] != got[40] {
		t.Fatalf("resumed %v…%v, want %v…%v", again[0], again[len(again)-1], got[1+buffered], got[40])
	}
}

// A feed far behind catches up from the log page by page before joining
// the live events, with none lost or doubled at the seam.
func TestFeed_FarBehind_CatchesUpThenGoesLive(t *testing.T) {
	env := apitest.Start(t)
	log := &feedtest.Log{Store: env.Store, Units: env.Units}
	start := env.Head(t)
	log.Referrals(t, 300, "station", "agency")
	log.Referrals(t, 50, "station3", "agency2") // out of the supervisor's scope
	f := openFeed(t, env, "supervisor", service.FeedRequest{Categories: []string{"referral"}, After: start, Buffer: 8})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 20 {
			log.Referral(feedtest.Async(t), "station", "agency")
		}
	}()
	got := readN(t, f, 620)
	<-done
	for i := 1; i < len(got); i++ {
		if got[i] <= got[i-1] {
			t.Fatalf("event %d at %d after %d", i, got[i], got[i-1])
		}
	}
	if ev, err := f.Next(context.Background(), 200*time.Millisecond); !errors.Is(err, service.ErrFeedIdle) {
		t.Fatalf("an extra event %s %d, or %v", ev.Stream, ev.Position, err)
	}
}

// Closing the feeds (a shutting-down server) ends every open feed.
func TestFeed_CloseFeeds_EndsOpenFeeds(t *testing.T) {
	env := apitest.Start(t)
	f := openFeed(t, env, "supervisor", service.FeedRequest{})
	env.Svc.CloseFeeds()
	if _, err := f.Next(context.Background(), time.Second); !errors.Is(err, service.ErrFeedClosed) {
		t.Fatalf("Next: %v, want ErrFeedClosed", err)
	}
	if _, err := env.Svc.Feed(context.Background(), env.Accounts["supervisor"], service.FeedRequest{}); !errors.Is(err, service.ErrFeedClosed) {
		t.Fatalf("Feed after CloseFeeds: %v", err)
	}
}

// The hub reads nothing while no feed is open; feeds opened after such a
// pause, and while events are being appended, still get every event after
// the position they resume from, once and in order.
func TestFeed_OpenedAfterNoFeedWasOpen_MissesNothing(t *testing.T) {
	env := apitest.Start(t)
	log := &feedtest.Log{Store: env.Store, Units: env.Units}
	seen := env.Head(t)
	var want []uint64
	for range 3 {
		_, pos := log.ReferralAt(t, "station", "agency")
		want = append(want, pos)
	}
	var got []uint64
	for round := range 6 {
		f, err := env.Svc.Feed(context.Background(), env.Accounts["supervisor"],
			service.FeedRequest{Categories: []string{"referral"}, After: seen, Buffer: 64})
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan []uint64)
		go func() {
			var ps []uint64
			for range 5 {
				_, pos := log.ReferralAt(feedtest.Async(t), "station", "agency")
				ps = append(ps, pos)
			}
			done <- ps
		}()
		want = append(want, <-done...)
		got = append(got, readN(t, f, len(want)-len(got))...)
		seen = got[len(got)-1]
		f.Close()
		if round%2 == 0 {
			// Appended while no feed is open.
			for range 2 {
				_, pos := log.ReferralAt(t, "station", "agency")
				want = append(want, pos)
			}
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got positions %v, want %v", got, want)
	}
}

// A feed ends with ErrFeedExpired when the credentials it was opened with
// expire: within an idle wait, not after it, and without handing out an
// event that came after the expiry.
func TestFeed_CredentialsExpire_EndsFeed(t *testing.T) {
	env := apitest.Start(t)
	log := &feedtest.Log{Store: env.Store, Units: env.Units}
	p := env.Accounts["supervisor"]
	p.ExpiresAt = time.Now().Add(500 * time.Millisecond)
	f := openFeedAs(t, env, p, service.FeedRequest{Categories: []string{"referral"}})
	first := log.Referral(t, "station", "agency")
	if ev, err := f.Next(context.Background(), 5*time.Second); err != nil || ev.Stream != "referral-"+first.String() {
		t.Fatalf("before expiry: %q %v", ev.Stream, err)
	}
	began := time.Now()
	if _, err := f.Next(context.Background(), 10*time.Second); !errors.Is(err, service.ErrFeedExpired) {
		t.Fatalf("Next across the expiry: %v, want ErrFeedExpired", err)
	}
	if time.Now().Before(p.ExpiresAt) {
		t.Fatal("the feed ended before the credentials expired")
	}
	if waited := time.Since(began); waited > 5*time.Second {
		t.Fatalf("Next waited %v of its 10 s idle time, not until the expiry", waited)
	}
	log.Referral(t, "station", "agency")
	time.Sleep(100 * time.Millisecond) // let the hub deliver it
	if ev, ok := f.TryNext(); ok {
		t.Fatalf("TryNext after expiry handed out %s at %d", ev.Stream, ev.Position)
	}
	if ev, err := f.Next(context.Background(), 5*time.Second); !errors.Is(err, service.ErrFeedExpired) {
		t.Fatalf("Next after expiry: %s %v, want ErrFeedExpired", ev.Stream, err)
	}
}

// A feed's credentials expire by the service's clock, as tokens do: with
// the clock an hour ahead, credentials valid for half an hour of real time
// have expired, and the feed ends at once.
func TestFeed_Expiry_FollowsTheServiceClock(t *testing.T) {
	env := apitest.StartWith(t, t.TempDir(), apitest.Options{Seed: true, Now: func() time.Time { return time.Now().Add(time.Hour) }})
	p := env.Accounts["supervisor"]
	p.ExpiresAt = time.Now().Add(30 * time.Minute)
	f := openFeedAs(t, env, p, service.FeedRequest{Categories: []string{"referral"}})
	began := time.Now()
	if _, err := f.Next(context.Background(), 5*time.Second); !errors.Is(err, service.ErrFeedExpired) {
		t.Fatalf("Next: %v, want ErrFeedExpired", err)
	}
	if waited := time.Since(began); waited > time.Second {
		t.Fatalf("Next waited %v before ending the expired feed", waited)
	}
}

// A feed catching up from the log hands out nothing once its credentials
// expire, however long the reading takes.
func TestFeed_CredentialsExpireDuringCatchUp_NothingAfter(t *testing.T) {
	env := apitest.Start(t)
	log := &feedtest.Log{Store: env.Store, Units: env.Units}
	start := env.Head(t)
	log.Referrals(t, 3000, "station3", "agency2") // out of the supervisor's scope
	log.Referral(t, "station", "agency")
	p := env.Accounts["supervisor"]
	p.ExpiresAt = time.Now().Add(time.Millisecond)
	f := openFeedAs(t, env, p, service.FeedRequest{Categories: []string{"referral"}, After: start})
	for {
		ev, err := f.Next(context.Background(), 5*time.Second)
		if errors.Is(err, service.ErrFeedExpired) {
			return
		}
		if err != nil {
			t.Fatalf("Next: %v, want ErrFeedExpired", err)
		}
		if late := time.Since(p.ExpiresAt); late > 5*time.Millisecond {
			t.Fatalf("handed out %s at %d %v after the expiry", ev.Stream, ev.Position, late)
		}
	}
}
