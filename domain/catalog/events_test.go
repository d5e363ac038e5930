package catalog_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"casework/domain"
	"casework/domain/catalog"
)

// specEvents are the event types the domain brief requires by name.
var specEvents = []string{
	"CaseOpened", "HouseholdCheckRecorded", "NeedsAssessed", "ServicePlanDrafted", "ServiceDelivered",
	"FollowUpRecorded", "CaseReviewed", "ApprovalRequested", "ApprovalGranted", "ApprovalRejected",
	"CaseClosed", "CaseReopened", "CaseArchived", "CaseReassigned",
	"ReferralRequested", "ReferralAccepted", "ReferralRejected", "ReferralStarted", "ReferralOnHold",
	"ReferralResumed", "ReferralCompleted", "ReferralFailed", "ReferralCancelled",
	"ProcurementOpened", "ContractAwarded", "AgreementSigned", "ReportSubmitted", "InspectionRecorded",
	"FundsBudgeted", "FundsDisbursed", "EvaluationRecorded", "ContractRenewed", "ContractNotRenewed",
	"ContractTerminated",
	"StationRegistered", "SiteRecorded", "StaffAssigned", "StaffLeft", "StationRuleRegistered",
	"VolunteerRegistered", "ActivityHeld",
	"AccountCreated", "AccountRoleChanged", "AccountDisabled",
}

// sensitiveEvents must carry at least one field tagged `sensitive`: they
// hold names, ID numbers, income or health of the people served. Station
// staff and volunteers are not among them: their rosters are public.
var sensitiveEvents = []string{
	"CaseOpened", "HouseholdCheckRecorded", "ReferralRequested",
}

// domainDir is the domain/ directory, relative to this package.
const domainDir = ".."

func TestRegistry_HasEveryEventOfTheSpec(t *testing.T) {
	r := catalog.Registry()
	for _, name := range specEvents {
		if _, ok := r.Def(name); !ok {
			t.Errorf("%s is not registered", name)
		}
	}
}

func TestRegistry_NoEventRegisteredByTwoAggregates(t *testing.T) {
	owner := map[string]string{}
	for _, a := range catalog.Aggregates() {
		r := domain.NewRegistry()
		a.RegisterEvents(r)
		for _, name := range r.Names() {
			if prev, dup := owner[name]; dup {
				t.Errorf("%s registered by both %s and %s", name, prev, a.Package)
			}
			owner[name] = a.Package
		}
	}
	func() {
		defer func() {
			if p := recover(); p != nil {
				t.Fatalf("Registry() panicked: %v", p)
			}
		}()
		if got := len(catalog.Registry().Names()); got != len(owner) {
			t.Fatalf("Registry() holds %d types, the aggregates register %d", got, len(owner))
		}
	}()
}

func TestCategories_IncludeClientAndAccessStreams(t *testing.T) {
	cats := catalog.Categories()
	r := catalog.Registry()
	for cat, event := range map[string]string{"client": "ClientForgotten", "access": "SensitiveDataRead"} {
		if !slices.Contains(cats, cat) {
			t.Errorf("categories %v lack %q", cats, cat)
		}
		if _, ok := r.Def(event); !ok {
			t.Errorf("%s is not registered", event)
		}
	}
}

func TestCategories_DistinctAndNamed(t *testing.T) {
	cats := catalog.Categories()
	if len(cats) != len(catalog.Aggregates()) {
		t.Fatalf("%d categories for %d aggregates", len(cats), len(catalog.Aggregates()))
	}
	seen := map[string]bool{}
	for _, c := range cats {
		if c == "" || seen[c] || !regexp.MustCompile(`^[a-z]+$`).MatchString(c) {
			t.Errorf("category %q empty, repeated or not a lowercase word", c)
		}
		seen[c] = true
	}
}

// goldenName matches testdata/events/<Name>.json and <Name>.v<N>.json.
var goldenName = regexp.MustCompile(`^([A-Z][A-Za-z0-9]*)(?:\.v([0-9]+))?\.json$`)

// goldens maps each event name to its golden files under domain/*/
// testdata/events, keyed by schema version (0 for the current one).
func goldens(tb testing.TB) map[string]map[int][]string {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(domainDir, "*", "testdata", "events", "*"))
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string]map[int][]string{}
	for _, f := range files {
		m := goldenName.FindStringSubmatch(filepath.Base(f))
		if m == nil {
			tb.Errorf("%s is not named <Event>.json or <Event>.v<N>.json", f)
			continue
		}
		v := 0
		if m[2] != "" {
			v, _ = strconv.Atoi(m[2])
		}
		if out[m[1]] == nil {
			out[m[1]] = map[int][]string{}
		}
		out[m[1]][v] = append(out[m[1]][v], f)
	}
	return out
}

