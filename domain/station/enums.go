package station

// StaffRole is a person's role in a station (seed 000 §3(三), seed 002).
type StaffRole string

// Station roles.
const (
	RoleStationHead    StaffRole = "station_head"           // 站长, head of the township civil-affairs office
	RoleResidentWorker StaffRole = "resident_social_worker" // 驻站社工
	RoleSupervisor     StaffRole = "supervisor"             // 督导 (often part-time)
	RoleTownshipStaff  StaffRole = "township_staff"         // 镇相关人员 (seed 002's 2+2+1)
)

// StaffRoles lists the station roles.
func StaffRoles() []StaffRole {
	return []StaffRole{RoleStationHead, RoleResidentWorker, RoleSupervisor, RoleTownshipStaff}
}

// Valid reports whether r is one of StaffRoles().
func (r StaffRole) Valid() bool { return oneOf(r, StaffRoles()) }

// Employment is full or part time.
type Employment string

// Employment kinds.
const (
	FullTime Employment = "full_time" // 专职
	PartTime Employment = "part_time" // 兼职
)

// Valid reports whether e is full or part time.
func (e Employment) Valid() bool { return e == FullTime || e == PartTime }

// Education is the highest completed level, ordered.
type Education string

// Education levels, lowest first.
const (
	EduBelowCollege   Education = "below_college"
	EduCollegeDiploma Education = "college_diploma" // 大专
	EduBachelor       Education = "bachelor"        // 大学本科
	EduMasterOrAbove  Education = "master_or_above"
)

// Educations lists the levels lowest first.
func Educations() []Education {
	return []Education{EduBelowCollege, EduCollegeDiploma, EduBachelor, EduMasterOrAbove}
}

// Valid reports whether e is one of Educations().
func (e Education) Valid() bool { return oneOf(e, Educations()) }

// AtLeast reports whether e is level o or higher; false if either is unknown.
func (e Education) AtLeast(o Education) bool {
	rank := func(x Education) int {
		for i, y := range Educations() {
			if x == y {
				return i
			}
		}
		return -1
	}
	return rank(e) >= 0 && rank(o) >= 0 && rank(e) >= rank(o)
}

// Certificate is the level of the national social-work qualification
// certificate (全国社会工作者职业水平证书).
type Certificate string

// Certificate levels.
const (
	CertNone         Certificate = "none"
	CertAssistant    Certificate = "assistant"    // 助理社会工作师
	CertIntermediate Certificate = "intermediate" // 社会工作师
	CertSenior       Certificate = "senior"       // 高级社会工作师
)

// Valid reports whether c is a known level.
func (c Certificate) Valid() bool {
	return oneOf(c, []Certificate{CertNone, CertAssistant, CertIntermediate, CertSenior})
}

// RuleCategory groups a station's rules (制度). The first four are the
// categories the compliance check requires (see RequiredRuleCategories).
type RuleCategory string

// Rule categories, from seed 000 §3(二) and seed 002 (管理规范).
const (
	RuleServiceProcess RuleCategory = "service_process" // 服务流程与标准
	RuleReception      RuleCategory = "reception"       // 来访接待、居民求助
	RuleSafety         RuleCategory = "safety"          // 安全管理
	RuleArchive        RuleCategory = "archive"         // 档案管理
	RuleHygiene        RuleCategory = "hygiene"         // 卫生管理
	RulePublicity      RuleCategory = "publicity"       // 宣传信息
	RuleFinance        RuleCategory = "finance"         // 财务与资金
	RuleSupervision    RuleCategory = "supervision"     // 督导
	RuleOther          RuleCategory = "other"
)

// RuleCategories lists every category.
func RuleCategories() []RuleCategory {
	return []RuleCategory{RuleServiceProcess, RuleReception, RuleSafety, RuleArchive,
		RuleHygiene, RulePublicity, RuleFinance, RuleSupervision, RuleOther}
}

// RequiredRuleCategories are the categories in which a station must have
// registered at least one rule to meet 有制度: its service process (seed
// 000: "规范社工站运行流程和标准"), reception of visitors and requests for
// help, safety, and archives (seed 002's daily management measures and
// 规范档案管理).
func RequiredRuleCategories() []RuleCategory {
	return []RuleCategory{RuleServiceProcess, RuleReception, RuleSafety, RuleArchive}
}

// Valid reports whether c is one of RuleCategories().
func (c RuleCategory) Valid() bool { return oneOf(c, RuleCategories()) }

// ActivityKind is what kind of activity a station held.
type ActivityKind string

// Activity kinds.
const (
	ActivityGroupSession ActivityKind = "group_session"      // 小组
	ActivityCommunity    ActivityKind = "community_activity" // 社区活动
	ActivityTraining     ActivityKind = "training"           // 培训
	ActivityOther        ActivityKind = "other"
)

// ActivityKinds lists the kinds.
func ActivityKinds() []ActivityKind {
	return []ActivityKind{ActivityGroupSession, ActivityCommunity, ActivityTraining, ActivityOther}
}

// Valid reports whether k is one of ActivityKinds().
func (k ActivityKind) Valid() bool { return oneOf(k, ActivityKinds()) }

func oneOf[T comparable](x T, xs []T) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}
