// Package projtest generates realistic histories for the projections'
// tests and benchmarks: an org tree (a city, counties, stations), each
// station's five-haves facts and activities, cases through intake,
// household check (with names, resident ID numbers and incomes), needs
// assessment, plan, approvals, services, follow-ups and closure, referrals
// through their states, and a purchase-of-services contract with its
// agreement, reports, funds and evaluation. Payloads are the domain's own
// types, encoded by the domain registry.
package projtest

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/casefile"
	"casework/domain/catalog"
	"casework/domain/contract"
	"casework/domain/org"
	"casework/domain/referral"
	"casework/domain/station"
	"casework/domain/value"
	"casework/eventstore"
)

// Secrets are personal values the generator puts into sensitive fields;
// a test scans the read models for them.
var Secrets = []string{"张秀英", "11010519491231002X", "13900001111", "987654"}

// Options size a history.
type Options struct {
	Counties          int // default 2
	StationsPerCounty int // default 3
	// Cases is the number of cases (default 40); each has about 12 events.
	Cases int
	// Seed makes the history reproducible (default 1).
	Seed uint64
	// Start is the day the history begins (default 2025-01-06).
	Start value.Date
	// Choices, when set, makes every case take a random path through the
	// domain's commands, each choice drawn from it (see walkCases), rather
	// than the planned path its index gives it.
	Choices rand.Source
}

// World is what a generated history contains.
type World struct {
	City     uuid.UUID
	Counties []uuid.UUID
	// Stations by county, in order.
	Stations  [][]uuid.UUID
	Agency    uuid.UUID
	Bureau    uuid.UUID
	Contract  uuid.UUID
	Cases     []uuid.UUID
	Referrals []uuid.UUID
	Events    int
}

// Gen appends histories to a store.
type Gen struct {
	store eventstore.Store
	reg   *domain.Registry
	rnd   *rand.Rand
	opts  Options
	w     World
}

