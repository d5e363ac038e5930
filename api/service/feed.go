package service

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"casework/domain"
	"casework/domain/casefile"
	"casework/domain/project"
	"casework/domain/referral"
	"casework/domain/station"
	"casework/eventstore"
	"casework/projections/feed"
)

// Reasons a live feed ends or pauses.
var (
	// ErrFeedIdle: no event within the idle time; the feed goes on (a
	// heartbeat is due).
	ErrFeedIdle = errors.New("feed: idle")
	// ErrSlowConsumer: the feed's buffer filled because its reader fell
	// behind; reconnecting resumes from the log.
	ErrSlowConsumer = errors.New("feed: the client reads too slowly; reconnect with Last-Event-ID to resume")
	// ErrFeedClosed: the service is shutting down.
	ErrFeedClosed = errors.New("feed: the service is shutting down")
	// ErrFeedRevoked: the account was disabled or its role or org unit
	// changed since the feed opened.
	ErrFeedRevoked = errors.New("feed: the account's access changed; sign in again")
	// ErrFeedExpired: the credentials the feed was opened with expired
	// (Principal.ExpiresAt); events after the last one returned follow a
	// new sign-in that resumes from it.
	ErrFeedExpired = errors.New("feed: the access token expired; sign in again and resume with Last-Event-ID")
)

// FeedRequest selects a live feed.
type FeedRequest struct {
	// Categories and Types narrow the feed (referral, case, station,
	// project; event type names). Empty Categories mean every offered
	// category the caller may read; empty Types every type.
	Categories []string
	Types      []string
	// After is the position of the last event the caller has seen (the
	// SSE Last-Event-ID); the feed starts right after it, from the log.
	// Zero starts with the events appended from now on.
	After uint64
	// Buffer bounds the events waiting for the reader (default 256).
	Buffer int
}

// FeedEvent is one event of a live feed: the envelope and the payload
// without any sensitive field. A referral addressed to the caller's agency
// is shown as the receiving side sees its history (View "receiving").
type FeedEvent struct {
	Envelope
	Stream string          `json:"stream"`
	View   string          `json:"view"`
	Schema int             `json:"schema"`
	Data   json.RawMessage `json:"data"`
	// Withheld says why Data is null ("unknown-type", "unreadable").
	Withheld string `json:"withheld,omitempty"`
	// JSON is this event's JSON encoding on one line, shared by every
	// feed that shows it: read it, never change it.
	JSON []byte `json:"-"`
}

// Feed is one caller's live feed: first the events after its start
// position read from the log, then live ones, each exactly once, in
// position order. It is not safe for concurrent use; Close it when done.
type Feed struct {
	s      *Service
	hub    *feedHub
	ctx    context.Context
	sub    *feedSub
	after  uint64
	slack  uint64
	bound  uint64
	live   bool
	joined bool
	next   func() (eventstore.RecordedEvent, error, bool)
	stop   func()
	timer  *time.Timer
	// access re-checks the account at most once per checked interval.
	checked time.Time
}

