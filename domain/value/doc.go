// Package value holds the small validated value types every aggregate of
// casework shares: resident ID numbers (GB 11643), unified social credit
// codes (GB 32100), administrative division codes (GB/T 2260), money in
// integer fen and calendar dates in China Standard Time.
//
// Each type keeps its representation unexported, is built by a Parse
// function that returns a *domain.Error of KindInvalid naming the broken
// rule ("value.resident_id.check_digit" …), and marshals to JSON as a
// string (Fen as an integer). The zero value of each type means "absent"
// and marshals as an empty string, so optional fields can use `omitzero`.
package value

import "casework/domain"

// Rules lists every rule name the parsers of this package can return.
func Rules() []domain.RuleInfo {
	return []domain.RuleInfo{
		{Name: "value.resident_id.length", Seed: "DOMAIN §8", Summary: "A resident ID number has 18 characters (GB 11643-1999)."},
		{Name: "value.resident_id.legacy_15_digit", Seed: "DOMAIN §8", Summary: "15-digit first-generation ID numbers are refused; the 18-digit number must be used."},
		{Name: "value.resident_id.charset", Seed: "DOMAIN §8", Summary: "A resident ID number is 17 digits followed by a digit or X."},
		{Name: "value.resident_id.birth_date", Seed: "DOMAIN §8", Summary: "The birth date in a resident ID number is a real date between 1900 and 2099."},
		{Name: "value.resident_id.check_digit", Seed: "DOMAIN §8", Summary: "The last character of a resident ID number matches the ISO 7064 MOD 11-2 check."},
		{Name: "value.credit_code.length", Seed: "000, 004", Summary: "A unified social credit code has 18 characters (GB 32100-2015)."},
		{Name: "value.credit_code.charset", Seed: "000, 004", Summary: "A unified social credit code uses digits and the letters A–Y without I, O, S, V, Z."},
		{Name: "value.credit_code.division", Seed: "000, 004", Summary: "Characters 3–8 of a unified social credit code are a 6-digit division code."},
		{Name: "value.division_code.format", Seed: "DOMAIN §1", Summary: "An administrative division code is 6 digits (GB/T 2260)."},
		{Name: "value.division_code.province", Seed: "DOMAIN §1", Summary: "The first two digits of a division code are a province-level code."},
		{Name: "value.fen.format", Seed: "000, 003", Summary: "An amount in yuan has at most two decimals and no other characters."},
		{Name: "value.date.format", Seed: "DOMAIN §3", Summary: "A date is a real calendar date written 2006-01-02."},
	}
}
