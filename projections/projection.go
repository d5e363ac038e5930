package projections

import (
	"context"
	"database/sql"
	"fmt"
)

// Def describes a projection: a stable name, the version of its tables
// and fold (bump it when either changes: the runner then rebuilds it in
// shadow tables), and how to make an instance over one generation's
// tables.
type Def struct {
	Name    string
	Version int
	New     func(t Tables) Projection
	// Prepare, if set, derives what Apply needs from an event alone (no
	// state): the runner's reader calls it ahead of the batch, on its own
	// goroutine, and Apply finds the result with Event.Prepared.
	Prepare func(ev *Event) any
}

// Tables names the tables of one generation of a projection:
// Tables.Name("cases") is "caseload_g2_cases".
type Tables struct {
	prefix  string
	version int
}

// NewTables returns the table names of generation gen of projection name.
func NewTables(name string, gen int) Tables { return Tables{prefix: fmt.Sprintf("%s_g%d_", name, gen)} }

// WithVersion returns t marked as written by version v of its projection.
func (t Tables) WithVersion(v int) Tables {
	t.version = v
	return t
}

// Version is the version of the projection that wrote the tables, 0 when
// unknown: while a new version is rebuilt, the old one serves, and a
// query may need to know which layout it reads.
func (t Tables) Version() int { return t.version }

// Name returns the full name of table.
func (t Tables) Name(table string) string { return t.prefix + table }

// Prefix is what every table of the generation starts with.
func (t Tables) Prefix() string { return t.prefix }

// Projection is one generation of a read model. The runner calls Begin,
// Apply for each event of a batch in position order, then Flush, all in
// one transaction (under a savepoint of the projection's own); then it
// commits, or calls Reset after rolling the savepoint back. When a shadow
// generation is swapped in, it calls Begin and Flush once more, in the
// swap's transaction (see Base.Shadow). A projection may cache what it
// read or wrote across batches, but must forget it in Reset. Every method
// is called from one goroutine at a time.
type Projection interface {
	// Schema returns the statements that create the tables and indexes
	// (IF NOT EXISTS).
	Schema() []string
	Begin(ctx context.Context, tx *sql.Tx) error
	// Apply folds one event. An error stops the projection at ev.
	Apply(ev *Event) error
	// Flush writes what Apply left pending.
	Flush() error
	Reset()
}

// Base is an embeddable helper holding a batch's transaction, its context
// and the statements prepared in it.
type Base struct {
	T     Tables
	Ctx   context.Context
	Tx    *sql.Tx
	stmts map[string]*sql.Stmt
}

// Begin records the batch's transaction.
func (b *Base) Begin(ctx context.Context, tx *sql.Tx) error {
	b.Ctx, b.Tx = ctx, tx
	clear(b.stmts)
	return nil
}

type shadowKey struct{}

// Shadow reports whether the batch belongs to a shadow build, whose rows
// need be complete only when its generation is swapped in: Flush may then
// keep folded states unwritten across batches (within a bound), because an
// unfinished build is never served (it starts again from the beginning).
// The runner calls Begin and Flush once more in the swap's transaction,
// where Shadow is false and everything must be written.
func (b *Base) Shadow() bool {
	v, _ := b.Ctx.Value(shadowKey{}).(bool)
	return v
}

// Exec runs a statement in the batch's transaction, prepared once per
// batch.
func (b *Base) Exec(query string, args ...any) error {
	st, err := b.stmt(query)
	if err != nil {
		return err
	}
	_, err = st.ExecContext(b.Ctx, args...)
	return err
}

// QueryRow runs a query returning at most one row in the batch's
// transaction.
func (b *Base) QueryRow(query string, args ...any) *sql.Row {
	st, err := b.stmt(query)
	if err != nil {
		return b.Tx.QueryRowContext(b.Ctx, query, args...)
	}
	return st.QueryRowContext(b.Ctx, args...)
}

func (b *Base) stmt(query string) (*sql.Stmt, error) {
	if st, ok := b.stmts[query]; ok {
		return st, nil
	}
	st, err := b.Tx.PrepareContext(b.Ctx, query)
	if err != nil {
		return nil, err
	}
	if b.stmts == nil {
		b.stmts = map[string]*sql.Stmt{}
	}
	b.stmts[query] = st
	return st, nil
}