// Generate appends a history to store and returns what it holds.
func Generate(tb TB, store eventstore.Store, opts Options) World {
	tb.Helper()
	w, err := New(store, opts).Run(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return w
}

// New returns a generator over store.
func New(store eventstore.Store, opts Options) *Gen {
	if opts.Counties <= 0 {
		opts.Counties = 2
	}
	if opts.StationsPerCounty <= 0 {
		opts.StationsPerCounty = 3
	}
	if opts.Cases <= 0 {
		opts.Cases = 40
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	if opts.Start.IsZero() {
		opts.Start = value.MustParseDate("2025-01-06")
	}
	return &Gen{store: store, reg: catalog.Registry(), rnd: rand.New(rand.NewPCG(opts.Seed, 7)), opts: opts}
}

func (g *Gen) id() uuid.UUID {
	var b [16]byte
	for i := range b {
		b[i] = byte(g.rnd.Uint32())
	}
	b[6] = b[6]&0x0f | 0x70
	b[8] = b[8]&0x3f | 0x80
	return uuid.UUID(b)
}

// stream is one stream's events being written.
type stream struct {
	g    *Gen
	name string
	rev  int64
	unit string
	evs  []eventstore.EventData
}

func (g *Gen) open(category string, id uuid.UUID, unit string) *stream {
	return &stream{g: g, name: eventstore.StreamName(category, id), rev: -1, unit: unit}
}

// add records p, which happened on day d, by an actor of role.
func (s *stream) add(d value.Date, role domain.Role, actor string, reason string, p domain.Payload) {
	name, schema, data, err := s.g.reg.Encode(p)
	if err != nil {
		panic(err)
	}
	s.evs = append(s.evs, eventstore.EventData{ID: s.g.id(), Type: name, Data: data, Metadata: eventstore.Metadata{
		Actor: actor, Role: string(role), OrgUnit: s.unit, Schema: schema, Reason: reason,
		OccurredAt: d.Start().Add(10 * time.Hour), CorrelationID: s.g.id().String()}})
}

// flush appends the stream's pending events in one append.
func (s *stream) flush(ctx context.Context) error {
	n := len(s.evs)
	if err := s.flushCounted(ctx); err != nil {
		return err
	}
	s.g.w.Events += n
	return nil
}

// next is the revision of the stream's next event.
func (s *stream) next() uint64 { return uint64(s.rev + 1 + int64(len(s.evs))) }

func (s *stream) flushCounted(ctx context.Context) error {
	if len(s.evs) == 0 {
		return nil
	}
	exp := eventstore.NoStream
	if s.rev >= 0 {
		exp = eventstore.Exact(uint64(s.rev))
	}
	res, err := s.g.store.Append(ctx, s.name, exp, s.evs...)
	if err != nil {
		return fmt.Errorf("append %s: %w", s.name, err)
	}
	s.rev = int64(res.LastRevision)
	s.evs = s.evs[:0]
	return nil
}

// Run appends the whole history.
func (g *Gen) Run(ctx context.Context) (World, error) {
	if err := g.orgs(ctx); err != nil {
		return World{}, err
	}
	if err := g.stations(ctx); err != nil {
		return World{}, err
	}
	if err := g.contract(ctx); err != nil {
		return World{}, err
	}
	if g.opts.Choices != nil {
		if err := g.walkCases(ctx); err != nil {
			return World{}, err
		}
		return g.w, nil
	}
	// Cases open at a steady rate (one a day per forty stations' worth,
	// over at least 300 days) and the log holds every day's events in
	// date order, as production's would: the cases in progress at any
	// moment are those opened in the last few months, however long the
	// history.
	span := max(300, g.opts.Cases/40)
	type due struct {
		day, i, step int
	}
	var steps []due
	cs := make([]*caseGen, g.opts.Cases)
	for i := range cs {
		c := g.newCase(i, 20+i*span/g.opts.Cases)
		cs[i] = c
		for k, st := range c.steps {
			steps = append(steps, due{day: c.openDay + st.at, i: i, step: k})
		}
	}
	slices.SortFunc(steps, func(a, b due) int { return cmp.Or(cmp.Compare(a.day, b.day), cmp.Compare(a.i, b.i)) })
	for len(steps) > 0 {
		day := steps[0].day
		var pending []*stream
		for len(steps) > 0 && steps[0].day == day {
			c := cs[steps[0].i]
			c.step(steps[0].step)
			pending = append(pending, c.s)
			if c.ref != nil {
				pending = append(pending, c.ref)
			}
			steps = steps[1:]
		}
		if err := g.flushAll(ctx, pending); err != nil {
			return World{}, err
		}
	}
	return g.w, nil
}

// flushAll appends the pending events of distinct streams concurrently,
// so that the store commits them in groups.
func (g *Gen) flushAll(ctx context.Context, ss []*stream) error {
	const workers = 32
	var mu sync.Mutex
	var first error
	var wg sync.WaitGroup
	next := make(chan *stream)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range next {
				n := len(s.evs)
				if err := s.flushCounted(ctx); err != nil {
					mu.Lock()
					first = cmp.Or(first, err)
					mu.Unlock()
				}
				mu.Lock()
				g.w.Events += n
				mu.Unlock()
			}
		}()
	}
	for _, s := range ss {
		if len(s.evs) > 0 {
			next <- s
		}
	}
	close(next)
	wg.Wait()
	return first
}

func (g *Gen) unit(ctx context.Context, kind org.Kind, name string, parent *uuid.UUID, div string) (uuid.UUID, error) {
	id := g.id()
	s := g.open(org.Category, id, "")
	p := org.OrgUnitRegistered{ID: id, Kind: kind, Name: name, ParentID: parent}
	if div != "" {
		d := value.MustParseDivisionCode(div)
		p.Division = &d
	}
	s.add(g.opts.Start, domain.RoleSystem, "system", "", p)
	return id, s.flush(ctx)
}

func (g *Gen) orgs(ctx context.Context) error {
	var err error
	if g.w.City, err = g.unit(ctx, org.KindCity, "杭州市", nil, "330100"); err != nil {
		return err
	}
	for c := range g.opts.Counties {
		county, err := g.unit(ctx, org.KindCounty, fmt.Sprintf("第%d区", c+1), &g.w.City, fmt.Sprintf("3301%02d", 2+c))
		if err != nil {
			return err
		}
		g.w.Counties = append(g.w.Counties, county)
		var sts []uuid.UUID
		for s := range g.opts.StationsPerCounty {
			st, err := g.unit(ctx, org.KindStation, fmt.Sprintf("第%d区第%d街道社工站", c+1, s+1), &county, "")
			if err != nil {
				return err
			}
			sts = append(sts, st)
		}
		g.w.Stations = append(g.w.Stations, sts)
	}
	if g.w.Bureau, err = g.unit(ctx, org.KindBureau, "第1区民政局", &g.w.Counties[0], ""); err != nil {
		return err
	}
	g.w.Agency, err = g.unit(ctx, org.KindAgency, "慈善总会", &g.w.Counties[0], "")
	return err
}

