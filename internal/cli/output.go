package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// writeOutput sends a report to path, or to stdout when path is "" or "-".
//
// A device, pipe or socket (/dev/stdout, /dev/null, a FIFO) is opened and
// written in place: gitleaks deletes and recreates its report path, which
// turns /dev/null into a regular file. A regular file is replaced
// atomically (temp file in the same directory, then rename), so a reader
// never sees half a report and a failed run leaves the old one intact.
func WriteOutput(path string, stdout io.Writer, render func(io.Writer) error) error {
	if path == "" || path == "-" {
		bw := bufio.NewWriterSize(stdout, 64<<10)
		if err := render(bw); err != nil {
			return RuntimeError(err)
		}
		return flushErr(bw)
	}
	info, err := os.Stat(path)
	switch {
	case err == nil && !info.Mode().IsRegular():
		if info.IsDir() {
			return UsageErrorf("-o %s: is a directory", path)
		}
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return RuntimeError(fmt.Errorf("open %s: %w", path, err))
		}
		bw := bufio.NewWriterSize(f, 64<<10)
		rerr := render(bw)
		if rerr == nil {
			rerr = flushErr(bw)
		}
		if cerr := f.Close(); rerr == nil && cerr != nil {
			rerr = RuntimeError(cerr)
		}
		if rerr != nil {
			return RuntimeError(rerr)
		}
		return nil
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return RuntimeError(fmt.Errorf("output %s: %w", path, err))
	}
	mode := fs.FileMode(0o644)
	if err == nil {
		mode = info.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return RuntimeError(fmt.Errorf("write %s: %w", path, err))
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	bw := bufio.NewWriterSize(tmp, 64<<10)
	if err := render(bw); err != nil {
		tmp.Close()
		return RuntimeError(err)
	}
	if err := flushErr(bw); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return RuntimeError(err)
	}
	if err := tmp.Close(); err != nil {
		return RuntimeError(fmt.Errorf("write %s: %w", path, err))
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return RuntimeError(fmt.Errorf("write %s: %w", path, err))
	}
	return nil
}

func flushErr(bw *bufio.Writer) error {
	if err := bw.Flush(); err != nil {
		return RuntimeError(fmt.Errorf("write report: %w", err))
	}
	return nil
}

// formatFromPath names the format that path's extension asks for, among
// known, or def: `-o findings.sarif` means SARIF, as users of every other
// scanner expect. .sarif.json is SARIF; .md is the grouped report; .xml is
// JUnit; .txt is text.
func formatFromPath(path string, known []string, def string) string {
	if path == "" || path == "-" {
		return def
	}
	name := strings.ToLower(filepath.Base(path))
	var want string
	switch {
	case strings.HasSuffix(name, ".sarif"), strings.HasSuffix(name, ".sarif.json"):
		want = "sarif"
	case strings.HasSuffix(name, ".json"):
		want = "json"
	case strings.HasSuffix(name, ".md"), strings.HasSuffix(name, ".markdown"):
		want = "md"
		if !slices.Contains(known, want) {
			want = "report"
		}
	case strings.HasSuffix(name, ".html"), strings.HasSuffix(name, ".htm"):
		want = "html"
	case strings.HasSuffix(name, ".csv"):
		want = "csv"
	case strings.HasSuffix(name, ".xml"), strings.HasSuffix(name, ".junit"):
		want = "junit"
	case strings.HasSuffix(name, ".txt"):
		want = "text"
	}
	if slices.Contains(known, want) {
		return want
	}
	return def
}
