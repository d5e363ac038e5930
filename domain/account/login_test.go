package account_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"
	"pgregory.net/rapid"

	"casework/domain"
	"casework/domain/account"
)

// self is a login attempt to the fixture account at t: it acts as the
// account it names, signed in as nobody.
func self(t time.Time) domain.Cmd {
	return domain.Cmd{Actor: domain.Actor{ID: accountID.String(), Role: domain.RoleNone, OrgUnit: "station-xinhua"}, Now: t}
}

// foldLogin applies payloads to s as events recorded by cmd.
func foldLogin(s *account.LoginState, cmd domain.Cmd, ps []domain.Payload) {
	for _, p := range ps {
		s.Apply(domain.Event{Actor: cmd.Actor, OccurredAt: cmd.Now, RecordedAt: cmd.Now, Payload: p})
	}
}

func TestLogin_FiveFailuresLock_ThenTheLockEndsAndCountingStartsAgain(t *testing.T) {
	var s account.LoginState
	for i := 1; i <= account.MaxLoginFailures; i++ {
		at := now.Add(time.Duration(i) * time.Second)
		ps, err := s.RecordFailure(self(at), accountID)
		check(t, ps, err, "", 0, account.TypeLoginFailed)
		got := ps[0].(account.LoginFailed)
		if got.Failures != i || got.AccountID != accountID {
			t.Fatalf("failure %d recorded %+v", i, got)
		}
		if lock := at.Add(account.LockoutPeriod).UTC(); (i == account.MaxLoginFailures) != got.LockedUntil.Equal(lock) {
			t.Fatalf("failure %d locks until %v", i, got.LockedUntil)
		}
		foldLogin(&s, self(at), ps)
	}
	fifth := now.Add(account.MaxLoginFailures * time.Second)
	until := fifth.Add(account.LockoutPeriod)
	if !s.Locked(fifth) || !s.Locked(until.Add(-time.Nanosecond)) || s.Locked(until) {
		t.Fatalf("lock %+v", s)
	}

	// While locked nothing is recorded, neither a failure nor the right
	// password.
	before := s
	ps, err := s.RecordFailure(self(fifth.Add(time.Minute)), accountID)
	check(t, ps, err, "account.login.locked", domain.KindConflict, "")
	ps, err = s.RecordSuccess(self(until.Add(-time.Second)), accountID)
	check(t, ps, err, "account.login.locked", domain.KindConflict, "")
	if !reflect.DeepEqual(before, s) {
		t.Fatal("a refused login changed the state")
	}

	// Once the lock ends, a failure counts from one and a success has no
	// failure to clear.
	ps, err = s.RecordSuccess(self(until), accountID)
	if err != nil || ps != nil {
		t.Fatalf("success after the lock: %v, %v", ps, err)
	}
	ps, err = s.RecordFailure(self(until), accountID)
	check(t, ps, err, "", 0, account.TypeLoginFailed)
	if got := ps[0].(account.LoginFailed); got.Failures != 1 || !got.LockedUntil.IsZero() {
		t.Fatalf("first failure after the lock: %+v", got)
	}
}

func TestLogin_SuccessClearsTheFailuresBeforeIt(t *testing.T) {
	var s account.LoginState
	if ps, err := s.RecordSuccess(self(now), accountID); err != nil || ps != nil {
		t.Fatalf("a success after no failure records %v, %v", ps, err)
	}
	for range account.MaxLoginFailures - 1 {
		ps, err := s.RecordFailure(self(now), accountID)
		check(t, ps, err, "", 0, account.TypeLoginFailed)
		foldLogin(&s, self(now), ps)
	}
	ps, err := s.RecordSuccess(self(now), accountID)
	check(t, ps, err, "", 0, account.TypeLoginFailuresCleared)
	if got := ps[0].(account.LoginFailuresCleared); got.Failures != account.MaxLoginFailures-1 {
		t.Fatalf("cleared %+v", got)
	}
	foldLogin(&s, self(now), ps)
	ps, err = s.RecordFailure(self(now), accountID)
	check(t, ps, err, "", 0, account.TypeLoginFailed)
	if got := ps[0].(account.LoginFailed); got.Failures != 1 {
		t.Fatalf("the count did not start again: %+v", got)
	}
}

