package projtest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/casefile"
	"casework/domain/referral"
	"casework/domain/value"
)

// walker is one case taking a random path through the domain's commands.
type walker struct {
	g       *Gen
	ch      *rand.Rand
	id      uuid.UUID
	station uuid.UUID
	s       *stream
	st      casefile.State
	ref     *stream
	rs      referral.State
	worker  domain.Actor
	other   domain.Actor // a second social worker of the station
	sup     domain.Actor
	day     int // days from the history's start of the next step
	left    int // steps still to take
}

// walkCases appends the cases of a history whose choices come from
// Options.Choices: each case opens on its day and then takes up to fifty
// steps a few days apart, each a command drawn from what a caseworker,
// a supervisor or the receiving agency may do next, decided by the
// domain's own rules. A refused command appends nothing, as in the
// service. Every day's events are appended in date order.
func (g *Gen) walkCases(ctx context.Context) error {
	ch := rand.New(g.opts.Choices)
	sts := g.allStations()
	span := max(60, g.opts.Cases*3)
	ws := make([]*walker, g.opts.Cases)
	for i := range ws {
		st := sts[ch.IntN(len(sts))]
		w := &walker{g: g, ch: ch, id: g.id(), station: st, day: 20 + i*span/g.opts.Cases, left: 1 + ch.IntN(50)}
		n := ch.IntN(3)
		w.worker = domain.Actor{ID: fmt.Sprintf("worker-%s-%d", st.String()[:4], n), Role: domain.RoleSocialWorker, OrgUnit: st.String()}
		w.other = domain.Actor{ID: fmt.Sprintf("worker-%s-%d", st.String()[:4], (n+1)%3), Role: domain.RoleSocialWorker, OrgUnit: st.String()}
		w.sup = domain.Actor{ID: "sup-" + st.String()[:4], Role: domain.RoleSupervisor, OrgUnit: st.String()}
		w.s = g.open(casefile.Category, w.id, st.String())
		ws[i] = w
		g.w.Cases = append(g.w.Cases, w.id)
	}
	for {
		day := -1
		for _, w := range ws {
			if w.left > 0 && (day < 0 || w.day < day) {
				day = w.day
			}
		}
		if day < 0 {
			return nil
		}
		var pending []*stream
		for _, w := range ws {
			if w.left == 0 || w.day != day {
				continue
			}
			if err := w.step(g.opts.Start.AddDays(day)); err != nil {
				return err
			}
			w.left--
			w.day += 1 + ch.IntN(12)
			pending = append(pending, w.s)
			if w.ref != nil {
				pending = append(pending, w.ref)
			}
		}
		if err := g.flushAll(ctx, pending); err != nil {
			return err
		}
	}
}

// walkCommands are the commands a step draws from; "next" moves the case
// along its process, and comes up most often.
var walkCommands = []string{"next", "next", "next", "next", "next", "next", "next", "next", "next", "next", "next", "next",
	"service", "followup", "review", "check", "reject", "reassign", "refer", "referral", "referral", "referral", "referral", "referral",
	"close", "reopen", "archive"}

