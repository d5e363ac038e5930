package station

import "casework/domain"

// Rules lists every rule the station commands and Compliance can return,
// with its seed.
func Rules() []domain.RuleInfo {
	const d1, s0 = "DOMAIN §2", "000 §3"
	return []domain.RuleInfo{
		{Name: "station.register.role_allowed", Seed: d1, Summary: "Only an admin or county manager registers a station."},
		{Name: "station.register.id_required", Seed: d1, Summary: "A station is registered under its org unit's id."},
		{Name: "station.register.name_required", Seed: d1, Summary: "A station has a name of at most 100 characters."},
		{Name: "station.register.township_required", Seed: s0, Summary: "A station names its township (street)."},
		{Name: "station.register.org_unit_is_station", Seed: "DOMAIN §1", Summary: "A station takes the id of an org unit of kind station."},
		{Name: "station.register.date_valid", Seed: d1, Summary: "The registration date is given and not in the future."},

		{Name: "station.set_pilot.role_allowed", Seed: d1, Summary: "Only an admin or county manager changes the pilot status."},
		{Name: "station.set_pilot.requires_registered", Seed: d1, Summary: "The pilot status is set on a registered station."},
		{Name: "station.set_pilot.status_changed", Seed: "001", Summary: "A pilot status change changes the status."},
		{Name: "station.set_pilot.date_valid", Seed: d1, Summary: "The effective date is given, not before registration or the last change, not in the future."},

		{Name: "station.record_site.role_allowed", Seed: d1, Summary: "Only an admin or county manager records the site."},
		{Name: "station.record_site.requires_registered", Seed: d1, Summary: "The site is recorded for a registered station."},
		{Name: "station.record_site.date_valid", Seed: d1, Summary: "The effective date is given, not before registration, not in the future."},
		{Name: "station.record_site.area_range", Seed: s0, Summary: "The activity area is between 0 and 100000 m²."},
		{Name: "station.record_site.address_required", Seed: s0, Summary: "A station has a fixed office address."},

		{Name: "station.record_functions.role_allowed", Seed: d1, Summary: "Only an admin, county manager or supervisor records service functions."},
		{Name: "station.record_functions.requires_registered", Seed: d1, Summary: "Functions are recorded for a registered station."},
		{Name: "station.record_functions.date_valid", Seed: d1, Summary: "The effective date is given, not before registration, not in the future."},
		{Name: "station.record_functions.domains_required", Seed: "000 §5; 001", Summary: "At least one service domain is offered."},
		{Name: "station.record_functions.domains_known", Seed: "001", Summary: "Each domain is one of the eight, listed once."},

		{Name: "station.assign_staff.role_allowed", Seed: d1, Summary: "Only an admin, county manager or supervisor assigns staff."},
		{Name: "station.assign_staff.requires_registered", Seed: d1, Summary: "Staff are assigned to a registered station."},
		{Name: "station.assign_staff.id_unique", Seed: d1, Summary: "A staff id is given and never reused at the station."},
		{Name: "station.assign_staff.name_required", Seed: d1, Summary: "A staff member has a name."},
		{Name: "station.assign_staff.staff_role_known", Seed: "000 §3; 002", Summary: "The role is station_head, resident_social_worker, supervisor or township_staff."},
		{Name: "station.assign_staff.employment_known", Seed: "002", Summary: "Employment is full_time or part_time."},
		{Name: "station.assign_staff.education_known", Seed: s0, Summary: "Education is below_college, college_diploma, bachelor or master_or_above."},
		{Name: "station.assign_staff.certificate_known", Seed: s0, Summary: "The certificate level is none, assistant, intermediate or senior."},
		{Name: "station.assign_staff.birth_date_valid", Seed: s0, Summary: "A birth date is given and the person is at least 16 at the start date."},
		{Name: "station.assign_staff.date_valid", Seed: d1, Summary: "The start date is given, not before registration, not in the future."},

		{Name: "station.staff_left.role_allowed", Seed: d1, Summary: "Only an admin, county manager or supervisor records a departure."},
		{Name: "station.staff_left.requires_registered", Seed: d1, Summary: "Departures are recorded at a registered station."},
		{Name: "station.staff_left.in_post", Seed: d1, Summary: "Only a staff member in post can leave."},
		{Name: "station.staff_left.date_valid", Seed: d1, Summary: "The leaving date is given, not before registration, not in the future."},
		{Name: "station.staff_left.after_start", Seed: d1, Summary: "The leaving day is after the start date."},
		{Name: "station.staff_left.reason_required", Seed: d1, Summary: "A departure gives a reason."},

		{Name: "station.register_rule.role_allowed", Seed: d1, Summary: "Only an admin, county manager or supervisor registers station rules."},
		{Name: "station.register_rule.requires_registered", Seed: d1, Summary: "Rules are registered at a registered station."},
		{Name: "station.register_rule.id_unique", Seed: d1, Summary: "A rule id is given and never reused."},
		{Name: "station.register_rule.name_required", Seed: s0, Summary: "A station rule has a name."},
		{Name: "station.register_rule.category_known", Seed: "000 §3; 002", Summary: "The rule category is a known one."},
		{Name: "station.register_rule.date_valid", Seed: d1, Summary: "The adoption date is given, not before registration, not in the future."},

		{Name: "station.register_volunteer.role_allowed", Seed: d1, Summary: "Station staff roles register volunteers."},
		{Name: "station.register_volunteer.requires_registered", Seed: d1, Summary: "Volunteers join a registered station."},
		{Name: "station.register_volunteer.id_unique", Seed: d1, Summary: "A volunteer id is given and never reused."},
		{Name: "station.register_volunteer.name_required", Seed: "000 §3", Summary: "A volunteer has a name."},
		{Name: "station.register_volunteer.date_valid", Seed: d1, Summary: "The registration date is given, not before the station's, not in the future."},

		{Name: "station.log_hours.role_allowed", Seed: d1, Summary: "Station staff roles log volunteer hours."},
		{Name: "station.log_hours.requires_registered", Seed: d1, Summary: "Hours are logged at a registered station."},
		{Name: "station.log_hours.volunteer_registered", Seed: "000 §3; 003", Summary: "Hours are logged for a volunteer registered at the station."},
		{Name: "station.log_hours.date_valid", Seed: d1, Summary: "The date is given, not before the station or volunteer registered, not in the future."},
		{Name: "station.log_hours.minutes_range", Seed: d1, Summary: "Between 1 and 1440 minutes a day."},
		{Name: "station.log_hours.activity_known", Seed: d1, Summary: "A linked activity is one held at the station."},

		{Name: "station.form_team.role_allowed", Seed: d1, Summary: "Station staff roles form the volunteer team."},
		{Name: "station.form_team.requires_registered", Seed: d1, Summary: "A team is formed at a registered station."},
		{Name: "station.form_team.id_unique", Seed: d1, Summary: "A team id is given and never reused."},
		{Name: "station.form_team.name_required", Seed: s0, Summary: "A volunteer team has a name."},
		{Name: "station.form_team.date_valid", Seed: d1, Summary: "The formation date is given, not before registration, not in the future."},
		{Name: "station.form_team.members_registered", Seed: s0, Summary: "Team members are registered volunteers of the station, each once."},

		{Name: "station.hold_activity.role_allowed", Seed: d1, Summary: "Station staff roles record activities."},
		{Name: "station.hold_activity.requires_registered", Seed: d1, Summary: "Activities are held by a registered station."},
		{Name: "station.hold_activity.id_unique", Seed: d1, Summary: "An activity id is given and never reused."},
		{Name: "station.hold_activity.kind_known", Seed: "DOMAIN §4", Summary: "The kind is group_session, community_activity, training or other."},
		{Name: "station.hold_activity.title_required", Seed: "DOMAIN §4", Summary: "An activity has a title."},
		{Name: "station.hold_activity.date_valid", Seed: d1, Summary: "The date is given, not before registration, not in the future."},
		{Name: "station.hold_activity.duration_range", Seed: "DOMAIN §4", Summary: "The duration is between 1 and 1440 minutes."},
		{Name: "station.hold_activity.attendance_positive", Seed: "DOMAIN §4", Summary: "At least one participant attended."},
		{Name: "station.hold_activity.domain_known", Seed: "001", Summary: "The service domain is one of the eight."},
		{Name: "station.hold_activity.volunteers_registered", Seed: "000 §3; 003", Summary: "Volunteers involved are registered at the station, each once."},

		{Name: RuleSiteArea, Seed: "000 §3(一)", Summary: "有场地: at least 40 m² of activity space."},
		{Name: RuleStationHead, Seed: "000 §3(三)", Summary: "有人员: a station head in post."},
		{Name: RuleResidentWorkersMin, Seed: "000 §3(三); 001", Summary: "有人员: at least 2 full-time resident social workers (3 at a pilot station)."},
		{Name: RuleResidentWorkersQual, Seed: "000 §3(三)", Summary: "有人员: every resident social worker has a diploma and is aged 40 or less, or a bachelor's degree and aged 42 or less."},
		{Name: RuleVolunteerTeam, Seed: "000 §3(三)", Summary: "有人员: a volunteer team is formed."},
		{Name: RuleFunctions, Seed: "000 §3, §5", Summary: "有功能: service domains are recorded."},
		{Name: RuleStationRules, Seed: "000 §3(二); 002", Summary: "有制度: a rule in each of service process, reception, safety and archive."},
		{Name: RuleActivityInPeriod, Seed: "000 §3", Summary: "有活动: an activity held within the period (90 days by default)."},
	}
}
