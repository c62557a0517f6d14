package integration

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// lfsChangedPathsScript returns a script that runs the action's
// lfs_changed_paths, cut from scripts/action.sh, on the range $1..$2.
func lfsChangedPathsScript(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(env.root, "scripts", "action.sh"))
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	start := strings.Index(src, "\nlfs_changed_paths() {\n")
	if start < 0 {
		t.Fatal("scripts/action.sh has no lfs_changed_paths")
	}
	end := strings.Index(src[start:], "\n}\n")
	if end < 0 {
		t.Fatal("lfs_changed_paths in scripts/action.sh has no end")
	}
	path := filepath.Join(t.TempDir(), "lfs-changed-paths.sh")
	write(t, path, "set -euo pipefail\n"+src[start+1:start+end+3]+"lfs_changed_paths \"$1\" \"$2\"\n")
	return path
}

// lfsPointerText is a pointer as git-lfs writes one.
func lfsPointerText(r *rand.Rand, host string) string {
	return fmt.Sprintf("version https://%s/spec/v1\noid sha256:%016x%016x%016x%016x\nsize %d\n",
		host, r.Uint64(), r.Uint64(), r.Uint64(), r.Uint64(), r.UintN(1<<30))
}

// TestActionLFSChangedPaths runs the action's lfs_changed_paths on ranges
// of n small files, a quarter of them LFS pointers, beside blobs that a
// reader of the cat-file stream could take wrongly: content that looks
// like a cat-file header, NUL bytes, no final newline, CRLF, bytes that
// are not UTF-8, the 1024-byte bound. It must find exactly the paths where
// the range adds a pointer as the scan tells one (the spec line and its
// newline, under 1024 bytes), and spawn as many git processes for 300
// files as for 30 (a git shim counts them): the blobs are read in one
// stream, not a process each. When git cannot read the stream, it fails.
func TestActionLFSChangedPaths(t *testing.T) {
	need(t, "bash", "apt-get install bash")
	realGit := need(t, "git", "apt-get install git")
	script := lfsChangedPathsScript(t)
	shim := t.TempDir()
	writeExec(t, filepath.Join(shim, "git"), "#!/bin/sh\necho \"$*\" >>\"$GIT_SHIM_LOG\"\nif [ \"$*\" = \"cat-file --batch\" ] && [ -n \"$GIT_SHIM_FAIL\" ]; then\n\thead -c 10 >/dev/null\n\tprintf '%040d blob 9\\nversion' 0\n\texit 0\nfi\nexec "+realGit+" \"$@\"\n")
	spec := "version https://git-lfs.github.com/spec/v1\n"
	pad := func(s string, n int) string { return s + strings.Repeat("x", n-len(s)-1) + "\n" }

	type rangeResult struct {
		paths []string
		spawn int
	}
	listRange := func(t *testing.T, n int, fail bool) (got, want rangeResult) {
		r := newRepo(t)
		rnd := rng(t)
		// Before the range: a pointer the range deletes, one it leaves.
		write(t, filepath.Join(r.dir, "old", "gone.bin"), lfsPointerText(rnd, "git-lfs.github.com"))
		write(t, filepath.Join(r.dir, "old", "kept.bin"), lfsPointerText(rnd, "git-lfs.github.com"))
		r.git("add", "old")
		r.git("commit", "-q", "-m", "base")
		base := r.head()

		files := map[string]string{}
		var ptrs []string
		for i := range n {
			name := fmt.Sprintf("many/f%04d.dat", i)
			switch i % 4 {
			case 0:
				files[name] = lfsPointerText(rnd, "git-lfs.github.com")
				ptrs = append(ptrs, name)
			case 1:
				files[name] = lfsPointerText(rnd, "hawser.github.com")
				ptrs = append(ptrs, name)
			case 2:
				files[name] = fmt.Sprintf("plain text %d\n", i)
			case 3:
				// A header for a size that would swallow the next objects,
				// then a spec line.
				files[name] = fmt.Sprintf("%040x blob 900\n%s", i, spec)
			}
		}
		adversarial := []struct {
			name, content string
			pointer       bool
		}{
			{"adv/no-newline.bin", strings.TrimSuffix(spec, "\n"), false},
			{"adv/crlf.bin", "version https://git-lfs.github.com/spec/v1\r\noid x\r\n", false},
			{"adv/nul-in-line.bin", "version https://git-lfs\x00.github.com/spec/v1\n", false},
			{"adv/nul-after.bin", spec + "oid sha256:\x00\x00\n\x00", true},
			{"adv/not-utf8.bin", "\xff\xfe\xe2\x82" + spec, false},
			{"adv/later.bin", "x\n" + spec, false},
			{"adv/empty.bin", "", false},
			{"adv/newlines.bin", "\n\n\n", false},
			{"adv/header-last.bin", fmt.Sprintf("%040x blob 0\n", 7), false},
			{"adv/1023.bin", pad(spec, 1023), true},
			{"adv/1024.bin", pad(spec, 1024), false},
			{"adv/odd\nname, [q1] *.bin", lfsPointerText(rnd, "git-lfs.github.com"), true},
			// Paths awk sees as one line each ("=" as "==", a newline
			// as "=n"): none may stand for another.
			{"adv/x=n", lfsPointerText(rnd, "git-lfs.github.com"), true},
			{"adv/x\n", lfsPointerText(rnd, "git-lfs.github.com"), true},
			{"adv/x==n", lfsPointerText(rnd, "git-lfs.github.com"), true},
			{"adv/x=\n", lfsPointerText(rnd, "git-lfs.github.com"), true},
			{"adv/\xff\rname.bin", lfsPointerText(rnd, "git-lfs.github.com"), true},
		}
		for _, a := range adversarial {
			files[a.name] = a.content
			if a.pointer {
				ptrs = append(ptrs, a.name)
			}
		}
		for name, content := range files {
			write(t, filepath.Join(r.dir, name), content)
		}
		r.git("add", "-A")
		r.git("commit", "-q", "-m", "many")
		// A second commit: a pointer changed again is listed once; a
		// deleted one is not listed.
		write(t, filepath.Join(r.dir, "many", "f0000.dat"), lfsPointerText(rnd, "git-lfs.github.com"))
		r.git("rm", "-q", "old/gone.bin")
		r.git("add", "-A")
		r.git("commit", "-q", "-m", "again")
		// A merge, listed against each parent: its pointer once.
		main := r.git("rev-parse", "--abbrev-ref", "HEAD")
		r.git("checkout", "-q", "-b", "side", base)
		write(t, filepath.Join(r.dir, "side", "p.bin"), lfsPointerText(rnd, "git-lfs.github.com"))
		r.git("add", "side")
		r.git("commit", "-q", "-m", "side")
		r.git("checkout", "-q", main)
		r.git("merge", "-q", "--no-ff", "-m", "merge side", "side")
		ptrs = append(ptrs, "side/p.bin")

		log := filepath.Join(t.TempDir(), "git.log")
		environ := append(slices.Clone(r.env), "PATH="+shim+string(os.PathListSeparator)+os.Getenv("PATH"), "GIT_SHIM_LOG="+log)
		if fail {
			environ = append(environ, "GIT_SHIM_FAIL=1")
		}
		res := run(t, r.dir, environ, "bash", script, base, r.head())
		if fail {
			if res.code == 0 {
				t.Fatalf("lfs_changed_paths exit 0 on a cut cat-file stream, want a failure:\n%q", res.out)
			}
			return got, want
		}
		if res.code != 0 {
			t.Fatalf("lfs_changed_paths: exit %d\n%s", res.code, res.out)
		}
		got.paths = strings.Split(strings.TrimSuffix(res.out, "\x00"), "\x00")
		slices.Sort(got.paths)
		want.paths = slices.Sorted(slices.Values(ptrs))
		b, err := os.ReadFile(log)
		if err != nil {
			t.Fatal(err)
		}
		got.spawn = strings.Count(string(b), "\n")
		return got, want
	}

	small, _ := listRange(t, 30, false)
	got, want := listRange(t, 300, false)
	if strings.Join(got.paths, "|") != strings.Join(want.paths, "|") {
		missing, extra := []string{}, []string{}
		for _, p := range want.paths {
			if !slices.Contains(got.paths, p) {
				missing = append(missing, p)
			}
		}
		for _, p := range got.paths {
			if !slices.Contains(want.paths, p) {
				extra = append(extra, p)
			}
		}
		t.Errorf("lfs_changed_paths found %d paths, want %d: missing %q, extra %q", len(got.paths), len(want.paths), missing, extra)
	}
	if got.spawn != small.spawn || got.spawn > 3 {
		t.Errorf("lfs_changed_paths ran git %d times for 300 files and %d for 30, want the same, at most 3 (git log, cat-file --batch-check, cat-file --batch)", got.spawn, small.spawn)
	}
	listRange(t, 30, true)
}
