package org_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"pgregory.net/rapid"

	"casework/domain"
	"casework/domain/org"
	"casework/domain/value"
)

// TestOrg_RandomCommands_NeverPanicAndFoldConsistently drives one unit's
// stream with random commands by random actors.
func TestOrg_RandomCommands_NeverPanicAndFoldConsistently(t *testing.T) {
	roles := append(domain.Roles(), domain.RoleSystem)
	kinds := append(org.Kinds(), "province", "")
	names := []string{"", " ", "江安镇社工站", "夕佳山镇社工站", "县慈善会"}
	divisions := []string{"", "511500", "511523", "500000", "51152", "abcdef"}
	credits := []string{"", goodCredit, badCheckCredit, companyCredit, "bad"}
	parents := []uuid.UUID{uuid.Nil, cityID, countyID, stationID, unitID}
	rapid.Check(t, func(t *rapid.T) {
		var s org.State
		var log []domain.Payload
		steps := rapid.IntRange(1, 12).Draw(t, "steps")
		for i := 0; i < steps; i++ {
			cmd := cmdAs(rapid.SampledFrom(roles).Draw(t, "role"))
			before := s
			var ps []domain.Payload
			var err error
			switch rapid.IntRange(0, 2).Draw(t, "command") {
			case 0:
				if s.Exists {
					continue // a stream is created once; the store enforces it
				}
				in := org.RegisterInput{
					Kind:         rapid.SampledFrom(kinds).Draw(t, "kind"),
					Name:         rapid.SampledFrom(names).Draw(t, "name"),
					ParentID:     rapid.SampledFrom(parents).Draw(t, "parent"),
					Division:     rapid.SampledFrom(divisions).Draw(t, "division"),
					CreditCode:   rapid.SampledFrom(credits).Draw(t, "credit"),
					ParentKind:   rapid.SampledFrom(kinds).Draw(t, "parent_kind"),
					ParentClosed: rapid.Bool().Draw(t, "parent_closed"),
				}
				if rapid.Bool().Draw(t, "parent_division") {
					in.ParentDivision = value.MustParseDivisionCode("511500")
				}
				ps, err = org.Register(cmd, rapid.SampledFrom([]uuid.UUID{uuid.Nil, unitID}).Draw(t, "id"), in)
			case 1:
				ps, err = s.Rename(cmd, org.RenameInput{Name: rapid.SampledFrom(names).Draw(t, "name")})
			case 2:
				ps, err = s.Close(cmd, org.CloseInput{
					Reason:       rapid.SampledFrom([]string{"", "撤并"}).Draw(t, "reason"),
					OpenChildren: rapid.IntRange(0, 2).Draw(t, "children"),
				})
			}
			if err != nil {
				if ps != nil {
					t.Fatalf("refused command returned events: %v", ps)
				}
				assertKnownRules(t, err)
				if diff := cmp.Diff(before, s, exported); diff != "" {
					t.Fatalf("refused command changed state:\n%s", diff)
				}
				continue
			}
			if len(ps) == 0 {
				t.Fatal("accepted command returned no events")
			}
			fold(t, &s, ps...)
			log = append(log, ps...)
		}
		var fresh org.State
		fold(t, &fresh, log...)
		if diff := cmp.Diff(s, fresh, exported); diff != "" {
			t.Fatalf("fold from scratch differs from step-by-step state:\n%s", diff)
		}
	})
}
