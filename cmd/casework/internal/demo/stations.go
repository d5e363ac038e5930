package demo

import (
	"fmt"

	"github.com/google/uuid"

	"casework/api/service"
	"casework/domain"
	"casework/domain/station"
	"casework/domain/value"
)

// stationFacts are what each demo station has: its township, premises,
// functions and staff. 於潜镇's activity room is 32 m², under the 40 m² of
// the five-haves standard, so that station fails 有场地
// (station.compliance.site_area_min_40); the other two meet all five.
type stationFacts struct {
	key      string
	township string
	area     int
	address  string
	domains  []domain.ServiceDomain
	head     string
	workers  []staffMember
	super    string
	vols     []string
}

type staffMember struct {
	name     string
	username string // the account, if the person has one
	birth    value.Date
	edu      station.Education
	cert     station.Certificate
}

func stationFactsList() []stationFacts {
	all := domain.ServiceDomains()
	return []stationFacts{
		{key: "jincheng", township: "锦城街道", area: 120, address: "临安区锦城街道钱王街398号", domains: all, head: "沈国平",
			workers: []staffMember{
				{"王丽娟", "worker", value.NewDate(1993, 4, 12), station.EduBachelor, station.CertIntermediate},
				{"李娜", "worker2", value.NewDate(1997, 9, 3), station.EduCollegeDiploma, station.CertAssistant},
			}, super: "陈志强", vols: []string{"俞美琴", "钱小东", "方志勇", "楼秀珍"}},
		{key: "linglong", township: "玲珑街道", area: 68, address: "临安区玲珑街道九州街16号", domains: all[:6], head: "章建明",
			workers: []staffMember{
				{"吴磊", "worker3", value.NewDate(1995, 1, 20), station.EduBachelor, station.CertAssistant},
				{"潘晓燕", "", value.NewDate(1998, 6, 8), station.EduCollegeDiploma, station.CertNone},
			}, super: "郑海燕", vols: []string{"徐爱华", "邵建新", "汪丽"}},
		{key: "yuqian", township: "於潜镇", area: 32, address: "临安区於潜镇光明村文化礼堂二楼", domains: []domain.ServiceDomain{domain.SocialAssistance, domain.ElderlyCare, domain.ChildWelfare, domain.RuralRevitalization},
			head: "胡永强",
			workers: []staffMember{
				{"何文博", "worker4", value.NewDate(1992, 11, 30), station.EduBachelor, station.CertIntermediate},
				{"蒋雨婷", "", value.NewDate(1999, 2, 14), station.EduBachelor, station.CertAssistant},
			}, super: "马晓红", vols: []string{"童金水", "姚春燕", "柴立军"}},
	}
}

