package httpapi

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"casework/api/service"
)

func (s *Server) authRoutes() []route {
	return []route{
		{method: http.MethodPost, path: "/api/v1/auth/token", h: s.login, public: true},
		{method: http.MethodGet, path: "/api/v1/openapi.json", h: s.serveSpec, public: true},
		{method: http.MethodGet, path: "/api/v1/me", h: s.me},
	}
}

// authenticate requires a valid bearer token and puts the principal in
// the context.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Request().Header.Get(echo.HeaderAuthorization)
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
			return service.ErrUnauthenticated
		}
		p, err := s.svc.Authenticate(c.Request().Context(), strings.TrimSpace(token))
		if err != nil {
			return err
		}
		rc, ok := c.(*request)
		if !ok {
			rc = &request{Context: c}
		}
		rc.principal = p
		return next(rc)
	}
}

// principal returns the caller authenticate found (the zero Principal on
// a public route).
func principal(c echo.Context) service.Principal {
	if r, ok := c.(*request); ok {
		return r.principal
	}
	return service.Principal{}
}

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

func (s *Server) login(c echo.Context) error {
	var in loginRequest
	if err := bind(c, &in); err != nil {
		return err
	}
	tok, err := s.svc.Login(c.Request().Context(), in.Username, in.Password)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return writeJSON(c, http.StatusOK, tok)
}

type meResponse struct {
	ID          string `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Role        string `json:"role"`
	OrgUnit     string `json:"org_unit"`
	OrgUnitName string `json:"org_unit_name"`
}

func (s *Server) me(c echo.Context) error {
	p := principal(c)
	out := meResponse{ID: p.AccountID.String(), Username: p.Username, DisplayName: p.DisplayName, Role: string(p.Role), OrgUnit: p.OrgUnit.String()}
	if u, ok := s.svc.Directory().Unit(p.OrgUnit); ok {
		out.OrgUnitName = u.Name
	}
	return writeJSON(c, http.StatusOK, out)
}