func (g *Gen) allStations() []uuid.UUID {
	var out []uuid.UUID
	for _, s := range g.w.Stations {
		out = append(out, s...)
	}
	return out
}

func (g *Gen) stations(ctx context.Context) error {
	d := g.opts.Start
	for i, id := range g.allStations() {
		s := g.open(station.Category, id, id.String())
		sup := domain.RoleSupervisor
		s.add(d, sup, "sup", "", station.StationRegistered{StationID: id, Name: fmt.Sprintf("社工站%d", i), Township: "街道", RegisteredOn: d})
		// Every other station lacks the site area: not compliant.
		s.add(d, sup, "sup", "", station.SiteRecorded{EffectiveOn: d, ActivityAreaM2: 30 + 20*(i%2), Address: "公共地址"})
		s.add(d, sup, "sup", "", station.StationFunctionsRecorded{EffectiveOn: d, Domains: domain.ServiceDomains()[:3]})
		s.add(d, sup, "sup", "", station.StaffAssigned{StaffID: g.id(), Person: station.StaffPerson{Name: "站长"},
			Role: station.RoleStationHead, Employment: station.FullTime, Education: station.EduBachelor,
			BirthDate: value.MustParseDate("1985-05-05"), StartDate: d})
		for k := range 3 {
			s.add(d, sup, "sup", "", station.StaffAssigned{StaffID: g.id(), Person: station.StaffPerson{Name: fmt.Sprintf("社工%d", k)},
				Role: station.RoleResidentWorker, Employment: station.FullTime, Education: station.EduBachelor,
				BirthDate: value.MustParseDate("1995-05-05"), StartDate: d})
		}
		for _, rc := range station.RequiredRuleCategories() {
			s.add(d, sup, "sup", "", station.StationRuleRegistered{RuleID: g.id(), Name: string(rc), Category: rc, AdoptedOn: d})
		}
		vol := g.id()
		s.add(d, sup, "sup", "", station.VolunteerRegistered{VolunteerID: vol, Person: station.VolunteerPerson{Name: "志愿者"}, RegisteredOn: d})
		s.add(d, sup, "sup", "", station.VolunteerTeamFormed{TeamID: g.id(), Name: "志愿服务队", FormedOn: d, Members: []uuid.UUID{vol}})
		for m := range 12 {
			day := d.AddDays(15 + 30*m)
			kind := station.ActivityGroupSession
			if m%2 == 1 {
				kind = station.ActivityCommunity
			}
			act := g.id()
			s.add(day, sup, "sup", "", station.ActivityHeld{ActivityID: act, Kind: kind, Title: "活动", Date: day,
				DurationMinutes: 90, Attendance: 20, Domain: domain.ElderlyCare, Volunteers: []uuid.UUID{vol}})
			s.add(day, sup, "sup", "", station.VolunteerHoursLogged{VolunteerID: vol, Date: day, Minutes: 120, ActivityID: &act})
		}
		if err := s.flush(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (g *Gen) contract(ctx context.Context) error {
	id := g.id()
	g.w.Contract = id
	d := g.opts.Start
	sts := g.w.Stations[0]
	var names []string
	for _, s := range sts {
		names = append(names, s.String())
	}
	s := g.open(contract.Category, id, g.w.Bureau.String())
	bo := domain.RoleBureauOfficer
	s.add(d, bo, "bureau", "", contract.ProcurementOpened{ContractID: id, BureauUnit: g.w.Bureau.String(), Title: "社工站运营服务",
		Stations: names, Method: "open_tender", BudgetCeiling: 90_000_00, OpenedOn: d})
	s.add(d.AddDays(10), bo, "bureau", "", contract.ContractAwarded{ContractorUnit: g.id().String(), ContractorName: "阳光社工",
		CreditCode: value.MustParseCreditCode("52330102MJ8800001X"), AwardedOn: d.AddDays(10), Amount: 90_000_00})
	start := d.AddDays(14)
	var staffing []contract.StationStaffing
	for _, n := range names {
		staffing = append(staffing, contract.StationStaffing{Station: n, ResidentWorkers: 3})
	}
	ag := contract.AgreementSigned{CycleYear: 1, PeriodStart: start, PeriodEnd: start.AddMonths(12).AddDays(-1),
		ServiceContent: "个案、小组、社区活动", Targets: contract.Targets{Cases: 30, Services: 200, GroupSessions: 12, CommunityActivities: 12, ServiceHours: 400},
		Staffing: staffing, Budget: 90_000_00, Terms: contract.Terms{MonthlyDueDay: 10, MidTermDays: 15, FinalDays: 30, StaffingGraceDays: 30, PassThreshold: 60},
		SignedOn: start}
	s.add(start, bo, "bureau", "", ag)
	s.add(start, bo, "bureau", "", contract.FundsBudgeted{CycleYear: 1, BudgetedOn: start, Lines: []contract.BudgetLine{
		{Code: "ops", Purpose: "运营经费", Amount: 90_000_00, Earmarked: true}}})
	// Monthly briefings for the first eight months, two of them late.
	for i, r := range contract.Schedule(ag) {
		if r.Kind != contract.ReportMonthly || i >= 8 {
			continue
		}
		on := r.Due.AddDays(-2)
		if i%4 == 3 {
			on = r.Due.AddDays(5)
		}
		s.add(on, domain.RoleSupervisor, "contractor", "", contract.ReportSubmitted{CycleYear: 1, Kind: r.Kind, Period: r.Period, Due: r.Due,
			SubmittedOn: on, DocumentRef: fmt.Sprintf("DOC-%d", i)})
		s.add(on, bo, "bureau", "", contract.FundsDisbursed{Line: "ops", Amount: 5_000_00, DisbursedOn: on, Purpose: "月度拨付"})
	}
	return s.flush(ctx)
}

// caseGen drives one case through its lifecycle, step by step.
type caseGen struct {
	g       *Gen
	i       int
	id      uuid.UUID
	s       *stream
	ref     *stream
	refID   uuid.UUID
	station uuid.UUID
	openDay int // days from the history's start
	opened  value.Date
	worker  string
	steps   []caseStep
}

// caseStep is what a case records on the day at days after its opening.
type caseStep struct {
	at int
	f  func(d value.Date)
}

func (g *Gen) newCase(i, openDay int) *caseGen {
	sts := g.allStations()
	st := sts[i%len(sts)]
	c := &caseGen{g: g, i: i, id: g.id(), station: st, openDay: openDay, opened: g.opts.Start.AddDays(openDay),
		worker: fmt.Sprintf("worker-%d", i%len(sts))}
	c.s = g.open(casefile.Category, c.id, st.String())
	g.w.Cases = append(g.w.Cases, c.id)
	c.plan()
	return c
}

func (c *caseGen) plan() {
	g, i := c.g, c.i
	sw, sup := domain.RoleSocialWorker, domain.RoleSupervisor
	dom := domain.ServiceDomains()[i%8]
	// Steps come six days apart; after closes the case that many days
	// after its last step.
	add := func(f func(d value.Date)) { c.steps = append(c.steps, caseStep{at: len(c.steps) * 6, f: f}) }
	after := func(days int, f func(d value.Date)) {
		c.steps = append(c.steps, caseStep{at: c.steps[len(c.steps)-1].at + days, f: f})
	}
	add(func(d value.Date) {
		c.s.add(d, sw, c.worker, "", casefile.CaseOpened{CaseID: c.id, Source: casefile.SourceWalkIn, Domain: dom,
			StationID: c.station.String(), WorkerID: c.worker, OpenedAt: d.Start().Add(9 * time.Hour),
			Client: casefile.Client{Name: Secrets[0], ResidentID: value.MustParseResidentID(Secrets[1]), Gender: "female",
				BirthDate: value.MustParseDate("1950-03-04"), Contact: casefile.Contact{Phone: Secrets[2], Address: "某街某号"}, Circumstances: "独居"},
			Household: casefile.Household{County: value.MustParseDivisionCode("330102"), Size: 1, Address: "某街某号"}})
	})
	stages := i % 7 // how far this case goes: 0 intake … 6 closed
	if stages >= 1 {
		add(func(d value.Date) {
			c.s.add(d, sw, c.worker, "", casefile.HouseholdCheckRecorded{VisitDate: d, Investigators: []string{"甲", "乙"},
				Members:     []casefile.HouseholdMember{{Name: Secrets[0], Relation: "self", Income: []casefile.IncomeItem{{Kind: "pension", Amount: 987654, Period: "monthly"}}}},
				Eligibility: casefile.Eligibility{RuleID: "dibao", RuleVersion: 1, HouseholdSize: 1, MonthlyIncome: 987654, PerCapitaMonthlyIncome: 987654, Outcome: "not_eligible"},
				Notes:       Secrets[1]})
			c.s.add(d, sw, c.worker, "", casefile.NeedsAssessed{AssessedOn: d, Needs: []casefile.Need{{Area: "daily_care", Description: "需要照料"}}, RiskLevel: casefile.RiskLevels()[i%3]})
		})
	}
	if stages >= 2 {
		add(func(d value.Date) {
			c.s.add(d, sw, c.worker, "", casefile.ApprovalRequested{Subject: casefile.SubjectAssessment, SubjectRevision: 2})
		})
	}
	if stages >= 3 {
		add(func(d value.Date) {
			c.s.add(d, sup, "sup", "", casefile.ApprovalGranted{Subject: casefile.SubjectAssessment, SubjectRevision: 2, RequestRevision: 3, Comment: "同意"})
			c.s.add(d, sw, c.worker, "", casefile.ServicePlanDrafted{Goals: []string{"改善"}, StartDate: d, ReviewDate: d.AddDays(30),
				PlannedServices: []casefile.PlannedService{{Method: "casework", Kind: "care"}}})
			c.s.add(d, sw, c.worker, "", casefile.ApprovalRequested{Subject: casefile.SubjectPlan, SubjectRevision: 5})
			c.s.add(d, sup, "sup", "", casefile.ApprovalGranted{Subject: casefile.SubjectPlan, SubjectRevision: 5, RequestRevision: 6})
		})
		for k := range 2 + i%4 {
			add(func(d value.Date) {
				c.s.add(d, sw, c.worker, "", casefile.ServiceDelivered{Method: []string{"casework", "group", "community"}[k%3], Kind: "home_visit",
					OccurredOn: d, DurationMinutes: 60, Workers: []string{c.worker}, Notes: Secrets[2]})
				c.s.add(d, sw, c.worker, "", casefile.FollowUpRecorded{VisitedOn: d, Method: "home_visit", Findings: "好转", NextFollowUp: d.AddDays(14)})
			})
		}
		if i%3 == 0 {
			add(func(d value.Date) {
				c.refID = g.id()
				c.ref = g.open(referral.Category, c.refID, c.station.String())
				g.w.Referrals = append(g.w.Referrals, c.refID)
				c.ref.add(d, sw, c.worker, "", referral.Requested{ReferralID: c.refID, CaseID: c.id,
					Client: referral.Client{ID: c.id.String(), Name: Secrets[0], Phone: Secrets[2]},
					From:   referral.From{WorkerID: c.worker, StationID: c.station.String()}, To: referral.To{AgencyID: g.w.Agency.String()},
					ServiceDomain: domain.SocialAssistance, Needs: "需要慈善救助", Priority: referral.PriorityRoutine,
					Consent: referral.Consent{Given: true, GivenBy: Secrets[0], GivenAt: d.Start()}, DueDate: d.AddDays(20)})
				if i%2 == 0 {
					c.ref.add(d.AddDays(1), domain.RoleAgencyWorker, "agency", "", referral.Accepted{ReferralID: c.refID})
					c.ref.add(d.AddDays(2), domain.RoleAgencyWorker, "agency", "", referral.Started{ReferralID: c.refID})
					c.ref.add(d.AddDays(9), domain.RoleAgencyWorker, "agency", "", referral.Completed{ReferralID: c.refID, Outcome: "已救助"})
				}
			})
		}
	}
	if stages >= 6 {
		add(func(d value.Date) {
			c.s.add(d, sw, c.worker, "", casefile.CaseReviewed{ReviewedOn: d, Progress: "on_track", NextReviewDate: d.AddDays(60)})
		})
		add(func(d value.Date) { c.close(d, "goals_achieved", "服务目标达成") })
	} else if i%5 != 4 {
		// Cases that stop short close after a quiet quarter; a few stay
		// open, as some do in every caseload.
		after(90, func(d value.Date) { c.close(d, "client_withdrew", "案主不再需要服务") })
	}
}

// close requests, grants and records the case's closure on day d.
func (c *caseGen) close(d value.Date, outcome, reason string) {
	rev := c.s.next()
	c.s.add(d, domain.RoleSocialWorker, c.worker, "", casefile.ApprovalRequested{Subject: casefile.SubjectClosure, SubjectRevision: rev,
		ProposedOutcome: outcome, Reason: reason})
	c.s.add(d, domain.RoleSupervisor, "sup", "", casefile.ApprovalGranted{Subject: casefile.SubjectClosure, SubjectRevision: rev, RequestRevision: rev})
	c.s.add(d, domain.RoleSocialWorker, c.worker, reason, casefile.CaseClosed{Outcome: outcome, Reason: reason, ApprovalRequestRevision: rev, ClosedOn: d})
}

// step takes the case's k-th step.
func (c *caseGen) step(k int) {
	st := c.steps[k]
	st.f(c.opened.AddDays(st.at))
}
