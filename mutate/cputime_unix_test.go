//go:build unix

package mutate

import (
	"syscall"
	"time"
)

// processCPU is the CPU time this process has used (user + system). On a
// shared machine it is a steadier measure than wall time, which includes
// time spent waiting for a core.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
