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
		{method: http.MethodGet, path: "/api/v1/projects/:id", h: getState(s.svc.Project)},
		{method: http.MethodGet, path: "/api/v1/projects/:id/history", h: getHistory(s.svc.ProjectHistory)},
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
