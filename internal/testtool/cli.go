package testtool

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Scaffolding the command tests of internal/cli and internal/cli/full
// share: an isolated environment and a way to run a command line in-process
// and read its exit code and output.

// RunFunc is the shape of cli.Run and full.Run.
type RunFunc func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int

// RunCLI runs run with args and stdin; it returns the exit code, stdout
// and stderr.
func RunCLI(t *testing.T, run RunFunc, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// ClearPretenseEnv blanks every PRETENSE_* variable the runner has, for
// the duration of the test, so only what the test sets counts.
func ClearPretenseEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "PRETENSE_") {
			t.Setenv(k, "")
		}
	}
}

// CLIEnv isolates a test: its own PRETENSE_HOME, a project directory with a
// .git marker as the working directory, and no PRETENSE_* from the runner.
func CLIEnv(t *testing.T) (home, work string) {
	t.Helper()
	root := t.TempDir()
	home, work = filepath.Join(root, "home"), filepath.Join(root, "work")
	for _, d := range []string{home, filepath.Join(work, ".git")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	ClearPretenseEnv(t)
	t.Setenv("PRETENSE_HOME", home)
	t.Chdir(work)
	return home, work
}
