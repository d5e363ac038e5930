package projections

// Cache keeps the folded states a projection read or wrote, bounded so
// that memory stays flat over a long rebuild, and tracks which ones a
// batch changed. The states of a batch are dirty and kept until Flush;
// when full, it drops clean states at random (map order) down to nine
// tenths of its size: a log that cycles through more streams than it
// holds still finds some, where dropping everything would find none.
type Cache[K comparable, V any] struct {
	max   int
	m     map[K]*V
	dirty map[K]*V
}

// NewCache returns a cache of at most max states (besides dirty ones).
func NewCache[K comparable, V any](max int) *Cache[K, V] {
	return &Cache[K, V]{max: max, m: map[K]*V{}, dirty: map[K]*V{}}
}

// Get returns the cached state of k.
func (c *Cache[K, V]) Get(k K) (*V, bool) {
	if v, ok := c.dirty[k]; ok {
		return v, true
	}
	v, ok := c.m[k]
	return v, ok
}

// Put caches v as k's state, changed in this batch.
func (c *Cache[K, V]) Put(k K, v *V) { c.dirty[k] = v }

// Full reports whether the cache holds more states than its size: a
// projection that keeps changed states unwritten across the batches of a
// shadow build must write them (Dirty) now.
func (c *Cache[K, V]) Full() bool { return len(c.m)+len(c.dirty) > c.max }

// Dirty calls f for each state changed since it was last called, then
// keeps them as clean.
func (c *Cache[K, V]) Dirty(f func(K, *V) error) error {
	for k, v := range c.dirty {
		if err := f(k, v); err != nil {
			return err
		}
	}
	if over := len(c.m) + len(c.dirty) - c.max; over > 0 {
		drop := over + c.max/10
		for k := range c.m {
			if drop == 0 {
				break
			}
			delete(c.m, k)
			drop--
		}
	}
	for k, v := range c.dirty {
		c.m[k] = v
	}
	clear(c.dirty)
	return nil
}

// Reset forgets everything.
func (c *Cache[K, V]) Reset() {
	clear(c.m)
	clear(c.dirty)
}
