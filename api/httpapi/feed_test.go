package httpapi_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"casework/api/apitest"
	"casework/api/httpapi"
	"casework/api/service"
)

// sseEvent is one event (or comment) of a Server-Sent Events stream.
type sseEvent struct {
	ID, Event, Data, Comment string
}

// sseConn is an open feed; events arrive on ch until the stream ends.
type sseConn struct {
	ch     chan sseEvent
	cancel context.CancelFunc
}

// openFeed connects to path on base as token and returns the open
// stream; the status and problem of a refused request fail the test
// unless want says otherwise.
func openFeed(t *testing.T, base, token, path string, header map[string]string) *sseConn {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		cancel()
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	c := &sseConn{ch: make(chan sseEvent, 1024), cancel: cancel}
	go func() {
		defer resp.Body.Close()
		defer close(c.ch)
		sc := bufio.NewScanner(resp.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev != (sseEvent{}) {
					c.ch <- ev
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, ":"):
				ev.Comment = strings.TrimSpace(line[1:])
			case strings.HasPrefix(line, "id: "):
				ev.ID = line[4:]
			case strings.HasPrefix(line, "event: "):
				ev.Event = line[7:]
			case strings.HasPrefix(line, "data: "):
				ev.Data += line[6:]
			}
		}
	}()
	t.Cleanup(cancel)
	return c
}

// next returns the next event that is not a comment.
func (c *sseConn) next(t *testing.T) sseEvent {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev, ok := <-c.ch:
			if !ok {
				t.Fatal("the feed ended")
			}
			if ev.Comment != "" && ev.ID == "" && ev.Event == "" {
				continue
			}
			return ev
		case <-timeout:
			t.Fatal("no event within 10s")
		}
	}
}

func (ev sseEvent) feedEvent(t *testing.T) service.FeedEvent {
	t.Helper()
	var fe service.FeedEvent
	if err := json.Unmarshal([]byte(ev.Data), &fe); err != nil {
		t.Fatalf("data %q: %v", ev.Data, err)
	}
	if strconv.FormatUint(fe.Position, 10) != ev.ID {
		t.Fatalf("SSE id %s, position %d", ev.ID, fe.Position)
	}
	return fe
}

// openCase opens a case at the user's station and returns its id.
func openCaseAs(t *testing.T, e *referralEnv, user, station string) string {
	t.Helper()
	r := e.as(t, user, http.MethodPost, "/api/v1/cases", map[string]any{
		"source":    "walk_in",
		"client":    map[string]any{"name": "李大爷", "gender": "male", "birth_date": "1950-01-01", "phone": "13900000000"},
		"household": map[string]any{"county": "330102", "size": 1}, "domain": "elderly_care",
		"station_id": e.Units[station].String(),
	}, nil)
	if r.Status != http.StatusCreated {
		t.Fatalf("open case: %d %s", r.Status, r.Body)
	}
	return strings.TrimPrefix(r.Header.Get("Location"), "/api/v1/cases/")
}

func referAs(t *testing.T, e *referralEnv, user, caseID, agency string, share bool) string {
	t.Helper()
	body := e.requestBody(e.Units[agency].String())
	body["share_client_phone"] = share
	r := e.as(t, user, http.MethodPost, "/api/v1/cases/"+caseID+"/referrals", body, nil)
	if r.Status != http.StatusCreated {
		t.Fatalf("refer: %d %s", r.Status, r.Body)
	}
	return strings.TrimPrefix(r.Header.Get("Location"), "/api/v1/referrals/")
}

