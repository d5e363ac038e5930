package service

import (
	"context"
	"slices"
	"strings"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/casefile"
	"casework/domain/org"
	"casework/domain/value"
	"casework/eventstore"
)

// caseAccess hides cases the principal may not read (ErrNotFound) and
// refuses writes by readers (ErrForbidden).
func (s *Service) caseAccess(p Principal, st *casefile.State, exists, write bool) error {
	if !can(p, caseReaders...) || !exists || !s.inScope(p, st.StationID) {
		return ErrNotFound
	}
	if write && !can(p, caseWriters...) {
		return ErrForbidden
	}
	return nil
}

// OpenCase records intake of a new case at the principal's station (or the
// station named in the input, which must be in scope), for the worker
// named (an enabled social worker of the station) or the social worker
// opening it.
// Station and worker ids are recorded in the canonical form.
// Errors: ErrNotFound (role may not see cases, or the station is out of
// scope or not a station), *FieldError or *NotFoundError naming
// station_id or worker_id, ErrForbidden, rule errors of casefile.Open.
func (s *Service) OpenCase(ctx context.Context, p Principal, opts Options, in casefile.OpenInput) (Result, error) {
	if !can(p, caseReaders...) {
		return Result{}, ErrNotFound
	}
	if !can(p, caseWriters...) {
		return Result{}, ErrForbidden
	}
	if res, ok, err := s.answered(ctx, p, opts); ok || err != nil {
		return res, err
	}
	if in.StationID == "" && p.Role != domain.RoleSystem {
		in.StationID = p.OrgUnit.String()
	}
	station, err := s.checkUnit(p, in.StationID, "station_id", org.KindStation)
	if err != nil {
		return Result{}, err
	}
	in.StationID = station.String()
	if strings.TrimSpace(in.WorkerID) != "" {
		worker, err := s.checkCaseWorker(in.WorkerID, in.StationID)
		if err != nil {
			return Result{}, err
		}
		in.WorkerID = worker.String()
	}
	// One person, one client: a resident ID number seen before (by its
	// keyed hash) links the new case to the same client and key.
	known, err := s.clientFor(ctx, in.Client.ResidentID)
	if err != nil {
		return Result{}, err
	}
	return s.idempotent(ctx, p, opts, casefile.Category, newEventID(), func(id uuid.UUID) (Result, error) {
		in := in
		in.ClientID = known
		if in.ClientID == uuid.Nil {
			in.ClientID = id
		}
		res, err := s.repos.cases.execute(ctx, p, opts, command[casefile.State, *casefile.State]{
			id: id, create: true,
			authorize: func(*casefile.State, bool) error { return nil },
			decide: func(_ *casefile.State, cmd domain.Cmd) ([]domain.Payload, error) {
				return casefile.Open(cmd, id, in)
			},
			subject: func(*casefile.State, []domain.Payload) uuid.UUID { return in.ClientID },
		})
		if err != nil {
			return res, err
		}
		if rid, perr := value.ParseResidentID(in.Client.ResidentID); perr == nil && known == uuid.Nil {
			if err := s.keys.Index(ctx, indexResidentID, rid.String(), in.ClientID); err != nil {
				s.log.Error("index the client's resident ID", "case", id, "err", err)
			}
		}
		return res, nil
	})
}

// checkUnit requires unit to be an org unit of one of kinds in p's scope,
// and returns its id: callers record id.String(), the canonical form that
// every comparison of stored ids relies on, whatever case or form unit
// was written in (spaces around it ignored, as for accounts). A malformed
// unit is a *FieldError (org_unit.format); an unknown one, or one out of
// scope, a *NotFoundError naming the field, so that the caller learns
// nothing of other subtrees; one of another kind a *FieldError
// (org_unit.kind).
func (s *Service) checkUnit(p Principal, unit, field string, kinds ...org.Kind) (uuid.UUID, error) {
	id, err := uuid.Parse(strings.TrimSpace(unit))
	if err != nil {
		return uuid.Nil, &FieldError{Field: field, Rule: "org_unit.format", Message: "must be the UUID of an org unit"}
	}
	u, ok := s.dir.Unit(id)
	if !ok || !inScopeOf(s.dir.Tree(), p, id) {
		return uuid.Nil, &NotFoundError{Field: field, Message: "no such org unit in your scope"}
	}
	if len(kinds) == 0 || slices.Contains(kinds, u.Kind) {
		return id, nil
	}
	return uuid.Nil, &FieldError{Field: field, Rule: "org_unit.kind", Message: "the org unit is a " + string(u.Kind) + ", not a " + string(kinds[0])}
}

