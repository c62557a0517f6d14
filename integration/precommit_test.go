package integration

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// hookSourceRepo makes a git repository holding this checkout's files as
// they are on disk (tracked and untracked, minus what .gitignore drops), so
// pre-commit builds the code under test rather than the last commit, and
// so it works from an unpacked source tree too. It returns the repository
// and its HEAD commit, the `repo:` and `rev:` of a .pre-commit-config.yaml.
func hookSourceRepo(t *testing.T, environ []string) (dir, rev string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "pretense-src")
	files, err := sourceFiles(environ)
	if err != nil {
		t.Fatal(err)
	}
	for _, rel := range files {
		src := filepath.Join(env.root, rel)
		info, err := os.Lstat(src)
		if err != nil || !info.Mode().IsRegular() {
			continue // deleted in the work tree, or not a plain file
		}
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, info.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}, {"commit", "-q", "-m", "pretense under test"}} {
		if r := run(t, dir, environ, "git", args...); r.code != 0 {
			t.Fatalf("git %v: %s", args, r.out)
		}
	}
	rev = strings.TrimSpace(run(t, dir, environ, "git", "rev-parse", "HEAD").out)
	return dir, rev
}

// sourceFiles lists the checkout's files relative to its root: git's view
// when it is a work tree, every file but .git otherwise.
func sourceFiles(environ []string) ([]string, error) {
	cmd := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = env.root
	cmd.Env = environ
	if out, err := cmd.Output(); err == nil {
		var files []string
		for _, f := range strings.Split(string(out), "\x00") {
			if f != "" {
				files = append(files, filepath.FromSlash(f))
			}
		}
		return files, nil
	}
	var files []string
	err := filepath.WalkDir(env.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() {
			rel, err := filepath.Rel(env.root, p)
			if err != nil {
				return err
			}
			files = append(files, rel)
		}
		return nil
	})
	return files, err
}

// TestPreCommitFramework drives the real pre-commit framework: a project
// whose .pre-commit-config.yaml points at this checkout's hooks, with
// pretense built by pre-commit (language: golang) and run at commit time.
func TestPreCommitFramework(t *testing.T) {
	pc := need(t, "pre-commit", "apt-get install pre-commit")
	need(t, "go", "https://go.dev/doc/install")
	g := rng(t)
	secret, token := secretFile(t, g)
	phi := phiFile(g)

	r := newRepo(t)
	src, rev := hookSourceRepo(t, r.env)

	configure := func(t *testing.T, hookIDs ...string) {
		t.Helper()
		var b strings.Builder
		b.WriteString("repos:\n  - repo: " + src + "\n    rev: " + rev + "\n    hooks:\n")
		for _, id := range hookIDs {
			b.WriteString("      - id: " + id + "\n")
		}
		write(t, filepath.Join(r.dir, ".pre-commit-config.yaml"), b.String())
		if res := run(t, r.dir, r.env, pc, "validate-config"); res.code != 0 {
			t.Fatalf("pre-commit validate-config: %s", res.out)
		}
		r.git("add", ".pre-commit-config.yaml")
	}
	configure(t, "pretense")
	if res := run(t, r.dir, r.env, pc, "install"); res.code != 0 {
		t.Fatalf("pre-commit install: exit %d\n%s", res.code, res.out)
	}
	// The first commit builds the hook environment (go install ./...).
	r.git("commit", "-q", "-m", "use pre-commit")

	cases := []struct {
		name       string
		hooks      []string
		file       string
		content    string
		wantCommit bool
		wantOut    []string
		notOut     []string
	}{
		{
			name: "staged secret is refused with the finding printed", hooks: []string{"pretense"},
			file: "app/settings.py", content: secret,
			wantOut: []string{"pretense (secrets in staged changes)", "Failed", "app/settings.py:2:", "github-pat-classic", "pretense:allow"},
			notOut:  []string{token},
		},
		{
			name: "clean code passes", hooks: []string{"pretense"},
			file: "app/main.py", content: "print('hello')\n",
			wantCommit: true,
			wantOut:    []string{"pretense (secrets in staged changes)", "Passed"},
		},
		{
			name: "the PHI hook refuses a staged PHI fixture", hooks: []string{"pretense-phi"},
			file: "fixtures/patient.yaml", content: phi,
			wantOut: []string{"pretense (secrets and PHI in staged changes)", "Failed", "fixtures/patient.yaml:3:", "phi-"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			configure(t, c.hooks...)
			write(t, filepath.Join(r.dir, c.file), c.content)
			r.git("add", c.file)
			before := r.head()
			res := run(t, r.dir, r.env, "git", "commit", "-m", c.name)
			if committed := r.head() != before; committed != c.wantCommit {
				t.Fatalf("committed = %v (exit %d), want %v\n%s", committed, res.code, c.wantCommit, res.out)
			}
			for _, w := range c.wantOut {
				if !strings.Contains(res.out, w) {
					t.Errorf("output lacks %q:\n%s", w, res.out)
				}
			}
			for _, w := range c.notOut {
				if strings.Contains(res.out, w) {
					t.Errorf("output shows a raw value:\n%s", res.out)
				}
			}
			if !c.wantCommit {
				r.git("rm", "-q", "--cached", c.file) // leave the index clean for the next case
				if err := os.Remove(filepath.Join(r.dir, c.file)); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