// A station supervisor gets its station's referrals and never another
// station's; an agency worker gets only those addressed to its agency, in
// the receiving view; no frame carries the client's name, phone or needs.
func TestReferralFeed_ScopedLikeReads_NoSensitiveField(t *testing.T) {
	e := startReferrals(t)
	base := e.HTTP.URL
	sup := openFeed(t, base, e.token(t, "supervisor"), "/api/v1/feed/referrals", nil)
	other := openFeed(t, base, e.token(t, "other-supervisor"), "/api/v1/feed/referrals", nil)
	agency := openFeed(t, base, e.token(t, "agency"), "/api/v1/feed/referrals", nil)
	county := openFeed(t, base, e.token(t, "county"), "/api/v1/feed/referrals", nil)

	ref := referAs(t, e, "worker", e.caseID, "agency", true)
	// Another county's station refers to its own agency.
	otherCase := openCaseAs(t, e, "other-worker", "station3")
	otherRef := referAs(t, e, "other-worker", otherCase, "agency2", true)
	// The first referral moves on.
	if r := e.as(t, "agency", http.MethodPost, "/api/v1/referrals/"+ref+"/transitions", map[string]any{"action": "accept"}, nil); r.Status != http.StatusOK {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}

	for name, c := range map[string]*sseConn{"supervisor": sup, "county": county} {
		first, second := c.next(t), c.next(t)
		f1, f2 := first.feedEvent(t), second.feedEvent(t)
		if f1.Type != "ReferralRequested" || f1.Stream != "referral-"+ref || f2.Type != "ReferralAccepted" || f2.Stream != "referral-"+ref {
			t.Fatalf("%s got %s %s then %s %s; want only referral %s", name, f1.Type, f1.Stream, f2.Type, f2.Stream, ref)
		}
		if f1.View != service.ViewFull || !strings.Contains(string(f1.Data), `"case_id"`) {
			t.Errorf("%s: view %s data %s, want the full view", name, f1.View, f1.Data)
		}
		assertNoSensitive(t, first.Data+second.Data)
	}
	// The other station's supervisor: its own referral is its first event.
	o := other.next(t).feedEvent(t)
	if o.Stream != "referral-"+otherRef {
		t.Fatalf("other supervisor got %s %s first, want its own referral %s", o.Type, o.Stream, otherRef)
	}
	a1, a2 := agency.next(t), agency.next(t)
	fa := a1.feedEvent(t)
	if fa.Stream != "referral-"+ref || fa.View != service.ViewReceiving || strings.Contains(a1.Data, `"case_id"`) ||
		strings.Contains(a1.Data, "causation_id") || a2.feedEvent(t).Type != "ReferralAccepted" {
		t.Fatalf("agency got %s (%s): %s", fa.Type, fa.View, a1.Data)
	}
	assertNoSensitive(t, a1.Data+a2.Data)
}

func assertNoSensitive(t *testing.T, frames string) {
	t.Helper()
	for _, s := range []string{"王秀英", "13800000000", "需要居家养老上门服务", "11010519491231002X"} {
		if strings.Contains(frames, s) {
			t.Fatalf("a feed frame carries %q: %s", s, frames)
		}
	}
}

// Reconnecting with Last-Event-ID resumes right after that event, from
// the log: the events appended while disconnected, none lost, none twice.
func TestReferralFeed_LastEventID_ResumesWithoutLossOrDuplicate(t *testing.T) {
	e := startReferrals(t)
	tok := e.token(t, "supervisor")
	c := openFeed(t, e.HTTP.URL, tok, "/api/v1/feed/referrals", nil)
	r1 := referAs(t, e, "worker", e.caseID, "agency", false)
	r2 := referAs(t, e, "worker", e.caseID, "agency", false)
	got1, got2 := c.next(t), c.next(t)
	if got1.feedEvent(t).Stream != "referral-"+r1 || got2.feedEvent(t).Stream != "referral-"+r2 {
		t.Fatalf("got %s then %s", got1.Data, got2.Data)
	}
	c.cancel()

	var missed []string
	for range 3 {
		missed = append(missed, referAs(t, e, "worker", e.caseID, "agency", false))
	}
	// Events of other kinds and other stations in between are skipped.
	openCaseAs(t, e, "other-worker", "station3")
	c = openFeed(t, e.HTTP.URL, tok, "/api/v1/feed/referrals", map[string]string{"Last-Event-ID": got1.ID})
	want := append([]string{r2}, missed...)
	last, _ := strconv.ParseUint(got1.ID, 10, 64)
	for i, id := range want {
		ev := c.next(t).feedEvent(t)
		if ev.Stream != "referral-"+id || ev.Position <= last {
			t.Fatalf("event %d after resuming: %s at %d, want referral %s after %d", i, ev.Stream, ev.Position, id, last)
		}
		last = ev.Position
	}
	// Live events follow the ones read from the log.
	live := referAs(t, e, "worker", e.caseID, "agency", false)
	if ev := c.next(t).feedEvent(t); ev.Stream != "referral-"+live || ev.Position <= last {
		t.Fatalf("live event %s at %d, want referral %s after %d", ev.Stream, ev.Position, live, last)
	}
	// The query parameter does the same for clients that cannot set headers.
	q := openFeed(t, e.HTTP.URL, tok, "/api/v1/feed/referrals?last_event_id="+got2.ID, nil)
	if ev := q.next(t).feedEvent(t); ev.Stream != "referral-"+missed[0] {
		t.Fatalf("resumed by query at %s", ev.Stream)
	}
}

