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

// loadMasterKeys returns the master key and, when a rotation was
// interrupted (a <file>.new beside it), the new key as a previous one, so
// that keys already rewrapped stay readable.
func loadMasterKeys(path string) (master []byte, previous [][]byte, err error) {
	master, err = loadKey("master key", path)
	if err != nil {
		return nil, nil, err
	}
	next, err := os.ReadFile(path + ".new")
	switch {
	case err == nil && len(next) >= pii.MasterKeySize:
		previous = append(previous, next[:pii.MasterKeySize])
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil, nil, fmt.Errorf("read master key: %w", err)
	}
	return master[:pii.MasterKeySize], previous, nil
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
	var store eventstore.Store
	switch cfg.Store {
	case storeKurrentDB:
		store, err = kurrentdb.Open(ctx, kurrentdb.Options{URL: cfg.KurrentDBURL, Logger: log.With("component", "kurrentdb")})
	default:
		var st *sqlite.Store
		st, err = sqlite.Open(ctx, filepath.Join(cfg.Data, "events.db"), sqlite.Options{Hash: want.Hash,
			KnownHashes: []eventstore.ChainHash{pii.SM3}, Logger: log.With("component", "sqlite")})
		if err == nil && m != nil {
			m.watchSQLite(st)
		}
		store = st
	}
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
