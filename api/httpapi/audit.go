package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"casework/api/service"
)

func (s *Server) auditRoutes() []route {
	return []route{
		{method: http.MethodGet, path: "/api/v1/audit/streams/:stream/replay", h: s.replayStream},
		{method: http.MethodGet, path: "/api/v1/audit/verify", h: s.verifyStreams},
	}
}

// replayStream serves a record's stream step by step, each event with the
// state after it, up to ?to_revision= or ?as_of=, paged with ?from= and
// ?limit=.
func (s *Server) replayStream(c echo.Context) error {
	var o service.ReplayOptions
	if r := c.QueryParam("to_revision"); r != "" {
		n, err := strconv.ParseUint(r, 10, 64)
		if err != nil {
			return newProblem(c, pkValidation, "to_revision must be a whole number",
				ProblemField{Field: "to_revision", Rule: "to_revision.format", Message: "a whole number from 0"})
		}
		o.At.Revision = &n
	}
	if a := c.QueryParam("as_of"); a != "" {
		t, err := time.Parse(time.RFC3339Nano, a)
		if err != nil {
			return newProblem(c, pkValidation, "as_of must be an RFC 3339 time",
				ProblemField{Field: "as_of", Rule: "as_of.format", Message: "an RFC 3339 time such as 2026-03-31T00:00:00Z"})
		}
		o.At.AsOf = &t
	}
	pg, err := pageParams(c)
	if err != nil {
		return err
	}
	o.From, o.Limit = pg.From, pg.Limit
	r, err := s.svc.ReplayStream(c.Request().Context(), principal(c), c.Param("stream"), o)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, r)
}

// verifyStreams verifies the hash chains of every stream in the caller's
// scope, or of ?stream= alone. Tampering is a finding, answered 200 with
// ok false.
func (s *Server) verifyStreams(c echo.Context) error {
	rep, err := s.svc.VerifyStreams(c.Request().Context(), principal(c), c.QueryParam("stream"))
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, rep)
}
