package testtool

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// GitRepo is a repository built in a temporary directory by the real git
// command. Tests of the git readers use it where go-git cannot write what
// they must read: go-git v5 fixes the object format at compile time, so a
// test binary cannot build both SHA-1 and SHA-256 repositories with it,
// and git's own files (packs, packed-refs, index v4) are the ground truth.
//
// Every command runs without the user's or the system's git config, with
// fixed identities and a date one hour later per commit, so a test gets
// the same ids on every run.
type GitRepo struct {
	t   testing.TB
	Dir string // the work tree
	bin string
	env []string
	n   int // commits made, for the next commit date
}

// NewGitRepo runs `git init --object-format=<format>` (sha1 or sha256) in
// a fresh temporary directory. A missing git skips t (fails it under CI).
func NewGitRepo(t testing.TB, format string) *GitRepo {
	t.Helper()
	g := &GitRepo{t: t, Dir: t.TempDir(), bin: Need(t, "apt-get install git", "git")}
	home := t.TempDir()
	for _, kv := range os.Environ() {
		// GIT_DIR, GIT_INDEX_FILE and the like (set when tests run from a
		// hook) would point the commands at another repository.
		if !strings.HasPrefix(kv, "GIT_") {
			g.env = append(g.env, kv)
		}
	}
	g.env = append(g.env, "HOME="+home, "XDG_CONFIG_HOME="+home,
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull,
		"GIT_AUTHOR_NAME=Test", "GIT_AUTHOR_EMAIL=test@example.invalid",
		"GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=test@example.invalid")
	g.Run("-c", "init.defaultBranch=main", "init", "-q", "--object-format="+format)
	// No automatic gc: a test decides when objects are packed.
	g.Run("config", "gc.auto", "0")
	g.Run("config", "commit.gpgsign", "false")
	return g
}

// RunBytes runs git in the work tree and returns its standard output
// unchanged (cat-file output is binary); a failure ends the test.
func (g *GitRepo) RunBytes(args ...string) []byte {
	g.t.Helper()
	return g.run(nil, args)
}

func (g *GitRepo) run(env, args []string) []byte {
	g.t.Helper()
	var out, errb bytes.Buffer
	cmd := exec.Command(g.bin, args...)
	cmd.Dir = g.Dir
	cmd.Env = append(g.env[:len(g.env):len(g.env)], env...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		g.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return out.Bytes()
}

// Run runs git in the work tree and returns its output without the
// trailing newline.
func (g *GitRepo) Run(args ...string) string {
	g.t.Helper()
	return strings.TrimSuffix(string(g.RunBytes(args...)), "\n")
}

// Write writes a file of the work tree (creating its directories) and
// stages it.
func (g *GitRepo) Write(path, content string) {
	g.t.Helper()
	full := filepath.Join(g.Dir, filepath.FromSlash(path))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		g.t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
		g.t.Fatal(err)
	}
	g.Run("add", "--", path)
}

// Commit commits what is staged and returns the new commit's id.
func (g *GitRepo) Commit(msg string) string {
	g.t.Helper()
	g.n++
	when := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC).Add(time.Duration(g.n) * time.Hour)
	date := fmt.Sprintf("%d +0100", when.Unix())
	g.run([]string{"GIT_AUTHOR_DATE=" + date, "GIT_COMMITTER_DATE=" + date},
		[]string{"commit", "-q", "--allow-empty", "-m", msg})
	return g.Run("rev-parse", "HEAD")
}
