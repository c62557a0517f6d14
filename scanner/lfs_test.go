package scanner

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A git LFS pointer is what git holds for an LFS file: the content is
// elsewhere, so a git scan says it did not scan it instead of counting
// the file clean. A blob that only looks like one (too long, or another
// first line) is scanned as text.
func TestGitLFSPointerSaid(t *testing.T) {
	pointer := "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n"
	check := func(t *testing.T, res *Result, wantSecret bool) {
		t.Helper()
		var lfs []Skipped
		for _, s := range res.Skipped {
			if strings.HasPrefix(s.Reason, "git LFS pointer") {
				lfs = append(lfs, s)
			}
		}
		if len(lfs) != 1 || (lfs[0].Path != "model.bin" && !strings.HasSuffix(lfs[0].Path, ":model.bin")) || !strings.Contains(lfs[0].Reason, "sha256:4d7a2146") || !strings.Contains(lfs[0].Reason, "12345 bytes") {
			t.Errorf("skipped %+v, want model.bin said to be an LFS pointer with its oid and size", res.Skipped)
		}
		if found := len(res.Findings) > 0; found != wantSecret {
			t.Errorf("findings %q", got(res.Findings))
		}
	}
	for _, packed := range []bool{false, true} {
		name := "loose"
		if packed {
			name = "packed"
		}
		t.Run("history "+name, func(t *testing.T) {
			t.Parallel()
			f := newGitFixture(t)
			f.write("model.bin", pointer)
			// Not pointers: a longer file that starts the same, and the
			// spec line later in a file.
			f.write("notes.txt", "see:\n"+pointer+"t = "+f.secret()+"\n")
			f.commit("lfs")
			if packed {
				f.repack()
			}
			check(t, history(t, f.dir, GitScope{}), true)
		})
	}
	t.Run("staged", func(t *testing.T) {
		t.Parallel()
		f := newGitFixture(t)
		f.write("README", "x\n")
		f.commit("init")
		f.write("model.bin", pointer)
		res, err := GitStaged(context.Background(), f.dir, testRules(t), testOpts())
		if err != nil {
			t.Fatal(err)
		}
		check(t, res, false)
	})
}

// A checkout without the LFS files pulled holds their pointers: a
// directory scan, and a scan of standard input, says so too.
func TestLFSPointerOnDiskSaid(t *testing.T) {
	pointer := "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n"
	dir := t.TempDir()
	write(t, dir, "model.bin", pointer)
	write(t, dir, "notes.txt", "see:\n"+pointer)
	res, err := Dir(context.Background(), dir, testRules(t), testOpts())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skipped) != 1 || res.Skipped[0].Path != "model.bin" || !strings.Contains(res.Skipped[0].Reason, "git lfs pull") || !strings.Contains(res.Skipped[0].Reason, "12345 bytes") {
		t.Errorf("skipped %+v, want model.bin said to be an LFS pointer", res.Skipped)
	}
	if res.FilesScanned != 1 || len(res.Incomplete()) != 0 {
		t.Errorf("files scanned %d (want notes.txt only), incomplete %v", res.FilesScanned, res.Incomplete())
	}
	res, err = Reader(strings.NewReader(pointer), "stdin", testRules(t), testOpts())
	if err != nil || len(res.Skipped) != 1 || !strings.HasPrefix(res.Skipped[0].Reason, "git LFS pointer") {
		t.Errorf("stdin: %+v, %v", res, err)
	}
}

// Unscanned picks, among the skips of every kind of scan, those whose text
// was not scanned: LFS pointers (git or disk) and over-size files; not
// binary files, submodules or unreadable files (Incomplete has those).
func TestUnscanned(t *testing.T) {
	pointer := "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n"
	why := lfsPointer([]byte(pointer))
	if why == "" {
		t.Fatal("the pointer is not one")
	}
	for _, tc := range []struct {
		reason string
		want   bool
	}{
		{why + lfsInGit, true},
		{why + lfsOnDisk, true},
		{tooLarge + " (11000000 bytes)", true},
		{"binary", false},
		{"submodule: a pointer to another repository, not followed", false},
		{"unreadable: permission denied", false},
	} {
		res := &Result{Skipped: []Skipped{{Path: "a", Reason: tc.reason}}}
		if got := len(res.Unscanned()) == 1; got != tc.want {
			t.Errorf("%q: unscanned = %v, want %v", tc.reason, got, tc.want)
		}
	}
}

// lfsObject writes content into the fixture's local LFS store, as
// `git add` of an LFS-tracked file does, and returns its pointer.
func (f *gitFixture) lfsObject(content string) string {
	f.t.Helper()
	sum := sha256.Sum256([]byte(content))
	oid := hex.EncodeToString(sum[:])
	dir := filepath.Join(f.dir, ".git", "lfs", "objects", oid[0:2], oid[2:4])
	if err := os.MkdirAll(dir, 0o755); err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, oid), []byte(content), 0o644); err != nil {
		f.t.Fatal(err)
	}
	return fmt.Sprintf("version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize %d\n", oid, len(content))
}

