// Package caseload is the caseload read model: one row per case (station,
// worker, stage, domain, review and follow-up dates, pending approvals)
// and one per referral (status, sides, due date), from which the views
// count open cases per worker, station, county and city, list overdue
// reviews and follow-ups, pending approvals and pending referrals.
//
// Rows are derived with the domain's own fold (casefile.State,
// referral.State); the folded case is kept without its client and
// household, whose fields are stripped anyway.
package caseload

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"casework/domain/casefile"
	"casework/domain/referral"
	"casework/domain/value"
	"casework/eventstore"
	"casework/projections"
)

// Name is the projection's name.
const Name = "caseload"

// Def is the projection's definition.
func Def() projections.Def {
	return projections.Def{Name: Name, Version: 2, New: func(t projections.Tables) projections.Projection { return newProjection(t) }}
}

type projection struct {
	projections.Base
	cases     *projections.Cache[string, foldedCase]
	referrals *projections.Cache[string, referralRow]
	caseRows  *projections.Rows
	stateRows *projections.Rows
	refRows   *projections.Rows
}

func newProjection(t projections.Tables) *projection {
	// A folded case takes about 1.5 kB: the caches stay near 30 MB
	// however long the log.
	p := &projection{cases: projections.NewCache[string, foldedCase](16_000),
		referrals: projections.NewCache[string, referralRow](10_000)}
	p.T = t
	// An upsert rewrites a row in place, where a replace deletes it and
	// inserts it again under a new rowid.
	p.caseRows = p.NewRows(`INSERT INTO `+t.Name("cases")+` (station_id, seq, case_id, worker_id, domain, stage, active,
		opened_on, closed_on, next_review, next_follow_up, risk_level, pending, services, revision) VALUES`, 15,
		upsert("station_id, seq", "case_id", "worker_id", "domain", "stage", "active", "opened_on", "closed_on", "next_review",
			"next_follow_up", "risk_level", "pending", "services", "revision"), 256)
	p.stateRows = p.NewRows(`INSERT INTO `+t.Name("states")+` (case_id, seq, state) VALUES`, 3, upsert("case_id", "seq", "state"), 512)
	p.refRows = p.NewRows(`INSERT INTO `+t.Name("referrals")+` (referral_id, case_id, from_station, from_worker,
		to_agency, domain, priority, status, held_from, final, requested_on, due_date, changed_on) VALUES`, 13,
		upsert("referral_id", "case_id", "from_station", "from_worker", "to_agency", "domain", "priority", "status",
			"held_from", "final", "requested_on", "due_date", "changed_on"), 32)
	return p
}

func (p *projection) Schema() []string {
	c, r := p.T.Name("cases"), p.T.Name("referrals")
	// A station's cases lie together (a case never changes station), so
	// that a county's lists read few pages, in the order they were opened
	// (seq, the position of the case's first event), so that cases active
	// at the same time share pages; the open index covers the counts. The
	// folded states, read only by the fold, are kept apart.
	return []string{
		`CREATE TABLE IF NOT EXISTS ` + c + ` (
			station_id TEXT NOT NULL, seq INTEGER NOT NULL, case_id TEXT NOT NULL, worker_id TEXT NOT NULL, domain TEXT NOT NULL,
			stage TEXT NOT NULL, active INTEGER NOT NULL, opened_on TEXT NOT NULL, closed_on TEXT NOT NULL,
			next_review TEXT NOT NULL, next_follow_up TEXT NOT NULL, risk_level TEXT NOT NULL,
			pending TEXT NOT NULL, services INTEGER NOT NULL, revision INTEGER NOT NULL,
			PRIMARY KEY (station_id, seq)) WITHOUT ROWID`,
		`CREATE INDEX IF NOT EXISTS ` + c + `_open ON ` + c + ` (station_id, active, worker_id, stage, domain, next_review, next_follow_up, pending)`,
		`CREATE INDEX IF NOT EXISTS ` + c + `_worker ON ` + c + ` (worker_id, active)`,
		`CREATE TABLE IF NOT EXISTS ` + p.T.Name("states") + ` (case_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, state BLOB NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS ` + r + ` (
			referral_id TEXT PRIMARY KEY, case_id TEXT NOT NULL, from_station TEXT NOT NULL, from_worker TEXT NOT NULL,
			to_agency TEXT NOT NULL, domain TEXT NOT NULL, priority TEXT NOT NULL, status TEXT NOT NULL,
			held_from TEXT NOT NULL, final INTEGER NOT NULL, requested_on TEXT NOT NULL, due_date TEXT NOT NULL,
			changed_on TEXT NOT NULL)`,
		`CREATE INDEX IF NOT EXISTS ` + r + `_station ON ` + r + ` (from_station, final)`,
	}
}

