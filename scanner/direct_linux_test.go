//go:build linux

package scanner

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/pretense/pretense/internal/testfs"
)

// setDirect forces walk_linux.go's choice between sending regular files
// without their size (directAlways) and stat'ing them (directNever).
func setDirect(t *testing.T, m directMode) {
	t.Helper()
	old := directFiles
	directFiles = m
	t.Cleanup(func() { directFiles = old })
}

// directTree writes a tree with a file of every kind the two paths treat
// differently: small, empty, exactly the first read's 64 KB, larger,
// over the limit as text and as binary, a FIFO and links.
func directTree(t *testing.T) string {
	dir := t.TempDir()
	line := "secret token: " + token(t, 11) + "\n"
	write(t, dir, "small.txt", line)
	write(t, dir, "empty.txt", "")
	exact := strings.Repeat("x", 64<<10-len(line)) + line
	write(t, dir, "exact64k.txt", exact)
	write(t, dir, "big.txt", strings.Repeat("y\n", 40_000)+line)
	write(t, dir, "sub/over.txt", strings.Repeat("a line of text\n", 12_000))
	write(t, dir, "sub/over.bin", "\x00\x01"+strings.Repeat("z", 200_000))
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{"link.txt": "small.txt", "outside.txt": "/etc/hostname"} {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Both paths give the same result: the same findings, skips, file and
// byte counts, over limits below and above the first read's 64 KB. The
// walk must send sizes in one mode and none in the other, or the test
// would not exercise both.
func TestDirectReadsAgree(t *testing.T) {
	dir := directTree(t)
	for _, limit := range []int64{150_000, 5000} {
		var results []*Result
		for _, mode := range []directMode{directNever, directAlways} {
			setDirect(t, mode)
			sent, _ := walkTrace(t, dir, Options{}, func(root string, v *treeVisitor, send func(walkItem) error) error {
				return walkTree(root, v, func(it walkItem) error {
					if (it.size == sizeUnknown) != (mode == directAlways) {
						t.Errorf("mode %d: %s sent with size %d", mode, it.rel, it.size)
					}
					return send(it)
				})
			})
			if len(sent) != 5 {
				t.Errorf("mode %d: sent %q, want the five non-empty regular files", mode, sent)
			}
			opts := testOpts()
			opts.MaxFileSize = limit
			results = append(results, scanDir(t, dir, opts))
		}
		stat, direct := results[0], results[1]
		if !reflect.DeepEqual(stat, direct) {
			t.Errorf("limit %d: stat'ing walk %+v\ndirect reads %+v", limit, stat, direct)
		}
		wantFound := []string{"big.txt", "exact64k.txt", "small.txt"}
		if limit < 64<<10 {
			wantFound = []string{"small.txt"}
		}
		if got := paths(direct.Findings); !reflect.DeepEqual(got, wantFound) {
			t.Errorf("limit %d: findings in %v, want %v", limit, got, wantFound)
		}
		var skips []string
		for _, s := range direct.Skipped {
			skips = append(skips, s.Path+": "+strings.Fields(s.Reason)[0])
		}
		wantSkips := []string{"sub/over.bin: binary", "sub/over.txt: " + strings.Fields(tooLarge)[0]}
		if limit < 64<<10 {
			wantSkips = []string{"big.txt: " + strings.Fields(tooLarge)[0], "exact64k.txt: " + strings.Fields(tooLarge)[0], "sub/over.bin: binary", "sub/over.txt: " + strings.Fields(tooLarge)[0]}
		}
		if !reflect.DeepEqual(skips, wantSkips) {
			t.Errorf("limit %d: skipped %q, want %q", limit, skips, wantSkips)
		}
	}
}

// A file that changes between the first read and the fstat that follows
// a full buffer is scanned as read: one that grew is read to its new
// end, one that shrank or emptied ends there, and one replaced by a
// directory or removed is an unreadable skip (the scan is incomplete).
func TestDirectReadsChangingFile(t *testing.T) {
	setDirect(t, directAlways)
	line := "secret token: " + token(t, 12) + "\n"
	full := strings.Repeat("x\n", 40_000) // past the first read
	tests := []struct {
		name      string
		content   string
		change    func(path string) error
		found     bool
		unreadble bool
	}{
		{"grew", full, func(p string) error {
			f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = f.WriteString(line)
			return err
		}, true, false},
		{"shrank", line + full, func(p string) error { return os.Truncate(p, int64(len(line))) }, true, false},
		{"emptied", line, func(p string) error { return os.Truncate(p, 0) }, true, false},
		{"unchanged small", line, func(string) error { return nil }, true, false},
		{"removed", line, os.Remove, true, false}, // the open descriptor still reads it
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, "f.txt", tt.content)
			directReadHook = func(p string) {
				if err := tt.change(p); err != nil {
					t.Error(err)
				}
			}
			defer func() { directReadHook = nil }()
			res := scanDir(t, dir, testOpts())
			if got := len(res.Findings) == 1; got != tt.found || len(res.Skipped) != 0 || res.FilesScanned != 1 {
				t.Errorf("findings %v, skipped %+v, %d files scanned; want found=%v, no skips, 1 file", paths(res.Findings), res.Skipped, res.FilesScanned, tt.found)
			}
		})
	}
	// Changed between the listing and the open.
	dir := t.TempDir()
	write(t, dir, "now-dir/inner.txt", "plain\n")
	res := &Result{}
	err := scanFiles(context.Background(), ruleset(t), testOpts(), res, func(send func(walkItem) error) error {
		for _, rel := range []string{"now-dir", "gone.txt"} {
			if err := send(walkItem{rel: rel, abs: filepath.Join(dir, rel), size: sizeUnknown}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skipped) != 2 || len(res.Incomplete()) != 2 {
		t.Errorf("skipped %+v: want now-dir and gone.txt unreadable", res.Skipped)
	}
	// A link or a FIFO in the place of a file is refused or left out,
	// never followed nor waited on (files scanned counts the link, as it
	// counts every unreadable file).
	if err := os.Symlink("/etc/hostname", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o600); err != nil {
		t.Fatal(err)
	}
	res = &Result{}
	err = scanFiles(context.Background(), ruleset(t), testOpts(), res, func(send func(walkItem) error) error {
		for _, rel := range []string{"link", "fifo"} {
			if err := send(walkItem{rel: rel, abs: filepath.Join(dir, rel), size: sizeUnknown}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skipped) != 1 || res.Skipped[0].Path != "link" || res.FilesScanned != 1 {
		t.Errorf("skipped %+v, %d files scanned: want the link unreadable and the FIFO left out", res.Skipped, res.FilesScanned)
	}
}

// A file the scan may not read is an unreadable skip on both paths (run
// as nobody, since root reads everything).
func TestDirectReadsPermission(t *testing.T) {
	if os.Geteuid() == 0 {
		testfs.RerunAsNobody(t, "^TestDirectReadsPermission$", "--- PASS: TestDirectReadsPermission")
		return
	}
	dir := t.TempDir()
	write(t, dir, "locked.txt", "x\n")
	write(t, dir, "open.txt", "x\n")
	if err := os.Chmod(filepath.Join(dir, "locked.txt"), 0); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []directMode{directNever, directAlways} {
		setDirect(t, mode)
		res := scanDir(t, dir, testOpts())
		if len(res.Skipped) != 1 || res.Skipped[0].Reason != "unreadable: permission denied" || res.FilesScanned != 2 {
			t.Errorf("mode %d: skipped %+v, %d files scanned; want locked.txt unreadable", mode, res.Skipped, res.FilesScanned)
		}
	}
}

// The local file systems are trusted with short reads; others are not.
func TestLocalFS(t *testing.T) {
	for magic, want := range map[int64]bool{0xef53: true, 0x58465342: true, 0x01021994: true, 0x794c7630: true, 0x6969: false, 0x65735546: false, 0: false} {
		if got := localFS(magic); got != want {
			t.Errorf("localFS(%#x) = %v, want %v", magic, got, want)
		}
	}
}

// FuzzDirectReads holds scanFileDirect to scanFile with the walk's size:
// for any content (repeated to cross the first read's 64 KB), limit and
// starting buffer, the same findings, the same error kind and the same
// bytes counted.
func FuzzDirectReads(f *testing.F) {
	line := "secret token: " + token(f, 13) + "\n"
	f.Add([]byte(line), uint16(1), uint32(0), uint8(0))
	f.Add([]byte("x\n"+line), uint16(2000), uint32(5000), uint8(1))
	f.Add([]byte(strings.Repeat("y", 1000)+line), uint16(64), uint32(70_000), uint8(2))
	f.Add([]byte("\x00\x01bin"), uint16(3000), uint32(8001), uint8(3))
	f.Add([]byte("\xff\xfeh\x00i\x00\n\x00"), uint16(9000), uint32(0), uint8(0))
	f.Add([]byte{}, uint16(1), uint32(0), uint8(0))
	rs := ruleset(f)
	fp := testOpts().Fingerprinter
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, unit []byte, rep uint16, limit uint32, bufSize uint8) {
		if len(unit)*int(rep) > 300_000 {
			return
		}
		content := strings.Repeat(string(unit), int(rep))
		p := filepath.Join(dir, "f.txt")
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		maxSize := Options{MaxFileSize: int64(limit)}.maxSize()
		var res [2]struct {
			out   string
			err   string
			count int64
		}
		for i, size := range []int64{int64(len(content)), sizeUnknown} {
			if size == 0 {
				res[i].out, res[i].err = "[]", errNotScanned.Error() // the walk leaves it out
				continue
			}
			buf := make([]byte, 0, []int{0, 100, 64 << 10, 200 << 10}[bufSize%4])
			var n atomic.Int64
			it := walkItem{rel: "f.txt", abs: p, size: size}
			fs, err := scanFile(rs, &it, maxSize, fp, &n, &buf)
			res[i].out = fmt.Sprint(fs)
			if err != nil {
				res[i].err = err.Error()
			}
			res[i].count = n.Load()
		}
		if res[0] != res[1] {
			t.Fatalf("%d bytes, limit %d: with the size %+v\nwithout %+v", len(content), maxSize, res[0], res[1])
		}
	})
}

// readBytes is this process's rchar: the bytes its read calls returned.
func readBytes(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		t.Skipf("no /proc/self/io: %v", err)
	}
	var n int64
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "rchar: "); ok {
			fmt.Sscan(v, &n)
		}
	}
	return n
}