// An LFS file whose content is in the local store is scanned like any
// other file, in history (loose and packed), range and staged scans; one
// whose content is not there stays unscanned, and one whose stored
// content is not what its pointer names makes the scan incomplete.
func TestLFSContentScanned(t *testing.T) {
	setup := func(t *testing.T, f *gitFixture) {
		f.write("data/extract.csv", f.lfsObject("id,note\n1,token="+f.secret()+"\n"))
		// Absent: a pointer to content this clone never fetched.
		f.write("data/other.csv", "version https://git-lfs.github.com/spec/v1\noid sha256:"+strings.Repeat("ab", 32)+"\nsize 40\n")
		// Changed: the store's copy was altered after the pointer was made.
		ptr := f.lfsObject("plain,text\n")
		oid := ptr[strings.Index(ptr, "sha256:")+7 : strings.Index(ptr, "\nsize")]
		changed := filepath.Join(f.dir, ".git", "lfs", "objects", oid[0:2], oid[2:4], oid)
		if err := os.WriteFile(changed, []byte("token="+f.secret()+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		f.write("data/changed.csv", ptr)
	}
	check := func(t *testing.T, res *Result) {
		t.Helper()
		if g := got(res.Findings); len(g) != 1 || !strings.HasSuffix(g[0], " "+"data/extract.csv"+":2") {
			t.Errorf("findings %q, want one in data/extract.csv line 2 (the LFS content)", g)
		}
		reasons := map[string]string{}
		for _, s := range res.Unscanned() {
			// History scans name a skipped blob <commit>:<path>.
			p := s.Path
			if i := strings.LastIndexByte(p, ':'); i >= 0 {
				p = p[i+1:]
			}
			reasons[p] = s.Reason
		}
		if r := reasons["data/other.csv"]; !strings.HasSuffix(r, lfsInGit) {
			t.Errorf("data/other.csv: unscanned reason %q, want the content said to be elsewhere", r)
		}
		if len(reasons) != 1 {
			t.Errorf("unscanned %v, want the absent file only", reasons)
		}
		// A changed store object is damage: the scan is incomplete.
		if len(res.Unreadable) != 1 || !errors.Is(res.Unreadable[0], errLFSMismatch) || !strings.Contains(res.Unreadable[0].Error(), "data/changed.csv") {
			t.Errorf("unreadable %v, want data/changed.csv's LFS object named as not matching its pointer", res.Unreadable)
		}
	}
	for _, mode := range []string{"history loose", "history packed", "range"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			f := newGitFixture(t)
			f.write("README", "x\n")
			base := f.commit("init")
			setup(t, f)
			f.commit("lfs")
			scope := GitScope{}
			switch mode {
			case "history packed":
				f.repack()
			case "range":
				scope.Since = base.String()
			}
			res := history(t, f.dir, scope)
			check(t, res)
			for _, s := range res.Skipped {
				if !strings.Contains(s.Path, "data/") {
					t.Errorf("skipped %+v", s)
				}
			}
		})
	}
	t.Run("staged", func(t *testing.T) {
		t.Parallel()
		f := newGitFixture(t)
		f.write("README", "x\n")
		f.commit("init")
		setup(t, f)
		res, err := GitStaged(context.Background(), f.dir, testRules(t), testOpts())
		if err != nil {
			t.Fatal(err)
		}
		check(t, res)
	})
}

// A staged change to an LFS file is judged against HEAD's LFS content: a
// secret already in the committed version is not reported again, one the
// change adds is.
func TestLFSStagedAddedLines(t *testing.T) {
	f := newGitFixture(t)
	old := "id,note\n1,token=" + f.secret() + "\n"
	f.write("extract.csv", f.lfsObject(old))
	f.commit("lfs")
	f.write("extract.csv", f.lfsObject(old+"2,token="+f.secret()+"\n"))
	res, err := GitStaged(context.Background(), f.dir, testRules(t), testOpts())
	if err != nil {
		t.Fatal(err)
	}
	if g := got(res.Findings); len(g) != 1 || !strings.HasSuffix(g[0], " extract.csv:3") {
		t.Errorf("findings %q, want only line 3 (the added one)", g)
	}
}

