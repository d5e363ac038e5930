package value

import (
	"strings"

	"casework/domain"
)

// CreditCode is an 18-character unified social credit code (统一社会信用代码,
// GB 32100-2015): registration authority, organisation kind, 6-digit
// division code, 9-character organisation code and a check character.
// A code whose check character does not match is still a CreditCode,
// because early codes exist that fail it; CheckDigitValid reports it so
// callers can warn. The zero value is "no code".
type CreditCode struct {
	s string
}

// creditCodeChars is the GB 32100 alphabet; a character's index is its value.
const creditCodeChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// Registration authorities (登记管理部门码, the first character) as returned
// by RegistrationKind.
const (
	RegistrationEstablishment  = "establishment"   // '1' 机构编制
	RegistrationCivilAffairs   = "civil_affairs"   // '5' 民政: social organisations
	RegistrationMarketRegistry = "market_registry" // '9' 工商/市场监管: enterprises
	RegistrationOther          = "other"           // any other authority
)

// creditCodeCheck returns the GB 32100 check character for the first 17
// characters; the weights are 3^i mod 31.
func creditCodeCheck(s string) byte {
	creditCodeWeights := [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += strings.IndexByte(creditCodeChars, s[i]) * creditCodeWeights[i]
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return creditCodeChars[c]
}

// ParseCreditCode validates the form of s (surrounding spaces ignored,
// letters upper-cased). Errors are *domain.Error of KindInvalid with rule
// value.credit_code.length, .charset (I, O, S, V, Z and other characters
// are not used) or .division (characters 3–8 not digits). A check-character
// mismatch is not an error: see CheckDigitValid.
func ParseCreditCode(s string) (CreditCode, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) != 18 {
		return CreditCode{}, domain.Invalid("value.credit_code.length", "",
			"a unified social credit code has 18 characters")
	}
	for i := 0; i < 18; i++ {
		if strings.IndexByte(creditCodeChars, s[i]) < 0 {
			return CreditCode{}, domain.Invalid("value.credit_code.charset", "",
				"a unified social credit code uses digits and capital letters except I, O, S, V and Z")
		}
	}
	for i := 2; i < 8; i++ {
		if s[i] < '0' || s[i] > '9' {
			return CreditCode{}, domain.Invalid("value.credit_code.division", "",
				"characters 3–8 of a unified social credit code are the 6-digit division code")
		}
	}
	return CreditCode{s: s}, nil
}

// MustParseCreditCode is ParseCreditCode for constants; it panics on a malformed code.
func MustParseCreditCode(s string) CreditCode {
	c, err := ParseCreditCode(s)
	if err != nil {
		panic(err)
	}
	return c
}

// String returns the 18 characters, or "" for the zero value.
func (c CreditCode) String() string { return c.s }

// IsZero reports whether c is the zero value.
func (c CreditCode) IsZero() bool { return c.s == "" }

// CheckDigitValid reports whether the 18th character matches the GB 32100
// check. False for the zero value.
func (c CreditCode) CheckDigitValid() bool {
	return c.s != "" && creditCodeCheck(c.s) == c.s[17]
}

// RegistrationKind names the registration authority from the first
// character: RegistrationCivilAffairs ('5', 民政, where social organisations
// register), RegistrationEstablishment ('1'), RegistrationMarketRegistry
// ('9'), or RegistrationOther; "" for the zero value.
func (c CreditCode) RegistrationKind() string {
	if c.s == "" {
		return ""
	}
	switch c.s[0] {
	case '1':
		return RegistrationEstablishment
	case '5':
		return RegistrationCivilAffairs
	case '9':
		return RegistrationMarketRegistry
	}
	return RegistrationOther
}

// Division returns the division code of the registering authority (characters 3–8).
func (c CreditCode) Division() DivisionCode {
	if c.s == "" {
		return DivisionCode{}
	}
	return DivisionCode{s: c.s[2:8]}
}

// MarshalText encodes the code as its 18 characters ("" when zero).
func (c CreditCode) MarshalText() ([]byte, error) { return []byte(c.s), nil }

// UnmarshalText parses text with ParseCreditCode; "" gives the zero value.
func (c *CreditCode) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*c = CreditCode{}
		return nil
	}
	v, err := ParseCreditCode(string(text))
	if err != nil {
		return err
	}
	*c = v
	return nil
}
