package casefile

import "slices"

// Intake sources (DOMAIN.md §4).
const (
	SourceWalkIn      = "walk_in"      // 来访接待
	SourceHelpRequest = "help_request" // 居民求助
	SourceOutreach    = "outreach"     // 主动发现
	SourceReferralIn  = "referral_in"  // 转介进入
)

// Sources lists the intake sources.
func Sources() []string {
	return []string{SourceWalkIn, SourceHelpRequest, SourceOutreach, SourceReferralIn}
}

// Genders lists the genders recorded for a client.
func Genders() []string { return []string{"male", "female"} }

// Relations lists a household member's relation to the client.
func Relations() []string {
	return []string{"self", "spouse", "child", "parent", "grandparent", "grandchild", "sibling", "other"}
}

// IncomeKinds lists the kinds of income counted in a household check.
func IncomeKinds() []string {
	return []string{"wages", "business", "agriculture", "property", "transfer", "pension", "other"}
}

// Income periods: an IncomeItem's Amount is per month or per year.
const (
	PeriodMonthly = "monthly"
	PeriodAnnual  = "annual"
)

// AssetKinds lists the kinds of household assets.
func AssetKinds() []string {
	return []string{"deposit", "house", "vehicle", "land", "securities", "livestock", "other"}
}

// Eligibility outcomes.
const (
	OutcomeEligible    = "eligible"
	OutcomeNotEligible = "not_eligible"
)

// NeedAreas lists the areas a needs assessment covers.
func NeedAreas() []string {
	return []string{"economic", "health", "daily_care", "education", "housing", "employment",
		"family_relations", "psychological", "social_participation", "safety", "legal", "other"}
}

// Risk levels of a needs assessment.
const (
	RiskLow    = "low"
	RiskMedium = "medium"
	RiskHigh   = "high"
)

// RiskLevels lists the risk levels.
func RiskLevels() []string { return []string{RiskLow, RiskMedium, RiskHigh} }

// ServiceMethods lists how a service is delivered (个案, 小组, 社区).
func ServiceMethods() []string { return []string{"casework", "group", "community"} }

// ServiceKinds lists the kinds of service delivered.
func ServiceKinds() []string {
	return []string{"care", "rehabilitation_training", "social_integration", "capacity_building",
		"resource_linking", "home_visit", "psychological_support", "policy_advice", "other"}
}

// FollowUpMethods lists how a follow-up is made.
func FollowUpMethods() []string { return []string{"home_visit", "phone", "office", "online"} }

// ReviewProgress lists the progress judgements of a review.
func ReviewProgress() []string {
	return []string{"on_track", "partly_achieved", "achieved", "not_achieved"}
}

// Approval subjects.
const (
	SubjectAssessment = "assessment"
	SubjectPlan       = "plan"
	SubjectClosure    = "closure"
)

// Subjects lists what can be approved.
func Subjects() []string { return []string{SubjectAssessment, SubjectPlan, SubjectClosure} }

// ClosureOutcomes lists the outcomes a closure can have.
func ClosureOutcomes() []string {
	return []string{"goals_achieved", "partly_achieved", "client_withdrew", "referred_out",
		"moved_away", "not_eligible", "deceased", "other"}
}

func oneOf(v string, list []string) bool { return slices.Contains(list, v) }
