package catalog_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"
	"unicode"

	"github.com/google/uuid"
	"pgregory.net/rapid"

	"casework/domain"
	"casework/domain/catalog"
	"casework/domain/value"
)

// Commands fold the events they append from the payloads in memory
// (Registry.Stored) rather than from the JSON written: for every event type,
// and values built as commands build them (times in any zone with a
// monotonic reading, nil and empty slices, absent and present pointers,
// invalid UTF-8, zero value types), Stored must give exactly what decoding
// the encoded JSON gives.
func TestRegistry_StoredIsWhatDecodeReturns(t *testing.T) {
	r := catalog.Registry()
	for _, name := range r.Names() {
		d, _ := r.Def(name)
		t.Run(name, func(t *testing.T) {
			if !r.Mirrored(name) {
				t.Fatalf("%s is not mirrored: its appends would be folded from decoded JSON", name)
			}
			rapid.Check(t, func(t *rapid.T) {
				v := reflect.New(d.Type).Elem()
				draw(t, v, "payload")
				p := v.Interface().(domain.Payload)
				_, schema, data, err := r.Encode(p)
				if err != nil {
					if _, ok := r.Stored(p); ok {
						t.Fatalf("Stored mirrors a payload that does not encode (%v)", err)
					}
					return
				}
				want, err := r.Decode(name, schema, data)
				if err != nil {
					t.Fatalf("decode %s: %v", data, err)
				}
				got, ok := r.Stored(p)
				if !ok {
					t.Fatalf("Stored refused a payload that encodes: %s", data)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("Stored differs from the decoded JSON %s:\n got %#v\nwant %#v", data, got, want)
				}
			})
		})
	}
}

var (
	timeType = reflect.TypeFor[time.Time]()
	uuidType = reflect.TypeFor[uuid.UUID]()
	// leafSamples are texts that value types accept.
	leafSamples = map[reflect.Type][]string{
		reflect.TypeFor[value.Date]():         {"2026-03-31", "1949-10-01", "2100-02-28"},
		reflect.TypeFor[value.DivisionCode](): {"330102", "330100", "330000"},
		reflect.TypeFor[value.ResidentID]():   {"510108196505120029", "11010519491231002X"},
		reflect.TypeFor[value.CreditCode]():   {"52330102MJ8800001X"},
	}
	zones = []*time.Location{time.UTC, time.Local, time.FixedZone("CST", 8*3600), time.FixedZone("", -(3*3600 + 30*60))}
)

// draw fills v (settable, zero) with a generated value of its type.
func draw(t *rapid.T, v reflect.Value, label string) {
	typ := v.Type()
	if samples, ok := leafSamples[typ]; ok {
		if rapid.IntRange(0, 4).Draw(t, label+"_zero") > 0 {
			s := rapid.SampledFrom(samples).Draw(t, label)
			if err := v.Addr().Interface().(interface{ UnmarshalText([]byte) error }).UnmarshalText([]byte(s)); err != nil {
				t.Fatalf("sample %q of %v: %v", s, typ, err)
			}
		}
		return
	}
	switch typ {
	case timeType:
		if rapid.IntRange(0, 5).Draw(t, label+"_zero") == 0 {
			return
		}
		tm := time.Unix(rapid.Int64Range(-2e9, 5e9).Draw(t, label+"_s"), rapid.Int64Range(0, 999_999_999).Draw(t, label+"_ns"))
		if rapid.Bool().Draw(t, label+"_mono") {
			tm = time.Now().Add(time.Duration(rapid.Int64Range(-1e15, 1e15).Draw(t, label+"_d")))
		}
		v.Set(reflect.ValueOf(tm.In(rapid.SampledFrom(zones).Draw(t, label+"_zone"))))
		return
	case uuidType:
		if rapid.Bool().Draw(t, label+"_nil") {
			return
		}
		var id uuid.UUID
		copy(id[:], rapid.SliceOfN(rapid.Byte(), 16, 16).Draw(t, label))
		v.Set(reflect.ValueOf(id))
		return
	}
	switch typ.Kind() {
	case reflect.Bool:
		v.SetBool(rapid.Bool().Draw(t, label))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		bits := typ.Bits()
		v.SetInt(rapid.Int64Range(-1<<(bits-1), 1<<(bits-1)-1).Draw(t, label))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(rapid.Uint64Range(0, 1<<typ.Bits()-1).Draw(t, label))
	case reflect.String:
		s := rapid.OneOf(
			rapid.SampledFrom([]string{"", " ", "张秀兰", "入户走访，了解老人近况。", `<a href="x">&</a>`, "\u2028\t\"\\"}),
			rapid.String(),
			rapid.StringOf(rapid.RuneFrom([]rune{'<', '&', 0x2028, 0xfffd, 0}, unicode.Han, unicode.Zs)),
			rapid.Map(rapid.SliceOf(rapid.Byte()), func(b []byte) string { return string(b) }),
		).Draw(t, label)
		v.SetString(s)
	case reflect.Pointer:
		if rapid.Bool().Draw(t, label+"_nil") {
			return
		}
		p := reflect.New(typ.Elem())
		draw(t, p.Elem(), label)
		v.Set(p)
	case reflect.Slice:
		switch n := rapid.IntRange(-1, 3).Draw(t, label+"_len"); n {
		case -1:
			return
		default:
			s := reflect.MakeSlice(typ, n, n)
			for i := range n {
				draw(t, s.Index(i), fmt.Sprintf("%s[%d]", label, i))
			}
			v.Set(s)
		}
	case reflect.Struct:
		for i := range typ.NumField() {
			if f := typ.Field(i); f.IsExported() {
				draw(t, v.Field(i), label+"."+f.Name)
			}
		}
	default:
		t.Fatalf("no generator for %v (%v)", typ, typ.Kind())
	}
}
