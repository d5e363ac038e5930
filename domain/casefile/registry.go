package casefile

import (
	"encoding/json"
	"fmt"

	"casework/domain"
)

// RegisterEvents registers every case event with its schema version.
func RegisterEvents(r *domain.Registry) {
	domain.Register[CaseOpened](r, 3,
		domain.Upcaster{From: 1, Up: upcastCaseOpenedV1},
		domain.Upcaster{From: 2, Up: upcastCaseOpenedV2})
	domain.Register[HouseholdCheckRecorded](r, 1)
	domain.Register[NeedsAssessed](r, 1)
	domain.Register[ServicePlanDrafted](r, 1)
	domain.Register[ServiceDelivered](r, 1)
	domain.Register[FollowUpRecorded](r, 1)
	domain.Register[CaseReviewed](r, 1)
	domain.Register[ApprovalRequested](r, 1)
	domain.Register[ApprovalGranted](r, 1)
	domain.Register[ApprovalRejected](r, 1)
	domain.Register[CaseClosed](r, 1)
	domain.Register[CaseReopened](r, 1)
	domain.Register[CaseArchived](r, 1)
	domain.Register[CaseReassigned](r, 1)
}

// upcastCaseOpenedV1 turns a schema-1 CaseOpened into schema 2. Schema 1
// stored the client's name once, in a top-level "client_name", whatever the
// client's age; schema 2 keeps it inside "client", as "minor_name" when the
// client was a minor at intake so that it falls under the "minor"
// sensitivity category, and as "name" otherwise.
func upcastCaseOpenedV1(old json.RawMessage) (json.RawMessage, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(old, &doc); err != nil {
		return nil, fmt.Errorf("case opened v1: %w", err)
	}
	var name string
	if raw, ok := doc["client_name"]; ok {
		if err := json.Unmarshal(raw, &name); err != nil {
			return nil, fmt.Errorf("case opened v1 client_name: %w", err)
		}
		delete(doc, "client_name")
	}
	client := map[string]json.RawMessage{}
	if raw, ok := doc["client"]; ok {
		if err := json.Unmarshal(raw, &client); err != nil {
			return nil, fmt.Errorf("case opened v1 client: %w", err)
		}
	}
	var minor bool
	if raw, ok := client["minor"]; ok {
		if err := json.Unmarshal(raw, &minor); err != nil {
			return nil, fmt.Errorf("case opened v1 client.minor: %w", err)
		}
	}
	if name != "" {
		key := "name"
		if minor {
			key = "minor_name"
		}
		b, _ := json.Marshal(name)
		client[key] = b
	}
	b, err := json.Marshal(client)
	if err != nil {
		return nil, err
	}
	doc["client"] = b
	return json.Marshal(doc)
}

// upcastCaseOpenedV2 turns a schema-2 CaseOpened into schema 3 by adding
// "client_id". Before schema 3 every case recorded its client afresh, so a
// client recorded then is its own first case: the client's ID is the
// case's ID, which is also the key subject the store used for it.
func upcastCaseOpenedV2(old json.RawMessage) (json.RawMessage, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(old, &doc); err != nil {
		return nil, fmt.Errorf("case opened v2: %w", err)
	}
	id, ok := doc["case_id"]
	if !ok {
		return nil, fmt.Errorf("case opened v2: no case_id")
	}
	if _, ok := doc["client_id"]; ok {
		return nil, fmt.Errorf("case opened v2: client_id appears before schema 3")
	}
	doc["client_id"] = id
	return json.Marshal(doc)
}
