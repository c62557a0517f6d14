// Command archive packs a release directory into a reproducible .tar.gz or
// .zip: entries in name order, fixed owner and modification time, modes
// kept (so the binary stays executable). scripts/release.sh uses it so a
// release needs nothing beyond Go (no zip binary, no GNU tar flags).
//
//	go run ./tools/archive -o OUT.tar.gz|OUT.zip -C PARENT NAME
package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

func main() {
	out := flag.String("o", "", "archive to write (.tar.gz or .zip)")
	parent := flag.String("C", ".", "directory that holds NAME")
	flag.Parse()
	if *out == "" || flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: archive -o OUT.tar.gz|OUT.zip -C PARENT NAME")
		os.Exit(2)
	}
	if err := run(*out, *parent, flag.Arg(0), epoch()); err != nil {
		fmt.Fprintf(os.Stderr, "archive: %v\n", err)
		os.Exit(1)
	}
}

// epoch is SOURCE_DATE_EPOCH (reproducible-builds.org), else 1980-01-01,
// the earliest time a zip entry can hold.
func epoch() time.Time {
	var sec int64
	if v := os.Getenv("SOURCE_DATE_EPOCH"); v != "" {
		if _, err := fmt.Sscan(v, &sec); err == nil && sec > 0 {
			return time.Unix(sec, 0).UTC()
		}
	}
	return time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
}

type entry struct {
	rel  string // slash-separated, starting with NAME
	path string
	info fs.FileInfo
}

func collect(parent, name string) ([]entry, error) {
	var es []entry
	err := filepath.WalkDir(filepath.Join(parent, name), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if !info.Mode().IsRegular() && !info.IsDir() {
			return fmt.Errorf("%s: only files and directories can be archived", p)
		}
		rel, err := filepath.Rel(parent, p)
		if err != nil {
			return err
		}
		es = append(es, entry{rel: filepath.ToSlash(rel), path: p, info: info})
		return nil
	})
	sort.Slice(es, func(i, j int) bool { return es[i].rel < es[j].rel })
	return es, err
}

func run(out, parent, name string, mtime time.Time) (err error) {
	es, err := collect(parent, name)
	if err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	switch {
	case strings.HasSuffix(out, ".zip"):
		return writeZip(f, es, mtime)
	case strings.HasSuffix(out, ".tar.gz"), strings.HasSuffix(out, ".tgz"):
		return writeTarGz(f, es, mtime)
	}
	return fmt.Errorf("%s: want a .tar.gz or .zip name", out)
}

func writeZip(w io.Writer, es []entry, mtime time.Time) error {
	zw := zip.NewWriter(w)
	for _, e := range es {
		h, err := zip.FileInfoHeader(e.info)
		if err != nil {
			return err
		}
		h.Name = e.rel
		h.Modified = mtime
		if e.info.IsDir() {
			h.Name += "/"
			h.Method = zip.Store
		} else {
			h.Method = zip.Deflate
		}
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if !e.info.IsDir() {
			if err := copyFile(fw, e.path); err != nil {
				return err
			}
		}
	}
	return zw.Close()
}

func writeTarGz(w io.Writer, es []entry, mtime time.Time) error {
	gz, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(gz)
	for _, e := range es {
		h, err := tar.FileInfoHeader(e.info, "")
		if err != nil {
			return err
		}
		h.Name = e.rel
		if e.info.IsDir() {
			h.Name += "/"
		}
		h.ModTime, h.AccessTime, h.ChangeTime = mtime, time.Time{}, time.Time{}
		h.Uid, h.Gid, h.Uname, h.Gname = 0, 0, "", ""
		h.Format = tar.FormatPAX
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if !e.info.IsDir() {
			if err := copyFile(tw, e.path); err != nil {
				return err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func copyFile(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}
