package scanner

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/unicode"

	"github.com/pretense/pretense/internal/gitobj"
)

// oversizeFiles are contents over the 5000-byte limit of the oversize
// tests, each with whether its head says binary. No secrets: nothing in
// them is scanned.
func oversizeFiles(t testing.TB) []struct {
	name    string
	content string
	binary  bool
} {
	rng := rand.New(rand.NewPCG(7, 8))
	random := make([]byte, 20000)
	for i := range random {
		random[i] = byte(rng.UintN(256))
	}
	random[100] = 0
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + strings.Repeat("\x01\x02\x03\x00", 3000)
	log := strings.Repeat("2026-12-07T01:00:00Z INFO request served in 3ms\n", 400)
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(log)
	if err != nil {
		t.Fatal(err)
	}
	return []struct {
		name    string
		content string
		binary  bool
	}{
		{"random.bin", string(random), true},
		{"image.png", png, true},
		{"app.log", log, false},
		{"utf16.log", utf16, false},
		// The NUL comes after the bytes every scan sniffs: text to the
		// binary test, so text left unscanned.
		{"late-nul.dat", strings.Repeat("a", sniffLen+10) + "\x00" + strings.Repeat("b", 6000), false},
	}
}

// checkOversize checks that each file over the limit is skipped as
// binary or as text left unscanned, as its head says, and nothing else is
// skipped. History scans name a skipped blob <commit>:<path>.
func checkOversize(t *testing.T, res *Result, files []struct {
	name    string
	content string
	binary  bool
}, versions int) {
	t.Helper()
	unscanned := map[string]bool{}
	for _, s := range res.Unscanned() {
		unscanned[s.Path] = true
	}
	seen := map[string]int{}
	for _, s := range res.Skipped {
		p := s.Path
		if i := strings.LastIndexByte(p, ':'); i >= 0 {
			p = p[i+1:]
		}
		seen[p]++
		var want bool
		found := false
		for _, f := range files {
			if f.name == p {
				want, found = f.binary, true
			}
		}
		switch {
		case !found:
			t.Errorf("skipped %+v", s)
		case want && (s.Reason != "binary" || unscanned[s.Path]):
			t.Errorf("%s: skipped %q (unscanned %v), want binary", s.Path, s.Reason, unscanned[s.Path])
		case !want && (!strings.HasPrefix(s.Reason, tooLarge) || !unscanned[s.Path]):
			t.Errorf("%s: skipped %q (unscanned %v), want text left unscanned", s.Path, s.Reason, unscanned[s.Path])
		}
	}
	for _, f := range files {
		if seen[f.name] != versions {
			t.Errorf("%s: skipped %d times, want %d", f.name, seen[f.name], versions)
		}
	}
	if len(res.Findings) != 0 || len(res.Unreadable) != 0 {
		t.Errorf("findings %q, unreadable %v", got(res.Findings), res.Unreadable)
	}
}

// A file or blob over --max-file-size is not read, but its head is: a
// binary one is a binary skip, as a small one is, and only text counts as
// unscanned (Result.Unscanned, exit 3 by default). Directory, history
// (loose, and packed with the versions stored as deltas), range and
// staged scans all judge it the same.
func TestOversizeHead(t *testing.T) {
	files := oversizeFiles(t)
	opts := testOpts()
	opts.MaxFileSize = 5000
	for _, mode := range []string{"dir", "history loose", "history packed", "range", "staged"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			if mode == "dir" {
				dir := t.TempDir()
				for _, f := range files {
					write(t, dir, f.name, f.content)
				}
				write(t, dir, "small.txt", "hello\n")
				res := scanDir(t, dir, opts)
				checkOversize(t, res, files, 1)
				if res.FilesScanned != 1 {
					t.Errorf("files scanned %d, want 1 (small.txt)", res.FilesScanned)
				}
				return
			}
			f := newGitFixture(t)
			f.write("README", "x\n")
			base := f.commit("init")
			versions := 2
			for v := range versions {
				for _, file := range files {
					f.write(file.name, file.content+strings.Repeat("appended line\n", v))
				}
				if mode == "staged" {
					versions = 1
					break
				}
				f.commit("v")
			}
			var res *Result
			var err error
			switch mode {
			case "history loose":
				res, err = GitHistory(context.Background(), f.dir, GitScope{}, testRules(t), opts)
			case "history packed":
				f.repack()
				if !packHasLargeDelta(t, f.dir, int64(opts.MaxFileSize)) {
					t.Fatal("no blob over the limit is stored as a delta: the test would not read one's head")
				}
				res, err = GitHistory(context.Background(), f.dir, GitScope{}, testRules(t), opts)
			case "range":
				res, err = GitHistory(context.Background(), f.dir, GitScope{Since: base.String()}, testRules(t), opts)
			case "staged":
				res, err = GitStaged(context.Background(), f.dir, testRules(t), opts)
			}
			if err != nil {
				t.Fatal(err)
			}
			checkOversize(t, res, files, versions)
		})
	}
}

