package project_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/internal/domaintest"
	"casework/domain/project"
	"casework/domain/value"
)

var (
	now   = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	admin = domain.Cmd{Actor: domain.Actor{ID: "acc-admin", Role: domain.RoleAdmin}, Now: now}
)

func cmdAs(role domain.Role) domain.Cmd {
	return domain.Cmd{Actor: domain.Actor{ID: "acc-" + string(role), Role: role}, Now: now}
}

// failer is what both *testing.T and *rapid.T offer to helpers.
type failer = domaintest.TB

// fold applies payloads to s as the store would, numbering revisions.
func fold(tb failer, s *project.State, ps ...domain.Payload) {
	tb.Helper()
	for _, p := range ps {
		s.Apply(domain.Event{Revision: s.Version, Payload: p, RecordedAt: now, OccurredAt: now})
	}
}

// rules tracks the package's rules table against what the tests see.
var rules = domaintest.NewRules("project.", project.Rules())

// wantRule asserts err carries rule with kind k, and that every rule in err
// is listed in project.Rules().
func wantRule(tb failer, err error, rule string, k domain.Kind) {
	tb.Helper()
	rules.Want(tb, err, rule, k)
}

func assertKnownRules(tb failer, err error) {
	tb.Helper()
	rules.Known(tb, err)
}

func TestRules_UniqueDocumentedAndProven(t *testing.T) { rules.CheckTable(t) }

// exported lets cmp look into the value types' unexported fields.
var exported = cmp.Exporter(func(reflect.Type) bool { return true })

// must returns a function that fails the test when a command is refused
// and otherwise folds its events into s: must(t, s)(s.Cmd(...)).
func must(tb failer, s *project.State) func([]domain.Payload, error) {
	return func(ps []domain.Payload, err error) {
		tb.Helper()
		if err != nil {
			tb.Fatalf("command refused: %v", err)
		}
		fold(tb, s, ps...)
	}
}

func d(s string) value.Date { return value.MustParseDate(s) }

var (
	projectID = uuid.MustParse("0195f3a0-0000-7000-8000-00000000b001")
	stID      = uuid.MustParse("0195f3a0-0000-7000-8000-00000000b002")
	contract  = uuid.MustParse("0195f3a0-0000-7000-8000-00000000b003")
)

// proposed returns a project proposed on 2025-09-01.
func proposed(tb failer) *project.State {
	tb.Helper()
	var s project.State
	must(tb, &s)(project.Propose(cmdAs(domain.RoleSocialWorker), projectID, project.ProposeInput{
		StationID: stID, ContractID: &contract, Title: "留守儿童“童伴计划”", Domain: domain.ChildWelfare, ProposedOn: d("2025-09-01"),
	}))
	return &s
}

// through completes stages up to and including last, one a week from
// 2025-09-08, funding it once designed.
func through(tb failer, s *project.State, last project.Stage) {
	tb.Helper()
	on := d("2025-09-08")
	for _, st := range project.Stages() {
		if st == project.StageFunding {
			must(tb, s)(s.Fund(admin, project.FundInput{Amount: 3000000, Source: "县民政局社会救助专项", FundedOn: on}))
		}
		must(tb, s)(s.CompleteStage(admin, project.CompleteStageInput{Stage: st, CompletedOn: on}))
		if st == last {
			return
		}
		on = on.AddDays(7)
	}
}

// stateCopy returns a deep copy of s.
func stateCopy(s *project.State) *project.State {
	c := *s
	c.Completed = slices.Clone(s.Completed)
	c.Funds = slices.Clone(s.Funds)
	return &c
}
