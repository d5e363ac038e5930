package demo

import (
	"fmt"
	"time"

	"casework/api/service"
	"casework/domain/casefile"
	"casework/domain/referral"
)

// referralPlan is one demo referral: the state it ends in, the agency it
// goes to, and the actions that take it there (with their reasons).
type referralPlan struct {
	final   referral.Status
	agency  string // "charity" or "disability"
	needs   string
	urgent  bool
	actions []referral.TransitionInput
}

func referralPlans() []referralPlan {
	accept := referral.TransitionInput{Action: referral.ActionAccept}
	start := referral.TransitionInput{Action: referral.ActionStart}
	return []referralPlan{
		{referral.StatusRequested, "charity", "低保边缘家庭，子女学费缺口约4000元，申请慈善助学金", false, nil},
		{referral.StatusAccepted, "charity", "独居老人冬季取暖困难，申请慈善物资（电暖器、棉被）", false, []referral.TransitionInput{accept}},
		{referral.StatusRejected, "charity", "肢体残疾，需要辅具适配", false, []referral.TransitionInput{
			{Action: referral.ActionReject, Reason: "本会暂无辅具适配项目，建议转介至区残疾人联合会"}}},
		{referral.StatusInProgress, "disability", "肢体残疾三级，需要康复训练与辅具适配", true, []referral.TransitionInput{accept, start}},
		{referral.StatusOnHold, "disability", "听力残疾儿童，申请人工耳蜗救助项目", false, []referral.TransitionInput{accept, start,
			{Action: referral.ActionHold, Reason: "等待家属补充医院诊断证明"}}},
		{referral.StatusCompleted, "charity", "因病致贫，低保救助后仍有医疗费缺口，申请慈善医疗救助", true, []referral.TransitionInput{accept, start,
			{Action: referral.ActionComplete, Outcome: "已发放慈善医疗救助金5000元"}}},
		{referral.StatusFailed, "disability", "精神残疾，申请日间照料服务", false, []referral.TransitionInput{accept, start,
			{Action: referral.ActionFail, Reason: "服务对象随家人迁往外省，无法继续服务"}}},
		{referral.StatusCancelled, "charity", "申请临时生活救助", false, []referral.TransitionInput{
			{Action: referral.ActionCancel, Reason: "服务对象已纳入最低生活保障，无需再转介"}}},
	}
}

// seedReferrals refers in-service cases to the county's agencies, one
// referral ending in each state of the FHIR task model; the receiving
// agency's worker accepts, starts and finishes them, the referring worker
// cancels.
func (s *seeder) seedReferrals() error {
	var cases []seededCase
	for _, c := range s.seeded {
		if c.stage == casefile.StageInService {
			cases = append(cases, c)
		}
	}
	plans := referralPlans()
	if len(cases) < len(plans) {
		return fmt.Errorf("seed referrals: %d cases in service, need %d", len(cases), len(plans))
	}
	for k, plan := range plans {
		c := cases[k]
		// The oldest plans first: the requested one has waited longest and
		// is overdue.
		start := c.opened.AddDays(12)
		if latest := s.day(8); start.After(latest) {
			start = latest
		}
		if k == 0 {
			start = s.day(40)
			if start.Before(c.opened) {
				start = c.opened
			}
		}
		s.clk.set(start, 600)
		worker := s.as(c.worker)
		in := service.ReferralRequestInput{
			ToAgencyID: s.units[plan.agency].String(), Needs: plan.needs,
			Consent: referral.ConsentInput{Given: true, GivenBy: c.client.name, GivenAt: s.clk.now().Add(-2 * time.Hour)},
			DueDate: start.AddDays(30), ShareClientPhone: k%2 == 0,
		}
		if plan.urgent {
			in.Priority = referral.PriorityUrgent
			in.DueDate = start.AddDays(7)
		}
		if c.client.birth.Year() >= 2012 {
			in.Consent.GivenBy = "监护人" // a minor's guardian consents
		}
		res, err := s.svc.CreateReferral(s.ctx, worker, service.Options{CorrelationID: "demo-seed"}, c.id, in)
		if err := check("referral "+string(plan.final), err); err != nil {
			return err
		}
		receiver := s.as(map[string]string{"charity": "agency", "disability": "agency2"}[plan.agency])
		for j, act := range plan.actions {
			s.clk.set(start.AddDays(1+2*j), 600)
			p := receiver
			if act.Action.Side() == referral.SideReferring {
				p = worker
			}
			if _, err := s.svc.TransitionReferral(s.ctx, p, service.Options{CorrelationID: "demo-seed"}, res.ID, act); err != nil {
				return check(fmt.Sprintf("referral %s: %s", plan.final, act.Action), err)
			}
		}
	}
	return nil
}
