package projections_test

import (
	"os"
	"testing"
)

func osMkdirTemp() (string, error) { return os.MkdirTemp("", "casework-bench-") }

// TestMain removes the benchmark log generated for the process, if any.
func TestMain(m *testing.M) {
	code := m.Run()
	if benchLog.temp {
		os.RemoveAll(benchLog.dir)
	}
	os.Exit(code)
}