// A quiet feed sends heartbeats.
func TestFeed_Quiet_SendsHeartbeats(t *testing.T) {
	e := startReferrals(t)
	srv, err := httpapi.New(e.Svc, httpapi.Config{Feed: httpapi.FeedConfig{Heartbeat: 30 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	c := openFeed(t, hs.URL, e.token(t, "supervisor"), "/api/v1/feed/referrals", nil)
	beats := 0
	timeout := time.After(5 * time.Second)
	for beats < 3 {
		select {
		case ev := <-c.ch:
			if ev.Comment == "heartbeat" {
				beats++
			}
		case <-timeout:
			t.Fatalf("%d heartbeats in 5s", beats)
		}
	}
	c.cancel()
}

// The typed feed carries the event types asked for, within scope, and
// refuses what it does not offer or the caller may not read.
func TestEventFeed_Types(t *testing.T) {
	e := startReferrals(t)
	c := openFeed(t, e.HTTP.URL, e.token(t, "worker"), "/api/v1/feed?types=CaseOpened", nil)
	referAs(t, e, "worker", e.caseID, "agency", false) // not asked for
	openCaseAs(t, e, "other-worker", "station3")       // out of scope
	id := openCaseAs(t, e, "worker", "station")
	ev := c.next(t)
	fe := ev.feedEvent(t)
	if fe.Type != "CaseOpened" || fe.Stream != "case-"+id {
		t.Fatalf("got %s %s, want CaseOpened of case %s", fe.Type, fe.Stream, id)
	}
	if strings.Contains(ev.Data, "李大爷") || strings.Contains(ev.Data, "13900000000") || !strings.Contains(ev.Data, `"station_id"`) {
		t.Fatalf("CaseOpened data: %s", ev.Data)
	}
	for _, tc := range []struct {
		user, path string
		status     int
		rule       string
	}{
		{"worker", "/api/v1/feed?types=NoSuchEvent", http.StatusUnprocessableEntity, "feed.types.known"},
		{"worker", "/api/v1/feed?types=AccountCreated", http.StatusUnprocessableEntity, "feed.types.offered"},
		{"worker", "/api/v1/feed?categories=contract", http.StatusUnprocessableEntity, "feed.categories.offered"},
		{"agency", "/api/v1/feed?types=CaseOpened", http.StatusNotFound, ""},
		{"evaluator", "/api/v1/feed/referrals", http.StatusNotFound, ""},
		{"worker", "/api/v1/feed/referrals?last_event_id=abc", http.StatusUnprocessableEntity, ""},
		{"", "/api/v1/feed/referrals", http.StatusUnauthorized, ""},
	} {
		tok := ""
		if tc.user != "" {
			tok = e.token(t, tc.user)
		}
		r := e.Do(t, tok, http.MethodGet, tc.path, nil, nil)
		if r.Status != tc.status || !strings.Contains(string(r.Body), tc.rule) {
			t.Errorf("%s %s: %d %s, want %d %s", tc.user, tc.path, r.Status, r.Body, tc.status, tc.rule)
		}
	}
}

// A feed ends when the token it was opened with expires: a close event
// names the reason and the last event sent, from which a new sign-in
// resumes.
func TestFeed_TokenExpires_ClosesWithReason(t *testing.T) {
	e := startReferrals(t)
	exp := time.Unix(time.Now().Unix()+3, 0) // a token's expiry is in whole seconds
	claims := jwt.RegisteredClaims{Subject: e.Accounts["supervisor"].AccountID.String(), Issuer: "casework",
		IssuedAt: jwt.NewNumericDate(time.Now()), ExpiresAt: jwt.NewNumericDate(exp)}
	short, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(apitest.Key)
	if err != nil {
		t.Fatal(err)
	}
	c := openFeed(t, e.HTTP.URL, short, "/api/v1/feed/referrals", nil)
	referAs(t, e, "worker", e.caseID, "agency", false)
	first := c.next(t)
	if first.Event != "" || first.ID == "" {
		t.Fatalf("first frame %+v, want the existing referral's events", first)
	}
	var closed sseEvent
	for closed.Event == "" {
		closed = c.next(t)
	}
	var why struct {
		Reason      string `json:"reason"`
		LastEventID uint64 `json:"last_event_id"`
	}
	if err := json.Unmarshal([]byte(closed.Data), &why); err != nil || closed.Event != "close" || why.Reason != "token_expired" {
		t.Fatalf("close frame %+v (%v), want reason token_expired", closed, err)
	}
	if time.Now().Before(exp) {
		t.Fatal("the feed closed before the token expired")
	}
	if why.LastEventID == 0 {
		t.Fatalf("close frame names no last event: %s", closed.Data)
	}
	select {
	case ev, ok := <-c.ch:
		if ok {
			t.Fatalf("frame after close: %+v", ev)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the connection stayed open after the close event")
	}
}
