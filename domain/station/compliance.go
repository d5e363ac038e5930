package station

import (
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/value"
)

// Have is one of the five haves of seed 000 (有场地、有人员、有功能、有制度、有活动).
type Have string

// The five haves.
const (
	HaveSite       Have = "site"       // 有场地
	HaveStaff      Have = "staff"      // 有人员
	HaveFunction   Have = "function"   // 有功能
	HaveRules      Have = "rules"      // 有制度
	HaveActivities Have = "activities" // 有活动
)

// Haves lists the five haves in the seed's order.
func Haves() []Have { return []Have{HaveSite, HaveStaff, HaveFunction, HaveRules, HaveActivities} }

// Compliance rule names, one per check; listed in Rules().
const (
	RuleSiteArea            = "station.compliance.site_area_min_40"
	RuleStationHead         = "station.compliance.station_head_assigned"
	RuleResidentWorkersMin  = "station.compliance.resident_workers_min"
	RuleResidentWorkersQual = "station.compliance.resident_workers_qualified"
	RuleVolunteerTeam       = "station.compliance.volunteer_team_formed"
	RuleFunctions           = "station.compliance.functions_recorded"
	RuleStationRules        = "station.compliance.rules_registered"
	RuleActivityInPeriod    = "station.compliance.activity_in_period"
)

// Minimum numbers of full-time resident social workers: 2 (seed 000:
// "驻站社工一般为2-3人"), 3 at a pilot station (seed 001: "驻站人员不少于3人").
const (
	MinResidentWorkers      = 2
	MinResidentWorkersPilot = 3
)

// DefaultWindowDays is the usual activity period: a station with no
// activity in the last 90 days (about a quarter, the reporting rhythm of
// seed 001) does not meet 有活动.
const DefaultWindowDays = 90

// Window is the period over which activities count: day d is covered by an
// activity held in (d − Days, d]. Days ≤ 0 means DefaultWindowDays.
type Window struct {
	Days int
}

func (w Window) days() int {
	if w.Days <= 0 {
		return DefaultWindowDays
	}
	return w.Days
}

// Check is the outcome of one compliance rule on the report's date.
type Check struct {
	Rule string `json:"rule"`
	Have Have   `json:"have"`
	Met  bool   `json:"met"`
	// Since is the first day of the current run of Met: the day from which
	// the rule has been failing (or met) without interruption up to the
	// report's date. It is never before the station's registration.
	Since value.Date `json:"since"`
	// Detail says what was found on the report's date.
	Detail string `json:"detail"`
}

// HaveResult is one of the five haves: met when all its checks are met.
// Since is the start of the have's own run, which may be earlier than any
// single check's (two rules may have failed in turn).
type HaveResult struct {
	Have   Have       `json:"have"`
	Met    bool       `json:"met"`
	Since  value.Date `json:"since"`
	Checks []Check    `json:"checks"`
}

// Report is a station's five-haves compliance as of a date.
type Report struct {
	StationID  uuid.UUID  `json:"station_id"`
	AsOf       value.Date `json:"as_of"`
	WindowDays int        `json:"window_days"`
	// Registered is false when the station did not exist on AsOf; then
	// nothing is met and no Since is given.
	Registered bool         `json:"registered"`
	Met        bool         `json:"met"`
	Since      value.Date   `json:"since"`
	Haves      []HaveResult `json:"haves"`
}

// Failing returns the checks not met, in report order.
func (r Report) Failing() []Check {
	var out []Check
	for _, h := range r.Haves {
		for _, c := range h.Checks {
			if !c.Met {
				out = append(out, c)
			}
		}
	}
	return out
}

// Compliance judges the station's five haves as of asOf, from the facts
// effective on or before each day (events carry their effective dates, so
// a fact recorded late still counts from its date). It is a pure function
// of the state.
//
// The checks, by have:
//   - site: RuleSiteArea, the latest site record has ≥ 40 m² of activity space;
//   - staff: RuleStationHead, a station head in post; RuleResidentWorkersMin,
//     at least 2 (pilot: 3) full-time resident social workers in post;
//     RuleResidentWorkersQual, every resident social worker in post meets
//     Qualified that day; RuleVolunteerTeam, a volunteer team formed;
//   - function: RuleFunctions, service domains recorded;
//   - rules: RuleStationRules, at least one rule in each of
//     RequiredRuleCategories;
//   - activities: RuleActivityInPeriod, an activity held within the window.
func Compliance(s *State, asOf value.Date, w Window) Report {
	r := Report{StationID: s.ID, AsOf: asOf, WindowDays: w.days()}
	checks := s.checks(w.days())
	r.Registered = s.Exists && !asOf.Before(s.RegisteredOn)
	if !r.Registered {
		for _, h := range Haves() {
			hr := HaveResult{Have: h}
			for _, c := range checks {
				if c.have == h {
					hr.Checks = append(hr.Checks, Check{Rule: c.rule, Have: h, Detail: "the station is not registered on this date"})
				}
			}
			r.Haves = append(r.Haves, hr)
		}
		return r
	}
	floor := s.RegisteredOn
	var all []ruleCheck
	for _, h := range Haves() {
		hr := HaveResult{Have: h}
		var mine []ruleCheck
		for _, c := range checks {
			if c.have != h {
				continue
			}
			mine = append(mine, c)
			met, since := streak(c.met, c.points, asOf, floor)
			hr.Checks = append(hr.Checks, Check{Rule: c.rule, Have: h, Met: met, Since: since, Detail: c.detail(asOf)})
		}
		hr.Met, hr.Since = streak(allMet(mine), allPoints(mine), asOf, floor)
		all = append(all, mine...)
		r.Haves = append(r.Haves, hr)
	}
	r.Met, r.Since = streak(allMet(all), allPoints(all), asOf, floor)
	return r
}

