package gitobj_test

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-billy/v5/osfs"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/pretense/pretense/internal/gitobj"
)

// testRepo builds a history of versions of a few files (so the pack holds
// delta chains), packed or left loose.
func testRepo(t *testing.T, packed bool) (gitDir string, r *git.Repository) {
	t.Helper()
	dir := t.TempDir()
	r, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	wt, _ := r.Worktree()
	when := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	for c := range 12 {
		for f := range 3 {
			var b strings.Builder
			for l := range 60 + c*3 {
				fmt.Fprintf(&b, "line %d of file %d, edited in %d\n", l, f, (l+c)%7)
			}
			name := fmt.Sprintf("f%d.txt", f)
			if err := os.WriteFile(filepath.Join(dir, name), []byte(b.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := wt.Add(name); err != nil {
				t.Fatal(err)
			}
		}
		when = when.Add(time.Hour)
		sig := &object.Signature{Name: "T", Email: "t@example.invalid", When: when}
		if _, err := wt.Commit("c", &git.CommitOptions{Author: sig, Committer: sig}); err != nil {
			t.Fatal(err)
		}
	}
	gitDir = filepath.Join(dir, ".git")
	if packed {
		if err := r.RepackObjects(&git.RepackConfig{}); err != nil {
			t.Fatal(err)
		}
		ents, _ := os.ReadDir(filepath.Join(gitDir, "objects"))
		for _, e := range ents {
			if len(e.Name()) == 2 {
				os.RemoveAll(filepath.Join(gitDir, "objects", e.Name()))
			}
		}
	}
	return gitDir, r
}

// allObjects lists every object go-git sees, with its type and content.
func allObjects(t *testing.T, r *git.Repository) map[gitobj.Hash]plumbing.EncodedObject {
	t.Helper()
	out := map[gitobj.Hash]plumbing.EncodedObject{}
	it, err := r.Storer.IterEncodedObjects(plumbing.AnyObject)
	if err != nil {
		t.Fatal(err)
	}
	err = it.ForEach(func(o plumbing.EncodedObject) error {
		h := o.Hash()
		id, _ := gitobj.NewHash(h[:])
		out[id] = o
		return nil
	})
	if err != nil && !errors.Is(err, storer.ErrStop) {
		t.Fatal(err)
	}
	return out
}

func content(t *testing.T, o plumbing.EncodedObject) []byte {
	t.Helper()
	rc, err := o.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func openStore(t *testing.T, gitDir string) *gitobj.Store {
	t.Helper()
	s, err := gitobj.Open(osfs.New(gitDir), gitobj.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Every object reads back as go-git reads it, by id and through the pack
// pass (Load, Inflater, ApplyDelta over the delta forest).
func TestStoreReadsWhatGitWrote(t *testing.T) {
	t.Parallel()
	for _, packed := range []bool{true, false} {
		gitDir, r := testRepo(t, packed)
		want := allObjects(t, r)
		s := openStore(t, gitDir)
		rd := s.NewReader()
		for h, o := range want {
			typ, data, err := rd.Object(h)
			if err != nil {
				t.Fatalf("packed=%v %s: %v", packed, h, err)
			}
			if typ.String() != o.Type().String() || !bytes.Equal(data, content(t, o)) {
				t.Fatalf("packed=%v %s: got %v of %d bytes, want %v of %d", packed, h, typ, len(data), o.Type(), o.Size())
			}
			if n, err := rd.Size(h); err != nil || n != o.Size() {
				t.Fatalf("size of %s = %d, %v; want %d", h, n, err, o.Size())
			}
		}
		if !packed {
			if len(s.Packs()) != 0 {
				t.Fatalf("loose repository has %d packs", len(s.Packs()))
			}
			continue
		}
		deltas := 0
		seen := map[gitobj.Hash]bool{}
		z := gitobj.NewInflater(gitobj.Options{})
		for _, p := range s.Packs() {
			if err := p.Load(); err != nil {
				t.Fatal(err)
			}
			var visit func(i int32, base []byte, typ gitobj.Type)
			visit = func(i int32, base []byte, typ gitobj.Type) {
				data, err := z.Entry(p, i, nil)
				if err != nil {
					t.Fatal(err)
				}
				if base != nil {
					deltas++
					if data, _, err = gitobj.ApplyDelta(base, data, nil, nil, false, 1<<30); err != nil {
						t.Fatal(err)
					}
				} else {
					typ = p.Entries[i].Type
				}
				if err := z.Check(p, i, typ, data); err != nil {
					t.Fatal(err)
				}
				id, err := p.Hash(i)
				if err != nil {
					t.Fatal(err)
				}
				seen[id] = true
				for _, k := range p.Children(i) {
					visit(k, data, typ)
				}
			}
			for i, e := range p.Entries {
				if e.Base == -1 {
					visit(int32(i), nil, 0)
				}
			}
		}
		if len(seen) != len(want) || deltas == 0 {
			t.Errorf("pack pass rebuilt %d objects (%d deltas), want %d with deltas", len(seen), deltas, len(want))
		}
	}
}

// zlibOf compresses b as git does.
func zlibOf(b []byte) []byte {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// Damage of every kind is an error naming the object and its file, with
// ErrCorrupt or ErrTooLarge, never garbage and never a huge allocation.
func TestStoreRefusesDamage(t *testing.T) {
	t.Parallel()
	type damage struct {
		name   string
		packed bool
		// break damages the repository; it returns the object to read
		// and the file that must be named.
		breakIt func(t *testing.T, gitDir string, s *gitobj.Store, blob gitobj.Hash) string
		want    error
	}
	firstBlob := func(t *testing.T, r *git.Repository) gitobj.Hash {
		for h, o := range allObjects(t, r) {
			if o.Type() == plumbing.BlobObject {
				return h
			}
		}
		t.Fatal("no blob")
		return gitobj.Hash{}
	}
	looseName := func(h gitobj.Hash) string { return "objects/" + h.String()[:2] + "/" + h.String()[2:] }
	rewrite := func(t *testing.T, file string, fn func([]byte) []byte) {
		t.Helper()
		os.Chmod(file, 0o644)
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, fn(raw), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []damage{
		{name: "loose-deflate-byte", breakIt: func(t *testing.T, gitDir string, _ *gitobj.Store, h gitobj.Hash) string {
			rewrite(t, filepath.Join(gitDir, looseName(h)), func(b []byte) []byte { b[len(b)/2] ^= 0x40; return b })
			return looseName(h)
		}, want: gitobj.ErrCorrupt},
		{name: "loose-adler32", breakIt: func(t *testing.T, gitDir string, _ *gitobj.Store, h gitobj.Hash) string {
			rewrite(t, filepath.Join(gitDir, looseName(h)), func(b []byte) []byte { b[len(b)-1] ^= 1; return b })
			return looseName(h)
		}, want: gitobj.ErrCorrupt},
		{name: "loose-other-content", breakIt: func(t *testing.T, gitDir string, _ *gitobj.Store, h gitobj.Hash) string {
			rewrite(t, filepath.Join(gitDir, looseName(h)), func([]byte) []byte { return zlibOf([]byte("blob 5\x00other")) })
			return looseName(h)
		}, want: gitobj.ErrCorrupt},
		{name: "loose-truncated", breakIt: func(t *testing.T, gitDir string, _ *gitobj.Store, h gitobj.Hash) string {
			rewrite(t, filepath.Join(gitDir, looseName(h)), func(b []byte) []byte { return b[:len(b)-6] })
			return looseName(h)
		}, want: gitobj.ErrCorrupt},
		{name: "loose-trailing-data", breakIt: func(t *testing.T, gitDir string, s *gitobj.Store, h gitobj.Hash) string {
			_, data, _ := s.NewReader().Object(h)
			rewrite(t, filepath.Join(gitDir, looseName(h)), func([]byte) []byte {
				return zlibOf(append([]byte(fmt.Sprintf("blob %d\x00", len(data))), append(data, "more"...)...))
			})
			return looseName(h)
		}, want: gitobj.ErrCorrupt},
		{name: "loose-huge-declared-size", breakIt: func(t *testing.T, gitDir string, _ *gitobj.Store, h gitobj.Hash) string {
			rewrite(t, filepath.Join(gitDir, looseName(h)), func([]byte) []byte { return zlibOf([]byte("blob 99999999999999\x00x")) })
			return looseName(h)
		}, want: gitobj.ErrCorrupt},
		{name: "packed-deflate-byte", packed: true, breakIt: func(t *testing.T, gitDir string, s *gitobj.Store, h gitobj.Hash) string {
			p, e := entryOf(t, s, h)
			rewrite(t, filepath.Join(gitDir, p.Name), func(b []byte) []byte { b[e.DataOff+(e.End-e.DataOff)/2] ^= 0x40; return b })
			return p.Name
		}, want: gitobj.ErrCorrupt},
		{name: "packed-adler32", packed: true, breakIt: func(t *testing.T, gitDir string, s *gitobj.Store, h gitobj.Hash) string {
			p, e := entryOf(t, s, h)
			rewrite(t, filepath.Join(gitDir, p.Name), func(b []byte) []byte { b[e.End-1] ^= 1; return b })
			return p.Name
		}, want: gitobj.ErrCorrupt},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			gitDir, r := testRepo(t, tc.packed)
			h := firstBlob(t, r)
			file := tc.breakIt(t, gitDir, openStore(t, gitDir), h)
			s := openStore(t, gitDir)
			_, data, err := s.NewReader().Object(h)
			var ge *gitobj.Error
			if !errors.As(err, &ge) || !errors.Is(err, tc.want) || ge.Hash != h || ge.File != file {
				t.Fatalf("got %d bytes, %v; want %v naming %s in %s", len(data), err, tc.want, h, file)
			}
		})
	}
}

// entryOf finds h's entry in the store's packs.
func entryOf(t *testing.T, s *gitobj.Store, h gitobj.Hash) (*gitobj.Pack, gitobj.Entry) {
	t.Helper()
	for _, p := range s.Packs() {
		if err := p.Load(); err != nil {
			t.Fatal(err)
		}
		for i, e := range p.Entries {
			if id, err := p.Hash(int32(i)); err != nil {
				t.Fatal(err)
			} else if id == h {
				return p, e
			}
		}
	}
	t.Fatalf("%s in no pack", h)
	return nil, gitobj.Entry{}
}

// Objects of an alternate object store (objects/info/alternates, as `git
// clone --shared` writes it; absolute or relative) are read and checked
// like the store's own.
func TestStoreAlternates(t *testing.T) {
	t.Parallel()
	for _, packed := range []bool{true, false} {
		srcGit, r := testRepo(t, packed)
		want := allObjects(t, r)
		for _, relative := range []bool{false, true} {
			gitDir := filepath.Join(t.TempDir(), "shared.git")
			if err := os.MkdirAll(filepath.Join(gitDir, "objects", "info"), 0o755); err != nil {
				t.Fatal(err)
			}
			alt := filepath.Join(srcGit, "objects")
			if relative {
				var err error
				if alt, err = filepath.Rel(filepath.Join(gitDir, "objects"), alt); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.WriteFile(filepath.Join(gitDir, "objects", "info", "alternates"), []byte(alt+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			rd := openStore(t, gitDir).NewReader()
			for h, o := range want {
				typ, data, err := rd.Object(h)
				if err != nil || typ.String() != o.Type().String() || !bytes.Equal(data, content(t, o)) {
					t.Fatalf("packed=%v relative=%v %s: %v", packed, relative, h, err)
				}
			}
			missing, _ := gitobj.NewHash(append([]byte{1}, make([]byte, 19)...))
			if _, _, err := rd.Object(missing); !errors.Is(err, gitobj.ErrNotFound) {
				t.Fatalf("missing object: %v, want ErrNotFound", err)
			}
		}
	}
}
