package scanner

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/pretense/pretense/finding"
	"github.com/pretense/pretense/internal/testtool"
	"github.com/pretense/pretense/rules"
)

// The same history written by the git command as a SHA-1 and as a
// SHA-256 repository must scan to the same findings, the commit ids
// aside: the object format changes how ids are read, nothing else.

// cliSecrets are GitHub-token-shaped values drawn at random for this run
// (never real ones), shared by both formats so their findings can be
// compared.
type cliSecrets struct{ early, later, staged string }

func newCLISecrets(t *testing.T) cliSecrets {
	var seed [16]byte
	if _, err := crand.Read(seed[:]); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(binary.LittleEndian.Uint64(seed[:8]), binary.LittleEndian.Uint64(seed[8:])))
	gen := func() string {
		s, err := rules.ExpandSample("ghp_{alnum:36}", rng)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	return cliSecrets{gen(), gen(), gen()}
}

// cliScanRepo builds: a clean commit; one adding a secret; one adding a
// second secret in a subdirectory on a branch that is merged; one
// removing the first secret again (history still holds it). It returns
// the commits in order.
func cliScanRepo(t *testing.T, format string, sec cliSecrets) (*testtool.GitRepo, []string) {
	g := testtool.NewGitRepo(t, format)
	var cs []string
	g.Write("conf.py", lines("a = 1", "b = 2"))
	g.Write("README", "nothing here\n")
	cs = append(cs, g.Commit("clean"))
	g.Write("conf.py", lines("a = 1", "token = '"+sec.early+"'", "b = 2"))
	cs = append(cs, g.Commit("add a token"))
	g.Run("checkout", "-q", "-b", "side")
	g.Write("svc/deploy/env.sh", lines("#!/bin/sh", "", "export GH_TOKEN="+sec.later))
	cs = append(cs, g.Commit("side: deploy script"))
	g.Run("checkout", "-q", "main")
	g.Write("README", "still nothing\n")
	cs = append(cs, g.Commit("main: readme"))
	g.Run("merge", "-q", "--no-ff", "--no-commit", "side")
	cs = append(cs, g.Commit("merge side"))
	g.Write("conf.py", lines("a = 1", "b = 2"))
	cs = append(cs, g.Commit("remove the token"))
	return g, cs
}

// normalized renders findings with each commit id replaced by its place in
// the history, so findings of two formats compare; it checks that every
// commit id is a full id of the format, naming one of the commits.
func normalized(t *testing.T, fs []finding.Finding, commits []string, hexLen int) []finding.Finding {
	t.Helper()
	var out []finding.Finding
	for _, f := range fs {
		if len(f.Commit) != hexLen {
			t.Errorf("finding at %s:%d has commit %q, want %d hex digits", f.Path, f.Line, f.Commit, hexLen)
		}
		n := -1
		for i, c := range commits {
			if c == f.Commit {
				n = i
			}
		}
		if n < 0 {
			t.Errorf("finding at %s:%d names commit %q, not one of the history", f.Path, f.Line, f.Commit)
		}
		f.Commit = fmt.Sprintf("commit#%d", n)
		out = append(out, f)
	}
	return out
}

func summary(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s %s:%d %s", f.Commit, f.Path, f.Line, f.RuleID))
	}
	return out
}

func TestGitCLIFormatsScanAlike(t *testing.T) {
	t.Parallel()
	sec := newCLISecrets(t)
	type scans struct {
		loose, packed, rng, since, staged []finding.Finding
	}
	results := map[string]scans{}
	for _, fm := range []struct {
		name string
		hex  int
	}{{"sha1", 40}, {"sha256", 64}} {
		g, cs := cliScanRepo(t, fm.name, sec)
		if got := g.Run("rev-parse", "--show-object-format"); got != fm.name {
			t.Fatalf("git made a %s repository, want %s", got, fm.name)
		}
		scan := func(what string, scope GitScope) []finding.Finding {
			t.Helper()
			res, err := GitHistory(context.Background(), g.Dir, scope, testRules(t), testOpts())
			if err != nil {
				t.Fatalf("%s %s: %v", fm.name, what, err)
			}
			if len(res.Unreadable) != 0 {
				t.Fatalf("%s %s: unreadable %v", fm.name, what, res.Unreadable)
			}
			return normalized(t, res.Findings, cs, fm.hex)
		}
		var s scans
		s.loose = scan("history (loose)", GitScope{})
		s.rng = scan("range", GitScope{Range: cs[0] + "..HEAD"})
		s.since = scan("since", GitScope{Since: "HEAD~2"})
		g.Run("gc", "-q", "--prune=now")
		s.packed = scan("history (packed)", GitScope{})

		// Staged: a new secret on a new line of a tracked file, and a
		// new file; the untracked file and the unstaged edit are not
		// what a commit would add.
		g.Write("conf.py", lines("a = 1", "b = 2", "c = '"+sec.staged+"'"))
		g.Write("new/one.txt", lines("x", "key "+sec.early))
		res, err := GitStaged(context.Background(), g.Dir, testRules(t), testOpts())
		if err != nil {
			t.Fatalf("%s staged: %v", fm.name, err)
		}
		for _, f := range res.Findings {
			if f.Commit != "" {
				t.Errorf("%s staged: finding names commit %q", fm.name, f.Commit)
			}
		}
		s.staged = res.Findings
		results[fm.name] = s

		// What the scans must find, on either format.
		want := map[string][]string{
			"history": {
				"commit#1 conf.py:2 github-pat-classic",
				"commit#2 svc/deploy/env.sh:3 github-pat-classic",
			},
			"range": {
				"commit#1 conf.py:2 github-pat-classic",
				"commit#2 svc/deploy/env.sh:3 github-pat-classic",
			},
			// HEAD~2 is main's readme commit: the side branch's commit
			// comes in with the merge.
			"since":  {"commit#2 svc/deploy/env.sh:3 github-pat-classic"},
			"staged": {"commit#-1 conf.py:3 github-pat-classic", "commit#-1 new/one.txt:2 github-pat-classic"},
		}
		for name, fs := range map[string][]finding.Finding{
			"history": s.loose, "range": s.rng, "since": s.since,
			"staged": normalizedStaged(s.staged),
		} {
			if got := summary(fs); !reflect.DeepEqual(got, want[name]) {
				t.Errorf("%s %s:\n got %q\nwant %q", fm.name, name, got, want[name])
			}
		}
		if !reflect.DeepEqual(s.loose, s.packed) {
			t.Errorf("%s: packed history differs from loose:\n%q\n%q", fm.name, summary(s.packed), summary(s.loose))
		}
	}
	// Every field of every finding (dates, columns, fingerprints,
	// redactions) agrees between the formats.
	a, b := results["sha1"], results["sha256"]
	for _, c := range []struct {
		name string
		x, y []finding.Finding
	}{{"history", a.loose, b.loose}, {"range", a.rng, b.rng}, {"since", a.since, b.since}, {"staged", a.staged, b.staged}} {
		if !reflect.DeepEqual(c.x, c.y) {
			t.Errorf("%s: sha1 and sha256 findings differ:\n%+v\n%+v", c.name, c.x, c.y)
		}
	}
}

