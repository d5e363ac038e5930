package projtest

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"casework/domain/catalog"
	"casework/eventstore/sqlite"
	"casework/projections"
)

// TB is what the helpers need of a test; *testing.T, *testing.B and
// *rapid.T all have it.
type TB interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
	Errorf(format string, args ...any)
	Cleanup(func())
}

// OpenStore opens a SQLite event store in dir, closed at cleanup.
func OpenStore(tb TB, dir string) *sqlite.Store {
	tb.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "events.db"), sqlite.Options{Verify: sqlite.VerifyNone})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// OpenViews opens the read-model database at path, closed at cleanup.
func OpenViews(tb TB, path string) *projections.DB {
	tb.Helper()
	db, err := projections.OpenDB(context.Background(), path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// Start opens a runner of defs over store and db and runs it until
// cleanup.
func Start(tb TB, db *projections.DB, store *sqlite.Store, defs []projections.Def, opts projections.Options) *projections.Runner {
	tb.Helper()
	r, err := projections.Open(context.Background(), db, store, catalog.Registry(), defs, opts)
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	tb.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			tb.Errorf("runner: %v", err)
		}
	})
	return r
}

// WaitHead waits until every named projection has applied the store's
// head.
func WaitHead(tb TB, r *projections.Runner, store *sqlite.Store, names ...string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	head, err := store.Head(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	for _, n := range names {
		if err := r.WaitFor(ctx, n, head); err != nil {
			tb.Fatalf("wait for %s at %d: %v", n, head, err)
		}
	}
}

// Dump returns every row of every table of the generation that serves
// name, tables named without their generation, in a stable order.
func Dump(tb TB, r *projections.Runner, name string) string {
	tb.Helper()
	t, err := r.Tables(name)
	if err != nil {
		tb.Fatal(err)
	}
	return DumpPrefix(tb, r.DB().Read(), t.Prefix())
}

// DumpPrefix dumps every table whose name starts with prefix.
func DumpPrefix(tb TB, db *sql.DB, prefix string) string {
	tb.Helper()
	ctx := context.Background()
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, ?) = ? ORDER BY name`, len(prefix), prefix)
	if err != nil {
		tb.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			tb.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	var b strings.Builder
	for _, t := range tables {
		fmt.Fprintf(&b, "== %s\n", strings.TrimPrefix(t, prefix))
		probe, err := db.QueryContext(ctx, `SELECT * FROM "`+t+`" LIMIT 0`)
		if err != nil {
			tb.Fatal(err)
		}
		cols, _ := probe.Columns()
		probe.Close()
		order := make([]string, len(cols))
		for i := range cols {
			order[i] = fmt.Sprint(i + 1)
		}
		rs, err := db.QueryContext(ctx, `SELECT * FROM "`+t+`" ORDER BY `+strings.Join(order, ", "))
		if err != nil {
			tb.Fatal(err)
		}
		for rs.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rs.Scan(ptrs...); err != nil {
				tb.Fatal(err)
			}
			for i, v := range vals {
				if bs, ok := v.([]byte); ok {
					vals[i] = string(bs)
				}
			}
			fmt.Fprintln(&b, vals...)
		}
		rs.Close()
	}
	return b.String()
}

// FileHolds reports which of secrets occur in the bytes of the database
// file at path and its WAL.
func FileHolds(tb TB, path string, secrets []string) []string {
	tb.Helper()
	var all []byte
	for _, p := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			tb.Fatal(err)
		}
		all = append(all, b...)
	}
	var found []string
	for _, s := range secrets {
		if bytes.Contains(all, []byte(s)) {
			found = append(found, s)
		}
	}
	return found
}
