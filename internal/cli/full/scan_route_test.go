package full

import (
	"os"
	"path/filepath"
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
