package account_test

import (
	"os"
	"testing"

	"casework/domain/account"
	"casework/domain/internal/domaintest"
)

// rules tracks the package's rules table against what the tests see.
var rules = domaintest.NewRules("account.", append(account.Rules(), account.LoginRules()...))

func TestRules_NoDuplicatesAndComplete(t *testing.T) { rules.CheckTable(t) }

// record notes the rules err carries and fails tb if one of them is
// missing from Rules(): every rule a command returns must be listed.
func record(tb testing.TB, err error) {
	tb.Helper()
	rules.Record(tb, err)
}

// TestMain checks, after a full run of the package's tests, that every rule
// in Rules() was returned by some test, so that no listed rule is untested.
func TestMain(m *testing.M) { os.Exit(rules.Main(m)) }
