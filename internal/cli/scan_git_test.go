package cli

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/pretense/pretense/report"
	"github.com/pretense/pretense/rules"
)

// gitRepoFixture builds a small history with go-git: a secret added in the
// second commit and removed in the third.
type gitRepoFixture struct {
	dir      string
	repo     *git.Repository
	wt       *git.Worktree
	rng      *rand.Rand
	when     time.Time
	commits  []plumbing.Hash
	leaked   string
	leakLine int
}

func newGitRepoFixture(t *testing.T) *gitRepoFixture {
	t.Helper()
	isolateEnv(t)
	dir := t.TempDir()
	r, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	wt, _ := r.Worktree()
	f := &gitRepoFixture{dir: dir, repo: r, wt: wt, rng: rand.New(rand.NewPCG(3, 4)), when: time.Date(2025, 5, 6, 7, 8, 9, 0, time.UTC)}
	f.leaked = f.secret(t)
	f.write(t, "app/settings.py", "DEBUG = False\n")
	f.commit(t, "init")
	f.write(t, "app/settings.py", "DEBUG = False\nNAME = 'x'\ntoken = '"+f.leaked+"'\n")
	f.leakLine = 3
	f.commit(t, "add a token")
	f.write(t, "app/settings.py", "DEBUG = False\nNAME = 'x'\n")
	f.commit(t, "remove the token")
	return f
}

// isolateEnv clears the caller's PRETENSE_* settings and gives the test
// its own PRETENSE_HOME, so a scan sees only what the test configures.
func isolateEnv(t *testing.T) {
	t.Helper()
	clearPretenseEnv(t)
	t.Setenv("PRETENSE_HOME", t.TempDir())
}

func (f *gitRepoFixture) secret(t *testing.T) string {
	s, err := rules.ExpandSample("ghp_{alnum:36}", f.rng)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (f *gitRepoFixture) write(t *testing.T, path, content string) {
	t.Helper()
	full := filepath.Join(f.dir, path)
	os.MkdirAll(filepath.Dir(full), 0o755)
	if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := f.wt.Add(path); err != nil {
		t.Fatal(err)
	}
}

func (f *gitRepoFixture) commit(t *testing.T, msg string) {
	t.Helper()
	f.when = f.when.Add(time.Hour)
	sig := &object.Signature{Name: "T", Email: "t@example.invalid", When: f.when}
	h, err := f.wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig})
	if err != nil {
		t.Fatal(err)
	}
	f.commits = append(f.commits, h)
}

func decodeReport(t *testing.T, s string) report.JSONReport {
	t.Helper()
	var doc report.JSONReport
	if err := json.Unmarshal([]byte(s), &doc); err != nil {
		t.Fatalf("json report: %v\n%s", err, s)
	}
	return doc
}

