package httpapi

import (
	"context"
	"net/http"

	"github.com/google/uuid"
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
		post("/api/v1/contracts/:id/award", contractCmd(s.svc.AwardContract)),
		post("/api/v1/contracts/:id/agreements", contractCmd(s.svc.SignAgreement)),
		post("/api/v1/contracts/:id/reports", contractCmd(s.svc.SubmitContractReport)),
		post("/api/v1/contracts/:id/inspections", contractCmd(s.svc.RecordContractInspection)),
		post("/api/v1/contracts/:id/staffing", contractCmd(s.svc.ChangeContractStaffing)),
		post("/api/v1/contracts/:id/subcontracts", contractCmd(s.svc.DeclareSubcontract)),
		post("/api/v1/contracts/:id/budgets", contractCmd(s.svc.BudgetContractFunds)),
		post("/api/v1/contracts/:id/disbursements", contractCmd(s.svc.DisburseContractFunds)),
		post("/api/v1/contracts/:id/evaluations", contractCmd(s.svc.EvaluateContract)),
		post("/api/v1/contracts/:id/renewal", contractCmd(s.svc.RenewContract)),
		post("/api/v1/contracts/:id/non-renewal", contractCmd(s.svc.DeclineContractRenewal)),
		post("/api/v1/contracts/:id/termination", contractCmd(s.svc.TerminateContract)),
	}
}

// contractCmd adapts a service command on a contract to a handler.
func contractCmd[I any](f func(ctx context.Context, p service.Principal, opts service.Options, id uuid.UUID, in I) (service.Result, error)) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		var in I
		return runCommand(c, &in, "", func(p service.Principal, opts service.Options) (service.Result, error) {
			return f(c.Request().Context(), p, opts, id, in)
		})
	}
}

func (s *Server) openProcurement(c echo.Context) error {
	var in contract.OpenInput
	return runCommand(c, &in, "/api/v1/contracts/{id}", func(p service.Principal, opts service.Options) (service.Result, error) {
		return s.svc.OpenProcurement(c.Request().Context(), p, opts, in)
	})
}
