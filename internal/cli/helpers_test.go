package cli

import (
	"testing"

	"github.com/pretense/pretense/internal/testtool"
)

// The command tests' scaffolding, bound to this package's Run.

func cliEnv(t *testing.T) (home, work string) { t.Helper(); return testtool.CLIEnv(t) }

func clearPretenseEnv(t *testing.T) { t.Helper(); testtool.ClearPretenseEnv(t) }

// runStdin runs the command line with args and stdin; it returns the exit
// code, stdout and stderr.
func runStdin(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	return testtool.RunCLI(t, Run, stdin, args...)
}

// run runs the command line with args and an empty stdin.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runStdin(t, "", args...)
}

// runScan runs `pretense scan` with args.
func runScan(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return run(t, append([]string{"scan"}, args...)...)
}