// owners maps each event name to the package that registers it.
func owners() map[string]catalog.Aggregate {
	out := map[string]catalog.Aggregate{}
	for _, a := range catalog.Aggregates() {
		r := domain.NewRegistry()
		a.RegisterEvents(r)
		for _, n := range r.Names() {
			out[n] = a
		}
	}
	return out
}

// indented is the golden form of an event's JSON: two-space indent and a
// final newline, as the aggregates' own golden tests write it.
func indented(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	if err := json.Indent(&buf, data, "", "  "); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

func TestGolden_OnePerEventDecodesAndReencodesIdentically(t *testing.T) {
	r := catalog.Registry()
	g := goldens(t)
	own := owners()
	for _, name := range r.Names() {
		t.Run(name, func(t *testing.T) {
			files := g[name][0]
			if len(files) != 1 {
				t.Fatalf("want exactly one golden file %s.json, found %v", name, files)
			}
			if pkg := filepath.Base(filepath.Dir(filepath.Dir(filepath.Dir(files[0])))); pkg != own[name].Package {
				t.Errorf("golden %s lies in package %s, the event is registered by %s", files[0], pkg, own[name].Package)
			}
			want, err := os.ReadFile(files[0])
			if err != nil {
				t.Fatal(err)
			}
			def, _ := r.Def(name)
			p, err := r.Decode(name, def.Schema, want)
			if err != nil {
				t.Fatalf("decode at schema %d: %v", def.Schema, err)
			}
			gotName, gotSchema, data, err := r.Encode(p)
			if err != nil {
				t.Fatal(err)
			}
			if gotName != name || gotSchema != def.Schema {
				t.Fatalf("re-encoded as %s schema %d", gotName, gotSchema)
			}
			got, err := indented(data)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("re-encoding differs from the golden file:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestGolden_NoFileForAnUnknownEventOrVersion(t *testing.T) {
	r := catalog.Registry()
	for name, versions := range goldens(t) {
		def, ok := r.Def(name)
		if !ok {
			t.Errorf("golden files for %s, which is not registered: %v", name, versions)
			continue
		}
		for v, files := range versions {
			if v != 0 && (v < 1 || v >= def.Schema) {
				t.Errorf("%v: %s is at schema %d, so no old version %d exists", files, name, def.Schema, v)
			}
			if len(files) > 1 {
				t.Errorf("%s version %d has several golden files: %v", name, v, files)
			}
		}
	}
}

func TestGolden_EveryOldSchemaUpcastsAndDecodes(t *testing.T) {
	r := catalog.Registry()
	g := goldens(t)
	upcast := 0
	for _, name := range r.Names() {
		def, _ := r.Def(name)
		for v := 1; v < def.Schema; v++ {
			t.Run(fmt.Sprintf("%s.v%d", name, v), func(t *testing.T) {
				files := g[name][v]
				if len(files) != 1 {
					t.Fatalf("%s is at schema %d: want one golden file %s.v%d.json, found %v", name, def.Schema, name, v, files)
				}
				old, err := os.ReadFile(files[0])
				if err != nil {
					t.Fatal(err)
				}
				p, err := r.Decode(name, v, old)
				if err != nil {
					t.Fatalf("decode schema %d: %v", v, err)
				}
				if _, _, _, err := r.Encode(p); err != nil {
					t.Fatalf("re-encode: %v", err)
				}
				// A schema that only adds a field still reads the old JSON;
				// the versions differ when the upcasters change what it means.
				if as, err := r.Decode(name, def.Schema, old); err == nil && reflect.DeepEqual(as, p) {
					t.Errorf("the schema-%d file also decodes as schema %d to the same payload: the versions do not differ", v, def.Schema)
				}
			})
			upcast++
		}
	}
	if upcast == 0 {
		t.Fatal("no event type has an old schema: the upcasting mechanism is not shown on any golden file")
	}
}

func TestSensitive_PersonalDataEventsAreTagged(t *testing.T) {
	r := catalog.Registry()
	for _, name := range sensitiveEvents {
		def, ok := r.Def(name)
		if !ok {
			t.Errorf("%s is not registered", name)
			continue
		}
		if len(def.Sensitive) == 0 {
			t.Errorf("%s carries personal data but no field is tagged sensitive", name)
			continue
		}
		t.Logf("%s: %v", name, def.Sensitive)
	}
	var tagged int
	for _, name := range r.Names() {
		if def, _ := r.Def(name); len(def.Sensitive) > 0 {
			tagged++
		}
	}
	if tagged < len(sensitiveEvents) {
		t.Fatalf("only %d event types carry sensitive fields", tagged)
	}
}
