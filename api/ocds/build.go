// Package ocds publishes a contract's history as an Open Contracting Data
// Standard 1.1 release package (OCDS 1.1.5 schema).
//
// One release per event. The contract stream is already the list of
// dated updates OCDS releases are, and a release per event keeps every
// release traceable to the event (and the hash) it came from: release
// "<ocid>-r<revision>", dated with the event's recording time. Each
// release carries only what its event adds; a compiled record is the
// merge of them all. The stages:
//
//	ProcurementOpened   planning, tender   budget ceiling, tender with its method, covered stations as items
//	ContractAwarded     award              the award to the contractor (supplier, with its credit code)
//	AgreementSigned     contract           one OCDS contract per cycle year (周期内一年一签), with every
//	                                       report of the year as a scheduled reporting milestone
//	ReportSubmitted     implementation     the reporting milestone met (late or on time) and the report document
//	InspectionRecorded  implementation     an assessment milestone with the findings
//	StaffingChanged     implementation     a delivery milestone: resident workers in place against the promise
//	FundsBudgeted       planningUpdate     the year's budget lines (专款专用)
//	FundsDisbursed      implementation     a transaction from the bureau to the contractor
//	EvaluationRecorded  implementation     the third-party evaluation as an assessment milestone, met if passed
//	ContractRenewed     contractUpdate     an approval milestone on the year's contract
//	ContractNotRenewed  contractTermination  the year's contract terminated, not renewed
//	ContractTerminated  contractTermination  the year's contract terminated for breach
//
// Procurement methods map onto the closed method codelist: open_tender →
// open; invited_tender → selective; competitive_negotiation and
// competitive_consultation → limited; single_source → direct;
// procurementMethodDetails names the Chinese method.
//
// The ocid is the prefix, "-", and the contract's UUID. DefaultPrefix is
// not registered with the Open Contracting Partnership: a publisher
// registers its own prefix and passes it in Options.Prefix.
//
// Dates are calendar days in China Standard Time, published as midnight
// +08:00; money is in yuan (CNY). Contract events carry no sensitive
// personal fields; callers still pass payloads decoded after pii.Strip.
package ocds

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/contract"
	"casework/domain/value"
)

// DefaultPrefix is the ocid prefix used when none is configured; it is
// a placeholder, not a registered prefix.
const DefaultPrefix = "ocds-cswk00"

// Version is the OCDS version of the packages Build writes.
const Version = "1.1"

// CreditCodeScheme is the identifier scheme of contractors' unified
// social credit codes (统一社会信用代码).
const CreditCodeScheme = "CN-USCC"

// Event is one event of a contract stream: its revision, recording time
// and decoded payload.
type Event struct {
	Revision   uint64
	RecordedAt time.Time
	Payload    domain.Payload
}

// Options configure Build.
type Options struct {
	// Prefix is the ocid prefix (default DefaultPrefix).
	Prefix string
	// Publisher publishes the package (default a casework publisher).
	Publisher Publisher
	// URI identifies the package (default "urn:casework:ocds:<ocid>").
	URI string
	// PublishedDate is the package's date (default: the last event's
	// recording time, so that the same history gives the same package).
	PublishedDate time.Time
	// UnitName names an org unit ("" when unknown).
	UnitName func(unit string) string
}

// Methods maps the domain's procurement methods to the OCDS method
// codelist and the Chinese name.
var Methods = map[string]struct{ Code, Details string }{
	contract.MethodOpenTender:              {"open", "公开招标"},
	contract.MethodInvitedTender:           {"selective", "邀请招标"},
	contract.MethodCompetitiveNegotiation:  {"limited", "竞争性谈判"},
	contract.MethodCompetitiveConsultation: {"limited", "竞争性磋商"},
	contract.MethodSingleSource:            {"direct", "单一来源采购"},
}

// OCID returns the open contracting id of a contract.
func OCID(prefix string, contractID uuid.UUID) string {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	return prefix + "-" + contractID.String()
}

