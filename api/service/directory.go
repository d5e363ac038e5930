package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/account"
	"casework/domain/org"
	"casework/eventstore"
)

// Directory is the in-memory view of the org tree and the accounts that
// every request needs (authentication, scope). It is a fold of the org and
// account streams, fed by a subscription to the global log, and rebuilt
// from the log at every start.
type Directory struct {
	store eventstore.Store
	reg   *domain.Registry
	log   *slog.Logger

	mu       sync.RWMutex
	units    map[uuid.UUID]*org.State
	accounts map[uuid.UUID]*account.State
	byName   map[string]uuid.UUID
	tree     atomic.Pointer[org.Tree]
	dirty    atomic.Bool

	applied atomic.Uint64
	wake    atomic.Pointer[chan struct{}]
	failed  atomic.Pointer[error]
	ready   chan struct{}
	once    sync.Once
}

func newDirectory(store eventstore.Store, reg *domain.Registry, log *slog.Logger) *Directory {
	d := &Directory{store: store, reg: reg, log: log, units: map[uuid.UUID]*org.State{},
		accounts: map[uuid.UUID]*account.State{}, byName: map[string]uuid.UUID{}, ready: make(chan struct{})}
	t, _ := org.NewTree(nil)
	d.tree.Store(t)
	ch := make(chan struct{})
	d.wake.Store(&ch)
	return d
}

// run folds org and account events until ctx ends: first those up to the
// head seen at start (then the directory is ready), then live ones.
func (d *Directory) run(ctx context.Context) {
	head, err := d.store.Head(ctx)
	if err != nil {
		d.fail(err)
		return
	}
	filter := eventstore.Filter{Categories: []string{org.Category, account.Category}}
	for ev, err := range d.store.ReadAll(ctx, 0, filter) {
		if err != nil {
			d.fail(err)
			return
		}
		if ev.Position > head {
			break
		}
		if err := d.apply(&ev); err != nil {
			d.fail(err)
			return
		}
	}
	d.advance(head)
	d.once.Do(func() { close(d.ready) })
	for ev, err := range d.store.SubscribeAll(ctx, head, filter) {
		if err != nil {
			if ctx.Err() == nil && !errors.Is(err, eventstore.ErrClosed) {
				d.fail(err)
			}
			return
		}
		if err := d.apply(&ev); err != nil {
			d.fail(err)
			return
		}
		d.advance(ev.Position)
	}
}

// advance records that every org and account event up to pos is folded.
func (d *Directory) advance(pos uint64) {
	d.applied.Store(pos)
	ch := make(chan struct{})
	close(*d.wake.Swap(&ch))
}

func (d *Directory) fail(err error) {
	err = fmt.Errorf("directory: %w", err)
	d.log.Error("directory stopped", "err", err)
	d.failed.Store(&err)
	ch := make(chan struct{})
	close(*d.wake.Swap(&ch))
}

// Err returns why the directory stopped, or nil while it runs.
func (d *Directory) Err() error {
	if e := d.failed.Load(); e != nil {
		return *e
	}
	return nil
}

func (d *Directory) apply(ev *eventstore.RecordedEvent) error {
	de, err := toDomain(d.reg, ev)
	if err != nil {
		return err
	}
	_, idStr, _ := strings.Cut(ev.Stream, "-")
	id, err := uuid.Parse(idStr)
	if err != nil {
		return fmt.Errorf("stream %s: %w", ev.Stream, err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	switch eventstore.Category(ev.Stream) {
	case org.Category:
		u := d.units[id]
		if u == nil {
			u = &org.State{}
			d.units[id] = u
		}
		u.Apply(de)
		// Rebuilt on the next read, so that catching up on many org
		// events costs one build, not one per event.
		d.dirty.Store(true)
	case account.Category:
		a := d.accounts[id]
		if a == nil {
			a = &account.State{}
			d.accounts[id] = a
		}
		a.Apply(de)
		if a.Exists {
			d.byName[a.Username] = id
		}
	}
	return nil
}

// Ready is closed once the directory has caught up with the log.
func (d *Directory) Ready() <-chan struct{} { return d.ready }

// WaitFor blocks until the directory has folded every org and account
// event up to position pos, ctx ends, or the directory fails. pos must be
// the position of an org or account event, or at most the head at start.
func (d *Directory) WaitFor(ctx context.Context, pos uint64) error {
	for {
		wake := *d.wake.Load()
		if err := d.Err(); err != nil {
			return err
		}
		if d.applied.Load() >= pos {
			return nil
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Tree returns the current org tree; it is immutable.
func (d *Directory) Tree() *org.Tree {
	if !d.dirty.Load() {
		return d.tree.Load()
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.dirty.Load() {
		units := make([]org.Unit, 0, len(d.units))
		for _, s := range d.units {
			if s.Exists {
				units = append(units, s.Unit())
			}
		}
		t, err := org.NewTree(units)
		if err != nil {
			// Only corrupt data makes a cycle; keep serving the last tree.
			d.log.Error("org tree", "err", err)
		} else {
			d.tree.Store(t)
		}
		d.dirty.Store(false)
	}
	return d.tree.Load()
}

// Unit returns a copy of the org unit's state.
func (d *Directory) Unit(id uuid.UUID) (org.State, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	u, ok := d.units[id]
	if !ok || !u.Exists {
		return org.State{}, false
	}
	return *u, true
}

// Account returns a copy of the account's state.
func (d *Directory) Account(id uuid.UUID) (account.State, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	a, ok := d.accounts[id]
	if !ok || !a.Exists {
		return account.State{}, false
	}
	return *a, true
}

// AccountByUsername returns a copy of the named account's state.
func (d *Directory) AccountByUsername(name string) (account.State, bool) {
	d.mu.RLock()
	id, ok := d.byName[name]
	d.mu.RUnlock()
	if !ok {
		return account.State{}, false
	}
	return d.Account(id)
}

// Accounts returns copies of every account, in no particular order.
func (d *Directory) Accounts() []account.State {
	d.mu.RLock()
	defer d.mu.RUnlock()
	out := make([]account.State, 0, len(d.accounts))
	for _, a := range d.accounts {
		if a.Exists {
			out = append(out, *a)
		}
	}
	return out
}
