// Package service is casework's application layer: it authenticates,
// authorizes by role and place in the hierarchy, loads aggregates by
// folding their streams, lets the domain decide, and appends with the
// expected revision, retrying on conflict. It knows nothing of HTTP, so
// that the HTTP layer, the command line and tests call the same code.
package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"casework/domain"
	"casework/domain/casefile"
	"casework/domain/catalog"
	"casework/eventstore"
	"casework/eventstore/pii"
)

// Config configures a Service.
type Config struct {
	// SigningKey signs bearer tokens (HS256); at least 32 bytes.
	SigningKey []byte
	// TokenTTL is how long a token is valid (default 8h).
	TokenTTL time.Duration
	// Now is the clock (default time.Now); tests fix it.
	Now func() time.Time
	// CacheSize bounds the folded aggregates kept per kind (default 4096).
	CacheSize int
	Logger    *slog.Logger
	Metrics   Metrics
	// Standards are the minimum-living standards (低保标准) the household
	// check judges against; effective-dated data, not constants.
	Standards StandardsSource
	// Keys holds the clients' data keys (required): sensitive fields are
	// sealed with them before an append and opened on read.
	Keys pii.KeyStore
}

// StandardsSource returns the minimum-living standards in force data.
type StandardsSource func() []casefile.MinimumLivingStandard

// Metrics receives the application layer's measurements; the binary
// backs it with Prometheus. A nil Metrics discards them.
type Metrics interface {
	AppendDone(d time.Duration, err error)
	Retried()
}

type metricsOrNil struct{ m Metrics }

func (m metricsOrNil) appendDone(d time.Duration, err error) {
	if m.m != nil {
		m.m.AppendDone(d, err)
	}
}

func (m metricsOrNil) retried() {
	if m.m != nil {
		m.m.Retried()
	}
}

// Service is the application layer. Create it with New; it is safe for
// concurrent use.
type Service struct {
	cfg       Config
	store     eventstore.Store
	reg       *domain.Registry
	log       *slog.Logger
	dir       *Directory
	keys      pii.KeyStore
	sealer    *pii.Sealer
	clients   clientIndex
	unknown   unknownLogins
	storeTime storeTime
	tokens    verified
	metrics   metricsOrNil
	now       func() time.Time

	repos repos
	feeds *feedHub

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// New returns a Service over store and starts its directory (the fold of
// the org tree and accounts). Call Close to stop it; the store is the
// caller's to close afterwards.
func New(store eventstore.Store, cfg Config) (*Service, error) {
	if len(cfg.SigningKey) < 32 {
		return nil, errors.New("service: signing key must have at least 32 bytes")
	}
	if cfg.Keys == nil {
		return nil, errors.New("service: a key store is required")
	}
	if h := store.HashAlgorithm(); h != cfg.Keys.Suite().Hash.Name {
		return nil, fmt.Errorf("service: the event store's chain hash is %s but the key store's suite is %s (%s)",
			h, cfg.Keys.Suite().Name, cfg.Keys.Suite().Hash.Name)
	}
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = 8 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.CacheSize <= 0 {
		cfg.CacheSize = 4096
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Service{cfg: cfg, store: store, reg: catalog.Registry(), log: cfg.Logger,
		metrics: metricsOrNil{cfg.Metrics}, now: cfg.Now}
	s.keys = cfg.Keys
	s.sealer = pii.NewSealer(s.reg, cfg.Keys)
	s.dir = newDirectory(store, s.reg, s.log)
	s.repos = newRepos(s)
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.wg.Add(2)
	go func() {
		defer s.wg.Done()
		s.dir.run(ctx)
	}()
	go func() {
		defer s.wg.Done()
		s.watchForgotten(ctx)
	}()
	s.feeds = newFeedHub(s)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.feeds.run(ctx)
	}()
	return s, nil
}

// WaitReady blocks until the directory has caught up with the log.
// Errors: the directory's failure, or ctx's error.
func (s *Service) WaitReady(ctx context.Context) error {
	select {
	case <-s.dir.Ready():
		return s.dir.Err()
	case <-ctx.Done():
		return fmt.Errorf("wait for directory: %w", ctx.Err())
	}
}

// Ready reports nil when the service can serve: the directory caught up
// and still runs.
func (s *Service) Ready() error {
	if err := s.dir.Err(); err != nil {
		return err
	}
	select {
	case <-s.dir.Ready():
		return nil
	default:
		return fmt.Errorf("%w: the directory is catching up with the log", ErrUnavailable)
	}
}

// Now returns the service clock's current time.
func (s *Service) Now() time.Time { return s.now() }

// Directory exposes the org and account directory.
func (s *Service) Directory() *Directory { return s.dir }

// Store returns the event store the service writes to.
func (s *Service) Store() eventstore.Store { return s.store }

// Keys returns the key store of the clients' data keys.
func (s *Service) Keys() pii.KeyStore { return s.keys }

// Registry returns the event registry.
func (s *Service) Registry() *domain.Registry { return s.reg }

// Close stops the directory and ends the live feeds. It does not close
// the store.
func (s *Service) Close() error {
	s.cancel()
	s.wg.Wait()
	return nil
}
