package caseload

import (
	"context"
	"database/sql"
	"strings"

	"casework/domain/value"
	"casework/projections"
	"casework/projections/viewq"
)

// CaseFilter selects cases. Scope restricts stations; the other fields
// narrow further when set.
type CaseFilter struct {
	Scope     viewq.Scope
	StationID string
	WorkerID  string
	Stage     string
	Domain    string
	// Overdue is "review", "follow_up" or "any": open cases whose next
	// review or follow-up date is before AsOf (casefile.State.ReviewOverdue).
	Overdue string
	// PendingApproval keeps cases with an approval awaiting a decision.
	PendingApproval bool
	// Closed includes closed and archived cases.
	Closed bool
	AsOf   value.Date
	Sort   string
	Page   viewq.Page
}

// CaseRow is one case of the caseload.
type CaseRow struct {
	CaseID        string `json:"case_id"`
	StationID     string `json:"station_id"`
	WorkerID      string `json:"worker_id"`
	Domain        string `json:"domain"`
	Stage         string `json:"stage"`
	Active        bool   `json:"active"`
	OpenedOn      string `json:"opened_on"`
	ClosedOn      string `json:"closed_on,omitempty"`
	NextReview    string `json:"next_review,omitempty"`
	NextFollowUp  string `json:"next_follow_up,omitempty"`
	RiskLevel     string `json:"risk_level,omitempty"`
	Pending       string `json:"pending_approvals,omitempty"`
	Services      int    `json:"services"`
	Revision      uint64 `json:"revision"`
	ReviewOverdue bool   `json:"review_overdue"`
	FollowOverdue bool   `json:"follow_up_overdue"`
}

var caseSorts = map[string]string{
	"opened_on": "opened_on", "next_review": "next_review", "next_follow_up": "next_follow_up",
	"stage": "stage", "domain": "domain", "station_id": "station_id", "worker_id": "worker_id", "services": "services",
}

func (f CaseFilter) where() viewq.Where {
	var w viewq.Where
	c, args := f.Scope.Clause("station_id")
	w.Add(c, args...)
	if !f.Closed {
		w.Add("active = 1")
	}
	for col, v := range map[string]string{"station_id": f.StationID, "worker_id": f.WorkerID, "stage": f.Stage, "domain": f.Domain} {
		if v != "" {
			w.Add(col+" = ?", v)
		}
	}
	asOf := f.AsOf.String()
	switch f.Overdue {
	case "review":
		w.Add("active = 1 AND next_review <> '' AND next_review < ?", asOf)
	case "follow_up":
		w.Add("active = 1 AND next_follow_up <> '' AND next_follow_up < ?", asOf)
	case "any":
		w.Add("active = 1 AND ((next_review <> '' AND next_review < ?) OR (next_follow_up <> '' AND next_follow_up < ?))", asOf, asOf)
	}
	if f.PendingApproval {
		w.Add("pending <> ''")
	}
	return w
}

