//go:build linux

package scanner

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// The raw calls (rawsys_linux.go) give what the wrapped ones give: the
// same stat, the same listing bytes, the same errors.
func TestRawCallsMatchWrapped(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "f.txt"), []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("f.txt", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	dfd, err := rawOpenat(unix.AT_FDCWD, dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	defer rawClose(dfd)

	for _, name := range []string{"f.txt", "link", "missing", "f.txt/below"} {
		var raw, wrapped unix.Stat_t
		rerr := rawFstatat(dfd, name, &raw, unix.AT_SYMLINK_NOFOLLOW)
		werr := unix.Fstatat(dfd, name, &wrapped, unix.AT_SYMLINK_NOFOLLOW)
		if !errors.Is(rerr, werr) && rerr != werr {
			t.Errorf("fstatat %s: raw %v, wrapped %v", name, rerr, werr)
		}
		if rerr == nil && (raw.Size != wrapped.Size || raw.Mode != wrapped.Mode || raw.Ino != wrapped.Ino) {
			t.Errorf("fstatat %s: raw %+v, wrapped %+v", name, raw, wrapped)
		}
	}

	buf := make([]byte, 4096)
	n, err := rawGetdents(dfd, buf)
	if err != nil || n <= 0 {
		t.Fatalf("getdents: %d, %v", n, err)
	}
	wfd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(wfd)
	wbuf := make([]byte, 4096)
	wn, err := unix.Getdents(wfd, wbuf)
	if err != nil || string(buf[:n]) != string(wbuf[:wn]) {
		t.Errorf("getdents: raw %d bytes, wrapped %d bytes (%v), differ", n, wn, err)
	}

	fd, err := rawOpenat(dfd, "f.txt", unix.O_RDONLY|unix.O_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 16)
	if n, err := rawRead(fd, got); err != nil || string(got[:n]) != "hello" {
		t.Errorf("read: %q, %v", got[:n], err)
	}
	if n, err := rawRead(fd, got); n != 0 || err != nil {
		t.Errorf("read at EOF: %d, %v", n, err)
	}
	if err := rawClose(fd); err != nil {
		t.Errorf("close: %v", err)
	}
	if err := rawClose(fd); !errors.Is(err, unix.EBADF) {
		t.Errorf("second close: %v, want EBADF", err)
	}
	_, rerr := rawRead(dfd, got)
	_, werr := unix.Read(dfd, got)
	if rerr == nil || !errors.Is(rerr, werr) {
		t.Errorf("read of a directory: raw %v, wrapped %v", rerr, werr)
	}
	if _, err := rawOpenat(dfd, "missing", unix.O_RDONLY); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("open missing: %v, want ErrNotExist", err)
	}
	if _, err := rawOpenat(dfd, "bad\x00name", unix.O_RDONLY); err == nil {
		t.Error("open of a name with NUL succeeded")
	}
}
