package demo

// extraSteps are the seed steps after the cases: the stations' five-haves
// facts, the contract that pays for them, the activities counted toward
// it, and the referrals.
func extraSteps(s *seeder) []struct {
	name string
	f    func() error
} {
	return []struct {
		name string
		f    func() error
	}{
		{"stations", s.seedStations},
		{"contract", s.seedContract},
		{"activities", s.seedActivities},
		{"referrals", s.seedReferrals},
	}
}
