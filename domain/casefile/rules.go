package casefile

import "casework/domain"

// Rules lists every rule a case command can return, besides the
// value.resident_id.* rules of package value (returned at intake with
// field client.resident_id).
func Rules() []domain.RuleInfo {
	return []domain.RuleInfo{
		r("case.state.not_opened", "DOMAIN §4", "A command other than intake needs an opened case."),
		r("case.state.archived", "002", "An archived case file accepts no further command."),
		r("case.state.closed", "000, DOMAIN §4", "A closed case records nothing until it is reopened."),
		r("case.record.role", "000, 002", "Only social workers and supervisors record casework."),

		r("case.open.id", "DOMAIN §5", "A case is opened with a non-nil id."),
		r("case.open.source", "000, 001", "Intake source is walk_in, help_request, outreach or referral_in."),
		r("case.open.referred_by", "001, DOMAIN §4", "A case referred in names who referred it."),
		r("case.open.client_name", "000", "The client's name is required at intake."),
		r("case.open.birth_date", "DOMAIN §8", "The client's birth date is known (given or from the ID number) and not in the future."),
		r("case.open.birth_date_matches_id", "DOMAIN §8", "A given birth date equals the one in the resident ID number."),
		r("case.open.gender", "000", "The client's gender is male or female (given or from the ID number)."),
		r("case.open.gender_matches_id", "DOMAIN §8", "A given gender matches the one encoded in the resident ID number."),
		r("case.open.household_county", "DOMAIN §4", "The household's county is a county-level division code."),
		r("case.open.household_size", "DOMAIN §4", "The household has 1 to 30 members."),
		r("case.open.domain", "001", "The service domain is one of the eight areas."),
		r("case.open.station", "000, 001", "A case belongs to a station."),
		r("case.open.worker", "000", "A case has an assigned social worker."),

		r("case.household_check.visit_date", "001, DOMAIN §4", "The household visit date is given and not after today."),
		r("case.household_check.two_investigators", "DOMAIN §4", "At least two different investigators make and sign a household check."),
		r("case.household_check.members", "DOMAIN §4", "A household check lists at least one member."),
		r("case.household_check.member_name", "DOMAIN §4", "Each household member is named."),
		r("case.household_check.member_relation", "DOMAIN §4", "Each member's relation to the client is a known one."),
		r("case.household_check.income_kind", "DOMAIN §4", "Each income item has a known kind."),
		r("case.household_check.income_amount", "DOMAIN §4", "Income amounts are between 0 and 100,000,000 yuan."),
		r("case.household_check.income_period", "DOMAIN §4", "Income amounts are monthly or annual."),
		r("case.household_check.asset_kind", "DOMAIN §4", "Each asset has a known kind."),
		r("case.household_check.asset_value", "DOMAIN §4", "Asset values are between 0 and 100,000,000 yuan."),
		r("case.household_check.standard_valid", "001, DOMAIN §4", "A minimum-living standard passed in has a rule id, version, division, effective date and positive amount."),
		r("case.household_check.standard_in_force", "001, DOMAIN §4", "A minimum-living standard must be in force for the household's county at the visit date."),
		r("case.household_check.standard_ambiguous", "001, DOMAIN §4", "Exactly one minimum-living standard applies; two different ones tying is refused."),

		r("case.assess.date", "000, 002", "The assessment date is given, not after today and not before intake."),
		r("case.assess.needs", "000, 002", "An assessment lists at least one need."),
		r("case.assess.need_area", "000, 002", "Each need is in a known area."),
		r("case.assess.need_description", "000, 002", "Each need is described."),
		r("case.assess.risk_level", "000, 002", "The risk level is low, medium or high."),

		r("case.plan.requires_assessment", "000, 002", "A service plan follows a needs assessment."),
		r("case.plan.goals", "000, 002", "A service plan has at least one goal."),
		r("case.plan.services", "000, 002", "A service plan lists at least one planned service."),
		r("case.plan.service_method", "000, 002", "Planned services use casework, group or community methods."),
		r("case.plan.service_kind", "000, 002", "Planned services are of a known kind."),
		r("case.plan.start_date", "000, 002", "A plan starts on a given date not before intake."),
		r("case.plan.review_date", "000, 002", "A plan's review date is after today and after its start."),

		r("case.service.method", "000, 002", "A service's method is casework, group or community."),
		r("case.service.kind", "000, 002", "A service's kind is one of the fixed list."),
		r("case.service.occurred_on", "DOMAIN §4, §6", "A service may be recorded late but never for a future date or before intake."),
		r("case.service.duration", "000, 002", "A service lasts 1 to 1440 minutes."),
		r("case.service.workers", "000, 003", "A service names at least one worker who delivered it."),
		r("case.service.volunteers", "000, 003", "Volunteer entries of a service are not blank."),

		r("case.follow_up.date", "001, 002", "A follow-up date is given, not after today and not before intake."),
		r("case.follow_up.method", "001, 002", "A follow-up is a home visit, phone call, office or online contact."),
		r("case.follow_up.next_date", "001, 002", "The next follow-up, when planned, is after this one."),

		r("case.review.requires_plan", "000, 002", "A review needs a service plan."),
		r("case.review.date", "000, 002", "A review date is given, not after today and not before intake."),
		r("case.review.progress", "000, 002", "A review judges progress with a known value."),
		r("case.review.next_review_date", "000, 002", "A review sets the next review date after itself."),

		r("case.approval.subject", "000, 002", "Approvals are of the assessment, the plan or the closure."),
		r("case.approval.subject_missing", "000, 002", "Only a recorded assessment or plan can be submitted for approval."),
		r("case.approval.already_pending", "000, 002", "One approval request per subject is pending at a time."),
		r("case.approval.already_granted", "000, 002", "A subject already approved at the same revision is not submitted again."),
		r("case.approval.closure_outcome", "000, 002", "A closure request proposes a known outcome."),
		r("case.approval.closure_reason", "000, 002", "A closure request gives a reason."),
		r("case.approval.supervisor_only", "000, 002", "Only a supervisor grants or rejects approvals."),
		r("case.approval.not_requester", "000, 002", "The supervisor deciding an approval is not the account that requested it."),
		r("case.approval.not_pending", "000, 002", "Only a pending approval request can be granted or rejected."),
		r("case.approval.reject_comment", "000, 002", "A rejection carries a comment."),

		r("case.close.requires_approved_closure", "000, 002", "A case closes only with a granted, still valid closure approval."),
		r("case.close.outcome_matches_approval", "000, 002", "The closure outcome is the approved one."),
		r("case.reopen.only_closed", "DOMAIN §4", "Only a closed case can be reopened."),
		r("case.reopen.reason", "DOMAIN §4", "Reopening gives a reason."),
		r("case.archive.only_closed", "002", "Only a closed case is archived."),
		r("case.archive.responsible_person", "002", "An archived file names the person responsible."),
		r("case.archive.code", "002", "An archived file has an archive code of 1–64 characters without spaces."),
		r("case.reassign.supervisor_only", "000, 002", "Only a supervisor reassigns a case."),
		r("case.reassign.worker", "000", "A reassignment names a worker other than the current one."),
		r("case.reassign.reason", "000", "A reassignment gives a reason."),
	}
}

func r(name, seed, summary string) domain.RuleInfo {
	return domain.RuleInfo{Name: name, Seed: seed, Summary: summary}
}
