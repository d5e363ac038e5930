package value_test

import (
	"encoding/json"
	"testing"

	"casework/domain/value"
)

func TestDivisionCode_Parse(t *testing.T) {
	tests := []struct {
		in, rule, level, province, city string
	}{
		{in: "110000", level: "province", province: "110000", city: "110000"},
		{in: "610100", level: "city", province: "610000", city: "610100"},
		{in: "510108", level: "county", province: "510000", city: "510100"},
		{in: "820000", level: "province", province: "820000", city: "820000"},
		{in: "11010", rule: "value.division_code.format"},
		{in: "11010a", rule: "value.division_code.format"},
		{in: "160000", rule: "value.division_code.province"},
		{in: "000000", rule: "value.division_code.province"},
		{in: "720100", rule: "value.division_code.province"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := value.ParseDivisionCode(tt.in)
			if got := ruleOf(t, err); got != tt.rule {
				t.Fatalf("rule = %q, want %q", got, tt.rule)
			}
			if tt.rule != "" {
				return
			}
			if d.Level() != tt.level || d.Province().String() != tt.province || d.City().String() != tt.city {
				t.Fatalf("level %q province %v city %v", d.Level(), d.Province(), d.City())
			}
		})
	}
}

func TestDivisionCode_Contains(t *testing.T) {
	p, c, k := value.MustParseDivisionCode("510000"), value.MustParseDivisionCode("510100"), value.MustParseDivisionCode("510108")
	if !p.Contains(k) || !c.Contains(k) || !k.Contains(k) || k.Contains(c) || c.Contains(value.MustParseDivisionCode("510200")) {
		t.Fatal("Contains wrong")
	}
}

func TestDivisionCode_JSONRoundTrip(t *testing.T) {
	in := value.MustParseDivisionCode("510108")
	b, _ := json.Marshal(in)
	var out value.DivisionCode
	if err := json.Unmarshal(b, &out); err != nil || out != in || string(b) != `"510108"` {
		t.Fatalf("%s -> %v, %v", b, out, err)
	}
	if err := json.Unmarshal([]byte(`"990000"`), &out); err == nil {
		t.Fatal("unknown province decoded")
	}
}
