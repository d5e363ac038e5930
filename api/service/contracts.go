package service

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/contract"
	"casework/domain/org"
	"casework/domain/value"
	"casework/eventstore"
)

// contractReaders may read contracts in their scope. Agency workers and
// admins may not: they get 404 for every contract.
var contractReaders = []domain.Role{domain.RoleBureauOfficer, domain.RoleCountyManager, domain.RoleAuditor,
	domain.RoleSupervisor, domain.RoleSocialWorker, domain.RoleEvaluator}

// contractVisible reports whether p may see the contract: its bureau or one
// of its covered stations lies in p's scope. An evaluator sees the
// contracts it evaluates, those covering a station of the county (or city)
// it hangs under; the bureau alone does not make a contract visible to it.
func (s *Service) contractVisible(p Principal, st *contract.State) bool {
	if p.Role == domain.RoleSystem {
		return true
	}
	if p.Role != domain.RoleEvaluator && s.inScope(p, st.BureauUnit) {
		return true
	}
	for _, station := range st.Stations {
		if s.inScope(p, station) {
			return true
		}
	}
	return false
}

// contractAccess hides contracts the principal may not read (ErrNotFound).
// Who may change what is the domain's to decide (it answers Forbidden with
// the rule), so a write needs only visibility here.
func (s *Service) contractAccess(p Principal, st *contract.State, exists bool) error {
	if !can(p, contractReaders...) || !exists || !s.contractVisible(p, st) {
		return ErrNotFound
	}
	return nil
}

// OpenProcurement opens the procurement of a new contract stream. The
// bureau unit defaults to a bureau officer's own org unit; it and every covered
// station must be units of that kind in the principal's scope.
// Errors: ErrNotFound (a role that may not read contracts, or a unit out of
// scope: *NotFoundError), *FieldError (a malformed unit or one of another
// kind), rule errors of contract.Open (contract.open.bureau_officer_only
// for anyone but an officer of that bureau).
func (s *Service) OpenProcurement(ctx context.Context, p Principal, opts Options, in contract.OpenInput) (Result, error) {
	if !can(p, contractReaders...) {
		return Result{}, ErrNotFound
	}
	if res, ok, err := s.answered(ctx, p, opts); ok || err != nil {
		return res, err
	}
	if in.BureauUnit == "" && p.Role == domain.RoleBureauOfficer {
		in.BureauUnit = p.OrgUnit.String()
	}
	// Without a bureau the domain refuses the role with its rule.
	if in.BureauUnit != "" {
		unit, err := s.checkUnit(p, in.BureauUnit, "bureau_unit", org.KindBureau)
		if err != nil {
			return Result{}, err
		}
		in.BureauUnit = unit.String()
	}
	in.Stations = slices.Clone(in.Stations)
	for i, st := range in.Stations {
		if st == "" {
			continue // the domain names the rule
		}
		unit, err := s.checkUnit(p, st, fmt.Sprintf("stations[%d]", i), org.KindStation)
		if err != nil {
			return Result{}, err
		}
		in.Stations[i] = unit.String()
	}
	return s.idempotent(ctx, p, opts, contract.Category, newEventID(), func(id uuid.UUID) (Result, error) {
		return s.repos.contracts.execute(ctx, p, opts, command[contract.State, *contract.State]{
			id: id, create: true,
			authorize: func(*contract.State, bool) error { return nil },
			decide: func(_ *contract.State, cmd domain.Cmd) ([]domain.Payload, error) {
				return contract.Open(cmd, id, in)
			},
		})
	})
}

// canonicalID is id in canonical form when it parses as a UUID (RFC 9562
// lets clients write upper case), and id unchanged otherwise: the domain
// compares ids as the strings the service records, and refuses with its own
// rule an id that matches nothing.
func canonicalID(id string) string {
	if u, err := uuid.Parse(id); err == nil {
		return u.String()
	}
	return id
}

// contractCommand runs decide on an existing contract the principal may see.
func (s *Service) contractCommand(ctx context.Context, p Principal, opts Options, id uuid.UUID, decide func(*contract.State, domain.Cmd) ([]domain.Payload, error)) (Result, error) {
	if !can(p, contractReaders...) {
		return Result{}, ErrNotFound
	}
	return s.idempotent(ctx, p, opts, contract.Category, id, func(id uuid.UUID) (Result, error) {
		return s.repos.contracts.execute(ctx, p, opts, command[contract.State, *contract.State]{
			id: id,
			authorize: func(st *contract.State, exists bool) error {
				return s.contractAccess(p, st, exists)
			},
			decide: decide,
		})
	})
}

