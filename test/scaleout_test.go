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
	"casework/api/service"
	"casework/domain"
	"casework/domain/account"
	"casework/eventstore"
)

// Scale-out: several nodes over one event store, each with its own service
// and its own directory fed by the log. Each node opens the store's file
// on its own, as another process sharing it would, and learns of the
// other's commits only through the store.

// testClock is a clock the test moves; the nodes of a test share one.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// twoNodes starts two nodes on one new store, the first seeding it; with
// clk they both run on it.
func twoNodes(t *testing.T, clk *testClock) (a, b *apitest.Env) {
	t.Helper()
	dir := t.TempDir()
	var now func() time.Time
	if clk != nil {
		now = clk.Now
	}
	a = apitest.StartWith(t, dir, apitest.Options{Seed: true, Now: now})
	b = apitest.StartWith(t, dir, apitest.Options{Now: now})
	return a, b
}

func newAccount(env *apitest.Env, username string) map[string]any {
	return map[string]any{"username": username, "display_name": "同名测试", "role": "social_worker",
		"org_unit": env.Units["station"].String(), "password": apitest.Password}
}

// createdEvents counts the AccountCreated events of username in the log.
func createdEvents(t *testing.T, st eventstore.Store, username string) int {
	t.Helper()
	n := 0
	for ev, err := range st.ReadAll(context.Background(), 0, eventstore.Filter{Types: []string{account.TypeCreated}}) {
		if err != nil {
			t.Fatal(err)
		}
		var c account.Created
		if err := json.Unmarshal(ev.Data, &c); err != nil {
			t.Fatal(err)
		}
		if c.Username == username {
			n++
		}
	}
	return n
}

// Two nodes creating the same username at the same moment: the store lets
// one append the account and refuses the other, which answers 409 with
// account.create.username_unique; a node folding the log afterwards finds
// one account per username.
func TestAccounts_SameUsernameOnTwoNodesAtOnce_ExactlyOneCreated(t *testing.T) {
	a, b := twoNodes(t, nil)
	admin := a.Token(t, "admin") // valid on both: one signing key
	const rounds = 3
	for i := range rounds {
		body := newAccount(a, fmt.Sprintf("race%d", i))
		var wg sync.WaitGroup
		start := make(chan struct{})
		res := make([]apitest.Response, 2)
		for j, env := range []*apitest.Env{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				res[j] = env.Do(t, admin, http.MethodPost, "/api/v1/accounts", body, nil)
			}()
		}
		close(start)
		wg.Wait()
		won, lost := res[0], res[1]
		if lost.Status == http.StatusCreated {
			won, lost = lost, won
		}
		if won.Status != http.StatusCreated || lost.Status != http.StatusConflict || !isProblem(lost) ||
			!strings.Contains(string(lost.Body), `"rule":"account.create.username_unique"`) {
			t.Fatalf("round %d: %d %s / %d %s", i, res[0].Status, res[0].Body, res[1].Status, res[1].Body)
		}
	}

	// A node whose directory has not yet seen the other's account is
	// refused by the store all the same.
	ctx := context.Background()
	unseen := 0
	for i := range 3 {
		name := fmt.Sprintf("late%d", i)
		in := service.CreateAccountInput{Username: name, DisplayName: "后来者", Role: domain.RoleSocialWorker,
			OrgUnit: a.Units["station"].String(), Password: apitest.Password}
		if _, err := a.Svc.CreateAccount(ctx, a.Accounts["admin"], service.Options{}, in); err != nil {
			t.Fatal(err)
		}
		if _, known := b.Svc.Directory().AccountByUsername(name); !known {
			unseen++
		}
		_, err := b.Svc.CreateAccount(ctx, b.Accounts["admin"], service.Options{}, in)
		if !hasRule(err, "account.create.username_unique") {
			t.Fatalf("%s created twice: %v", name, err)
		}
	}
	if unseen == 0 {
		t.Fatal("the second node's directory always knew the account already: the store's check was not exercised")
	}

	c := apitest.StartWith(t, a.Dir, apitest.Options{})
	for _, name := range []string{"race0", "race1", "race2", "late0", "late1", "late2"} {
		n := 0
		for _, acc := range c.Svc.Directory().Accounts() {
			if acc.Username == name {
				n++
			}
		}
		if n != 1 || createdEvents(t, c.Store, name) != 1 {
			t.Errorf("%s: %d accounts after replay, %d AccountCreated events", name, n, createdEvents(t, c.Store, name))
		}
	}
}

func hasRule(err error, rule string) bool {
	for _, re := range domain.RuleErrors(err) {
		if re.Rule == rule {
			return true
		}
	}
	return false
}

// A create retried with its Idempotency-Key on another node answers the
// first response, though the username is now taken; without the key it is
// a new request and refused.
func TestAccounts_CreateRetriedOnAnotherNode_AnswersTheFirstResponse(t *testing.T) {
	a, b := twoNodes(t, nil)
	admin := a.Token(t, "admin")
	body := newAccount(a, "retried")
	first := post(t, a, admin, "/api/v1/accounts", body, http.StatusCreated, "Idempotency-Key", "acct-retried")
	h := a.Head(t)
	again := post(t, b, admin, "/api/v1/accounts", body, http.StatusCreated, "Idempotency-Key", "acct-retried")
	if string(again.Body) != string(first.Body) || again.Header.Get("Idempotency-Replayed") != "true" {
		t.Fatalf("retry answered %s, first %s", again.Body, first.Body)
	}
	// Read from the file: b's head learns of a's commits when b writes, and
	// the retry writes nothing.
	for e, err := range b.Store.ReadAll(context.Background(), h, eventstore.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		t.Fatalf("the retry appended %s to %s", e.Type, e.Stream)
	}
	r := post(t, b, admin, "/api/v1/accounts", body, http.StatusConflict)
	if !strings.Contains(string(r.Body), "account.create.username_unique") {
		t.Fatalf("second create: %s", r.Body)
	}
}
