package test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"casework/api/apitest"
)

type caseState struct {
	ID          string `json:"id"`
	Revision    uint64 `json:"revision"`
	Stage       string `json:"stage"`
	Eligibility *struct {
		Outcome string `json:"outcome"`
		RuleID  string `json:"rule_id"`
	} `json:"eligibility"`
	ServicesDelivered int  `json:"services_delivered"`
	Closed            bool `json:"closed"`
	Archived          bool `json:"archived"`
}

func readCase(tb testing.TB, env *apitest.Env, token, path string) caseState {
	tb.Helper()
	var c caseState
	get(tb, env, token, path, http.StatusOK).JSON(tb, &c)
	return c
}

// A case from intake to archive over HTTP, with the stage after each step,
// who did what in the history, and time travel to an earlier revision.
func TestCase_IntakeToArchive(t *testing.T) {
	env := apitest.Start(t)
	w, sup := env.Token(t, "worker"), env.Token(t, "supervisor")
	c := newCase(t, env, w)
	steps := []struct {
		token, path string
		body        any
		stage       string
	}{
		{w, "/household-checks", map[string]any{"visit_date": daysAgo(0), "investigators": []string{"李明", "王芳"},
			"members": []any{
				map[string]any{"name": "李建国", "relation": "self", "income": []any{map[string]any{"kind": "pension", "amount": 80000, "period": "monthly"}}},
				map[string]any{"name": "张桂兰", "relation": "spouse"}},
			"assets": []any{map[string]any{"kind": "deposit", "value": 500000}}}, "assessment"},
		{w, "/assessments", map[string]any{"assessed_on": daysAgo(0), "risk_level": "medium",
			"needs": []any{map[string]any{"area": "economic", "description": "收入低于低保标准"}}}, "assessment"},
		{w, "/approval-requests", map[string]any{"subject": "assessment"}, "assessment"},
		{sup, "/approvals", map[string]any{"subject": "assessment", "decision": "approved", "comment": "同意"}, "planning"},
		{w, "/plans", map[string]any{"goals": []string{"申请低保"}, "planned_services": []any{map[string]any{"method": "casework", "kind": "resource_linking"}},
			"start_date": daysAgo(0), "review_date": daysAgo(-60)}, "planning"},
		{w, "/approval-requests", map[string]any{"subject": "plan"}, "planning"},
		{sup, "/approvals", map[string]any{"subject": "plan", "decision": "approved"}, "in_service"},
		{w, "/services", map[string]any{"method": "casework", "kind": "home_visit", "occurred_on": daysAgo(0), "duration_minutes": 60,
			"notes": "入户协助准备低保申请材料"}, "in_service"},
		{w, "/follow-ups", map[string]any{"visited_on": daysAgo(0), "method": "phone", "findings": "材料已提交"}, "in_service"},
		{w, "/approval-requests", map[string]any{"subject": "closure", "proposed_outcome": "goals_achieved", "reason": "已纳入低保"}, "closing"},
		{sup, "/approvals", map[string]any{"subject": "closure", "decision": "approved", "comment": "同意结案"}, "closing"},
		{w, "/closure", map[string]any{"outcome": "goals_achieved", "reason": "已纳入低保"}, "closed"},
		{w, "/archive", map[string]any{"responsible_person": "王芳", "archive_code": "HB-2026-0001"}, "archived"},
	}
	var prev uint64
	for i, s := range steps {
		r := post(t, env, s.token, c+s.path, s.body, http.StatusOK)
		var res struct{ Revision, Position uint64 }
		r.JSON(t, &res)
		if res.Revision != uint64(i+1) || res.Position <= prev || r.Header.Get("ETag") == "" {
			t.Fatalf("step %d %s: result %+v, ETag %q", i, s.path, res, r.Header.Get("ETag"))
		}
		prev = res.Position
		if got := readCase(t, env, w, c).Stage; got != s.stage {
			t.Fatalf("after %s: stage %q, want %q", s.path, got, s.stage)
		}
	}
	final := readCase(t, env, w, c)
	if !final.Archived || final.Eligibility == nil || final.Eligibility.RuleID != "dibao-demo" {
		t.Fatalf("final state %+v", final)
	}
	// Every step is recorded with its actor's role.
	var h struct {
		Events []struct {
			Type, Role, Actor string
		} `json:"events"`
	}
	get(t, env, w, c+"/history", http.StatusOK).JSON(t, &h)
	if len(h.Events) != len(steps)+1 || h.Events[0].Type != "CaseOpened" || h.Events[len(h.Events)-1].Type != "CaseArchived" {
		t.Fatalf("history: %+v", h.Events)
	}
	if h.Events[4].Type != "ApprovalGranted" || h.Events[4].Role != "supervisor" || h.Events[4].Actor != env.Accounts["supervisor"].AccountID.String() {
		t.Fatalf("approval recorded as %+v", h.Events[4])
	}
	// Time travel: at revision 1 the case was being assessed.
	if got := readCase(t, env, w, c+"?revision=1"); got.Stage != "assessment" || got.Revision != 1 {
		t.Fatalf("at revision 1: %+v", got)
	}
	// An archived case refuses further steps with a rule name.
	r := post(t, env, w, c+"/services", steps[7].body, http.StatusConflict)
	if !isProblem(r) || !strings.Contains(string(r.Body), `"rule":"case.`) {
		t.Fatalf("after archive: %s", r.Body)
	}
}

// Closing without an approved closure is refused with the rule's name.
func TestCase_CloseWithoutApproval_Rejected(t *testing.T) {
	env := apitest.Start(t)
	w := env.Token(t, "worker")
	c := newCase(t, env, w)
	r := post(t, env, w, c+"/closure", map[string]any{"outcome": "goals_achieved", "reason": "x"}, http.StatusConflict)
	var p struct {
		Errors []struct{ Rule string } `json:"errors"`
	}
	if err := json.Unmarshal(r.Body, &p); err != nil || len(p.Errors) == 0 || p.Errors[0].Rule != "case.close.requires_approved_closure" {
		t.Fatalf("problem: %s", r.Body)
	}
}
