package feedtest

import (
	"runtime"
	"testing"
)

// Async returns tb for use in a goroutine the test started: Fatal and
// FailNow there report the failure with Error and end only that goroutine
// (its deferred calls run), as the testing package requires; the test
// goes on and fails.
func Async(tb testing.TB) testing.TB { return async{tb} }

type async struct{ testing.TB }

func (a async) FailNow() {
	a.TB.Fail()
	runtime.Goexit()
}

func (a async) Fatal(args ...any) {
	a.TB.Helper()
	a.TB.Error(args...)
	runtime.Goexit()
}

func (a async) Fatalf(format string, args ...any) {
	a.TB.Helper()
	a.TB.Errorf(format, args...)
	runtime.Goexit()
}