func TestScanGitCLI(t *testing.T) {
	f := newGitRepoFixture(t)
	code, out, errOut := runScan(t, "--git", "--path", f.dir, "--format", "json")
	if code != ExitFindings {
		t.Fatalf("exit %d, want 1; stderr:\n%s", code, errOut)
	}
	doc := decodeReport(t, out)
	if len(doc.Findings) != 1 {
		t.Fatalf("findings = %+v, want one", doc.Findings)
	}
	got := doc.Findings[0]
	if got.Commit != f.commits[1].String() || got.Path != "app/settings.py" || got.Line != f.leakLine || got.Date != "2025-05-06T09:08:09Z" {
		t.Errorf("finding at %s %s:%d (%s), want commit 2 app/settings.py:%d", got.Commit, got.Path, got.Line, got.Date, f.leakLine)
	}
	if strings.Contains(out, f.leaked) {
		t.Error("the raw value reached the report")
	}

	// The report is the baseline of the next run: nothing new, exit 0, and
	// the suppression is counted.
	base := filepath.Join(t.TempDir(), "baseline.json")
	if err := os.WriteFile(base, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runScan(t, "--git", "--path", f.dir, "--format", "json", "--baseline", base)
	if code != ExitClean || decodeReport(t, out).Summary.Suppressed != 1 {
		t.Errorf("with baseline: exit %d, report %s, stderr %s", code, out, errOut)
	}

	// SARIF works as a baseline too; an ignore entry that matches nothing
	// is reported as stale.
	sarifBase := filepath.Join(t.TempDir(), "baseline.sarif")
	if code, _, errOut := runScan(t, "--git", "--path", f.dir, "--format", "sarif", "-o", sarifBase); code != ExitFindings {
		t.Fatalf("sarif: exit %d: %s", code, errOut)
	}
	stale := strings.Repeat("ab", 16)
	if err := os.WriteFile(filepath.Join(f.dir, ".pretenseignore"), []byte("fingerprint:"+stale+" # fixed long ago\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runScan(t, "--git", "--path", f.dir, "--format", "json", "--baseline", sarifBase)
	doc = decodeReport(t, out)
	if code != ExitClean || len(doc.Stale) != 1 || !strings.Contains(doc.Stale[0], stale) || !strings.Contains(errOut, "stale entry") {
		t.Errorf("sarif baseline + stale ignore: exit %d, stale %q, stderr %s", code, doc.Stale, errOut)
	}
}

func mustScan(t *testing.T, dir string) string {
	t.Helper()
	os.Remove(filepath.Join(dir, ".pretenseignore"))
	_, out, _ := runScan(t, "--git", "--path", dir, "--format", "json")
	return out
}

func TestScanGitIgnoreFileFingerprint(t *testing.T) {
	f := newGitRepoFixture(t)
	doc := decodeReport(t, mustScan(t, f.dir))
	if len(doc.Findings) != 1 {
		t.Fatalf("findings: %+v", doc.Findings)
	}
	if err := os.WriteFile(filepath.Join(f.dir, ".pretenseignore"), []byte("build/\nfingerprint:"+doc.Findings[0].Fingerprint+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runScan(t, "--git", "--path", f.dir, "--format", "json")
	if code != ExitClean || decodeReport(t, out).Summary.Suppressed != 1 {
		t.Errorf("exit %d, %s, %s", code, out, errOut)
	}
}

func TestScanStagedCLI(t *testing.T) {
	f := newGitRepoFixture(t)
	s := f.secret(t)
	f.write(t, "app/settings.py", "DEBUG = False\nNAME = 'x'\n\n# new\nkey = '"+s+"'\n")
	code, out, errOut := runScan(t, "--staged", "--path", f.dir)
	if code != ExitFindings || !strings.Contains(out, "app/settings.py:5:") {
		t.Errorf("exit %d, out %q, stderr %q", code, out, errOut)
	}
}

func TestScanGitCLIErrors(t *testing.T) {
	f := newGitRepoFixture(t)
	notRepo := t.TempDir()
	hex := f.commits[0].String()
	tests := []struct {
		name   string
		setup  func(t *testing.T)
		args   []string
		code   int
		stderr []string
	}{
		{name: "not-a-repo", args: []string{"--git", "--path", notRepo}, code: ExitUsage, stderr: []string{"not a git repository", "hint:"}},
		{name: "staged-not-a-repo", args: []string{"--staged", "--path", notRepo}, code: ExitUsage, stderr: []string{"not a git repository"}},
		{name: "missing-path", args: []string{"--git", "--path", filepath.Join(notRepo, "nope")}, code: ExitUsage},
		{name: "bad-revision", args: []string{"--range", "nosuch..HEAD", "--path", f.dir}, code: ExitUsage, stderr: []string{"unknown revision"}},
		{name: "bad-baseline", setup: func(t *testing.T) {
			os.WriteFile(filepath.Join(notRepo, "b.json"), []byte("[1,2]"), 0o644)
		}, args: []string{"--git", "--path", f.dir, "--baseline", filepath.Join(notRepo, "b.json")}, code: ExitUsage, stderr: []string{"baseline"}},
		{name: "missing-baseline", args: []string{"--git", "--path", f.dir, "--baseline", filepath.Join(notRepo, "none.json")}, code: ExitUsage, stderr: []string{"baseline"}},
		{name: "shallow", setup: func(t *testing.T) {
			os.WriteFile(filepath.Join(f.dir, ".git", "shallow"), []byte(f.commits[1].String()+"\n"), 0o644)
			os.Remove(filepath.Join(f.dir, ".git", "objects", hex[:2], hex[2:]))
		}, args: []string{"--since-commit", hex, "--path", f.dir}, code: ExitRuntime, stderr: []string{"shallow", "fetch"}},
		{name: "missing-object", setup: func(t *testing.T) {
			os.Remove(filepath.Join(f.dir, ".git", "shallow"))
		}, args: []string{"--git", "--path", f.dir}, code: ExitRuntime, stderr: []string{hex, "git fsck"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.setup != nil {
				tc.setup(t)
			}
			code, _, errOut := runScan(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tc.code, errOut)
			}
			for _, s := range tc.stderr {
				if !strings.Contains(errOut, s) {
					t.Errorf("stderr lacks %q:\n%s", s, errOut)
				}
			}
		})
	}
}
