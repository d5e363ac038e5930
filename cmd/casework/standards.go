package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	"casework/domain/casefile"
	"casework/domain/value"
)

// demoStandards are the minimum-living standards (低保标准) used when no
// --standards file is given: the demo city's urban-rural unified standard,
// effective-dated, in fen per person per month. They are illustrative
// figures for the demo county, not an official table.
func demoStandards() []casefile.MinimumLivingStandard {
	city := value.MustParseDivisionCode("330100")
	county := value.MustParseDivisionCode("330112")
	return []casefile.MinimumLivingStandard{
		{RuleID: "hangzhou-dibao", Version: 1, County: city, EffectiveFrom: value.MustParseDate("2023-07-01"), MonthlyPerCapita: value.Yuan(1195)},
		{RuleID: "hangzhou-dibao", Version: 2, County: city, EffectiveFrom: value.MustParseDate("2024-07-01"), MonthlyPerCapita: value.Yuan(1240)},
		{RuleID: "hangzhou-dibao", Version: 3, County: city, EffectiveFrom: value.MustParseDate("2025-07-01"), MonthlyPerCapita: value.Yuan(1290)},
		{RuleID: "linan-dibao", Version: 1, County: county, EffectiveFrom: value.MustParseDate("2026-01-01"), MonthlyPerCapita: value.Yuan(1320)},
	}
}

// loadStandards reads a JSON array of standards from path, or returns the
// demo table when path is empty. Each entry is
//
//	{"rule_id": "…", "version": 1, "county": "330112",
//	 "effective_from": "2026-01-01", "monthly_per_capita": 132000}
//
// (amount in fen). Errors: the file cannot be read, is not such an array
// (unknown fields included), is empty, or has an incomplete entry.
func loadStandards(path string) ([]casefile.MinimumLivingStandard, error) {
	if path == "" {
		return demoStandards(), nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("standards: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var out []casefile.MinimumLivingStandard
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("standards %s: %w", path, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("standards %s: no standard", path)
	}
	for i, st := range out {
		if st.RuleID == "" || st.Version < 1 || st.County.IsZero() || st.EffectiveFrom.IsZero() || st.MonthlyPerCapita <= 0 {
			return nil, fmt.Errorf("standards %s: entry %d needs rule_id, version ≥ 1, county, effective_from and a positive monthly_per_capita", path, i)
		}
	}
	return out, nil
}
