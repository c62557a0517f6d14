package scanner

import (
	"context"
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
