package value_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"casework/domain"
	"casework/domain/value"
)

// ruleOf returns the rule name carried by err, or "" for nil.
func ruleOf(tb testing.TB, err error) string {
	tb.Helper()
	if err == nil {
		return ""
	}
	var re *domain.Error
	if !errors.As(err, &re) {
		tb.Fatalf("error %v is not a *domain.Error", err)
	}
	if re.Kind != domain.KindInvalid {
		tb.Fatalf("error %v has kind %v, want invalid", err, re.Kind)
	}
	return re.Rule
}

func TestResidentID_Parse(t *testing.T) {
	tests := []struct {
		name, in, want, rule string
	}{
		{name: "GB 11643 sample", in: "11010519491231002X", want: "11010519491231002X"},
		{name: "lowercase x normalised", in: "11010519491231002x", want: "11010519491231002X"},
		{name: "spaces trimmed", in: " 440304199001010011 ", want: "440304199001010011"},
		{name: "leap day birth", in: "510108200002291239", want: "510108200002291239"},
		{name: "check X", in: "63280219850815007X", want: "63280219850815007X"},
		{name: "legacy 15 digit", in: "110105491231002", rule: "value.resident_id.legacy_15_digit"},
		{name: "too short", in: "1101051949123100", rule: "value.resident_id.length"},
		{name: "too long", in: "11010519491231002X1", rule: "value.resident_id.length"},
		{name: "empty", in: "", rule: "value.resident_id.length"},
		{name: "letter inside", in: "1101051949123A002X", rule: "value.resident_id.charset"},
		{name: "bad last char", in: "11010519491231002Y", rule: "value.resident_id.charset"},
		{name: "Feb 29 in non-leap year", in: "510108200102291230", rule: "value.resident_id.birth_date"},
		{name: "month 13", in: "110105194913310020", rule: "value.resident_id.birth_date"},
		{name: "before 1900", in: "110105189912310020", rule: "value.resident_id.birth_date"},
		{name: "far future", in: "110105210001010020", rule: "value.resident_id.birth_date"},
		{name: "check digit mismatch", in: "110105194912310021", rule: "value.resident_id.check_digit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := value.ParseResidentID(tt.in)
			if got := ruleOf(t, err); got != tt.rule {
				t.Fatalf("rule = %q, want %q (err %v)", got, tt.rule, err)
			}
			if tt.rule == "" && id.String() != tt.want {
				t.Fatalf("String() = %q, want %q", id, tt.want)
			}
		})
	}
}

func TestResidentID_Legacy15Digit_MessageSaysUse18Digits(t *testing.T) {
	_, err := value.ParseResidentID("110105491231002")
	var re *domain.Error
	if !errors.As(err, &re) || re.Rule != "value.resident_id.legacy_15_digit" {
		t.Fatalf("err = %v", err)
	}
	if want := "18-digit"; !strings.Contains(re.Message, want) {
		t.Fatalf("message %q does not mention %q", re.Message, want)
	}
}

func TestResidentID_Accessors(t *testing.T) {
	id := value.MustParseResidentID("11010519491231002X")
	if got := id.BirthDate(); got != value.NewDate(1949, 12, 31) {
		t.Errorf("BirthDate = %v", got)
	}
	if got := id.Division().String(); got != "110105" {
		t.Errorf("Division = %v", got)
	}
	if id.Male() {
		t.Errorf("sequence 002 is even: female")
	}
	if !value.MustParseResidentID("440304199001010011").Male() {
		t.Errorf("sequence 001 is odd: male")
	}
	var zero value.ResidentID
	if !zero.IsZero() || !zero.BirthDate().IsZero() || zero.Male() || !zero.Division().IsZero() {
		t.Errorf("zero value accessors wrong")
	}
}

func TestResidentID_JSONRoundTrip(t *testing.T) {
	type doc struct {
		ID    value.ResidentID `json:"id"`
		Empty value.ResidentID `json:"empty"`
	}
	in := doc{ID: value.MustParseResidentID("11010519491231002X")}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"id":"11010519491231002X","empty":""}` {
		t.Fatalf("json = %s", b)
	}
	var out doc
	if err := json.Unmarshal(b, &out); err != nil || out != in {
		t.Fatalf("round trip = %+v, %v", out, err)
	}
	var re *domain.Error
	if err := json.Unmarshal([]byte(`{"id":"110105491231002"}`), &out); !errors.As(err, &re) || re.Rule != "value.resident_id.legacy_15_digit" {
		t.Fatalf("15-digit number decoded: %v", err)
	}
}

// residentIDCheck mirrors GB 11643 so that generated numbers are valid.
func residentIDCheck(digits string) byte {
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, c := range digits[:17] {
		sum += int(c-'0') * w[i]
	}
	return "10X98765432"[sum%11]
}

func genResidentID(t *rapid.T) string {
	div := rapid.SampledFrom([]string{"110105", "440304", "510108", "632802", "320583", "610102"}).Draw(t, "division")
	birth := value.NewDate(1900, 1, 1).AddDays(rapid.IntRange(0, 73000).Draw(t, "days"))
	seq := rapid.IntRange(0, 999).Draw(t, "seq")
	body := fmt.Sprintf("%s%04d%02d%02d%03d", div, birth.Year(), int(birth.Month()), birth.Day(), seq)
	return body + string(residentIDCheck(body))
}

func TestResidentID_GeneratedValidRoundTrips_MutationFailsCheck(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genResidentID(t)
		id, err := value.ParseResidentID(s)
		if err != nil {
			t.Fatalf("valid %s refused: %v", s, err)
		}
		var back value.ResidentID
		b, _ := id.MarshalText()
		if err := back.UnmarshalText(b); err != nil || back != id || back.String() != s {
			t.Fatalf("round trip %s -> %v, %v", s, back, err)
		}
		// Change one of the 17 body digits; the check must catch it
		// (MOD 11-2 detects every single-digit error) unless the birth
		// date broke first.
		pos := rapid.IntRange(0, 16).Draw(t, "pos")
		delta := rapid.IntRange(1, 9).Draw(t, "delta")
		m := []byte(s)
		m[pos] = byte('0' + (int(m[pos]-'0')+delta)%10)
		_, err = value.ParseResidentID(string(m))
		var re *domain.Error
		rule := ""
		if errors.As(err, &re) {
			rule = re.Rule
		}
		if rule != "value.resident_id.check_digit" && !(pos >= 6 && pos < 14 && rule == "value.resident_id.birth_date") {
			t.Fatalf("mutated %s accepted or wrong rule %q", m, rule)
		}
	})
}