func TestParseLFSPointer(t *testing.T) {
	oid := strings.Repeat("0a", 32)
	for _, tc := range []struct {
		name, in string
		ok       bool
		size     int64
	}{
		{"spec", "version https://git-lfs.github.com/spec/v1\noid sha256:" + oid + "\nsize 12\n", true, 12},
		{"extension lines", "version https://git-lfs.github.com/spec/v1\next-0-foo sha256:" + oid + "\noid sha256:" + oid + "\nsize 0\n", true, 0},
		{"no size", "version https://git-lfs.github.com/spec/v1\noid sha256:" + oid + "\n", false, 0},
		{"no oid", "version https://git-lfs.github.com/spec/v1\nsize 3\n", false, 0},
		{"short oid", "version https://git-lfs.github.com/spec/v1\noid sha256:" + oid[:63] + "\nsize 3\n", false, 0},
		{"upper-case oid", "version https://git-lfs.github.com/spec/v1\noid sha256:" + strings.ToUpper(oid) + "\nsize 3\n", false, 0},
		{"path in oid", "version https://git-lfs.github.com/spec/v1\noid sha256:../../../../etc/passwd" + oid[:42] + "\nsize 3\n", false, 0},
		{"two oids", "version https://git-lfs.github.com/spec/v1\noid sha256:" + oid + "\noid sha256:" + oid + "\nsize 3\n", false, 0},
		{"negative size", "version https://git-lfs.github.com/spec/v1\noid sha256:" + oid + "\nsize -3\n", false, 0},
		{"size not a number", "version https://git-lfs.github.com/spec/v1\noid sha256:" + oid + "\nsize 3x\n", false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, ok := parseLFSPointer([]byte(tc.in))
			if ok != tc.ok || ok && (p.oid != oid || p.size != tc.size) {
				t.Errorf("parse = %+v, %v; want ok %v size %d", p, ok, tc.ok, tc.size)
			}
		})
	}
}

// lfsContent reads a store object only when it is the pointer's content;
// a larger one is refused before it is read.
func TestLFSContentChecks(t *testing.T) {
	store := t.TempDir()
	put := func(oid, content string) {
		dir := filepath.Join(store, oid[0:2], oid[2:4])
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, oid), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ptr := func(oid string, size int) []byte {
		return fmt.Appendf(nil, "version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize %d\n", oid, size)
	}
	content := "hello, lfs\n"
	sum := sha256.Sum256([]byte(content))
	oid := hex.EncodeToString(sum[:])
	put(oid, content)
	longer := strings.Repeat("1", 64)
	put(longer, content+"more")

	if got, why, err := lfsContent(store, ptr(oid, len(content)), 1<<20); err != nil || why != "" || string(got) != content {
		t.Errorf("stored content: %q %q %v", got, why, err)
	}
	if got, why, err := lfsContent(store, []byte("plain text\n"), 1<<20); err != nil || why != "" || string(got) != "plain text\n" {
		t.Errorf("not a pointer: %q %q %v", got, why, err)
	}
	for _, tc := range []struct {
		name   string
		ptr    []byte
		max    int64
		suffix string
	}{
		{"absent", ptr(strings.Repeat("2", 64), 5), 1 << 20, lfsInGit},
		{"over max size", ptr(oid, len(content)), 4, "bytes)"},
		{"no store", ptr(oid, len(content)), 1 << 20, lfsInGit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := store
			if tc.name == "no store" {
				s = ""
			}
			got, why, err := lfsContent(s, tc.ptr, tc.max)
			if err != nil || got != nil || !strings.HasSuffix(why, tc.suffix) {
				t.Errorf("got %q, %q, %v; want a skip ending %q", got, why, err, tc.suffix)
			}
		})
	}
	for name, p := range map[string][]byte{"size differs": ptr(oid, len(content)-1), "content differs": ptr(longer, len(content))} {
		if got, why, err := lfsContent(store, p, 1<<20); got != nil || why != "" || !errors.Is(err, errLFSMismatch) {
			t.Errorf("%s: got %q, %q, %v; want the mismatch as an error", name, got, why, err)
		}
	}
	if _, why, _ := lfsContent(store, ptr(oid, len(content)), 4); !strings.HasPrefix(why, tooLarge) {
		t.Errorf("over max size: %q, want it counted as too large", why)
	}
}

func FuzzParseLFSPointer(f *testing.F) {
	f.Add([]byte("version https://git-lfs.github.com/spec/v1\noid sha256:" + strings.Repeat("0a", 32) + "\nsize 12\n"))
	f.Add([]byte("version https://git-lfs.github.com/spec/v1\noid sha256:\nsize \n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, ok := parseLFSPointer(data)
		if !ok {
			return
		}
		// What reaches a file path is 64 lower-case hex digits and nothing
		// else, and a size that is not negative.
		if len(p.oid) != 64 || !isLowerHex([]byte(p.oid)) || p.size < 0 {
			t.Fatalf("parsed %+v from %q", p, data)
		}
	})
}