// referralRow is what the view keeps of a referral: the columns, and the
// status the domain's fold needs to apply the next transition.
type referralRow struct {
	ID, CaseID, FromStation, FromWorker, ToAgency, Domain, Priority string
	Status, HeldFrom                                                referral.Status
	RequestedOn, DueDate, ChangedOn                                 value.Date
}

func (p *projection) Apply(ev *projections.Event) error {
	switch eventstore.Category(ev.Stream) {
	case casefile.Category:
		return p.applyCase(ev)
	case referral.Category:
		return p.applyReferral(ev)
	}
	return nil
}

func (p *projection) applyCase(ev *projections.Event) error {
	de, err := ev.Domain()
	if err != nil {
		return err
	}
	fc, err := p.caseState(ev)
	if err != nil {
		return err
	}
	st := &fc.State
	st.Apply(de)
	// Not needed by any view, and personal even when stripped.
	st.Client, st.Household, st.Eligibility = casefile.Client{}, casefile.Household{}, casefile.Eligibility{}
	p.cases.Put(ev.Stream, fc)
	return nil
}

// foldedCase is a case folded, and the position of its first event.
type foldedCase struct {
	Seq   uint64
	State casefile.State
}

// caseState returns the folded case of ev's stream; a case not stored yet
// starts at ev.
func (p *projection) caseState(ev *projections.Event) (*foldedCase, error) {
	if fc, ok := p.cases.Get(ev.Stream); ok {
		return fc, nil
	}
	fc := &foldedCase{Seq: ev.Position}
	var blob []byte
	err := p.QueryRow(`SELECT seq, state FROM `+p.T.Name("states")+` WHERE case_id = ?`, streamID(ev.Stream)).Scan(&fc.Seq, &blob)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fc, nil
	case err != nil:
		return nil, err
	}
	if err := json.Unmarshal(blob, &storedCase{State: &fc.State}); err != nil {
		return nil, fmt.Errorf("stored state of %s: %w", ev.Stream, err)
	}
	return fc, nil
}

// storedCase is the folded case as the read model keeps it: the client,
// household and eligibility (whose personal values are stripped anyway)
// are left out altogether, shadowed by these always-nil fields.
type storedCase struct {
	*casefile.State
	Client      *struct{} `json:",omitempty"`
	Household   *struct{} `json:",omitempty"`
	Eligibility *struct{} `json:",omitempty"`
}

func (p *projection) applyReferral(ev *projections.Event) error {
	de, err := ev.Domain()
	if err != nil {
		return err
	}
	row, err := p.referralRow(ev.Stream)
	if err != nil {
		return err
	}
	// The domain's fold decides the status; the row keeps what it needs.
	st := referral.State{Exists: row.ID != "", Status: row.Status, HeldFrom: row.HeldFrom}
	st.Apply(de)
	if req, ok := de.Payload.(referral.Requested); ok {
		row = &referralRow{ID: req.ReferralID.String(), CaseID: req.CaseID.String(), FromStation: req.From.StationID,
			FromWorker: req.From.WorkerID, ToAgency: req.To.AgencyID, Domain: string(req.ServiceDomain),
			Priority: string(req.Priority), DueDate: req.DueDate, RequestedOn: value.DateOf(ev.Metadata.OccurredAt)}
	}
	if row.ID == "" {
		return nil
	}
	row.Status, row.HeldFrom = st.Status, st.HeldFrom
	row.ChangedOn = value.DateOf(ev.Metadata.OccurredAt)
	p.referrals.Put(ev.Stream, row)
	return nil
}

