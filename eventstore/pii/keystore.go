package pii

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

// Errors of the key store.
var (
	// ErrForgotten: the subject was forgotten; its key no longer exists.
	ErrForgotten = errors.New("pii: subject forgotten")
	// ErrNoKey: the subject has no key (and none was to be created).
	ErrNoKey = errors.New("pii: subject has no key")
	// ErrWrongMaster: the master key does not unwrap the store's keys.
	ErrWrongMaster = errors.New("pii: master key does not match the key store")
)

// MasterKeySize is the length of a master key in bytes.
const MasterKeySize = 32

// KeyStore keeps one data key per subject, wrapped by a master key, apart
// from the events; and a keyed-hash (HMAC) index for finding a subject by
// an identifier without storing the identifier. Forgetting a subject
// destroys its key and its index entries. Implementations are safe for
// concurrent use.
type KeyStore interface {
	// Suite is the crypto suite recorded with the key store.
	Suite() Suite
	// DataKey returns subject's data key, creating one when create is set
	// and none exists. Errors: ErrForgotten; ErrNoKey without create.
	DataKey(ctx context.Context, subject uuid.UUID, create bool) ([]byte, error)
	// Forget destroys subject's key and index entries and remembers that
	// it was forgotten at at. It reports false, and does nothing, when the
	// subject was already forgotten.
	Forget(ctx context.Context, subject uuid.UUID, at time.Time) (bool, error)
	// Forgotten reports whether and when subject was forgotten.
	Forgotten(ctx context.Context, subject uuid.UUID) (time.Time, bool, error)
	// Index records that the identifier value of kind belongs to subject.
	// Only a keyed hash of kind and value is stored.
	Index(ctx context.Context, kind, value string, subject uuid.UUID) error
	// Lookup returns the subjects indexed under value of kind.
	Lookup(ctx context.Context, kind, value string) ([]uuid.UUID, error)
	Close() error
}

// KeyStoreOptions configure OpenKeyStore.
type KeyStoreOptions struct {
	// Suite is recorded when the file is created; an existing file keeps
	// its own and must match it when set.
	Suite Suite
	// Master wraps every key (MasterKeySize bytes). Keys wrapped by one of
	// Previous are read too, and Rotate rewraps them under Master.
	Master   []byte
	Previous [][]byte
}

// SQLiteKeyStore is the embedded key store: a SQLite file apart from the
// event store, with secure_delete on, and its write-ahead log checkpointed
// and truncated after each forget, so that a destroyed key leaves no copy
// in the file or the log.
type SQLiteKeyStore struct {
	db *sql.DB
	// wmu serializes this process's write transactions (key creation,
	// forgetting, rotation); SQLite arbitrates with other processes.
	wmu     sync.Mutex
	suite   Suite
	wraps   map[string][]byte // master fingerprint → wrapping key
	current string
	index   []byte // the lookup index key

	mu        sync.Mutex
	forgotten map[uuid.UUID]time.Time
}

// OpenKeyStore opens or creates the key store file at path.
// Errors: ErrWrongMaster when no given master key unwraps the file's
// keys; a suite mismatch; I/O errors.
func OpenKeyStore(ctx context.Context, path string, opts KeyStoreOptions) (_ *SQLiteKeyStore, err error) {
	if len(opts.Master) != MasterKeySize {
		return nil, fmt.Errorf("pii: master key must have %d bytes, has %d", MasterKeySize, len(opts.Master))
	}
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "secure_delete(ON)")
	q.Add("_pragma", "busy_timeout(5000)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open key store %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			db.Close()
		}
	}()
	db.SetMaxOpenConns(4)
	ks := &SQLiteKeyStore{db: db, wraps: map[string][]byte{}, forgotten: map[uuid.UUID]time.Time{}}
	if err := ks.init(ctx, opts); err != nil {
		return nil, fmt.Errorf("open key store %s: %w", path, err)
	}
	return ks, nil
}

const keySchema = `
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS subject_keys (subject TEXT PRIMARY KEY, wrapped BLOB NOT NULL, master TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS forgotten (subject TEXT PRIMARY KEY, forgotten_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS lookup (mac BLOB NOT NULL, subject TEXT NOT NULL, PRIMARY KEY (mac, subject)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS lookup_subject ON lookup (subject);
`

