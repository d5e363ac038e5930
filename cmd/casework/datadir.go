package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"casework/eventstore"
	"casework/eventstore/kurrentdb"
	"casework/eventstore/pii"
	"casework/eventstore/sqlite"
)

// dataDir is an opened data directory: the event store, and the key store
// of the clients' data keys under the master key.
type dataDir struct {
	Store eventstore.Store
	Keys  *pii.SQLiteKeyStore
	Suite pii.Suite
}

// Close closes the key store and the event store.
func (d *dataDir) Close() error {
	return errors.Join(d.Keys.Close(), d.Store.Close())
}

func (c Config) masterKeyFile() string {
	if c.MasterKeyFile != "" {
		return c.MasterKeyFile
	}
	return filepath.Join(c.Data, "master.key")
}

// openStore opens the configured event store. A SQLite file is created
// with opts.Hash when it does not exist, and read under either suite's
// chain hash; m, when not nil, watches it.
func openStore(ctx context.Context, cfg Config, log *slog.Logger, m *metrics, opts sqlite.Options) (eventstore.Store, error) {
	if cfg.Store == storeKurrentDB {
		return kurrentdb.Open(ctx, kurrentdb.Options{URL: cfg.KurrentDBURL, Logger: log.With("component", "kurrentdb")})
	}
	opts.KnownHashes = append(opts.KnownHashes, pii.SM3)
	opts.Logger = log.With("component", "sqlite")
	st, err := sqlite.Open(ctx, filepath.Join(cfg.Data, "events.db"), opts)
	if err != nil {
		return nil, err
	}
	if m != nil {
		m.watchSQLite(st)
	}
	return st, nil
}

// openExistingStore opens the store for a command that only reads it
// (audit, projections): a SQLite file must exist, and is not verified on
// open, so that a tampered file still opens to be reported.
func openExistingStore(ctx context.Context, cfg Config) (eventstore.Store, error) {
	if cfg.Store != storeKurrentDB {
		path := filepath.Join(cfg.Data, "events.db")
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("no event store in %s: %w", cfg.Data, err)
		}
	}
	return openStore(ctx, cfg, slog.New(slog.DiscardHandler), nil, sqlite.Options{Verify: sqlite.VerifyNone})
}

// loadMasterKeys returns the master key and, when a rotation was
// interrupted (a <file>.new beside it), the new key as a previous one, so
// that keys already rewrapped stay readable.
func loadMasterKeys(path string) (master []byte, previous [][]byte, err error) {
	master, err = loadKey("master key", path)
	if err != nil {
		return nil, nil, err
	}
	if len(master) != pii.MasterKeySize {
		return nil, nil, fmt.Errorf("master key %s: %d bytes, must be exactly %d raw bytes (not hex or base64 text)", path, len(master), pii.MasterKeySize)
	}
	next, err := os.ReadFile(path + ".new")
	switch {
	case err == nil && len(next) == pii.MasterKeySize:
		previous = append(previous, next)
	case err == nil && len(next) > pii.MasterKeySize:
		return nil, nil, fmt.Errorf("master key %s.new: %d bytes, must be exactly %d", path, len(next), pii.MasterKeySize)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil, nil, fmt.Errorf("read master key: %w", err)
	}
	return master, previous, nil
}

// openDataDir opens (creating on first use) the event store and the key
// store. The crypto suite of a new directory is cfg.CryptoSuite (default
// intl); an existing one keeps its own, and an explicit different
// --crypto-suite is refused. m may be nil.
func openDataDir(ctx context.Context, cfg Config, log *slog.Logger, m *metrics) (_ *dataDir, err error) {
	if err := os.MkdirAll(cfg.Data, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	want := pii.Intl
	if cfg.CryptoSuite != "" {
		if want, err = pii.LookupSuite(cfg.CryptoSuite); err != nil {
			return nil, err
		}
	}
	store, err := openStore(ctx, cfg, log, m, sqlite.Options{Hash: want.Hash})
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			store.Close()
		}
	}()
	suite, err := pii.SuiteForHash(store.HashAlgorithm())
	if err != nil {
		return nil, err
	}
	if cfg.CryptoSuite != "" && suite.Name != want.Name {
		return nil, fmt.Errorf("the data directory was created with the %s crypto suite; --crypto-suite %s cannot change it", suite.Name, want.Name)
	}
	master, previous, err := loadMasterKeys(cfg.masterKeyFile())
	if err != nil {
		return nil, err
	}
	if len(previous) > 0 {
		log.Warn("a master key rotation was interrupted; run `casework keys rotate` to finish it")
	}
	keys, err := pii.OpenKeyStore(ctx, filepath.Join(cfg.Data, "keys.db"), pii.KeyStoreOptions{Suite: suite, Master: master, Previous: previous})
	if err != nil {
		return nil, err
	}
	return &dataDir{Store: store, Keys: keys, Suite: suite}, nil
}
