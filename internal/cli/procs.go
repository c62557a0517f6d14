package cli

import (
	"os"
	"runtime"
)

// limitProcs caps the Go scheduler at jobs processors for a directory
// scan given -j jobs, when that is below what it has and GOMAXPROCS is not
// set in the environment, and returns the function that restores it (Run
// is also called in-process, by tests and the proxy's binary).
//
// -j N asks for N workers, and a user who asks for fewer workers than
// cores wants the scan to take fewer cores (a shared CI runner, a hook
// beside an editor). With more processors than workers the walk and the
// workers hand files to each other across OS threads: each channel
// receive that readies the walk wakes an idle thread (futex), which spins
// looking for work and sleeps again, ~5% of the samples of a -j 1 scan.
// Capped, `scan -q -j 1 $GOROOT/src` took 0.93x the CPU (bench/runtimes,
// 21 rounds, idle 2-core VM) for +4% wall time, and less of both beside
// busy processes (docs/proxy.md, "Ninth round, last"). Git scans keep
// every processor: their object reading runs beside the workers.
//
// A variable so that a test can see Run call it.
var limitProcs = func(jobs int) (restore func()) {
	if _, set := os.LookupEnv("GOMAXPROCS"); set || jobs <= 0 {
		return func() {}
	}
	prev := runtime.GOMAXPROCS(0)
	if jobs >= prev {
		return func() {}
	}
	runtime.GOMAXPROCS(jobs)
	return func() { runtime.GOMAXPROCS(prev) }
}
