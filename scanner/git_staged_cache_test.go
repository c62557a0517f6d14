package scanner

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/pretense/pretense/internal/gitobj"
	"github.com/pretense/pretense/internal/testtool"
	"github.com/pretense/pretense/rules"
)

// The index's cache tree lets GitStaged skip directories whose staged
// tree is HEAD's without reading HEAD's trees there. Skipping must be
// sound (every skipped entry is HEAD's blob), must read fewer trees, and
// must not change what is reported.
func TestGitStagedCacheTree(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	token := func() string {
		s, err := rules.ExpandSample("ghp_{alnum:36}", rng)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	g := testtool.NewGitRepo(t, "sha1")
	committed := token()
	g.Write("old/conf.py", "token = '"+committed+"'\n")
	for _, d := range []string{"a", "a/b", "a/b/c", "d", "e/f"} {
		g.Write(d+"/file.txt", "nothing in "+d+"\n")
	}
	g.Commit("one")
	staged := token()
	g.Write("a/b/file.txt", "nothing in a/b\ntoken = '"+staged+"'\n")
	g.Write("new/dir/x.txt", "plain\n")

	r, err := gitobj.OpenRepo(g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	idx, cache, err := r.ReadIndexTree("")
	if err != nil || cache == nil {
		t.Fatalf("cache tree %v, %v", cache, err)
	}
	objs, err := r.Objects(gitobj.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer objs.Close()
	head, err := r.Ref("HEAD")
	if err != nil {
		t.Fatal(err)
	}
	rd := objs.NewReader()
	_, raw, err := rd.Object(head)
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.Format.ParseCommit(raw)
	if err != nil {
		t.Fatal(err)
	}
	ht := &headTree{rd: rd, format: r.Format, root: c.Tree, trees: map[gitobj.Hash][]stagedEntry{}}
	same := ht.unchanged(cache)
	for _, d := range []string{"old/", "d/", "e/", "a/b/c/"} {
		if !same[d] {
			t.Errorf("%s not vouched for by the cache tree: %v", d, same)
		}
	}
	read := len(ht.trees)
	var covered int
	for _, e := range idx {
		if !same.covers(e.Name) {
			continue
		}
		covered++
		if old, err := ht.find(e.Name); err != nil || old != e.Hash {
			t.Errorf("%s skipped, but HEAD has %s (%v), the index %s", e.Name, old, err, e.Hash)
		}
	}
	if covered == 0 {
		t.Fatal("nothing skipped")
	}
	var dirs int
	for _, es := range ht.trees {
		for _, e := range es {
			if e.mode == filemode.Dir {
				dirs++
			}
		}
	}
	if read >= dirs+1 {
		t.Errorf("read %d of HEAD's %d trees", read, dirs+1)
	}

	res, err := GitStaged(context.Background(), g.Dir, testRules(t), testOpts())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		got = append(got, f.Path)
	}
	if strings.Join(got, ",") != "a/b/file.txt" {
		t.Fatalf("findings in %v, want a/b/file.txt only", got)
	}
	if res.FilesScanned != 2 {
		t.Errorf("%d files scanned, want the 2 staged", res.FilesScanned)
	}
}
