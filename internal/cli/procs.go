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
// looking for work and sleeps again. At -j 1 on $GOROOT/src that was ~13%
// of the scan's CPU (user+sys 323 -> 280 ms, 15 alternated rounds, idle
// 2-core VM) for the same wall time (281 -> 279 ms): the walk is cheap
// beside the scanning, so sharing one processor with the worker costs it
// nothing. Git scans keep every processor: their object reading runs
// beside the workers.
func limitProcs(jobs int) (restore func()) {
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
