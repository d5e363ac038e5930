package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/casefile"
	"casework/domain/catalog"
	"casework/domain/org"
	"casework/domain/project"
	"casework/domain/referral"
	"casework/domain/station"
	"casework/eventstore"
	"casework/projections/feed"
)

// feedCategories are the stream categories the live feed offers, each
// shown to whom may read its records through the API.
var feedCategories = []string{casefile.Category, referral.Category, station.Category, project.Category}

// feedHub is the one subscription to the log behind every live feed: it
// hands each new event of the offered categories to the feeds that may
// see it, without ever waiting for one. A feed whose buffer is full is
// dropped with ErrSlowConsumer; its client resumes from the log. While no
// feed is open the hub reads nothing: events nobody would receive are not
// read back from the log, and the first feed to join starts at the head.
type feedHub struct {
	s      *Service
	placer *feed.Placer
	// category of every registered event type.
	category map[string]string

	ready  chan struct{}
	mu     sync.Mutex
	pos    uint64 // every offered event up to pos has been handed out
	subs   map[*feedSub]struct{}
	failed error
	// idle is true while run waits for a first feed, reading nothing;
	// every event up to the store's head counts as handed out then.
	idle bool
	// join wakes an idle run (buffered: a wake-up is never lost).
	join chan struct{}
}

// feedSub is one feed's place in the hub.
type feedSub struct {
	p      Principal
	filter eventstore.Filter
	ch     chan delivery
	// reason is set, under the hub's lock, before ch is closed.
	reason error
}

// delivery is an event for one feed, with how much of it the feed's
// principal may see.
type delivery struct {
	ev  *sharedEvent
	aud referralAudience
}

// sharedEvent is a live event with its place and its public payload,
// computed once for every feed.
type sharedEvent struct {
	rec   eventstore.RecordedEvent
	place feed.Place
	once  sync.Once
	data  json.RawMessage
	err   error
	// views are the event as each audience sees it, rendered once.
	views [audienceFull + 1]struct {
		once sync.Once
		ev   FeedEvent
	}
}

func (e *sharedEvent) payload(reg *domain.Registry) (json.RawMessage, error) {
	e.once.Do(func() { e.data, e.err = feed.Payload(reg, &e.rec) })
	return e.data, e.err
}

// view returns the event as aud sees it, with its JSON, rendered once for
// every feed of that audience.
func (e *sharedEvent) view(s *Service, aud referralAudience) FeedEvent {
	v := &e.views[aud]
	v.once.Do(func() { v.ev = s.renderFeed(e, aud) })
	return v.ev
}

func newFeedHub(s *Service) *feedHub {
	h := &feedHub{s: s, placer: feed.NewPlacer(s.store, s.reg, 0, s.log), category: map[string]string{},
		ready: make(chan struct{}), subs: map[*feedSub]struct{}{}, join: make(chan struct{}, 1)}
	for _, a := range catalog.Aggregates() {
		r := domain.NewRegistry()
		a.RegisterEvents(r)
		for _, n := range r.Names() {
			h.category[n] = a.Category
		}
	}
	return h
}

// run hands out live events from the head at start until ctx ends or the
// store fails; then every feed ends. While no feed is open it waits for
// one, and then follows the log from where the hub stands.
func (h *feedHub) run(ctx context.Context) {
	pos, err := h.s.store.Head(ctx)
	if err != nil {
		h.stop(fmt.Errorf("%w: live feed: %v", ErrUnavailable, err))
		close(h.ready)
		return
	}
	h.pos = pos
	close(h.ready)
	for {
		from, ok := h.awaitFeed(ctx)
		if !ok {
			h.stop(ErrFeedClosed)
			return
		}
		if err := h.follow(ctx, from); err != nil {
			if ctx.Err() != nil || errors.Is(err, eventstore.ErrClosed) {
				h.stop(ErrFeedClosed)
			} else {
				h.s.log.Error("live feed stopped", "err", err)
				h.stop(fmt.Errorf("%w: live feed: %v", ErrUnavailable, err))
			}
			return
		}
	}
}

