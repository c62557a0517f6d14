package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Scaffolding every command test uses: an isolated environment and a way
// to run the CLI in-process and read its exit code and output.

// clearPretenseEnv blanks every PRETENSE_* variable the runner has, for
// the duration of the test, so only what the test sets counts.
func clearPretenseEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "PRETENSE_") {
			t.Setenv(k, "")
		}
	}
}

// cliEnv isolates a test: its own PRETENSE_HOME, a project directory with a
// .git marker as the working directory, and no PRETENSE_* from the runner.
func cliEnv(t *testing.T) (home, work string) {
	t.Helper()
	root := t.TempDir()
	home, work = filepath.Join(root, "home"), filepath.Join(root, "work")
	for _, d := range []string{home, filepath.Join(work, ".git")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	clearPretenseEnv(t)
	t.Setenv("PRETENSE_HOME", home)
	t.Chdir(work)
	return home, work
}

// runStdin runs the CLI with args and stdin; it returns the exit code,
// stdout and stderr.
func runStdin(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// run runs the CLI with args and an empty stdin.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runStdin(t, "", args...)
}

// runScan runs `pretense scan` with args.
func runScan(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return run(t, append([]string{"scan"}, args...)...)
}
