package audittrail

// SetCountLimit makes List count at most n events until restore is called.
func SetCountLimit(n int) (restore func()) {
	countLimit = n
	return func() { countLimit = CountLimit }
}
