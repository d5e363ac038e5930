package service

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/account"
	"casework/eventstore"
)

// Login lockout. An account's failed logins are events of its login stream
// ("login-<account id>"), so that every node sharing the store counts the
// same failures: account.MaxLoginFailures in a row lock the account for
// account.LockoutPeriod on every node. Each attempt is decided on the
// stream's last event and appended expecting that event's revision, so two
// failures racing on two nodes can never both be counted as the same one,
// and a password is judged against the lock as it stands after the check:
// guesses sent in parallel past the lock are answered ErrLocked whatever
// their password. While an account is locked nothing is appended, and a
// success appends only when it clears failures, so an attacker adds at most
// account.MaxLoginFailures events per account per account.LockoutPeriod.
//
// A username that no account has writes nothing: its failures are counted
// in this node's memory only (unknownLogins), so that it is locked after as
// many failures as an account and the answer does not tell whether the
// account exists.

// maxLoginRetries bounds the appends of one attempt that lose a race: a
// race is lost to another attempt's event, and after
// account.MaxLoginFailures failures the account is locked and nothing more
// is appended.
const maxLoginRetries = account.MaxLoginFailures + 1

// loginPrincipal is who a login attempt acts as: the account it names,
// with none of its rights.
func loginPrincipal(a *account.State) Principal {
	p := PrincipalOf(a)
	p.Role = domain.RoleNone
	return p
}

// loginState folds the last event of the account's login stream (each
// carries the whole state after it). exists is false when the stream has
// no event yet; rev is the last event's revision.
func (s *Service) loginState(ctx context.Context, id uuid.UUID) (st account.LoginState, rev uint64, exists bool, err error) {
	stream := eventstore.StreamName(account.LoginCategory, id)
	evs, err := s.store.ReadStream(ctx, stream, eventstore.ReadStreamOptions{Direction: eventstore.Backward, From: eventstore.End, Limit: 1})
	if errors.Is(err, eventstore.ErrStreamNotFound) {
		return st, 0, false, nil
	}
	if err != nil {
		return st, 0, false, fmt.Errorf("read %s: %w", stream, err)
	}
	de, err := toDomain(s.reg, &evs[0])
	if err != nil {
		return st, 0, false, err
	}
	st.Apply(de)
	return st, evs[0].Revision, true, nil
}

// recordLogin decides on the account's login state as the store holds it
// and appends what decide returns, expecting the revision it decided on;
// when another attempt got in first it decides again. It returns ErrLocked
// when the account is locked, decide's other refusals, ErrConcurrency
// after maxLoginRetries lost races, or the store's error.
func (s *Service) recordLogin(ctx context.Context, a *account.State, decide func(*account.LoginState, domain.Cmd) ([]domain.Payload, error)) error {
	p := loginPrincipal(a)
	stream := eventstore.StreamName(account.LoginCategory, a.ID)
	for attempt := 0; ; attempt++ {
		st, rev, exists, err := s.loginState(ctx, a.ID)
		if err != nil {
			return err
		}
		now := s.now()
		actor := p.Actor()
		payloads, err := decide(&st, domain.Cmd{Actor: actor, Now: now})
		if err != nil {
			var re *domain.Error
			if errors.As(err, &re) && re.Rule == "account.login.locked" {
				return ErrLocked
			}
			return err
		}
		if len(payloads) == 0 {
			return nil
		}
		evs, _, err := s.encode(p, actor, Options{}, now, payloads)
		if err != nil {
			return err
		}
		expected := eventstore.NoStream
		if exists {
			expected = eventstore.Exact(rev)
		}
		start := time.Now()
		_, err = s.store.Append(ctx, stream, expected, evs...)
		s.metrics.appendDone(time.Since(start), err)
		if errors.Is(err, eventstore.ErrWrongExpectedRevision) {
			if attempt < maxLoginRetries {
				s.metrics.retried()
				continue
			}
			return ErrConcurrency
		}
		if err != nil {
			return fmt.Errorf("append %s: %w", stream, err)
		}
		return nil
	}
}

// unknownLogins counts failed logins under usernames no account has, in
// this node's memory only, by the accounts' own rule (account.LoginState
// under the ID the username would have). It holds at most
// maxUnknownLogins usernames and starts afresh past that, so that a flood
// of made-up names costs no memory; forgetting them unlocks only names no
// account has.
type unknownLogins struct {
	mu    sync.Mutex
	state map[string]account.LoginState
}

const maxUnknownLogins = 10_000

func (l *unknownLogins) locked(user string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := l.state[user]
	return st.Locked(now)
}

func (l *unknownLogins) fail(user string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.state == nil || len(l.state) >= maxUnknownLogins {
		l.state = map[string]account.LoginState{}
	}
	st := l.state[user]
	id := account.IDForUsername(user)
	evs, err := st.RecordFailure(domain.Cmd{Actor: domain.Actor{ID: id.String()}, Now: now}, id)
	if err != nil {
		return // locked: nothing is counted, as for an account
	}
	for _, p := range evs {
		st.Apply(domain.Event{Payload: p})
	}
	l.state[user] = st
}

// storeTime is a running average of the time a failed login to an account
// spends in the store (reading its login stream, appending the failure).
// A failure under an unknown username, which writes nothing, waits as long,
// so that the time of the answer does not tell whether the account exists.
type storeTime struct{ avg atomic.Int64 }

// maxStorePad bounds the wait, so that a slow store moment does not hold
// up every unknown username's answer.
const maxStorePad = 100 * time.Millisecond

func (t *storeTime) observe(d time.Duration) {
	old := t.avg.Load()
	t.avg.Store(old + (int64(d)-old)/8)
}

// pad waits for the average, or until ctx ends.
func (t *storeTime) pad(ctx context.Context) {
	d := min(time.Duration(t.avg.Load()), maxStorePad)
	if d <= 0 {
		return
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
	case <-ctx.Done():
	}
}
