// Package all lists casework's projections, in the order the runner
// applies them within a batch.
package all

import (
	"casework/projections"
	"casework/projections/audittrail"
	"casework/projections/caseload"
	"casework/projections/compliance"
	"casework/projections/contracts"
	"casework/projections/delivery"
)

// Defs returns every projection's definition.
func Defs() []projections.Def {
	return []projections.Def{caseload.Def(), contracts.Def(), delivery.Def(), compliance.Def(), audittrail.Def()}
}

// Names returns every projection's name.
func Names() []string {
	var out []string
	for _, d := range Defs() {
		out = append(out, d.Name)
	}
	return out
}