// Feed opens a live feed for p. ctx bounds the feed's reads of the log
// (the request's context).
// Errors: ErrNotFound (p may read none of the categories asked for),
// *FieldError (types: an unknown type, or one the feed does not offer;
// categories: one the feed does not offer), ErrUnavailable, ErrFeedClosed.
func (s *Service) Feed(ctx context.Context, p Principal, req FeedRequest) (*Feed, error) {
	h := s.feeds
	filter, err := h.filter(p, req)
	if err != nil {
		return nil, err
	}
	select {
	case <-h.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if err := h.err(); err != nil {
		return nil, err
	}
	if req.Buffer <= 0 {
		req.Buffer = 256
	}
	f := &Feed{s: s, hub: h, ctx: ctx, sub: &feedSub{p: p, filter: filter, ch: make(chan delivery, req.Buffer)},
		after: req.After, slack: uint64(req.Buffer / 2), checked: time.Now()}
	if req.After == 0 {
		// From now on: after the head, which the hub may not have
		// reached yet.
		head, err := s.store.Head(ctx)
		if err != nil {
			return nil, fmt.Errorf("%w: live feed: %v", ErrUnavailable, err)
		}
		f.after = head
	}
	return f, nil
}

// filter checks a request against what the feed offers and p may read.
func (h *feedHub) filter(p Principal, req FeedRequest) (eventstore.Filter, error) {
	readable := func(cat string) bool {
		switch cat {
		case referral.Category:
			return can(p, referralReaders...)
		case casefile.Category:
			return can(p, caseReaders...)
		case station.Category, project.Category:
			return can(p, stationReaders...)
		}
		return false
	}
	cats := map[string]bool{}
	for _, c := range req.Categories {
		if !slices.Contains(feedCategories, c) {
			return eventstore.Filter{}, &FieldError{Field: "categories", Rule: "feed.categories.offered",
				Message: "the feed offers " + strings.Join(feedCategories, ", ") + ", not " + c}
		}
		cats[c] = true
	}
	for _, t := range req.Types {
		cat, ok := h.category[t]
		if !ok {
			return eventstore.Filter{}, &FieldError{Field: "types", Rule: "feed.types.known", Message: "no event type " + t}
		}
		if !slices.Contains(feedCategories, cat) {
			return eventstore.Filter{}, &FieldError{Field: "types", Rule: "feed.types.offered",
				Message: t + " is a " + cat + " event; the feed offers " + strings.Join(feedCategories, ", ") + " events"}
		}
		if len(req.Categories) > 0 && !cats[cat] {
			return eventstore.Filter{}, &FieldError{Field: "types", Rule: "feed.types.offered", Message: t + " is not a " + strings.Join(req.Categories, " or ") + " event"}
		}
		cats[cat] = true
	}
	if len(cats) == 0 {
		for _, c := range feedCategories {
			if readable(c) {
				cats[c] = true
			}
		}
	}
	f := eventstore.Filter{Types: slices.Clone(req.Types)}
	for _, c := range feedCategories {
		if !cats[c] {
			continue
		}
		if !readable(c) {
			return eventstore.Filter{}, ErrNotFound
		}
		f.Categories = append(f.Categories, c)
	}
	if len(f.Categories) == 0 {
		return eventstore.Filter{}, ErrNotFound
	}
	return f, nil
}

// Next returns the next event the caller may see. It returns ErrFeedIdle
// when no event came within idle (the feed goes on); ErrSlowConsumer,
// ErrFeedClosed, ErrFeedRevoked or ErrFeedExpired when the feed has ended
// (ErrFeedExpired as soon as the principal's credentials expire, even
// within idle); ctx's error; or the store's error reading the log.
func (f *Feed) Next(ctx context.Context, idle time.Duration) (FeedEvent, error) {
	if err := f.checkAccess(); err != nil {
		return FeedEvent{}, err
	}
	if f.expired() {
		return FeedEvent{}, ErrFeedExpired
	}
	for !f.live {
		ev, ok, err := f.catchUp()
		if f.expired() {
			// Reading the log took until the expiry: what was read is
			// read again after the next sign-in.
			return FeedEvent{}, ErrFeedExpired
		}
		if err != nil || ok {
			return ev, err
		}
	}
	end := ErrFeedIdle
	if exp := f.sub.p.ExpiresAt; !exp.IsZero() {
		if left := exp.Sub(f.s.now()); left <= idle {
			idle, end = left, ErrFeedExpired
		}
	}
	if f.timer == nil {
		f.timer = time.NewTimer(idle)
	} else {
		f.timer.Reset(idle)
	}
	defer f.timer.Stop()
	for {
		select {
		case d, ok := <-f.sub.ch:
			if !ok {
				return FeedEvent{}, f.sub.reason
			}
			if d.ev.rec.Position <= f.after {
				continue
			}
			if f.expired() {
				return FeedEvent{}, ErrFeedExpired
			}
			f.after = d.ev.rec.Position
			return d.ev.view(f.s, d.aud), nil
		case <-f.timer.C:
			return FeedEvent{}, end
		case <-ctx.Done():
			return FeedEvent{}, ctx.Err()
		}
	}
}

// TryNext returns the next event if one is already waiting for a live
// feed, without blocking; false otherwise (then call Next). It lets a
// writer send what is queued before flushing once.
func (f *Feed) TryNext() (FeedEvent, bool) {
	if !f.live || f.expired() {
		return FeedEvent{}, false
	}
	for {
		select {
		case d, ok := <-f.sub.ch:
			if !ok {
				// Put the end back for Next to report.
				f.sub.ch = closedDeliveries
				return FeedEvent{}, false
			}
			if d.ev.rec.Position <= f.after {
				continue
			}
			f.after = d.ev.rec.Position
			return d.ev.view(f.s, d.aud), true
		default:
			return FeedEvent{}, false
		}
	}
}

// closedDeliveries is a closed channel, which a feed that saw its
// channel closed in TryNext reads from next.
var closedDeliveries = func() chan delivery { c := make(chan delivery); close(c); return c }()

// catchUp reads the log after f.after up to a bound: the hub's position,
// and once close enough to it, the position at which the feed joined the
// hub, from where live events follow with no gap. It returns a visible
// event (ok), or ok false when it moved on without one.
func (f *Feed) catchUp() (FeedEvent, bool, error) {
	if f.next == nil {
		if !f.joined {
			if hp := f.hub.position(); hp <= f.after || hp-f.after <= f.slack {
				pos, err := f.hub.add(f.sub)
				if err != nil {
					return FeedEvent{}, false, err
				}
				f.joined, f.bound = true, pos
			} else {
				f.bound = hp
			}
		}
		if f.after >= f.bound {
			f.live = f.joined
			return FeedEvent{}, false, nil
		}
		f.next, f.stop = iter.Pull2(f.s.store.ReadAll(f.ctx, f.after, f.sub.filter))
	}
	for {
		ev, err, ok := f.next()
		if err != nil {
			f.endRead()
			return FeedEvent{}, false, err
		}
		if !ok || ev.Position > f.bound {
			f.endRead()
			f.after = max(f.after, f.bound)
			return FeedEvent{}, false, nil
		}
		pl, err := f.hub.placer.Lookup(f.ctx, &ev)
		if err != nil {
			f.endRead()
			return FeedEvent{}, false, err
		}
		f.after = ev.Position
		aud := feedAudience(f.s.dir.Tree(), f.sub.p, eventstore.Category(ev.Stream), pl)
		if aud != audienceNone {
			return (&sharedEvent{rec: ev, place: pl}).view(f.s, aud), true, nil
		}
	}
}

func (f *Feed) endRead() {
	if f.stop != nil {
		f.stop()
	}
	f.next, f.stop = nil, nil
}

// expired reports whether the credentials the feed was opened with have
// expired, by the service's clock (as tokens are checked).
func (f *Feed) expired() bool {
	exp := f.sub.p.ExpiresAt
	return !exp.IsZero() && !f.s.now().Before(exp)
}

// checkAccess ends the feed when the account was disabled or moved since
// the feed opened; it looks at most once a second.
func (f *Feed) checkAccess() error {
	if f.sub.p.Role == domain.RoleSystem || time.Since(f.checked) < time.Second {
		return nil
	}
	f.checked = time.Now()
	a, ok := f.s.dir.Account(f.sub.p.AccountID)
	if !ok || a.Disabled || a.Role != f.sub.p.Role || a.OrgUnit != f.sub.p.OrgUnit.String() {
		return ErrFeedRevoked
	}
	return nil
}

// Close ends the feed and releases its place in the hub.
func (f *Feed) Close() {
	f.endRead()
	f.hub.remove(f.sub)
}

// CloseFeeds ends every live feed (ErrFeedClosed), so that an HTTP
// server's graceful shutdown need not wait for them.
func (s *Service) CloseFeeds() { s.feeds.stop(ErrFeedClosed) }

// renderFeed shows ev as aud may see it.
func (s *Service) renderFeed(ev *sharedEvent, aud referralAudience) FeedEvent {
	r := &ev.rec
	out := FeedEvent{Envelope: envelopeOf(r), Stream: r.Stream, View: ViewFull}
	if def, ok := s.reg.Def(r.Type); ok {
		out.Schema = def.Schema
	}
	data, err := ev.payload(s.reg)
	switch {
	case errors.Is(err, feed.ErrUnknownType):
		out.Withheld = "unknown-type"
	case err != nil:
		s.log.Warn("live feed: payload withheld", "stream", r.Stream, "revision", r.Revision, "err", err)
		out.Withheld = "unreadable"
	default:
		out.Data = data
	}
	if aud == audienceReceiving {
		out.View = ViewReceiving
		out.CausationID = ""
		if out.Data != nil {
			if out.Data, err = receivingData(r.Type, r.Revision, out.Data); err != nil {
				s.log.Warn("live feed: payload withheld", "stream", r.Stream, "revision", r.Revision, "err", err)
				out.Data, out.Withheld = nil, "unreadable"
			}
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		// Only an invalid payload can fail; withhold it.
		s.log.Warn("live feed: payload withheld", "stream", r.Stream, "revision", r.Revision, "err", err)
		out.Data, out.Withheld = nil, "unreadable"
		buf.Reset()
		_ = enc.Encode(out)
	}
	out.JSON = bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	return out
}