// ruleCheck is one compliance rule as a predicate over days, with every
// day on which its value may change (its change points). Between change
// points the predicate is constant, which lets streak find "since when"
// without walking day by day.
type ruleCheck struct {
	rule   string
	have   Have
	met    func(value.Date) bool
	points []value.Date
	detail func(value.Date) string
}

// streak returns met(asOf) and the first day of the run of that value that
// ends on asOf, never earlier than floor.
func streak(met func(value.Date) bool, points []value.Date, asOf, floor value.Date) (bool, value.Date) {
	now := met(asOf)
	var ps []value.Date
	for _, p := range points {
		if p.After(floor) && !p.After(asOf) {
			ps = append(ps, p)
		}
	}
	slices.SortFunc(ps, func(a, b value.Date) int { return value.DaysBetween(a, b) }) // latest first
	ps = slices.Compact(ps)
	for _, p := range ps {
		if met(p.AddDays(-1)) != now {
			return now, p
		}
	}
	return now, floor
}

func allMet(cs []ruleCheck) func(value.Date) bool {
	return func(d value.Date) bool {
		for _, c := range cs {
			if !c.met(d) {
				return false
			}
		}
		return true
	}
}

func allPoints(cs []ruleCheck) []value.Date {
	var out []value.Date
	for _, c := range cs {
		out = append(out, c.points...)
	}
	return out
}

