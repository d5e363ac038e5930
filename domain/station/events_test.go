package station_test

import (
	"flag"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/internal/domaintest"
	"casework/domain/station"
	"casework/domain/value"
)

var update = flag.Bool("update", false, "rewrite golden files")

// samples holds one realistic payload per event type.
func samples() []domain.Payload {
	st := uuid.MustParse("0195f3a0-7c1e-7d2a-9b40-3c5d6e7f8b01")
	staff := uuid.MustParse("0195f3a0-7c1e-7d2a-9b40-3c5d6e7f8b02")
	account := uuid.MustParse("0195f3a0-7c1e-7d2a-9b40-3c5d6e7f8b03")
	vol := uuid.MustParse("0195f3a0-7c1e-7d2a-9b40-3c5d6e7f8b04")
	act := uuid.MustParse("0195f3a0-7c1e-7d2a-9b40-3c5d6e7f8b05")
	contract := uuid.MustParse("0195f3a0-7c1e-7d2a-9b40-3c5d6e7f8b06")
	project := uuid.MustParse("0195f3a0-7c1e-7d2a-9b40-3c5d6e7f8b07")
	return []domain.Payload{
		station.StationRegistered{StationID: st, Name: "江安镇社会工作服务站", Township: "江安镇", Pilot: true, RegisteredOn: value.MustParseDate("2021-11-01")},
		station.PilotStatusChanged{Pilot: true, EffectiveOn: value.MustParseDate("2022-06-01")},
		station.SiteRecorded{EffectiveOn: value.MustParseDate("2021-11-01"), ActivityAreaM2: 120, CounsellingRoom: true, GroupRoom: true, Address: "宜宾市江安县江安镇竹都大道88号民政办二楼"},
		station.StationFunctionsRecorded{EffectiveOn: value.MustParseDate("2021-11-01"), Domains: []domain.ServiceDomain{domain.SocialAssistance, domain.ElderlyCare, domain.ChildWelfare, domain.CommunityGovernance}},
		station.StaffAssigned{StaffID: staff, AccountID: &account, Person: station.StaffPerson{Name: "王芳"}, Role: station.RoleResidentWorker,
			Employment: station.FullTime, Education: station.EduBachelor, BirthDate: value.MustParseDate("1990-07-12"), SocialWorkDegree: true,
			Certificate: station.CertIntermediate, StartDate: value.MustParseDate("2021-11-15")},
		station.StaffLeft{StaffID: staff, Date: value.MustParseDate("2024-08-31"), Reason: "考取公务员，合同期满不再续聘"},
		station.StationRuleRegistered{RuleID: uuid.MustParse("0195f3a0-7c1e-7d2a-9b40-3c5d6e7f8b08"), Name: "来访接待与居民求助工作制度", Category: station.RuleReception, AdoptedOn: value.MustParseDate("2021-12-01")},
		station.VolunteerRegistered{VolunteerID: vol, Person: station.VolunteerPerson{Name: "赵志强"}, Skills: []string{"理发", "陪伴聊天", "智能手机教学"}, RegisteredOn: value.MustParseDate("2022-03-05")},
		station.VolunteerHoursLogged{VolunteerID: vol, Date: value.MustParseDate("2022-03-20"), Minutes: 150, ActivityID: &act},
		station.VolunteerTeamFormed{TeamID: uuid.MustParse("0195f3a0-7c1e-7d2a-9b40-3c5d6e7f8b09"), Name: "江安镇邻里亲志愿服务队", FormedOn: value.MustParseDate("2022-03-05"), Members: []uuid.UUID{vol}},
		station.ActivityHeld{ActivityID: act, Kind: station.ActivityCommunity, Title: "橙乡敬老、相伴暖冬关爱老人活动", Date: value.MustParseDate("2022-03-20"),
			DurationMinutes: 150, Attendance: 46, ContractID: &contract, ProjectID: &project, Domain: domain.ElderlyCare, Volunteers: []uuid.UUID{vol}},
	}
}

func TestEvents_Golden(t *testing.T) {
	domaintest.Golden(t, station.RegisterEvents, samples(), *update,
		func(want, got domain.Payload) string { return cmp.Diff(want, got, exported) })
}

func TestEvents_StaffAndVolunteerNamesNotSensitive(t *testing.T) {
	r := domain.NewRegistry()
	station.RegisterEvents(r)
	for _, name := range r.Names() {
		if def, _ := r.Def(name); len(def.Sensitive) != 0 {
			t.Errorf("%s has sensitive paths %v; station events carry no client data", name, def.Sensitive)
		}
	}
}
