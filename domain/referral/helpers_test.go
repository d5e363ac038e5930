package referral_test

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/referral"
	"casework/domain/value"
)

var (
	now        = time.Date(2026, 3, 2, 9, 30, 0, 0, value.Shanghai)
	referralID = uuid.MustParse("0195a0d1-3c4b-7a2e-8f10-6b7c8d9e0f11")
	caseID     = uuid.MustParse("0195a0c9-1a2b-7c3d-9e4f-5a6b7c8d9e0f")
)

const (
	station = "station-xinhua"     // 新华街道社工站, the referring station
	agency  = "agency-jy-charity"  // 揭阳市慈善总会, the receiving agency
	other   = "agency-jy-disabled" // 残联, an agency not involved
)

var (
	worker     = domain.Actor{ID: "acct-li", Role: domain.RoleSocialWorker, OrgUnit: station}
	supervisor = domain.Actor{ID: "acct-wang", Role: domain.RoleSupervisor, OrgUnit: station}
	receiver   = domain.Actor{ID: "acct-zhao", Role: domain.RoleAgencyWorker, OrgUnit: agency}
	// toPerson is the named receiving person; the rule admits that exact
	// account whatever its role and org unit.
	toPerson = domain.Actor{ID: "acct-chen", Role: domain.RoleCountyManager, OrgUnit: "county-rongcheng"}
)

// unrelated are actors who are on neither side of the referral.
var unrelated = []domain.Actor{
	{ID: "acct-x1", Role: domain.RoleAgencyWorker, OrgUnit: other},
	{ID: "acct-x2", Role: domain.RoleSocialWorker, OrgUnit: "station-dongcheng"},
	{ID: "acct-x3", Role: domain.RoleSupervisor, OrgUnit: "station-dongcheng"},
	{ID: "acct-x4", Role: domain.RoleAdmin, OrgUnit: station},
	{ID: "acct-x5", Role: domain.RoleCountyManager, OrgUnit: agency},
	{ID: "acct-x6", Role: domain.RoleAuditor, OrgUnit: station},
	{ID: "acct-x7", Role: domain.RoleAgencyWorker, OrgUnit: station},
}

func cmdBy(a domain.Actor) domain.Cmd { return domain.Cmd{Actor: a, Now: now} }

func requestInput() referral.RequestInput {
	return referral.RequestInput{
		CaseID:        caseID,
		Client:        referral.ClientInput{ID: "client-0042", Name: "陈桂芳", BirthYear: 1958, Phone: "138 0013 8000"},
		ToAgencyID:    agency,
		ToPersonID:    toPerson.ID,
		ServiceDomain: domain.SocialAssistance,
		Needs:         "低保救助后仍有较大困难：老伴瘫痪在床，医疗费用负担重，申请慈善医疗救助。",
		Priority:      referral.PriorityUrgent,
		Consent:       referral.ConsentInput{Given: true, GivenBy: "陈桂芳（本人）", GivenAt: now.Add(-time.Hour)},
		DueDate:       value.MustParseDate("2026-03-16"),
	}
}

func fold(tb testing.TB, s *referral.State, cmd domain.Cmd, ps []domain.Payload) {
	tb.Helper()
	for _, p := range ps {
		s.Apply(domain.Event{Revision: s.Version, Actor: cmd.Actor, OccurredAt: cmd.Now, RecordedAt: cmd.Now, Payload: p})
	}
}

// requested returns a freshly requested referral.
func requested(tb testing.TB) *referral.State {
	tb.Helper()
	ps, err := referral.Request(cmdBy(worker), referralID, requestInput())
	if err != nil {
		tb.Fatalf("request: %v", err)
	}
	s := &referral.State{}
	fold(tb, s, cmdBy(worker), ps)
	return s
}

// reach returns a referral brought along path by the side each action
// belongs to, with a reason and (for complete) an outcome.
func reach(tb testing.TB, path ...referral.Action) *referral.State {
	tb.Helper()
	s := requested(tb)
	for _, a := range path {
		actor := receiver
		if a.Side() == referral.SideReferring {
			actor = worker
		}
		outcome := ""
		if a == referral.ActionComplete {
			outcome = "已获慈善医疗救助 8000 元"
		}
		ps, err := s.Transition(cmdBy(actor), a, "按流程办理", outcome)
		if err != nil {
			tb.Fatalf("path %v at %s: %v", path, a, err)
		}
		fold(tb, s, cmdBy(actor), ps)
	}
	return s
}

// wantRule fails unless err carries rule with kind and ps is nil.
func wantRule(tb testing.TB, ps []domain.Payload, err error, rule string, kind domain.Kind) {
	tb.Helper()
	record(tb, err)
	if ps != nil {
		tb.Fatalf("refused command returned events %#v", ps)
	}
	var re *domain.Error
	if !errors.As(err, &re) {
		tb.Fatalf("err = %v, want rule %s", err, rule)
	}
	var names []string
	for _, e := range domain.RuleErrors(err) {
		names = append(names, e.Rule)
		if e.Rule == rule && e.Kind != kind {
			tb.Fatalf("rule %s has kind %v, want %v", rule, e.Kind, kind)
		}
	}
	if !slices.Contains(names, rule) {
		tb.Fatalf("rules = %v, want %s", names, rule)
	}
}

// wantEvent fails unless the command succeeded with one event of type typ.
func wantEvent(tb testing.TB, ps []domain.Payload, err error, typ string) {
	tb.Helper()
	record(tb, err)
	if err != nil {
		tb.Fatalf("unexpected error: %v", err)
	}
	if len(ps) != 1 || ps[0].EventType() != typ {
		tb.Fatalf("events = %#v, want one %s", ps, typ)
	}
}

func unchanged(tb testing.TB, before referral.State, s *referral.State) {
	tb.Helper()
	if !reflect.DeepEqual(before, *s) {
		tb.Fatalf("refused command changed the state:\nbefore %+v\nafter  %+v", before, *s)
	}
}
