package cli

import (
	"runtime/debug"
	"sync"
)

// resumeGC turns garbage collection back on after PauseGC; a no-op
// otherwise, and after its first call.
var resumeGC = func() {}

// PauseGC turns garbage collection off until the command being run has set
// up: a scan until its rules are compiled, any other command until its
// arguments are parsed. A start allocates ~5 MB (package init, the CLI
// model, the rule set) and used to cross the collector's first 4 MB goal
// in the middle of it: a collection of a heap that is nearly all still
// live, ~10 ms of CPU of a one-file scan on the VM the figures in
// docs/git-scanning.md come from. The setting found in GOGC comes back
// afterwards, so long scans and the proxy collect as before. main calls
// it; tests that call Run do not.
func PauseGC() {
	prev := debug.SetGCPercent(-1)
	resumeGC = sync.OnceFunc(func() { debug.SetGCPercent(prev) })
}
