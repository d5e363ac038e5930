package privacy

import "casework/domain"

const (
	seedDomain = "DOMAIN §8"
	seedPIPL47 = "PIPL Art. 47"
)

// Rules lists every rule of the package: ForgetRules, then AccessRules.
func Rules() []domain.RuleInfo { return append(ForgetRules(), AccessRules()...) }

// ForgetRules lists the rules of the commands on client streams.
func ForgetRules() []domain.RuleInfo {
	return []domain.RuleInfo{
		{Name: "privacy.forget.admin_only", Seed: seedDomain, Summary: "Only an admin requests, approves or rejects forgetting a client."},
		{Name: "privacy.forget.request_id_required", Seed: seedDomain, Summary: "A request to forget a client has a non-nil id."},
		{Name: "privacy.forget.reason_required", Seed: seedPIPL47, Summary: "A request to forget a client, and its rejection, give a reason."},
		{Name: "privacy.forget.reason_too_long", Seed: seedDomain, Summary: "A reason has at most 500 characters."},
		{Name: "privacy.forget.request_pending", Seed: seedDomain, Summary: "One request to forget a client is pending at a time."},
		{Name: "privacy.forget.request_id_reused", Seed: seedDomain, Summary: "A rejected request's id is not used again."},
		{Name: "privacy.forget.no_pending_request", Seed: seedDomain, Summary: "Only the pending request, named by its id, is approved or rejected."},
		{Name: "privacy.forget.second_person", Seed: seedPIPL47, Summary: "Another admin than the requester approves forgetting a client."},
		{Name: "privacy.forget_now.system_only", Seed: seedPIPL47, Summary: "Forgetting at once, without a second person, is for an operator at the machine only."},
		{Name: "privacy.forget_now.reason_required", Seed: seedPIPL47, Summary: "An operator forgetting a client gives a reason."},
		{Name: "privacy.forget_now.reason_too_long", Seed: seedDomain, Summary: "An operator's reason has at most 500 characters."},
	}
}

// AccessRules lists the rules of recording reads of sensitive data.
func AccessRules() []domain.RuleInfo {
	return []domain.RuleInfo{
		{Name: "privacy.read.role_without_purpose", Seed: seedDomain, Summary: "Only a role with a purpose (casework, supervision, audit, referral) reads clients' sensitive data."},
		{Name: "privacy.read.stream_required", Seed: seedDomain, Summary: "A recorded read names the stream read."},
		{Name: "privacy.read.fields_required", Seed: seedDomain, Summary: "A recorded read names at least one field."},
	}
}
