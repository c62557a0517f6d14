package integration

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestScanBinaryIsPretenseScan: pretense-scan ARGS prints, and exits with,
// what pretense scan ARGS does, for a directory, staged changes, history,
// stdin-free usage errors and --help, so the hook's lean binary cannot drift
// from the command it stands in for.
func TestScanBinaryIsPretenseScan(t *testing.T) {
	rnd := rng(t)
	r := newRepo(t)
	content, _ := secretFile(t, rnd)
	write(t, filepath.Join(r.dir, "app.py"), content)
	write(t, filepath.Join(r.dir, "patients.txt"), phiFile(rnd))
	r.git("add", "app.py")
	r.git("commit", "-q", "-m", "add app")
	write(t, filepath.Join(r.dir, "staged.py"), content)
	r.git("add", "staged.py")
	cases := []struct {
		args []string
		code int
	}{
		{[]string{"--path", r.dir, "--format", "json"}, 1},
		{[]string{"--path", r.dir, "--phi-mode", "--format", "sarif"}, 1},
		{[]string{"--staged", "--path", r.dir}, 1},
		{[]string{"--git", "--path", r.dir, "--format", "json"}, 1},
		{[]string{"--path", filepath.Join(r.dir, "README.md")}, 0},
		{[]string{"--format", "xml", "--path", r.dir}, 2},
		{[]string{"--no-such-flag"}, 2},
		{[]string{"--help"}, 0},
		{[]string{"--version"}, 0},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			full := run(t, r.dir, r.env, env.bin, append([]string{"scan"}, c.args...)...)
			lean := run(t, r.dir, r.env, env.scanBin, c.args...)
			if full.code != c.code {
				t.Fatalf("pretense scan exit %d, want %d\n%s", full.code, c.code, full.out)
			}
			if lean.code != full.code || lean.out != full.out {
				t.Errorf("pretense-scan differs from pretense scan:\nexit %d vs %d\n--- pretense-scan\n%s\n--- pretense scan\n%s", lean.code, full.code, lean.out, full.out)
			}
		})
	}
}
