package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"casework/api/service"
	"casework/domain/project"
)

// projectRoutes are community projects; they belong to the station family
// (stationRoutes lists them).
func (s *Server) projectRoutes() []route {
	post := func(path string, h echo.HandlerFunc) route { return route{method: http.MethodPost, path: path, h: h} }
	return []route{
		post("/api/v1/projects", s.proposeProject),
		{method: http.MethodGet, path: "/api/v1/projects/:id", h: s.getProject},
		{method: http.MethodGet, path: "/api/v1/projects/:id/history", h: s.projectHistory},
		post("/api/v1/projects/:id/stages", idCmd(s.svc.CompleteProjectStage)),
		post("/api/v1/projects/:id/funding", idCmd(s.svc.FundProject)),
		post("/api/v1/projects/:id/closure", idCmd(s.svc.CloseProject)),
	}
}

func (s *Server) proposeProject(c echo.Context) error {
	var in project.ProposeInput
	return runCommand(c, &in, "/api/v1/projects/{id}", func(p service.Principal, opts service.Options) (service.Result, error) {
		return s.svc.ProposeProject(c.Request().Context(), p, opts, in)
	})
}

func (s *Server) getProject(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	at, err := atParams(c)
	if err != nil {
		return err
	}
	v, err := s.svc.Project(c.Request().Context(), principal(c), id, at)
	if err != nil {
		return err
	}
	return renderState(c, v.Revision, v)
}

func (s *Server) projectHistory(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	pg, err := pageParams(c)
	if err != nil {
		return err
	}
	h, err := s.svc.ProjectHistory(c.Request().Context(), principal(c), id, pg)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, h)
}