// seedStations registers the three stations and records their five-haves
// facts: the county manager registers and records the premises, each
// station's supervisor its functions, staff and rules, the resident
// workers its volunteers.
func (s *seeder) seedStations() error {
	county := s.as("county")
	opts := service.Options{CorrelationID: "demo-seed"}
	registered := s.day(420)
	for _, f := range stationFactsList() {
		id := s.units[f.key]
		sup := s.as(staff[f.key].supervisor)
		worker := s.as(staff[f.key].workers[0])
		steps := []struct {
			what string
			on   value.Date
			f    func() (service.Result, error)
		}{
			{"register", registered, func() (service.Result, error) {
				return s.svc.RegisterStation(s.ctx, county, opts, id, station.RegisterInput{Township: f.township, RegisteredOn: registered})
			}},
			{"site", registered, func() (service.Result, error) {
				return s.svc.RecordStationSite(s.ctx, county, opts, id, station.RecordSiteInput{EffectiveOn: registered, ActivityAreaM2: f.area,
					CounsellingRoom: f.area >= 60, GroupRoom: f.area >= 60, Address: f.address})
			}},
			{"functions", registered.AddDays(3), func() (service.Result, error) {
				return s.svc.RecordStationFunctions(s.ctx, sup, opts, id, station.RecordFunctionsInput{EffectiveOn: registered.AddDays(3), Domains: f.domains})
			}},
		}
		add := func(what string, on value.Date, fn func() (service.Result, error)) {
			steps = append(steps, struct {
				what string
				on   value.Date
				f    func() (service.Result, error)
			}{what, on, fn})
		}
		start := registered.AddDays(5)
		add("station head", start, func() (service.Result, error) {
			return s.svc.AssignStationStaff(s.ctx, sup, opts, id, station.AssignStaffInput{StaffID: uuid.New(), Name: f.head,
				Role: station.RoleStationHead, Employment: station.PartTime, Education: station.EduBachelor,
				BirthDate: value.NewDate(1978, 3, 15), Certificate: station.CertNone, StartDate: start})
		})
		add("supervisor", start, func() (service.Result, error) {
			return s.svc.AssignStationStaff(s.ctx, sup, opts, id, station.AssignStaffInput{StaffID: uuid.New(), Name: f.super,
				AccountID: ptr(sup.AccountID), Role: station.RoleSupervisor, Employment: station.PartTime, Education: station.EduMasterOrAbove,
				BirthDate: value.NewDate(1985, 8, 21), SocialWorkDegree: true, Certificate: station.CertSenior, StartDate: start})
		})
		for _, w := range f.workers {
			in := station.AssignStaffInput{StaffID: uuid.New(), Name: w.name, Role: station.RoleResidentWorker, Employment: station.FullTime,
				Education: w.edu, BirthDate: w.birth, SocialWorkDegree: w.edu == station.EduBachelor, Certificate: w.cert, StartDate: start}
			if w.username != "" {
				in.AccountID = ptr(s.as(w.username).AccountID)
			}
			add("staff "+w.name, start, func() (service.Result, error) { return s.svc.AssignStationStaff(s.ctx, sup, opts, id, in) })
		}
		for k, r := range []struct {
			name string
			cat  station.RuleCategory
		}{
			{"社工站服务流程与服务标准", station.RuleServiceProcess}, {"来访接待与居民求助制度", station.RuleReception},
			{"安全管理制度", station.RuleSafety}, {"个案档案管理制度", station.RuleArchive}, {"督导制度", station.RuleSupervision},
		} {
			on := start.AddDays(k)
			add("rule "+r.name, on, func() (service.Result, error) {
				return s.svc.RegisterStationRule(s.ctx, sup, opts, id, station.RegisterRuleInput{RuleID: uuid.New(), Name: r.name, Category: r.cat, AdoptedOn: on})
			})
		}
		var vols []uuid.UUID
		for k, name := range f.vols {
			vid := uuid.New()
			vols = append(vols, vid)
			on := start.AddDays(10 + k)
			add("volunteer "+name, on, func() (service.Result, error) {
				return s.svc.RegisterVolunteer(s.ctx, worker, opts, id, station.RegisterVolunteerInput{VolunteerID: vid, Name: name,
					Skills: []string{"入户探访", "活动组织", "助老服务"}[k%3 : k%3+1], RegisteredOn: on})
			})
		}
		formed := start.AddDays(20)
		add("volunteer team", formed, func() (service.Result, error) {
			return s.svc.FormVolunteerTeam(s.ctx, sup, opts, id, station.FormTeamInput{TeamID: uuid.New(), Name: f.township + "社工站志愿服务队",
				FormedOn: formed, Members: vols})
		})
		for k, st := range steps {
			s.clk.set(st.on, 200+k)
			if _, err := st.f(); err != nil {
				return check(fmt.Sprintf("station %s: %s", f.key, st.what), err)
			}
		}
		s.volunteers[f.key] = vols
	}
	return nil
}

// seedActivities records the stations' group sessions and community
// activities over the last year, attributed to the demo contract, with
// volunteer hours.
func (s *seeder) seedActivities() error {
	opts := service.Options{CorrelationID: "demo-seed"}
	titles := []struct {
		kind  station.ActivityKind
		title string
		dom   domain.ServiceDomain
	}{
		{station.ActivityGroupSession, "“快乐成长”留守儿童成长小组", domain.ChildWelfare},
		{station.ActivityCommunity, "重阳节敬老助老活动", domain.ElderlyCare},
		{station.ActivityGroupSession, "独居老人互助小组", domain.ElderlyCare},
		{station.ActivityCommunity, "社会救助政策宣传进村（社区）", domain.SocialAssistance},
		{station.ActivityTraining, "志愿者入户探访技巧培训", domain.CommunityGovernance},
		{station.ActivityCommunity, "山核桃电商直播公益培训", domain.RuralRevitalization},
	}
	contractID := s.contract
	for i, key := range stationKeys {
		id := s.units[key]
		worker := s.as(staff[key].workers[0])
		vols := s.volunteers[key]
		for k := 0; k < 8; k++ {
			t := titles[(i+k)%len(titles)]
			on := s.day(360 - k*45 - i*3)
			if on.After(s.day(1)) {
				continue
			}
			act := uuid.New()
			in := station.HoldActivityInput{ActivityID: act, Kind: t.kind, Title: t.title, Date: on, DurationMinutes: 90 + 30*(k%3),
				Attendance: 12 + (k*7)%30, Domain: t.dom, Volunteers: vols[:1+k%len(vols)]}
			if contractID != uuid.Nil {
				in.ContractID = ptr(contractID)
			}
			s.clk.set(on, 400+k)
			if _, err := s.svc.RecordActivity(s.ctx, worker, opts, id, in); err != nil {
				return check(fmt.Sprintf("station %s: activity %s", key, t.title), err)
			}
			for _, v := range in.Volunteers {
				if _, err := s.svc.LogVolunteerHours(s.ctx, worker, opts, id, station.LogHoursInput{VolunteerID: v, Date: on,
					Minutes: in.DurationMinutes, ActivityID: ptr(act)}); err != nil {
					return check(fmt.Sprintf("station %s: volunteer hours", key), err)
				}
			}
		}
	}
	return nil
}

func ptr[T any](v T) *T { return &v }
