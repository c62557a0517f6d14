package scanner

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// needGit returns the git binary, skipping (with how to install it) when it
// is missing, except under CI, where a missing tool is a failure.
func needGit(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("git")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("git is not on PATH (CI is set, so this is a failure): %v", err)
		}
		t.Skip("needs the git binary: apt-get install git (or brew install git)")
	}
	return p
}

// gitCmd runs git in dir with a private, empty configuration.
func gitCmd(t *testing.T, dir, home string, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(needGit(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.invalid", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.invalid")
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		// check-ignore exits 1 when nothing is ignored.
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || args[0] != "check-ignore" {
			t.Fatalf("git %v: %v\n%s", args, err, errb.String())
		}
	}
	return out.String()
}

// The directory scan sees what git sees: every tracked file, and the
// untracked files git check-ignore does not report, over generated ignore
// files at several depths, .git/info/exclude and core.excludesFile.
func TestDirMatchesGitCheckIgnore(t *testing.T) {
	needGit(t)
	files := []string{
		"a.txt", "b.txt", "c.md", "x.log", "keep.log", "#hash", "!bang", "trail.txt",
		"sub/a.txt", "sub/x.log", "sub/keep.log", "sub/c.md", "sub/deep/b.txt", "sub/deep/x.log",
		"deep/x/b.txt", "deep/y.log", "a/b/c.txt", "a/c.txt", "build/out.txt", "sub/build/out.txt",
		"docs/keep/a.log", "docs/z.txt", "lib/a.txt", "lib/sub/a.txt",
	}
	atoms := []string{
		"*.log", "!keep.log", "!*.md", "*.md", "a.txt", "/a.txt", "sub/", "build/", "/build", "deep/**",
		"**/x.log", "a/**/c.txt", "sub/*.log", "[ab].txt", "[!a].txt", "?.txt", "\\#hash", "\\!bang",
		"lib/*", "!lib/sub", "docs/", "!docs/keep/", "trail.txt   ", "c.*", "deep/", "*", "!sub/", "!*.txt", "x.log/",
		"**/b.txt", "sub/**/b.txt", "/sub/deep", "!deep/x/", "# comment", "",
	}
	seeds := uint64(100)
	if testing.Short() {
		seeds = 20
	}
	if n, err := strconv.ParseUint(os.Getenv("PRETENSE_GITIGNORE_SEEDS"), 10, 64); err == nil {
		seeds = n
	}
	for seed := uint64(1); seed <= seeds; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 11))
			pick := func() string {
				n := rng.IntN(4) + 1
				var b strings.Builder
				for range n {
					b.WriteString(atoms[rng.IntN(len(atoms))] + "\n")
				}
				return b.String()
			}
			dir := t.TempDir()
			home := t.TempDir()
			// Both object formats, and index v4 (names prefix-compressed)
			// now and then: the tracked set comes from the index, whose
			// ids are as long as the format says.
			format := "sha1"
			if seed%2 == 0 {
				format = "sha256"
			}
			gitCmd(t, dir, home, "", "init", "-q", "--object-format="+format)
			for i, f := range files {
				write(t, dir, f, "token: "+token(t, uint64(i)+1)+"\n")
			}
			write(t, dir, ".gitignore", pick())
			write(t, dir, "sub/.gitignore", pick())
			if rng.IntN(2) == 0 {
				write(t, dir, "sub/deep/.gitignore", pick())
			}
			if rng.IntN(2) == 0 {
				write(t, dir, "lib/.gitignore", pick())
			}
			write(t, dir, ".git/info/exclude", pick())
			if rng.IntN(2) == 0 {
				write(t, home, "excludes", pick())
				gitCmd(t, dir, home, "", "config", "core.excludesFile", filepath.Join(home, "excludes"))
			}
			// A few files are tracked whatever the ignore files say.
			for range 3 {
				gitCmd(t, dir, home, "", "add", "-f", files[rng.IntN(len(files))])
			}
			if seed%3 == 0 {
				gitCmd(t, dir, home, "", "update-index", "--index-version", "4")
			}
			tracked := strings.Fields(gitCmd(t, dir, home, "", "ls-files"))
			ignored := strings.Split(gitCmd(t, dir, home, strings.Join(files, "\n")+"\n", "check-ignore", "--stdin"), "\n")
			var want []string
			for _, f := range files {
				if slices.Contains(tracked, f) || !slices.Contains(ignored, f) {
					want = append(want, f)
				}
			}
			t.Setenv("HOME", home)
			t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
			res := scanDir(t, dir, Options{})
			var got []string
			for _, p := range paths(res.Findings) {
				if !slices.Contains(got, p) && !strings.HasSuffix(p, ".gitignore") {
					got = append(got, p)
				}
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				raw := func(p string) string { b, _ := os.ReadFile(filepath.Join(dir, p)); return string(b) }
				t.Errorf("scanned %q\ngit sees %q\n.gitignore:\n%s\nsub/.gitignore:\n%s\nsub/deep/.gitignore:\n%s\nlib/.gitignore:\n%s\ninfo/exclude:\n%s\nexcludes:\n%s\ntracked %q",
					got, want, raw(".gitignore"), raw("sub/.gitignore"), raw("sub/deep/.gitignore"), raw("lib/.gitignore"), raw(".git/info/exclude"),
					func() string { b, _ := os.ReadFile(filepath.Join(home, "excludes")); return string(b) }(), tracked)
			}
		})
	}
}
