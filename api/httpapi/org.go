package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"casework/api/service"
	"casework/domain/org"
)

// orgRoutes are the org tree and the accounts: what admins manage.
func (s *Server) orgRoutes() []route {
	post := func(path string, h echo.HandlerFunc) route { return route{method: http.MethodPost, path: path, h: h} }
	get := func(path string, h echo.HandlerFunc) route { return route{method: http.MethodGet, path: path, h: h} }
	return []route{
		get("/api/v1/org-units", s.orgUnits),
		post("/api/v1/org-units", s.registerOrgUnit),
		get("/api/v1/org-units/:id", s.getOrgUnit),
		post("/api/v1/org-units/:id/rename", idCmd(s.svc.RenameOrgUnit)),
		post("/api/v1/org-units/:id/closure", idCmd(s.svc.CloseOrgUnit)),
		get("/api/v1/accounts", s.accounts),
		post("/api/v1/accounts", s.createAccount),
		get("/api/v1/accounts/:id", s.getAccount),
		post("/api/v1/accounts/:id/role", idCmd(s.svc.ChangeAccountRole)),
		post("/api/v1/accounts/:id/disable", idCmd(s.svc.DisableAccount)),
		post("/api/v1/accounts/:id/enable", idCmd(s.svc.EnableAccount)),
		post("/api/v1/accounts/:id/password", idCmd(s.svc.SetPassword)),
	}
}

type orgUnitList struct {
	OrgUnits []service.OrgUnitView `json:"org_units"`
}

func (s *Server) orgUnits(c echo.Context) error {
	us, err := s.svc.OrgUnits(c.Request().Context(), principal(c))
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, orgUnitList{OrgUnits: us})
}

func (s *Server) registerOrgUnit(c echo.Context) error {
	var in org.RegisterInput
	return runCommand(c, &in, "/api/v1/org-units/{id}", func(p service.Principal, opts service.Options) (service.Result, error) {
		return s.svc.RegisterOrgUnit(c.Request().Context(), p, opts, in)
	})
}

func (s *Server) getOrgUnit(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	v, err := s.svc.OrgUnit(c.Request().Context(), principal(c), id)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, v)
}

type accountList struct {
	Accounts []service.AccountView `json:"accounts"`
}

func (s *Server) accounts(c echo.Context) error {
	as, err := s.svc.Accounts(c.Request().Context(), principal(c))
	if err != nil {
		return err
	}
	if as == nil {
		as = []service.AccountView{}
	}
	return writeJSON(c, http.StatusOK, accountList{Accounts: as})
}

func (s *Server) createAccount(c echo.Context) error {
	var in service.CreateAccountInput
	return runCommand(c, &in, "/api/v1/accounts/{id}", func(p service.Principal, opts service.Options) (service.Result, error) {
		return s.svc.CreateAccount(c.Request().Context(), p, opts, in)
	})
}

func (s *Server) getAccount(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	v, err := s.svc.Account(c.Request().Context(), principal(c), id)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, v)
}
