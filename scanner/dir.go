package scanner

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	ignore "github.com/sabhiram/go-gitignore"
	"golang.org/x/sync/errgroup"

	"github.com/pretense/pretense/finding"
	"github.com/pretense/pretense/rules"
)

// IgnoreFile is pretense's own path-exclusion file, in gitignore syntax.
const IgnoreFile = ".pretenseignore"

// ErrNotFound is returned when the path to scan does not exist.
var ErrNotFound = errors.New("no such file or directory")

// ignoreLayer is the ignore files of one directory, matched relative to it.
type ignoreLayer struct {
	dir string // relative to the scan root, "" for the root
	gi  *ignore.GitIgnore
}

type walkItem struct {
	rel  string
	abs  string
	size int64
}

// Dir scans the tree at root. It honours .gitignore and .pretenseignore
// files (at any depth, relative to their directory) and opts.Ignore,
// never follows symbolic links (so it can neither loop nor leave the tree),
// skips binary files and files over the size limit, and reports every skip.
// A root that is a regular file is scanned as a one-file tree.
func Dir(ctx context.Context, root string, rs *rules.Ruleset, opts Options) (*Result, error) {
	info, err := os.Stat(root)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: %w", root, ErrNotFound)
		}
		return nil, fmt.Errorf("scan %s: %w", root, err)
	}
	res := &Result{}
	if !info.IsDir() {
		return res, scanFiles(ctx, rs, opts, res, func(send func(walkItem) error) error {
			return send(walkItem{rel: filepath.ToSlash(filepath.Base(root)), abs: root, size: info.Size()})
		})
	}
	var mu sync.Mutex
	addSkip := func(rel, reason string) {
		mu.Lock()
		res.Skipped = append(res.Skipped, Skipped{Path: rel, Reason: reason})
		mu.Unlock()
	}
	extra := ignore.CompileIgnoreLines(opts.Ignore...)
	err = scanFiles(ctx, rs, opts, res, func(send func(walkItem) error) error {
		var layers []ignoreLayer
		return filepath.WalkDir(root, func(abs string, d fs.DirEntry, err error) error {
			rel, _ := filepath.Rel(root, abs)
			rel = filepath.ToSlash(rel)
			if err != nil {
				// Unreadable directories and files are reported, not fatal:
				// one locked folder must not hide the rest of the tree.
				if rel == "." {
					return fmt.Errorf("scan %s: %w", root, err)
				}
				addSkip(rel, "unreadable: "+errReason(err))
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if rel == "." {
					layers = loadLayer(layers[:0], abs, "")
					return nil
				}
				if d.Name() == ".git" {
					return fs.SkipDir
				}
				for len(layers) > 0 && !within(rel, layers[len(layers)-1].dir) {
					layers = layers[:len(layers)-1]
				}
				if ignored(layers, extra, rel, true) {
					return fs.SkipDir
				}
				layers = loadLayer(layers, abs, rel)
				return nil
			}
			for len(layers) > 0 && !within(rel, layers[len(layers)-1].dir) {
				layers = layers[:len(layers)-1]
			}
			if ignored(layers, extra, rel, false) {
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				// Never followed: a link inside the tree is scanned at its
				// target's own path; one outside is not ours to read.
				return nil
			}
			if !d.Type().IsRegular() {
				return nil
			}
			fi, err := d.Info()
			if err != nil {
				addSkip(rel, "unreadable: "+errReason(err))
				return nil
			}
			if fi.Size() > opts.maxSize() {
				addSkip(rel, fmt.Sprintf("larger than --max-file-size (%d bytes)", fi.Size()))
				return nil
			}
			if fi.Size() == 0 {
				return nil
			}
			return send(walkItem{rel: rel, abs: abs, size: fi.Size()})
		})
	})
	return res, err
}

func errReason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// within reports whether rel lies inside dir ("" is the root).
func within(rel, dir string) bool {
	return dir == "" || strings.HasPrefix(rel, dir+"/")
}

// loadLayer adds the .gitignore and .pretenseignore of directory abs.
func loadLayer(layers []ignoreLayer, abs, rel string) []ignoreLayer {
	var lines []string
	for _, name := range []string{".gitignore", IgnoreFile} {
		raw, err := os.ReadFile(filepath.Join(abs, name))
		if err != nil {
			continue
		}
		for _, l := range strings.Split(string(raw), "\n") {
			// Fingerprint entries live in .pretenseignore too; they are not
			// path patterns.
			if isFingerprintLine(l) {
				continue
			}
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return layers
	}
	return append(layers, ignoreLayer{dir: rel, gi: ignore.CompileIgnoreLines(lines...)})
}

// isFingerprintLine recognises "fingerprint:<hex>" entries of an ignore file.
func isFingerprintLine(l string) bool {
	return strings.HasPrefix(strings.TrimSpace(l), "fingerprint:")
}

func ignored(layers []ignoreLayer, extra *ignore.GitIgnore, rel string, dir bool) bool {
	match := func(gi *ignore.GitIgnore, p string) bool {
		if gi.MatchesPath(p) {
			return true
		}
		return dir && gi.MatchesPath(p+"/")
	}
	if match(extra, rel) {
		return true
	}
	for _, l := range layers {
		p := rel
		if l.dir != "" {
			p = strings.TrimPrefix(rel, l.dir+"/")
		}
		if match(l.gi, p) {
			return true
		}
	}
	return false
}

// scanFiles runs produce in one goroutine and scans what it sends with a
// bounded pool of workers.
func scanFiles(ctx context.Context, rs *rules.Ruleset, opts Options, res *Result, produce func(send func(walkItem) error) error) error {
	g, ctx := errgroup.WithContext(ctx)
	items := make(chan walkItem, 4*opts.workers())
	g.Go(func() error {
		defer close(items)
		return produce(func(it walkItem) error {
			select {
			case items <- it:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	})
	var (
		mu    sync.Mutex
		files atomic.Int64
		bytes atomic.Int64
	)
	for range opts.workers() {
		g.Go(func() error {
			var local []finding.Finding
			var skips []Skipped
			for it := range items {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				fs, err := scanFile(rs, it, opts.Fingerprinter, &bytes)
				switch {
				case errors.Is(err, ErrBinary):
					skips = append(skips, Skipped{Path: it.rel, Reason: "binary"})
				case err != nil:
					skips = append(skips, Skipped{Path: it.rel, Reason: "unreadable: " + errReason(err)})
				default:
					local = append(local, fs...)
				}
				n := files.Add(1)
				if opts.Progress != nil {
					opts.Progress(n, bytes.Load())
				}
			}
			mu.Lock()
			res.Findings = append(res.Findings, local...)
			res.Skipped = append(res.Skipped, skips...)
			mu.Unlock()
			return nil
		})
	}
	err := g.Wait()
	res.FilesScanned = int(files.Load()) - countBinary(res.Skipped)
	res.BytesScanned = bytes.Load()
	res.Sort()
	return err
}

func countBinary(s []Skipped) int {
	n := 0
	for _, k := range s {
		if k.Reason == "binary" {
			n++
		}
	}
	return n
}

func scanFile(rs *rules.Ruleset, it walkItem, fp finding.Fingerprinter, count *atomic.Int64) ([]finding.Finding, error) {
	f, err := os.Open(it.abs)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return scanReader(rs, f, it.rel, fp, count)
}
