package casefile_test

import (
	"reflect"
	"testing"
	"time"

	"pgregory.net/rapid"

	"casework/domain"
	"casework/domain/casefile"
	"casework/domain/value"
)

// actors is weighted towards the roles that may act.
var actors = []domain.Actor{worker, worker, worker, worker2, supervisor, supervisor, supervisor2, supervisor2, auditor,
	{ID: "acc-agency", Role: domain.RoleAgencyWorker, OrgUnit: "agency-1"}}

// pick draws uniformly from list; rapid's own draws lean towards the
// first element, which would starve the later commands.
func pick[T any](t *rapid.T, label string, list []T) T {
	v := uint64(rapid.IntRange(0, 1<<30).Draw(t, label))
	return list[(v*0x9E3779B97F4A7C15>>33)%uint64(len(list))]
}

// drawDate is mostly a recent date, sometimes missing, in the future or
// far back, relative to today.
func drawDate(t *rapid.T, label string, today value.Date) value.Date {
	if rapid.IntRange(0, 20).Draw(t, label+"_zero") == 0 {
		return value.Date{}
	}
	return today.AddDays(rapid.IntRange(-10, 1).Draw(t, label))
}

func drawLater(t *rapid.T, label string, today value.Date) value.Date {
	if rapid.IntRange(0, 20).Draw(t, label+"_zero") == 0 {
		return value.Date{}
	}
	return today.AddDays(rapid.IntRange(-2, 120).Draw(t, label))
}

func drawText(t *rapid.T, label string) string {
	return rapid.SampledFrom([]string{"", " ", "张三", "李四", "王芳", "情况变化", "服务完成"}).Draw(t, label)
}

func drawOf[S ~string](t *rapid.T, label string, valid []S) S {
	if rapid.IntRange(0, 5).Draw(t, label+"_bad") == 0 {
		return rapid.SampledFrom([]S{"", "bogus"}).Draw(t, label)
	}
	return rapid.SampledFrom(valid).Draw(t, label)
}

func drawStrings(t *rapid.T, label string) []string {
	if rapid.IntRange(0, 3).Draw(t, label+"_valid") > 0 {
		return []string{"李明", "王芳"}
	}
	return rapid.SliceOfN(rapid.SampledFrom([]string{"", "李明", "王芳", "赵刚", "陈静"}), 0, 3).Draw(t, label)
}

