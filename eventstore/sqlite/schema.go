package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// migrations are applied in order; PRAGMA user_version records how many.
// A migration, once shipped, is never edited: add a new one.
var migrations = []string{
	// 1: the log. position is the rowid, so that the global order costs no
	// extra index and positions are contiguous (the writer assigns them).
	`CREATE TABLE meta (
		key   TEXT PRIMARY KEY,
		value TEXT NOT NULL
	) WITHOUT ROWID;
	CREATE TABLE events (
		position    INTEGER PRIMARY KEY,
		id          BLOB    NOT NULL,
		stream      TEXT    NOT NULL,
		revision    INTEGER NOT NULL,
		type        TEXT    NOT NULL,
		data        BLOB    NOT NULL,
		metadata    BLOB    NOT NULL,
		recorded_at INTEGER NOT NULL,
		hash        BLOB    NOT NULL
	);
	CREATE UNIQUE INDEX events_id ON events (id);
	CREATE UNIQUE INDEX events_stream_revision ON events (stream, revision);`,
}

// SchemaVersion is the schema this binary writes.
var SchemaVersion = len(migrations)

// ErrNewerSchema is returned by Open for a file written by a newer version
// of casework.
var ErrNewerSchema = errors.New("event store file has a newer schema than this binary supports")

// migrate brings the file to SchemaVersion and records the chain hash of a
// new store. It returns the store's hash name.
func migrate(ctx context.Context, db *sql.Conn, newHash string) (string, error) {
	var v int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return "", fmt.Errorf("read schema version: %w", err)
	}
	if v > SchemaVersion {
		return "", fmt.Errorf("%w: file is at version %d, this binary knows up to %d; upgrade casework", ErrNewerSchema, v, SchemaVersion)
	}
	if v < SchemaVersion {
		if _, err := db.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
			return "", fmt.Errorf("migrate: %w", err)
		}
		if err := applyMigrations(ctx, db, v, newHash); err != nil {
			_, _ = db.ExecContext(ctx, "ROLLBACK")
			return "", err
		}
		if _, err := db.ExecContext(ctx, "COMMIT"); err != nil {
			return "", fmt.Errorf("migrate: commit: %w", err)
		}
	}
	var name string
	err := db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'hash_algorithm'").Scan(&name)
	if err != nil {
		return "", fmt.Errorf("read hash algorithm: %w", err)
	}
	return name, nil
}

func applyMigrations(ctx context.Context, db *sql.Conn, from int, newHash string) error {
	for i := from; i < SchemaVersion; i++ {
		if _, err := db.ExecContext(ctx, migrations[i]); err != nil {
			return fmt.Errorf("migrate to version %d: %w", i+1, err)
		}
		if i == 0 {
			if _, err := db.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES ('hash_algorithm', ?)", newHash); err != nil {
				return fmt.Errorf("record hash algorithm: %w", err)
			}
		}
		if _, err := db.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", i+1)); err != nil {
			return fmt.Errorf("record schema version: %w", err)
		}
	}
	return nil
}