// A binary file under --max-file-size is read no further than its head,
// even after a large text file grew the worker's read buffer: the first
// read used to fill the whole buffer, so every later binary file up to
// that size was read whole to be dropped.
func TestDirectReadsBinaryHeadOnly(t *testing.T) {
	setDirect(t, directAlways)
	dir := t.TempDir()
	write(t, dir, "a-big.txt", strings.Repeat("some text\n", 300_000)) // 3 MB, walked first
	bin := "\x00\x01" + strings.Repeat("\xff", 3<<20)
	for i := range 20 {
		write(t, dir, fmt.Sprintf("b%02d.bin", i), bin)
	}
	before := readBytes(t)
	res := scanDir(t, dir, Options{Workers: 1})
	read := readBytes(t) - before
	if res.FilesScanned != 1 || len(res.Skipped) != 20 {
		t.Fatalf("files %d, skipped %v", res.FilesScanned, res.Skipped)
	}
	if res.BytesScanned != 3_000_000 {
		t.Fatalf("bytes scanned %d, want the text file's 3000000 only", res.BytesScanned)
	}
	// The text file, 64 KB of each binary one, and slack for the
	// directory reads and .gitignore lookups.
	if limit := int64(3_000_000 + 20*64<<10 + 1<<20); read > limit {
		t.Fatalf("read %d bytes, want at most %d", read, limit)
	}
}
