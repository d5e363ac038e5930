package service

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/referral"
	"casework/domain/value"
)

// The two views of a referral (ReferralView.View).
const (
	// ViewFull is what the referring side and its hierarchy see.
	ViewFull = "full"
	// ViewReceiving is what the receiving agency sees: the referral's own
	// minimal fields, nothing that leads to the case.
	ViewReceiving = "receiving"
)

// ReferralView is a referral as the API shows it. CaseID and the consent's
// details are left out of the receiving view.
type ReferralView struct {
	ID       uuid.UUID       `json:"id"`
	Revision uint64          `json:"revision"`
	View     string          `json:"view"`
	Status   referral.Status `json:"status"`
	// HeldFrom is the state a referral on hold returns to when resumed.
	HeldFrom      referral.Status      `json:"held_from,omitempty"`
	CaseID        *uuid.UUID           `json:"case_id,omitempty"`
	Client        referral.Client      `json:"client"`
	From          referral.From        `json:"from"`
	To            referral.To          `json:"to"`
	ServiceDomain domain.ServiceDomain `json:"service_domain"`
	Needs         string               `json:"needs" sensitive:"narrative"`
	Priority      referral.Priority    `json:"priority"`
	Consent       ReferralConsentView  `json:"consent"`
	DueDate       value.Date           `json:"due_date"`
	Overdue       bool                 `json:"overdue"`
	Reason        string               `json:"reason,omitempty" sensitive:"narrative"`
	Outcome       string               `json:"outcome,omitempty" sensitive:"narrative"`
	RequestedAt   time.Time            `json:"requested_at"`
	ChangedAt     time.Time            `json:"changed_at"`
	ClosedAt      time.Time            `json:"closed_at,omitzero"`
	// Actions are the transitions the caller may take now.
	Actions []referral.Action `json:"actions"`

	Protection Protection `json:"protection"`
}

// MarshalJSON renders the view with its sensitive values masked as
// Protection says.
func (v ReferralView) MarshalJSON() ([]byte, error) {
	type plain ReferralView
	b, err := json.Marshal(plain(v))
	if err != nil {
		return nil, err
	}
	return masked(b, v.Protection, pathsOf(v))
}

// ReferralConsentView is the consent behind a referral. The receiving view
// has only Given and Overridden: that the client agreed, or that a
// supervisor decided without them.
type ReferralConsentView struct {
	Given          bool      `json:"given"`
	GivenBy        string    `json:"given_by,omitempty" sensitive:"name"`
	GivenAt        time.Time `json:"given_at,omitzero"`
	Overridden     bool      `json:"overridden"`
	OverriddenBy   string    `json:"overridden_by,omitempty"`
	OverrideReason string    `json:"override_reason,omitempty" sensitive:"narrative"`
}

func consentView(c referral.Consent, full bool) ReferralConsentView {
	v := ReferralConsentView{Given: c.Given, Overridden: c.OverrideReason != ""}
	if full {
		v.GivenBy, v.GivenAt, v.OverriddenBy, v.OverrideReason = c.GivenBy, c.GivenAt, c.OverriddenBy, c.OverrideReason
	}
	return v
}

func newReferralView(p Principal, st *referral.State, rev uint64, aud referralAudience, today value.Date) ReferralView {
	full := aud == audienceFull
	v := ReferralView{
		ID: st.ID, Revision: rev, View: ViewReceiving, Status: st.Status, HeldFrom: st.HeldFrom,
		Client: st.Client, From: st.From, To: st.To, ServiceDomain: st.ServiceDomain, Needs: st.Needs,
		Priority: st.Priority, Consent: consentView(st.Consent, full), DueDate: st.DueDate,
		Overdue: st.Overdue(today), Reason: st.Reason, Outcome: st.Outcome,
		RequestedAt: st.RequestedAt, ChangedAt: st.ChangedAt, ClosedAt: st.ClosedAt,
		Actions: referralActions(p, st, aud),
	}
	if full {
		id := st.CaseID
		v.CaseID, v.View = &id, ViewFull
	}
	return v
}

// referralActions lists the actions of the state table open to p from the
// referral's current state: cancel for the referring station's workers,
// the rest for the receiving agency.
func referralActions(p Principal, st *referral.State, aud referralAudience) []referral.Action {
	referring := (p.Role == domain.RoleSocialWorker || p.Role == domain.RoleSupervisor) && p.OrgUnit.String() == st.From.StationID
	receiving := aud == audienceReceiving
	out := []referral.Action{}
	for _, e := range referral.Table() {
		if e.From != st.Status {
			continue
		}
		if (e.Action.Side() == referral.SideReferring && referring) || (e.Action.Side() == referral.SideReceiving && receiving) {
			out = append(out, e.Action)
		}
	}
	return out
}

// redactForReceiving strips from a history entry what the receiving side
// may not see: the causation (it names the case) and what receivingData
// strips from its payload.
func redactForReceiving(e *HistoryEntry) error {
	e.CausationID = ""
	data, err := receivingData(e.Type, e.Revision, e.Data)
	e.Data = data
	return err
}

// receivingData is the payload of a referral's event at revision rev as
// the receiving side may see it: a request without the case id and the
// consent's details; other events as they are.
func receivingData(typ string, rev uint64, data json.RawMessage) (json.RawMessage, error) {
	if typ != referral.TypeRequested {
		return data, nil
	}
	var req referral.Requested
	if err := json.Unmarshal(data, &req); err != nil {
		return data, fmt.Errorf("redact %s revision %d: %w", typ, rev, err)
	}
	out, err := json.Marshal(struct {
		ReferralID    uuid.UUID            `json:"referral_id"`
		Client        referral.Client      `json:"client"`
		From          referral.From        `json:"from"`
		To            referral.To          `json:"to"`
		ServiceDomain domain.ServiceDomain `json:"service_domain"`
		Needs         string               `json:"needs"`
		Priority      referral.Priority    `json:"priority"`
		Consent       ReferralConsentView  `json:"consent"`
		DueDate       value.Date           `json:"due_date"`
	}{req.ReferralID, req.Client, req.From, req.To, req.ServiceDomain, req.Needs, req.Priority,
		consentView(req.Consent, false), req.DueDate})
	if err != nil {
		return data, fmt.Errorf("redact %s revision %d: %w", typ, rev, err)
	}
	return out, nil
}

// ETagRevision is the revision the view was folded to, the HTTP ETag.
func (v ReferralView) ETagRevision() uint64 { return v.Revision }
