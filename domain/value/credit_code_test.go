package value_test

import (
	"encoding/json"
	"testing"

	"casework/domain/value"
)

func TestCreditCode_Parse(t *testing.T) {
	tests := []struct {
		name, in, rule string
		checkOK        bool
		kind           string
	}{
		{name: "GB 32100 sample", in: "91350100M000100Y43", checkOK: true, kind: value.RegistrationMarketRegistry},
		{name: "enterprise", in: "91110000600037341L", checkOK: true, kind: value.RegistrationMarketRegistry},
		{name: "public institution", in: "12100000400010398P", checkOK: true, kind: value.RegistrationEstablishment},
		{name: "social organisation", in: "51440300MJL171332C", checkOK: true, kind: value.RegistrationCivilAffairs},
		{name: "lowercase accepted", in: "51440300mjl171332c", checkOK: true, kind: value.RegistrationCivilAffairs},
		{name: "check mismatch is only a warning", in: "91350100M000100Y44", checkOK: false, kind: value.RegistrationMarketRegistry},
		{name: "short", in: "91350100M000100Y4", rule: "value.credit_code.length"},
		{name: "letter I not used", in: "91350100M000100I43", rule: "value.credit_code.charset"},
		{name: "letter O not used", in: "91350100M000100O43", rule: "value.credit_code.charset"},
		{name: "letter S not used", in: "91350100M000100S43", rule: "value.credit_code.charset"},
		{name: "letter V not used", in: "V1350100M000100Y43", rule: "value.credit_code.charset"},
		{name: "letter Z not used", in: "91350100M000100Z43", rule: "value.credit_code.charset"},
		{name: "division not digits", in: "9135A100M000100Y43", rule: "value.credit_code.division"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := value.ParseCreditCode(tt.in)
			if got := ruleOf(t, err); got != tt.rule {
				t.Fatalf("rule = %q, want %q (%v)", got, tt.rule, err)
			}
			if tt.rule != "" {
				return
			}
			if c.CheckDigitValid() != tt.checkOK {
				t.Errorf("CheckDigitValid = %v, want %v", c.CheckDigitValid(), tt.checkOK)
			}
			if c.RegistrationKind() != tt.kind {
				t.Errorf("RegistrationKind = %q, want %q", c.RegistrationKind(), tt.kind)
			}
		})
	}
}

func TestCreditCode_SingleMutation_FailsCheck(t *testing.T) {
	const valid = "91350100M000100Y43"
	alphabet := "0123456789ABCDEFGHJKLMNPQRTUWXY"
	for pos := 0; pos < 17; pos++ {
		for i := 0; i < len(alphabet); i++ {
			if alphabet[i] == valid[pos] {
				continue
			}
			m := []byte(valid)
			m[pos] = alphabet[i]
			c, err := value.ParseCreditCode(string(m))
			if err != nil {
				continue // the division part refuses letters
			}
			if c.CheckDigitValid() {
				t.Fatalf("mutation %s passes the check", m)
			}
		}
	}
}

func TestCreditCode_JSONRoundTrip(t *testing.T) {
	in := value.MustParseCreditCode("51440300MJL171332C")
	b, err := json.Marshal(in)
	if err != nil || string(b) != `"51440300MJL171332C"` {
		t.Fatalf("json = %s, %v", b, err)
	}
	var out value.CreditCode
	if err := json.Unmarshal(b, &out); err != nil || out != in {
		t.Fatalf("round trip = %v, %v", out, err)
	}
	if got := in.Division().String(); got != "440300" {
		t.Errorf("Division = %q", got)
	}
	var zero value.CreditCode
	if zero.CheckDigitValid() || zero.RegistrationKind() != "" || !zero.IsZero() {
		t.Errorf("zero value wrong")
	}
}
