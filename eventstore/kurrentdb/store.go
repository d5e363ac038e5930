package kurrentdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"casework/eventstore"
)

// Options configure Open.
type Options struct {
	// URL is the client's connection string, for example
	// "esdb://localhost:2113?tls=false" or, for a cluster,
	// "esdb+discover://node1:2113,node2:2113?tls=false".
	URL string
	// Hash is the chain hash recorded when the server holds no casework
	// settings yet (default SHA-256). A server keeps the hash it was
	// first opened with, which must be SHA-256, Hash or one of
	// KnownHashes.
	Hash        eventstore.ChainHash
	KnownHashes []eventstore.ChainHash
	// Logger receives the client's log lines (default: discarded).
	Logger *slog.Logger
	// PageSize bounds the events read per request by ReadAll, Verify and
	// VerifyAll (default 256).
	PageSize int
	// AppendAttempts bounds the read-compute-append rounds of an append
	// with Any or StreamExists that loses races (default 8).
	AppendAttempts int
	// TailWindow is how many of a stream's last events an append reads
	// to detect a retry or a duplicate ID (default 64).
	TailWindow int
}

// settingsStream records the chain hash of the store. Its name is not a
// valid casework stream name, so reads never serve it.
const settingsStream = "casework.settings"

const settingsType = "StoreSettings"

type settings struct {
	Hash string `json:"hash"`
}

// Store is an eventstore.Store over a KurrentDB cluster. It is safe for
// concurrent use.
type Store struct {
	client *esdb.Client
	hash   eventstore.ChainHash
	log    *slog.Logger
	opts   Options

	mu      sync.Mutex
	closed  bool
	done    chan struct{}
	calls   sync.WaitGroup
	closing context.Context // done when Close starts: ends iterations
	cancel  context.CancelFunc
}

var _ eventstore.Store = (*Store)(nil)

// Open connects to the server at opts.URL, records the chain hash if the
// server has none, and checks that the recorded one is known.
//
// Errors: a malformed URL; ctx's error or ErrUnavailable when the server
// cannot be reached; ErrUnsupportedServer when it reports no $all
// positions on stream reads (before 22.6); an error naming both hashes
// when the recorded hash is unknown.
func Open(ctx context.Context, opts Options) (_ *Store, err error) {
	defer wrap(&err, "open")
	if opts.Hash.Name == "" {
		opts.Hash = eventstore.SHA256
	}
	if opts.PageSize <= 1 {
		opts.PageSize = 256
	}
	if opts.AppendAttempts <= 0 {
		opts.AppendAttempts = 8
	}
	if opts.TailWindow <= 0 {
		opts.TailWindow = 64
	}
	cfg, err := esdb.ParseConnectionString(opts.URL)
	if err != nil {
		return nil, fmt.Errorf("parse url: %w", err)
	}
	client, err := esdb.NewClient(withLogger(cfg, opts.Logger))
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	s := newStore(client, opts)
	name, err := s.loadSettings(ctx)
	if err != nil {
		s.Close()
		return nil, err
	}
	h, ok := eventstore.LookupHash(name, append(opts.KnownHashes, opts.Hash)...)
	if !ok {
		s.Close()
		return nil, fmt.Errorf("the server's events are chained with %q, which is neither %q nor one of Options.KnownHashes", name, opts.Hash.Name)
	}
	s.hash = h
	return s, nil
}

func newStore(client *esdb.Client, opts Options) *Store {
	closing, cancel := context.WithCancel(context.Background())
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Store{client: client, hash: opts.Hash, log: log, opts: opts, done: make(chan struct{}), closing: closing, cancel: cancel}
}

// withLogger routes the client's log lines to log.
func withLogger(cfg *esdb.Configuration, log *slog.Logger) *esdb.Configuration {
	if log == nil {
		cfg.Logger = esdb.NoopLogging()
		return cfg
	}
	cfg.Logger = func(level esdb.LogLevel, format string, args ...any) {
		// The client passes its arguments as one slice in some calls.
		if len(args) == 1 {
			if inner, ok := args[0].([]any); ok {
				args = inner
			}
		}
		l := slog.LevelDebug
		switch level {
		case esdb.LogError, esdb.LogWarn:
			// The client logs every dropped subscription and failed call
			// as an error; the caller sees those as errors already.
			l = slog.LevelWarn
		case esdb.LogInfo:
			l = slog.LevelInfo
		}
		log.Log(context.Background(), l, "kurrentdb client: "+fmt.Sprintf(format, args...))
	}
	return cfg
}

