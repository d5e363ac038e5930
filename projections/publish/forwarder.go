package publish

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"casework/domain"
	"casework/eventstore"
	"casework/projections/feed"
)

// Header names of a published event besides the CloudEvents ones.
const (
	// HeaderPosition carries the event's global position in the log.
	HeaderPosition = "Casework-Position"
	// HeaderRevision carries the event's 0-based revision in its stream.
	HeaderRevision = "Casework-Revision"
	// HeaderSchema carries the schema version of the payload.
	HeaderSchema = "Casework-Schema"
	// HeaderWithheld is set ("unknown-type" or "unreadable") when the
	// payload is left out because its sensitive fields cannot be told.
	HeaderWithheld = "Casework-Withheld"
)

var (
	specVersion = []string{"1.0"}
	contentJSON = []string{"application/json"}
)

// Config configures a Forwarder. The zero value of every field has a
// working default.
type Config struct {
	// Stream is the JetStream stream (DefaultStream); Prefix the first
	// subject token (DefaultPrefix).
	Stream, Prefix string
	// Replicas of the stream when the forwarder creates it (1).
	Replicas int
	// Window bounds the publications awaiting their PubAck (2048).
	Window int
	// AckTimeout bounds the wait for the oldest PubAck (10s); a timeout
	// ends the session, which reconciles and starts again.
	AckTimeout time.Duration
	// Source is the CloudEvents source ("urn:casework").
	Source string
	// Exclude lists categories that are not published; nil means
	// {"account", "login"}: account events hold password hashes, login
	// events are for auditors only.
	Exclude []string
	// Checkpoint keeps the acknowledged position across restarts (nil:
	// kept in memory only).
	Checkpoint Checkpoint
	// Registry decodes payloads; nil means catalog.Registry() is not
	// available here, so it is required.
	Registry *domain.Registry
	Logger   *slog.Logger
}

// Stats are the forwarder's counters.
type Stats struct {
	// Acked is the position up to which every event is in JetStream (or
	// excluded), acknowledged.
	Acked uint64
	// Published counts the PubAcks received since start.
	Published uint64
	// Failures counts sessions ended by an error (then reconciled).
	Failures uint64
	// Republished counts events found missing in JetStream at
	// reconciliation and published again.
	Republished uint64
}

// Forwarder publishes the global log to a JetStream stream, in position
// order, every event once. It reads the log from what the stream's last
// message says was published (the log, not the broker, is the source of
// truth), publishes asynchronously within a window, and requires each
// message to follow the one before it in the stream
// (Nats-Expected-Last-Sequence), so that a lost or failed publication can
// never leave a gap behind a later one; any failure ends the session and
// the next one reconciles again.
type Forwarder struct {
	store  eventstore.Store
	js     jetstream.JetStream
	cfg    Config
	log    *slog.Logger
	placer *feed.Placer
	idx    *feed.OrgIndex
	source []string
	// orgAt is the position up to which idx has folded the log (used by
	// the Run goroutine only).
	orgAt uint64

	acked, published, failures, republished atomic.Uint64
}

