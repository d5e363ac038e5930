//go:build unix

package test

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time the process has used (user and system): per
// event, it is steadier than throughput on a machine shared with other work.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
