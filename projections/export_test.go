package projections

// SetAfterApply installs the test hook called after each applied event.
func SetAfterApply(o *Options, f func(pos uint64)) { o.afterApply = f }

// SetCacheCap bounds every cache created from now on to n states (0
// restores the projections' own bounds).
func SetCacheCap(n int) { cacheCap.Store(int64(n)) }
