package domain

import (
	"reflect"
	"strings"
)

// Sensitivity categories for the `sensitive:"..."` struct tag. A payload
// field carrying personal information that PIPL Art. 28 treats as sensitive
// (DOMAIN.md §8) is tagged with one of these, so that the store layer can
// encrypt exactly those fields per client.
const (
	SensitiveIDNumber  = "id_number" // resident ID numbers
	SensitiveMinor     = "minor"     // names and circumstances of children
	SensitiveFinancial = "financial" // household income and assets
	SensitiveHealth    = "health"    // health and disability notes
	SensitiveContact   = "contact"   // phone numbers, addresses
	SensitiveName      = "name"      // names of adults in a case
	SensitiveNarrative = "narrative" // free-text notes about a person's circumstances
)

// SensitivePaths lists the JSON paths ("household.members[].id_number") of
// the fields of t tagged `sensitive`, in declaration order.
func SensitivePaths(t reflect.Type) []string {
	var out []string
	walkSensitive(t, "", &out, map[reflect.Type]bool{})
	return out
}

func walkSensitive(t reflect.Type, prefix string, out *[]string, seen map[reflect.Type]bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		walkSensitive(t.Elem(), prefix+"[]", out, seen)
		return
	case reflect.Map:
		walkSensitive(t.Elem(), prefix+"{}", out, seen)
		return
	case reflect.Struct:
	default:
		return
	}
	if seen[t] {
		return
	}
	seen[t] = true
	defer delete(seen, t)
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name := f.Name
		if tag, ok := f.Tag.Lookup("json"); ok {
			n, _, _ := strings.Cut(tag, ",")
			if n == "-" {
				continue
			}
			if n != "" {
				name = n
			}
		}
		path := name
		if prefix != "" {
			path = prefix + "." + name
		}
		if _, ok := f.Tag.Lookup("sensitive"); ok {
			*out = append(*out, path)
			continue
		}
		walkSensitive(f.Type, path, out, seen)
	}
}