func TestLogin_AsAnotherAccount_Refused(t *testing.T) {
	var s account.LoginState
	for _, tt := range []struct {
		name string
		cmd  domain.Cmd
		id   uuid.UUID
	}{
		{"an admin for the account", admin(), accountID},
		{"the account for another", self(now), adminID},
		{"no account", self(now), uuid.Nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ps, err := s.RecordFailure(tt.cmd, tt.id)
			check(t, ps, err, "account.login.own_account", domain.KindForbidden, "")
			ps, err = s.RecordSuccess(tt.cmd, tt.id)
			check(t, ps, err, "account.login.own_account", domain.KindForbidden, "")
		})
	}
}

// TestLogin_LastEventAlone_DecidesAsTheWholeStream drives random failures
// and successes at random times and checks that the state folded from the
// last event alone decides every later login as the state folded from the
// whole stream, and that no run of failures counts past the lock.
func TestLogin_LastEventAlone_DecidesAsTheWholeStream(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var s account.LoginState
		var last domain.Event
		at := now
		for range rapid.IntRange(1, 40).Draw(t, "steps") {
			at = at.Add(time.Duration(rapid.IntRange(0, 10*60).Draw(t, "seconds")) * time.Second)
			cmd := self(at)
			var ps []domain.Payload
			var err error
			if rapid.IntRange(0, 3).Draw(t, "command") == 0 {
				ps, err = s.RecordSuccess(cmd, accountID)
			} else {
				ps, err = s.RecordFailure(cmd, accountID)
			}
			if err != nil {
				rules.Known(t, err)
				if !s.Locked(at) {
					t.Fatalf("refused while unlocked: %v", err)
				}
				continue
			}
			for _, p := range ps {
				if f, ok := p.(account.LoginFailed); ok && (f.Failures < 1 || f.Failures > account.MaxLoginFailures) {
					t.Fatalf("failure counted %d", f.Failures)
				}
				last = domain.Event{Actor: cmd.Actor, OccurredAt: at, RecordedAt: at, Payload: p}
				s.Apply(last)
			}
			var tail account.LoginState
			if last.Payload != nil {
				tail.Apply(last)
			}
			later := at.Add(time.Duration(rapid.IntRange(0, 20*60).Draw(t, "later")) * time.Second)
			for _, decide := range []func(*account.LoginState) ([]domain.Payload, error){
				func(x *account.LoginState) ([]domain.Payload, error) { return x.RecordFailure(self(later), accountID) },
				func(x *account.LoginState) ([]domain.Payload, error) { return x.RecordSuccess(self(later), accountID) },
			} {
				p1, e1 := decide(&s)
				p2, e2 := decide(&tail)
				if !reflect.DeepEqual(p1, p2) || !reflect.DeepEqual(e1, e2) {
					t.Fatalf("whole stream decides %v, %v; last event %v, %v", p1, e1, p2, e2)
				}
			}
		}
	})
}

func TestIDForUsername_OneIDPerName(t *testing.T) {
	a, b := account.IDForUsername("li.xiaohong"), account.IDForUsername("li.xiaohong")
	if a != b || a.Version() != 5 {
		t.Fatalf("IDForUsername: %v then %v", a, b)
	}
	for _, other := range []string{"li.xiaohong2", "Li.xiaohong", "li.xiaohong ", ""} {
		if account.IDForUsername(other) == a {
			t.Errorf("%q has the ID of li.xiaohong", other)
		}
	}
	// Pinned: stored accounts' IDs were derived with this namespace.
	if got := account.IDForUsername("admin").String(); got != "5fe36514-71e8-53b0-8bac-b795a8120d5c" {
		t.Fatalf("IDForUsername(admin) = %s, want %s", got, "5fe36514-71e8-53b0-8bac-b795a8120d5c")
	}
}
