package station

import (
	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/value"
)

// MinWorkingAge is the youngest age at which a person can take up a post.
const MinWorkingAge = 16

// AssignStaffInput puts a person in post at the station.
type AssignStaffInput struct {
	StaffID          uuid.UUID   `json:"staff_id"`
	AccountID        *uuid.UUID  `json:"account_id,omitempty"`
	Name             string      `json:"name"`
	Role             StaffRole   `json:"role"`
	Employment       Employment  `json:"employment"`
	Education        Education   `json:"education"`
	BirthDate        value.Date  `json:"birth_date"`
	SocialWorkDegree bool        `json:"social_work_degree"`
	Certificate      Certificate `json:"certificate"`
	StartDate        value.Date  `json:"start_date"`
}

// AssignStaff puts a person in post from StartDate. A resident social
// worker who does not meet the qualification rule is accepted (the roster
// records what is) and shows in Compliance.
//
// Rules: station.assign_staff.role_allowed (Forbidden);
// station.assign_staff.requires_registered (Conflict);
// station.assign_staff.id_unique, station.assign_staff.name_required,
// station.assign_staff.staff_role_known,
// station.assign_staff.employment_known,
// station.assign_staff.education_known,
// station.assign_staff.certificate_known,
// station.assign_staff.birth_date_valid (given, and at least 16 years
// before the start date), station.assign_staff.date_valid (Invalid).
func (s *State) AssignStaff(cmd domain.Cmd, in AssignStaffInput) ([]domain.Payload, error) {
	if err := s.begin(cmd, cmdAssignStaff); err != nil {
		return nil, err
	}
	var v domain.Violations
	_, used := s.Member(in.StaffID)
	v.Add(idUnique(rule(cmdAssignStaff, "id_unique"), "staff_id", in.StaffID, used))
	name, err := text(rule(cmdAssignStaff, "name_required"), "name", in.Name, 50)
	v.Add(err)
	if !in.Role.Valid() {
		v.Add(domain.Invalid(rule(cmdAssignStaff, "staff_role_known"), "role",
			"role must be one of station_head, resident_social_worker, supervisor, township_staff"))
	}
	if !in.Employment.Valid() {
		v.Add(domain.Invalid(rule(cmdAssignStaff, "employment_known"), "employment", "employment must be full_time or part_time"))
	}
	if !in.Education.Valid() {
		v.Add(domain.Invalid(rule(cmdAssignStaff, "education_known"), "education",
			"education must be one of below_college, college_diploma, bachelor, master_or_above"))
	}
	if !in.Certificate.Valid() {
		v.Add(domain.Invalid(rule(cmdAssignStaff, "certificate_known"), "certificate",
			"certificate must be one of none, assistant, intermediate, senior"))
	}
	dateErr := s.checkDate(cmd, cmdAssignStaff, "start_date", in.StartDate)
	v.Add(dateErr)
	switch {
	case in.BirthDate.IsZero():
		v.Add(domain.Invalid(rule(cmdAssignStaff, "birth_date_valid"), "birth_date", "a birth date is required"))
	case dateErr == nil && AgeOn(in.BirthDate, in.StartDate) < MinWorkingAge:
		v.Add(domain.Invalid(rule(cmdAssignStaff, "birth_date_valid"), "birth_date",
			"a staff member is at least 16 years old at the start date"))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return []domain.Payload{StaffAssigned{
		StaffID: in.StaffID, AccountID: optID(in.AccountID), Person: StaffPerson{Name: name},
		Role: in.Role, Employment: in.Employment, Education: in.Education, BirthDate: in.BirthDate,
		SocialWorkDegree: in.SocialWorkDegree, Certificate: in.Certificate, StartDate: in.StartDate,
	}}, nil
}

// StaffLeftInput ends a post. Date is the first day the person is no
// longer in post.
type StaffLeftInput struct {
	StaffID uuid.UUID  `json:"staff_id"`
	Date    value.Date `json:"date"`
	Reason  string     `json:"reason"`
}

// StaffLeft ends a staff member's post.
//
// Rules: station.staff_left.role_allowed (Forbidden);
// station.staff_left.requires_registered and station.staff_left.in_post
// (Conflict: the person was assigned and has not left);
// station.staff_left.date_valid, station.staff_left.after_start (the
// leaving day is after the start date), station.staff_left.reason_required
// (Invalid).
func (s *State) StaffLeft(cmd domain.Cmd, in StaffLeftInput) ([]domain.Payload, error) {
	if err := s.begin(cmd, cmdStaffLeft); err != nil {
		return nil, err
	}
	m, ok := s.Member(in.StaffID)
	if !ok || !m.LeftOn.IsZero() {
		return nil, domain.Conflict(rule(cmdStaffLeft, "in_post"), "staff_id", "no such staff member in post")
	}
	var v domain.Violations
	dateErr := s.checkDate(cmd, cmdStaffLeft, "date", in.Date)
	v.Add(dateErr)
	if dateErr == nil && !in.Date.After(m.StartDate) {
		v.Add(domain.Invalid(rule(cmdStaffLeft, "after_start"), "date",
			"the leaving day must be after the start date "+m.StartDate.String()))
	}
	reason, err := text(rule(cmdStaffLeft, "reason_required"), "reason", in.Reason, 500)
	v.Add(err)
	if err := v.Err(); err != nil {
		return nil, err
	}
	return []domain.Payload{StaffLeft{StaffID: in.StaffID, Date: in.Date, Reason: reason}}, nil
}
