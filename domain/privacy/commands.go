package privacy

import (
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"casework/domain"
)

// maxReason is the longest reason, in characters, a forget request,
// rejection or operator's forgetting may give.
const maxReason = 500

// reason trims raw and checks it against <prefix>.reason_required and
// <prefix>.reason_too_long (both Invalid, field "reason").
func reason(prefix, raw string) (string, *domain.Error) {
	t := strings.TrimSpace(raw)
	switch {
	case t == "":
		return "", domain.Invalid(prefix+".reason_required", "reason", "say why")
	case utf8.RuneCountInString(t) > maxReason:
		return "", domain.Invalid(prefix+".reason_too_long", "reason", "a reason has at most 500 characters")
	}
	return t, nil
}

func adminOnly(cmd domain.Cmd, what string) *domain.Error {
	if cmd.Actor.Role != domain.RoleAdmin {
		return domain.Forbidden("privacy.forget.admin_only", "", "only an admin may "+what+" a request to forget a client")
	}
	return nil
}

// RequestInput asks to forget the client. RequestID is chosen by the
// caller and names the request in the approval or rejection.
type RequestInput struct {
	RequestID uuid.UUID `json:"request_id"`
	Reason    string    `json:"reason"`
}

// RequestForget records an admin's request to forget the client, to be
// approved by a second admin. When the client is already forgotten a
// valid request returns no events and no error: there is nothing left to
// do, and the caller tells the user so.
//
// Rules: privacy.forget.admin_only (Forbidden);
// privacy.forget.request_id_required, privacy.forget.reason_required,
// privacy.forget.reason_too_long (Invalid, collected together);
// privacy.forget.request_pending, privacy.forget.request_id_reused
// (Conflict).
func RequestForget(s *State, cmd domain.Cmd, in RequestInput) ([]domain.Payload, error) {
	if err := adminOnly(cmd, "make"); err != nil {
		return nil, err
	}
	var v domain.Violations
	if in.RequestID == uuid.Nil {
		v.Add(domain.Invalid("privacy.forget.request_id_required", "request_id", "a request needs an id"))
	}
	why, err := reason("privacy.forget", in.Reason)
	v.Add(err)
	if err := v.Err(); err != nil {
		return nil, err
	}
	switch {
	case s.Forgotten:
		return nil, nil
	case s.Pending != nil:
		return nil, domain.Conflict("privacy.forget.request_pending", "",
			"request "+s.Pending.ID.String()+" by "+s.Pending.RequestedBy+" awaits approval or rejection")
	case s.wasRejected(in.RequestID):
		return nil, domain.Conflict("privacy.forget.request_id_reused", "request_id",
			"request "+in.RequestID.String()+" was rejected; a new request needs a new id")
	}
	return []domain.Payload{ClientForgetRequested{RequestID: in.RequestID, Reason: why, RequestedAt: cmd.Now}}, nil
}

// ApproveInput names the pending request to approve.
type ApproveInput struct {
	RequestID uuid.UUID `json:"request_id"`
}

// ApproveForget approves the pending request: the client is forgotten
// with the request's reason. The approver must be another admin than the
// requester. When the client is already forgotten it returns no events and
// no error.
//
// Rules: privacy.forget.admin_only, privacy.forget.second_person
// (Forbidden); privacy.forget.no_pending_request (Conflict: no request is
// pending, or the pending one has another id).
func ApproveForget(s *State, cmd domain.Cmd, in ApproveInput) ([]domain.Payload, error) {
	if err := adminOnly(cmd, "approve"); err != nil {
		return nil, err
	}
	if s.Forgotten {
		return nil, nil
	}
	if err := s.pending(in.RequestID); err != nil {
		return nil, err
	}
	if cmd.Actor.ID == s.Pending.RequestedBy {
		return nil, domain.Forbidden("privacy.forget.second_person", "",
			"a request to forget a client is approved by another admin than the one who made it")
	}
	id := s.Pending.ID
	return []domain.Payload{ClientForgotten{RequestID: &id, Reason: s.Pending.Reason,
		RequestedBy: s.Pending.RequestedBy, ApprovedBy: cmd.Actor.ID, ForgottenAt: cmd.Now}}, nil
}

// pending returns privacy.forget.no_pending_request unless the pending
// request is id.
func (s *State) pending(id uuid.UUID) *domain.Error {
	switch {
	case s.Forgotten:
		return domain.Conflict("privacy.forget.no_pending_request", "request_id", "the client is already forgotten")
	case s.Pending == nil:
		return domain.Conflict("privacy.forget.no_pending_request", "request_id", "no request to forget the client is pending")
	case s.Pending.ID != id:
		return domain.Conflict("privacy.forget.no_pending_request", "request_id",
			"the pending request is "+s.Pending.ID.String()+", not "+id.String())
	}
	return nil
}

// RejectInput refuses or withdraws the pending request.
type RejectInput struct {
	RequestID uuid.UUID `json:"request_id"`
	Reason    string    `json:"reason"`
}

// RejectForget refuses the pending request; any admin may, the requester
// included (withdrawing it).
//
// Rules: privacy.forget.admin_only (Forbidden);
// privacy.forget.no_pending_request (Conflict, also once the client is
// forgotten); privacy.forget.reason_required,
// privacy.forget.reason_too_long (Invalid).
func RejectForget(s *State, cmd domain.Cmd, in RejectInput) ([]domain.Payload, error) {
	if err := adminOnly(cmd, "reject"); err != nil {
		return nil, err
	}
	if err := s.pending(in.RequestID); err != nil {
		return nil, err
	}
	why, err := reason("privacy.forget", in.Reason)
	if err != nil {
		return nil, err
	}
	return []domain.Payload{ClientForgetRejected{RequestID: in.RequestID, Reason: why}}, nil
}

// ForgetNowInput is an operator's order to forget the client at once.
type ForgetNowInput struct {
	Reason string `json:"reason"`
}

// ForgetNow forgets the client without a second person: only for
// domain.RoleSystem, an operator at the machine (the command line), never
// an account. A pending request is superseded. When the client is already
// forgotten a valid order returns no events and no error.
//
// Rules: privacy.forget_now.system_only (Forbidden);
// privacy.forget_now.reason_required, privacy.forget_now.reason_too_long
// (Invalid).
func ForgetNow(s *State, cmd domain.Cmd, in ForgetNowInput) ([]domain.Payload, error) {
	if cmd.Actor.Role != domain.RoleSystem {
		return nil, domain.Forbidden("privacy.forget_now.system_only", "",
			"forgetting at once is for an operator at the machine; an admin requests it and a second admin approves")
	}
	why, err := reason("privacy.forget_now", in.Reason)
	if err != nil {
		return nil, err
	}
	if s.Forgotten {
		return nil, nil
	}
	return []domain.Payload{ClientForgotten{Reason: why, RequestedBy: cmd.Actor.ID, ApprovedBy: cmd.Actor.ID, ForgottenAt: cmd.Now}}, nil
}
