package referral_test

import (
	"flag"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"casework/domain"
	"casework/domain/internal/domaintest"
	"casework/domain/referral"
	"casework/domain/value"
)

var update = flag.Bool("update", false, "rewrite golden files")

// samples holds one realistic payload per event type.
func samples() []domain.Payload {
	return []domain.Payload{
		referral.Requested{
			ReferralID: referralID, CaseID: caseID,
			Client:        referral.Client{ID: "client-0042", Name: "陈桂芳", BirthYear: 1958, Phone: "138 0013 8000"},
			From:          referral.From{WorkerID: worker.ID, StationID: station},
			To:            referral.To{AgencyID: agency, PersonID: toPerson.ID},
			ServiceDomain: domain.SocialAssistance,
			Needs:         "低保救助后仍有较大困难：老伴瘫痪在床，医疗费用负担重，申请慈善医疗救助。",
			Priority:      referral.PriorityUrgent,
			Consent: referral.Consent{Given: true, GivenBy: "陈桂芳（本人）",
				GivenAt: time.Date(2026, 3, 2, 8, 30, 0, 0, value.Shanghai)},
			DueDate: value.MustParseDate("2026-03-16"),
		},
		referral.Accepted{ReferralID: referralID, Reason: "已安排专人对接"},
		referral.Rejected{ReferralID: referralID, Reason: "不属于本会医疗救助范围，建议转介至县医保局"},
		referral.Started{ReferralID: referralID},
		referral.OnHold{ReferralID: referralID, HeldFrom: referral.StatusInProgress, Reason: "等待案主补交住院费用清单"},
		referral.Resumed{ReferralID: referralID, ResumedTo: referral.StatusInProgress, Reason: "材料已补齐"},
		referral.Completed{ReferralID: referralID, Outcome: "已发放慈善医疗救助金 8000 元，案主表示满意"},
		referral.Failed{ReferralID: referralID, Reason: "案主搬离本市，多次联系未果", Outcome: "已告知原社工站跟进"},
		referral.Cancelled{ReferralID: referralID, CancelledFrom: referral.StatusAccepted, Reason: "案主已获县民政局临时救助"},
	}
}

func registry(tb testing.TB) *domain.Registry {
	tb.Helper()
	r := domain.NewRegistry()
	referral.RegisterEvents(r)
	return r
}

func TestEvents_Golden(t *testing.T) {
	domaintest.Golden(t, referral.RegisterEvents, samples(), *update,
		func(want, got domain.Payload) string { return cmp.Diff(want, got) })
}

func TestEvents_EveryTypeRegisteredAndSampled(t *testing.T) {
	r := registry(t)
	want := []string{"ReferralAccepted", "ReferralCancelled", "ReferralCompleted", "ReferralFailed",
		"ReferralOnHold", "ReferralRejected", "ReferralRequested", "ReferralResumed", "ReferralStarted"}
	if got := r.Names(); !reflect.DeepEqual(got, want) {
		t.Fatalf("registered %v, want %v", got, want)
	}
	seen := map[string]bool{}
	for _, p := range samples() {
		seen[p.EventType()] = true
	}
	for _, n := range want {
		if !seen[n] {
			t.Errorf("no golden sample for %s", n)
		}
	}
}

// The personal fields of a referral are findable by their tags, so that
// the store can encrypt them per client.
func TestEvents_SensitiveFieldsTagged(t *testing.T) {
	r := registry(t)
	d, _ := r.Def(referral.TypeRequested)
	want := []string{"client.name", "client.phone", "needs", "consent.given_by", "consent.override_reason"}
	if !reflect.DeepEqual(d.Sensitive, want) {
		t.Fatalf("sensitive paths = %v, want %v", d.Sensitive, want)
	}
	for _, n := range []string{referral.TypeRejected, referral.TypeCompleted, referral.TypeFailed, referral.TypeCancelled, referral.TypeOnHold} {
		d, _ := r.Def(n)
		if len(d.Sensitive) == 0 {
			t.Errorf("%s has no sensitive field; its reason or outcome describes the client", n)
		}
	}
}
