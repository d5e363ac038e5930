package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"casework/api/service"
	"casework/domain/contract"
)

func (s *Server) contractRoutes() []route {
	post := func(path string, h echo.HandlerFunc) route { return route{method: http.MethodPost, path: path, h: h} }
	return []route{
		post("/api/v1/contracts", s.openProcurement),
		{method: http.MethodGet, path: "/api/v1/contracts/:id", h: getState(s.svc.Contract)},
		{method: http.MethodGet, path: "/api/v1/contracts/:id/history", h: getHistory(s.svc.ContractHistory)},
		post("/api/v1/contracts/:id/award", idCmd(s.svc.AwardContract)),
		post("/api/v1/contracts/:id/agreements", idCmd(s.svc.SignAgreement)),
		post("/api/v1/contracts/:id/reports", idCmd(s.svc.SubmitContractReport)),
		post("/api/v1/contracts/:id/inspections", idCmd(s.svc.RecordContractInspection)),
		post("/api/v1/contracts/:id/staffing", idCmd(s.svc.ChangeContractStaffing)),
		post("/api/v1/contracts/:id/subcontracts", idCmd(s.svc.DeclareSubcontract)),
		post("/api/v1/contracts/:id/budgets", idCmd(s.svc.BudgetContractFunds)),
		post("/api/v1/contracts/:id/disbursements", idCmd(s.svc.DisburseContractFunds)),
		post("/api/v1/contracts/:id/evaluations", idCmd(s.svc.EvaluateContract)),
		post("/api/v1/contracts/:id/renewal", idCmd(s.svc.RenewContract)),
		post("/api/v1/contracts/:id/non-renewal", idCmd(s.svc.DeclineContractRenewal)),
		post("/api/v1/contracts/:id/termination", idCmd(s.svc.TerminateContract)),
	}
}

func (s *Server) openProcurement(c echo.Context) error {
	var in contract.OpenInput
	return runCommand(c, &in, "/api/v1/contracts/{id}", func(p service.Principal, opts service.Options) (service.Result, error) {
		return s.svc.OpenProcurement(c.Request().Context(), p, opts, in)
	})
}
