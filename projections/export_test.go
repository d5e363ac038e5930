package projections

// SetAfterApply installs the test hook called after each applied event.
func SetAfterApply(o *Options, f func(pos uint64)) { o.afterApply = f }