// checkCaseWorker requires worker to be the account of an enabled social
// worker of station (whose scope, the station's subtree, holds the case),
// and returns the account's id for the case to record. A worker that is
// not a UUID is a *FieldError; any other account a *NotFoundError, both
// naming worker_id.
func (s *Service) checkCaseWorker(worker, station string) (uuid.UUID, error) {
	return s.checkMember("worker_id", worker, domain.RoleSocialWorker, station, "no such social worker at the case's station")
}

// caseCommand runs decide on an existing case the principal may write.
func (s *Service) caseCommand(ctx context.Context, p Principal, opts Options, id uuid.UUID, decide func(*casefile.State, domain.Cmd) ([]domain.Payload, error)) (Result, error) {
	if !can(p, caseReaders...) {
		return Result{}, ErrNotFound
	}
	return s.idempotent(ctx, p, opts, casefile.Category, id, func(id uuid.UUID) (Result, error) {
		return s.repos.cases.execute(ctx, p, opts, command[casefile.State, *casefile.State]{
			id: id,
			authorize: func(st *casefile.State, exists bool) error {
				return s.caseAccess(p, st, exists, true)
			},
			decide:  decide,
			subject: func(st *casefile.State, _ []domain.Payload) uuid.UUID { return st.ClientID },
		})
	})
}

// RecordHouseholdCheck records a household economic check, judged against
// the minimum-living standards the service is configured with (the input's
// standards are ignored: the client does not choose the rule).
func (s *Service) RecordHouseholdCheck(ctx context.Context, p Principal, opts Options, id uuid.UUID, in casefile.HouseholdCheckInput) (Result, error) {
	in.Standards = nil
	if s.cfg.Standards != nil {
		in.Standards = s.cfg.Standards()
	}
	return s.caseCommand(ctx, p, opts, id, func(st *casefile.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.RecordHouseholdCheck(c, in)
	})
}

// AssessNeeds records a needs assessment.
func (s *Service) AssessNeeds(ctx context.Context, p Principal, opts Options, id uuid.UUID, in casefile.AssessInput) (Result, error) {
	return s.caseCommand(ctx, p, opts, id, func(st *casefile.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.AssessNeeds(c, in)
	})
}

// DraftPlan records a service plan.
func (s *Service) DraftPlan(ctx context.Context, p Principal, opts Options, id uuid.UUID, in casefile.PlanInput) (Result, error) {
	return s.caseCommand(ctx, p, opts, id, func(st *casefile.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.DraftPlan(c, in)
	})
}

// DeliverService records a service delivered to the client; the workers
// default to the caller.
func (s *Service) DeliverService(ctx context.Context, p Principal, opts Options, id uuid.UUID, in casefile.DeliverInput) (Result, error) {
	if len(in.Workers) == 0 {
		in.Workers = []string{p.AccountID.String()}
	}
	return s.caseCommand(ctx, p, opts, id, func(st *casefile.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.DeliverService(c, in)
	})
}

// RecordFollowUp records a follow-up visit.
func (s *Service) RecordFollowUp(ctx context.Context, p Principal, opts Options, id uuid.UUID, in casefile.FollowUpInput) (Result, error) {
	return s.caseCommand(ctx, p, opts, id, func(st *casefile.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.RecordFollowUp(c, in)
	})
}

// ReviewCase records a case review.
func (s *Service) ReviewCase(ctx context.Context, p Principal, opts Options, id uuid.UUID, in casefile.ReviewInput) (Result, error) {
	return s.caseCommand(ctx, p, opts, id, func(st *casefile.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.Review(c, in)
	})
}

// RequestApproval asks a supervisor to approve the assessment, the plan or
// the closure.
func (s *Service) RequestApproval(ctx context.Context, p Principal, opts Options, id uuid.UUID, in casefile.RequestApprovalInput) (Result, error) {
	return s.caseCommand(ctx, p, opts, id, func(st *casefile.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.RequestApproval(c, in)
	})
}

