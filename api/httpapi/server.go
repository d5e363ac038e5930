// Package httpapi is casework's HTTP layer (echo): routes checked against
// one OpenAPI 3.1 document, bearer authentication, problem+json errors,
// ETag/If-Match and Idempotency-Key semantics. Handlers parse, make one
// call into the application layer (api/service) and render.
package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"casework/api/service"
	"casework/api/views"
)

// maxBody bounds a request body.
const maxBody = 1 << 20

// Config configures the HTTP layer.
type Config struct {
	Logger *slog.Logger
	// Observe receives every request's route, status and duration
	// (Prometheus in the binary); nil discards.
	Observe func(method, route string, status int, d time.Duration)
	// Ready reports whether the node can serve (/readyz); nil means ready.
	Ready func() error
	// Metrics serves /metrics; nil leaves the route out.
	Metrics http.Handler
	// Views serves /api/v1/views/...; nil answers 503 there.
	Views *views.Service
	// Feed configures the live feeds (SSE); see FeedConfig.
	Feed FeedConfig
}

// Server is the HTTP API.
type Server struct {
	svc  *service.Service
	cfg  Config
	e    *echo.Echo
	spec *spec
	log  *slog.Logger
}

// route is one entry of the route table; the OpenAPI document must list
// exactly these (TestRoutes_MatchOpenAPI).
type route struct {
	method, path string
	h            echo.HandlerFunc
	public       bool // no authentication
}

// New builds the HTTP API over svc.
func New(svc *service.Service, cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	sp, err := loadSpec()
	if err != nil {
		return nil, err
	}
	s := &Server{svc: svc, cfg: cfg, e: echo.New(), spec: sp, log: cfg.Logger}
	s.e.HideBanner, s.e.HidePort = true, true
	s.e.HTTPErrorHandler = s.handleError
	s.e.Use(s.recover, s.requestID, s.observe)
	for _, r := range s.routes() {
		h := r.h
		if !r.public {
			h = s.authenticate(h)
		}
		s.e.Add(r.method, r.path, s.validate(s.spec.operation(r.method, r.path), h))
	}
	s.e.GET("/healthz", func(c echo.Context) error { return c.JSON(http.StatusOK, map[string]string{"status": "ok"}) })
	s.e.GET("/readyz", s.readyz)
	if cfg.Metrics != nil {
		s.e.GET("/metrics", echo.WrapHandler(cfg.Metrics))
	}
	return s, nil
}

// RouteInfo names one route of the API, for tests that walk them all.
type RouteInfo struct {
	Method, Path string
	Public       bool
}

// Routes lists the API's routes (echo syntax: /api/v1/cases/:id).
func (s *Server) Routes() []RouteInfo {
	var out []RouteInfo
	for _, r := range s.routes() {
		out = append(out, RouteInfo{Method: r.method, Path: r.path, Public: r.public})
	}
	return out
}

// Handler returns the server as an http.Handler.
func (s *Server) Handler() http.Handler { return s.e }

func (s *Server) routes() []route {
	var rs []route
	rs = append(rs, s.authRoutes()...)
	rs = append(rs, s.caseRoutes()...)
	rs = append(rs, s.referralRoutes()...)
	rs = append(rs, s.contractRoutes()...)
	rs = append(rs, s.stationRoutes()...)
	rs = append(rs, s.orgRoutes()...)
	rs = append(rs, s.privacyRoutes()...)
	rs = append(rs, s.auditRoutes()...)
	rs = append(rs, s.viewRoutes()...)
	rs = append(rs, s.feedRoutes()...)
	return rs
}

func (s *Server) readyz(c echo.Context) error {
	if s.cfg.Ready != nil {
		if err := s.cfg.Ready(); err != nil {
			return writeProblem(c, newProblem(c, pkUnavailable, err.Error()))
		}
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	p := problemFor(c, err)
	if p.Status >= 500 {
		s.log.Error("request failed", "method", c.Request().Method, "route", c.Path(), "request_id", p.RequestID, "err", err)
	}
	_ = writeProblem(c, p)
}

func (s *Server) recover(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				s.log.Error("panic", "method", c.Request().Method, "route", c.Path(), "panic", fmt.Sprint(r))
				err = newProblem(c, pkInternal, "")
			}
		}()
		return next(c)
	}
}

// requestID takes X-Request-ID (a printable token of at most 64
// characters) or makes one; it becomes the events' correlation id.
func (s *Server) requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Request().Header.Get(echo.HeaderXRequestID)
		if !validToken(id, 64) {
			id = uuid.NewString()
		}
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		return next(c)
	}
}

func validToken(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r > '~' {
			return false
		}
	}
	return true
}

func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		status := c.Response().Status
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		d := time.Since(start)
		if s.cfg.Observe != nil {
			s.cfg.Observe(c.Request().Method, route, status, d)
		}
		// Never the body or the query: they may carry personal data.
		// Attributes rather than key-value pairs: nothing is boxed, and
		// nothing is built when the level is off.
		s.log.LogAttrs(c.Request().Context(), slog.LevelInfo, "request", slog.String("method", c.Request().Method),
			slog.String("route", route), slog.Int("status", status), slog.Int64("ms", d.Milliseconds()),
			slog.String("request_id", c.Response().Header().Get(echo.HeaderXRequestID)))
		return nil
	}
}

// Serve serves on srv's listener l until ctx ends, then shuts down
// gracefully within grace.
func Serve(ctx context.Context, srv *http.Server, serve func() error, grace time.Duration) error {
	errc := make(chan error, 1)
	go func() { errc <- serve() }()
	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// writeJSON renders v with status.
func writeJSON(c echo.Context, status int, v any) error {
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	c.Response().WriteHeader(status)
	return encodeJSON(c.Response(), v)
}

func openAPIPath(echoPath string) string {
	parts := strings.Split(echoPath, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") {
			parts[i] = "{" + p[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}
