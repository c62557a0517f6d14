package testtool

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestInCI(t *testing.T) {
	for _, c := range []struct {
		v    string
		want bool
	}{{"", false}, {"false", false}, {"0", false}, {"true", true}, {"1", true}, {"yes", true}} {
		t.Setenv("CI", c.v)
		if got := InCI(); got != c.want {
			t.Errorf("CI=%q: InCI() = %v, want %v", c.v, got, c.want)
		}
	}
}

// TestMissingSkipsOrFails runs a tiny test binary's worth of behaviour in a
// child process, so the skip and the failure are observed as go test reports
// them, not assumed.
func TestMissingSkipsOrFails(t *testing.T) {
	if os.Getenv("TESTTOOL_CHILD") == "1" {
		Need(t, "apt-get install no-such-tool", "pretense-no-such-tool-xyz")
		t.Fatal("Need returned for a missing tool")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		ci       string
		wantFail bool
		wantText string
	}{
		{"", false, "SKIP"},
		{"true", true, "CI is set"},
	} {
		cmd := exec.Command(exe, "-test.run=^TestMissingSkipsOrFails$", "-test.v")
		cmd.Env = append(os.Environ(), "TESTTOOL_CHILD=1", "CI="+c.ci)
		out, err := cmd.CombinedOutput()
		if failed := err != nil; failed != c.wantFail {
			t.Errorf("CI=%q: failed=%v, want %v\n%s", c.ci, failed, c.wantFail, out)
		}
		if !strings.Contains(string(out), c.wantText) || !strings.Contains(string(out), "apt-get install no-such-tool") {
			t.Errorf("CI=%q: output lacks %q and the install command:\n%s", c.ci, c.wantText, out)
		}
	}
}

func TestNeedFindsTool(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "pretense-fake-tool")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	if got := Need(t, "n/a", "pretense-absent", "pretense-fake-tool"); got != p {
		t.Errorf("Need = %q, want %q", got, p)
	}
}
