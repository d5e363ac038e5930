package httpapi

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"casework/api/service"
	"casework/domain"
	"casework/eventstore"
)

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	Detail    string         `json:"detail,omitempty"`
	Instance  string         `json:"instance,omitempty"`
	RequestID string         `json:"request_id,omitempty"`
	Errors    []ProblemField `json:"errors,omitempty"`
	// Revision is the current revision after a failed If-Match.
	Revision *uint64 `json:"revision,omitempty"`
}

// ProblemField names one wrong input and the rule it breaks.
type ProblemField struct {
	Field   string `json:"field"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// problemKind is a kind of problem: its type slug, status and titles.
type problemKind struct {
	slug   string
	status int
	zh, en string
}

var (
	pkValidation   = problemKind{"validation", http.StatusUnprocessableEntity, "请求内容不符合规则", "The request breaks a rule"}
	pkMalformed    = problemKind{"malformed", http.StatusBadRequest, "请求格式错误", "The request is malformed"}
	pkConflict     = problemKind{"conflict", http.StatusConflict, "与当前状态冲突", "The request conflicts with the current state"}
	pkForbidden    = problemKind{"forbidden", http.StatusForbidden, "无权执行此操作", "You may not do this"}
	pkNotFound     = problemKind{"not-found", http.StatusNotFound, "未找到", "Not found"}
	pkUnauth       = problemKind{"unauthenticated", http.StatusUnauthorized, "需要登录", "Authentication required"}
	pkLocked       = problemKind{"locked", http.StatusTooManyRequests, "登录失败次数过多，账户已暂时锁定", "Too many failed logins; the account is locked for a while"}
	pkPrecondition = problemKind{"precondition-failed", http.StatusPreconditionFailed, "记录已被修改", "The record has changed since you read it"}
	pkIdempotency  = problemKind{"idempotency-key-reused", http.StatusUnprocessableEntity, "幂等键已用于不同的请求", "The Idempotency-Key was used for a different request"}
	pkInProgress   = problemKind{"in-progress", http.StatusConflict, "相同的请求正在处理中", "The same request is being processed"}
	pkConcurrency  = problemKind{"concurrency", http.StatusConflict, "记录正被同时修改，请重试", "The record is being changed concurrently; retry"}
	pkTooLarge     = problemKind{"too-large", http.StatusRequestEntityTooLarge, "请求体过大", "The request body is too large"}
	pkMethod       = problemKind{"method-not-allowed", http.StatusMethodNotAllowed, "不支持此方法", "Method not allowed"}
	pkUnsupported  = problemKind{"unsupported-media-type", http.StatusUnsupportedMediaType, "不支持的内容类型", "Unsupported media type"}
	pkUnavailable  = problemKind{"unavailable", http.StatusServiceUnavailable, "服务暂不可用", "Service unavailable"}
	pkInternal     = problemKind{"internal", http.StatusInternalServerError, "服务器内部错误", "Internal server error"}
)

// english reports whether the caller prefers English to Chinese, the
// default.
func english(c echo.Context) bool {
	for _, part := range strings.Split(c.Request().Header.Get("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case strings.HasPrefix(tag, "zh"):
			return false
		case strings.HasPrefix(tag, "en"):
			return true
		}
	}
	return false
}

func newProblem(c echo.Context, k problemKind, detail string, fields ...ProblemField) *Problem {
	title := k.zh
	if english(c) {
		title = k.en
	}
	return &Problem{Type: "urn:casework:problem:" + k.slug, Title: title, Status: k.status, Detail: detail,
		Instance: c.Request().URL.Path, RequestID: c.Response().Header().Get(echo.HeaderXRequestID), Errors: fields}
}

func writeProblem(c echo.Context, p *Problem) error {
	if p.Status == http.StatusUnauthorized {
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="casework"`)
	}
	if p.Status == http.StatusServiceUnavailable || p.Status == http.StatusTooManyRequests {
		c.Response().Header().Set("Retry-After", "1")
	}
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json; charset=utf-8")
	c.Response().WriteHeader(p.Status)
	return encodeJSON(c.Response(), p)
}

