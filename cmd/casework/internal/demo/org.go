package demo

import (
	"casework/api/service"
	"casework/domain"
	"casework/domain/org"
)

// The demo hierarchy: 杭州市 (330100) → 临安区 (330112) → three stations
// with their village and community rooms, and the external units of the
// county.
const (
	cityName   = "杭州市"
	countyName = "临安区"
	countyCode = "330112"
)

// unitSpec is one org unit: key (for the seed), kind, name, parent key,
// division code (city and county) and credit code (contractor).
type unitSpec struct {
	key, kind, name, parent, division, credit string
}

func unitSpecs() []unitSpec {
	return []unitSpec{
		{"city", string(org.KindCity), cityName, "", "330100", ""},
		{"county", string(org.KindCounty), countyName, "city", countyCode, ""},
		{"jincheng", string(org.KindStation), "锦城街道社会工作服务站", "county", "", ""},
		{"linglong", string(org.KindStation), "玲珑街道社会工作服务站", "county", "", ""},
		{"yuqian", string(org.KindStation), "於潜镇社会工作服务站", "county", "", ""},
		{"qianwang", string(org.KindRoom), "钱王社区社会工作室", "jincheng", "", ""},
		{"shijing", string(org.KindRoom), "石镜社区社会工作室", "jincheng", "", ""},
		{"guafan", string(org.KindRoom), "卦畈村社会工作室", "linglong", "", ""},
		{"guangming", string(org.KindRoom), "光明村社会工作室", "yuqian", "", ""},
		{"qixiang", string(org.KindRoom), "祈祥村社会工作室", "yuqian", "", ""},
		{"bureau", string(org.KindBureau), "杭州市临安区民政局", "county", "", ""},
		{"charity", string(org.KindAgency), "临安区慈善总会", "county", "", ""},
		{"disability", string(org.KindAgency), "临安区残疾人联合会", "county", "", ""},
		{"evaluator", string(org.KindEvaluator), "杭州市社会工作评估中心", "county", "", ""},
		{"contractor", string(org.KindContractor), "杭州市临安区锦绣社会工作服务中心", "county", "", contractorCreditCode()},
	}
}

// stationKeys are the stations in a stable order.
var stationKeys = []string{"jincheng", "linglong", "yuqian"}

func (s *seeder) orgTree() error {
	s.clk.set(s.day(430), 0)
	for _, u := range unitSpecs() {
		in := org.RegisterInput{Kind: org.Kind(u.kind), Name: u.name, Division: u.division, CreditCode: u.credit}
		if u.parent != "" {
			in.ParentID = s.units[u.parent]
		}
		res, err := s.svc.RegisterOrgUnit(s.ctx, service.System, service.Options{Reason: "demo seed"}, in)
		if err := check("org unit "+u.name, err); err != nil {
			return err
		}
		s.units[u.key] = res.ID
	}
	return nil
}

// Account is one seeded account as the banner and README list it.
type Account struct {
	Username    string
	DisplayName string
	Role        domain.Role
	unit        string
	UnitName    string
	// Demo marks the eight accounts printed at start.
	Demo bool
}

// accountSpecs lists every seeded account; admin comes last (see Seed).
func accountSpecs() []Account {
	names := map[string]string{}
	for _, u := range unitSpecs() {
		names[u.key] = u.name
	}
	a := func(user, name string, role domain.Role, unit string, demo bool) Account {
		return Account{Username: user, DisplayName: name, Role: role, unit: unit, UnitName: names[unit], Demo: demo}
	}
	return []Account{
		a("worker", "王丽娟", domain.RoleSocialWorker, "jincheng", true),
		a("supervisor", "陈志强", domain.RoleSupervisor, "jincheng", true),
		a("county", "刘建华", domain.RoleCountyManager, "county", true),
		a("bureau", "张秀英", domain.RoleBureauOfficer, "bureau", true),
		a("evaluator", "赵敏", domain.RoleEvaluator, "evaluator", true),
		a("auditor", "孙伟", domain.RoleAuditor, "county", true),
		a("agency", "周静", domain.RoleAgencyWorker, "charity", true),
		a("worker2", "李娜", domain.RoleSocialWorker, "jincheng", false),
		a("worker3", "吴磊", domain.RoleSocialWorker, "linglong", false),
		a("supervisor2", "郑海燕", domain.RoleSupervisor, "linglong", false),
		a("worker4", "何文博", domain.RoleSocialWorker, "yuqian", false),
		a("supervisor3", "马晓红", domain.RoleSupervisor, "yuqian", false),
		a("agency2", "高建军", domain.RoleAgencyWorker, "disability", false),
		a("admin", "系统管理员", domain.RoleAdmin, "city", true),
	}
}

// Accounts lists the eight demo accounts, in the order printed at start.
func Accounts() []Account {
	var out []Account
	for _, a := range accountSpecs() {
		if a.Demo {
			out = append(out, a)
		}
	}
	return out
}

// AllAccounts lists every seeded account (staff of the other stations
// included); all have Password.
func AllAccounts() []Account { return accountSpecs() }

func (s *seeder) createAccount(a Account) error {
	_, err := s.svc.CreateAccount(s.ctx, service.System, service.Options{Reason: "demo seed"}, service.CreateAccountInput{
		Username: a.Username, DisplayName: a.DisplayName, Role: a.Role, OrgUnit: s.units[a.unit].String(), Password: Password})
	return check("account "+a.Username, err)
}

// staffAccounts creates every account but admin.
func (s *seeder) staffAccounts() error {
	s.clk.set(s.day(425), 0)
	for _, a := range accountSpecs() {
		if a.Username == "admin" {
			continue
		}
		if err := s.createAccount(a); err != nil {
			return err
		}
	}
	return nil
}

// adminAccount creates admin, the mark of a complete seed.
func (s *seeder) adminAccount() error {
	s.clk.set(s.day(425), 1)
	for _, a := range accountSpecs() {
		if a.Username == "admin" {
			return s.createAccount(a)
		}
	}
	return nil
}
