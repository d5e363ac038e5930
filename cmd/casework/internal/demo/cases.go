package demo

import (
	"fmt"
	"sort"
	"time"

	"github.com/google/uuid"

	"casework/api/service"
	"casework/domain"
	"casework/domain/casefile"
	"casework/domain/value"
)

// staff of each station: the workers who record cases and the supervisor
// who approves them.
var staff = map[string]struct {
	workers    []string
	supervisor string
}{
	"jincheng": {[]string{"worker", "worker", "worker2"}, "supervisor"},
	"linglong": {[]string{"worker3"}, "supervisor2"},
	"yuqian":   {[]string{"worker4"}, "supervisor3"},
}

// caseStages is the target stage of each demo case: about forty cases at
// every stage of the casework process.
var caseStages = func() []string {
	var out []string
	for _, x := range []struct {
		stage string
		n     int
	}{
		{casefile.StageIntake, 5}, {casefile.StageAssessment, 5}, {casefile.StagePlanning, 6},
		{casefile.StageInService, 12}, {casefile.StageClosing, 4}, {casefile.StageClosed, 4}, {casefile.StageArchived, 4},
	} {
		for range x.n {
			out = append(out, x.stage)
		}
	}
	return out
}()

// caseAge is how many days ago a case at stage was opened.
func caseAge(stage string, i int) int {
	switch stage {
	case casefile.StageIntake:
		return 1 + i%9
	case casefile.StageAssessment:
		return 6 + i%14
	case casefile.StagePlanning:
		return 12 + i%20
	case casefile.StageInService:
		return 20 + (i*13)%180
	case casefile.StageClosing:
		return 120 + (i*7)%100
	case casefile.StageClosed:
		return 150 + (i*11)%120
	}
	return 250 + (i*5)%110
}

// birthFor picks a realistic birth date for a client of d.
func birthFor(d domain.ServiceDomain, i int) value.Date {
	var year int
	switch d {
	case domain.ElderlyCare, domain.EpidemicPrevention:
		year = 1936 + (i*7)%20
	case domain.ChildWelfare:
		year = 2012 + i%7
	case domain.RuralRevitalization:
		year = 1993 + i%8
	default:
		year = 1958 + (i*5)%40
	}
	return value.NewDate(year, time.Month(1+(i*5)%12), 1+(i*11)%28)
}

// step is one command of a case's history, on a day counted from opening.
type step struct {
	day int
	who string
	do  func(p service.Principal, opts service.Options) error
}

func (s *seeder) seedCases() error {
	for i, stage := range caseStages {
		if err := s.seedCase(i, stage); err != nil {
			return err
		}
	}
	return nil
}

