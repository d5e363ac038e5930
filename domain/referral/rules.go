package referral

import "casework/domain"

// Rules lists every rule the referral commands can return, for RULES.md.
func Rules() []domain.RuleInfo {
	const (
		d4   = "DOMAIN §4"
		d8   = "DOMAIN §8"
		fhir = "DOMAIN §4 (HL7 FHIR Task)"
	)
	out := []domain.RuleInfo{
		rule("referral.request.referring_side_only", d4, "Only a social worker or supervisor of the from-station requests a referral from it."),
		rule("referral.request.consent_override_supervisor_only", d4, "Only a supervisor may override the client's consent."),
		rule("referral.request.id_required", d4, "A referral needs a non-nil ID."),
		rule("referral.request.case_required", d4, "A referral is linked to its case."),
		rule("referral.request.client_id_required", d4, "The referred client's ID is required."),
		rule("referral.request.client_name_required", d4, "The referred client's name is required."),
		rule("referral.request.client_birth_year_range", d4, "A client's birth year, when given, lies between 1900 and this year."),
		rule("referral.request.client_phone_format", d8, "A client's phone, when given, is 5–20 digits with common separators."),
		rule("referral.request.to_agency_required", d4, "A referral goes to an agency or department."),
		rule("referral.request.to_other_unit", d4, "A referral goes to another unit than the referring station."),
		rule("referral.request.service_domain_known", "001", "The service domain is one of the eight."),
		rule("referral.request.needs_required", d4, "A referral states the client's needs and the reason for it."),
		rule("referral.request.priority_known", d4, "Priority is routine or urgent."),
		rule("referral.request.due_date_required", d4, "A referral has a due date."),
		rule("referral.request.due_date_not_past", d4, "The due date is not before today (China Standard Time)."),
		rule("referral.request.consent_required", d4+", "+d8, "The client's consent is recorded, or overridden with a reason."),
		rule("referral.request.consent_exclusive", d4, "Consent is either given or overridden, not both."),
		rule("referral.request.consent_given_by_required", d4, "Given consent names who gave it (client or guardian)."),
		rule("referral.request.consent_given_at_valid", d4, "Given consent has a time, not in the future."),
		rule("referral.transition.action_known", fhir, "A transition is one of accept, reject, start, hold, resume, complete, fail, cancel."),
		rule("referral.transition.unknown_referral", fhir, "Transitions apply only to a referral that exists."),
		rule("referral.transition.not_allowed", fhir, "Only the transitions of the referral state table are allowed; rejected, completed, failed and cancelled are final."),
		rule("referral.transition.outcome_not_applicable", d4, "An outcome is recorded only on completion or failure."),
		rule("referral.complete.outcome_required", d4, "Completing a referral records its outcome."),
	}
	for _, a := range Actions() {
		if a.Side() == SideReferring {
			out = append(out, rule("referral."+string(a)+".referring_side_only", d4,
				"Only the referring side (social worker or supervisor of the from-station) may "+string(a)+" a referral."))
		} else {
			out = append(out, rule("referral."+string(a)+".receiving_side_only", d4,
				"Only the receiving side (agency worker of the to-agency, or the to-person) may "+string(a)+" a referral."))
		}
		if a.ReasonRequired() {
			out = append(out, rule("referral."+string(a)+".reason_required", d4,
				"A reason is required to "+string(a)+" a referral."))
		}
	}
	return out
}

func rule(name, seed, summary string) domain.RuleInfo {
	return domain.RuleInfo{Name: name, Seed: seed, Summary: summary}
}