// step takes one step on day d.
func (w *walker) step(d value.Date) error {
	now := d.Start().Add(10 * time.Hour)
	if !w.st.Exists {
		return w.do(d, w.worker, "", func(cmd domain.Cmd) ([]domain.Payload, error) {
			return casefile.Open(cmd, w.id, casefile.OpenInput{Source: casefile.Sources()[w.ch.IntN(len(casefile.Sources()))],
				ReferredBy: "街道办", Domain: domain.ServiceDomains()[w.ch.IntN(8)],
				Client:    casefile.ClientInput{Name: Secrets[0], ResidentID: Secrets[1], Phone: Secrets[2], Address: "某街某号", Circumstances: "独居"},
				Household: casefile.HouseholdInput{County: "330102", Size: 1 + w.ch.IntN(4), Address: "某街某号"}})
		})
	}
	name := walkCommands[w.ch.IntN(len(walkCommands))]
	by, subject := w.worker, ""
	if name == "next" {
		name, subject, by = w.next()
	}
	switch name {
	case "check":
		return w.do(d, by, "", func(cmd domain.Cmd) ([]domain.Payload, error) {
			return w.st.RecordHouseholdCheck(cmd, casefile.HouseholdCheckInput{VisitDate: d, Investigators: []string{"甲", "乙"},
				Members: []casefile.MemberInput{{Name: Secrets[0], Relation: "self",
					Income: []casefile.IncomeItem{{Kind: "pension", Amount: value.Fen(50000 + w.ch.IntN(150000)), Period: casefile.PeriodMonthly}}}},
				Notes: Secrets[1], Standards: walkStandards})
		})
	case "assess":
		return w.do(d, by, "", func(cmd domain.Cmd) ([]domain.Payload, error) {
			return w.st.AssessNeeds(cmd, casefile.AssessInput{AssessedOn: d, RiskLevel: casefile.RiskLevels()[w.ch.IntN(3)],
				Needs: []casefile.Need{{Area: casefile.NeedAreas()[w.ch.IntN(len(casefile.NeedAreas()))], Description: "需要照料"}}})
		})
	case "plan":
		return w.do(d, by, "", func(cmd domain.Cmd) ([]domain.Payload, error) {
			return w.st.DraftPlan(cmd, casefile.PlanInput{Goals: []string{"改善"}, StartDate: d, ReviewDate: d.AddDays(20 + w.ch.IntN(60)),
				PlannedServices: []casefile.PlannedService{{Method: "casework", Kind: "care"}}})
		})
	case "service":
		return w.do(d, by, "", func(cmd domain.Cmd) ([]domain.Payload, error) {
			return w.st.DeliverService(cmd, casefile.DeliverInput{Method: casefile.ServiceMethods()[w.ch.IntN(len(casefile.ServiceMethods()))],
				Kind: casefile.ServiceKinds()[w.ch.IntN(len(casefile.ServiceKinds()))], OccurredOn: d.AddDays(-w.ch.IntN(3)),
				DurationMinutes: 30 + 15*w.ch.IntN(8), Workers: []string{w.worker.ID}, Notes: Secrets[2]})
		})
	case "followup":
		return w.do(d, by, "", func(cmd domain.Cmd) ([]domain.Payload, error) {
			return w.st.RecordFollowUp(cmd, casefile.FollowUpInput{VisitedOn: d, Method: casefile.FollowUpMethods()[w.ch.IntN(len(casefile.FollowUpMethods()))],
				Findings: "好转", NextFollowUp: d.AddDays(7 + w.ch.IntN(30))})
		})
	case "review":
		return w.do(d, by, "", func(cmd domain.Cmd) ([]domain.Payload, error) {
			return w.st.Review(cmd, casefile.ReviewInput{ReviewedOn: d, Progress: casefile.ReviewProgress()[w.ch.IntN(len(casefile.ReviewProgress()))],
				NextReviewDate: d.AddDays(30 + w.ch.IntN(60))})
		})
	case "request":
		in := casefile.RequestApprovalInput{Subject: subject}
		if subject == casefile.SubjectClosure {
			in.ProposedOutcome, in.Reason = casefile.ClosureOutcomes()[w.ch.IntN(len(casefile.ClosureOutcomes()))], "服务目标达成"
		}
		return w.do(d, by, "", func(cmd domain.Cmd) ([]domain.Payload, error) { return w.st.RequestApproval(cmd, in) })
	case "grant":
		return w.do(d, w.sup, "", func(cmd domain.Cmd) ([]domain.Payload, error) {
			return w.st.GrantApproval(cmd, casefile.DecideApprovalInput{Subject: subject, Comment: "同意"})
		})
	case "reject":
		// Mostly a pending request, sometimes any subject.
		subject := casefile.Subjects()[w.ch.IntN(len(casefile.Subjects()))]
		for _, sub := range casefile.Subjects() {
			if w.st.Approval(sub).Status == casefile.StatusPending && w.ch.IntN(4) > 0 {
				subject = sub
			}
		}
		return w.do(d, w.sup, "", func(cmd domain.Cmd) ([]domain.Payload, error) {
			return w.st.RejectApproval(cmd, casefile.DecideApprovalInput{Subject: subject, Comment: "请补充"})
		})
	case "close":
		a := w.st.Approval(casefile.SubjectClosure)
		return w.do(d, by, a.Reason, func(cmd domain.Cmd) ([]domain.Payload, error) {
			return w.st.Close(cmd, casefile.CloseInput{Outcome: a.ProposedOutcome, Reason: a.Reason})
		})
	case "reopen":
		return w.do(d, by, "再次求助", func(cmd domain.Cmd) ([]domain.Payload, error) {
			return w.st.Reopen(cmd, casefile.ReasonInput{Reason: "再次求助"})
		})
	case "archive":
		return w.do(d, by, "", func(cmd domain.Cmd) ([]domain.Payload, error) {
			return w.st.Archive(cmd, casefile.ArchiveInput{ResponsiblePerson: "档案员", ArchiveCode: "CH-" + w.id.String()[:8]})
		})
	case "reassign":
		to := w.other
		err := w.do(d, w.sup, "调岗", func(cmd domain.Cmd) ([]domain.Payload, error) {
			return w.st.Reassign(cmd, casefile.ReassignInput{WorkerID: to.ID, Reason: "调岗"})
		})
		if err == nil && w.st.WorkerID == to.ID {
			w.worker, w.other = w.other, w.worker
		}
		return err
	case "refer":
		if w.ref != nil && !w.rs.Status.Final() || !w.st.Active() {
			return nil
		}
		id := w.g.id()
		ref := w.g.open(referral.Category, id, w.station.String())
		ps, err := referral.Request(domain.Cmd{Actor: w.worker, Now: now}, id, referral.RequestInput{CaseID: w.id,
			Client: referral.ClientInput{ID: w.id.String(), Name: Secrets[0], Phone: Secrets[2]}, ToAgencyID: w.g.w.Agency.String(),
			ServiceDomain: domain.ServiceDomains()[w.ch.IntN(8)], Needs: "需要慈善救助", Priority: referral.PriorityRoutine,
			Consent: referral.ConsentInput{Given: true, GivenBy: Secrets[0], GivenAt: now.Add(-time.Hour)}, DueDate: d.AddDays(5 + w.ch.IntN(30))})
		if err != nil {
			return walkRefused(err)
		}
		w.ref, w.rs = ref, referral.State{}
		w.g.w.Referrals = append(w.g.w.Referrals, id)
		w.addReferral(d, w.worker, "", ps)
		return nil
	case "referral":
		if w.ref == nil {
			return nil
		}
		// Mostly an action the referral's state allows, sometimes any.
		acts := referral.Actions()
		if w.ch.IntN(4) > 0 {
			acts = nil
			for _, a := range referral.Actions() {
				// The referring side withdraws now and then, not as
				// often as the agency acts.
				if _, ok := referral.Next(w.rs.Status, w.rs.HeldFrom, a); ok && (a != referral.ActionCancel || w.ch.IntN(5) == 0) {
					acts = append(acts, a)
				}
			}
			if len(acts) == 0 {
				return nil
			}
		}
		action := acts[w.ch.IntN(len(acts))]
		by := domain.Actor{ID: "agency", Role: domain.RoleAgencyWorker, OrgUnit: w.g.w.Agency.String()}
		if action.Side() == referral.SideReferring {
			by = w.worker
		}
		var reason, outcome string
		if action.ReasonRequired() {
			reason = "情况变化"
		}
		if action == referral.ActionComplete {
			outcome = "已救助"
		}
		ps, err := w.rs.Transition(domain.Cmd{Actor: by, Now: now}, action, reason, outcome)
		if err != nil {
			return walkRefused(err)
		}
		w.addReferral(d, by, reason, ps)
		return nil
	}
	return fmt.Errorf("walk: unknown command %q", name)
}

