package value

import (
	"strings"

	"casework/domain"
)

// ResidentID is an 18-character citizen identity number (公民身份号码,
// GB 11643-1999): a 6-digit division code, an 8-digit birth date, a 3-digit
// sequence (odd for men) and an ISO 7064 MOD 11-2 check character.
// The zero value is "no number".
type ResidentID struct {
	s string
}

const residentIDCheckChars = "10X98765432"

// residentIDCheck returns the ISO 7064 MOD 11-2 check character for the
// first 17 digits; the weights are 2^(17-i) mod 11.
func residentIDCheck(digits string) byte {
	residentIDWeights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(digits[i]-'0') * residentIDWeights[i]
	}
	return residentIDCheckChars[sum%11]
}

// ParseResidentID validates s (surrounding spaces ignored, a lowercase x
// normalised to X) and returns the number. Errors are *domain.Error of
// KindInvalid with field "" and rule value.resident_id.length,
// .legacy_15_digit, .charset, .birth_date (not a real date, before 1900 or
// after 2099) or .check_digit. Use (*domain.Error).At to set the field.
func ParseResidentID(s string) (ResidentID, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	switch {
	case len(s) == 15:
		return ResidentID{}, domain.Invalid("value.resident_id.legacy_15_digit", "",
			"15-digit first-generation ID numbers are not accepted; enter the 18-digit number from the current resident ID card")
	case len(s) != 18:
		return ResidentID{}, domain.Invalid("value.resident_id.length", "",
			"a resident ID number has 18 characters")
	}
	for i := 0; i < 17; i++ {
		if s[i] < '0' || s[i] > '9' {
			return ResidentID{}, domain.Invalid("value.resident_id.charset", "",
				"a resident ID number is 17 digits followed by a digit or X")
		}
	}
	if c := s[17]; (c < '0' || c > '9') && c != 'X' {
		return ResidentID{}, domain.Invalid("value.resident_id.charset", "",
			"a resident ID number is 17 digits followed by a digit or X")
	}
	if _, ok := parseYMD(s[6:14]); !ok {
		return ResidentID{}, domain.Invalid("value.resident_id.birth_date", "",
			"the birth date in the resident ID number (characters 7–14) is not a real date between 1900 and 2099")
	}
	if residentIDCheck(s) != s[17] {
		return ResidentID{}, domain.Invalid("value.resident_id.check_digit", "",
			"the resident ID number's check character does not match; check the number for a typing error")
	}
	return ResidentID{s: s}, nil
}

// parseYMD reads "20060102" as a real date in 1900..2099.
func parseYMD(s string) (Date, bool) {
	d, ok := dateOfDigits(s[0:4], s[4:6], s[6:8])
	if !ok || d.y < 1900 || d.y > 2099 {
		return Date{}, false
	}
	return d, true
}

// MustParseResidentID is ParseResidentID for constants in tests and seeds;
// it panics on an invalid number.
func MustParseResidentID(s string) ResidentID {
	id, err := ParseResidentID(s)
	if err != nil {
		panic(err)
	}
	return id
}

// String returns the 18 characters, or "" for the zero value.
func (id ResidentID) String() string { return id.s }

// IsZero reports whether id is the zero value.
func (id ResidentID) IsZero() bool { return id.s == "" }

// BirthDate returns the birth date encoded in the number (zero for the zero value).
func (id ResidentID) BirthDate() Date {
	if id.s == "" {
		return Date{}
	}
	d, _ := parseYMD(id.s[6:14])
	return d
}

// Division returns the division code of the place of first registration
// (characters 1–6), not validated against the province table.
func (id ResidentID) Division() DivisionCode {
	if id.s == "" {
		return DivisionCode{}
	}
	return DivisionCode{s: id.s[0:6]}
}

// Male reports whether the sequence code (character 17) is odd.
func (id ResidentID) Male() bool {
	return id.s != "" && (id.s[16]-'0')%2 == 1
}

// MarshalText encodes the number as its 18 characters ("" when zero).
func (id ResidentID) MarshalText() ([]byte, error) { return []byte(id.s), nil }

// UnmarshalText parses text with ParseResidentID; "" gives the zero value.
func (id *ResidentID) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*id = ResidentID{}
		return nil
	}
	v, err := ParseResidentID(string(text))
	if err != nil {
		return err
	}
	*id = v
	return nil
}
