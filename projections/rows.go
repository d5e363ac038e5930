package projections

import (
	"fmt"
	"strings"
)

// EventError is an error of Flush that belongs to one event of the batch
// (its row was written late, with others); the runner stops the projection
// at that event, as if Apply had failed on it.
type EventError struct {
	Event *Event
	Err   error
}

func (e *EventError) Error() string { return e.Err.Error() }

func (e *EventError) Unwrap() error { return e.Err }

// Rows buffers the rows of one INSERT and writes them many to a
// statement, which costs far less than a statement per row. Rows are
// written when a statement's worth is buffered and at Flush; a row's
// failure is reported as an *EventError for the event that made it.
type Rows struct {
	b    *Base
	head string // INSERT INTO t (a, b) VALUES
	tail string // ON CONFLICT …, or empty
	cols int
	per  int // rows per statement
	args []any
	evs  []*Event
	one  string // the statement of one row
	full string // the statement of per rows
}

// NewRows returns a buffer for INSERT statements made of head ("INSERT
// INTO t (a, b) VALUES"), one "(?, ?)" group per row of cols values, and
// tail (a conflict clause, or empty). At most per rows go to a statement.
func (b *Base) NewRows(head string, cols int, tail string, per int) *Rows {
	per = max(1, min(per, 32_000/cols))
	r := &Rows{b: b, head: head, tail: tail, cols: cols, per: per}
	r.one = r.query(1)
	r.full = r.query(per)
	return r
}

func (r *Rows) query(n int) string {
	group := "(" + strings.Repeat("?, ", r.cols-1) + "?)"
	var s strings.Builder
	s.Grow(len(r.head) + n*(len(group)+2) + len(r.tail) + 2)
	s.WriteString(r.head)
	s.WriteByte(' ')
	for i := range n {
		if i > 0 {
			s.WriteString(", ")
		}
		s.WriteString(group)
	}
	if r.tail != "" {
		s.WriteByte(' ')
		s.WriteString(r.tail)
	}
	return s.String()
}

// Add buffers one row of ev, writing a statement's worth when full.
// Errors: an *EventError for the row that could not be written; the
// number of values differs from the columns.
func (r *Rows) Add(ev *Event, vals ...any) error {
	if len(vals) != r.cols {
		return fmt.Errorf("rows: %d values for %d columns", len(vals), r.cols)
	}
	r.args = append(r.args, vals...)
	r.evs = append(r.evs, ev)
	if len(r.evs) >= r.per {
		return r.Flush()
	}
	return nil
}

// Flush writes the buffered rows. Errors: as Add's.
func (r *Rows) Flush() error {
	defer r.Reset()
	for i := 0; i < len(r.evs); {
		n := min(len(r.evs)-i, r.per)
		q := r.full
		if n < r.per {
			q = r.query(n)
		}
		if err := r.b.Exec(q, r.args[i*r.cols:(i+n)*r.cols]...); err != nil {
			return r.blame(i, n, err)
		}
		i += n
	}
	return nil
}

// blame writes rows i to i+n one by one (the failed statement wrote
// none of them) to find the one at fault.
func (r *Rows) blame(i, n int, err error) error {
	for j := i; j < i+n; j++ {
		if e := r.b.Exec(r.one, r.args[j*r.cols:(j+1)*r.cols]...); e != nil {
			return &EventError{Event: r.evs[j], Err: e}
		}
	}
	return err
}

// Reset forgets the buffered rows unwritten.
func (r *Rows) Reset() {
	clear(r.args)
	clear(r.evs)
	r.args, r.evs = r.args[:0], r.evs[:0]
}
