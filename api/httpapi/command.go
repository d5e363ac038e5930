package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"casework/api/service"
)

// Response headers of a command.
const (
	// HeaderPosition carries the global position of the command's last
	// event, for read-your-writes on views.
	HeaderPosition = "Casework-Position"
	// HeaderReplayed is "true" when the answer is the stored answer to an
	// earlier request with the same Idempotency-Key.
	HeaderReplayed = "Idempotency-Replayed"
)

// options reads the command options from the request: If-Match,
// Idempotency-Key, the request id (correlation) and a hash of the request
// for idempotency.
func options(c echo.Context) (service.Options, error) {
	req := c.Request()
	opts := service.Options{CorrelationID: c.Response().Header().Get(echo.HeaderXRequestID)}
	if im := strings.TrimSpace(req.Header.Get("If-Match")); im != "" && im != "*" {
		rev, ok := parseETag(im)
		if !ok {
			return opts, newProblem(c, pkValidation, "If-Match must be an ETag this API returned",
				ProblemField{Field: "If-Match", Rule: "if_match.format", Message: `expected a quoted revision such as "3"`})
		}
		opts.IfMatch = &rev
	}
	if key := req.Header.Get("Idempotency-Key"); key != "" {
		if !validToken(key, service.MaxIdempotencyKey) {
			return opts, newProblem(c, pkValidation, "Idempotency-Key must be 1–200 printable ASCII characters",
				ProblemField{Field: "Idempotency-Key", Rule: "idempotency_key.format", Message: "1–200 printable ASCII characters"})
		}
		body := bodyOf(c)
		h := sha256.New()
		h.Write([]byte(req.Method + " " + req.URL.Path + "\n"))
		h.Write(body)
		opts.IdempotencyKey = key
		opts.RequestHash = hex.EncodeToString(h.Sum(nil))
	}
	return opts, nil
}

