package ocds

// The parts of the OCDS 1.1 release schema that casework fills. Every
// field is optional in the schema unless noted; empty ones are left out.

// Package is a release package (release-package-schema.json).
type Package struct {
	URI           string    `json:"uri"`
	Version       string    `json:"version"`
	PublishedDate string    `json:"publishedDate"`
	Publisher     Publisher `json:"publisher"`
	Releases      []Release `json:"releases"`
}

// Publisher names who publishes the package.
type Publisher struct {
	Name   string `json:"name"`
	Scheme string `json:"scheme,omitempty"`
	UID    string `json:"uid,omitempty"`
	URI    string `json:"uri,omitempty"`
}

// Release is one release of the contracting process; OCID, ID, Date, Tag
// and InitiationType are required.
type Release struct {
	OCID           string         `json:"ocid"`
	ID             string         `json:"id"`
	Date           string         `json:"date"`
	Tag            []string       `json:"tag"`
	InitiationType string         `json:"initiationType"`
	Language       string         `json:"language,omitempty"`
	Parties        []Organization `json:"parties,omitempty"`
	Buyer          *OrgRef        `json:"buyer,omitempty"`
	Planning       *Planning      `json:"planning,omitempty"`
	Tender         *Tender        `json:"tender,omitempty"`
	Awards         []Award        `json:"awards,omitempty"`
	Contracts      []Contract     `json:"contracts,omitempty"`
}

// Organization is a party to the process.
type Organization struct {
	ID         string      `json:"id"`
	Name       string      `json:"name,omitempty"`
	Identifier *Identifier `json:"identifier,omitempty"`
	Roles      []string    `json:"roles,omitempty"`
}

// OrgRef refers to a party by its id.
type OrgRef struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// Identifier is an organization's registered identifier.
type Identifier struct {
	Scheme    string `json:"scheme,omitempty"`
	ID        string `json:"id,omitempty"`
	LegalName string `json:"legalName,omitempty"`
}

// Value is an amount of money.
type Value struct {
	Amount   float64 `json:"amount"`
	Currency string  `json:"currency"`
}

// Period is a span of dates.
type Period struct {
	StartDate string `json:"startDate,omitempty"`
	EndDate   string `json:"endDate,omitempty"`
}

// Planning is the planning section.
type Planning struct {
	Rationale string  `json:"rationale,omitempty"`
	Budget    *Budget `json:"budget,omitempty"`
}

// Budget is the money set aside.
type Budget struct {
	ID          string `json:"id,omitempty"`
	Description string `json:"description,omitempty"`
	Amount      *Value `json:"amount,omitempty"`
}

// Tender is the tender section; ID is required.
type Tender struct {
	ID                       string      `json:"id"`
	Title                    string      `json:"title,omitempty"`
	Status                   string      `json:"status,omitempty"`
	ProcuringEntity          *OrgRef     `json:"procuringEntity,omitempty"`
	Items                    []Item      `json:"items,omitempty"`
	Value                    *Value      `json:"value,omitempty"`
	ProcurementMethod        string      `json:"procurementMethod,omitempty"`
	ProcurementMethodDetails string      `json:"procurementMethodDetails,omitempty"`
	MainProcurementCategory  string      `json:"mainProcurementCategory,omitempty"`
	TenderPeriod             *Period     `json:"tenderPeriod,omitempty"`
	Milestones               []Milestone `json:"milestones,omitempty"`
}

// Item is a line of what is bought; ID is required.
type Item struct {
	ID          string  `json:"id"`
	Description string  `json:"description,omitempty"`
	Quantity    float64 `json:"quantity,omitempty"`
}

// Award is an award; ID is required.
type Award struct {
	ID        string   `json:"id"`
	Title     string   `json:"title,omitempty"`
	Status    string   `json:"status,omitempty"`
	Date      string   `json:"date,omitempty"`
	Value     *Value   `json:"value,omitempty"`
	Suppliers []OrgRef `json:"suppliers,omitempty"`
}

// Contract is a signed contract; ID and AwardID are required.
type Contract struct {
	ID             string          `json:"id"`
	AwardID        string          `json:"awardID"`
	Title          string          `json:"title,omitempty"`
	Description    string          `json:"description,omitempty"`
	Status         string          `json:"status,omitempty"`
	Period         *Period         `json:"period,omitempty"`
	Value          *Value          `json:"value,omitempty"`
	DateSigned     string          `json:"dateSigned,omitempty"`
	Implementation *Implementation `json:"implementation,omitempty"`
	Milestones     []Milestone     `json:"milestones,omitempty"`
}

// Implementation is what happened under a contract.
type Implementation struct {
	Transactions []Transaction `json:"transactions,omitempty"`
	Milestones   []Milestone   `json:"milestones,omitempty"`
	Documents    []Document    `json:"documents,omitempty"`
}

// Milestone is a due or met step; ID is required.
type Milestone struct {
	ID          string `json:"id"`
	Title       string `json:"title,omitempty"`
	Type        string `json:"type,omitempty"`
	Description string `json:"description,omitempty"`
	Code        string `json:"code,omitempty"`
	DueDate     string `json:"dueDate,omitempty"`
	DateMet     string `json:"dateMet,omitempty"`
	Status      string `json:"status,omitempty"`
}

// Transaction is a payment; ID is required.
type Transaction struct {
	ID    string  `json:"id"`
	Date  string  `json:"date,omitempty"`
	Value *Value  `json:"value,omitempty"`
	Payer *OrgRef `json:"payer,omitempty"`
	Payee *OrgRef `json:"payee,omitempty"`
}

// Document is a document of the process; ID is required.
type Document struct {
	ID            string `json:"id"`
	DocumentType  string `json:"documentType,omitempty"`
	Title         string `json:"title,omitempty"`
	Description   string `json:"description,omitempty"`
	DatePublished string `json:"datePublished,omitempty"`
}
