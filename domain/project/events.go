// Package project is a community project (社区项目) run by a station in the
// stages of seed 002's project workflow: needs collection → analysis →
// design → funding → execution → feedback (居民需求收集、整理、分析、项目设计、
// 资金整合、项目执行、服务反馈). One stream per project. The group sessions
// and community activities a project holds are ActivityHeld events on the
// station's stream, carrying the project id and the contract they count
// toward.
package project

import (
	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/value"
)

// Category is the stream category of projects.
const Category = "project"

// Stable event type names of the project stream.
const (
	EventProjectProposed       = "ProjectProposed"
	EventProjectStageCompleted = "ProjectStageCompleted"
	EventProjectFunded         = "ProjectFunded"
	EventProjectClosed         = "ProjectClosed"
)

// ProjectProposed opens a project's stream.
type ProjectProposed struct {
	ProjectID uuid.UUID `json:"project_id"`
	StationID uuid.UUID `json:"station_id"`
	// ContractID attributes the project to a purchase-of-services contract.
	ContractID *uuid.UUID           `json:"contract_id,omitempty"`
	Title      string               `json:"title"`
	Domain     domain.ServiceDomain `json:"domain"`
	ProposedOn value.Date           `json:"proposed_on"`
}

// ProjectStageCompleted records that a stage was finished on a date.
type ProjectStageCompleted struct {
	Stage       Stage      `json:"stage"`
	CompletedOn value.Date `json:"completed_on"`
	Summary     string     `json:"summary,omitempty"`
}

// ProjectFunded records money raised for the project (资金整合).
type ProjectFunded struct {
	Amount   value.Fen  `json:"amount"`
	Source   string     `json:"source"`
	FundedOn value.Date `json:"funded_on"`
}

// ProjectClosed ends the project, completed or abandoned.
type ProjectClosed struct {
	Outcome  Outcome    `json:"outcome"`
	Reason   string     `json:"reason,omitempty"`
	ClosedOn value.Date `json:"closed_on"`
}

// EventType implements domain.Payload.
func (ProjectProposed) EventType() string { return EventProjectProposed }

// EventType implements domain.Payload.
func (ProjectStageCompleted) EventType() string { return EventProjectStageCompleted }

// EventType implements domain.Payload.
func (ProjectFunded) EventType() string { return EventProjectFunded }

// EventType implements domain.Payload.
func (ProjectClosed) EventType() string { return EventProjectClosed }

// RegisterEvents adds every payload type of the project stream to r.
func RegisterEvents(r *domain.Registry) {
	domain.Register[ProjectProposed](r, 1)
	domain.Register[ProjectStageCompleted](r, 1)
	domain.Register[ProjectFunded](r, 1)
	domain.Register[ProjectClosed](r, 1)
}
