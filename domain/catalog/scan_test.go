package catalog_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func writeFile(tb testing.TB, path, text string) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func TestScanTests_FindsLiteralsConstantsAndTables_SkipsRuleListTests(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "thing", "thing.go"), `package thing
const RuleShared = "thing.shared.rule"
const ruleInner = "thing.inner.rule"
`)
	writeFile(t, filepath.Join(root, "thing", "internal_test.go"), `package thing
import "testing"
func TestInner_UsesUnexportedConst(t *testing.T) { _ = ruleInner }
`)
	writeFile(t, filepath.Join(root, "thing", "thing_test.go"), `package thing_test
import (
	"testing"
	th "casework/domain/thing"
)
var table = map[string]string{"a": "thing.table.rule"}
func helper() string { return "thing.helper.rule" }
func TestDirect_Refused(t *testing.T) { _ = "thing.direct.rule"; _ = th.RuleShared }
func TestTable_Refused(t *testing.T) { _ = table; _ = helper() }
func TestRules_Listed(t *testing.T) { _ = "thing.listed.rule" }
func Testlower(t *testing.T) { _ = "thing.lower.rule" }
`)
	direct, indirect := scanTests(t, root)
	for _, c := range []struct {
		rule      string
		in        proofs
		want      []string
		wantOther proofs
	}{
		{"thing.direct.rule", direct, []string{"thing.TestDirect_Refused"}, indirect},
		{"thing.shared.rule", direct, []string{"thing.TestDirect_Refused"}, indirect},
		{"thing.inner.rule", direct, []string{"thing.TestInner_UsesUnexportedConst"}, indirect},
		{"thing.table.rule", indirect, []string{"thing.TestTable_Refused"}, direct},
		{"thing.helper.rule", indirect, []string{"thing.TestTable_Refused"}, direct},
		{"thing.listed.rule", direct, nil, indirect},
		{"thing.lower.rule", direct, nil, indirect},
	} {
		if got := c.in[c.rule]; !slices.Equal(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.rule, got, c.want)
		}
		if got := c.wantOther[c.rule]; len(got) != 0 {
			t.Errorf("%s also found in the other map: %v", c.rule, got)
		}
	}
	if got := proving("thing.table.rule", "thing", direct, indirect); !slices.Equal(got, []string{"thing.TestTable_Refused"}) {
		t.Errorf("proving = %v", got)
	}
}
