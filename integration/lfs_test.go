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
// content from there and find the token in it; once the store no longer
// has it, the history scan says the file was not scanned (exit 3 with
// --fail-on-unscanned) instead of calling it clean.
func TestGitLFSContentScanned(t *testing.T) {
	need(t, "git-lfs", "apt-get install git-lfs")
	r := newRepo(t)
	r.git("lfs", "install", "--local")
	r.git("lfs", "track", "*.csv")
	tok := githubToken(t, rand.New(rand.NewPCG(17, 18)))
	write(t, filepath.Join(r.dir, "extract.csv"), "id,note\n1,token="+tok+"\n")
	r.git("add", ".gitattributes", "extract.csv")
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

	if err := os.RemoveAll(filepath.Join(r.dir, ".git", "lfs", "objects")); err != nil {
		t.Fatal(err)
	}
	check("scan --git, content gone", run(t, r.dir, r.env, env.bin, "scan", "--git"), 0, "git LFS pointer")
	check("scan --git --fail-on-unscanned, content gone", run(t, r.dir, r.env, env.bin, "scan", "--git", "--fail-on-unscanned"), 3, "not scanned")
}