// New returns a forwarder from store to the JetStream of nc.
// Errors: cfg.Registry is nil; nc cannot give a JetStream context.
func New(store eventstore.Store, nc *nats.Conn, cfg Config) (*Forwarder, error) {
	if cfg.Registry == nil {
		return nil, errors.New("publish: a registry is required")
	}
	if cfg.Stream == "" {
		cfg.Stream = DefaultStream
	}
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	if cfg.Replicas <= 0 {
		cfg.Replicas = 1
	}
	if cfg.Window <= 0 {
		cfg.Window = 2048
	}
	if cfg.AckTimeout <= 0 {
		cfg.AckTimeout = 10 * time.Second
	}
	if cfg.Source == "" {
		cfg.Source = "urn:casework"
	}
	if cfg.Exclude == nil {
		cfg.Exclude = []string{"account", "login"}
	}
	if cfg.Checkpoint == nil {
		cfg.Checkpoint = &MemoryCheckpoint{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	// No per-message ack timeout (a timer each): awaitAcks times the
	// oldest publication only.
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(2*cfg.Window+16))
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	return &Forwarder{store: store, js: js, cfg: cfg, log: cfg.Logger,
		placer: feed.NewPlacer(store, cfg.Registry, 0, cfg.Logger), idx: feed.NewOrgIndex(), source: []string{cfg.Source}}, nil
}

// Stats returns the counters.
func (f *Forwarder) Stats() Stats {
	return Stats{Acked: f.acked.Load(), Published: f.published.Load(), Failures: f.failures.Load(), Republished: f.republished.Load()}
}

// Run forwards until ctx ends, then saves the checkpoint and returns nil.
// A failed session (broker unreachable, a timed-out or refused PubAck) is
// logged and retried with a growing pause; only a closed store or a
// checkpoint that cannot be read ends Run with an error.
func (f *Forwarder) Run(ctx context.Context) error {
	cp, err := f.cfg.Checkpoint.Load()
	if err != nil {
		return fmt.Errorf("forwarder: load checkpoint: %w", err)
	}
	f.acked.Store(cp)
	saved := cp
	save := func() {
		if a := f.acked.Load(); a != saved {
			if err := f.cfg.Checkpoint.Save(a); err != nil {
				f.log.Warn("forwarder: save checkpoint", "err", err)
				return
			}
			saved = a
		}
	}
	defer save()
	saverDone := make(chan struct{})
	sctx, stopSaver := context.WithCancel(ctx)
	go func() {
		defer close(saverDone)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-sctx.Done():
				return
			case <-t.C:
				save()
			}
		}
	}()
	defer func() { stopSaver(); <-saverDone }()

	pause := 50 * time.Millisecond
	for {
		start := time.Now()
		err := f.session(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, eventstore.ErrClosed) {
			return fmt.Errorf("forwarder: %w", err)
		}
		f.failures.Add(1)
		if time.Since(start) > 10*time.Second {
			pause = 50 * time.Millisecond
		}
		f.log.Warn("forwarder: session ended; reconciling", "err", err, "acked", f.acked.Load(), "retry_in", pause)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(pause):
		}
		pause = min(2*pause, 5*time.Second)
	}
}

// inflight is one publication awaiting its PubAck, or (fut nil) an
// excluded event whose position passes in order with the others.
type inflight struct {
	pos, seq uint64
	fut      jetstream.PubAckFuture
}

// session reconciles with the stream and publishes from there until an
// error or ctx's end.
func (f *Forwarder) session(ctx context.Context) error {
	st, err := f.ensureStream(ctx)
	if err != nil {
		return err
	}
	from, lastSeq, err := f.reconcile(ctx, st)
	if err != nil {
		return err
	}
	if err := f.foldOrg(ctx, from); err != nil {
		return err
	}
	f.acked.Store(from)

	sctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	pending := make(chan inflight, f.cfg.Window)
	acksDone := make(chan struct{})
	go func() {
		defer close(acksDone)
		f.awaitAcks(sctx, cancel, pending)
	}()
	err = f.publish(sctx, from, lastSeq, pending)
	close(pending)
	<-acksDone
	if cause := context.Cause(sctx); cause != nil && ctx.Err() == nil {
		return cause
	}
	return err
}

// built is an event ready to publish, or (msg nil) an excluded one.
type built struct {
	pos uint64
	msg *nats.Msg
}

// publish sends every event after position from, the first one expecting
// the stream's last sequence to be lastSeq. Reading the log and building
// messages run in one goroutine, publishing in another, so that the two
// overlap.
func (f *Forwarder) publish(ctx context.Context, from, lastSeq uint64, pending chan<- inflight) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	msgs := make(chan built, f.cfg.Window)
	readErr := make(chan error, 1)
	go func() {
		defer close(msgs)
		readErr <- f.build(ctx, from, msgs)
	}()
	seq := lastSeq
	var err error
	for b := range msgs {
		it := inflight{pos: b.pos}
		if b.msg != nil {
			it.fut, err = f.js.PublishMsgAsync(b.msg, jetstream.WithExpectLastSequence(seq))
			if err != nil {
				err = fmt.Errorf("publish position %d: %w", b.pos, err)
				break
			}
			seq++
			it.seq = seq
		}
		select {
		case pending <- it:
			continue
		case <-ctx.Done():
			err = ctx.Err()
		}
		break
	}
	cancel()
	for range msgs {
	}
	if rerr := <-readErr; err == nil {
		err = rerr
	}
	return err
}