func normalizedStaged(fs []finding.Finding) []finding.Finding {
	out := make([]finding.Finding, len(fs))
	for i, f := range fs {
		f.Commit = "commit#-1"
		out[i] = f
	}
	return out
}

// A bare SHA-256 clone (what a CI mirror holds) and a linked worktree of
// one are scanned like the repository itself.
func TestGitCLISHA256BareAndWorktree(t *testing.T) {
	t.Parallel()
	sec := newCLISecrets(t)
	g, cs := cliScanRepo(t, "sha256", sec)
	bare := t.TempDir() + "/mirror.git"
	g.Run("clone", "-q", "--bare", g.Dir, bare)
	wt := t.TempDir() + "/wt"
	g.Run("worktree", "add", "-q", wt, cs[1])
	for _, dir := range []string{bare, wt} {
		res, err := GitHistory(context.Background(), dir, GitScope{}, testRules(t), testOpts())
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		got := summary(normalized(t, res.Findings, cs, 64))
		want := []string{"commit#1 conf.py:2 github-pat-classic", "commit#2 svc/deploy/env.sh:3 github-pat-classic"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %q\nwant %q", dir, got, want)
		}
		if strings.HasSuffix(dir, "wt") {
			res, err := GitHistory(context.Background(), dir, GitScope{Since: "HEAD~1"}, testRules(t), testOpts())
			if err != nil {
				t.Fatalf("%s since HEAD~1: %v", dir, err)
			}
			if got := summary(normalized(t, res.Findings, cs, 64)); !reflect.DeepEqual(got, want[:1]) {
				t.Errorf("%s since HEAD~1 (the worktree's HEAD is commit#1):\n got %q\nwant %q", dir, got, want[:1])
			}
		}
	}
}

// A shallow clone of a SHA-256 repository: the history it holds is
// scanned, and a range whose base it lacks is a ShallowError (exit 3),
// not a silent pass over the missing commits.
func TestGitCLISHA256Shallow(t *testing.T) {
	t.Parallel()
	sec := newCLISecrets(t)
	g, cs := cliScanRepo(t, "sha256", sec)
	dir := t.TempDir() + "/shallow"
	g.Run("clone", "-q", "--depth", "2", "--no-single-branch", "file://"+g.Dir, dir)
	res, err := GitHistory(context.Background(), dir, GitScope{}, testRules(t), testOpts())
	if err != nil {
		t.Fatal(err)
	}
	// Depth 2 from each branch: main's tip and the merge, the side's
	// commit and the one adding the first token (a shallow boundary, so
	// all it holds counts as introduced there); the clean root is cut off.
	if sh := g.Run("-C", dir, "rev-parse", "--is-shallow-repository"); sh != "true" {
		t.Fatalf("clone is not shallow: %s", sh)
	}
	got := summary(normalized(t, res.Findings, cs, 64))
	want := []string{"commit#1 conf.py:2 github-pat-classic", "commit#2 svc/deploy/env.sh:3 github-pat-classic"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("shallow history:\n got %q\nwant %q", got, want)
	}
	_, err = GitHistory(context.Background(), dir, GitScope{Range: cs[0] + "..HEAD"}, testRules(t), testOpts())
	var se *ShallowError
	if !errors.As(err, &se) {
		t.Errorf("range from a commit the clone lacks: %v, want a ShallowError", err)
	}
}