func (p *projection) referralRow(stream string) (*referralRow, error) {
	if r, ok := p.referrals.Get(stream); ok {
		c := *r
		return &c, nil
	}
	r := &referralRow{}
	var req, due, changed string
	err := p.QueryRow(`SELECT referral_id, case_id, from_station, from_worker, to_agency, domain, priority, status, held_from, requested_on, due_date, changed_on FROM `+
		p.T.Name("referrals")+` WHERE referral_id = ?`, streamID(stream)).
		Scan(&r.ID, &r.CaseID, &r.FromStation, &r.FromWorker, &r.ToAgency, &r.Domain, &r.Priority, &r.Status, &r.HeldFrom, &req, &due, &changed)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return r, nil
	case err != nil:
		return nil, err
	}
	r.RequestedOn, r.DueDate, r.ChangedOn = parseDate(req), parseDate(due), parseDate(changed)
	return r, nil
}

func (p *projection) Flush() error {
	// A shadow build writes a folded state when the cache drops it, and
	// the rest at the swap: a case is written about once, however many
	// batches change it.
	all := !p.Shadow()
	if err := p.flushCases(all); err != nil {
		return err
	}
	return p.flushReferrals(all)
}

func (p *projection) flushCases(all bool) error {
	write := func(stream string, fc *foldedCase) error {
		st := &fc.State
		if !st.Exists {
			return nil
		}
		blob, err := json.Marshal(storedCase{State: st})
		if err != nil {
			return err
		}
		id := streamID(stream)
		if err := p.stateRows.Add(nil, id, fc.Seq, blob); err != nil {
			return err
		}
		return p.caseRows.Add(nil, st.StationID, fc.Seq, id, st.WorkerID, string(st.Domain), st.Stage(), st.Active(),
			st.OpenedOn.String(), st.ClosedOn.String(), st.NextReviewDate.String(), st.NextFollowUp.String(),
			st.RiskLevel, pending(st), st.ServicesDelivered, st.Version-1)
	}
	if err := p.cases.Write(all, write); err != nil {
		return err
	}
	if err := p.caseRows.Flush(); err != nil {
		return err
	}
	return p.stateRows.Flush()
}

func (p *projection) flushReferrals(all bool) error {
	write := func(_ string, r *referralRow) error {
		return p.refRows.Add(nil, r.ID, r.CaseID, r.FromStation, r.FromWorker, r.ToAgency, r.Domain, r.Priority, string(r.Status),
			string(r.HeldFrom), r.Status.Final(), r.RequestedOn.String(), r.DueDate.String(), r.ChangedOn.String())
	}
	if err := p.referrals.Write(all, write); err != nil {
		return err
	}
	return p.refRows.Flush()
}

func (p *projection) Reset() {
	p.cases.Reset()
	p.referrals.Reset()
	p.caseRows.Reset()
	p.stateRows.Reset()
	p.refRows.Reset()
}

// pending lists the subjects awaiting a supervisor's decision.
func pending(st *casefile.State) string {
	var out []string
	for _, s := range []string{casefile.SubjectAssessment, casefile.SubjectPlan, casefile.SubjectClosure} {
		if st.Approval(s).Status == casefile.StatusPending {
			out = append(out, s)
		}
	}
	return strings.Join(out, ",")
}

// upsert is the conflict clause that sets every column but the key.
func upsert(key string, cols ...string) string {
	set := make([]string, len(cols))
	for i, c := range cols {
		set[i] = c + " = excluded." + c
	}
	return "ON CONFLICT (" + key + ") DO UPDATE SET " + strings.Join(set, ", ")
}

func streamID(stream string) string {
	_, id, _ := strings.Cut(stream, "-")
	return id
}

func parseDate(s string) value.Date {
	d, _ := value.ParseDate(s)
	return d
}
