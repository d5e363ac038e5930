package storetest

import "testing"

func run(t *testing.T, h Harness) {}