// Build maps the events of one contract stream, in revision order, to a
// release package.
// Errors: no events, a first event other than ProcurementOpened, or a
// payload that is not a contract event.
func Build(contractID uuid.UUID, events []Event, o Options) (Package, error) {
	if len(events) == 0 {
		return Package{}, errors.New("ocds: a contract without events")
	}
	if _, ok := events[0].Payload.(contract.ProcurementOpened); !ok {
		return Package{}, fmt.Errorf("ocds: the first event is %s, not %s", events[0].Payload.EventType(), contract.EventProcurementOpened)
	}
	if o.UnitName == nil {
		o.UnitName = func(string) string { return "" }
	}
	if o.Publisher.Name == "" {
		o.Publisher = Publisher{Name: "casework"}
	}
	b := &builder{ocid: OCID(o.Prefix, contractID), opts: o, lines: map[string]int{}}
	if o.URI == "" {
		o.URI = "urn:casework:ocds:" + b.ocid
	}
	published := o.PublishedDate
	if published.IsZero() {
		published = events[len(events)-1].RecordedAt
	}
	pkg := Package{URI: o.URI, Version: Version, PublishedDate: stamp(published), Publisher: o.Publisher}
	for _, ev := range events {
		r, err := b.release(ev)
		if err != nil {
			return Package{}, err
		}
		pkg.Releases = append(pkg.Releases, r)
	}
	return pkg, nil
}

// builder carries what later releases refer to.
type builder struct {
	ocid       string
	opts       Options
	title      string
	buyer      Organization
	supplier   *Organization
	year       int            // the current cycle year, 0 before the first agreement
	lines      map[string]int // budget line → cycle year
	milestones int
}

func (b *builder) tenderID() string        { return b.ocid + "-tender" }
func (b *builder) awardID() string         { return b.ocid + "-award" }
func (b *builder) contractID(y int) string { return fmt.Sprintf("%s-year-%d", b.ocid, y) }

func (b *builder) ref(o Organization) *OrgRef { return &OrgRef{ID: o.ID, Name: o.Name} }

func (b *builder) org(unit string, roles ...string) Organization {
	return Organization{ID: unit, Name: b.opts.UnitName(unit), Roles: roles}
}

