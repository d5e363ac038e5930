package privacy

import (
	"slices"
	"strings"

	"casework/domain"
)

// Purposes of reading sensitive data, one per role that may read it.
const (
	PurposeCasework    = "casework"    // a social worker serving the client
	PurposeSupervision = "supervision" // a supervisor overseeing the case
	PurposeAudit       = "audit"       // an auditor
	PurposeReferral    = "referral"    // an agency worker receiving a referral
)

// PurposeFor returns the purpose for which role reads sensitive data, and
// false for a role that has none and so may not read it. RoleSystem has
// none: the service's own reads are not a person's and are not logged.
func PurposeFor(role domain.Role) (string, bool) {
	switch role {
	case domain.RoleSocialWorker:
		return PurposeCasework, true
	case domain.RoleSupervisor:
		return PurposeSupervision, true
	case domain.RoleAuditor:
		return PurposeAudit, true
	case domain.RoleAgencyWorker:
		return PurposeReferral, true
	}
	return "", false
}

// ReadInput describes a read of decrypted sensitive fields.
type ReadInput struct {
	// Stream is the stream read ("case-<uuid>").
	Stream string
	// Fields are the sensitive JSON paths shown.
	Fields []string
}

// RecordRead returns the SensitiveDataRead event of the actor's read, to
// append to the subject's access stream. Fields are trimmed, blanks
// dropped and repeats removed, in order.
//
// Rules: privacy.read.role_without_purpose (Forbidden: the role reads no
// sensitive data); privacy.read.stream_required,
// privacy.read.fields_required (Invalid, collected together).
func RecordRead(cmd domain.Cmd, in ReadInput) (SensitiveDataRead, error) {
	purpose, ok := PurposeFor(cmd.Actor.Role)
	if !ok {
		return SensitiveDataRead{}, domain.Forbidden("privacy.read.role_without_purpose", "",
			"role "+string(cmd.Actor.Role)+" has no purpose to read clients' sensitive data")
	}
	var v domain.Violations
	stream := strings.TrimSpace(in.Stream)
	if stream == "" {
		v.Add(domain.Invalid("privacy.read.stream_required", "stream", "name the stream that was read"))
	}
	var fields []string
	for _, f := range in.Fields {
		if f = strings.TrimSpace(f); f != "" && !slices.Contains(fields, f) {
			fields = append(fields, f)
		}
	}
	if len(fields) == 0 {
		v.Add(domain.Invalid("privacy.read.fields_required", "fields", "name at least one field that was read"))
	}
	if err := v.Err(); err != nil {
		return SensitiveDataRead{}, err
	}
	return SensitiveDataRead{Stream: stream, Fields: fields, Purpose: purpose}, nil
}
