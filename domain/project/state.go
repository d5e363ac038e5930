package project

import (
	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/value"
)

// Stage is one step of a community project (seed 002).
type Stage string

// The stages, in their only allowed order.
const (
	StageNeedsCollection Stage = "needs_collection" // 居民需求收集、整理
	StageAnalysis        Stage = "analysis"         // 分析
	StageDesign          Stage = "design"           // 项目设计
	StageFunding         Stage = "funding"          // 资金整合
	StageExecution       Stage = "execution"        // 项目执行
	StageFeedback        Stage = "feedback"         // 服务反馈
)

// Stages lists the stages in order.
func Stages() []Stage {
	return []Stage{StageNeedsCollection, StageAnalysis, StageDesign, StageFunding, StageExecution, StageFeedback}
}

// index returns the position of st in Stages(), or -1.
func (st Stage) index() int {
	for i, x := range Stages() {
		if x == st {
			return i
		}
	}
	return -1
}

// Valid reports whether st is one of Stages().
func (st Stage) Valid() bool { return st.index() >= 0 }

// Outcome is how a project ended.
type Outcome string

// Outcomes.
const (
	OutcomeCompleted Outcome = "completed" // every stage done (结项)
	OutcomeAbandoned Outcome = "abandoned" // stopped early, with a reason
)

// Valid reports whether o is a known outcome.
func (o Outcome) Valid() bool { return o == OutcomeCompleted || o == OutcomeAbandoned }

// State is one project folded from its stream.
type State struct {
	// Version is the number of events applied.
	Version    uint64
	Exists     bool
	ID         uuid.UUID
	StationID  uuid.UUID
	ContractID uuid.UUID // uuid.Nil when not attributed
	Title      string
	Domain     domain.ServiceDomain
	ProposedOn value.Date
	// Completed holds the completed stages in order with their dates.
	Completed []ProjectStageCompleted
	Funds     []ProjectFunded
	Funded    value.Fen
	Closed    bool
	Outcome   Outcome
	ClosedOn  value.Date
}

// Apply folds one event into the state. It never fails; unknown payloads
// only advance the version.
func (s *State) Apply(e domain.Event) {
	s.Version++
	switch p := e.Payload.(type) {
	case ProjectProposed:
		s.Exists = true
		s.ID = p.ProjectID
		s.StationID = p.StationID
		if p.ContractID != nil {
			s.ContractID = *p.ContractID
		}
		s.Title = p.Title
		s.Domain = p.Domain
		s.ProposedOn = p.ProposedOn
	case ProjectStageCompleted:
		s.Completed = append(s.Completed, p)
	case ProjectFunded:
		s.Funds = append(s.Funds, p)
		s.Funded += p.Amount
	case ProjectClosed:
		s.Closed = true
		s.Outcome = p.Outcome
		s.ClosedOn = p.ClosedOn
	}
}

// NextStage returns the stage to complete next, and false once feedback is
// done.
func (s *State) NextStage() (Stage, bool) {
	if len(s.Completed) >= len(Stages()) {
		return "", false
	}
	return Stages()[len(s.Completed)], true
}

// Done reports whether stage st has been completed.
func (s *State) Done(st Stage) bool {
	i := st.index()
	return i >= 0 && i < len(s.Completed)
}

// lastDate is the latest date the project's history has reached: the last
// stage completion, or the proposal.
func (s *State) lastDate() value.Date {
	if n := len(s.Completed); n > 0 {
		return s.Completed[n-1].CompletedOn
	}
	return s.ProposedOn
}