// AwardContract awards the contract to a contractor: contractor_unit must be
// an open org unit of kind contractor in the principal's scope. An empty
// contractor name or credit code is taken from the unit's registration; a
// credit code that differs from the registered one is refused
// (contract.award.credit_code_matches_unit, *FieldError).
// Errors: ErrNotFound, *NotFoundError, *FieldError, rule errors of
// contract.State.Award.
func (s *Service) AwardContract(ctx context.Context, p Principal, opts Options, id uuid.UUID, in contract.AwardInput) (Result, error) {
	if !can(p, contractReaders...) {
		return Result{}, ErrNotFound
	}
	if res, ok, err := s.answered(ctx, p, opts); ok || err != nil {
		return res, err
	}
	if err := s.fillContractor(p, &in); err != nil {
		return Result{}, err
	}
	return s.contractCommand(ctx, p, opts, id, func(st *contract.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.Award(c, in)
	})
}

// fillContractor checks the awarded unit against the directory and fills
// what the registration already says.
func (s *Service) fillContractor(p Principal, in *contract.AwardInput) error {
	if in.ContractorUnit == "" {
		return nil // the domain names the rule
	}
	unit, err := s.checkUnit(p, in.ContractorUnit, "contractor_unit", org.KindContractor)
	if err != nil {
		return err
	}
	in.ContractorUnit = unit.String()
	u, _ := s.dir.Unit(unit)
	if u.Closed {
		return &FieldError{Field: "contractor_unit", Rule: "org_unit.open", Message: "the contractor's org unit is closed"}
	}
	if in.ContractorName == "" {
		in.ContractorName = u.Name
	}
	if in.CreditCode == "" {
		in.CreditCode = u.CreditCode.String()
	} else if cc, err := value.ParseCreditCode(in.CreditCode); err == nil && !u.CreditCode.IsZero() && cc != u.CreditCode {
		return &FieldError{Field: "credit_code", Rule: "contract.award.credit_code_matches_unit",
			Message: "the credit code differs from the contractor's registered code " + u.CreditCode.String()}
	}
	return nil
}

// SignAgreement signs the tripartite agreement of the next cycle year. The
// parties' units and the staffed stations are recorded in canonical form.
// The township party's unit must be a county or station in a bureau
// officer's scope (for anyone else the domain refuses the role first).
// Errors: ErrNotFound (also for the township's unit: *NotFoundError),
// *FieldError (a malformed township unit, or one of another kind), rule
// errors of contract.State.Sign.
func (s *Service) SignAgreement(ctx context.Context, p Principal, opts Options, id uuid.UUID, in contract.SignInput) (Result, error) {
	if res, ok, err := s.answered(ctx, p, opts); ok || err != nil {
		return res, err
	}
	for _, party := range []*contract.Party{&in.Parties.Bureau, &in.Parties.Township, &in.Parties.Contractor} {
		party.Unit = canonicalID(party.Unit)
	}
	if p.Role == domain.RoleBureauOfficer && in.Parties.Township.Unit != "" {
		if _, err := s.checkUnit(p, in.Parties.Township.Unit, "parties.township.unit", org.KindCounty, org.KindStation); err != nil {
			return Result{}, err
		}
	}
	in.Staffing = slices.Clone(in.Staffing)
	for i := range in.Staffing {
		in.Staffing[i].Station = canonicalID(in.Staffing[i].Station)
	}
	return s.contractCommand(ctx, p, opts, id, func(st *contract.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.Sign(c, in)
	})
}

// SubmitContractReport records a report of the contractor side.
// Errors: ErrNotFound, rule errors of contract.State.SubmitReport.
func (s *Service) SubmitContractReport(ctx context.Context, p Principal, opts Options, id uuid.UUID, in contract.ReportInput) (Result, error) {
	return s.contractCommand(ctx, p, opts, id, func(st *contract.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.SubmitReport(c, in)
	})
}

// RecordContractInspection records a supervision or inspection visit, its
// station and an inspector given by id in canonical form.
// Errors: ErrNotFound, rule errors of contract.State.RecordInspection.
func (s *Service) RecordContractInspection(ctx context.Context, p Principal, opts Options, id uuid.UUID, in contract.InspectInput) (Result, error) {
	in.Station, in.Inspector = canonicalID(in.Station), canonicalID(in.Inspector)
	return s.contractCommand(ctx, p, opts, id, func(st *contract.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.RecordInspection(c, in)
	})
}

// ChangeContractStaffing records the resident workers in place at a station.
// Errors: ErrNotFound, rule errors of contract.State.ChangeStaffing
// (contract.subcontracting.prohibited for staff of another employer). The
// station, and workers' ids and employers given as UUIDs, are recorded in
// canonical form.
func (s *Service) ChangeContractStaffing(ctx context.Context, p Principal, opts Options, id uuid.UUID, in contract.StaffingInput) (Result, error) {
	in.Station = canonicalID(in.Station)
	in.Workers = slices.Clone(in.Workers)
	for i := range in.Workers {
		w := &in.Workers[i]
		w.WorkerID, w.EmployerUnit = canonicalID(w.WorkerID), canonicalID(w.EmployerUnit)
	}
	return s.contractCommand(ctx, p, opts, id, func(st *contract.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.ChangeStaffing(c, in)
	})
}

