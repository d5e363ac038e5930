package test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"casework/api/apitest"
	"casework/domain"
	"casework/domain/account"
	"casework/eventstore"
)

func login(t *testing.T, env *apitest.Env, user, password string) apitest.Response {
	t.Helper()
	return env.Do(t, "", http.MethodPost, "/api/v1/auth/token", map[string]string{"username": user, "password": password}, nil)
}

func expectLogin(t *testing.T, env *apitest.Env, user, password string, want int) {
	t.Helper()
	r := login(t, env, user, password)
	if r.Status != want || (want != http.StatusOK && !isProblem(r)) {
		t.Fatalf("login %s: %d %s, want %d", user, r.Status, r.Body, want)
	}
}

// loginEvents reads the login stream of the named account.
func loginEvents(t *testing.T, env *apitest.Env, user string) []eventstore.RecordedEvent {
	t.Helper()
	stream := eventstore.StreamName(account.LoginCategory, env.Accounts[user].AccountID)
	evs, err := env.Store.ReadStream(context.Background(), stream, eventstore.ReadStreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// Failures spread over two nodes lock the account on both, the right
// password included, and appending stops while it is locked; after the
// lock a login works, and a success resets the count. Every failure is in
// the log as the account, with no role, and without the password tried.
func TestLogin_FailuresOnTwoNodes_LockBoth(t *testing.T) {
	clk := &testClock{t: time.Now().UTC().Truncate(time.Second)}
	a, b := twoNodes(t, clk)
	nodes := []*apitest.Env{a, b}
	const wrong = "wrong-password-tried"
	for i := range account.MaxLoginFailures {
		expectLogin(t, nodes[i%2], "worker", wrong, http.StatusUnauthorized)
	}
	h := a.Head(t)
	for _, env := range nodes {
		expectLogin(t, env, "worker", apitest.Password, http.StatusTooManyRequests)
		expectLogin(t, env, "worker", wrong, http.StatusTooManyRequests)
	}
	if a.Head(t) != h {
		t.Fatal("attempts on a locked account appended")
	}
	expectLogin(t, b, "worker2", apitest.Password, http.StatusOK) // another account is unaffected

	w := a.Accounts["worker"]
	evs := loginEvents(t, a, "worker")
	if len(evs) != account.MaxLoginFailures {
		t.Fatalf("%d login events, want %d", len(evs), account.MaxLoginFailures)
	}
	for i, ev := range evs {
		var f account.LoginFailed
		if err := json.Unmarshal(ev.Data, &f); err != nil || ev.Type != account.TypeLoginFailed {
			t.Fatalf("event %d: %s %s", i, ev.Type, ev.Data)
		}
		locks := i == account.MaxLoginFailures-1
		if f.Failures != i+1 || f.AccountID != w.AccountID || locks != f.LockedUntil.Equal(clk.Now().Add(account.LockoutPeriod)) {
			t.Errorf("event %d: %+v", i, f)
		}
		md := ev.Metadata
		if md.Actor != w.AccountID.String() || md.Role != string(domain.RoleNone) || md.OrgUnit != w.OrgUnit.String() {
			t.Errorf("event %d recorded as %s/%s/%s", i, md.Actor, md.Role, md.OrgUnit)
		}
		raw, _ := json.Marshal(ev)
		if strings.Contains(string(raw), wrong) || strings.Contains(string(raw), apitest.Password) {
			t.Errorf("event %d carries a password: %s", i, raw)
		}
	}

	clk.Advance(account.LockoutPeriod - time.Second)
	expectLogin(t, b, "worker", apitest.Password, http.StatusTooManyRequests)
	clk.Advance(time.Second)
	expectLogin(t, b, "worker", apitest.Password, http.StatusOK)

	// The count started again with the lock's end, and a success clears
	// it: twice four failures and a success, never locked.
	for range 2 {
		for i := range account.MaxLoginFailures - 1 {
			expectLogin(t, nodes[i%2], "worker", wrong, http.StatusUnauthorized)
		}
		expectLogin(t, a, "worker", apitest.Password, http.StatusOK)
	}
	evs = loginEvents(t, a, "worker")
	if last := evs[len(evs)-1]; last.Type != account.TypeLoginFailuresCleared || !strings.Contains(string(last.Data), `"failures":4`) {
		t.Fatalf("last login event %s %s", last.Type, last.Data)
	}
	if len(evs) != account.MaxLoginFailures+2*account.MaxLoginFailures {
		t.Fatalf("%d login events", len(evs))
	}
}

// Wrong passwords sent at once to two nodes are counted one after another:
// exactly five are counted (answered 401), the fifth locks, the others are
// answered 429, and the right password is refused on both.
func TestLogin_ConcurrentFailuresOnTwoNodes_NeverCountedPastTheLock(t *testing.T) {
	clk := &testClock{t: time.Now().UTC()}
	a, b := twoNodes(t, clk)
	const attempts = 8
	statuses := make([]int, attempts)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range attempts {
		env := []*apitest.Env{a, b}[i%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			statuses[i] = login(t, env, "worker", fmt.Sprintf("wrong-%d-password", i)).Status
		}()
	}
	close(start)
	wg.Wait()
	counted := 0
	for _, s := range statuses {
		switch s {
		case http.StatusUnauthorized:
			counted++
		case http.StatusTooManyRequests:
		default:
			t.Fatalf("statuses %v", statuses)
		}
	}
	if counted != account.MaxLoginFailures {
		t.Fatalf("%d failures counted (statuses %v), want %d", counted, statuses, account.MaxLoginFailures)
	}
	evs := loginEvents(t, a, "worker")
	if len(evs) != account.MaxLoginFailures {
		t.Fatalf("%d login events", len(evs))
	}
	for i, ev := range evs {
		if !strings.Contains(string(ev.Data), fmt.Sprintf(`"failures":%d`, i+1)) {
			t.Errorf("event %d: %s", i, ev.Data)
		}
	}
	expectLogin(t, a, "worker", apitest.Password, http.StatusTooManyRequests)
	expectLogin(t, b, "worker", apitest.Password, http.StatusTooManyRequests)
}

// A username no account has is locked after as many failures as an
// account, and writes nothing to the store.
func TestLogin_UnknownUsername_LockedLikeAnAccount_NothingWritten(t *testing.T) {
	a, _ := twoNodes(t, nil)
	h := a.Head(t)
	for range account.MaxLoginFailures {
		expectLogin(t, a, "nobody-here", "wrong-password-tried", http.StatusUnauthorized)
	}
	expectLogin(t, a, "nobody-here", "wrong-password-tried", http.StatusTooManyRequests)
	if a.Head(t) != h {
		t.Fatal("logins under an unknown username appended")
	}
}