func (s *State) checks(window int) []ruleCheck {
	var staffPoints []value.Date
	for _, m := range s.Staff {
		staffPoints = append(staffPoints, m.StartDate)
		if !m.LeftOn.IsZero() {
			staffPoints = append(staffPoints, m.LeftOn)
		}
		if u := QualifiedUntil(m.Education, m.BirthDate); !u.IsZero() {
			staffPoints = append(staffPoints, u)
		}
	}
	minWorkers := func(d value.Date) int {
		if s.PilotOn(d) {
			return MinResidentWorkersPilot
		}
		return MinResidentWorkers
	}
	for _, c := range s.PilotChanges {
		staffPoints = append(staffPoints, c.EffectiveOn)
	}
	activityDates := make([]value.Date, 0, len(s.Activities))
	var activityPoints []value.Date
	for _, a := range s.Activities {
		activityDates = append(activityDates, a.Date)
		activityPoints = append(activityPoints, a.Date, a.Date.AddDays(window))
	}
	slices.SortFunc(activityDates, func(a, b value.Date) int { return value.DaysBetween(b, a) }) // earliest first
	lastActivity := func(d value.Date) (value.Date, bool) {
		i, found := slices.BinarySearchFunc(activityDates, d, func(a, t value.Date) int { return value.DaysBetween(t, a) })
		if found {
			return d, true
		}
		if i == 0 {
			return value.Date{}, false
		}
		return activityDates[i-1], true
	}
	return []ruleCheck{
		{
			rule: RuleSiteArea, have: HaveSite,
			points: mapDates(s.Sites, func(x SiteRecorded) value.Date { return x.EffectiveOn }),
			met: func(d value.Date) bool {
				site, ok := s.siteOn(d)
				return ok && site.ActivityAreaM2 >= MinActivityAreaM2
			},
			detail: func(d value.Date) string {
				site, ok := s.siteOn(d)
				if !ok {
					return "no site recorded"
				}
				return fmt.Sprintf("activity area %d m² (at least %d m²)", site.ActivityAreaM2, MinActivityAreaM2)
			},
		},
		{
			rule: RuleStationHead, have: HaveStaff, points: staffPoints,
			met: func(d value.Date) bool { return s.count(d, RoleStationHead, false) > 0 },
			detail: func(d value.Date) string {
				return fmt.Sprintf("%d station head(s) in post", s.count(d, RoleStationHead, false))
			},
		},
		{
			rule: RuleResidentWorkersMin, have: HaveStaff, points: staffPoints,
			met: func(d value.Date) bool { return s.count(d, RoleResidentWorker, true) >= minWorkers(d) },
			detail: func(d value.Date) string {
				return fmt.Sprintf("%d full-time resident social worker(s) in post (at least %d)", s.count(d, RoleResidentWorker, true), minWorkers(d))
			},
		},
		{
			rule: RuleResidentWorkersQual, have: HaveStaff, points: staffPoints,
			met: func(d value.Date) bool { return len(s.unqualified(d)) == 0 },
			detail: func(d value.Date) string {
				bad := s.unqualified(d)
				if len(bad) == 0 {
					return "every resident social worker in post is qualified"
				}
				var b strings.Builder
				fmt.Fprintf(&b, "%d resident social worker(s) not qualified:", len(bad))
				for _, m := range bad {
					fmt.Fprintf(&b, " %s (%s, aged %d)", m.StaffID, m.Education, AgeOn(m.BirthDate, d))
				}
				return b.String()
			},
		},
		{
			rule: RuleVolunteerTeam, have: HaveStaff,
			points: mapDates(s.Teams, func(t VolunteerTeamFormed) value.Date { return t.FormedOn }),
			met:    func(d value.Date) bool { return s.teamsOn(d) > 0 },
			detail: func(d value.Date) string { return fmt.Sprintf("%d volunteer team(s) formed", s.teamsOn(d)) },
		},
		{
			rule: RuleFunctions, have: HaveFunction,
			points: mapDates(s.Functions, func(f StationFunctionsRecorded) value.Date { return f.EffectiveOn }),
			met:    func(d value.Date) bool { return len(s.functionsOn(d)) > 0 },
			detail: func(d value.Date) string {
				fs := s.functionsOn(d)
				if len(fs) == 0 {
					return "no service functions recorded"
				}
				names := make([]string, len(fs))
				for i, f := range fs {
					names[i] = string(f)
				}
				return "service domains: " + strings.Join(names, ", ")
			},
		},
		{
			rule: RuleStationRules, have: HaveRules,
			points: mapDates(s.Rules, func(r StationRuleRegistered) value.Date { return r.AdoptedOn }),
			met:    func(d value.Date) bool { return len(s.missingRuleCategories(d)) == 0 },
			detail: func(d value.Date) string {
				miss := s.missingRuleCategories(d)
				if len(miss) == 0 {
					return "rules registered in every required category"
				}
				names := make([]string, len(miss))
				for i, c := range miss {
					names[i] = string(c)
				}
				return "no rule registered for: " + strings.Join(names, ", ")
			},
		},
		{
			rule: RuleActivityInPeriod, have: HaveActivities, points: activityPoints,
			met: func(d value.Date) bool {
				last, ok := lastActivity(d)
				return ok && value.DaysBetween(last, d) < window
			},
			detail: func(d value.Date) string {
				last, ok := lastActivity(d)
				if !ok {
					return "no activity held"
				}
				return fmt.Sprintf("last activity on %s (within %d days required)", last, window)
			},
		},
	}
}

func mapDates[T any](xs []T, f func(T) value.Date) []value.Date {
	out := make([]value.Date, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// siteOn returns the site record in force on d: the latest effective date
// on or before d, the later event winning a tie.
func (s *State) siteOn(d value.Date) (SiteRecorded, bool) {
	var best SiteRecorded
	ok := false
	for _, x := range s.Sites {
		if !x.EffectiveOn.After(d) && (!ok || !x.EffectiveOn.Before(best.EffectiveOn)) {
			best, ok = x, true
		}
	}
	return best, ok
}

// functionsOn returns the service domains in force on d.
func (s *State) functionsOn(d value.Date) []domain.ServiceDomain {
	var best StationFunctionsRecorded
	ok := false
	for _, x := range s.Functions {
		if !x.EffectiveOn.After(d) && (!ok || !x.EffectiveOn.Before(best.EffectiveOn)) {
			best, ok = x, true
		}
	}
	return best.Domains
}

func (s *State) count(d value.Date, role StaffRole, fullTimeOnly bool) int {
	n := 0
	for _, m := range s.Staff {
		if m.Role == role && m.InPost(d) && (!fullTimeOnly || m.Employment == FullTime) {
			n++
		}
	}
	return n
}

func (s *State) unqualified(d value.Date) []StaffMember {
	var out []StaffMember
	for _, m := range s.Staff {
		if m.Role == RoleResidentWorker && m.InPost(d) && !Qualified(m.Education, m.BirthDate, d) {
			out = append(out, m)
		}
	}
	return out
}

func (s *State) teamsOn(d value.Date) int {
	n := 0
	for _, t := range s.Teams {
		if !t.FormedOn.After(d) {
			n++
		}
	}
	return n
}

func (s *State) missingRuleCategories(d value.Date) []RuleCategory {
	var out []RuleCategory
	for _, c := range RequiredRuleCategories() {
		if !slices.ContainsFunc(s.Rules, func(r StationRuleRegistered) bool {
			return r.Category == c && !r.AdoptedOn.After(d)
		}) {
			out = append(out, c)
		}
	}
	return out
}
