package jsonscan_test

import (
	"testing"

	"casework/eventstore/jsonscan"
)

func TestValue(t *testing.T) {
	tests := []struct {
		in   string
		pos  int
		want string // the value found; "" when none
	}{
		{`"a\"b" ,`, 0, `"a\"b"`},
		{`{"k": ["}", {"x": 1}], "m": 2} tail`, 0, `{"k": ["}", {"x": 1}], "m": 2}`},
		{`[1, [2, 3]]`, 4, `[2, 3]`},
		{`{"n": 12.5e3}`, 6, `12.5e3`},
		{`true`, 0, `true`},
		{`null]`, 0, `null`},
		{`"open`, 0, ""},
		{`{"a": [1, 2}`, 0, ""},
		{`{"a": "]`, 0, ""},
		{`, 1`, 0, ""},
		{``, 0, ""},
	}
	for _, tt := range tests {
		end, ok := jsonscan.Value([]byte(tt.in), tt.pos)
		got := ""
		if ok {
			got = tt.in[tt.pos:end]
		}
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("Value(%q, %d) = %q, %v; want %q", tt.in, tt.pos, got, ok, tt.want)
		}
	}
}

func TestSpace(t *testing.T) {
	in := []byte(" \t\r\n x  ")
	if got := jsonscan.Space(in, 0); got != 5 {
		t.Errorf("Space = %d, want 5", got)
	}
	if got := jsonscan.Space(in, 6); got != len(in) {
		t.Errorf("Space at trailing blanks = %d, want %d", got, len(in))
	}
}
