// Package contract is the government purchase of social-work services
// (政府购买服务) as one event-sourced aggregate: procurement, award to a
// registered social organisation, the tripartite agreement signed every year
// of a three-year cycle, reports, inspections, the earmarked funds ledger,
// staffing, the third-party evaluation and the renewal decision
// (DOMAIN.md §3; seeds 000 §4 and §6, 003, 004).
//
// Everything happens on one stream per contract. Commands check the rules
// and return events or a *domain.Error naming the rule (see Rules); State.Apply
// only folds. Report deadlines, report status, the next deadline and staffing
// "timely and in full" are pure functions of the state and a date.
//
// Who may do what:
//   - a bureau_officer of the procuring bureau (Actor.OrgUnit equal to the
//     procurement's bureau unit) opens the procurement, awards, signs,
//     budgets, disburses, renews, declines renewal and terminates;
//   - an evaluator records the third-party evaluation, in the name of its
//     own org unit;
//   - the contractor side submits reports and staffing changes: a
//     social_worker, supervisor or agency_worker account of the contractor's
//     org unit, or a social_worker or supervisor whose org unit is one of the
//     stations the contract covers (resident workers are employed by the
//     contractor but their accounts sit at the station); a bureau officer
//     may also record staffing, e.g. as found on inspection;
//   - a bureau_officer or county_manager records inspections.
package contract

// Category is the stream category of contracts: streams are named
// "contract-<uuid>".
const Category = "contract"
