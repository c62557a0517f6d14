package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// commitCase is one attempt to commit staged files through a hook.
type commitCase struct {
	name string
	// setup prepares the repository (install the hook, configure git) and
	// returns the directory to commit from.
	setup func(t *testing.T, r *repo) string
	// files are written and staged in the commit directory, then committed
	// with commitArgs (default: commit -m).
	files      map[string]string
	commitArgs []string
	wantCommit bool
	wantOut    []string
	// notOut must not appear: the raw values, which stay redacted.
	notOut []string
}

// runCommitCase stages the files, commits and checks what git did.
func runCommitCase(t *testing.T, r *repo, c commitCase) {
	t.Helper()
	dir := c.setup(t, r)
	for name, content := range c.files {
		write(t, filepath.Join(dir, name), content)
		if c.commitArgs == nil {
			res := run(t, dir, r.env, "git", "add", name)
			if res.code != 0 {
				t.Fatalf("git add: %s", res.out)
			}
		}
	}
	args := c.commitArgs
	if args == nil {
		args = []string{"commit", "-m", "change"}
	}
	before := run(t, dir, r.env, "git", "rev-parse", "HEAD").out
	res := run(t, dir, r.env, "git", args...)
	after := run(t, dir, r.env, "git", "rev-parse", "HEAD").out
	if committed := before != after; committed != c.wantCommit {
		t.Fatalf("committed = %v (git exit %d), want %v; output:\n%s", committed, res.code, c.wantCommit, res.out)
	}
	for _, w := range c.wantOut {
		if !strings.Contains(res.out, w) {
			t.Errorf("output lacks %q:\n%s", w, res.out)
		}
	}
	for _, w := range c.notOut {
		if w != "" && strings.Contains(res.out, w) {
			t.Errorf("output shows the raw value %q:\n%s", w, res.out)
		}
	}
}

// hookInstall runs `pretense hook install` in dir and returns its output.
func hookInstall(t *testing.T, r *repo, dir string, args ...string) string {
	t.Helper()
	res := run(t, dir, r.env, env.bin, append([]string{"hook", "install"}, args...)...)
	if res.code != 0 {
		t.Fatalf("pretense hook install %v: exit %d\n%s", args, res.code, res.out)
	}
	return res.out
}

// TestHookInstallGuardsCommits installs the hook with the real binary and
// commits with plain git.
func TestHookInstallGuardsCommits(t *testing.T) {
	g := rng(t)
	secret, token := secretFile(t, g)
	allowed := "import os\nGITHUB_TOKEN = \"" + githubToken(t, g) + "\"  # pretense:allow test fixture\n"
	phi := phiFile(g)
	ssnValue := strings.Split(strings.Split(phi, "ssn: \"")[1], "\"")[0]

	inRoot := func(args ...string) func(t *testing.T, r *repo) string {
		return func(t *testing.T, r *repo) string {
			hookInstall(t, r, r.dir, args...)
			return r.dir
		}
	}
	refused := []string{"commit refused", "pretense:allow", ".pretenseignore"}

	cases := []commitCase{
		{
			name:    "staged secret is refused with the finding printed",
			setup:   inRoot(),
			files:   map[string]string{"app/settings.py": secret},
			wantOut: append([]string{"app/settings.py:2:", "github-pat-classic"}, refused...),
			notOut:  []string{token},
		},
		{
			name:       "clean code passes",
			setup:      inRoot(),
			files:      map[string]string{"app/main.py": "print('hello')\n"},
			wantCommit: true,
		},
		{
			// A commit does not configure its own check: the marker it
			// adds is reported, with what it hides, until accepted.
			name:    "pretense:allow added with the secret is itself reported",
			setup:   inRoot(),
			files:   map[string]string{"app/settings.py": allowed},
			wantOut: []string{"config-change", "github-pat-classic", "PRETENSE_TRUST_CONFIG=1", "commit refused"},
		},
		{
			name: "PRETENSE_TRUST_CONFIG=1 accepts the pretense:allow the commit adds",
			setup: func(t *testing.T, r *repo) string {
				r.env = append(r.env, "PRETENSE_TRUST_CONFIG=1")
				return inRoot()(t, r)
			},
			files:      map[string]string{"app/settings.py": allowed},
			wantCommit: true,
		},
		{
			name:    "--phi-mode hook refuses a staged PHI fixture",
			setup:   inRoot("--phi-mode"),
			files:   map[string]string{"fixtures/patient.yaml": phi},
			wantOut: append([]string{"fixtures/patient.yaml:3:", "phi-"}, refused...),
			notOut:  []string{ssnValue},
		},
		{
			name: "phi-mode from .pretense.yaml reaches the plain hook",
			setup: func(t *testing.T, r *repo) string {
				write(t, filepath.Join(r.dir, ".pretense.yaml"), "phi-mode: standard\n")
				r.git("add", ".pretense.yaml")
				r.git("commit", "-q", "-m", "pretense config")
				hookInstall(t, r, r.dir)
				return r.dir
			},
			files:   map[string]string{"fixtures/patient.yaml": phi},
			wantOut: append([]string{"fixtures/patient.yaml:3:", "phi-ssn"}, refused...),
			notOut:  []string{ssnValue},
		},
		{
			name:       "without phi-mode the PHI fixture is not the secret hook's business",
			setup:      inRoot(),
			files:      map[string]string{"fixtures/patient.yaml": phi},
			wantCommit: true,
		},
		{
			name: "git commit -a (a temporary index) is scanned too",
			setup: func(t *testing.T, r *repo) string {
				write(t, filepath.Join(r.dir, "app", "settings.py"), "DEBUG = True\n")
				r.git("add", "app/settings.py")
				r.git("commit", "-q", "-m", "settings")
				hookInstall(t, r, r.dir)
				return r.dir
			},
			files:      map[string]string{"app/settings.py": secret},
			commitArgs: []string{"commit", "-a", "-m", "edit settings"},
			wantOut:    []string{"app/settings.py:2:", "github-pat-classic", "commit refused"},
		},
		{
			name: "git commit <path> (a partial-commit index) is scanned too",
			setup: func(t *testing.T, r *repo) string {
				write(t, filepath.Join(r.dir, "app", "settings.py"), "DEBUG = True\n")
				r.git("add", "app/settings.py")
				r.git("commit", "-q", "-m", "settings")
				hookInstall(t, r, r.dir)
				return r.dir
			},
			files:      map[string]string{"app/settings.py": secret},
			commitArgs: []string{"commit", "-m", "edit settings", "app/settings.py"},
			wantOut:    []string{"app/settings.py:2:", "github-pat-classic", "commit refused"},
		},
		{
			name: "core.hooksPath set, installed from a subdirectory",
			setup: func(t *testing.T, r *repo) string {
				r.git("config", "core.hooksPath", ".githooks")
				sub := filepath.Join(r.dir, "src", "pkg")
				if err := os.MkdirAll(sub, 0o755); err != nil {
					t.Fatal(err)
				}
				out := hookInstall(t, r, sub)
				want := filepath.Join(r.dir, ".githooks", "pre-commit")
				if _, err := os.Stat(want); err != nil {
					t.Fatalf("hook not at %s (install said %q): %v", want, out, err)
				}
				if _, err := os.Stat(filepath.Join(r.dir, ".git", "hooks", "pre-commit")); !os.IsNotExist(err) {
					t.Errorf("a hook was written to .git/hooks although core.hooksPath is set")
				}
				return sub
			},
			files:   map[string]string{"creds.py": secret},
			wantOut: []string{"src/pkg/creds.py:2:", "commit refused"},
		},
		{
			name: "linked worktree: the hook is shared through the common git dir",
			setup: func(t *testing.T, r *repo) string {
				wt := filepath.Join(t.TempDir(), "feature-wt")
				r.git("worktree", "add", "-q", "-b", "feature", wt)
				hookInstall(t, r, wt)
				if _, err := os.Stat(filepath.Join(r.dir, ".git", "hooks", "pre-commit")); err != nil {
					t.Fatalf("hook not in the common git dir: %v", err)
				}
				return wt
			},
			files:   map[string]string{"settings.py": secret},
			wantOut: []string{"settings.py:2:", "commit refused"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			runCommitCase(t, newRepo(t), c)
		})
	}
}

