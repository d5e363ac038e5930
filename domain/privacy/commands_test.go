package privacy_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/privacy"
)

func TestForget_RequestThenApproveBySecondAdmin_Forgotten(t *testing.T) {
	var s privacy.State
	ps, err := privacy.RequestForget(&s, cmdBy(admin), privacy.RequestInput{RequestID: req1, Reason: "  本人书面申请删除个人信息 "})
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.Payload{privacy.ClientForgetRequested{RequestID: req1, Reason: "本人书面申请删除个人信息", RequestedAt: now}}
	if diff := cmp.Diff(want, ps); diff != "" {
		t.Fatal(diff)
	}
	fold(&s, admin, ps...)
	wantPending := &privacy.Request{ID: req1, RequestedBy: admin.ID, Reason: "本人书面申请删除个人信息", RequestedAt: now}
	if diff := cmp.Diff(wantPending, s.Pending); diff != "" {
		t.Fatalf("pending:\n%s", diff)
	}

	ps, err = privacy.ApproveForget(&s, cmdBy(admin2), privacy.ApproveInput{RequestID: req1})
	if err != nil {
		t.Fatal(err)
	}
	id := req1
	want = []domain.Payload{privacy.ClientForgotten{RequestID: &id, Reason: "本人书面申请删除个人信息",
		RequestedBy: admin.ID, ApprovedBy: admin2.ID, ForgottenAt: now}}
	if diff := cmp.Diff(want, ps); diff != "" {
		t.Fatal(diff)
	}
	fold(&s, admin2, ps...)
	if !s.Forgotten || s.Pending != nil || !s.ForgottenAt.Equal(now) || s.Reason != "本人书面申请删除个人信息" || s.Version != 2 {
		t.Fatalf("state: %+v", s)
	}
}

func TestForget_Rejected_ThenNewRequestAccepted(t *testing.T) {
	s := requested(t)
	ps, err := privacy.RejectForget(s, cmdBy(admin2), privacy.RejectInput{RequestID: req1, Reason: " 个案仍在服务期内 "})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]domain.Payload{privacy.ClientForgetRejected{RequestID: req1, Reason: "个案仍在服务期内"}}, ps); diff != "" {
		t.Fatal(diff)
	}
	fold(s, admin2, ps...)
	if s.Pending != nil || s.Forgotten || !cmp.Equal(s.Rejected, []uuid.UUID{req1}) {
		t.Fatalf("state: %+v", s)
	}
	must(t, s, admin2)(privacy.RequestForget(s, cmdBy(admin2), privacy.RequestInput{RequestID: req2, Reason: "结案后再次申请"}))
	if s.Pending == nil || s.Pending.ID != req2 || s.Pending.RequestedBy != admin2.ID {
		t.Fatalf("pending: %+v", s.Pending)
	}
	// The first requester may approve the second admin's request.
	must(t, s, admin)(privacy.ApproveForget(s, cmdBy(admin), privacy.ApproveInput{RequestID: req2}))
	if !s.Forgotten || !cmp.Equal(s.Rejected, []uuid.UUID{req1}) {
		t.Fatalf("state: %+v", s)
	}
}

func TestForget_RequesterWithdraws_Accepted(t *testing.T) {
	s := requested(t)
	must(t, s, admin)(privacy.RejectForget(s, cmdBy(admin), privacy.RejectInput{RequestID: req1, Reason: "申请人撤回"}))
	if s.Pending != nil || len(s.Rejected) != 1 {
		t.Fatalf("state: %+v", s)
	}
}

func TestForget_ApprovedByRequester_Refused(t *testing.T) {
	s := requested(t)
	before := stateCopy(s)
	ps, err := privacy.ApproveForget(s, cmdBy(admin), privacy.ApproveInput{RequestID: req1})
	if ps != nil {
		t.Fatalf("events %v", ps)
	}
	wantRule(t, err, "privacy.forget.second_person", domain.KindForbidden)
	// The same person under another org unit is still the same account.
	same := admin
	same.OrgUnit = "station-hx"
	_, err = privacy.ApproveForget(s, cmdBy(same), privacy.ApproveInput{RequestID: req1})
	wantRule(t, err, "privacy.forget.second_person", domain.KindForbidden)
	if diff := cmp.Diff(before, s); diff != "" {
		t.Fatalf("refused approval changed the state:\n%s", diff)
	}
}

