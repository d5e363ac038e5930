package value

import (
	"strings"

	"casework/domain"
)

// DivisionCode is a 6-digit administrative division code (GB/T 2260):
// two digits for the province, two for the city, two for the county.
// The zero value is "no code".
type DivisionCode struct {
	s string
}

// Division levels as returned by DivisionCode.Level.
const (
	LevelProvince = "province"
	LevelCity     = "city"
	LevelCounty   = "county"
)

func provinceKnown(p int) bool {
	switch {
	case p >= 11 && p <= 15, p >= 21 && p <= 23, p >= 31 && p <= 37,
		p >= 41 && p <= 46, p >= 50 && p <= 54, p >= 61 && p <= 65,
		p == 71, p == 81, p == 82:
		return true
	}
	return false
}

// ParseDivisionCode validates s (surrounding spaces ignored). Errors are
// *domain.Error of KindInvalid with rule value.division_code.format (not 6
// digits) or value.division_code.province (first two digits not a
// province-level code: 11–15, 21–23, 31–37, 41–46, 50–54, 61–65, 71, 81, 82).
func ParseDivisionCode(s string) (DivisionCode, error) {
	s = strings.TrimSpace(s)
	if len(s) != 6 {
		return DivisionCode{}, domain.Invalid("value.division_code.format", "",
			"an administrative division code is 6 digits")
	}
	for i := 0; i < 6; i++ {
		if s[i] < '0' || s[i] > '9' {
			return DivisionCode{}, domain.Invalid("value.division_code.format", "",
				"an administrative division code is 6 digits")
		}
	}
	if !provinceKnown(int(s[0]-'0')*10 + int(s[1]-'0')) {
		return DivisionCode{}, domain.Invalid("value.division_code.province", "",
			"the first two digits of a division code must be a province-level code")
	}
	return DivisionCode{s: s}, nil
}

// MustParseDivisionCode is ParseDivisionCode for constants; it panics on an invalid code.
func MustParseDivisionCode(s string) DivisionCode {
	d, err := ParseDivisionCode(s)
	if err != nil {
		panic(err)
	}
	return d
}

// String returns the 6 digits, or "" for the zero value.
func (d DivisionCode) String() string { return d.s }

// IsZero reports whether d is the zero value.
func (d DivisionCode) IsZero() bool { return d.s == "" }

// Level is LevelProvince for "xx0000", LevelCity for "xxxx00" and
// LevelCounty otherwise; "" for the zero value.
func (d DivisionCode) Level() string {
	switch {
	case d.s == "":
		return ""
	case d.s[2:] == "0000":
		return LevelProvince
	case d.s[4:] == "00":
		return LevelCity
	}
	return LevelCounty
}

// Province returns the province-level code containing d ("xx0000").
func (d DivisionCode) Province() DivisionCode {
	if d.s == "" {
		return d
	}
	return DivisionCode{s: d.s[:2] + "0000"}
}

// City returns the city-level code containing d ("xxxx00"); for a
// province code it returns the province code itself.
func (d DivisionCode) City() DivisionCode {
	if d.s == "" || d.Level() == LevelProvince {
		return d.Province()
	}
	return DivisionCode{s: d.s[:4] + "00"}
}

// Contains reports whether o lies within d (or equals it).
func (d DivisionCode) Contains(o DivisionCode) bool {
	switch d.Level() {
	case LevelProvince:
		return o.s != "" && o.s[:2] == d.s[:2]
	case LevelCity:
		return o.s != "" && o.s[:4] == d.s[:4]
	case LevelCounty:
		return o.s == d.s
	}
	return false
}

// MarshalText encodes the code as 6 digits ("" when zero).
func (d DivisionCode) MarshalText() ([]byte, error) { return []byte(d.s), nil }

// UnmarshalText parses text with ParseDivisionCode; "" gives the zero value.
func (d *DivisionCode) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*d = DivisionCode{}
		return nil
	}
	v, err := ParseDivisionCode(string(text))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
