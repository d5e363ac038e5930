package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"casework/api/service"
	"casework/domain/referral"
)

func (s *Server) referralRoutes() []route {
	return []route{
		{method: http.MethodPost, path: "/api/v1/cases/:id/referrals", h: s.createReferral},
		{method: http.MethodGet, path: "/api/v1/referrals/:id", h: getState(s.svc.Referral)},
		{method: http.MethodGet, path: "/api/v1/referrals/:id/history", h: getHistory(s.svc.ReferralHistory)},
		{method: http.MethodPost, path: "/api/v1/referrals/:id/transitions", h: s.transitionReferral},
	}
}

func (s *Server) createReferral(c echo.Context) error {
	caseID, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in service.ReferralRequestInput
	return runCommand(c, &in, "/api/v1/referrals/{id}", func(p service.Principal, opts service.Options) (service.Result, error) {
		return s.svc.CreateReferral(c.Request().Context(), p, opts, caseID, in)
	})
}

func (s *Server) transitionReferral(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in referral.TransitionInput
	return runCommand(c, &in, "", func(p service.Principal, opts service.Options) (service.Result, error) {
		return s.svc.TransitionReferral(c.Request().Context(), p, opts, id, in)
	})
}
