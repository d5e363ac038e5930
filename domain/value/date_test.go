package value_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"pgregory.net/rapid"

	"casework/domain/value"
)

func d(s string) value.Date { return value.MustParseDate(s) }

func TestDate_AddMonths_ClampsToMonthEnd(t *testing.T) {
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2025-01-31", 1, "2025-02-28"},
		{"2024-01-31", 1, "2024-02-29"},
		{"2024-02-29", 12, "2025-02-28"},
		{"2024-02-29", 48, "2028-02-29"},
		{"2099-02-28", 12, "2100-02-28"},
		{"2096-02-29", 48, "2100-02-28"},
		{"2025-03-31", -1, "2025-02-28"},
		{"2025-12-15", 1, "2026-01-15"},
		{"2026-01-15", -1, "2025-12-15"},
		{"2025-08-31", 1, "2025-09-30"},
		{"2025-05-20", 0, "2025-05-20"},
		{"2025-11-30", 3, "2026-02-28"},
		{"2025-01-01", -25, "2022-12-01"},
	}
	for _, tt := range tests {
		if got := d(tt.from).AddMonths(tt.n); got != d(tt.want) {
			t.Errorf("%s + %d months = %v, want %s", tt.from, tt.n, got, tt.want)
		}
	}
}

func TestDate_EndOfMonth_LeapYears(t *testing.T) {
	tests := map[string]string{
		"2024-02-10": "2024-02-29",
		"2025-02-10": "2025-02-28",
		"2100-02-01": "2100-02-28", // divisible by 100, not by 400
		"2000-02-01": "2000-02-29",
		"2025-12-31": "2025-12-31",
		"2025-04-01": "2025-04-30",
	}
	for in, want := range tests {
		if got := d(in).EndOfMonth(); got != d(want) {
			t.Errorf("EndOfMonth(%s) = %v, want %s", in, got, want)
		}
	}
}

func TestDate_DaysBetween(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"2024-02-28", "2024-03-01", 2},
		{"2025-02-28", "2025-03-01", 1},
		{"2100-02-28", "2100-03-01", 1},
		{"2024-01-01", "2025-01-01", 366},
		{"2025-12-31", "2026-01-01", 1},
		{"2026-01-01", "2025-12-31", -1},
		{"2025-06-01", "2025-06-01", 0},
	}
	for _, tt := range tests {
		if got := value.DaysBetween(d(tt.a), d(tt.b)); got != tt.want {
			t.Errorf("DaysBetween(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestDate_ParseRefusesUnrealDays(t *testing.T) {
	for _, s := range []string{"2025-02-29", "2100-02-29", "2025-13-01", "2025-1-01", "20250101", ""} {
		if _, err := value.ParseDate(s); ruleOf(t, err) != "value.date.format" {
			t.Errorf("ParseDate(%q) err = %v, want value.date.format", s, err)
		}
	}
	if _, err := value.ParseDate("2024-02-29"); err != nil {
		t.Errorf("2024-02-29 refused: %v", err)
	}
}

func TestDate_DateOfUsesChinaStandardTime(t *testing.T) {
	// 16:30 UTC on Dec 31 is already 00:30 on Jan 1 in Beijing.
	utc := time.Date(2025, 12, 31, 16, 30, 0, 0, time.UTC)
	if got := value.DateOf(utc); got != d("2026-01-01") {
		t.Fatalf("DateOf = %v", got)
	}
	if got := value.DateOf(time.Date(2025, 12, 31, 15, 59, 59, 0, time.UTC)); got != d("2025-12-31") {
		t.Fatalf("DateOf = %v", got)
	}
	start := d("2026-01-01").Start()
	if !start.Equal(time.Date(2025, 12, 31, 16, 0, 0, 0, time.UTC)) {
		t.Fatalf("Start = %v", start)
	}
}

func TestDate_AccessorsAndCompare(t *testing.T) {
	a, b := d("2025-03-31"), d("2025-04-01")
	if !a.Before(b) || a.After(b) || !b.After(a) || a.Equal(b) || !a.Equal(d("2025-03-31")) {
		t.Fatal("compare wrong")
	}
	if a.Quarter() != 1 || b.Quarter() != 2 || d("2025-12-31").Quarter() != 4 {
		t.Fatal("Quarter wrong")
	}
	if a.Year() != 2025 || a.Month() != time.March || a.Day() != 31 {
		t.Fatal("accessors wrong")
	}
	if a.AddDays(1) != b || b.AddDays(-1) != a || d("2024-02-28").AddDays(1) != d("2024-02-29") {
		t.Fatal("AddDays wrong")
	}
	var zero value.Date
	if !zero.IsZero() || zero.String() != "" || a.IsZero() {
		t.Fatal("zero wrong")
	}
}

func TestDate_JSONRoundTrip(t *testing.T) {
	type doc struct {
		Visit value.Date `json:"visit"`
		Next  value.Date `json:"next,omitzero"`
	}
	in := doc{Visit: d("2024-02-29")}
	b, err := json.Marshal(in)
	if err != nil || string(b) != `{"visit":"2024-02-29"}` {
		t.Fatalf("json = %s, %v", b, err)
	}
	var out doc
	if err := json.Unmarshal(b, &out); err != nil || out != in {
		t.Fatalf("round trip %+v, %v", out, err)
	}
	if err := json.Unmarshal([]byte(`{"visit":"2025-02-29"}`), &out); err == nil {
		t.Fatal("unreal date decoded")
	}
}

func TestDate_AddDaysMatchesDaysBetween(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := value.NewDate(1900, 1, 1).AddDays(rapid.IntRange(0, 73000).Draw(t, "a"))
		n := rapid.IntRange(-5000, 5000).Draw(t, "n")
		if got := value.DaysBetween(a, a.AddDays(n)); got != n {
			t.Fatalf("DaysBetween(%v, +%d) = %d", a, n, got)
		}
		back, err := value.ParseDate(a.String())
		if err != nil || back != a {
			t.Fatalf("%v does not parse back: %v", a, err)
		}
	})
}

