package org_test

import (
	"flag"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"casework/domain"
	"casework/domain/internal/domaintest"
	"casework/domain/org"
	"casework/domain/value"
)

var update = flag.Bool("update", false, "rewrite golden files")

// samples holds one realistic payload per event type.
func samples() []domain.Payload {
	county := uuid.MustParse("0195f3a0-7c1e-7d2a-9b40-3c5d6e7f8a02")
	return []domain.Payload{
		org.OrgUnitRegistered{
			ID:                           uuid.MustParse("0195f3a0-7c1e-7d2a-9b40-3c5d6e7f8a11"),
			Kind:                         org.KindContractor,
			Name:                         "江安县邻里亲社会工作服务中心",
			ParentID:                     &county,
			CreditCode:                   ptr(value.MustParseCreditCode("52511523MJQ12345X0")),
			CreditCodeCheckDigitMismatch: true,
		},
		org.OrgUnitRenamed{Name: "江安县邻里亲社会工作发展中心"},
		org.OrgUnitClosed{Reason: "服务协议期满，机构注销登记"},
	}
}

func TestEvents_Golden(t *testing.T) {
	domaintest.Golden(t, org.RegisterEvents, samples(), *update,
		func(want, got domain.Payload) string { return cmp.Diff(want, got, exported) })
}
