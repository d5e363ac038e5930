package projections

import (
	"context"
	"fmt"
	"slices"
	"time"

	"casework/eventstore"
)

// build feeds shadow generations ts, with one reader from their lowest
// position, until they have caught up with the log, then swaps each in for
// the generation that serves. While Run's live reader runs, the swap
// pauses it, brings them to exactly its position, and hands them over.
func (r *Runner) build(ctx context.Context, ts []*tracker, live bool) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for _, t := range ts {
		if t.failed() == nil {
			if err := r.restart(ctx, t); err != nil {
				return err
			}
		}
	}
	from := ts[0].pos.Load()
	for _, t := range ts[1:] {
		from = min(from, t.pos.Load())
	}
	// Only the builds' own Prepare: the others' results would go unused.
	var preps []Def
	for _, t := range ts {
		if t.def.Prepare != nil {
			preps = append(preps, t.def)
		}
	}
	ch := r.feed(ctx, from, r.opts.BuildBatch, preps)
	for {
		batch, _, err := r.next(ctx, ch, r.opts.BuildBatch, nil)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if len(batch) > 0 {
			if err := r.commit(ctx, ts, batch); err != nil {
				return err
			}
			for _, t := range ts {
				if f := t.failed(); f != nil {
					return f
				}
				if r.opts.Progress != nil {
					r.opts.Progress(t.def.Name, t.pos.Load(), t.built)
				}
			}
		}
		if err != nil {
			return err
		}
		if len(ch) > 0 {
			continue
		}
		head, err := r.store.Head(ctx)
		if err != nil {
			return err
		}
		if lowest(ts) < head {
			continue
		}
		// The live reader may lag a moment behind: retry until it has
		// passed the shadow or new events arrive.
		for len(ch) == 0 {
			swapped, err := r.handover(ctx, ts, live)
			if err != nil || swapped {
				return err
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
}

func lowest(ts []*tracker) uint64 {
	pos := ts[0].pos.Load()
	for _, t := range ts[1:] {
		pos = min(pos, t.pos.Load())
	}
	return pos
}

// handover swaps caught-up shadow t in. With the live reader running, it
// pauses it first and brings t to the reader's position; false means the
// shadow is ahead of the reader and should try again later.
func (r *Runner) handover(ctx context.Context, ts []*tracker, live bool) (bool, error) {
	if live && r.running.Load() {
		req := pauseReq{reply: make(chan struct{}), done: make(chan struct{})}
		select {
		case r.pause <- req:
		case <-ctx.Done():
			return false, ctx.Err()
		}
		<-req.reply
		defer close(req.done)
		target, ok := r.livePosition()
		if !ok {
			target = lowest(ts)
		}
		for _, t := range ts {
			if t.pos.Load() > target {
				return false, nil
			}
		}
		for _, t := range ts {
			if err := r.catchUp(ctx, t, target); err != nil {
				return false, err
			}
		}
	}
	for _, t := range ts {
		if err := r.swap(ctx, t); err != nil {
			return false, err
		}
	}
	return true, nil
}

// livePosition is the lowest position of the live generations that still
// run: the point the paused reader has reached for all of them; false
// when none runs.
func (r *Runner) livePosition() (uint64, bool) {
	var pos uint64
	found := false
	for _, t := range r.liveTrackers() {
		if t.failed() != nil {
			continue
		}
		if p := t.pos.Load(); !found || p < pos {
			pos, found = p, true
		}
	}
	return pos, found
}

// catchUp applies the events after t's position up to target.
func (r *Runner) catchUp(ctx context.Context, t *tracker, target uint64) error {
	var batch []*Event
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := r.commit(ctx, []*tracker{t}, batch)
		batch = batch[:0]
		if err != nil {
			return err
		}
		if f := t.failed(); f != nil {
			return f
		}
		return nil
	}
	for rec, err := range r.store.ReadAll(ctx, t.pos.Load(), eventstore.Filter{}) {
		if err != nil {
			return err
		}
		if rec.Position > target {
			break
		}
		ev := newEvent(r.reg, rec)
		batch = append(batch, ev)
		if len(batch) >= r.opts.MaxBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// swap makes t the serving generation of its projection in one
// transaction and drops the generation it replaces.
func (r *Runner) swap(ctx context.Context, t *tracker) error {
	r.writeMu.Lock()
	defer r.writeMu.Unlock()
	r.mu.Lock()
	defer r.mu.Unlock()
	old := r.active[t.def.Name]
	tx, err := r.db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if old != nil {
		if err := dropTables(ctx, tx, old.t); err != nil {
			return fmt.Errorf("swap %s: %w", t.def.Name, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM projection_state WHERE name = ? AND gen = ?`, t.def.Name, old.gen); err != nil {
			return fmt.Errorf("swap %s: %w", t.def.Name, err)
		}
	}
	// What the shadow batches held back goes in with the swap.
	if err := t.p.Begin(ctx, tx); err != nil {
		t.p.Reset()
		return fmt.Errorf("swap %s: %w", t.def.Name, err)
	}
	if err := t.p.Flush(); err != nil {
		t.p.Reset()
		return fmt.Errorf("swap %s: %w", t.def.Name, err)
	}
	for _, q := range t.p.Schema() {
		if isIndex(q) {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("swap %s: %w", t.def.Name, err)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE projection_state SET active = 1, updated_at = ? WHERE name = ? AND gen = ?`,
		time.Now().UnixNano(), t.def.Name, t.gen); err != nil {
		return fmt.Errorf("swap %s: %w", t.def.Name, err)
	}
	if err := tx.Commit(); err != nil {
		t.p.Reset()
		return fmt.Errorf("swap %s: %w", t.def.Name, err)
	}
	t.shadow = false
	r.active[t.def.Name] = t
	r.live = slices.DeleteFunc(r.live, func(x *tracker) bool { return x == old })
	r.live = append(r.live, t)
	r.shadows = slices.DeleteFunc(r.shadows, func(x *tracker) bool { return x == t })
	r.log.Info("projection swapped in", "projection", t.def.Name, "version", t.version, "generation", t.gen, "position", t.pos.Load())
	return nil
}

// Rebuild builds each named projection (every one when names is empty)
// from position 0 into new tables, with one reader for all of them, and
// swaps them in when caught up with the log; the current tables serve
// meanwhile. It blocks until done. Use it on a runner that is not Run
// (the command line), or on one whose live reader may pause.
// Errors: ErrUnknown; a *FailedError when an event fails; store and
// database errors.
func (r *Runner) Rebuild(ctx context.Context, names ...string) error {
	if len(names) == 0 {
		for n := range r.defs {
			names = append(names, n)
		}
		slices.Sort(names)
	}
	var ts []*tracker
	for _, n := range names {
		d, ok := r.defs[n]
		if !ok {
			return fmt.Errorf("%w: %s", ErrUnknown, n)
		}
		r.mu.RLock()
		var t *tracker
		for _, s := range r.shadows {
			if s.def.Name == n {
				t = s
			}
		}
		r.mu.RUnlock()
		if t == nil {
			rows, err := r.states(ctx, n)
			if err != nil {
				return err
			}
			gen := 1
			for _, s := range rows {
				gen = max(gen, s.gen+1)
			}
			t, err = r.newGen(ctx, d, gen, false)
			if err != nil {
				return err
			}
			r.mu.Lock()
			r.shadows = append(r.shadows, t)
			r.mu.Unlock()
		}
		ts = append(ts, t)
	}
	if err := r.build(ctx, ts, true); err != nil {
		return fmt.Errorf("rebuild %v: %w", names, err)
	}
	return nil
}