func (ks *SQLiteKeyStore) init(ctx context.Context, opts KeyStoreOptions) error {
	tx, err := ks.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, keySchema); err != nil {
		return err
	}
	meta := map[string]string{}
	rows, err := tx.QueryContext(ctx, "SELECT name, value FROM meta")
	if err != nil {
		return err
	}
	for rows.Next() {
		var n, v string
		if err := rows.Scan(&n, &v); err != nil {
			rows.Close()
			return err
		}
		meta[n] = v
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	suite := opts.Suite
	if name, ok := meta["suite"]; ok {
		s, err := LookupSuite(name)
		if err != nil {
			return err
		}
		if suite.Name != "" && suite.Name != s.Name {
			return fmt.Errorf("the key store uses the %s suite, not %s", s.Name, suite.Name)
		}
		suite = s
	} else if suite.Name == "" {
		suite = Intl
	}
	ks.suite = suite
	for _, m := range append([][]byte{opts.Master}, opts.Previous...) {
		if len(m) != MasterKeySize {
			return fmt.Errorf("master key must have %d bytes, has %d", MasterKeySize, len(m))
		}
		ks.wraps[fingerprint(suite, m)] = suite.MAC(m, []byte("casework/pii key wrap"))[:suite.KeySize]
	}
	ks.current = fingerprint(suite, opts.Master)
	if _, ok := meta["suite"]; !ok {
		index := make([]byte, suite.KeySize)
		if _, err := rand.Read(index); err != nil {
			return err
		}
		wrapped, err := ks.wrap(ks.current, "index", index)
		if err != nil {
			return err
		}
		for n, v := range map[string]string{"suite": suite.Name, "index_key": hex.EncodeToString(wrapped),
			"index_master": ks.current, "created_at": time.Now().UTC().Format(time.RFC3339)} {
			if _, err := tx.ExecContext(ctx, "INSERT INTO meta (name, value) VALUES (?, ?)", n, v); err != nil {
				return err
			}
		}
		meta["index_key"], meta["index_master"] = hex.EncodeToString(wrapped), ks.current
	}
	wrapped, err := hex.DecodeString(meta["index_key"])
	if err != nil {
		return fmt.Errorf("index key: %w", err)
	}
	if ks.index, err = ks.unwrap(meta["index_master"], "index", wrapped); err != nil {
		return err
	}
	frows, err := tx.QueryContext(ctx, "SELECT subject, forgotten_at FROM forgotten")
	if err != nil {
		return err
	}
	defer frows.Close()
	for frows.Next() {
		var s, at string
		if err := frows.Scan(&s, &at); err != nil {
			return err
		}
		id, err := uuid.Parse(s)
		if err != nil {
			return fmt.Errorf("forgotten subject %q: %w", s, err)
		}
		t, _ := time.Parse(time.RFC3339Nano, at)
		ks.forgotten[id] = t
	}
	if err := frows.Err(); err != nil {
		return err
	}
	return tx.Commit()
}

// fingerprint names a master key without revealing it.
func fingerprint(s Suite, master []byte) string {
	return hex.EncodeToString(s.MAC(master, []byte("casework/pii master fingerprint"))[:8])
}

func (ks *SQLiteKeyStore) wrap(master, label string, key []byte) ([]byte, error) {
	a, err := ks.suite.AEAD(ks.wraps[master])
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, a.NonceSize(), a.NonceSize()+len(key)+a.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return a.Seal(nonce, nonce, key, []byte(label)), nil
}

func (ks *SQLiteKeyStore) unwrap(master, label string, wrapped []byte) ([]byte, error) {
	w, ok := ks.wraps[master]
	if !ok {
		return nil, fmt.Errorf("%w (the file's keys are wrapped by master %s)", ErrWrongMaster, master)
	}
	a, err := ks.suite.AEAD(w)
	if err != nil {
		return nil, err
	}
	if len(wrapped) < a.NonceSize() {
		return nil, fmt.Errorf("wrapped key of %s is truncated", label)
	}
	key, err := a.Open(nil, wrapped[:a.NonceSize()], wrapped[a.NonceSize():], []byte(label))
	if err != nil {
		return nil, fmt.Errorf("%w: unwrap %s: %v", ErrWrongMaster, label, err)
	}
	return key, nil
}

