package project

import "casework/domain"

// Rules lists every rule the project commands can return, with its seed.
func Rules() []domain.RuleInfo {
	const s2, d4 = "002", "DOMAIN §4"
	return []domain.RuleInfo{
		{Name: "project.propose.role_allowed", Seed: d4, Summary: "Station staff roles propose community projects."},
		{Name: "project.propose.id_required", Seed: d4, Summary: "A project needs a non-nil id."},
		{Name: "project.propose.station_required", Seed: s2, Summary: "A project is run by a station."},
		{Name: "project.propose.title_required", Seed: s2, Summary: "A project has a title."},
		{Name: "project.propose.domain_known", Seed: "001", Summary: "The service domain is one of the eight."},
		{Name: "project.propose.date_valid", Seed: d4, Summary: "The proposal date is given and not in the future."},

		{Name: "project.complete_stage.role_allowed", Seed: d4, Summary: "Station staff roles complete project stages."},
		{Name: "project.complete_stage.requires_proposed", Seed: s2, Summary: "Stages are completed on a proposed project."},
		{Name: "project.complete_stage.not_closed", Seed: s2, Summary: "A closed project's stages cannot change."},
		{Name: "project.complete_stage.stage_known", Seed: s2, Summary: "The stage is needs_collection, analysis, design, funding, execution or feedback."},
		{Name: "project.complete_stage.no_repeat", Seed: s2, Summary: "A stage is completed once."},
		{Name: "project.complete_stage.no_skip", Seed: s2, Summary: "Stages complete in order: collection, analysis, design, funding, execution, feedback."},
		{Name: "project.complete_stage.funding_requires_funds", Seed: s2, Summary: "The funding stage completes only with funds recorded."},
		{Name: "project.complete_stage.date_valid", Seed: s2, Summary: "A stage's date is given, not in the future, not before the previous stage's."},
		{Name: "project.complete_stage.summary_length", Seed: d4, Summary: "A stage summary has at most 2000 characters."},

		{Name: "project.fund.role_allowed", Seed: d4, Summary: "Station staff roles record project funds."},
		{Name: "project.fund.requires_proposed", Seed: s2, Summary: "Funds are recorded for a proposed project."},
		{Name: "project.fund.not_closed", Seed: s2, Summary: "No funds are recorded on a closed project."},
		{Name: "project.fund.after_design", Seed: s2, Summary: "Funds are raised once the design stage is complete."},
		{Name: "project.fund.amount_positive", Seed: "003", Summary: "An amount is a positive number of fen."},
		{Name: "project.fund.source_required", Seed: "003", Summary: "Funds name their source (earmarked)."},
		{Name: "project.fund.date_valid", Seed: s2, Summary: "The funding date is given, not in the future, not before the design was completed."},

		{Name: "project.close.role_allowed", Seed: d4, Summary: "A supervisor or above closes a project."},
		{Name: "project.close.requires_proposed", Seed: s2, Summary: "Only a proposed project can close."},
		{Name: "project.close.not_closed", Seed: s2, Summary: "A project closes once."},
		{Name: "project.close.outcome_known", Seed: s2, Summary: "The outcome is completed or abandoned."},
		{Name: "project.close.completed_requires_feedback", Seed: s2, Summary: "A project is completed only after its feedback stage."},
		{Name: "project.close.reason_required", Seed: s2, Summary: "An abandoned project gives a reason."},
		{Name: "project.close.date_valid", Seed: s2, Summary: "The closing date is given, not in the future, not before the last stage."},
	}
}
