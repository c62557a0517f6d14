package cli

import (
	"os"
	"runtime"
	"runtime/debug"
	"sync"
)

// resumeGC turns garbage collection back on after PauseGC; a no-op
// otherwise, and after its first call (or resumeGCAt's).
var resumeGC = func() {}

// resumeGCAt is resumeGC for a command that runs best at GOGC=percent,
// with the first goal scaled by scale instead of firstGCScale: those
// replace the default ones (GOGC unset in the environment; a GOGC the
// user set stays, with firstGCScale).
var resumeGCAt = func(percent, scale int) {}

// dirScanGCPercent is the GOGC setting of a directory scan. Its live heap
// is the rule set and a chunk buffer and scratch a worker (~12 MB at
// -j 1), and what it allocates a file is dropped with the file: at the
// default 100 a scan of $GOROOT/src collected 4 times and the marking
// was ~4% of its instructions. At 200 it collects half as often, for
// ~-4% instructions and ~-7% user CPU, and RSS 45 -> 52 MB; at 300 the
// page faults of the larger heap cost more system CPU than was saved.
const dirScanGCPercent = 200

// dirScanFirstGCScale is firstGCScale for a directory scan: its first
// goal is 4 MB x 200/100 x 6 = 48 MB, within the heap internal/hugeheap
// gives huge pages (64 MB), instead of 32 MB. A scan of $GOROOT/src
// allocates ~28 MB in all (~36 MB before the scratch it reuses): at
// 32 MB it collected once, near its end, marking ~12 MB live and
// faulting in ~350 pages for the runtime's span sets as the sweep moved
// its spans. At 48 MB it does not collect: CPU -3%, user -9% (30
// alternated runs, bench/runtimes); a scan of a few files that meet
// many rules' keywords (docs/, ~30 MB of first-use regex compiles) -15%.
// Max RSS stays ~52 MB with one worker. A larger tree collects first at
// 48 MB and then at GOGC=200 as before.
const dirScanFirstGCScale = 6

// firstGCScale multiplies the GOGC setting until the first collection after
// set-up has run. The runtime's smallest heap goal is 4 MB x GOGC/100 and
// its first goal is that minimum, while a command's set-up leaves ~6 MB of
// live heap: at the plain setting a collection started the moment a scan
// resumed, a tenth of a one-file scan's CPU time, marking a heap the
// process was about to drop by exiting. At 4x the first goal is 16 MB
// (GOGC=100): a short scan (a pre-commit hook's) ends first, a long one
// collects once at 16 MB and then at the setting found in GOGC.
const firstGCScale = 4

// PauseGC turns garbage collection off until the command being run has set
// up: a scan until its rules are compiled, any other command until its
// arguments are parsed. A start allocates ~5 MB (package init, the CLI
// model, the rule set) and used to cross the collector's first 4 MB goal
// in the middle of it: a collection of a heap that is nearly all still
// live, ~10 ms of CPU of a one-file scan on the VM the figures in
// docs/git-scanning.md come from. Resuming sets GOGC x firstGCScale until
// the first collection has run, then the setting found in GOGC (for a
// directory scan, dirScanGCPercent unless GOGC is set), so long
// scans and the proxy collect as before. main calls it; tests that call
// Run do not.
func PauseGC() {
	prev := debug.SetGCPercent(-1)
	_, fromEnv := os.LookupEnv("GOGC")
	var once sync.Once
	resumeGCAt = func(percent, scale int) {
		once.Do(func() {
			if fromEnv {
				percent, scale = prev, firstGCScale
			}
			resumeAfterSetup(percent, scale)
		})
	}
	resumeGC = func() { resumeGCAt(prev, firstGCScale) }
}

// resumeAfterSetup sets GOGC to prev x scale, and back to prev once a
// collection has run (a finalizer runs after the cycle that finds its
// object unreachable). GOGC=off (prev < 0) stays off.
func resumeAfterSetup(prev, scale int) {
	if prev <= 0 {
		debug.SetGCPercent(prev)
		return
	}
	// Pointerful and 16 bytes or more, so not in a tiny-allocator block
	// whose other objects could keep it alive.
	sentinel := &gcSentinel{}
	runtime.SetFinalizer(sentinel, func(*gcSentinel) { debug.SetGCPercent(prev) })
	debug.SetGCPercent(prev * scale)
}

type gcSentinel struct{ _, _ *byte }
