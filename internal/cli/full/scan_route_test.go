package full

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pretense/pretense/internal/testtool"
)

// TestRunScanSameAsFull: Run parses `scan …` against the scan-only
// grammar; its exit code, output, help and errors are what the whole
// grammar gives.
func TestRunScanSameAsFull(t *testing.T) {
	_, work := cliEnv(t)
	if err := os.WriteFile(filepath.Join(work, "a.txt"), []byte("nothing to see here\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"scan"},
		{"scan", "-q", "--path", "."},
		{"scan", "--format", "json", "--path", "a.txt"},
		{"scan", "--help"},
		{"scan", "-h"},
		{"scan", "--version"},
		{"scan", "--bogus"},
		{"scan", "--format", "nope"},
		{"scan", "-q", "-v"},
		{"scan", "--path", "missing"},
		{"scan", "extra", "args"},
		{"scan", "--staged"},
		{"scan", "--phi-mode", "-q", "--path", "."},
	} {
		code, out, errOut := testtool.RunCLI(t, Run, "", args...)
		wcode, wout, werr := testtool.RunCLI(t, runFull, "", args...)
		if code != wcode || out != wout || errOut != werr {
			t.Errorf("%q: scan-only grammar gives %d\n%s\n%s\nthe whole grammar %d\n%s\n%s", args, code, out, errOut, wcode, wout, werr)
		}
	}
}

// `pretense scan` builds kong's model of the scan command alone, not of
// every command (the reason Run routes it): TestRunScanSameAsFull would
// pass with the route gone, this would not. The model's allocations are
// deterministic; the whole grammar's are several times the scan's.
func TestRunScanBuildsScanGrammarOnly(t *testing.T) {
	cliEnv(t)
	allocs := func(run func(context.Context, []string, io.Reader, io.Writer, io.Writer) int) float64 {
		return testing.AllocsPerRun(3, func() {
			run(context.Background(), []string{"scan", "--version"}, strings.NewReader(""), io.Discard, io.Discard)
		})
	}
	scan, whole := allocs(Run), allocs(runFull)
	t.Logf("allocations of `scan --version`: %.0f routed, %.0f through the whole grammar", scan, whole)
	if scan > 0.8*whole {
		t.Fatalf("`scan --version` made %.0f allocations, the whole grammar %.0f: not routed to the scan-only grammar", scan, whole)
	}
}