// DeclareSubcontract is a request to subcontract the service. It is always
// refused: contract.subcontracting.prohibited (409) for a contract the
// principal may see, ErrNotFound otherwise.
func (s *Service) DeclareSubcontract(ctx context.Context, p Principal, opts Options, id uuid.UUID, in contract.SubcontractInput) (Result, error) {
	return s.contractCommand(ctx, p, opts, id, func(st *contract.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.DeclareSubcontract(c, in)
	})
}

// BudgetContractFunds adds budget lines to the current cycle year.
// Errors: ErrNotFound, rule errors of contract.State.Budget.
func (s *Service) BudgetContractFunds(ctx context.Context, p Principal, opts Options, id uuid.UUID, in contract.BudgetInput) (Result, error) {
	return s.contractCommand(ctx, p, opts, id, func(st *contract.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.Budget(c, in)
	})
}

// DisburseContractFunds pays out of one budget line.
// Errors: ErrNotFound, rule errors of contract.State.Disburse
// (contract.disburse.within_line beyond the line's remaining amount).
func (s *Service) DisburseContractFunds(ctx context.Context, p Principal, opts Options, id uuid.UUID, in contract.DisburseInput) (Result, error) {
	return s.contractCommand(ctx, p, opts, id, func(st *contract.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.Disburse(c, in)
	})
}

// EvaluateContract records the third-party evaluation of a cycle year in
// the name of the principal's own org unit.
// Errors: ErrNotFound, rule errors of contract.State.Evaluate.
func (s *Service) EvaluateContract(ctx context.Context, p Principal, opts Options, id uuid.UUID, in contract.EvaluateInput) (Result, error) {
	return s.contractCommand(ctx, p, opts, id, func(st *contract.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.Evaluate(c, in)
	})
}

// RenewContract decides to sign the next cycle year after a passing
// evaluation. Errors: ErrNotFound, rule errors of contract.State.Renew
// (contract.renew.requires_passed_evaluation).
func (s *Service) RenewContract(ctx context.Context, p Principal, opts Options, id uuid.UUID, in contract.DecisionInput) (Result, error) {
	return s.contractCommand(ctx, p, opts, id, func(st *contract.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.Renew(c, in)
	})
}

// DeclineContractRenewal ends the contract without renewal.
// Errors: ErrNotFound, rule errors of contract.State.NotRenew.
func (s *Service) DeclineContractRenewal(ctx context.Context, p Principal, opts Options, id uuid.UUID, in contract.DecisionInput) (Result, error) {
	return s.contractCommand(ctx, p, opts, id, func(st *contract.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.NotRenew(c, in)
	})
}

// TerminateContract ends the contract early for breach.
// Errors: ErrNotFound, rule errors of contract.State.Terminate.
func (s *Service) TerminateContract(ctx context.Context, p Principal, opts Options, id uuid.UUID, in contract.TerminateInput) (Result, error) {
	return s.contractCommand(ctx, p, opts, id, func(st *contract.State, c domain.Cmd) ([]domain.Payload, error) {
		return st.Terminate(c, in)
	})
}

// Contract returns the contract's state now or at a past revision or time,
// with report statuses, staffing and the next deadline judged as of the
// day of ?as_of, or today for the current state or a past revision.
// Errors: ErrNotFound (absent, not visible, or a role that may not read
// contracts), *NotFoundError when the contract did not exist at that point.
func (s *Service) Contract(ctx context.Context, p Principal, id uuid.UUID, at At) (ContractView, error) {
	if !can(p, contractReaders...) {
		return ContractView{}, ErrNotFound
	}
	asOf := value.DateOf(s.now())
	if at.AsOf != nil {
		asOf = value.DateOf(*at.AsOf)
	}
	var out ContractView
	render := func(st *contract.State, version uint64) error {
		if err := s.contractAccess(p, st, version > 0); err != nil {
			return err
		}
		out = newContractView(st, version-1, asOf)
		return nil
	}
	if at.IsNow() {
		return out, s.repos.contracts.read(ctx, id, render)
	}
	// A past state is shown only if the contract is visible now.
	if err := s.repos.contracts.read(ctx, id, func(st *contract.State, v uint64) error {
		return s.contractAccess(p, st, v > 0)
	}); err != nil {
		return ContractView{}, err
	}
	st, version, err := foldAt[contract.State](ctx, s, eventstore.StreamName(contract.Category, id), at)
	if err != nil {
		return ContractView{}, err
	}
	if version == 0 {
		return ContractView{}, &NotFoundError{Field: "as_of", Message: "the contract did not exist yet at that point"}
	}
	return newContractView(st, version-1, asOf), nil
}

// ContractHistory returns a page of the contract's events: the auditor's
// replay of its lifecycle. Errors: those of Contract.
func (s *Service) ContractHistory(ctx context.Context, p Principal, id uuid.UUID, pg Page) (HistoryPage, error) {
	if _, err := s.Contract(ctx, p, id, At{}); err != nil {
		return HistoryPage{}, err
	}
	return s.history(ctx, p, eventstore.StreamName(contract.Category, id), pg)
}
