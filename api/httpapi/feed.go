package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"casework/api/service"
	"casework/domain/referral"
)

// FeedConfig configures the live feeds (Server-Sent Events). Zero fields
// take the defaults.
type FeedConfig struct {
	// Heartbeat is the longest silence before a comment line keeps the
	// connection (and proxies) alive (15s).
	Heartbeat time.Duration
	// Buffer bounds the events queued for one connection (zero: the
	// service's default, 256); a client that falls that far behind is
	// closed with reason slow_consumer.
	Buffer int
	// WriteTimeout bounds one write to a client (10s); a client that
	// stops reading is closed.
	WriteTimeout time.Duration
}

func (c FeedConfig) withDefaults() FeedConfig {
	if c.Heartbeat <= 0 {
		c.Heartbeat = 15 * time.Second
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = 10 * time.Second
	}
	return c
}

func (s *Server) feedRoutes() []route {
	return []route{
		{method: http.MethodGet, path: "/api/v1/feed/referrals", h: s.referralFeed},
		{method: http.MethodGet, path: "/api/v1/feed", h: s.eventFeed},
	}
}

func (s *Server) referralFeed(c echo.Context) error {
	return s.serveFeed(c, service.FeedRequest{Categories: []string{referral.Category}})
}

func (s *Server) eventFeed(c echo.Context) error {
	return s.serveFeed(c, service.FeedRequest{Categories: listParam(c, "categories"), Types: listParam(c, "types")})
}

// listParam splits a comma-separated (or repeated) query parameter.
func listParam(c echo.Context, name string) []string {
	var out []string
	for _, v := range c.QueryParams()[name] {
		for _, x := range strings.Split(v, ",") {
			if x = strings.TrimSpace(x); x != "" {
				out = append(out, x)
			}
		}
	}
	return out
}

// lastEventID reads where to resume: the Last-Event-ID header an SSE
// client sends on reconnecting, or the last_event_id query parameter.
func lastEventID(c echo.Context) (uint64, error) {
	v := c.Request().Header.Get("Last-Event-ID")
	field := "Last-Event-ID"
	if v == "" {
		v, field = c.QueryParam("last_event_id"), "last_event_id"
	}
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return 0, &service.FieldError{Field: field, Rule: "feed.last_event_id.position", Message: "must be the position (SSE id) of an event"}
	}
	return n, nil
}

// serveFeed streams a live feed as Server-Sent Events: the id of each
// event is its global position, the data its JSON (service.FeedEvent).
// Comment lines are heartbeats. When the server ends the feed it sends an
// event named "close" whose data gives the reason (slow_consumer,
// shutdown, revoked, token_expired, error) and the last event id sent
// before closing the connection.
func (s *Server) serveFeed(c echo.Context, req service.FeedRequest) error {
	cfg := s.cfg.Feed.withDefaults()
	after, err := lastEventID(c)
	if err != nil {
		return err
	}
	req.After, req.Buffer = after, cfg.Buffer
	ctx := c.Request().Context()
	f, err := s.svc.Feed(ctx, principal(c), req)
	if err != nil {
		return err
	}
	defer f.Close()

	w := c.Response()
	w.Header().Set(echo.HeaderContentType, "text/event-stream; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w.Writer)
	write := func(b []byte) error {
		_ = rc.SetWriteDeadline(time.Now().Add(cfg.WriteTimeout))
		if _, err := w.Write(b); err != nil {
			return err
		}
		return rc.Flush()
	}
	if err := write([]byte(": casework live feed\nretry: 2000\n\n")); err != nil {
		return nil
	}
	var buf bytes.Buffer
	frame := func(ev service.FeedEvent) {
		buf.WriteString("id: ")
		buf.WriteString(strconv.FormatUint(ev.Position, 10))
		buf.WriteString("\ndata: ")
		buf.Write(ev.JSON)
		buf.WriteString("\n\n")
	}
	last := after
	for {
		ev, err := f.Next(ctx, cfg.Heartbeat)
		buf.Reset()
		switch {
		case errors.Is(err, service.ErrFeedIdle):
			buf.WriteString(": heartbeat\n\n")
		case err != nil:
			if ctx.Err() != nil {
				return nil
			}
			reason := closeReason(err)
			if reason == "error" {
				s.log.Error("live feed failed", "route", c.Path(), "err", err)
			}
			b, _ := json.Marshal(map[string]any{"reason": reason, "detail": err.Error(), "last_event_id": last})
			buf.WriteString("event: close\ndata: ")
			buf.Write(b)
			buf.WriteString("\n\n")
			_ = write(buf.Bytes())
			return nil
		default:
			frame(ev)
			last = ev.Position
			// What is queued goes in the same write and flush.
			for range maxBatch {
				ev, ok := f.TryNext()
				if !ok {
					break
				}
				frame(ev)
				last = ev.Position
			}
		}
		if err := write(buf.Bytes()); err != nil {
			return nil
		}
	}
}

// maxBatch bounds the queued events sent in one write.
const maxBatch = 64

func closeReason(err error) string {
	switch {
	case errors.Is(err, service.ErrFeedExpired):
		return "token_expired"
	case errors.Is(err, service.ErrSlowConsumer):
		return "slow_consumer"
	case errors.Is(err, service.ErrFeedClosed):
		return "shutdown"
	case errors.Is(err, service.ErrFeedRevoked):
		return "revoked"
	}
	return "error"
}
