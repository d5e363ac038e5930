package value

import (
	"strconv"
	"strings"

	"casework/domain"
)

// Fen is an amount of money in integer fen (分, 1/100 yuan). It is never a
// float; JSON encodes it as an integer number of fen.
type Fen int64

// Yuan returns n whole yuan in fen.
func Yuan(n int64) Fen { return Fen(n * 100) }

// ParseYuan reads a decimal amount in yuan ("1234.56", "-3", "0.5") into
// fen. Errors are *domain.Error of KindInvalid with rule value.fen.format
// for anything else (more than two decimals, separators, exponents, overflow).
func ParseYuan(s string) (Fen, error) {
	bad := domain.Invalid("value.fen.format", "", "an amount in yuan is written like 1234.56, with at most two decimals")
	s = strings.TrimSpace(s)
	neg := false
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || (hasDot && frac == "") || !allDigits(whole) || !allDigits(frac) {
		return 0, bad
	}
	for len(frac) < 2 {
		frac += "0"
	}
	if len(whole) > 15 {
		return 0, bad
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, bad
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	v := Fen(w*100 + f)
	if neg {
		v = -v
	}
	return v, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String formats f in yuan with two decimals: "1234.56", "-0.50".
func (f Fen) String() string {
	sign := ""
	u := uint64(f)
	if f < 0 {
		sign, u = "-", uint64(-f)
	}
	frac := strconv.FormatUint(u%100, 10)
	if len(frac) < 2 {
		frac = "0" + frac
	}
	return sign + strconv.FormatUint(u/100, 10) + "." + frac
}