// step draws one command, often with a malformed input, and runs it
// against s as c.Actor.
func step(t *rapid.T, s *casefile.State, c *domain.Cmd) (string, []domain.Payload, error) {
	cmd := *c
	today := value.DateOf(cmd.Now)
	name := pick(t, "command", []string{"open", "check", "assess", "plan", "service", "followup", "review",
		"request", "grant", "reject", "close", "reopen", "archive", "reassign"})
	var ps []domain.Payload
	var err error
	switch name {
	case "open":
		in := validOpen()
		if rapid.Bool().Draw(t, "open_tweak") {
			in.Source = drawOf(t, "source", casefile.Sources())
			in.Domain = drawOf(t, "domain", domain.ServiceDomains())
			in.Client.ResidentID = rapid.SampledFrom([]string{"", "510108201503150025", "510108650512002", "510108196505120021"}).Draw(t, "rid")
			in.Client.BirthDate = drawDate(t, "birth", today)
			in.Household.Size = rapid.IntRange(-1, 5).Draw(t, "size")
		}
		ps, err = casefile.Open(cmd, caseID, in)
	case "check":
		in := validCheck()
		in.VisitDate = drawDate(t, "visit", today)
		in.Investigators = drawStrings(t, "investigators")
		if rapid.Bool().Draw(t, "no_standards") {
			in.Standards = nil
		}
		in.Members[0].Income[0].Amount = value.Fen(rapid.Int64Range(0, 500000).Draw(t, "income"))
		if rapid.IntRange(0, 9).Draw(t, "negative_income") == 0 {
			in.Members[0].Income[0].Amount = -1
		}
		ps, err = s.RecordHouseholdCheck(cmd, in)
	case "assess":
		in := validAssess()
		in.AssessedOn = drawDate(t, "assessed", today)
		in.RiskLevel = drawOf(t, "risk", casefile.RiskLevels())
		ps, err = s.AssessNeeds(cmd, in)
	case "plan":
		in := validPlan()
		in.StartDate, in.ReviewDate = drawDate(t, "start", today), drawLater(t, "review", today)
		ps, err = s.DraftPlan(cmd, in)
	case "service":
		in := validService()
		in.Method = drawOf(t, "method", casefile.ServiceMethods())
		in.Kind = drawOf(t, "kind", casefile.ServiceKinds())
		in.OccurredOn = drawDate(t, "occurred", today)
		in.DurationMinutes = rapid.IntRange(-5, 1500).Draw(t, "minutes")
		in.Workers = drawStrings(t, "workers")
		ps, err = s.DeliverService(cmd, in)
	case "followup":
		ps, err = s.RecordFollowUp(cmd, casefile.FollowUpInput{VisitedOn: drawDate(t, "visited", today),
			Method: drawOf(t, "fmethod", casefile.FollowUpMethods()), NextFollowUp: drawLater(t, "next", today)})
	case "review":
		ps, err = s.Review(cmd, casefile.ReviewInput{ReviewedOn: drawDate(t, "reviewed", today),
			Progress: drawOf(t, "progress", casefile.ReviewProgress()), NextReviewDate: drawLater(t, "next_review", today)})
	case "request":
		ps, err = s.RequestApproval(cmd, casefile.RequestApprovalInput{Subject: drawOf(t, "subject", casefile.Subjects()),
			ProposedOutcome: drawOf(t, "outcome", casefile.ClosureOutcomes()), Reason: drawText(t, "reason")})
	case "grant":
		ps, err = s.GrantApproval(cmd, casefile.DecideApprovalInput{Subject: drawOf(t, "subject", casefile.Subjects()), Comment: drawText(t, "comment")})
	case "reject":
		ps, err = s.RejectApproval(cmd, casefile.DecideApprovalInput{Subject: drawOf(t, "subject", casefile.Subjects()), Comment: drawText(t, "comment")})
	case "close":
		ps, err = s.Close(cmd, casefile.CloseInput{Outcome: rapid.SampledFrom([]string{"", "goals_achieved", "other"}).Draw(t, "close_outcome")})
	case "reopen":
		ps, err = s.Reopen(cmd, casefile.ReasonInput{Reason: drawText(t, "reason")})
	case "archive":
		ps, err = s.Archive(cmd, casefile.ArchiveInput{ResponsiblePerson: drawText(t, "responsible"),
			ArchiveCode: rapid.SampledFrom([]string{"", "A 1", "CH-2025-1"}).Draw(t, "code")})
	case "reassign":
		ps, err = s.Reassign(cmd, casefile.ReassignInput{WorkerID: rapid.SampledFrom([]string{"", worker.ID, worker2.ID}).Draw(t, "to"),
			Reason: drawText(t, "reason")})
	}
	return name, ps, err
}

// stepValid runs a random command with a well-formed input, so that runs
// get deep into the process (approved plans, closures, archives).
// Half of its steps take the next step of the casework process (as the
// right actor) instead of a random one.
func stepValid(t *rapid.T, s *casefile.State, c *domain.Cmd) (string, []domain.Payload, error) {
	today := value.DateOf(c.Now)
	subject := pick(t, "subject", casefile.Subjects())
	name := pick(t, "command", []string{"check", "assess", "plan", "service", "followup", "review",
		"request", "grant", "reject", "close", "reopen", "archive", "reassign"})
	if pick(t, "guided", []bool{true, false}) {
		name, subject, c.Actor = nextStep(s)
	}
	cmd := *c
	var ps []domain.Payload
	var err error
	switch name {
	case "check":
		in := validCheck()
		in.VisitDate = today
		ps, err = s.RecordHouseholdCheck(cmd, in)
	case "assess":
		in := validAssess()
		in.AssessedOn = today
		ps, err = s.AssessNeeds(cmd, in)
	case "plan":
		in := validPlan()
		in.StartDate, in.ReviewDate = today, today.AddMonths(3)
		ps, err = s.DraftPlan(cmd, in)
	case "service":
		in := validService()
		in.OccurredOn = today
		ps, err = s.DeliverService(cmd, in)
	case "followup":
		ps, err = s.RecordFollowUp(cmd, casefile.FollowUpInput{VisitedOn: today, Method: "home_visit", NextFollowUp: today.AddDays(30)})
	case "review":
		ps, err = s.Review(cmd, casefile.ReviewInput{ReviewedOn: today, Progress: "on_track", NextReviewDate: today.AddMonths(3)})
	case "request":
		in := closureInput()
		in.Subject = subject
		ps, err = s.RequestApproval(cmd, in)
	case "grant":
		ps, err = s.GrantApproval(cmd, casefile.DecideApprovalInput{Subject: subject, Comment: "同意"})
	case "reject":
		ps, err = s.RejectApproval(cmd, casefile.DecideApprovalInput{Subject: subject, Comment: "请补充"})
	case "close":
		ps, err = s.Close(cmd, casefile.CloseInput{})
	case "reopen":
		ps, err = s.Reopen(cmd, casefile.ReasonInput{Reason: "再次求助"})
	case "archive":
		ps, err = s.Archive(cmd, casefile.ArchiveInput{ResponsiblePerson: "李明", ArchiveCode: "CH-2025-1"})
	case "reassign":
		to := worker2.ID
		if s.WorkerID == to {
			to = worker.ID
		}
		ps, err = s.Reassign(cmd, casefile.ReassignInput{WorkerID: to, Reason: "调岗"})
	}
	return name, ps, err
}