func (b *builder) release(ev Event) (Release, error) {
	r := Release{OCID: b.ocid, ID: fmt.Sprintf("%s-r%d", b.ocid, ev.Revision), Date: stamp(ev.RecordedAt),
		InitiationType: "tender", Language: "zh"}
	switch p := ev.Payload.(type) {
	case contract.ProcurementOpened:
		b.title = p.Title
		b.buyer = b.org(p.BureauUnit, "buyer", "procuringEntity")
		m, ok := Methods[p.Method]
		if !ok {
			return Release{}, fmt.Errorf("ocds: revision %d: unknown procurement method %q", ev.Revision, p.Method)
		}
		r.Tag = []string{"planning", "tender"}
		r.Parties = []Organization{b.buyer}
		r.Buyer = b.ref(b.buyer)
		r.Planning = &Planning{Rationale: "政府购买社会工作服务", Budget: &Budget{ID: b.ocid + "-budget-ceiling",
			Description: "采购预算上限", Amount: money(p.BudgetCeiling)}}
		t := &Tender{ID: b.tenderID(), Title: p.Title, Status: "active", ProcuringEntity: b.ref(b.buyer),
			Value: money(p.BudgetCeiling), ProcurementMethod: m.Code, ProcurementMethodDetails: m.Details,
			MainProcurementCategory: "services", TenderPeriod: &Period{StartDate: day(p.OpenedOn)}}
		for _, st := range p.Stations {
			desc := "乡镇（街道）社会工作服务站运营服务"
			if n := b.opts.UnitName(st); n != "" {
				desc = n + "运营服务"
			}
			t.Items = append(t.Items, Item{ID: st, Description: desc, Quantity: 1})
		}
		r.Tender = t
	case contract.ContractAwarded:
		s := b.org(p.ContractorUnit, "supplier")
		if s.Name == "" {
			s.Name = p.ContractorName
		}
		s.Identifier = &Identifier{Scheme: CreditCodeScheme, ID: p.CreditCode.String(), LegalName: p.ContractorName}
		b.supplier = &s
		r.Tag = []string{"award"}
		r.Parties = []Organization{b.buyer, s}
		r.Tender = &Tender{ID: b.tenderID(), Status: "complete"}
		r.Awards = []Award{{ID: b.awardID(), Title: b.title, Status: "active", Date: day(p.AwardedOn),
			Value: money(p.Amount), Suppliers: []OrgRef{*b.ref(s)}}}
	case contract.AgreementSigned:
		b.year = p.CycleYear
		r.Tag = []string{"contract"}
		r.Parties = []Organization{b.buyer}
		if b.supplier != nil {
			r.Parties = append(r.Parties, *b.supplier)
		}
		if p.Parties.Township.Unit != "" {
			tw := b.org(p.Parties.Township.Unit, "interestedParty")
			tw.Name = p.Parties.Township.Name
			r.Parties = append(r.Parties, tw)
		}
		c := Contract{ID: b.contractID(p.CycleYear), AwardID: b.awardID(),
			Title:       fmt.Sprintf("%s（第%d年度三方服务协议）", b.title, p.CycleYear),
			Description: p.ServiceContent, Status: "active", Period: &Period{StartDate: day(p.PeriodStart), EndDate: day(p.PeriodEnd)},
			Value: money(p.Budget), DateSigned: day(p.SignedOn), Implementation: &Implementation{}}
		for _, due := range contract.Schedule(p) {
			c.Implementation.Milestones = append(c.Implementation.Milestones, Milestone{ID: reportMilestone(due.CycleYear, due.Kind, due.Period),
				Title: reportTitle(due.Kind, due.Period), Type: "reporting", Code: due.Kind, DueDate: day(due.Due), Status: "scheduled"})
		}
		r.Contracts = []Contract{c}
	case contract.ReportSubmitted:
		status := "按期提交"
		if p.SubmittedOn.After(p.Due) {
			status = fmt.Sprintf("逾期%d天提交", value.DaysBetween(p.Due, p.SubmittedOn))
		}
		r.Tag = []string{"implementation"}
		r.Contracts = []Contract{b.implementation(p.CycleYear, Implementation{
			Milestones: []Milestone{{ID: reportMilestone(p.CycleYear, p.Kind, p.Period), Title: reportTitle(p.Kind, p.Period),
				Type: "reporting", Code: p.Kind, Description: status, DueDate: day(p.Due), DateMet: day(p.SubmittedOn), Status: "met"}},
			Documents: []Document{{ID: p.DocumentRef, DocumentType: "physicalProgressReport", Title: reportTitle(p.Kind, p.Period),
				DatePublished: day(p.SubmittedOn)}},
		})}
	case contract.InspectionRecorded:
		desc := fmt.Sprintf("%s（问题等级：%s）", p.Findings, p.Severity)
		if n := b.opts.UnitName(p.Station); n != "" {
			desc = n + "：" + desc
		}
		r.Tag = []string{"implementation"}
		r.Contracts = []Contract{b.implementation(b.year, Implementation{Milestones: []Milestone{{ID: b.nextMilestone("inspection"),
			Title: "督导检查", Type: "assessment", Description: desc, DateMet: day(p.InspectedOn), Status: "met"}}})}
	case contract.StaffingChanged:
		status := "met"
		switch {
		case p.Actual == 0 && p.Promised > 0:
			status = "notMet"
		case p.Shortfall > 0:
			status = "partiallyMet"
		}
		who := p.Station
		if n := b.opts.UnitName(p.Station); n != "" {
			who = n
		}
		r.Tag = []string{"implementation"}
		r.Contracts = []Contract{b.implementation(p.CycleYear, Implementation{Milestones: []Milestone{{ID: b.nextMilestone("staffing"),
			Title: "驻站社工配备", Type: "delivery", Description: fmt.Sprintf("%s：约定%d人，实际%d人", who, p.Promised, p.Actual),
			DateMet: day(p.EffectiveOn), Status: status}}})}
	case contract.FundsBudgeted:
		var total value.Fen
		parts := make([]string, len(p.Lines))
		for i, l := range p.Lines {
			total += l.Amount
			b.lines[l.Code] = p.CycleYear
			parts[i] = fmt.Sprintf("%s %s %s元", l.Code, l.Purpose, yuan(l.Amount))
		}
		r.Tag = []string{"planningUpdate"}
		r.Planning = &Planning{Budget: &Budget{ID: fmt.Sprintf("%s-budget-year-%d", b.ocid, p.CycleYear),
			Description: fmt.Sprintf("第%d年度专项经费（专款专用）：%s", p.CycleYear, strings.Join(parts, "；")), Amount: money(total)}}
	case contract.FundsDisbursed:
		year, ok := b.lines[p.Line]
		if !ok {
			year = b.year
		}
		tx := Transaction{ID: fmt.Sprintf("%s-payment-r%d", b.ocid, ev.Revision), Date: day(p.DisbursedOn), Value: money(p.Amount),
			Payer: b.ref(b.buyer)}
		r.Parties = []Organization{b.buyer}
		if b.supplier != nil {
			tx.Payee = b.ref(*b.supplier)
			r.Parties = append(r.Parties, *b.supplier)
		}
		r.Tag = []string{"implementation"}
		r.Contracts = []Contract{b.implementation(year, Implementation{Transactions: []Transaction{tx}})}
	case contract.EvaluationRecorded:
		status, verdict := "met", "合格"
		if !p.Passed {
			status, verdict = "notMet", "不合格"
		}
		desc := fmt.Sprintf("总分%d（合格线%d），%s；居民满意度%d、专业评估%d、政府评价%d", p.Total, p.PassThreshold, verdict,
			p.Scores.ResidentSatisfaction, p.Scores.Professional, p.Scores.Government)
		if p.Summary != "" {
			desc += "。" + p.Summary
		}
		r.Tag = []string{"implementation"}
		r.Contracts = []Contract{b.implementation(p.CycleYear, Implementation{Milestones: []Milestone{{ID: fmt.Sprintf("evaluation-year-%d", p.CycleYear),
			Title: fmt.Sprintf("第%d年度第三方绩效评估", p.CycleYear), Type: "assessment", Description: desc, DateMet: day(p.EvaluatedOn), Status: status}}})}
	case contract.ContractRenewed:
		r.Tag = []string{"contractUpdate"}
		c := b.contract(p.CycleYear)
		c.Milestones = []Milestone{{ID: fmt.Sprintf("renewal-year-%d", p.CycleYear), Title: fmt.Sprintf("续签第%d年度协议", p.NextCycleYear),
			Type: "approval", DateMet: day(p.DecidedOn), Status: "met"}}
		r.Contracts = []Contract{c}
	case contract.ContractNotRenewed:
		desc := "不再续签"
		if p.AfterFailedEvaluation {
			desc = "评估不合格，不再续签，重新采购"
		}
		if p.Reason != "" {
			desc += "：" + p.Reason
		}
		r.Tag = []string{"contractTermination"}
		c := b.contract(p.CycleYear)
		c.Status = "terminated"
		c.Milestones = []Milestone{{ID: fmt.Sprintf("renewal-year-%d", p.CycleYear), Title: "不续签", Type: "approval",
			Description: desc, DateMet: day(p.DecidedOn), Status: "met"}}
		r.Contracts = []Contract{c}
	case contract.ContractTerminated:
		r.Tag = []string{"contractTermination"}
		c := b.contract(p.CycleYear)
		c.Status = "terminated"
		c.Milestones = []Milestone{{ID: fmt.Sprintf("termination-year-%d", p.CycleYear), Title: "违约解除协议", Type: "approval",
			Description: p.Reason, DateMet: day(p.TerminatedOn), Status: "met"}}
		r.Contracts = []Contract{c}
	default:
		return Release{}, fmt.Errorf("ocds: revision %d: %s is not a contract event", ev.Revision, ev.Payload.EventType())
	}
	return r, nil
}

