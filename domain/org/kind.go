// Package org is the org tree of the four-level social-work system
// (DOMAIN.md §1): city → county → station → room, plus the external units
// that take part in it (civil-affairs bureaus, contractors, evaluators and
// receiving agencies). Each unit is one stream; Tree assembles the units
// into the hierarchy that access scope and roll-ups follow.
package org

// Category is the stream category of org units: one stream per unit,
// "org-<unit id>".
const Category = "org"

// Kind is what an org unit is. The values are stable strings stored in
// events.
type Kind string

// The kinds of org unit.
const (
	KindCity    Kind = "city"    // 市
	KindCounty  Kind = "county"  // 县(区), its social-work hub (总站) included
	KindStation Kind = "station" // 乡镇(街道)社会工作服务站
	KindRoom    Kind = "room"    // 村(社区)社会工作室
	// External kinds: they take part in the system but are not part of the
	// four service levels.
	KindBureau     Kind = "bureau"     // 民政局, the purchaser of services
	KindContractor Kind = "contractor" // 承接机构, a registered social organisation
	KindEvaluator  Kind = "evaluator"  // 第三方评估机构
	KindAgency     Kind = "agency"     // a receiving agency for referrals (charity, department)
)

// Kinds lists every kind in a stable order.
func Kinds() []Kind {
	return []Kind{KindCity, KindCounty, KindStation, KindRoom,
		KindBureau, KindContractor, KindEvaluator, KindAgency}
}

// Valid reports whether k is one of Kinds().
func (k Kind) Valid() bool {
	for _, x := range Kinds() {
		if x == k {
			return true
		}
	}
	return false
}

// External reports whether k is a unit outside the four service levels.
func (k Kind) External() bool {
	switch k {
	case KindBureau, KindContractor, KindEvaluator, KindAgency:
		return true
	}
	return false
}

// AllowedParents returns the kinds a unit of kind k may be registered
// under; an empty list means k is a root (a city has no parent).
//
// The service levels nest strictly (county under city, station under
// county, room under station). The external units hang under the
// administrative level they work for: a bureau under the county or city
// whose civil affairs it runs; a contractor, evaluator or receiving agency
// under the county or city where it is registered or serves, so that the
// hierarchical scope of a county includes the agencies its stations refer
// to and the organisations it contracts.
func AllowedParents(k Kind) []Kind {
	switch k {
	case KindCounty:
		return []Kind{KindCity}
	case KindStation:
		return []Kind{KindCounty}
	case KindRoom:
		return []Kind{KindStation}
	case KindBureau, KindContractor, KindEvaluator, KindAgency:
		return []Kind{KindCounty, KindCity}
	}
	return nil
}

func parentAllowed(k, parent Kind) bool {
	for _, p := range AllowedParents(k) {
		if p == parent {
			return true
		}
	}
	return false
}