// packHasLargeDelta reports whether the repository's pack holds a delta
// entry whose target is over limit.
func packHasLargeDelta(t *testing.T, dir string, limit int64) bool {
	t.Helper()
	return anyPackEntry(t, dir, func(size func(int32) (int64, error), e gitobj.Entry, i int32) bool {
		if !e.Type.IsDelta() {
			return false
		}
		n, err := size(i)
		return err == nil && n > limit
	})
}

// anyPackEntry reports whether match holds for some entry of the
// repository's packs; size gives the object size of a pack's i-th entry.
func anyPackEntry(t *testing.T, dir string, match func(size func(int32) (int64, error), e gitobj.Entry, i int32) bool) bool {
	t.Helper()
	r, err := gitobj.OpenRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := r.Objects(gitobj.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rd := s.NewReader()
	for _, p := range s.Packs() {
		if err := p.Load(); err != nil {
			t.Fatal(err)
		}
		size := func(i int32) (int64, error) {
			h, err := p.Hash(i)
			if err != nil {
				return 0, err
			}
			return rd.Size(h)
		}
		for i, e := range p.Entries {
			if match(size, e, int32(i)) {
				return true
			}
		}
	}
	return false
}

// An LFS object over the limit in the local store is judged by its head
// like any other oversize content (after its SHA-256 is checked against
// the pointer): binary is a binary skip, text is unscanned; one whose
// content is absent stays unscanned, and one whose stored copy does not
// match makes the scan incomplete.
func TestLFSOversize(t *testing.T) {
	files := oversizeFiles(t)
	opts := testOpts()
	opts.MaxFileSize = 5000
	for _, mode := range []string{"history", "staged"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			f := newGitFixture(t)
			for _, file := range files {
				f.write("lfs/"+file.name, f.lfsObject(file.content))
			}
			f.write("lfs/absent.bin", "version https://git-lfs.github.com/spec/v1\noid sha256:"+strings.Repeat("cd", 32)+"\nsize 40000\n")
			ptr := f.lfsObject(files[0].content)
			oid := ptr[strings.Index(ptr, "sha256:")+7 : strings.Index(ptr, "\nsize")]
			f.write("lfs/changed.bin", strings.Replace(ptr, oid, strings.Repeat("ef", 32), 1))
			stored := filepath.Join(f.dir, ".git", "lfs", "objects", "ef", "ef", strings.Repeat("ef", 32))
			if err := os.MkdirAll(filepath.Dir(stored), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(stored, []byte(files[0].content), 0o644); err != nil {
				t.Fatal(err)
			}
			var res *Result
			var err error
			if mode == "staged" {
				res, err = GitStaged(context.Background(), f.dir, testRules(t), opts)
			} else {
				f.commit("lfs")
				res, err = GitHistory(context.Background(), f.dir, GitScope{}, testRules(t), opts)
			}
			if err != nil {
				t.Fatal(err)
			}
			reasons := map[string]string{}
			unscanned := map[string]bool{}
			for _, s := range res.Skipped {
				reasons[s.Path[strings.LastIndexByte(s.Path, ':')+1:]] = s.Reason
			}
			for _, s := range res.Unscanned() {
				unscanned[s.Path[strings.LastIndexByte(s.Path, ':')+1:]] = true
			}
			for _, file := range files {
				p := "lfs/" + file.name
				if file.binary && (reasons[p] != "binary" || unscanned[p]) || !file.binary && (!strings.HasPrefix(reasons[p], tooLarge+" (git LFS object") || !unscanned[p]) {
					t.Errorf("%s: skipped %q, unscanned %v; binary %v", p, reasons[p], unscanned[p], file.binary)
				}
			}
			if r := reasons["lfs/absent.bin"]; !strings.HasSuffix(r, lfsInGit) || !unscanned["lfs/absent.bin"] {
				t.Errorf("absent: skipped %q, want unscanned, content elsewhere", r)
			}
			if len(res.Unreadable) != 1 || !errors.Is(res.Unreadable[0], errLFSMismatch) {
				t.Errorf("unreadable %v, want lfs/changed.bin's object named as not matching", res.Unreadable)
			}
		})
	}
}