func parseETag(s string) (uint64, bool) {
	s = strings.TrimPrefix(s, "W/")
	s = strings.Trim(s, `"`)
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

func etag(rev uint64) string { return `"` + strconv.FormatUint(rev, 10) + `"` }

// commandResponse is the body of every command's answer.
type commandResponse struct {
	ID       uuid.UUID `json:"id"`
	Revision uint64    `json:"revision"`
	Position uint64    `json:"position"`
	Events   int       `json:"events"`
}

// runCommand binds the body into in, runs the command and renders its
// result: 201 with Location for a create (location non-empty), else 200.
func runCommand[I any](c echo.Context, in *I, location string, run func(p service.Principal, opts service.Options) (service.Result, error)) error {
	if err := bind(c, in); err != nil {
		return err
	}
	opts, err := options(c)
	if err != nil {
		return err
	}
	if r := c.Request().Header.Get("X-Reason"); r != "" {
		opts.Reason = r
	}
	res, err := run(principal(c), opts)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("ETag", etag(res.Revision))
	h.Set(HeaderPosition, strconv.FormatUint(res.Position, 10))
	if res.Replayed {
		h.Set(HeaderReplayed, "true")
	}
	status := http.StatusOK
	if location != "" {
		h.Set(echo.HeaderLocation, strings.ReplaceAll(location, "{id}", res.ID.String()))
		status = http.StatusCreated
	}
	body := commandResponse{ID: res.ID, Revision: res.Revision, Position: res.Position, Events: res.Events}.appendJSON(make([]byte, 0, 128))
	return c.Blob(status, echo.MIMEApplicationJSON, body)
}

// appendJSON appends r as writeJSON encodes it (newline included),
// written directly: every command answers with it.
func (r commandResponse) appendJSON(b []byte) []byte {
	b = append(b, `{"id":"`...)
	b = append(b, r.ID.String()...)
	b = append(b, `","revision":`...)
	b = strconv.AppendUint(b, r.Revision, 10)
	b = append(b, `,"position":`...)
	b = strconv.AppendUint(b, r.Position, 10)
	b = append(b, `,"events":`...)
	b = strconv.AppendInt(b, int64(r.Events), 10)
	return append(b, "}\n"...)
}

// idCmd adapts a service command on the record named by :id to a
// handler.
func idCmd[I any](f func(ctx context.Context, p service.Principal, opts service.Options, id uuid.UUID, in I) (service.Result, error)) echo.HandlerFunc {
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

// idParam parses the path parameter name as a UUID; a malformed one is a
// resource that cannot exist.
func idParam(c echo.Context, name string) (uuid.UUID, error) {
	id, err := uuid.Parse(c.Param(name))
	if err != nil {
		return uuid.Nil, service.ErrNotFound
	}
	return id, nil
}

// atParams reads ?revision=N or ?as_of=<RFC 3339> for time travel.
func atParams(c echo.Context) (service.At, error) {
	var at service.At
	if r := c.QueryParam("revision"); r != "" {
		n, err := strconv.ParseUint(r, 10, 64)
		if err != nil {
			return at, newProblem(c, pkValidation, "revision must be a whole number",
				ProblemField{Field: "revision", Rule: "revision.format", Message: "a whole number from 0"})
		}
		at.Revision = &n
	}
	if a := c.QueryParam("as_of"); a != "" {
		t, err := time.Parse(time.RFC3339Nano, a)
		if err != nil {
			return at, newProblem(c, pkValidation, "as_of must be an RFC 3339 time",
				ProblemField{Field: "as_of", Rule: "as_of.format", Message: "an RFC 3339 time such as 2026-03-31T00:00:00Z"})
		}
		at.AsOf = &t
	}
	if at.Revision != nil && at.AsOf != nil {
		return at, newProblem(c, pkValidation, "give revision or as_of, not both",
			ProblemField{Field: "as_of", Rule: "time_travel.one_of", Message: "give revision or as_of, not both"})
	}
	return at, nil
}

// pageParams reads ?from=N&limit=M for history pages.
func pageParams(c echo.Context) (service.Page, error) {
	var pg service.Page
	if f := c.QueryParam("from"); f != "" {
		n, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			return pg, newProblem(c, pkValidation, "from must be a whole number", ProblemField{Field: "from", Rule: "from.format", Message: "a whole number from 0"})
		}
		pg.From = n
	}
	if l := c.QueryParam("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 1000 {
			return pg, newProblem(c, pkValidation, "limit must be 1 to 1000", ProblemField{Field: "limit", Rule: "limit.range", Message: "1 to 1000"})
		}
		pg.Limit = n
	}
	return pg, nil
}

// renderState renders a state with its revision as the ETag.
func renderState(c echo.Context, rev uint64, v any) error {
	c.Response().Header().Set("ETag", etag(rev))
	return writeJSON(c, http.StatusOK, v)
}

// stateReader reads a record's state now or at a past revision or time.
type stateReader[V interface{ ETagRevision() uint64 }] func(ctx context.Context, p service.Principal, id uuid.UUID, at service.At) (V, error)

// historyReader reads a page of a record's events.
type historyReader func(ctx context.Context, p service.Principal, id uuid.UUID, pg service.Page) (service.HistoryPage, error)

// getState serves GET /…/:id with ?revision= / ?as_of= time travel, the
// record's revision as the ETag.
func getState[V interface{ ETagRevision() uint64 }](read stateReader[V]) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		at, err := atParams(c)
		if err != nil {
			return err
		}
		v, err := read(c.Request().Context(), principal(c), id, at)
		if err != nil {
			return err
		}
		return renderState(c, v.ETagRevision(), v)
	}
}

// getHistory serves GET /…/:id/history, paged with ?from= and ?limit=.
func getHistory(read historyReader) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		pg, err := pageParams(c)
		if err != nil {
			return err
		}
		h, err := read(c.Request().Context(), principal(c), id, pg)
		if err != nil {
			return err
		}
		return writeJSON(c, http.StatusOK, h)
	}
}