// Cases lists the cases f selects, one page, and how many there are.
// Errors: *viewq.SortError; database errors.
func Cases(ctx context.Context, db *sql.DB, t projections.Tables, f CaseFilter) ([]CaseRow, int, error) {
	order, err := viewq.OrderBy(f.Sort, caseSorts, "opened_on", "case_id")
	if err != nil {
		return nil, 0, err
	}
	w := f.where()
	var total int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM `+t.Name("cases")+w.SQL(), w.Args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	lim, largs := f.Page.Clause()
	rows, err := db.QueryContext(ctx, `SELECT case_id, station_id, worker_id, domain, stage, active, opened_on, closed_on,
		next_review, next_follow_up, risk_level, pending, services, revision FROM `+t.Name("cases")+w.SQL()+order+lim,
		append(w.Args, largs...)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	asOf := f.AsOf.String()
	out := []CaseRow{}
	for rows.Next() {
		var r CaseRow
		if err := rows.Scan(&r.CaseID, &r.StationID, &r.WorkerID, &r.Domain, &r.Stage, &r.Active, &r.OpenedOn, &r.ClosedOn,
			&r.NextReview, &r.NextFollowUp, &r.RiskLevel, &r.Pending, &r.Services, &r.Revision); err != nil {
			return nil, 0, err
		}
		r.ReviewOverdue = r.Active && r.NextReview != "" && r.NextReview < asOf
		r.FollowOverdue = r.Active && r.NextFollowUp != "" && r.NextFollowUp < asOf
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// Count is the open cases of one station, worker, stage and domain.
type Count struct {
	StationID        string
	WorkerID         string
	Stage            string
	Domain           string
	Open             int
	OverdueReviews   int
	OverdueFollowUps int
	PendingApprovals int
}

// Counts counts the open cases f selects (Overdue and PendingApproval
// ignored) by station, worker, stage and domain; the caller rolls them up.
// Errors: database errors.
func Counts(ctx context.Context, db *sql.DB, t projections.Tables, f CaseFilter) ([]Count, error) {
	f.Overdue, f.PendingApproval, f.Closed = "", false, false
	w := f.where()
	asOf := f.AsOf.String()
	rows, err := db.QueryContext(ctx, `SELECT station_id, worker_id, stage, domain, count(*),
		sum(next_review <> '' AND next_review < ?), sum(next_follow_up <> '' AND next_follow_up < ?), sum(pending <> '')
		FROM `+t.Name("cases")+w.SQL()+` GROUP BY station_id, worker_id, stage, domain`, append([]any{asOf, asOf}, w.Args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Count
	for rows.Next() {
		var c Count
		if err := rows.Scan(&c.StationID, &c.WorkerID, &c.Stage, &c.Domain, &c.Open, &c.OverdueReviews, &c.OverdueFollowUps, &c.PendingApprovals); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ReferralFilter selects pending referrals: open (not final) ones that
// were not accepted within NotAcceptedDays, or are past their due date.
type ReferralFilter struct {
	// Scope restricts the referring station; Agency, if set, instead
	// selects referrals addressed to that agency (its workers' view).
	Scope  viewq.Scope
	Agency string
	// NotAcceptedDays: still requested this many days after the request
	// (default 3).
	NotAcceptedDays int
	// Reason narrows to "not_accepted" or "past_due"; empty means either.
	Reason string
	AsOf   value.Date
	Sort   string
	Page   viewq.Page
}

// ReferralRow is one pending referral.
type ReferralRow struct {
	ReferralID  string `json:"referral_id"`
	CaseID      string `json:"case_id,omitempty"`
	FromStation string `json:"from_station"`
	FromWorker  string `json:"from_worker"`
	ToAgency    string `json:"to_agency"`
	Domain      string `json:"domain"`
	Priority    string `json:"priority"`
	Status      string `json:"status"`
	RequestedOn string `json:"requested_on"`
	DueDate     string `json:"due_date,omitempty"`
	NotAccepted bool   `json:"not_accepted"`
	PastDue     bool   `json:"past_due"`
}

var referralSorts = map[string]string{"requested_on": "requested_on", "due_date": "due_date", "priority": "priority", "status": "status"}

// PendingReferrals lists the pending referrals f selects, one page, and
// how many there are. Errors: *viewq.SortError; database errors.
func PendingReferrals(ctx context.Context, db *sql.DB, t projections.Tables, f ReferralFilter) ([]ReferralRow, int, error) {
	order, err := viewq.OrderBy(f.Sort, referralSorts, "requested_on", "referral_id")
	if err != nil {
		return nil, 0, err
	}
	if f.NotAcceptedDays <= 0 {
		f.NotAcceptedDays = 3
	}
	asOf := f.AsOf.String()
	cutoff := f.AsOf.AddDays(-f.NotAcceptedDays).String()
	var w viewq.Where
	if f.Agency != "" {
		w.Add("to_agency = ?", f.Agency)
	} else {
		c, args := f.Scope.Clause("from_station")
		w.Add(c, args...)
	}
	w.Add("final = 0")
	notAccepted := "(status = 'requested' AND requested_on <= ?)"
	pastDue := "(due_date <> '' AND due_date < ?)"
	switch f.Reason {
	case "not_accepted":
		w.Add(notAccepted, cutoff)
	case "past_due":
		w.Add(pastDue, asOf)
	default:
		w.Add("("+notAccepted+" OR "+pastDue+")", cutoff, asOf)
	}
	tbl := t.Name("referrals")
	var total int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM `+tbl+w.SQL(), w.Args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	lim, largs := f.Page.Clause()
	rows, err := db.QueryContext(ctx, `SELECT referral_id, case_id, from_station, from_worker, to_agency, domain, priority, status,
		requested_on, due_date FROM `+tbl+w.SQL()+order+lim, append(w.Args, largs...)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []ReferralRow{}
	for rows.Next() {
		var r ReferralRow
		if err := rows.Scan(&r.ReferralID, &r.CaseID, &r.FromStation, &r.FromWorker, &r.ToAgency, &r.Domain, &r.Priority,
			&r.Status, &r.RequestedOn, &r.DueDate); err != nil {
			return nil, 0, err
		}
		r.NotAccepted = r.Status == "requested" && r.RequestedOn <= cutoff
		r.PastDue = r.DueDate != "" && r.DueDate < asOf
		if f.Agency != "" {
			// The receiving agency never sees the case.
			r.CaseID = ""
		}
		r.Status = strings.TrimSpace(r.Status)
		out = append(out, r)
	}
	return out, total, rows.Err()
}
