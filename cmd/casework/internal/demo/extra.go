package demo

// extraSteps are the seed steps beyond the org tree, accounts and cases.
func extraSteps(s *seeder) []struct {
	name string
	f    func() error
} {
	return nil
}