// problemFor maps every error of the layers below to a problem: the one
// place where errors become HTTP statuses.
func problemFor(c echo.Context, err error) *Problem {
	var (
		rule  *domain.Error
		pre   *service.PreconditionError
		field *service.FieldError
		nf    *service.NotFoundError
		input *eventstore.InputError
		he    *echo.HTTPError
		prob  *Problem
	)
	switch {
	case errors.As(err, &prob):
		return prob
	case errors.As(err, &rule):
		fields := []ProblemField{}
		kind := rule.Kind
		for _, e := range domain.RuleErrors(err) {
			fields = append(fields, ProblemField{Field: e.Field, Rule: e.Rule, Message: e.Message})
			if e.Kind > kind {
				kind = e.Kind
			}
		}
		switch kind {
		case domain.KindConflict:
			return newProblem(c, pkConflict, rule.Error(), fields...)
		case domain.KindForbidden:
			return newProblem(c, pkForbidden, rule.Error(), fields...)
		}
		return newProblem(c, pkValidation, rule.Error(), fields...)
	case errors.As(err, &pre):
		p := newProblem(c, pkPrecondition, pre.Error())
		if pre.Exists {
			r := pre.Current
			p.Revision = &r
		}
		return p
	case errors.As(err, &field):
		return newProblem(c, pkValidation, field.Error(), ProblemField{Field: field.Field, Rule: field.Rule, Message: field.Message})
	case errors.As(err, &nf):
		return newProblem(c, pkNotFound, nf.Message, ProblemField{Field: nf.Field, Rule: "exists_in_scope", Message: nf.Message})
	case errors.Is(err, service.ErrNotFound):
		return newProblem(c, pkNotFound, "")
	case errors.Is(err, service.ErrUnauthenticated):
		return newProblem(c, pkUnauth, "")
	case errors.Is(err, service.ErrLocked):
		return newProblem(c, pkLocked, "")
	case errors.Is(err, service.ErrForbidden):
		return newProblem(c, pkForbidden, "")
	case errors.Is(err, service.ErrIdempotencyMismatch):
		return newProblem(c, pkIdempotency, "", ProblemField{Field: "Idempotency-Key", Rule: "idempotency_key.same_request", Message: "a key may be reused only with the same request"})
	case errors.Is(err, service.ErrInProgress):
		return newProblem(c, pkInProgress, "")
	case errors.Is(err, service.ErrConcurrency):
		return newProblem(c, pkConcurrency, "")
	case errors.Is(err, service.ErrUnavailable):
		return newProblem(c, pkUnavailable, err.Error())
	case errors.As(err, &input):
		return newProblem(c, pkValidation, input.Error(), ProblemField{Field: input.Field, Rule: input.Rule, Message: input.Message})
	case errors.As(err, &he):
		switch he.Code {
		case http.StatusNotFound:
			return newProblem(c, pkNotFound, "no such resource")
		case http.StatusMethodNotAllowed:
			return newProblem(c, pkMethod, "")
		case http.StatusRequestEntityTooLarge:
			return newProblem(c, pkTooLarge, "the body is larger than "+strconv.Itoa(maxBody)+" bytes")
		case http.StatusUnsupportedMediaType:
			return newProblem(c, pkUnsupported, "send application/json")
		case http.StatusUnauthorized:
			return newProblem(c, pkUnauth, "")
		case http.StatusServiceUnavailable:
			return newProblem(c, pkUnavailable, "")
		}
		if he.Code >= 400 && he.Code < 500 {
			return newProblem(c, problemKind{"http", he.Code, http.StatusText(he.Code), http.StatusText(he.Code)}, "")
		}
	case errors.Is(err, eventstore.ErrClosed):
		return newProblem(c, pkUnavailable, "the service is shutting down")
	}
	return newProblem(c, pkInternal, "")
}

// Error lets handlers return a ready problem as an error.
func (p *Problem) Error() string { return p.Title + ": " + p.Detail }