// seedCase opens case i and takes it to stage through the steps a worker
// and a supervisor would record.
func (s *seeder) seedCase(i int, stage string) error {
	station := stationKeys[[]int{0, 0, 1, 2, 0}[i%5]]
	st := staff[station]
	worker := st.workers[i%len(st.workers)]
	sup := st.supervisor
	dom := domain.ServiceDomains()[i%8]
	tp := topics[dom]
	male := i%3 != 1
	client := newPerson(i, male, birthFor(dom, i))
	age := caseAge(stage, i)
	opened := s.day(age)
	size := 1 + i%4
	if dom == domain.ElderlyCare {
		size = 1
	}

	var id uuid.UUID
	var steps []step
	add := func(day int, who string, f func(p service.Principal, opts service.Options) error) {
		steps = append(steps, step{day, who, f})
	}
	onCase := func(f func(p service.Principal, opts service.Options) (service.Result, error)) func(service.Principal, service.Options) error {
		return func(p service.Principal, o service.Options) error { _, err := f(p, o); return err }
	}
	ctx := s.ctx
	add(0, worker, func(p service.Principal, o service.Options) error {
		source := []string{casefile.SourceWalkIn, casefile.SourceHelpRequest, casefile.SourceOutreach, casefile.SourceReferralIn}[i%4]
		in := casefile.OpenInput{Source: source, Domain: dom,
			Client: casefile.ClientInput{Name: client.name, ResidentID: client.id, Gender: client.gender(), BirthDate: client.birth,
				Phone: client.phone, Address: client.street, Circumstances: tp.circumstances},
			Household: casefile.HouseholdInput{County: countyCode, Size: size, Address: client.street}}
		if source == casefile.SourceReferralIn {
			in.ReferredBy = "村（社区）网格员"
		}
		res, err := s.svc.OpenCase(ctx, p, o, in)
		id = res.ID
		return err
	})
	rank := map[string]int{casefile.StageIntake: 0, casefile.StageAssessment: 1, casefile.StagePlanning: 2,
		casefile.StageInService: 3, casefile.StageClosing: 4, casefile.StageClosed: 5, casefile.StageArchived: 6}[stage]

	if rank >= 1 {
		if dom == domain.SocialAssistance || dom == domain.ElderlyCare || i%3 == 0 {
			add(2, worker, onCase(func(p service.Principal, o service.Options) (service.Result, error) {
				return s.svc.RecordHouseholdCheck(ctx, p, o, id, householdCheck(i, client, size, opened.AddDays(2), s.displayName(worker), s.displayName(sup)))
			}))
		}
		add(4, worker, onCase(func(p service.Principal, o service.Options) (service.Result, error) {
			return s.svc.AssessNeeds(ctx, p, o, id, casefile.AssessInput{AssessedOn: opened.AddDays(4), Needs: tp.needs,
				RiskLevel: casefile.RiskLevels()[i%3]})
		}))
		if rank >= 2 || i%2 == 0 {
			add(4, worker, onCase(func(p service.Principal, o service.Options) (service.Result, error) {
				return s.svc.RequestApproval(ctx, p, o, id, casefile.RequestApprovalInput{Subject: casefile.SubjectAssessment, Note: "请审核需求评估"})
			}))
		}
	}
	if rank >= 2 {
		if i%10 == 3 {
			add(5, sup, onCase(func(p service.Principal, o service.Options) (service.Result, error) {
				return s.svc.DecideApproval(ctx, p, o, id, false, casefile.DecideApprovalInput{Subject: casefile.SubjectAssessment,
					Comment: "风险等级依据不足，请补充入户访谈记录后重新提交"})
			}))
			add(6, worker, onCase(func(p service.Principal, o service.Options) (service.Result, error) {
				return s.svc.AssessNeeds(ctx, p, o, id, casefile.AssessInput{AssessedOn: opened.AddDays(6), Needs: tp.needs,
					RiskLevel: casefile.RiskHigh, HealthNotes: "补充入户访谈：近期情绪波动明显"})
			}))
			add(6, worker, onCase(func(p service.Principal, o service.Options) (service.Result, error) {
				return s.svc.RequestApproval(ctx, p, o, id, casefile.RequestApprovalInput{Subject: casefile.SubjectAssessment, Note: "已补充访谈记录"})
			}))
		}
		add(6, sup, onCase(func(p service.Principal, o service.Options) (service.Result, error) {
			return s.svc.DecideApproval(ctx, p, o, id, true, casefile.DecideApprovalInput{Subject: casefile.SubjectAssessment, Comment: "同意"})
		}))
		if rank >= 3 || i%2 == 1 {
			add(7, worker, onCase(func(p service.Principal, o service.Options) (service.Result, error) {
				return s.svc.DraftPlan(ctx, p, o, id, plan(tp, opened.AddDays(7)))
			}))
			add(7, worker, onCase(func(p service.Principal, o service.Options) (service.Result, error) {
				return s.svc.RequestApproval(ctx, p, o, id, casefile.RequestApprovalInput{Subject: casefile.SubjectPlan})
			}))
		}
	}

	// From here on, the case is served until its closure is requested.
	closureAt := age + 1
	switch stage {
	case casefile.StageClosing:
		closureAt = age - 2
	case casefile.StageClosed:
		closureAt = age - 30
	case casefile.StageArchived:
		closureAt = age - 60
	}
	if rank >= 3 {
		add(8, sup, onCase(func(p service.Principal, o service.Options) (service.Result, error) {
			return s.svc.DecideApproval(ctx, p, o, id, true, casefile.DecideApprovalInput{Subject: casefile.SubjectPlan, Comment: "计划可行，同意实施"})
		}))
		n := 0
		for d := 10; d < closureAt && d <= age && n < 10; d += 9 + i%7 {
			day, k := d, n
			who := worker
			add(day, worker, onCase(func(p service.Principal, o service.Options) (service.Result, error) {
				return s.svc.DeliverService(ctx, p, o, id, casefile.DeliverInput{Method: "casework", Kind: tp.kinds[k%len(tp.kinds)],
					OccurredOn: opened.AddDays(day), DurationMinutes: 45 + (k*15)%75, Workers: []string{s.displayName(who)},
					Notes: tp.notes[k%len(tp.notes)]})
			}))
			n++
		}
		for d := 15; d < closureAt && d <= age; d += 30 {
			day := d
			add(day, worker, onCase(func(p service.Principal, o service.Options) (service.Result, error) {
				return s.svc.RecordFollowUp(ctx, p, o, id, casefile.FollowUpInput{VisitedOn: opened.AddDays(day),
					Method: casefile.FollowUpMethods()[(i+day)%2], Findings: tp.followUp, NextFollowUp: opened.AddDays(day + 30)})
			}))
		}
		if 95 < closureAt && 95 <= age {
			add(95, worker, onCase(func(p service.Principal, o service.Options) (service.Result, error) {
				return s.svc.ReviewCase(ctx, p, o, id, casefile.ReviewInput{ReviewedOn: opened.AddDays(95),
					Progress: []string{"on_track", "partly_achieved", "achieved"}[i%3], Summary: "计划目标按期推进",
					NextReviewDate: opened.AddDays(185)})
			}))
		}
		if stage == casefile.StageInService && worker == "worker2" && !s.reassigned {
			// Handed over to a colleague (the first such case only).
			s.reassigned = true
			to := "worker"
			add(age, sup, onCase(func(p service.Principal, o service.Options) (service.Result, error) {
				return s.svc.ReassignCase(ctx, p, o, id, casefile.ReassignInput{WorkerID: s.as(to).AccountID.String(), Reason: "原社工休产假，工作交接"})
			}))
		}
	}
	if rank >= 4 {
		outcome := []string{"goals_achieved", "goals_achieved", "partly_achieved", "referred_out", "moved_away", "client_withdrew"}[i%6]
		add(closureAt, worker, onCase(func(p service.Principal, o service.Options) (service.Result, error) {
			return s.svc.RequestApproval(ctx, p, o, id, casefile.RequestApprovalInput{Subject: casefile.SubjectClosure,
				ProposedOutcome: outcome, Reason: "服务目标基本达成，服务对象同意结案"})
		}))
		if rank >= 5 || i%2 == 0 {
			add(closureAt+1, sup, onCase(func(p service.Principal, o service.Options) (service.Result, error) {
				return s.svc.DecideApproval(ctx, p, o, id, true, casefile.DecideApprovalInput{Subject: casefile.SubjectClosure, Comment: "同意结案"})
			}))
		}
	}
	if rank >= 5 {
		add(closureAt+2, worker, onCase(func(p service.Principal, o service.Options) (service.Result, error) {
			return s.svc.CloseCase(ctx, p, o, id, casefile.CloseInput{Summary: "结案评估：服务对象状况改善，已告知后续求助渠道"})
		}))
		if stage == casefile.StageClosed && i%4 == 1 {
			// Reopened after closure, served again and closed again.
			add(closureAt+10, worker, onCase(func(p service.Principal, o service.Options) (service.Result, error) {
				return s.svc.ReopenCase(ctx, p, o, id, casefile.ReasonInput{Reason: "服务对象情况反复，需恢复服务"})
			}))
			add(closureAt+14, worker, onCase(func(p service.Principal, o service.Options) (service.Result, error) {
				return s.svc.DeliverService(ctx, p, o, id, casefile.DeliverInput{Method: "casework", Kind: "home_visit",
					OccurredOn: opened.AddDays(closureAt + 14), DurationMinutes: 60, Workers: []string{s.displayName(worker)}, Notes: "重新评估近况，情况已稳定"})
			}))
			add(closureAt+20, worker, onCase(func(p service.Principal, o service.Options) (service.Result, error) {
				return s.svc.RequestApproval(ctx, p, o, id, casefile.RequestApprovalInput{Subject: casefile.SubjectClosure,
					ProposedOutcome: "goals_achieved", Reason: "情况稳定，再次结案"})
			}))
			add(closureAt+21, sup, onCase(func(p service.Principal, o service.Options) (service.Result, error) {
				return s.svc.DecideApproval(ctx, p, o, id, true, casefile.DecideApprovalInput{Subject: casefile.SubjectClosure, Comment: "同意"})
			}))
			add(closureAt+22, worker, onCase(func(p service.Principal, o service.Options) (service.Result, error) {
				return s.svc.CloseCase(ctx, p, o, id, casefile.CloseInput{})
			}))
		}
	}
	if rank >= 6 {
		add(closureAt+20, sup, onCase(func(p service.Principal, o service.Options) (service.Result, error) {
			return s.svc.ArchiveCase(ctx, p, o, id, casefile.ArchiveInput{ResponsiblePerson: s.displayName(sup),
				ArchiveCode: fmt.Sprintf("LA-%s-%d-%04d", map[string]string{"jincheng": "JC", "linglong": "LL", "yuqian": "YQ"}[station], opened.Year(), 100+i)})
		}))
	}

	sort.SliceStable(steps, func(a, b int) bool { return steps[a].day < steps[b].day })
	for k, st := range steps {
		s.clk.set(opened.AddDays(st.day), 10*k)
		if err := check(fmt.Sprintf("case %d (%s) step %d", i, stage, k), st.do(s.as(st.who), service.Options{CorrelationID: "demo-seed"})); err != nil {
			return err
		}
	}
	s.cases++
	s.seeded = append(s.seeded, seededCase{id: id, worker: worker, station: station, client: client, domain: dom, opened: opened, stage: stage})
	return nil
}