// TestHookInstallLeavesForeignHookAlone puts somebody else's hook in place:
// install refuses, the foreign hook keeps running, uninstall leaves it, and
// --force followed by uninstall gives it back unchanged.
func TestHookInstallLeavesForeignHookAlone(t *testing.T) {
	g := rng(t)
	secret, _ := secretFile(t, g)
	r := newRepo(t)
	hookFile := filepath.Join(r.dir, ".git", "hooks", "pre-commit")
	ranMarker := filepath.Join(t.TempDir(), "foreign-hook-ran")
	foreign := "#!/bin/sh\n# the team's own hook\ntouch '" + ranMarker + "'\nexit 0\n"
	writeExec(t, hookFile, foreign)

	res := run(t, r.dir, r.env, env.bin, "hook", "install")
	if res.code != 2 || !strings.Contains(res.out, "not written by pretense") || !strings.Contains(res.out, "--force") {
		t.Fatalf("install over a foreign hook: exit %d, want 2 with advice\n%s", res.code, res.out)
	}
	assertFile(t, hookFile, foreign)

	// The foreign hook still runs and still decides.
	runCommitCase(t, r, commitCase{
		name:       "foreign hook decides",
		setup:      func(*testing.T, *repo) string { return r.dir },
		files:      map[string]string{"a.txt": "a\n"},
		wantCommit: true,
	})
	if _, err := os.Stat(ranMarker); err != nil {
		t.Fatalf("the foreign hook did not run: %v", err)
	}

	res = run(t, r.dir, r.env, env.bin, "hook", "uninstall")
	if res.code != 0 || !strings.Contains(res.out, "left it in place") {
		t.Fatalf("uninstall: exit %d\n%s", res.code, res.out)
	}
	assertFile(t, hookFile, foreign)

	// --force replaces it, keeping a backup; the pretense hook now guards.
	if out := hookInstall(t, r, r.dir, "--force"); !strings.Contains(out, "pre-commit.pretense-backup") {
		t.Errorf("forced install did not name the backup:\n%s", out)
	}
	runCommitCase(t, r, commitCase{
		name:    "pretense guards after --force",
		setup:   func(*testing.T, *repo) string { return r.dir },
		files:   map[string]string{"b.py": secret},
		wantOut: []string{"b.py:2:", "commit refused"},
	})
	r.git("reset", "-q") // unstage the refused secret (a temporary repo)

	res = run(t, r.dir, r.env, env.bin, "hook", "uninstall")
	if res.code != 0 || !strings.Contains(res.out, "restored the previous hook") {
		t.Fatalf("uninstall after --force: exit %d\n%s", res.code, res.out)
	}
	assertFile(t, hookFile, foreign)
	if _, err := os.Stat(hookFile + ".pretense-backup"); !os.IsNotExist(err) {
		t.Errorf("backup left behind: %v", err)
	}
}

func assertFile(t *testing.T, path, want string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != want {
		t.Errorf("%s changed:\n%s", path, b)
	}
}
