package domain

import "slices"

// ServiceDomain is one of the eight service areas of a station (seed 001,
// DOMAIN.md §4). Cases, referrals, stations, activities and projects all
// name one; the values are stable strings stored in events.
type ServiceDomain string

// The eight service domains, in the seed's order.
const (
	SocialAssistance    ServiceDomain = "social_assistance"    // 社会救助
	ElderlyCare         ServiceDomain = "elderly_care"         // 养老服务
	ChildWelfare        ServiceDomain = "child_welfare"        // 儿童福利
	CommunityGovernance ServiceDomain = "community_governance" // 社区治理
	SocialAffairs       ServiceDomain = "social_affairs"       // 社会事务
	PublicSafety        ServiceDomain = "public_safety"        // 平安建设
	RuralRevitalization ServiceDomain = "rural_revitalization" // 乡村振兴
	EpidemicPrevention  ServiceDomain = "epidemic_prevention"  // 疫情防控
)

// ServiceDomains lists the eight service domains in the seed's order.
func ServiceDomains() []ServiceDomain {
	return []ServiceDomain{SocialAssistance, ElderlyCare, ChildWelfare, CommunityGovernance,
		SocialAffairs, PublicSafety, RuralRevitalization, EpidemicPrevention}
}

// Valid reports whether d is one of ServiceDomains().
func (d ServiceDomain) Valid() bool { return slices.Contains(ServiceDomains(), d) }
