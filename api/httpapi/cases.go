package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"casework/api/service"
	"casework/domain/casefile"
)

func (s *Server) caseRoutes() []route {
	post := func(path string, h echo.HandlerFunc) route { return route{method: http.MethodPost, path: path, h: h} }
	return []route{
		post("/api/v1/cases", s.openCase),
		{method: http.MethodGet, path: "/api/v1/cases/:id", h: getState(s.svc.Case)},
		{method: http.MethodGet, path: "/api/v1/cases/:id/history", h: getHistory(s.svc.CaseHistory)},
		post("/api/v1/cases/:id/household-checks", idCmd(s.svc.RecordHouseholdCheck)),
		post("/api/v1/cases/:id/assessments", idCmd(s.svc.AssessNeeds)),
		post("/api/v1/cases/:id/plans", idCmd(s.svc.DraftPlan)),
		post("/api/v1/cases/:id/services", idCmd(s.svc.DeliverService)),
		post("/api/v1/cases/:id/follow-ups", idCmd(s.svc.RecordFollowUp)),
		post("/api/v1/cases/:id/reviews", idCmd(s.svc.ReviewCase)),
		post("/api/v1/cases/:id/approval-requests", idCmd(s.svc.RequestApproval)),
		post("/api/v1/cases/:id/approvals", s.decideApproval),
		post("/api/v1/cases/:id/closure", idCmd(s.svc.CloseCase)),
		post("/api/v1/cases/:id/reopen", idCmd(s.svc.ReopenCase)),
		post("/api/v1/cases/:id/archive", idCmd(s.svc.ArchiveCase)),
		post("/api/v1/cases/:id/reassignment", idCmd(s.svc.ReassignCase)),
	}
}

func (s *Server) openCase(c echo.Context) error {
	var in casefile.OpenInput
	return runCommand(c, &in, "/api/v1/cases/{id}", func(p service.Principal, opts service.Options) (service.Result, error) {
		return s.svc.OpenCase(c.Request().Context(), p, opts, in)
	})
}

type approvalDecision struct {
	Decision string `json:"decision"`
	casefile.DecideApprovalInput
}

func (s *Server) decideApproval(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in approvalDecision
	return runCommand(c, &in, "", func(p service.Principal, opts service.Options) (service.Result, error) {
		return s.svc.DecideApproval(c.Request().Context(), p, opts, id, in.Decision == "approved", in.DecideApprovalInput)
	})
}