// DecideApproval grants or rejects a pending approval.
func (s *Service) DecideApproval(ctx context.Context, p Principal, opts Options, id uuid.UUID, grant bool, in casefile.DecideApprovalInput) (Result, error) {
	return s.caseCommand(ctx, p, opts, id, func(st *casefile.State, c domain.Cmd) ([]domain.Payload, error) {
		if grant {
			return st.GrantApproval(c, in)
		}
		return st.RejectApproval(c, in)
	})
}

// CloseCase closes a case with an approved closure.
func (s *Service) CloseCase(ctx context.Context, p Principal, opts Options, id uuid.UUID, in casefile.CloseInput) (Result, error) {
	return s.caseCommand(ctx, p, opts, id, func(st *casefile.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.Close(c, in)
	})
}

// ReopenCase reopens a closed case.
func (s *Service) ReopenCase(ctx context.Context, p Principal, opts Options, id uuid.UUID, in casefile.ReasonInput) (Result, error) {
	return s.caseCommand(ctx, p, opts, id, func(st *casefile.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.Reopen(c, in)
	})
}

// ArchiveCase archives a closed case.
func (s *Service) ArchiveCase(ctx context.Context, p Principal, opts Options, id uuid.UUID, in casefile.ArchiveInput) (Result, error) {
	return s.caseCommand(ctx, p, opts, id, func(st *casefile.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.Archive(c, in)
	})
}

// ReassignCase hands a case to another social worker of its station,
// recording the worker's id in the canonical form. Errors: ErrNotFound
// (the case), the rule errors of casefile.State.Reassign (checked first,
// so that only a supervisor learns whether an account works there), then
// *FieldError (worker_id: not an id) or *NotFoundError (worker_id: no
// enabled social worker of the station).
func (s *Service) ReassignCase(ctx context.Context, p Principal, opts Options, id uuid.UUID, in casefile.ReassignInput) (Result, error) {
	return s.caseCommand(ctx, p, opts, id, func(st *casefile.State, c domain.Cmd) ([]domain.Payload, error) {
		if _, err := st.Reassign(c, in); err != nil {
			return nil, err
		}
		worker, err := s.checkCaseWorker(in.WorkerID, st.StationID)
		if err != nil {
			return nil, err
		}
		in := in
		in.WorkerID = worker.String()
		return st.Reassign(c, in)
	})
}

// Case returns the case's state now or at a past revision or time, with
// its revision. Errors: ErrNotFound (absent, out of scope, or a role that
// may not read cases).
func (s *Service) Case(ctx context.Context, p Principal, id uuid.UUID, at At) (CaseView, error) {
	if !can(p, caseReaders...) {
		return CaseView{}, ErrNotFound
	}
	var out CaseView
	stream := eventstore.StreamName(casefile.Category, id)
	render := func(st *casefile.State, version uint64) error {
		if err := s.caseAccess(p, st, version > 0, false); err != nil {
			return err
		}
		out = newCaseView(st, version-1)
		return nil
	}
	if at.IsNow() {
		if err := s.repos.cases.read(ctx, id, render); err != nil {
			return CaseView{}, err
		}
		return out, s.protectView(ctx, p, out.ClientID, stream, out, func(pr Protection) { out.Protection = pr })
	}
	// A past state is shown only if the case is in scope now.
	if err := s.repos.cases.read(ctx, id, func(st *casefile.State, v uint64) error {
		return s.caseAccess(p, st, v > 0, false)
	}); err != nil {
		return CaseView{}, err
	}
	st, version, err := foldAt[casefile.State](ctx, s, stream, at)
	if err != nil {
		return CaseView{}, err
	}
	if version == 0 {
		return CaseView{}, &NotFoundError{Field: "as_of", Message: "the case did not exist yet at that point"}
	}
	out = newCaseView(st, version-1)
	return out, s.protectView(ctx, p, out.ClientID, stream, out, func(pr Protection) { out.Protection = pr })
}

// CaseHistory returns a page of the case's events, their sensitive
// fields shown (and the read logged), redacted or erased as for Case.
func (s *Service) CaseHistory(ctx context.Context, p Principal, id uuid.UUID, pg Page) (HistoryPage, error) {
	if !can(p, caseReaders...) {
		return HistoryPage{}, ErrNotFound
	}
	if err := s.repos.cases.read(ctx, id, func(st *casefile.State, v uint64) error {
		return s.caseAccess(p, st, v > 0, false)
	}); err != nil {
		return HistoryPage{}, err
	}
	return s.history(ctx, p, eventstore.StreamName(casefile.Category, id), pg)
}
