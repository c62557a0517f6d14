package scanner

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
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

// What the walk saw may be stale by the time a worker reads it: a file
// that grew or shrank is scanned as it now is, and one that became a
// directory or vanished is an unreadable skip, which Incomplete reports
// (the scan does not end in exit 0).
func TestScanFilesStaleWalk(t *testing.T) {
	dir := t.TempDir()
	line := "secret token: " + token(t, 9) + "\n"
	// Past the 64 KB first buffer: reading must go on past the old size.
	write(t, dir, "grew.txt", strings.Repeat("x\n", 50_000)+line)
	write(t, dir, "shrank.txt", line)
	write(t, dir, "now-dir/inner.txt", "plain\n")
	items := []walkItem{
		{rel: "grew.txt", size: 2},                        // the secret came after the walk
		{rel: "shrank.txt", size: int64(len(line)) + 100}, // lost a tail since
		{rel: "now-dir", size: 10},                        // was a file of 10 bytes
		{rel: "gone.txt", size: 10},                       // was removed since
	}
	res := &Result{}
	err := scanFiles(context.Background(), ruleset(t), Options{}, res, func(send func(walkItem) error) error {
		for _, it := range items {
			it.abs = filepath.Join(dir, it.rel)
			if err := send(it); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	res.Sort()
	if got := paths(res.Findings); !reflect.DeepEqual(got, []string{"grew.txt", "shrank.txt"}) {
		t.Errorf("findings in %v, want grew.txt and shrank.txt", got)
	}
	var skipped []string
	for _, s := range res.Skipped {
		skipped = append(skipped, s.Path)
	}
	if !reflect.DeepEqual(skipped, []string{"gone.txt", "now-dir"}) || len(res.Incomplete()) != 2 {
		t.Errorf("skipped %+v, incomplete %v: want gone.txt and now-dir unreadable", res.Skipped, res.Incomplete())
	}
}