func (s *seeder) displayName(username string) string {
	a, _ := s.svc.Directory().AccountByUsername(username)
	return a.DisplayName
}

// householdCheck is a check with the client's household: members with
// incomes low enough for social assistance clients to be eligible.
func householdCheck(i int, c person, size int, on value.Date, inv1, inv2 string) casefile.HouseholdCheckInput {
	rel := []string{"self", "spouse", "child", "parent"}
	members := make([]casefile.MemberInput, 0, size)
	for k := range size {
		m := casefile.MemberInput{Name: c.name, Relation: rel[k]}
		if k > 0 {
			m.Name = surnames[(i*3+k)%len(surnames)] + femaleName[(i+k)%len(femaleName)]
		}
		switch k {
		case 0:
			m.BirthDate = c.birth
			m.Income = []casefile.IncomeItem{{Kind: "transfer", Amount: value.Yuan(int64(300 + (i*37)%900)), Period: casefile.PeriodMonthly, Note: "临时救助"}}
		case 1:
			m.Income = []casefile.IncomeItem{{Kind: "wages", Amount: value.Yuan(int64(800 + (i*53)%2400)), Period: casefile.PeriodMonthly, Note: "零工收入"}}
		case 2:
			m.BirthDate = on.AddDays(-365 * (8 + i%8))
		}
		members = append(members, m)
	}
	return casefile.HouseholdCheckInput{VisitDate: on, Investigators: []string{inv1, inv2}, Members: members,
		Assets: []casefile.Asset{{Kind: "house", Description: "自建房一处", Value: value.Yuan(int64(80000 + (i*977)%60000))}},
		Notes:  "入户核查，查看户口簿、收入证明及银行流水"}
}

func plan(tp topic, start value.Date) casefile.PlanInput {
	var ps []casefile.PlannedService
	for _, k := range tp.kinds {
		ps = append(ps, casefile.PlannedService{Method: "casework", Kind: k, Frequency: "每两周一次"})
	}
	return casefile.PlanInput{Goals: tp.goals, PlannedServices: ps, StartDate: start, ReviewDate: start.AddDays(90)}
}
