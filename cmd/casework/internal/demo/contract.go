package demo

import (
	"fmt"
	"sort"

	"github.com/google/uuid"

	"casework/api/service"
	"casework/domain/contract"
	"casework/domain/value"
)

// The demo contract: the county's three stations, bought from the
// contractor by open tender for a three-year cycle. Year 1 ended a month
// ago with every report in (one monthly briefing late) and a passed
// evaluation; year 2 has just begun.
const (
	contractYear1Start = 395 // days ago
	contractTitle      = "临安区乡镇（街道）社会工作服务站运营项目"
)

var defaultTerms = contract.Terms{MonthlyDueDay: contract.DefaultMonthlyDueDay, MidTermDays: contract.DefaultMidTermDays,
	FinalDays: contract.DefaultFinalDays, StaffingGraceDays: contract.DefaultStaffingGraceDays, PassThreshold: contract.DefaultPassThreshold}

func (s *seeder) seedContract() error {
	bureau, evaluator, county := s.as("bureau"), s.as("evaluator"), s.as("county")
	// Resident workers report for the contractor (their accounts sit at the
	// stations the contract covers).
	reporter := s.as("worker")
	opts := service.Options{CorrelationID: "demo-seed"}
	var id uuid.UUID
	// Steps are collected with their dates and run in date order, so that
	// the stream reads as the year happened.
	type cstep struct {
		on   value.Date
		what string
		f    func() (service.Result, error)
	}
	var steps []cstep
	do := func(what string, on value.Date, f func() (service.Result, error)) error {
		if !on.After(s.today) {
			steps = append(steps, cstep{on, what, f})
		}
		return nil
	}
	stations := make([]string, len(stationKeys))
	staffing := make([]contract.StationStaffing, len(stationKeys))
	for i, k := range stationKeys {
		stations[i] = s.units[k].String()
		staffing[i] = contract.StationStaffing{Station: stations[i], ResidentWorkers: 2}
	}
	start1 := s.day(contractYear1Start)
	opened := start1.AddDays(-60)
	if err := do("open", opened, func() (service.Result, error) {
		return s.svc.OpenProcurement(s.ctx, bureau, opts, contract.OpenInput{BureauUnit: s.units["bureau"].String(), Title: contractTitle,
			Stations: stations, Method: contract.MethodOpenTender, BudgetCeiling: value.Yuan(2_000_000), OpenedOn: opened})
	}); err != nil {
		return err
	}
	awarded := opened.AddDays(35)
	if err := do("award", awarded, func() (service.Result, error) {
		return s.svc.AwardContract(s.ctx, bureau, opts, id, contract.AwardInput{ContractorUnit: s.units["contractor"].String(),
			AwardedOn: awarded, Amount: value.Yuan(1_860_000)})
	}); err != nil {
		return err
	}
	sign := func(year int, start value.Date) error {
		return do(fmt.Sprintf("sign year %d", year), start.AddDays(-3), func() (service.Result, error) {
			return s.svc.SignAgreement(s.ctx, bureau, opts, id, contract.SignInput{
				CycleYear: year,
				Parties: contract.Parties{
					Bureau:     contract.Party{Unit: s.units["bureau"].String(), Name: "杭州市临安区民政局"},
					Township:   contract.Party{Unit: s.units["county"].String(), Name: "锦城街道办事处、玲珑街道办事处、於潜镇人民政府"},
					Contractor: contract.Party{Unit: s.units["contractor"].String(), Name: "杭州市临安区锦绣社会工作服务中心"},
				},
				PeriodStart:      start,
				ServiceContent:   "三个社工站的个案管理、小组工作、社区活动与社会救助对象服务；“五社联动”资源链接",
				Targets:          contract.Targets{Cases: 60, Services: 600, GroupSessions: 24, CommunityActivities: 36, ServiceHours: 2400},
				Staffing:         staffing,
				Budget:           value.Yuan(620_000),
				EvaluationClause: "年度末由第三方评估机构评估，居民满意度、专业评估、政府评价按4:3:3加权，60分合格",
				BreachLiability:  "未按约定足额配备驻站社工或转包服务的，甲方有权扣减服务费直至解除协议",
				SignedOn:         start.AddDays(-3),
			})
		})
	}
	if err := sign(1, start1); err != nil {
		return err
	}
	budget := func(year int, on value.Date) error {
		y := fmt.Sprint(year)
		return do("budget year "+y, on, func() (service.Result, error) {
			return s.svc.BudgetContractFunds(s.ctx, bureau, opts, id, contract.BudgetInput{BudgetedOn: on,
				PrevSocialAssistanceSpend: value.Yuan(1_280_000),
				Lines: []contract.BudgetLine{
					{Code: "Y" + y + "-OPS", Purpose: "三个站点运营经费（每站每年3万元）", Amount: value.Yuan(90_000), Earmarked: true},
					{Code: "Y" + y + "-STAFF", Purpose: "驻站社工薪酬及社保", Amount: value.Yuan(430_000), Earmarked: true},
					{Code: "Y" + y + "-ACT", Purpose: "小组及社区活动经费", Amount: value.Yuan(60_000), Earmarked: true},
					{Code: "Y" + y + "-SA", Purpose: "困难群众临时救助", Amount: value.Yuan(40_000), Earmarked: true, SocialAssistance: true},
				}})
		})
	}
	if err := budget(1, start1); err != nil {
		return err
	}
	// Staffing in place within the grace period: the resident workers'
	// accounts at each station.
	workers := map[string][]string{"jincheng": {"worker", "worker2"}, "linglong": {"worker3"}, "yuqian": {"worker4"}}
	for i, k := range stationKeys {
		var ws []contract.AssignedWorker
		for _, u := range workers[k] {
			ws = append(ws, contract.AssignedWorker{WorkerID: s.as(u).AccountID.String()})
		}
		// The second resident worker at the smaller stations has no account yet.
		for len(ws) < 2 {
			ws = append(ws, contract.AssignedWorker{WorkerID: fmt.Sprintf("staff-%s-%d", k, len(ws)+1)})
		}
		on := start1.AddDays(10 + i)
		if err := do("staffing "+k, on, func() (service.Result, error) {
			return s.svc.ChangeContractStaffing(s.ctx, reporter, opts, id, contract.StaffingInput{Station: stations[i], EffectiveOn: on, Workers: ws})
		}); err != nil {
			return err
		}
	}

	// Reports: every one of year 1 in, the fourth monthly briefing six days
	// late; year 2's that are due by now.
	st1 := contract.AgreementSigned{CycleYear: 1, PeriodStart: start1, PeriodEnd: contract.OneYearEnd(start1), Terms: defaultTerms}
	end1 := st1.PeriodEnd
	start2 := end1.AddDays(1)
	st2 := contract.AgreementSigned{CycleYear: 2, PeriodStart: start2, PeriodEnd: contract.OneYearEnd(start2), Terms: defaultTerms}
	var pays []value.Date
	monthly := 0
	for _, r := range append(contract.Schedule(st1), contract.Schedule(st2)...) {
		on := r.Due.AddDays(-2)
		if r.Kind == contract.ReportMonthly && r.CycleYear == 1 {
			monthly++
			if monthly == 4 {
				on = r.Due.AddDays(6)
			}
			if monthly%3 == 0 {
				pays = append(pays, on.AddDays(5))
			}
		}
		if on.Before(r.To) {
			on = r.To
		}
		if err := do(fmt.Sprintf("report %s %s (year %d)", r.Kind, r.Period, r.CycleYear), on, func() (service.Result, error) {
			return s.svc.SubmitContractReport(s.ctx, reporter, opts, id, contract.ReportInput{CycleYear: r.CycleYear, Kind: r.Kind, Period: r.Period,
				SubmittedOn: on, DocumentRef: fmt.Sprintf("JX-%d-%s-%s", r.CycleYear, r.Kind, r.Period)})
		}); err != nil {
			return err
		}
	}
	if err := do("inspection", start1.AddDays(150), func() (service.Result, error) {
		return s.svc.RecordContractInspection(s.ctx, county, opts, id, contract.InspectInput{InspectedOn: start1.AddDays(150),
			Station: stations[2], Severity: contract.SeverityMinor, Findings: "於潜镇站活动室面积不足40平方米，个案档案编码不规范，限期整改"})
	}); err != nil {
		return err
	}
	for k, on := range pays {
		if err := do("disburse", on, func() (service.Result, error) {
			return s.svc.DisburseContractFunds(s.ctx, bureau, opts, id, contract.DisburseInput{Line: "Y1-STAFF", Amount: value.Yuan(100_000),
				DisbursedOn: on, Purpose: fmt.Sprintf("第%d季度驻站社工薪酬", k+1)})
		}); err != nil {
			return err
		}
	}
	evaluated := end1.AddDays(-6)
	if err := do("evaluation", evaluated, func() (service.Result, error) {
		return s.svc.EvaluateContract(s.ctx, evaluator, opts, id, contract.EvaluateInput{CycleYear: 1, EvaluatedOn: evaluated,
			Scores:  contract.Scores{ResidentSatisfaction: 91, Professional: 84, Government: 88},
			Weights: contract.Scores{ResidentSatisfaction: 40, Professional: 30, Government: 30},
			Summary: "服务目标基本完成，个案服务规范；月度简报一次逾期，於潜镇站场地不达标需整改"})
	}); err != nil {
		return err
	}
	if err := do("renewal", evaluated.AddDays(2), func() (service.Result, error) {
		return s.svc.RenewContract(s.ctx, bureau, opts, id, contract.DecisionInput{DecidedOn: evaluated.AddDays(2), Reason: "评估合格，续签第二年度协议"})
	}); err != nil {
		return err
	}
	if err := sign(2, start2); err != nil {
		return err
	}
	if err := budget(2, start2); err != nil {
		return err
	}
	sort.SliceStable(steps, func(a, b int) bool { return steps[a].on.Before(steps[b].on) })
	for k, st := range steps {
		s.clk.set(st.on, 120+k)
		res, err := st.f()
		if err := check("contract: "+st.what, err); err != nil {
			return err
		}
		if id == uuid.Nil {
			id = res.ID
		}
	}
	s.contract = id
	return nil
}
