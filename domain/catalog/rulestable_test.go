package catalog_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"casework/domain"
	"casework/domain/catalog"
	"casework/domain/value"
)

var update = flag.Bool("update", false, "rewrite domain/RULES.md")

// rulesFile is domain/RULES.md, relative to this package.
var rulesFile = filepath.Join(domainDir, "RULES.md")

// coverage maps each requirement of DOMAIN.md §2–§4 and §8 to the prefixes of the
// rules that implement it. Every prefix must match at least one rule.
var coverage = []struct {
	section, item string
	prefixes      []string
}{
	{"§2", "Site: fixed office, at least 40 m² of activity space (有场地)", []string{"station.register.", "station.record_site.", "station.compliance.site_area_min_40"}},
	{"§2", "Staff: station head and 2–3 resident social workers; at least 3 at a pilot station (有人员)", []string{"station.assign_staff.", "station.staff_left.", "station.set_pilot.", "station.compliance.station_head_assigned", "station.compliance.resident_workers_min"}},
	{"§2", "Qualification of resident social workers: diploma or higher, under 40, up to 42 with a bachelor's degree", []string{"station.assign_staff.education_known", "station.assign_staff.certificate_known", "station.assign_staff.birth_date_valid", "station.compliance.resident_workers_qualified"}},
	{"§2", "A volunteer team is formed with the station", []string{"station.register_volunteer.", "station.form_team.", "station.log_hours.", "station.compliance.volunteer_team_formed"}},
	{"§2", "Service functions (有功能)", []string{"station.record_functions.", "station.compliance.functions_recorded"}},
	{"§2", "Registered rules (有制度)", []string{"station.register_rule.", "station.compliance.rules_registered"}},
	{"§2", "Activities held (有活动)", []string{"station.hold_activity.", "station.compliance.activity_in_period"}},
	{"§2", "Compliance is computed: which of the five are met, which rule fails, since when", []string{"station.compliance."}},
	{"§3", "1. Procurement opened by the bureau with one of the five methods", []string{"contract.open."}},
	{"§3", "2. Award to a registered social organisation", []string{"contract.award.", "org.register.contractor_social_organisation", "value.credit_code."}},
	{"§3", "3. Tripartite agreement, three-year cycle signed every year", []string{"contract.sign."}},
	{"§3", "4. Delivery: staffing as agreed, no subcontracting", []string{"contract.staffing.", "contract.subcontracting."}},
	{"§3", "5. Reporting: monthly briefing, mid-term and final report", []string{"contract.report."}},
	{"§3", "6. Supervision and inspection visits", []string{"contract.inspect."}},
	{"§3", "7. Funds: earmarked budget lines and disbursements; social-assistance share at most 5 %", []string{"contract.budget.", "contract.disburse.", "value.fen."}},
	{"§3", "8. Third-party year-end evaluation", []string{"contract.evaluate."}},
	{"§3", "9. Pass → renew; fail → no renewal; termination for breach", []string{"contract.renew.", "contract.not_renew.", "contract.terminate."}},
	{"§4", "Intake: source, client and household, service domain", []string{"case.open.", "value.resident_id.", "value.division_code."}},
	{"§4", "Household economic check with the rule version used", []string{"case.household_check."}},
	{"§4", "Needs assessment", []string{"case.assess."}},
	{"§4", "Service plan", []string{"case.plan."}},
	{"§4", "Service delivery", []string{"case.service."}},
	{"§4", "Referral (HL7 FHIR Task states)", []string{"referral.request.", "referral.transition.", "referral.accept.", "referral.reject.", "referral.start.", "referral.hold.", "referral.resume.", "referral.complete.", "referral.fail.", "referral.cancel."}},
	{"§4", "Follow-up visit and review", []string{"case.follow_up.", "case.review."}},
	{"§4", "Supervisor approvals of assessment, plan and closure", []string{"case.approval."}},
	{"§4", "Closure with outcome and reason, refused without an approved closure", []string{"case.close."}},
	{"§4", "Reopen", []string{"case.reopen."}},
	{"§4", "Archive", []string{"case.archive."}},
	{"§4", "Reassignment of the worker", []string{"case.reassign."}},
	{"§4", "Group work, community activities and community projects", []string{"station.hold_activity.", "project."}},
	{"§8", "Deletion on request (PIPL Art. 47): asked by one admin, approved by another, or done by an operator", []string{"privacy.forget.", "privacy.forget_now."}},
	{"§8", "Every read of sensitive data by a person is recorded, with its purpose", []string{"privacy.read."}},
}