// nextStep names the command that moves s along the process, its approval
// subject and an actor allowed to issue it.
func nextStep(s *casefile.State) (name, subject string, a domain.Actor) {
	decider := supervisor
	if s.Approval(casefile.SubjectAssessment).RequestedBy == supervisor.ID ||
		s.Approval(casefile.SubjectPlan).RequestedBy == supervisor.ID ||
		s.Approval(casefile.SubjectClosure).RequestedBy == supervisor.ID {
		decider = supervisor2
	}
	advance := func(sub string) (string, string, domain.Actor) {
		if s.Approval(sub).Status == casefile.StatusPending {
			return "grant", sub, decider
		}
		return "request", sub, worker
	}
	switch {
	case s.Archived:
		return "service", "", worker
	case s.Closed:
		return "archive", "", worker
	case !s.HasAssessment:
		return "assess", "", worker
	case s.AssessmentApproval.Status != casefile.StatusGranted:
		return advance(casefile.SubjectAssessment)
	case !s.HasPlan:
		return "plan", "", worker
	case s.PlanApproval.Status != casefile.StatusGranted:
		return advance(casefile.SubjectPlan)
	case s.ServicesDelivered < 2:
		return "service", "", worker
	case s.ClosureApproval.Status != casefile.StatusGranted:
		return advance(casefile.SubjectClosure)
	}
	return "close", "", worker
}

func TestCase_RandomCommands_FoldEqualsStepwise(t *testing.T) {
	listed := ruleSet()
	returned := map[string]bool{}
	stages := map[string]bool{}
	steps, accepted := 0, 0
	rapid.Check(t, func(t *rapid.T) {
		h := &history{}
		if pick(t, "start_opened", []bool{true, true, true, true, false}) {
			ps, err := casefile.Open(cmdBy(worker), caseID, validOpen())
			if err != nil {
				t.Fatal(err)
			}
			h.apply(worker, ps)
		}
		clock := now
		wellFormed := pick(t, "well_formed", []bool{false, true})
		for i, n := 0, 20+rapid.IntRange(0, 60).Draw(t, "steps"); i < n; i++ {
			clock = clock.Add(time.Duration(rapid.IntRange(0, 48).Draw(t, "hours")) * time.Hour)
			a := pick(t, "actor", actors)
			steps++
			before := fold(h.events)
			run := step
			if wellFormed {
				run = stepValid
			}
			cmd := domain.Cmd{Actor: a, Now: clock}
			name, ps, err := run(t, &h.s, &cmd)
			if !reflect.DeepEqual(h.s, before) {
				t.Fatalf("%s changed the state it decided on", name)
			}
			if err != nil {
				if ps != nil {
					t.Fatalf("%s refused with events %v", name, ps)
				}
				es := domain.RuleErrors(err)
				if len(es) == 0 {
					t.Fatalf("%s returned a non-rule error %v", name, err)
				}
				for _, e := range es {
					returned[e.Rule] = true
					if !listed[e.Rule] {
						t.Fatalf("%s returned rule %s missing from Rules()", name, e.Rule)
					}
				}
				continue
			}
			if len(ps) == 0 {
				t.Fatalf("%s accepted without events", name)
			}
			if name == "open" {
				// Intake creates a stream; the store refuses it on an
				// existing one, so only fold it on an empty history.
				if h.s.Exists {
					continue
				}
			}
			h.apply(cmd.Actor, ps)
			accepted++
			stages[h.s.Stage()] = true
			if got := fold(h.events); !reflect.DeepEqual(got, h.s) {
				t.Fatalf("after %s: fold from scratch\n%+v\n!= stepwise\n%+v", name, got, h.s)
			}
		}
	})
	if steps < 1000 {
		return // too few runs (-rapid.checks) to expect every stage
	}
	for _, st := range []string{casefile.StageAssessment, casefile.StagePlanning, casefile.StageInService,
		casefile.StageClosing, casefile.StageClosed, casefile.StageArchived} {
		if !stages[st] {
			t.Errorf("random runs never reached stage %s", st)
		}
	}
	t.Logf("%d steps, %d accepted; stages reached %v; %d distinct rules returned", steps, accepted, stages, len(returned))
	if len(returned) < 30 {
		t.Errorf("random runs returned only %d distinct rules", len(returned))
	}
}
