// Package demo seeds a realistic Chinese dataset through the application
// layer, so that the demo is a valid history: every event passed the same
// authorization and rules as a request over HTTP, and every event's actor
// is the demo account that would have done it. Only the org tree and the
// accounts are created by the service itself (service.System).
//
// The history spans about fourteen months before today: the seed runs its
// own service over the store with a clock it moves to the day of each
// step, so that dates are realistic (a case opened in spring, served over
// the summer, closed in the autumn). Recorded times are the real ones.
package demo

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"

	"casework/api/service"
	"casework/domain"
	"casework/domain/value"
	"casework/eventstore"
	"casework/eventstore/pii"
)

// Password is the password of every demo account.
const Password = "casework-demo"

// Options configure a seed.
type Options struct {
	// Standards are the minimum-living standards household checks are
	// judged against (they must cover county 330112 over the last year).
	Standards service.StandardsSource
	Logger    *slog.Logger
	// Now is the real clock the history ends at (default time.Now).
	Now func() time.Time
	// Keys is the key store of the data directory (required).
	Keys pii.KeyStore
}

// Result says what a seed did.
type Result struct {
	// Seeded is false when the demo dataset was already there.
	Seeded bool
	Events uint64
	Cases  int
	Took   time.Duration
}

// ErrNotDemoStore is returned when the store holds data that is not a
// complete demo dataset: the seed refuses to mix demo data into it.
var ErrNotDemoStore = errors.New("the store holds data that is not a complete demo dataset; use an empty data directory for --demo")

// Seed adds the demo dataset to store unless it is already there (then it
// appends nothing). The admin account is created last, so its presence
// marks a complete seed.
// Errors: ErrNotDemoStore; any refusal of a command (a bug in the seed or
// standards that do not cover the demo county); store errors.
func Seed(ctx context.Context, store eventstore.Store, opts Options) (Result, error) {
	start := time.Now()
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return Result{}, err
	}
	clk := &clock{real: opts.Now, t: opts.Now()}
	// The seed's own service, on the store the node will serve: the same
	// command path, with a clock set to the day of each step.
	svc, err := service.New(store, service.Config{SigningKey: key, Now: clk.now, Standards: opts.Standards, Logger: opts.Logger, Keys: opts.Keys})
	if err != nil {
		return Result{}, err
	}
	defer svc.Close()
	if err := svc.WaitReady(ctx); err != nil {
		return Result{}, err
	}
	if Present(svc.Directory()) {
		return Result{}, nil
	}
	head, err := store.Head(ctx)
	if err != nil {
		return Result{}, err
	}
	if head > 0 {
		return Result{}, ErrNotDemoStore
	}
	s := &seeder{ctx: ctx, svc: svc, clk: clk, today: value.DateOf(opts.Now()), units: map[string]uuid.UUID{}, volunteers: map[string][]uuid.UUID{}, log: opts.Logger}
	if err := s.run(); err != nil {
		return Result{}, err
	}
	end, err := store.Head(ctx)
	if err != nil {
		return Result{}, err
	}
	return Result{Seeded: true, Events: end - head, Cases: s.cases, Took: time.Since(start)}, nil
}

// Present reports whether dir holds a complete demo dataset: the demo
// admin account exists at the demo city.
func Present(dir *service.Directory) bool {
	a, ok := dir.AccountByUsername("admin")
	if !ok {
		return false
	}
	unit, err := uuid.Parse(a.OrgUnit)
	if err != nil {
		return false
	}
	u, ok := dir.Unit(unit)
	return ok && u.Name == cityName
}

// clock is the seed service's clock: set to a day of the history, never
// past the real now.
type clock struct {
	mu   sync.Mutex
	real func() time.Time
	t    time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// set moves the clock to d at the given minute after 09:00 China time,
// or to the real now if that is earlier.
func (c *clock) set(d value.Date, minute int) {
	t := d.Start().Add(9*time.Hour + time.Duration(minute)*time.Minute)
	if r := c.real(); t.After(r) {
		t = r
	}
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// seeder holds the state of one seed run.
type seeder struct {
	ctx   context.Context
	svc   *service.Service
	clk   *clock
	log   *slog.Logger
	today value.Date
	units map[string]uuid.UUID
	cases int
	// seeded are the cases opened, for later steps (referrals).
	seeded []seededCase
	// contract is the demo contract's id.
	contract uuid.UUID
	// reassigned is set once a case has been handed over.
	reassigned bool
	// volunteers of each station, by station key.
	volunteers map[string][]uuid.UUID
}

// seededCase is a case the seed opened, for later steps (referrals).
type seededCase struct {
	id      uuid.UUID
	worker  string
	station string
	client  person
	domain  domain.ServiceDomain
	opened  value.Date
	stage   string
}

// day is the date n days before today.
func (s *seeder) day(n int) value.Date { return s.today.AddDays(-n) }

// as returns the principal of a seeded account, as authentication would.
func (s *seeder) as(username string) service.Principal {
	a, ok := s.svc.Directory().AccountByUsername(username)
	if !ok {
		panic("demo: no account " + username)
	}
	unit, _ := uuid.Parse(a.OrgUnit)
	return service.Principal{AccountID: a.ID, Username: a.Username, DisplayName: a.DisplayName, Role: a.Role, OrgUnit: unit}
}

// check wraps a refused step with what the seed was doing.
func check(what string, err error) error {
	if err != nil {
		return fmt.Errorf("seed %s: %w", what, err)
	}
	return nil
}

func (s *seeder) run() error {
	steps := []struct {
		name string
		f    func() error
	}{
		{"org tree", s.orgTree},
		{"accounts", s.staffAccounts},
		{"cases", s.seedCases},
	}
	steps = append(steps, extraSteps(s)...)
	steps = append(steps, struct {
		name string
		f    func() error
	}{"admin", s.adminAccount})
	for _, st := range steps {
		t := time.Now()
		if err := st.f(); err != nil {
			return err
		}
		s.log.Debug("demo step", "step", st.name, "took", time.Since(t).Round(time.Millisecond))
	}
	return nil
}
