package projections

import (
	"slices"
	"sync/atomic"
)

// cacheCap, when positive, lowers every cache's bound (tests make caches
// drop states all the time with it).
var cacheCap atomic.Int64

// Cache keeps the folded states a projection read or wrote, bounded so
// that memory stays flat over a long rebuild, and tracks which ones were
// changed since they were last written. When it holds more than its bound
// it drops the states used longest ago (a tenth more than the excess, so
// that it trims seldom): a log's active streams stay, finished ones go.
//
// Live, a projection writes every changed state each batch (Dirty); a
// shadow build may instead write a changed state only when it is dropped
// (Evict) and the rest at the swap, so that a stream that changes in many
// batches is written once.
type Cache[K comparable, V any] struct {
	max   int
	tick  uint64
	m     map[K]*cacheEntry[V]
	dirty []K // changed since written; may hold keys dropped or written since
}

type cacheEntry[V any] struct {
	v     *V
	used  uint64
	dirty bool
}

// NewCache returns a cache of at most CacheBound(max) states.
func NewCache[K comparable, V any](max int) *Cache[K, V] {
	return &Cache[K, V]{max: CacheBound(max), m: map[K]*cacheEntry[V]{}}
}

// CacheBound is the bound to give a projection's in-memory state meant to
// hold at most max entries: max, or less while tests cap every cache so
// that states are dropped and read back all along. NewCache applies it; a
// projection bounding a structure of its own applies it too.
func CacheBound(max int) int {
	if c := int(cacheCap.Load()); c > 0 {
		return min(max, c)
	}
	return max
}

// Get returns the cached state of k.
func (c *Cache[K, V]) Get(k K) (*V, bool) {
	e, ok := c.m[k]
	if !ok {
		return nil, false
	}
	c.tick++
	e.used = c.tick
	return e.v, true
}

// Put caches v as k's state, changed.
func (c *Cache[K, V]) Put(k K, v *V) {
	c.tick++
	e, ok := c.m[k]
	if !ok {
		e = &cacheEntry[V]{}
		c.m[k] = e
	}
	e.v, e.used = v, c.tick
	if !e.dirty {
		e.dirty = true
		c.dirty = append(c.dirty, k)
	}
}

// Len is the number of states held.
func (c *Cache[K, V]) Len() int { return len(c.m) }

// Dirty calls write for each state changed since it was last written, in
// the order they were first changed, then drops the least recently used
// states beyond the bound. If write fails, the states not yet written stay
// changed.
func (c *Cache[K, V]) Dirty(write func(K, *V) error) error {
	for i, k := range c.dirty {
		e, ok := c.m[k]
		if !ok || !e.dirty {
			continue
		}
		if err := write(k, e.v); err != nil {
			c.dirty = c.dirty[i:]
			return err
		}
		e.dirty = false
	}
	c.dirty = c.dirty[:0]
	return c.Evict(nil)
}

// Evict drops the least recently used states beyond the bound, calling
// write first for each of them that changed since it was last written;
// with a nil write, changed states are kept.
func (c *Cache[K, V]) Evict(write func(K, *V) error) error {
	over := len(c.m) - c.max
	if over <= 0 {
		return nil
	}
	drop := min(len(c.m), over+c.max/10)
	used := make([]uint64, 0, len(c.m))
	for _, e := range c.m {
		used = append(used, e.used)
	}
	slices.Sort(used)
	cut := used[drop-1] // ticks are unique: exactly drop entries are ≤ cut
	for k, e := range c.m {
		if e.used > cut {
			continue
		}
		if e.dirty {
			if write == nil {
				continue
			}
			if err := write(k, e.v); err != nil {
				return err
			}
			e.dirty = false
		}
		delete(c.m, k)
	}
	if len(c.dirty) > 2*len(c.m) {
		c.compact()
	}
	return nil
}

// Write writes what must be written now: the changed states the bound
// drops and, when all, every other changed state too (a shadow build holds
// the rest until its swap).
func (c *Cache[K, V]) Write(all bool, write func(K, *V) error) error {
	if err := c.Evict(write); err != nil || !all {
		return err
	}
	return c.Dirty(write)
}

// compact forgets the keys of the dirty list that are no longer changed.
func (c *Cache[K, V]) compact() {
	keep := c.dirty[:0]
	for _, k := range c.dirty {
		if e, ok := c.m[k]; ok && e.dirty {
			keep = append(keep, k)
		}
	}
	c.dirty = keep
}

// Reset forgets everything.
func (c *Cache[K, V]) Reset() {
	clear(c.m)
	c.dirty = c.dirty[:0]
}
