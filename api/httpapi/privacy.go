package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"casework/api/service"
)

// privacyRoutes are the clients' personal-information controls: lookup by
// resident ID number at intake, forgetting (two admins), and the auditor's
// log of reads of sensitive fields.
func (s *Server) privacyRoutes() []route {
	post := func(path string, h echo.HandlerFunc) route { return route{method: http.MethodPost, path: path, h: h} }
	get := func(path string, h echo.HandlerFunc) route { return route{method: http.MethodGet, path: path, h: h} }
	return []route{
		post("/api/v1/clients/lookup", s.lookupClients),
		get("/api/v1/clients/:id", s.getClient),
		post("/api/v1/clients/:id/forget-requests", idCmd(s.svc.RequestForget)),
		post("/api/v1/clients/:id/forget-requests/approve", idCmd(s.svc.ApproveForget)),
		post("/api/v1/clients/:id/forget-requests/reject", idCmd(s.svc.RejectForget)),
		get("/api/v1/audit/access-log", s.accessLog),
	}
}

// lookupRequest carries the number in the body, never in the URL, so
// that it reaches no access log of a proxy.
type lookupRequest struct {
	ResidentID string `json:"resident_id"`
}

type lookupResponse struct {
	Clients []service.ClientMatch `json:"clients"`
}

func (s *Server) lookupClients(c echo.Context) error {
	var in lookupRequest
	if err := bind(c, &in); err != nil {
		return err
	}
	ms, err := s.svc.FindClients(c.Request().Context(), principal(c), in.ResidentID)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, lookupResponse{Clients: ms})
}

func (s *Server) getClient(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	v, err := s.svc.Client(c.Request().Context(), principal(c), id)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etag(v.ETagRevision()))
	return writeJSON(c, http.StatusOK, v)
}

func (s *Server) accessLog(c echo.Context) error {
	var q service.AccessQuery
	var err error
	if v := c.QueryParam("client_id"); v != "" {
		if q.Client, err = uuid.Parse(v); err != nil {
			return &service.FieldError{Field: "client_id", Rule: "query.uuid", Message: "must be a UUID"}
		}
	}
	q.Actor = c.QueryParam("actor")
	for name, t := range map[string]*time.Time{"from": &q.From, "to": &q.To} {
		if v := c.QueryParam(name); v != "" {
			if *t, err = time.Parse(time.RFC3339, v); err != nil {
				return &service.FieldError{Field: name, Rule: "query.rfc3339", Message: "must be an RFC 3339 time"}
			}
		}
	}
	if v := c.QueryParam("after"); v != "" {
		if q.After, err = strconv.ParseUint(v, 10, 64); err != nil {
			return &service.FieldError{Field: "after", Rule: "query.position", Message: "must be a global position (a non-negative integer)"}
		}
	}
	if v := c.QueryParam("limit"); v != "" {
		if q.Limit, err = strconv.Atoi(v); err != nil || q.Limit < 1 || q.Limit > 1000 {
			return &service.FieldError{Field: "limit", Rule: "query.limit", Message: "must be between 1 and 1000"}
		}
	}
	page, err := s.svc.AccessLog(c.Request().Context(), principal(c), q)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, page)
}
