package value

import (
	"fmt"
	"time"

	"casework/domain"
)

// Shanghai is China Standard Time (UTC+8, no daylight saving), fixed so
// that no tzdata is needed.
var Shanghai = time.FixedZone("CST", 8*3600)

// Date is a calendar date in China Standard Time, used for birth dates,
// visit dates, review dates and deadlines. The zero value is "no date".
// Dates are comparable with ==.
type Date struct {
	y int
	m time.Month
	d int
}

// NewDate returns the date y-m-d, normalising out-of-range values as
// time.Date does (Feb 30 becomes Mar 1 or 2).
func NewDate(y int, m time.Month, d int) Date {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return Date{t.Year(), t.Month(), t.Day()}
}

// ParseDate reads "2006-01-02". Errors are *domain.Error of KindInvalid
// with rule value.date.format for anything else, including a non-existent
// day such as 2025-02-29.
func ParseDate(s string) (Date, error) {
	if d, ok := plainDate(s); ok {
		return d, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, domain.Invalid("value.date.format", "",
			fmt.Sprintf("%q is not a real date written as 2006-01-02", s))
	}
	return Date{t.Year(), t.Month(), t.Day()}, nil
}

// plainDate reads s when it is "YYYY-MM-DD" in digits naming a real day,
// as time.Parse would; anything else is for time.Parse to judge.
func plainDate(s string) (Date, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, false
	}
	return dateOfDigits(s[0:4], s[5:7], s[8:10])
}

// dateOfDigits reads year, month and day written in ASCII digits only, and
// returns the date when it is a real day.
func dateOfDigits(year, month, day string) (Date, bool) {
	y, ok1 := digits(year)
	m, ok2 := digits(month)
	d, ok3 := digits(day)
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return Date{}, false
	}
	return Date{y, time.Month(m), d}, true
}

// digits reads s, a non-empty run of ASCII digits, as a number.
func digits(s string) (int, bool) {
	v := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		v = v*10 + int(s[i]-'0')
	}
	return v, s != ""
}

// MustParseDate is ParseDate for constants; it panics on an invalid date.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// DateOf returns the calendar date of t in China Standard Time.
func DateOf(t time.Time) Date {
	t = t.In(Shanghai)
	return Date{t.Year(), t.Month(), t.Day()}
}

// String returns "2006-01-02", or "" for the zero value.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return string(d.appendTo(make([]byte, 0, 10)))
}

// appendTo appends d as String writes it: "%04d-%02d-%02d".
func (d Date) appendTo(b []byte) []byte {
	if d.y < 0 || d.y > 9999 {
		return fmt.Appendf(b, "%04d-%02d-%02d", d.y, int(d.m), d.d)
	}
	y, m := d.y, int(d.m)
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d.d/10), byte('0'+d.d%10))
}

// IsZero reports whether d is the zero value.
func (d Date) IsZero() bool { return d == Date{} }

// Year returns the year.
func (d Date) Year() int { return d.y }

// Month returns the month.
func (d Date) Month() time.Month { return d.m }

// Day returns the day of the month.
func (d Date) Day() int { return d.d }

func (d Date) utc() time.Time { return time.Date(d.y, d.m, d.d, 0, 0, 0, 0, time.UTC) }

// Before reports whether d is earlier than o.
func (d Date) Before(o Date) bool { return d.utc().Before(o.utc()) }

// After reports whether d is later than o.
func (d Date) After(o Date) bool { return d.utc().After(o.utc()) }

// Equal reports whether d and o are the same date.
func (d Date) Equal(o Date) bool { return d == o }

// AddDays returns d plus n days (n may be negative).
func (d Date) AddDays(n int) Date { return NewDate(d.y, d.m, d.d+n) }

// AddMonths returns d plus n months, clamped to the end of the target
// month: Jan 31 + 1 month is Feb 28 (Feb 29 in a leap year).
func (d Date) AddMonths(n int) Date {
	total := d.y*12 + int(d.m-1) + n
	y, m := total/12, total%12+1
	if m < 1 { // negative totals only occur for years before 0
		y, m = y-1, m+12
	}
	day := d.d
	if last := daysIn(y, m); day > last {
		day = last
	}
	return Date{y, time.Month(m), day}
}

// EndOfMonth returns the last day of d's month.
func (d Date) EndOfMonth() Date { return Date{d.y, d.m, daysIn(d.y, int(d.m))} }

// Start returns 00:00 of d in China Standard Time.
func (d Date) Start() time.Time { return time.Date(d.y, d.m, d.d, 0, 0, 0, 0, Shanghai) }

// Quarter returns 1..4.
func (d Date) Quarter() int { return (int(d.m)-1)/3 + 1 }

// DaysBetween returns the number of days from a to b: positive when b is
// after a, 0 on the same date.
func DaysBetween(a, b Date) int {
	return int((b.utc().Unix() - a.utc().Unix()) / 86400)
}

// MarshalText encodes d as "2006-01-02" ("" when zero).
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	return d.appendTo(make([]byte, 0, 10)), nil
}

// UnmarshalText parses text with ParseDate; "" gives the zero value.
func (d *Date) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(text))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

func daysIn(y, m int) int {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
