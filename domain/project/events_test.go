package project_test

import (
	"flag"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/internal/domaintest"
	"casework/domain/project"
	"casework/domain/value"
)

var update = flag.Bool("update", false, "rewrite golden files")

// samples holds one realistic payload per event type.
func samples() []domain.Payload {
	contract := uuid.MustParse("0195f3a0-7c1e-7d2a-9b40-3c5d6e7f8c03")
	return []domain.Payload{
		project.ProjectProposed{
			ProjectID:  uuid.MustParse("0195f3a0-7c1e-7d2a-9b40-3c5d6e7f8c01"),
			StationID:  uuid.MustParse("0195f3a0-7c1e-7d2a-9b40-3c5d6e7f8c02"),
			ContractID: &contract, Title: "老年厨房：留守老人助餐服务", Domain: domain.ElderlyCare,
			ProposedOn: value.MustParseDate("2022-01-10"),
		},
		project.ProjectStageCompleted{Stage: project.StageNeedsCollection, CompletedOn: value.MustParseDate("2022-01-28"),
			Summary: "入户走访86户，收集助餐需求问卷72份"},
		project.ProjectFunded{Amount: value.Fen(30000000), Source: "县民政局、爱心企业及社区微基金整合资金", FundedOn: value.MustParseDate("2022-03-15")},
		project.ProjectClosed{Outcome: project.OutcomeCompleted, ClosedOn: value.MustParseDate("2022-12-30")},
	}
}

func TestEvents_Golden(t *testing.T) {
	domaintest.Golden(t, project.RegisterEvents, samples(), *update,
		func(want, got domain.Payload) string { return cmp.Diff(want, got, exported) })
}