// A store object that cannot be read (here a directory where the file
// should be) makes the scan incomplete: the file is neither clean nor
// merely skipped.
func TestLFSStoreUnreadable(t *testing.T) {
	for _, mode := range []string{"history loose", "history packed", "staged"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			f := newGitFixture(t)
			f.write("README", "x\n")
			f.commit("init")
			ptr := f.lfsObject("token=" + f.secret() + "\n")
			oid := ptr[strings.Index(ptr, "sha256:")+7 : strings.Index(ptr, "\nsize")]
			obj := filepath.Join(f.dir, ".git", "lfs", "objects", oid[0:2], oid[2:4], oid)
			if err := os.Remove(obj); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(obj, 0o755); err != nil {
				t.Fatal(err)
			}
			f.write("extract.csv", ptr)
			var res *Result
			if mode == "staged" {
				var err error
				if res, err = GitStaged(context.Background(), f.dir, testRules(t), testOpts()); err != nil {
					t.Fatal(err)
				}
			} else {
				f.commit("lfs")
				if mode == "history packed" {
					f.repack()
				}
				res = history(t, f.dir, GitScope{})
			}
			if len(res.Unreadable) != 1 || !strings.Contains(res.Unreadable[0].Error(), "git LFS object "+oid) {
				t.Errorf("unreadable %v, want the LFS object named", res.Unreadable)
			}
		})
	}
}

// A work tree whose LFS files are checked out as pointers (cloned without
// git-lfs, or with GIT_LFS_SKIP_SMUDGE) but whose store holds their
// content is scanned as if pulled: each pointer is read from the store
// (checked against it), and judged as the file itself would be. Content
// not in the store stays unscanned with the pointer's own reason; a copy
// that does not match makes the scan incomplete.
func TestLFSPointerInWorkTreeResolved(t *testing.T) {
	f := newGitFixture(t)
	tok := f.secret()
	files := oversizeFiles(t)
	absent := "version https://git-lfs.github.com/spec/v1\noid sha256:" + strings.Repeat("ab", 32) + "\nsize 40\n"
	ptr := f.lfsObject("plain,text\n")
	oid := ptr[strings.Index(ptr, "sha256:")+7 : strings.Index(ptr, "\nsize")]
	stored := filepath.Join(f.dir, ".git", "lfs", "objects", oid[0:2], oid[2:4], oid)
	cases := []struct {
		path, content string
		finding       bool   // a finding at line 2
		reason        string // skip reason prefix ("" none)
		unscanned     bool
	}{
		{"data/extract.csv", f.lfsObject("id,note\n1,token=" + tok + "\n"), true, "", false},
		{"data/small.bin", f.lfsObject("\x00\x01binary"), false, "binary", false},
		{"data/big.log", f.lfsObject(files[2].content), false, tooLarge + " (git LFS object", true},
		{"data/big.bin", f.lfsObject(files[0].content), false, "binary", false},
		{"data/absent.csv", absent, false, "git LFS pointer", true},
		{"data/changed.csv", ptr, false, "unreadable: ", false},
	}
	if err := os.WriteFile(stored, []byte("token="+f.secret()+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		f.write(c.path, c.content)
	}
	f.commit("pointers in the work tree")
	opts := testOpts()
	opts.MaxFileSize = 5000
	res := scanDir(t, f.dir, opts)
	for _, c := range cases {
		var found, unscanned bool
		reason := ""
		for _, fd := range res.Findings {
			found = found || fd.Path == c.path && fd.Line == 2
		}
		for _, s := range res.Skipped {
			if s.Path == c.path {
				reason = s.Reason
			}
		}
		for _, s := range res.Unscanned() {
			unscanned = unscanned || s.Path == c.path
		}
		if found != c.finding || !strings.HasPrefix(reason, c.reason) || (c.reason == "") != (reason == "") || unscanned != c.unscanned {
			t.Errorf("%s: finding %v, skipped %q, unscanned %v; want %v, %q…, %v", c.path, found, reason, unscanned, c.finding, c.reason, c.unscanned)
		}
	}
	if inc := res.Incomplete(); len(inc) != 1 || !strings.Contains(inc[0].Error(), "data/changed.csv") || !strings.Contains(inc[0].Error(), "does not match") {
		t.Errorf("incomplete %v, want data/changed.csv", inc)
	}
	// A scan of the one file finds the store too.
	one := scanDir(t, filepath.Join(f.dir, "data", "extract.csv"), opts)
	if len(one.Findings) != 1 || one.Findings[0].Line != 2 {
		t.Errorf("one file: findings %q, skipped %+v", got(one.Findings), one.Skipped)
	}
	// Outside a repository there is no store: the pointer stays one.
	out := t.TempDir()
	write(t, out, "extract.csv", cases[0].content)
	res = scanDir(t, out, opts)
	if len(res.Findings) != 0 || len(res.Unscanned()) != 1 {
		t.Errorf("outside a repository: findings %q, unscanned %+v", got(res.Findings), res.Unscanned())
	}
}