// loadSettings returns the chain hash recorded on the server, recording
// opts.Hash first if there is none.
func (s *Store) loadSettings(ctx context.Context) (string, error) {
	for attempt := range 5 {
		if attempt > 0 {
			if err := backoff(ctx, attempt+4); err != nil {
				return "", err
			}
		}
		ev, err := s.readFirst(ctx, settingsStream)
		switch {
		case errors.Is(err, ErrUnavailable):
			continue // not the leader yet: the client is moving to it
		case err == nil:
			if _, err := position(ev.Position); err != nil {
				return "", err
			}
			var st settings
			if err := json.Unmarshal(ev.Data, &st); err != nil || st.Hash == "" {
				return "", fmt.Errorf("settings stream %s holds no chain hash: %v", settingsStream, err)
			}
			return st.Hash, nil
		case !errors.Is(err, eventstore.ErrStreamNotFound):
			return "", fmt.Errorf("read settings: %w", err)
		}
		data, _ := json.Marshal(settings{Hash: s.opts.Hash.Name})
		id, err := newEventID()
		if err != nil {
			return "", err
		}
		_, err = s.client.AppendToStream(ctx, settingsStream, esdb.AppendToStreamOptions{ExpectedRevision: esdb.NoStream{}},
			esdb.EventData{EventID: id, EventType: settingsType, ContentType: esdb.ContentTypeJson, Data: data})
		if err = ctxError(ctx, err); err != nil && !errors.Is(err, eventstore.ErrWrongExpectedRevision) && !errors.Is(err, ErrUnavailable) {
			return "", fmt.Errorf("record settings: %w", err)
		}
		// Written now, or by another node first: read what is recorded.
	}
	return "", fmt.Errorf("settings stream %s: neither readable nor writable", settingsStream)
}

// readFirst returns the first event of a stream.
func (s *Store) readFirst(ctx context.Context, stream string) (*esdb.RecordedEvent, error) {
	rs, err := s.client.ReadStream(ctx, stream, esdb.ReadStreamOptions{Direction: esdb.Forwards, From: esdb.Start{}, RequiresLeader: true}, 1)
	if err != nil {
		return nil, ctxError(ctx, err)
	}
	defer rs.Close()
	ev, err := rs.Recv()
	if errors.Is(err, io.EOF) {
		return nil, eventstore.ErrStreamNotFound
	}
	if err != nil {
		return nil, ctxError(ctx, err)
	}
	return ev.Event, nil
}

// HashAlgorithm names the chain hash recorded on the server.
func (s *Store) HashAlgorithm() string { return s.hash.Name }

// enter registers a call; it fails with ErrClosed once Close has started.
func (s *Store) enter() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return eventstore.ErrClosed
	}
	s.calls.Add(1)
	return nil
}

func (s *Store) leave() { s.calls.Done() }

// iterContext returns a context done when ctx is or when the store closes,
// for reads that run as long as their caller iterates.
func (s *Store) iterContext(ctx context.Context) (context.Context, context.CancelFunc) {
	c, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(s.closing, cancel)
	return c, func() { stop(); cancel() }
}

// isClosing reports whether Close has started.
func (s *Store) isClosing() bool { return s.closing.Err() != nil }

// Close ends subscriptions and ReadAll iterations, waits for the other
// calls in flight (appends complete or fail on their own), then closes the
// connection. Afterwards every method returns an error matching
// eventstore.ErrClosed. It is safe to call more than once; later calls wait
// for the first to finish and return nil.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		<-s.done
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	s.calls.Wait()
	err := s.client.Close()
	close(s.done)
	if err != nil {
		return fmt.Errorf("kurrentdb: close: %w", err)
	}
	return nil
}
