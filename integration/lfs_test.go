package integration

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGitLFSContentScanned tracks a data extract with the real git-lfs:
// git holds only its pointer, and `git add` puts the content in the
// clone's LFS store. The hook's staged scan and a history scan read the
// content from there and find the token in it. A model tracked beside it
// (11 MB of random bytes, over --max-file-size) is judged by its head: a
// binary skip, which does not fail the scan. Once the store no longer has
// the content, the history scan says the files were not scanned (exit 3,
// naming both; listed as skipped with --no-fail-on-unscanned) instead of
// calling them clean. A directory scan of a checkout that holds the
// pointers (no smudge) reads the content from the store the same way.
func TestGitLFSContentScanned(t *testing.T) {
	need(t, "git-lfs", "apt-get install git-lfs")
	r := newRepo(t)
	r.git("lfs", "install", "--local")
	r.git("lfs", "track", "*.csv")
	tok := githubToken(t, rand.New(rand.NewPCG(17, 18)))
	write(t, filepath.Join(r.dir, "extract.csv"), "id,note\n1,token="+tok+"\n")
	r.git("lfs", "track", "*.bin")
	model := make([]byte, 11<<20)
	rnd := rand.New(rand.NewPCG(19, 20))
	for i := range model {
		model[i] = byte(rnd.UintN(256))
	}
	model[10] = 0
	if err := os.WriteFile(filepath.Join(r.dir, "model.bin"), model, 0o644); err != nil {
		t.Fatal(err)
	}
	r.git("add", ".gitattributes", "extract.csv", "model.bin")
	if staged := r.git("cat-file", "-p", ":extract.csv"); !strings.HasPrefix(staged, "version https://git-lfs.github.com/spec/v1") {
		t.Fatalf("git-lfs did not stage a pointer:\n%s", staged)
	}

	check := func(name string, res result, code int, want string) {
		t.Helper()
		if res.code != code || !strings.Contains(res.out, want) {
			t.Errorf("%s: exit %d, want %d with %q:\n%s", name, res.code, code, want, res.out)
		}
		if strings.Contains(res.out, tok) {
			t.Errorf("%s: the token is shown unredacted:\n%s", name, res.out)
		}
	}
	check("pretense-scan --staged", run(t, r.dir, r.env, env.scanBin, "--staged"), 1, "extract.csv")
	r.git("commit", "-q", "--no-verify", "-m", "add extract")
	check("scan --git", run(t, r.dir, r.env, env.bin, "scan", "--git"), 1, "extract.csv")
	check("scan --git -v", run(t, r.dir, r.env, env.bin, "scan", "--git", "-v"), 1, ":model.bin: binary")
	// A checkout without the smudge filter (GIT_LFS_SKIP_SMUDGE=1, or no
	// git-lfs) holds the pointers; a directory scan reads their content
	// from the store all the same.
	for _, f := range []string{"extract.csv", "model.bin"} {
		write(t, filepath.Join(r.dir, f), r.git("cat-file", "-p", "HEAD:"+f)+"\n")
	}
	check("scan, pointers checked out", run(t, r.dir, r.env, env.bin, "scan", "-v"), 1, "model.bin: binary")

	if err := os.RemoveAll(filepath.Join(r.dir, ".git", "lfs", "objects")); err != nil {
		t.Fatal(err)
	}
	gone := run(t, r.dir, r.env, env.bin, "scan", "--git")
	check("scan --git, content gone", gone, 3, "lfs: true on actions/checkout")
	for _, p := range []string{":extract.csv: git LFS pointer", ":model.bin: git LFS pointer"} {
		if !strings.Contains(gone.out, "not scanned: ") || !strings.Contains(gone.out, p) {
			t.Errorf("content gone: %q not named as not scanned:\n%s", p, gone.out)
		}
	}
	check("scan, pointers checked out, content gone", run(t, r.dir, r.env, env.bin, "scan"), 3, "not scanned: extract.csv: git LFS pointer")
	check("scan --git --no-fail-on-unscanned, content gone", run(t, r.dir, r.env, env.bin, "scan", "--git", "--no-fail-on-unscanned", "-v"), 0, "git LFS pointer")
}
