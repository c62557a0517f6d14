package scanner

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"unicode/utf16"

	"github.com/pretense/pretense/finding"
)

// encodeUTF16 writes s as UTF-16 (big endian when be), with a byte-order
// mark when bom: what PowerShell 5.1's `>` and Windows editors write.
func encodeUTF16(s string, be, bom bool) []byte {
	var out []byte
	put := func(u uint16) {
		if be {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	if bom {
		put(0xfeff)
	}
	for _, u := range utf16.Encode([]rune(s)) {
		put(u)
	}
	return out
}

// UTF-16 text holds a NUL byte in every ASCII character, and the binary
// test skipped it whole, so a token in a UTF-16 file was never scanned by
// any scan: directory, stdin, --staged, history (single reads and the
// pack pass). It is decoded and scanned; real binary is still skipped.
func TestUTF16TextIsScanned(t *testing.T) {
	t.Parallel()
	tok := token(t, 16)
	text := "# settings\r\n$token = '" + tok + "'\r\n"
	for _, tc := range []struct {
		name    string
		content []byte
		want    int // findings; -1: skipped as binary
	}{
		{"le-bom", encodeUTF16(text, false, true), 1},
		{"be-bom", encodeUTF16(text, true, true), 1},
		{"le-no-bom", encodeUTF16(text, false, false), 1},
		{"be-no-bom", encodeUTF16(text, true, false), 1},
		{"odd-length", append(encodeUTF16(text, false, true), 'x'), 1},
		{"binary", []byte{0, 1, 2, 3, 0, 0, 7, 8}, -1},
		{"bom-then-nuls", append([]byte{0xff, 0xfe}, make([]byte, 64)...), -1},
		{"bom-then-binary", append(append([]byte{0xff, 0xfe}, encodeUTF16(tok, false, false)...), 0, 0, 1, 0), -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, err := Reader(bytes.NewReader(tc.content), "creds.ps1", ruleset(t), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if tc.want < 0 {
				if len(res.Skipped) != 1 || len(res.Findings) != 0 {
					t.Fatalf("want skipped as binary: %+v", res)
				}
				return
			}
			if len(res.Findings) != tc.want || res.Findings[0].Line != 2 {
				t.Fatalf("findings %+v (skipped %v), want 1 on line 2", res.Findings, res.Skipped)
			}
		})
	}

	t.Run("dir", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		write(t, dir, "creds.ps1", string(encodeUTF16(text, false, true)))
		write(t, dir, "plain.txt", "nothing\n")
		res := scanDir(t, dir, Options{})
		if len(res.Findings) != 1 || filepath.Base(res.Findings[0].Path) != "creds.ps1" || res.Findings[0].Line != 2 {
			t.Fatalf("findings %+v, skipped %v", res.Findings, res.Skipped)
		}
	})

	t.Run("staged", func(t *testing.T) {
		t.Parallel()
		f := newGitFixture(t)
		f.write("creds.ps1", string(encodeUTF16("# settings\r\n", false, true)))
		f.commit("one")
		f.write("creds.ps1", string(encodeUTF16(text, false, true)))
		res, err := GitStaged(context.Background(), f.dir, testRules(t), testOpts())
		if err != nil {
			t.Fatal(err)
		}
		sameFindings(t, res, " creds.ps1:2")
	})

	eachStorage(t, "history", func(t *testing.T) (*gitFixture, []string) {
		f := newGitFixture(t)
		// Versions that delta against each other in a pack: the pack
		// pass meets UTF-16 blobs as bases and as deltas.
		var body strings.Builder
		for i := range 40 {
			body.WriteString("# line " + strings.Repeat("x", i%7) + " of the settings file\r\n")
		}
		f.write("creds.ps1", string(encodeUTF16(body.String(), false, true)))
		f.commit("one")
		f.write("creds.ps1", string(encodeUTF16(body.String()+text, false, true)))
		two := f.commit("two")
		f.write("creds.ps1", string(encodeUTF16(body.String()+text+"# more\r\n", false, true)))
		f.commit("three")
		// A value is reported where it was added.
		return f, []string{at(two, "creds.ps1", 42)}
	})
}

// FuzzUTF16Text: whatever the bytes, the decoder neither panics nor
// returns text holding a NUL, and UTF-16 it wrote itself decodes back.
func FuzzUTF16Text(f *testing.F) {
	f.Add([]byte("\xff\xfea\x00b\x00"), "hello\r\nworld")
	f.Add([]byte("a\x00b\x00c\x00"), "t = 'x'")
	f.Add([]byte{0xfe, 0xff, 0xd8, 0x00}, "\U0001F600 and é")
	f.Fuzz(func(t *testing.T, raw []byte, s string) {
		if text, ok := utf16Text(raw); ok && bytes.IndexByte(text, 0) >= 0 {
			t.Fatalf("utf16Text(%q) = %q holds a NUL", raw, text)
		}
		if strings.ContainsRune(s, 0) || !strings.ContainsFunc(s, func(r rune) bool { return r < 0x80 }) {
			return
		}
		s = strings.ToValidUTF8(s, "\uFFFD")
		for _, be := range []bool{false, true} {
			text, ok := utf16Text(encodeUTF16(s, be, true))
			if !ok || string(text) != s {
				t.Fatalf("round trip of %q (be %v): %q, %v", s, be, text, ok)
			}
		}
	})
}

// A binary file is dropped once sniffed: its content is not copied for
// the UTF-16 test (a copy per binary file was a third of the bytes a scan
// of $GOROOT/src allocated, and fresh memory costs page faults), and the
// worker's read buffer, grown for it, is kept for the next file.
func TestBinaryFileNotCopied(t *testing.T) {
	rs := ruleset(t)
	content := make([]byte, 1<<20)
	for i := range content {
		content[i] = byte(i * 7)
	}
	var buf []byte // a directory scan worker's buffer
	scan := func() error {
		_, err := scanChunks(rs, bytes.NewReader(content), int64(len(content)), "blob.bin", finding.Fingerprinter{}, nil, false, &buf)
		return err
	}
	if err := scan(); !errors.Is(err, ErrBinary) {
		t.Fatalf("err = %v, want ErrBinary", err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if err := scan(); !errors.Is(err, ErrBinary) {
		t.Fatalf("err = %v, want ErrBinary", err)
	}
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 64<<10 {
		t.Fatalf("scanning a 1 MB binary file allocated %d bytes", n)
	}
}

// countingReader counts what was read from it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// The binary test judges the first sniffLen bytes, so a large binary file
// is read no further than its first read (64 KB): in $GOROOT/src, 28
// binary files over 64 KB were 16 MB of the 133 MB a scan read, copied
// from the page cache into a buffer grown for them, to be dropped. Its
// bytes are not counted as scanned. Text that holds a NUL only past the
// head, and UTF-16 text longer than the first read, are still read whole.
func TestBinaryReadToHeadOnly(t *testing.T) {
	t.Parallel()
	rs := ruleset(t)
	tok := token(t, 17)
	binary := make([]byte, 4<<20)
	for i := range binary {
		binary[i] = byte(i * 7)
	}
	late := []byte(strings.Repeat("x = 1\n", 3000) + "\x00\n$token = '" + tok + "'\n" + strings.Repeat("y = 2\n", 20000))
	long := strings.Repeat("# a line of the settings file\r\n", 5000) + "$token = '" + tok + "'\r\n"
	for _, tc := range []struct {
		name     string
		content  []byte
		findings int // -1: skipped as binary
		maxRead  int
	}{
		{"binary", binary, -1, 64 << 10},
		{"nul past the head", late, 1, len(late)},
		{"long utf-16", encodeUTF16(long, false, true), 1, len(encodeUTF16(long, false, true))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var (
				buf   []byte
				count atomic.Int64
			)
			r := &countingReader{r: bytes.NewReader(tc.content)}
			// As scanFileDirect calls it: 64 KB read first.
			pre, _ := io.ReadFull(r, make([]byte, 0, 64<<10)[:64<<10])
			buf = append(buf[:0], tc.content[:pre]...)
			fs, err := scanChunksFrom(rs, r, int64(len(tc.content)), "f", finding.Fingerprinter{}, &count, false, &buf, pre, false)
			if r.n > tc.maxRead {
				t.Fatalf("read %d bytes of %d, want at most %d", r.n, len(tc.content), tc.maxRead)
			}
			switch {
			case tc.findings < 0:
				if !errors.Is(err, ErrBinary) {
					t.Fatalf("err = %v, want ErrBinary", err)
				}
				if count.Load() != 0 {
					t.Fatalf("a binary file counted %d bytes scanned", count.Load())
				}
			case err != nil || len(fs) != tc.findings:
				t.Fatalf("findings %d, err %v; want %d", len(fs), err, tc.findings)
			}
			if tc.findings >= 0 && r.n != len(tc.content) {
				t.Fatalf("read %d bytes of %d, want all", r.n, len(tc.content))
			}
		})
	}
}
