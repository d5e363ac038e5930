package project_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"pgregory.net/rapid"

	"casework/domain"
	"casework/domain/project"
	"casework/domain/value"
)

// TestProject_RandomCommands_NeverPanicAndFoldConsistently drives one
// project's stream with random commands by random actors, and checks that
// completed stages always form a prefix of the stage order.
func TestProject_RandomCommands_NeverPanicAndFoldConsistently(t *testing.T) {
	roles := append(domain.Roles(), domain.RoleSystem)
	dates := []value.Date{{}, d("2025-08-31"), d("2025-09-01"), d("2025-10-01"), d("2025-11-01"), d("2026-03-02"), d("2026-03-03")}
	rapid.Check(t, func(t *rapid.T) {
		var s project.State
		var log []domain.Payload
		steps := rapid.IntRange(1, 30).Draw(t, "steps")
		for i := 0; i < steps; i++ {
			cmd := cmdAs(rapid.SampledFrom(roles).Draw(t, "role"))
			date := rapid.SampledFrom(dates).Draw(t, "date")
			before := stateCopy(&s)
			var ps []domain.Payload
			var err error
			switch rapid.IntRange(0, 3).Draw(t, "command") {
			case 0:
				if s.Exists {
					continue // a stream is created once; the store enforces it
				}
				ps, err = project.Propose(cmd, rapid.SampledFrom([]uuid.UUID{uuid.Nil, projectID}).Draw(t, "id"), project.ProposeInput{
					StationID:  rapid.SampledFrom([]uuid.UUID{uuid.Nil, stID}).Draw(t, "station"),
					Title:      rapid.SampledFrom([]string{"", "项目"}).Draw(t, "title"),
					Domain:     rapid.SampledFrom(append(domain.ServiceDomains(), "x")).Draw(t, "domain"),
					ProposedOn: date,
				})
			case 1:
				ps, err = s.CompleteStage(cmd, project.CompleteStageInput{
					Stage: rapid.SampledFrom(append(project.Stages(), "x")).Draw(t, "stage"), CompletedOn: date})
			case 2:
				ps, err = s.Fund(cmd, project.FundInput{Amount: value.Fen(rapid.Int64Range(-1, 1000000).Draw(t, "amount")),
					Source: rapid.SampledFrom([]string{"", "公益金"}).Draw(t, "source"), FundedOn: date})
			case 3:
				ps, err = s.Close(cmd, project.CloseInput{Outcome: rapid.SampledFrom([]project.Outcome{project.OutcomeCompleted, project.OutcomeAbandoned, "x"}).Draw(t, "outcome"),
					Reason: rapid.SampledFrom([]string{"", "撤销"}).Draw(t, "reason"), ClosedOn: date})
			}
			if err != nil {
				if ps != nil {
					t.Fatalf("refused command returned events: %v", ps)
				}
				assertKnownRules(t, err)
				if diff := cmp.Diff(before, &s, exported); diff != "" {
					t.Fatalf("refused command changed state:\n%s", diff)
				}
				continue
			}
			if len(ps) == 0 {
				t.Fatal("accepted command returned no events")
			}
			fold(t, &s, ps...)
			log = append(log, ps...)
			for i, c := range s.Completed {
				if c.Stage != project.Stages()[i] {
					t.Fatalf("stage %d is %s, want %s", i, c.Stage, project.Stages()[i])
				}
				if i > 0 && c.CompletedOn.Before(s.Completed[i-1].CompletedOn) {
					t.Fatalf("stage %s dated before the previous one", c.Stage)
				}
			}
			if s.Done(project.StageFunding) && s.Funded <= 0 {
				t.Fatal("funding stage completed without funds")
			}
		}
		var fresh project.State
		fold(t, &fresh, log...)
		if diff := cmp.Diff(&s, &fresh, exported); diff != "" {
			t.Fatalf("fold from scratch differs from step-by-step state:\n%s", diff)
		}
	})
}
