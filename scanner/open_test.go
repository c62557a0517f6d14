package scanner

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sync/atomic"
	"testing"
	"testing/iotest"

	"github.com/pretense/pretense/finding"
)

// openFile reads a file as os.Open does and reports failures as
// *fs.PathError, which the unreadable-file skips are worded from.
func TestOpenFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f.txt")
	if err := os.WriteFile(file, []byte("hello\nworld\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		path    string
		want    string
		wantErr error
	}{
		{"regular file", file, "hello\nworld\n", nil},
		{"missing", filepath.Join(dir, "gone.txt"), "", fs.ErrNotExist},
		{"directory", dir, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := openFile(tt.path)
			if err != nil {
				var pe *fs.PathError
				if !errors.As(err, &pe) || tt.wantErr == nil || !errors.Is(err, tt.wantErr) {
					t.Fatalf("openFile: %v, want %v as *fs.PathError", err, tt.wantErr)
				}
				return
			}
			defer f.Close()
			if tt.wantErr != nil {
				t.Fatalf("openFile succeeded, want %v", tt.wantErr)
			}
			got, err := io.ReadAll(f)
			if tt.name == "directory" {
				// Opening a directory works; reading it does not.
				var pe *fs.PathError
				if err == nil || !errors.As(err, &pe) {
					t.Fatalf("reading a directory: %v, want a *fs.PathError", err)
				}
				return
			}
			if err != nil || string(got) != tt.want {
				t.Fatalf("read %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// A wrong size hint (the file changed after the walk) changes nothing but
// the first buffer's size. A file's reads return all they can; a reader
// whose reads come short mid-input gets the right hint or none.
func TestScanReaderSizeHint(t *testing.T) {
	data := []byte("x\nsecret token: " + token(t, 7) + "\n")
	want, err := scanReader(ruleset(t), bytes.NewReader(data), "f", finding.NewFingerprinter(nil), nil)
	if err != nil || len(want) != 1 {
		t.Fatalf("no hint: %d findings, %v", len(want), err)
	}
	all := []int64{0, 1, int64(len(data)) - 1, int64(len(data)), int64(len(data)) + 1, 1 << 20, chunkSize + 5}
	right := []int64{0, int64(len(data))}
	readers := []struct {
		name  string
		r     func() io.Reader
		sizes []int64
	}{
		{"whole", func() io.Reader { return bytes.NewReader(data) }, all},
		{"data, EOF", func() io.Reader { return iotest.DataErrReader(bytes.NewReader(data)) }, all},
		{"one byte", func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data)) }, right},
		{"half", func() io.Reader { return iotest.HalfReader(bytes.NewReader(data)) }, right},
	}
	for _, rd := range readers {
		name, r := rd.name, rd.r
		for _, size := range rd.sizes {
			var n atomic.Int64
			got, err := scanReaderSized(ruleset(t), r(), size, "f", finding.NewFingerprinter(nil), &n)
			if err != nil || !reflect.DeepEqual(got, want) || n.Load() != int64(len(data)) {
				t.Errorf("%s reader, size hint %d: %v, %v, %d bytes; want %v, %d bytes", name, size, got, err, n.Load(), want, len(data))
			}
		}
	}
}
