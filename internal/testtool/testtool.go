// Package testtool finds the programs that some tests run for real
// (Chromium, pre-commit, shellcheck, git), with one policy for every package:
// on a developer's machine a missing program skips its test and says how to
// install it, so `go test ./...` passes with only Go and git; under CI (the
// CI variable set to anything but "false") a missing program fails the test,
// so CI can never go green by skipping the checks it exists to run.
// GitRepo (git.go) builds repositories with the git command under the same
// policy, in either object format.
package testtool

import (
	"os"
	"os/exec"
	"testing"
)

// InCI reports whether the tests run under CI, where every tool-backed test
// must run. CI=true is what GitHub Actions, GitLab and our .ci/run export.
func InCI() bool {
	v := os.Getenv("CI")
	return v != "" && v != "false" && v != "0"
}

// Need returns the path of the first of names found on PATH (or, for names
// given as absolute paths, on disk). When none is there it skips t, naming
// install, or fails t under CI.
func Need(t testing.TB, install string, names ...string) string {
	t.Helper()
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	Missing(t, names[0], install)
	return ""
}

// Missing ends t for a tool that is not there: a skip with the install
// command, or a failure under CI.
func Missing(t testing.TB, tool, install string) {
	t.Helper()
	if InCI() {
		t.Fatalf("%s is not installed and CI is set, where this test must run: install it with %s", tool, install)
	}
	t.Skipf("%s is not installed; this test runs it for real. Install it with %s (CI fails instead of skipping)", tool, install)
}