// Suite returns the suite recorded with the key store.
func (ks *SQLiteKeyStore) Suite() Suite { return ks.suite }

// DataKey implements KeyStore.
func (ks *SQLiteKeyStore) DataKey(ctx context.Context, subject uuid.UUID, create bool) ([]byte, error) {
	if _, ok := ks.isForgotten(subject); ok {
		return nil, fmt.Errorf("data key of %s: %w", subject, ErrForgotten)
	}
	key, err := ks.readKey(ctx, ks.db, subject)
	if err == nil || !errors.Is(err, ErrNoKey) || !create {
		return key, err
	}
	ks.wmu.Lock()
	defer ks.wmu.Unlock()
	tx, err := ks.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("create data key of %s: %w", subject, err)
	}
	defer tx.Rollback()
	// Checked again inside the write lock: another process may have
	// created or forgotten it meanwhile.
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM forgotten WHERE subject = ?", subject.String()).Scan(&n); err != nil {
		return nil, fmt.Errorf("create data key of %s: %w", subject, err)
	}
	if n > 0 {
		return nil, fmt.Errorf("data key of %s: %w", subject, ErrForgotten)
	}
	if key, err := ks.readKey(ctx, tx, subject); !errors.Is(err, ErrNoKey) {
		return key, err
	}
	key = make([]byte, ks.suite.KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	wrapped, err := ks.wrap(ks.current, subject.String(), key)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO subject_keys (subject, wrapped, master, created_at) VALUES (?, ?, ?, ?)",
		subject.String(), wrapped, ks.current, time.Now().UTC().Format(time.RFC3339Nano)); err != nil {
		return nil, fmt.Errorf("create data key of %s: %w", subject, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("create data key of %s: %w", subject, err)
	}
	return key, nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (ks *SQLiteKeyStore) readKey(ctx context.Context, q querier, subject uuid.UUID) ([]byte, error) {
	var wrapped []byte
	var master string
	err := q.QueryRowContext(ctx, "SELECT wrapped, master FROM subject_keys WHERE subject = ?", subject.String()).Scan(&wrapped, &master)
	if errors.Is(err, sql.ErrNoRows) {
		if _, ok, ferr := ks.Forgotten(ctx, subject); ferr == nil && ok {
			return nil, fmt.Errorf("data key of %s: %w", subject, ErrForgotten)
		}
		return nil, fmt.Errorf("data key of %s: %w", subject, ErrNoKey)
	}
	if err != nil {
		return nil, fmt.Errorf("data key of %s: %w", subject, err)
	}
	return ks.unwrap(master, subject.String(), wrapped)
}

func (ks *SQLiteKeyStore) isForgotten(subject uuid.UUID) (time.Time, bool) {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	t, ok := ks.forgotten[subject]
	return t, ok
}

// Forget implements KeyStore. The key's bytes are overwritten in the file
// (secure_delete) and the rollback journal is deleted at commit.
func (ks *SQLiteKeyStore) Forget(ctx context.Context, subject uuid.UUID, at time.Time) (bool, error) {
	ks.wmu.Lock()
	defer ks.wmu.Unlock()
	tx, err := ks.db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("forget %s: %w", subject, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, "INSERT INTO forgotten (subject, forgotten_at) VALUES (?, ?) ON CONFLICT (subject) DO NOTHING",
		subject.String(), at.UTC().Format(time.RFC3339Nano))
	if err != nil {
		return false, fmt.Errorf("forget %s: %w", subject, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	for _, q := range []string{"DELETE FROM subject_keys WHERE subject = ?", "DELETE FROM lookup WHERE subject = ?"} {
		if _, err := tx.ExecContext(ctx, q, subject.String()); err != nil {
			return false, fmt.Errorf("forget %s: %w", subject, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("forget %s: %w", subject, err)
	}
	// The log still holds the page as it was before: copy the zeroed page
	// into the file and empty the log.
	if _, err := ks.db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return true, fmt.Errorf("forget %s: checkpoint: %w", subject, err)
	}
	ks.mu.Lock()
	ks.forgotten[subject] = at.UTC()
	ks.mu.Unlock()
	return true, nil
}

// Forgotten implements KeyStore; it asks the file, so that a subject
// forgotten by another process is seen.
func (ks *SQLiteKeyStore) Forgotten(ctx context.Context, subject uuid.UUID) (time.Time, bool, error) {
	if t, ok := ks.isForgotten(subject); ok {
		return t, true, nil
	}
	var at string
	err := ks.db.QueryRowContext(ctx, "SELECT forgotten_at FROM forgotten WHERE subject = ?", subject.String()).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("forgotten %s: %w", subject, err)
	}
	t, _ := time.Parse(time.RFC3339Nano, at)
	ks.mu.Lock()
	ks.forgotten[subject] = t
	ks.mu.Unlock()
	return t, true, nil
}

func (ks *SQLiteKeyStore) mac(kind, value string) []byte {
	return ks.suite.MAC(ks.index, []byte(kind+"\x00"+strings.TrimSpace(value)))
}

// Index implements KeyStore.
func (ks *SQLiteKeyStore) Index(ctx context.Context, kind, value string, subject uuid.UUID) error {
	ks.wmu.Lock()
	defer ks.wmu.Unlock()
	if _, err := ks.db.ExecContext(ctx, "INSERT INTO lookup (mac, subject) VALUES (?, ?) ON CONFLICT DO NOTHING",
		ks.mac(kind, value), subject.String()); err != nil {
		return fmt.Errorf("index %s of %s: %w", kind, subject, err)
	}
	return nil
}

// Lookup implements KeyStore.
func (ks *SQLiteKeyStore) Lookup(ctx context.Context, kind, value string) ([]uuid.UUID, error) {
	rows, err := ks.db.QueryContext(ctx, "SELECT subject FROM lookup WHERE mac = ? ORDER BY subject", ks.mac(kind, value))
	if err != nil {
		return nil, fmt.Errorf("lookup %s: %w", kind, err)
	}
	defer rows.Close()
	var out []uuid.UUID
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("lookup %s: %w", kind, err)
		}
		id, err := uuid.Parse(s)
		if err != nil {
			return nil, fmt.Errorf("lookup %s: %w", kind, err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// Rotate rewraps every key under the current master key (KeyStoreOptions.
// Master) in one transaction; events are not touched. It returns the
// number of keys rewrapped.
// Errors: ErrWrongMaster when a key is wrapped by a master not given.
func (ks *SQLiteKeyStore) Rotate(ctx context.Context) (int, error) {
	ks.wmu.Lock()
	defer ks.wmu.Unlock()
	tx, err := ks.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("rotate: %w", err)
	}
	defer tx.Rollback()
	type row struct {
		subject, master string
		wrapped         []byte
	}
	var rs []row
	rows, err := tx.QueryContext(ctx, "SELECT subject, master, wrapped FROM subject_keys WHERE master != ?", ks.current)
	if err != nil {
		return 0, fmt.Errorf("rotate: %w", err)
	}
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.subject, &r.master, &r.wrapped); err != nil {
			rows.Close()
			return 0, fmt.Errorf("rotate: %w", err)
		}
		rs = append(rs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("rotate: %w", err)
	}
	for _, r := range rs {
		key, err := ks.unwrap(r.master, r.subject, r.wrapped)
		if err != nil {
			return 0, fmt.Errorf("rotate %s: %w", r.subject, err)
		}
		w, err := ks.wrap(ks.current, r.subject, key)
		if err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE subject_keys SET wrapped = ?, master = ? WHERE subject = ?", w, ks.current, r.subject); err != nil {
			return 0, fmt.Errorf("rotate %s: %w", r.subject, err)
		}
	}
	w, err := ks.wrap(ks.current, "index", ks.index)
	if err != nil {
		return 0, err
	}
	for n, v := range map[string]string{"index_key": hex.EncodeToString(w), "index_master": ks.current} {
		if _, err := tx.ExecContext(ctx, "UPDATE meta SET value = ? WHERE name = ?", v, n); err != nil {
			return 0, fmt.Errorf("rotate: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("rotate: %w", err)
	}
	return len(rs), nil
}

// Close closes the file.
func (ks *SQLiteKeyStore) Close() error { return ks.db.Close() }
