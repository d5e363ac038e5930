package views

import (
	"context"
	"time"

	"casework/api/service"
	"casework/projections/audittrail"
)

// AuditQuery filters the audit trail.
type AuditQuery struct {
	Common
	Actor, Stream, Type, OrgUnit string
	From, To                     time.Time
}

// AuditTrail lists the events of streams owned in p's scope, newest first
// by default: who, when, what, why and the correlation id, never a
// sensitive value. Only auditors read it.
// Errors: service.ErrNotFound; *service.FieldError; service.ErrUnavailable.
func (v *Service) AuditTrail(ctx context.Context, p service.Principal, q AuditQuery) (Page[audittrail.Entry], error) {
	if !v.svc.ViewAccess(p, service.ViewAudit) {
		return Page[audittrail.Entry]{}, service.ErrNotFound
	}
	pos, err := v.wait(ctx, q.MinPosition, audittrail.Name)
	if err != nil {
		return Page[audittrail.Entry]{}, err
	}
	t, err := v.tables(audittrail.Name)
	if err != nil {
		return Page[audittrail.Entry]{}, err
	}
	sc, _ := v.scope(p)
	rows, total, capped, err := audittrail.List(ctx, v.run.DB().Read(), t, audittrail.Filter{Scope: sc, Actor: q.Actor, Stream: q.Stream,
		Type: q.Type, OrgUnit: q.OrgUnit, From: q.From, To: q.To, Sort: q.Sort, Page: q.Page})
	if err != nil {
		return Page[audittrail.Entry]{}, sortField(err)
	}
	return Page[audittrail.Entry]{Items: rows, Total: total, TotalCapped: capped, Limit: limitOf(q.Page), Offset: q.Page.Offset,
		Position: pos}, nil
}