// build reads the log after position from and sends each event's message
// on msgs until ctx ends or the log cannot be read.
func (f *Forwarder) build(ctx context.Context, from uint64, msgs chan<- built) error {
	for ev, err := range f.store.SubscribeAll(ctx, from, eventstore.Filter{}) {
		if err != nil {
			return err
		}
		if ev.Position > f.orgAt {
			f.idx.Apply(&ev)
			f.orgAt = ev.Position
		}
		b := built{pos: ev.Position}
		if !f.excluded(ev.Stream) {
			if b.msg, err = f.message(ctx, &ev); err != nil {
				return err
			}
		}
		select {
		case msgs <- b:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return ctx.Err()
}

// awaitAcks advances the acknowledged position in order; the first failed
// or unexpected PubAck cancels the session with its cause.
func (f *Forwarder) awaitAcks(ctx context.Context, cancel context.CancelCauseFunc, pending <-chan inflight) {
	timer := time.NewTimer(f.cfg.AckTimeout)
	defer timer.Stop()
	for it := range pending {
		if it.fut == nil {
			f.acked.Store(it.pos)
			continue
		}
		timer.Reset(f.cfg.AckTimeout)
		select {
		case ack := <-it.fut.Ok():
			if ack.Duplicate || ack.Sequence != it.seq {
				cancel(fmt.Errorf("position %d: stored as sequence %d (duplicate %t), expected %d", it.pos, ack.Sequence, ack.Duplicate, it.seq))
				return
			}
			f.acked.Store(it.pos)
			f.published.Add(1)
		case err := <-it.fut.Err():
			cancel(fmt.Errorf("position %d: %w", it.pos, err))
			return
		case <-timer.C:
			cancel(fmt.Errorf("position %d: no PubAck within %s", it.pos, f.cfg.AckTimeout))
			return
		case <-ctx.Done():
			return
		}
	}
}

func (f *Forwarder) excluded(stream string) bool {
	c := eventstore.Category(stream)
	for _, x := range f.cfg.Exclude {
		if x == c {
			return true
		}
	}
	return false
}

// ensureStream returns the stream, creating it when absent (first start,
// or a broker that lost its data).
func (f *Forwarder) ensureStream(ctx context.Context) (jetstream.Stream, error) {
	st, err := f.js.Stream(ctx, f.cfg.Stream)
	if err == nil {
		return st, nil
	}
	if !errors.Is(err, jetstream.ErrStreamNotFound) {
		return nil, fmt.Errorf("stream %s: %w", f.cfg.Stream, err)
	}
	st, err = f.js.CreateStream(ctx, jetstream.StreamConfig{
		Name: f.cfg.Stream, Description: "casework's event log (every event once, in position order)",
		Subjects: []string{f.cfg.Prefix + ".>"}, Storage: jetstream.FileStorage, Replicas: f.cfg.Replicas,
		Retention: jetstream.LimitsPolicy, Discard: jetstream.DiscardOld, Duplicates: 2 * time.Minute,
	})
	if err != nil && !errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
		return nil, fmt.Errorf("create stream %s: %w", f.cfg.Stream, err)
	}
	if err != nil {
		return f.js.Stream(ctx, f.cfg.Stream)
	}
	f.log.Info("forwarder: created stream", "stream", f.cfg.Stream, "replicas", f.cfg.Replicas)
	return st, nil
}

// reconcile returns the position to publish after and the stream's last
// sequence. The stream's last message names the last position it holds;
// a stream that lost messages the checkpoint says were acknowledged
// (JetStream acknowledges before fsync by default) gets them again. A
// stream emptied by its limits or an operator resumes at the checkpoint.
func (f *Forwarder) reconcile(ctx context.Context, st jetstream.Stream) (from, lastSeq uint64, err error) {
	info, err := st.Info(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("stream info: %w", err)
	}
	cp := f.acked.Load()
	lastSeq = info.State.LastSeq
	switch {
	case lastSeq == 0:
		from = 0
	default:
		msg, err := st.GetMsg(ctx, lastSeq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			msg, err = st.GetLastMsgForSubject(ctx, f.cfg.Prefix+".>")
		}
		switch {
		case errors.Is(err, jetstream.ErrMsgNotFound):
			from = cp
		case err != nil:
			return 0, 0, fmt.Errorf("last message: %w", err)
		default:
			if from, err = strconv.ParseUint(msg.Header.Get(HeaderPosition), 10, 64); err != nil {
				return 0, 0, fmt.Errorf("last message (sequence %d) has no %s: %w", msg.Sequence, HeaderPosition, err)
			}
		}
	}
	if from < cp {
		f.log.Warn("forwarder: JetStream lacks acknowledged events; publishing them again",
			"stream", f.cfg.Stream, "from", from+1, "to", cp)
		f.republished.Add(cp - from)
	}
	return from, lastSeq, nil
}

// foldOrg brings the org index up to position upTo by reading the org
// events of the log.
func (f *Forwarder) foldOrg(ctx context.Context, upTo uint64) error {
	if f.orgAt >= upTo {
		return nil
	}
	for ev, err := range f.store.ReadAll(ctx, f.orgAt, eventstore.Filter{Categories: []string{"org"}}) {
		if err != nil {
			return fmt.Errorf("fold org: %w", err)
		}
		if ev.Position > upTo {
			break
		}
		f.idx.Apply(&ev)
	}
	f.orgAt = upTo
	return nil
}

// message builds the NATS message of ev: CloudEvents binary mode, the
// payload without sensitive fields.
func (f *Forwarder) message(ctx context.Context, ev *eventstore.RecordedEvent) (*nats.Msg, error) {
	pl, err := f.placer.Lookup(ctx, ev)
	if err != nil {
		return nil, err
	}
	id := ev.ID.String()
	// One backing array for the values; the constant ones are shared
	// (nats.go only reads them).
	vals := [...]string{id, ev.Type, ev.Stream, ev.RecordedAt.UTC().Format(time.RFC3339Nano),
		strconv.FormatUint(ev.Position, 10), strconv.FormatUint(ev.Revision, 10)}
	h := make(nats.Header, 12)
	h["ce-specversion"] = specVersion
	h["ce-id"] = vals[0:1:1]
	h["ce-type"] = vals[1:2:2]
	h["ce-source"] = f.source
	h["ce-subject"] = vals[2:3:3]
	h["ce-time"] = vals[3:4:4]
	h[HeaderPosition] = vals[4:5:5]
	h[HeaderRevision] = vals[5:6:6]
	h[jetstream.MsgIDHeader] = vals[0:1:1]
	data, err := feed.Payload(f.cfg.Registry, ev)
	switch {
	case errors.Is(err, feed.ErrUnknownType):
		h[HeaderWithheld] = []string{"unknown-type"}
		data = nil
	case err != nil:
		f.log.Warn("forwarder: payload withheld", "stream", ev.Stream, "revision", ev.Revision, "err", err)
		h[HeaderWithheld] = []string{"unreadable"}
		data = nil
	default:
		h["Content-Type"] = contentJSON
		if def, ok := f.cfg.Registry.Def(ev.Type); ok {
			h[HeaderSchema] = []string{strconv.Itoa(def.Schema)}
		}
	}
	return &nats.Msg{Subject: Subject(f.cfg.Prefix, ev.Stream, ev.Type, pl, f.idx), Header: h, Data: data}, nil
}
