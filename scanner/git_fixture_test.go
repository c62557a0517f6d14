package scanner

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/pretense/pretense/finding"
	"github.com/pretense/pretense/rules"
)

// gitFixture builds a repository in a temp dir with go-git: fixed
// signatures and times, so commit ids are stable within a test.
type gitFixture struct {
	t    testing.TB
	dir  string
	repo *git.Repository
	wt   *git.Worktree
	rng  *rand.Rand
	when time.Time
}

func newGitFixture(t testing.TB) *gitFixture {
	t.Helper()
	dir := t.TempDir()
	r, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	wt, err := r.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	return &gitFixture{t: t, dir: dir, repo: r, wt: wt, rng: rand.New(rand.NewPCG(1, 2)),
		when: time.Date(2024, 1, 2, 3, 4, 5, 0, time.FixedZone("", 3600))}
}

// secret returns a fresh GitHub-token-shaped value (never a real one).
func (f *gitFixture) secret() string {
	s, err := rules.ExpandSample("ghp_{alnum:36}", f.rng)
	if err != nil {
		f.t.Fatal(err)
	}
	return s
}

func (f *gitFixture) write(path, content string) {
	f.t.Helper()
	full := filepath.Join(f.dir, filepath.FromSlash(path))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.wt.Add(path); err != nil {
		f.t.Fatal(err)
	}
}

func (f *gitFixture) remove(path string) {
	f.t.Helper()
	if _, err := f.wt.Remove(path); err != nil {
		f.t.Fatal(err)
	}
}

func (f *gitFixture) commit(msg string) plumbing.Hash {
	f.t.Helper()
	f.when = f.when.Add(time.Hour)
	sig := &object.Signature{Name: "Test", Email: "test@example.invalid", When: f.when}
	h, err := f.wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig, AllowEmptyCommits: true})
	if err != nil {
		f.t.Fatal(err)
	}
	return h
}

// checkout switches to a branch, creating it at HEAD when asked.
func (f *gitFixture) checkout(name string, create bool) {
	f.t.Helper()
	err := f.wt.Checkout(&git.CheckoutOptions{Branch: plumbing.NewBranchReferenceName(name), Create: create, Keep: create, Force: !create})
	if err != nil {
		f.t.Fatal(err)
	}
}

// merge records a merge commit of HEAD and other with the given tree
// content already staged.
func (f *gitFixture) merge(other plumbing.Hash, msg string) plumbing.Hash {
	f.t.Helper()
	head, err := f.repo.Head()
	if err != nil {
		f.t.Fatal(err)
	}
	f.when = f.when.Add(time.Hour)
	sig := &object.Signature{Name: "Test", Email: "test@example.invalid", When: f.when}
	h, err := f.wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig, Parents: []plumbing.Hash{head.Hash(), other}, AllowEmptyCommits: true})
	if err != nil {
		f.t.Fatal(err)
	}
	return h
}

func (f *gitFixture) repack() {
	f.t.Helper()
	if err := f.repo.RepackObjects(&git.RepackConfig{}); err != nil {
		f.t.Fatal(err)
	}
	// RepackObjects leaves loose objects; drop them so only the pack
	// serves reads, as after git gc.
	objs := filepath.Join(f.dir, ".git", "objects")
	ents, _ := os.ReadDir(objs)
	for _, e := range ents {
		if len(e.Name()) == 2 {
			os.RemoveAll(filepath.Join(objs, e.Name()))
		}
	}
}

func (f *gitFixture) setRef(name string, h plumbing.Hash) {
	f.t.Helper()
	if err := f.repo.Storer.SetReference(plumbing.NewHashReference(plumbing.ReferenceName(name), h)); err != nil {
		f.t.Fatal(err)
	}
}

func testRules(t testing.TB) *rules.Ruleset {
	t.Helper()
	rs, err := rules.Compile(rules.Builtin(), rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func testOpts() Options {
	return Options{Fingerprinter: finding.NewFingerprinter(nil), Workers: 2}
}

// got renders findings as "commit8 path:line" for comparisons.
func got(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		c := f.Commit
		if len(c) > 8 {
			c = c[:8]
		}
		out = append(out, fmt.Sprintf("%s %s:%d", c, f.Path, f.Line))
	}
	return out
}

func at(h plumbing.Hash, path string, line int) string {
	return fmt.Sprintf("%s %s:%d", h.String()[:8], path, line)
}

func lines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }

// repeatReader yields n bytes of a repeated text line without holding
// them: fixtures of any size cost constant memory to produce.
type repeatReader struct {
	line []byte
	left int64
	pos  int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && r.left > 0 {
		c := copy(p[n:min(len(p), n+int(min(r.left, int64(len(r.line)-r.pos))))], r.line[r.pos:])
		n += c
		r.pos = (r.pos + c) % len(r.line)
		r.left -= int64(c)
	}
	return n, nil
}
