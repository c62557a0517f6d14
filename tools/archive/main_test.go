package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestArchivesAreReproducibleAndComplete(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "pkg")
	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"pkg/pretense": "#!/bin/sh\necho hi\n", "pkg/README.md": "readme", "pkg/sub/z.txt": "z"}
	for rel, body := range files {
		mode := os.FileMode(0o644)
		if filepath.Base(rel) == "pretense" {
			mode = 0o755
		}
		if err := os.WriteFile(filepath.Join(parent, rel), []byte(body), mode); err != nil {
			t.Fatal(err)
		}
	}
	when := time.Date(2026, 1, 2, 3, 4, 6, 0, time.UTC)
	for _, ext := range []string{".tar.gz", ".zip"} {
		t.Run(ext, func(t *testing.T) {
			out := t.TempDir()
			a, b := filepath.Join(out, "a"+ext), filepath.Join(out, "b"+ext)
			if err := run(a, parent, "pkg", when); err != nil {
				t.Fatal(err)
			}
			// Touch a file: times on disk must not leak into the archive.
			if err := os.Chtimes(filepath.Join(dir, "README.md"), time.Now(), time.Now()); err != nil {
				t.Fatal(err)
			}
			if err := run(b, parent, "pkg", when); err != nil {
				t.Fatal(err)
			}
			ab, _ := os.ReadFile(a)
			bb, _ := os.ReadFile(b)
			if !bytes.Equal(ab, bb) {
				t.Fatal("two archives of the same tree differ")
			}
			got := map[string]string{}
			modes := map[string]os.FileMode{}
			if ext == ".zip" {
				zr, err := zip.NewReader(bytes.NewReader(ab), int64(len(ab)))
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range zr.File {
					if f.FileInfo().IsDir() {
						continue
					}
					rc, _ := f.Open()
					body, _ := io.ReadAll(rc)
					rc.Close()
					got[f.Name], modes[f.Name] = string(body), f.Mode()
				}
			} else {
				gz, err := gzip.NewReader(bytes.NewReader(ab))
				if err != nil {
					t.Fatal(err)
				}
				tr := tar.NewReader(gz)
				for {
					h, err := tr.Next()
					if err == io.EOF {
						break
					}
					if err != nil {
						t.Fatal(err)
					}
					if h.Uid != 0 || !h.ModTime.Equal(when) {
						t.Errorf("%s: uid %d time %v", h.Name, h.Uid, h.ModTime)
					}
					if h.Typeflag == tar.TypeDir {
						continue
					}
					body, _ := io.ReadAll(tr)
					got[h.Name], modes[h.Name] = string(body), h.FileInfo().Mode()
				}
			}
			for rel, body := range files {
				if got[rel] != body {
					t.Errorf("%s = %q, want %q", rel, got[rel], body)
				}
			}
			if modes["pkg/pretense"]&0o111 == 0 {
				t.Errorf("binary lost its execute bits: %v", modes["pkg/pretense"])
			}
		})
	}
}

func TestRefusesUnknownExtension(t *testing.T) {
	parent := t.TempDir()
	os.MkdirAll(filepath.Join(parent, "p"), 0o755)
	if err := run(filepath.Join(t.TempDir(), "x.rar"), parent, "p", time.Unix(0, 0)); err == nil {
		t.Fatal("wrote a .rar")
	}
}