// next names the command that moves the case along its process, its
// approval subject and who issues it.
func (w *walker) next() (name, subject string, by domain.Actor) {
	s := &w.st
	advance := func(sub string) (string, string, domain.Actor) {
		if s.Approval(sub).Status == casefile.StatusPending {
			return "grant", sub, w.sup
		}
		return "request", sub, w.worker
	}
	switch {
	case s.Closed && w.ch.IntN(3) == 0:
		return "reopen", "", w.worker
	case s.Closed:
		return "archive", "", w.worker
	case !s.HasAssessment:
		return "assess", "", w.worker
	case s.AssessmentApproval.Status != casefile.StatusGranted:
		return advance(casefile.SubjectAssessment)
	case !s.HasPlan:
		return "plan", "", w.worker
	case s.PlanApproval.Status != casefile.StatusGranted:
		return advance(casefile.SubjectPlan)
	case s.ServicesDelivered < 2+w.ch.IntN(4):
		return "service", "", w.worker
	case s.ClosureApproval.Status != casefile.StatusGranted:
		return advance(casefile.SubjectClosure)
	}
	return "close", "", w.worker
}

// do runs a case command by a on day d; a refusal appends nothing.
func (w *walker) do(d value.Date, a domain.Actor, reason string, f func(domain.Cmd) ([]domain.Payload, error)) error {
	now := d.Start().Add(10 * time.Hour)
	ps, err := f(domain.Cmd{Actor: a, Now: now})
	if err != nil {
		return walkRefused(err)
	}
	for _, p := range ps {
		w.st.Apply(domain.Event{Revision: w.st.Version, Actor: a, OccurredAt: now, RecordedAt: now, Payload: p})
		w.s.add(d, a.Role, a.ID, reason, p)
	}
	return nil
}

func (w *walker) addReferral(d value.Date, a domain.Actor, reason string, ps []domain.Payload) {
	now := d.Start().Add(10 * time.Hour)
	for _, p := range ps {
		w.rs.Apply(domain.Event{Revision: w.rs.Version, Actor: a, OccurredAt: now, RecordedAt: now, Payload: p})
		w.ref.add(d, a.Role, a.ID, reason, p)
	}
}

// walkRefused is nil for a broken business rule, which the service
// answers with 409 or 422 and records nothing for, and err otherwise.
func walkRefused(err error) error {
	var de *domain.Error
	if errors.As(err, &de) || len(domain.RuleErrors(err)) > 0 {
		return nil
	}
	return err
}

// walkStandards is the minimum-living standard of the walk's county.
var walkStandards = []casefile.MinimumLivingStandard{{RuleID: "dibao-330102", Version: 1,
	County: value.MustParseDivisionCode("330102"), EffectiveFrom: value.MustParseDate("2024-01-01"), MonthlyPerCapita: 120000}}