func TestForgetNow_ByOperator_ForgottenWithoutRequest(t *testing.T) {
	s := requested(t) // a pending request is superseded
	ps, err := privacy.ForgetNow(s, cmdBy(operator), privacy.ForgetNowInput{Reason: " 法院判决要求删除 "})
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.Payload{privacy.ClientForgotten{Reason: "法院判决要求删除", RequestedBy: operator.ID, ApprovedBy: operator.ID, ForgottenAt: now}}
	if diff := cmp.Diff(want, ps); diff != "" {
		t.Fatal(diff)
	}
	fold(s, operator, ps...)
	if !s.Forgotten || s.Pending != nil || s.Reason != "法院判决要求删除" {
		t.Fatalf("state: %+v", s)
	}
}

// Once forgotten, asking again is answered with no events and no error:
// the caller tells the user that there is nothing left to forget.
func TestForget_AlreadyForgotten_NoOp(t *testing.T) {
	for name, run := range map[string]func(s *privacy.State) ([]domain.Payload, error){
		"request": func(s *privacy.State) ([]domain.Payload, error) {
			return privacy.RequestForget(s, cmdBy(admin), privacy.RequestInput{RequestID: req2, Reason: "再次申请"})
		},
		"request reusing the approved id": func(s *privacy.State) ([]domain.Payload, error) {
			return privacy.RequestForget(s, cmdBy(admin), privacy.RequestInput{RequestID: req1, Reason: "再次申请"})
		},
		"approve": func(s *privacy.State) ([]domain.Payload, error) {
			return privacy.ApproveForget(s, cmdBy(admin2), privacy.ApproveInput{RequestID: req1})
		},
		"approve by the requester": func(s *privacy.State) ([]domain.Payload, error) {
			return privacy.ApproveForget(s, cmdBy(admin), privacy.ApproveInput{RequestID: req2})
		},
		"forget now": func(s *privacy.State) ([]domain.Payload, error) {
			return privacy.ForgetNow(s, cmdBy(operator), privacy.ForgetNowInput{Reason: "运维删除"})
		},
	} {
		t.Run(name, func(t *testing.T) {
			s := forgotten(t)
			before := stateCopy(s)
			ps, err := run(s)
			if err != nil || ps != nil {
				t.Fatalf("got %v, %v; want no events and no error", ps, err)
			}
			if diff := cmp.Diff(before, s); diff != "" {
				t.Fatal(diff)
			}
		})
	}
}

