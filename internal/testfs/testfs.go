// Package testfs is file-system scaffolding that the tests of several
// packages need alike: golden files with -update, running a permission
// test again as an unprivileged user (root reads everything, so chmod 0
// proves nothing under root), and damaging one git object on disk so a
// test can check it is named and the rest still scanned. Tests only;
// nothing in the binary imports it.
package testfs

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/go-git/go-billy/v5/osfs"

	"github.com/pretense/pretense/internal/gitobj"
)

// Nobody is the uid and gid RerunAsNobody runs as.
const Nobody = 65534

// RerunAsNobody runs the tests matching pattern in a copy of the running
// test binary as uid/gid Nobody, and fails t unless that run passed: it
// exits 0, reports a PASS, skips nothing, and its output holds every
// string in want. The copy goes to a fresh directory nobody can enter,
// since go test's own build directory is private to the caller. Call it
// only as root (os.Geteuid() == 0).
func RerunAsNobody(t *testing.T, pattern string, want ...string) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "pretense-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	raw, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, filepath.Base(self))
	if err := os.WriteFile(bin, raw, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-test.run="+pattern, "-test.v", "-test.count=1")
	cmd.Dir = dir
	cmd.Env = []string{"HOME=" + dir, "TMPDIR=" + os.TempDir(), "PATH=/usr/bin:/bin"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: Nobody, Gid: Nobody}}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: ") || strings.Contains(string(out), "--- SKIP") {
		t.Fatalf("as nobody: %v\n%s", err, out)
	}
	for _, w := range want {
		if !strings.Contains(string(out), w) {
			t.Fatalf("as nobody: output lacks %q\n%s", w, out)
		}
	}
}

// FlipByte inverts bit 5 of the byte at off in file, making it writable
// first (git writes objects read-only).
func FlipByte(t testing.TB, file string, off int64) {
	t.Helper()
	os.Chmod(file, 0o644)
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if off < 0 || off >= int64(len(raw)) {
		t.Fatalf("offset %d outside %s (%d bytes)", off, file, len(raw))
	}
	raw[off] ^= 0x20
	if err := os.WriteFile(file, raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

// FlipPackedBlob flips a byte in the middle of blob h's compressed data in
// the pack that holds it (h: any object id, SHA-1 or SHA-256, as go-git
// or gitobj spell it), and returns the pack's name relative to gitDir.
// It fails t when h is in no pack or is stored as a delta (the damage
// would then land in another object's data).
func FlipPackedBlob(t testing.TB, gitDir string, h fmt.Stringer) string {
	t.Helper()
	s, err := gitobj.Open(osfs.New(gitDir), gitobj.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, p := range s.Packs() {
		if err := p.Load(); err != nil {
			t.Fatal(err)
		}
		for i, e := range p.Entries {
			id, err := p.Hash(int32(i))
			if err != nil {
				t.Fatal(err)
			}
			if id.String() != h.String() {
				continue
			}
			if e.Type != gitobj.Blob {
				t.Fatalf("%s is stored as %v, want a whole blob", h, e.Type)
			}
			FlipByte(t, filepath.Join(gitDir, p.Name), e.DataOff+(e.End-e.DataOff)/2)
			return p.Name
		}
	}
	t.Fatalf("%s is in no pack", h)
	return ""
}

// FlipLooseObject flips a byte in the middle of loose object h and returns
// its name relative to gitDir, slash-separated ("objects/ab/cdef…").
func FlipLooseObject(t testing.TB, gitDir string, h fmt.Stringer) string {
	t.Helper()
	name := filepath.Join("objects", h.String()[:2], h.String()[2:])
	st, err := os.Stat(filepath.Join(gitDir, name))
	if err != nil {
		t.Fatal(err)
	}
	FlipByte(t, filepath.Join(gitDir, name), st.Size()/2)
	return filepath.ToSlash(name)
}

// RemoveLooseObjects deletes gitDir's loose objects (after a repack, so
// only the pack holds them).
func RemoveLooseObjects(t testing.TB, gitDir string) {
	t.Helper()
	objs := filepath.Join(gitDir, "objects")
	ents, err := os.ReadDir(objs)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if len(e.Name()) == 2 {
			if err := os.RemoveAll(filepath.Join(objs, e.Name())); err != nil {
				t.Fatal(err)
			}
		}
	}
}