// String and MarshalText write "%04d-%02d-%02d" for every year, also
// those that do not fit four digits.
func TestDate_StringAsPrintf(t *testing.T) {
	for _, y := range []int{-10000, -999, -1, 0, 1, 9, 99, 999, 1000, 1999, 2026, 9999, 10000, 123456} {
		for m := time.January; m <= time.December; m++ {
			for _, day := range []int{1, 9, 10, 28} {
				d := value.NewDate(y, m, day)
				want := fmt.Sprintf("%04d-%02d-%02d", y, int(m), day)
				if got := d.String(); got != want {
					t.Fatalf("String() = %q, want %q", got, want)
				}
				if b, err := d.MarshalText(); err != nil || string(b) != want {
					t.Fatalf("MarshalText() = %q, %v, want %q", b, err, want)
				}
			}
		}
	}
	if b, err := (value.Date{}).MarshalText(); err != nil || b == nil || len(b) != 0 {
		t.Fatalf("zero date: %q, %v", b, err)
	}
}

// ParseDate reads exactly what time.Parse reads as 2006-01-02, to the
// same day: real and unreal days in every month of leap and common
// years, and strings a character away from a date.
func TestParseDate_AgreesWithTimeParse(t *testing.T) {
	check := func(s string) {
		t.Helper()
		got, err := value.ParseDate(s)
		want, wantErr := time.Parse(time.DateOnly, s)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("%q: error %v, time.Parse's %v", s, err, wantErr)
		}
		if err == nil && (got.Year() != want.Year() || got.Month() != want.Month() || got.Day() != want.Day()) {
			t.Fatalf("%q: %v, time.Parse gives %v", s, got, want)
		}
	}
	for _, y := range []int{0, 4, 100, 1900, 2000, 2024, 2025, 2100, 9999} {
		for m := 0; m <= 13; m++ {
			for d := 0; d <= 32; d++ {
				check(fmt.Sprintf("%04d-%02d-%02d", y, m, d))
			}
		}
	}
	rapid.Check(t, func(rt *rapid.T) {
		s := []byte(fmt.Sprintf("%04d-%02d-%02d", rapid.IntRange(0, 9999).Draw(rt, "y"), rapid.IntRange(1, 12).Draw(rt, "m"), rapid.IntRange(1, 31).Draw(rt, "d")))
		if rapid.Bool().Draw(rt, "mutate") {
			i := rapid.IntRange(0, len(s)-1).Draw(rt, "at")
			s[i] = rapid.SampledFrom([]byte("0123456789-+ x\xff")).Draw(rt, "to")
		}
		if rapid.Bool().Draw(rt, "cut") {
			s = s[:rapid.IntRange(0, len(s)).Draw(rt, "len")]
		}
		check(string(s))
	})
}