func TestForget_Commands_Refused(t *testing.T) {
	type call func(s *privacy.State) ([]domain.Payload, error)
	request := func(c domain.Cmd, in privacy.RequestInput) call {
		return func(s *privacy.State) ([]domain.Payload, error) { return privacy.RequestForget(s, c, in) }
	}
	approve := func(c domain.Cmd, id uuid.UUID) call {
		return func(s *privacy.State) ([]domain.Payload, error) {
			return privacy.ApproveForget(s, c, privacy.ApproveInput{RequestID: id})
		}
	}
	reject := func(c domain.Cmd, in privacy.RejectInput) call {
		return func(s *privacy.State) ([]domain.Payload, error) { return privacy.RejectForget(s, c, in) }
	}
	now := func(c domain.Cmd, reason string) call {
		return func(s *privacy.State) ([]domain.Payload, error) {
			return privacy.ForgetNow(s, c, privacy.ForgetNowInput{Reason: reason})
		}
	}
	long := strings.Repeat("删", 501)
	good := privacy.RequestInput{RequestID: req2, Reason: "本人申请"}
	tests := []struct {
		name  string
		state func(failer) *privacy.State
		run   call
		rule  string
		kind  domain.Kind
	}{
		{"request by supervisor", fresh, request(cmdAs(domain.RoleSupervisor), good), "privacy.forget.admin_only", domain.KindForbidden},
		{"request by system", fresh, request(cmdBy(operator), good), "privacy.forget.admin_only", domain.KindForbidden},
		{"request by auditor on a forgotten client", forgotten, request(cmdAs(domain.RoleAuditor), good), "privacy.forget.admin_only", domain.KindForbidden},
		{"request nil id", fresh, request(cmdBy(admin), privacy.RequestInput{Reason: "x"}), "privacy.forget.request_id_required", domain.KindInvalid},
		{"request blank reason", fresh, request(cmdBy(admin), privacy.RequestInput{RequestID: req1, Reason: " \t"}), "privacy.forget.reason_required", domain.KindInvalid},
		{"request long reason", fresh, request(cmdBy(admin), privacy.RequestInput{RequestID: req1, Reason: long}), "privacy.forget.reason_too_long", domain.KindInvalid},
		{"request invalid on a forgotten client", forgotten, request(cmdBy(admin), privacy.RequestInput{RequestID: req2}), "privacy.forget.reason_required", domain.KindInvalid},
		{"request while one is pending", requested, request(cmdBy(admin2), good), "privacy.forget.request_pending", domain.KindConflict},
		{"request repeating the pending one", requested, request(cmdBy(admin), privacy.RequestInput{RequestID: req1, Reason: "x"}), "privacy.forget.request_pending", domain.KindConflict},
		{"request reusing a rejected id", rejected, request(cmdBy(admin), privacy.RequestInput{RequestID: req1, Reason: "x"}), "privacy.forget.request_id_reused", domain.KindConflict},

		{"approve by social worker", requested, approve(cmdAs(domain.RoleSocialWorker), req1), "privacy.forget.admin_only", domain.KindForbidden},
		{"approve by system", requested, approve(cmdBy(operator), req1), "privacy.forget.admin_only", domain.KindForbidden},
		{"approve with nothing pending", fresh, approve(cmdBy(admin2), req1), "privacy.forget.no_pending_request", domain.KindConflict},
		{"approve another id", requested, approve(cmdBy(admin2), req2), "privacy.forget.no_pending_request", domain.KindConflict},
		{"approve a rejected request", rejected, approve(cmdBy(admin2), req1), "privacy.forget.no_pending_request", domain.KindConflict},
		{"approve by the requester", requested, approve(cmdBy(admin), req1), "privacy.forget.second_person", domain.KindForbidden},

		{"reject by county manager", requested, reject(cmdAs(domain.RoleCountyManager), privacy.RejectInput{RequestID: req1, Reason: "x"}), "privacy.forget.admin_only", domain.KindForbidden},
		{"reject with nothing pending", fresh, reject(cmdBy(admin2), privacy.RejectInput{RequestID: req1, Reason: "x"}), "privacy.forget.no_pending_request", domain.KindConflict},
		{"reject another id", requested, reject(cmdBy(admin2), privacy.RejectInput{RequestID: req2, Reason: "x"}), "privacy.forget.no_pending_request", domain.KindConflict},
		{"reject twice", rejected, reject(cmdBy(admin2), privacy.RejectInput{RequestID: req1, Reason: "x"}), "privacy.forget.no_pending_request", domain.KindConflict},
		{"reject once forgotten", forgotten, reject(cmdBy(admin2), privacy.RejectInput{RequestID: req1, Reason: "x"}), "privacy.forget.no_pending_request", domain.KindConflict},
		{"reject without reason", requested, reject(cmdBy(admin2), privacy.RejectInput{RequestID: req1, Reason: " "}), "privacy.forget.reason_required", domain.KindInvalid},
		{"reject long reason", requested, reject(cmdBy(admin2), privacy.RejectInput{RequestID: req1, Reason: long}), "privacy.forget.reason_too_long", domain.KindInvalid},

		{"forget now by admin", requested, now(cmdBy(admin2), "x"), "privacy.forget_now.system_only", domain.KindForbidden},
		{"forget now by auditor", fresh, now(cmdAs(domain.RoleAuditor), "x"), "privacy.forget_now.system_only", domain.KindForbidden},
		{"forget now without reason", fresh, now(cmdBy(operator), ""), "privacy.forget_now.reason_required", domain.KindInvalid},
		{"forget now long reason", fresh, now(cmdBy(operator), long), "privacy.forget_now.reason_too_long", domain.KindInvalid},
		{"forget now invalid on a forgotten client", forgotten, now(cmdBy(operator), " "), "privacy.forget_now.reason_required", domain.KindInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.state(t)
			before := stateCopy(s)
			ps, err := tt.run(s)
			if ps != nil {
				t.Fatalf("refused command returned events %v", ps)
			}
			wantRule(t, err, tt.rule, tt.kind)
			if diff := cmp.Diff(before, s); diff != "" {
				t.Fatalf("refused command changed the state:\n%s", diff)
			}
		})
	}
}

func TestForget_ReasonOf500Characters_Accepted(t *testing.T) {
	var s privacy.State
	r := strings.Repeat("删", 500)
	must(t, &s, admin)(privacy.RequestForget(&s, cmdBy(admin), privacy.RequestInput{RequestID: req1, Reason: " " + r + " "}))
	if s.Pending.Reason != r {
		t.Fatalf("reason of %d characters", len([]rune(s.Pending.Reason)))
	}
}

func TestForget_InvalidRequest_ReportsEveryField(t *testing.T) {
	var s privacy.State
	_, err := privacy.RequestForget(&s, cmdBy(admin), privacy.RequestInput{})
	es := domain.RuleErrors(err)
	if len(es) != 2 || es[0].Rule != "privacy.forget.request_id_required" || es[0].Field != "request_id" ||
		es[1].Rule != "privacy.forget.reason_required" || es[1].Field != "reason" {
		t.Fatalf("errors = %v", es)
	}
	rules.Record(t, err)
}
