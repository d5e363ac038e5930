package casefile

import (
	"fmt"
	"strings"

	"casework/domain"
	"casework/domain/value"
)

// canRecord reports whether role may record casework: social workers and
// supervisors (DOMAIN.md §1).
func canRecord(r domain.Role) bool {
	return r == domain.RoleSocialWorker || r == domain.RoleSupervisor
}

func recorderOnly(a domain.Actor) *domain.Error {
	if !canRecord(a.Role) {
		return domain.Forbidden("case.record.role", "",
			fmt.Sprintf("role %q may not record casework; social workers and supervisors may", a.Role))
	}
	return nil
}

func supervisorOnly(rule string, a domain.Actor, what string) *domain.Error {
	if a.Role != domain.RoleSupervisor {
		return domain.Forbidden(rule, "", fmt.Sprintf("only a supervisor may %s", what))
	}
	return nil
}

// guard checks what every command on an existing case needs, in order:
// the case exists (case.state.not_opened), it is not archived
// (case.state.archived: an archived file accepts no command), the role may
// act (perm), and unless allowClosed, the case is not closed
// (case.state.closed: reopen it first).
func (s *State) guard(perm *domain.Error, allowClosed bool) error {
	switch {
	case !s.Exists:
		return domain.Conflict("case.state.not_opened", "", "the case has not been opened")
	case s.Archived:
		return domain.Conflict("case.state.archived", "", "the case is archived and accepts no further change")
	case perm != nil:
		return perm
	case s.Closed && !allowClosed:
		return domain.Conflict("case.state.closed", "", "the case is closed; reopen it first")
	}
	return nil
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

// today is the calendar date of the command in China Standard Time.
func today(cmd domain.Cmd) value.Date { return value.DateOf(cmd.Now) }

// dateInPast checks a field date: present, not after today, and, when
// notBefore is set, not before it.
func dateInPast(rule, field string, d, today, notBefore value.Date, what string) *domain.Error {
	switch {
	case d.IsZero():
		return domain.Invalid(rule, field, what+" is required")
	case d.After(today):
		return domain.Invalid(rule, field, fmt.Sprintf("%s %s is after today (%s)", what, d, today))
	case !notBefore.IsZero() && d.Before(notBefore):
		return domain.Invalid(rule, field, fmt.Sprintf("%s %s is before the case was opened (%s)", what, d, notBefore))
	}
	return nil
}

// distinctNonBlank reports whether list has at least min distinct
// non-blank entries and no blank one.
func distinctNonBlank(list []string, min int) bool {
	seen := map[string]bool{}
	for _, v := range list {
		v = strings.TrimSpace(v)
		if v == "" {
			return false
		}
		seen[v] = true
	}
	return len(seen) >= min
}