func TestRulesTable_IsCurrent(t *testing.T) {
	rules := catalog.Rules()
	direct, indirect := scanTests(t, domainDir)
	home := homes()
	proved := map[string][]string{}
	for _, r := range rules {
		proved[r.Name] = proving(r.Name, home[r.Name], direct, indirect)
	}

	seen := map[string]bool{}
	for _, r := range rules {
		if seen[r.Name] {
			t.Errorf("rule %s is listed twice", r.Name)
		}
		seen[r.Name] = true
		if strings.TrimSpace(r.Seed) == "" || strings.TrimSpace(r.Summary) == "" {
			t.Errorf("rule %s has no seed or no summary", r.Name)
		}
		if len(proved[r.Name]) == 0 {
			t.Errorf("rule %s: no test under domain/ names it", r.Name)
		}
	}
	for _, c := range coverage {
		for _, p := range c.prefixes {
			if matching(rules, p) == 0 {
				t.Errorf("DOMAIN.md %s %q: prefix %s matches no rule", c.section, c.item, p)
			}
		}
	}

	got := renderRules(rules, proved, catalog.Registry())
	if *update {
		if err := os.WriteFile(rulesFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(rulesFile)
	if err != nil {
		t.Fatalf("%v (run go test ./domain/catalog -run RulesTable -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("domain/RULES.md is out of date; run go test ./domain/catalog -run RulesTable -update")
	}
}

// homes maps each rule to the package that declares it.
func homes() map[string]string {
	out := map[string]string{}
	for _, r := range value.Rules() {
		out[r.Name] = "value"
	}
	for _, a := range catalog.Aggregates() {
		for _, r := range a.Rules() {
			out[r.Name] = a.Package
		}
	}
	return out
}

func matching(rules []domain.RuleInfo, prefix string) int {
	n := 0
	for _, r := range rules {
		if strings.HasPrefix(r.Name, prefix) {
			n++
		}
	}
	return n
}

// cell escapes s for a markdown table cell.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

func codes(xs []string) string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = "`" + x + "`"
	}
	return strings.Join(out, ", ")
}

func renderRules(rules []domain.RuleInfo, proved map[string][]string, reg *domain.Registry) []byte {
	var b bytes.Buffer
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }

	w("# Rules of the casework domain\n\n")
	w("Generated by `go test ./domain/catalog -run RulesTable -update`; do not edit by hand.\n")
	w("The test fails when this file differs from what the code says, when a rule lacks a seed,\n")
	w("a summary or a test that names it, when a rule name is used twice, or when a prefix in the\n")
	w("coverage section matches no rule.\n\n")
	w("A rule error (`domain.Error`) carries the rule's name, the offending field and a message.\n")
	w("Seeds `000`–`004` are the source documents in `shared/seeds/`; `DOMAIN §n` is a section of\n")
	w("`shared/DOMAIN.md`; `PIPL Art. n` is an article of the Personal Information Protection Law.\n")
	w("The column \"Proved by\" shows the first two test functions under `domain/` that name\n")
	w("the rule: those of the rule's own package first, and among them those that name it in their own\n")
	w("body before those that reach it through a table or helper of their package.\n\n")

	w("## Rules (%d)\n\n", len(rules))
	w("| Rule | Seed | Summary | Proved by |\n|---|---|---|---|\n")
	for _, r := range rules {
		tests := proved[r.Name]
		if len(tests) > 2 {
			tests = tests[:2]
		}
		w("| `%s` | %s | %s | %s |\n", r.Name, cell(r.Seed), cell(r.Summary), codes(tests))
	}

	names := reg.Names()
	category := map[string]string{}
	for _, a := range catalog.Aggregates() {
		r := domain.NewRegistry()
		a.RegisterEvents(r)
		for _, n := range r.Names() {
			category[n] = a.Category
		}
	}
	w("\n## Event types (%d)\n\n", len(names))
	w("Every type has a golden file `domain/<package>/testdata/events/<Type>.json`; a type at\n")
	w("schema N > 1 also has `<Type>.v1.json` … `<Type>.v<N-1>.json`, read through its upcasters.\n")
	w("The sensitive fields (JSON paths of fields tagged `sensitive`, DOMAIN.md §8) are the ones the\n")
	w("store encrypts per client.\n\n")
	w("| Event type | Category | Schema | Sensitive fields |\n|---|---|---|---|\n")
	for _, a := range catalog.Aggregates() {
		for _, n := range names {
			if category[n] != a.Category {
				continue
			}
			def, _ := reg.Def(n)
			sens := "—"
			if len(def.Sensitive) > 0 {
				sens = codes(def.Sensitive)
			}
			w("| `%s` | %s | %d | %s |\n", n, a.Category, def.Schema, sens)
		}
	}

	w("\n## Coverage of DOMAIN.md §2–§4 and §8\n\n")
	w("Each requirement of DOMAIN.md §2 (stations), §3 (contracts, steps 1–9), §4 (cases) and §8\n")
	w("(sensitive personal information) and the rule-name prefixes that implement it, with the number\n")
	w("of rules each prefix matches.\n\n")
	w("| § | Requirement | Rules |\n|---|---|---|\n")
	for _, c := range coverage {
		parts := make([]string, len(c.prefixes))
		for i, p := range c.prefixes {
			parts[i] = fmt.Sprintf("`%s` (%d)", p, matching(rules, p))
		}
		w("| %s | %s | %s |\n", c.section, cell(c.item), strings.Join(parts, ", "))
	}
	return b.Bytes()
}
