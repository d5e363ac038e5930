package org

import "casework/domain"

// Rules lists every rule the org commands can return, with its seed.
func Rules() []domain.RuleInfo {
	return []domain.RuleInfo{
		{Name: "org.register.admin_only", Seed: "DOMAIN §1", Summary: "Only an administrator registers org units."},
		{Name: "org.register.id_required", Seed: "DOMAIN §1", Summary: "A new org unit needs a non-nil id."},
		{Name: "org.register.kind_known", Seed: "DOMAIN §1", Summary: "The kind is city, county, station, room, bureau, contractor, evaluator or agency."},
		{Name: "org.register.name_valid", Seed: "DOMAIN §1", Summary: "A unit has a non-blank name of at most 100 characters."},
		{Name: "org.register.parent_kind_allowed", Seed: "DOMAIN §1; 001", Summary: "City is a root; county under city, station under county, room under station; bureau, contractor, evaluator and agency under a county or city."},
		{Name: "org.register.parent_open", Seed: "DOMAIN §1", Summary: "No unit is registered under a closed parent."},
		{Name: "org.register.division_valid", Seed: "DOMAIN §1", Summary: "A city or county carries a well-formed GB/T 2260 code of its level; other kinds carry none."},
		{Name: "org.register.division_within_parent", Seed: "DOMAIN §1", Summary: "A county's division code lies within its parent city's."},
		{Name: "org.register.credit_code_valid", Seed: "000 §4; DOMAIN §3", Summary: "A contractor has a well-formed unified social credit code; service levels carry none (a check-digit mismatch is only flagged)."},
		{Name: "org.register.contractor_social_organisation", Seed: "000 §4", Summary: "A contractor is a social organisation registered with civil affairs (credit code starting with 5)."},
		{Name: "org.rename.admin_only", Seed: "DOMAIN §1", Summary: "Only an administrator renames org units."},
		{Name: "org.rename.requires_registered", Seed: "DOMAIN §1", Summary: "Only a registered unit can be renamed."},
		{Name: "org.rename.unit_open", Seed: "DOMAIN §1", Summary: "A closed unit cannot be renamed."},
		{Name: "org.rename.name_valid", Seed: "DOMAIN §1", Summary: "The new name is non-blank and at most 100 characters."},
		{Name: "org.rename.name_changed", Seed: "DOMAIN §1", Summary: "A rename changes the name."},
		{Name: "org.close.admin_only", Seed: "DOMAIN §1", Summary: "Only an administrator closes org units."},
		{Name: "org.close.requires_registered", Seed: "DOMAIN §1", Summary: "Only a registered unit can be closed."},
		{Name: "org.close.unit_open", Seed: "DOMAIN §1", Summary: "A unit is closed once."},
		{Name: "org.close.reason_required", Seed: "DOMAIN §1", Summary: "Closing a unit gives a reason."},
		{Name: "org.close.no_open_children", Seed: "DOMAIN §1", Summary: "A unit with open units under it cannot close."},
	}
}