// contract is the bare OCDS contract of a cycle year, for an update.
func (b *builder) contract(year int) Contract {
	if year == 0 {
		year = b.year
	}
	return Contract{ID: b.contractID(year), AwardID: b.awardID()}
}

func (b *builder) implementation(year int, im Implementation) Contract {
	c := b.contract(year)
	c.Implementation = &im
	return c
}

func (b *builder) nextMilestone(kind string) string {
	b.milestones++
	return fmt.Sprintf("%s-%d", kind, b.milestones)
}

func reportMilestone(year int, kind, period string) string {
	id := fmt.Sprintf("report-year-%d-%s", year, kind)
	if period != "" {
		id += "-" + period
	}
	return id
}

func reportTitle(kind, period string) string {
	switch kind {
	case contract.ReportMonthly:
		return period + " 月度工作简报"
	case contract.ReportFinal:
		return "末期报告"
	}
	return "中期报告"
}

func money(f value.Fen) *Value { return &Value{Amount: float64(f) / 100, Currency: "CNY"} }

func yuan(f value.Fen) string { return fmt.Sprintf("%d.%02d", int64(f)/100, int64(f)%100) }

// day publishes a calendar day as its midnight in China Standard Time.
func day(d value.Date) string {
	if d.IsZero() {
		return ""
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, value.Shanghai).Format(time.RFC3339)
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