// awaitFeed waits until a feed is open and returns the position to follow
// the log from; false when ctx ended first.
func (h *feedHub) awaitFeed(ctx context.Context) (uint64, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for len(h.subs) == 0 {
		h.idle = true
		h.mu.Unlock()
		select {
		case <-h.join:
		case <-ctx.Done():
			h.mu.Lock()
			return 0, false
		}
		h.mu.Lock()
	}
	h.idle = false
	return h.pos, true
}

// follow hands out the events after pos until no feed is left (nil) or
// the log cannot be read (the error).
func (h *feedHub) follow(ctx context.Context, pos uint64) error {
	for ev, err := range h.s.store.SubscribeAll(ctx, pos, eventstore.Filter{Categories: feedCategories}) {
		if err != nil {
			return err
		}
		pl, err := h.placer.Lookup(ctx, &ev)
		if err != nil {
			return err
		}
		if !h.dispatch(&sharedEvent{rec: ev, place: pl}) {
			return nil
		}
	}
	return nil
}

// dispatch hands ev to the feeds that may see it. It returns false when
// no feed is open, so that the hub stops reading the log.
func (h *feedHub) dispatch(ev *sharedEvent) bool {
	t := h.s.dir.Tree()
	cat := eventstore.Category(ev.rec.Stream)
	h.mu.Lock()
	defer h.mu.Unlock()
	for sub := range h.subs {
		if !sub.filter.Match(ev.rec.Stream, ev.rec.Type) {
			continue
		}
		aud := feedAudience(t, sub.p, cat, ev.place)
		if aud == audienceNone {
			continue
		}
		select {
		case sub.ch <- delivery{ev: ev, aud: aud}:
		default:
			h.drop(sub, ErrSlowConsumer)
		}
	}
	h.pos = ev.rec.Position
	return len(h.subs) > 0
}

// drop ends sub with reason; h.mu is held.
func (h *feedHub) drop(sub *feedSub, reason error) {
	if _, ok := h.subs[sub]; !ok {
		return
	}
	delete(h.subs, sub)
	sub.reason = reason
	close(sub.ch)
}

// stop ends every feed with reason and refuses new ones.
func (h *feedHub) stop(reason error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.failed == nil {
		h.failed = reason
	}
	for sub := range h.subs {
		h.drop(sub, reason)
	}
}

// err returns why the hub stopped, nil while it runs.
func (h *feedHub) err() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.failed
}

// position returns the position up to which events were handed out:
// the store's head while no feed is open.
func (h *feedHub) position() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.idle {
		if head, err := h.s.store.Head(context.Background()); err == nil {
			return max(h.pos, head)
		}
	}
	return h.pos
}

// add registers sub and returns the position after which it receives
// events. Errors: the reason the hub stopped, or the store's when the hub
// was idle and its head cannot be read.
func (h *feedHub) add(sub *feedSub) (uint64, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.failed != nil {
		return 0, h.failed
	}
	if h.idle {
		// Nothing was read while idle: the feed joins at the head, which
		// run follows from once woken.
		head, err := h.s.store.Head(context.Background())
		if err != nil {
			return 0, fmt.Errorf("%w: live feed: %v", ErrUnavailable, err)
		}
		h.pos = max(h.pos, head)
		h.idle = false
		select {
		case h.join <- struct{}{}:
		default:
		}
	}
	h.subs[sub] = struct{}{}
	return h.pos, nil
}

func (h *feedHub) remove(sub *feedSub) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.drop(sub, ErrFeedClosed)
}

// feedAudience says how much of an event of category, in a stream placed
// at pl, p may see: exactly what the API's reads of that record allow.
func feedAudience(t *org.Tree, p Principal, category string, pl feed.Place) referralAudience {
	inScope := func(id uuid.UUID) bool { return inScopeOf(t, p, id) }
	switch category {
	case referral.Category:
		return referralAudienceAt(t, p, pl.Station, pl.Agency)
	case casefile.Category:
		if can(p, caseReaders...) && inScope(pl.Station) {
			return audienceFull
		}
	case station.Category, project.Category:
		if can(p, stationReaders...) && inScope(pl.Station) {
			return audienceFull
		}
	}
	return audienceNone
}
