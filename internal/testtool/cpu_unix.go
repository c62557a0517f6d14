//go:build unix

package testtool

import (
	"syscall"
	"time"
)

// ProcessCPU is the CPU time this process has used (user + system, every
// goroutine and the garbage collector included). On a shared machine it is
// a steadier measure of a benchmark's cost than wall time, which includes
// time spent waiting for a core. Benchmarks report the difference across
// their loop divided by b.N.
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
