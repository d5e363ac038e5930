package value_test

import (
	"encoding/json"
	"testing"

	"pgregory.net/rapid"

	"casework/domain/value"
)

func TestFen_ParseYuan(t *testing.T) {
	tests := []struct {
		in   string
		want value.Fen
		rule string
	}{
		{in: "1234.56", want: 123456},
		{in: "0.5", want: 50},
		{in: "30000", want: 3000000},
		{in: "-3.07", want: -307},
		{in: "0.00", want: 0},
		{in: "1.234", rule: "value.fen.format"},
		{in: "1,234.00", rule: "value.fen.format"},
		{in: "1e3", rule: "value.fen.format"},
		{in: "", rule: "value.fen.format"},
		{in: ".5", rule: "value.fen.format"},
		{in: "5.", rule: "value.fen.format"},
		{in: "99999999999999999999", rule: "value.fen.format"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := value.ParseYuan(tt.in)
			if r := ruleOf(t, err); r != tt.rule {
				t.Fatalf("rule = %q, want %q", r, tt.rule)
			}
			if got != tt.want {
				t.Fatalf("ParseYuan(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestFen_StringAndJSON(t *testing.T) {
	for f, want := range map[value.Fen]string{123456: "1234.56", -50: "-0.50", 0: "0.00", 7: "0.07", value.Yuan(600000): "600000.00"} {
		if f.String() != want {
			t.Errorf("%d.String() = %q, want %q", int64(f), f.String(), want)
		}
	}
	b, _ := json.Marshal(struct {
		A value.Fen `json:"a"`
	}{123456})
	if string(b) != `{"a":123456}` {
		t.Fatalf("json = %s", b)
	}
}

func TestFen_StringParsesBack(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		f := value.Fen(rapid.Int64Range(-1e15, 1e15).Draw(t, "fen"))
		back, err := value.ParseYuan(f.String())
		if err != nil || back != f {
			t.Fatalf("%d -> %q -> %d, %v", int64(f), f.String(), int64(back), err)
		}
	})
}
