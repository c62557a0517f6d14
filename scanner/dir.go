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

	"golang.org/x/sync/errgroup"

	"github.com/pretense/pretense/finding"
	"github.com/pretense/pretense/rules"
	"github.com/pretense/pretense/suppress"
)

// IgnoreFile is pretense's own path-exclusion file, in gitignore syntax.
const IgnoreFile = suppress.IgnoreFile

// ErrNotFound is returned when the path to scan does not exist.
var ErrNotFound = errors.New("no such file or directory")

type walkItem struct {
	rel  string
	abs  string
	size int64
}

// Dir scans the tree at root. In a git work tree it scans what git would
// see: every tracked file (a .gitignore match does not hide a committed
// file) and the untracked files git does not ignore (.gitignore at any
// depth with negations, .git/info/exclude, core.excludesFile). Outside git,
// .gitignore files are honoured the same way. .pretenseignore files (at any
// depth) and opts.Ignore always exclude. Symbolic links below the root are
// never followed (so the walk can neither loop nor leave the tree); a root
// that is itself a link is. Binary files and files over the size limit are
// skipped, and every skip is reported. A root that is a regular file is
// scanned as a one-file tree.
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
	// The user named this directory: follow it if it is a link, so
	// `scan --path link` scans what the link points at.
	if real, err := filepath.EvalSymlinks(root); err == nil {
		root = real
	}
	var mu sync.Mutex
	addSkip := func(rel, reason string) {
		mu.Lock()
		res.Skipped = append(res.Skipped, Skipped{Path: rel, Reason: reason})
		mu.Unlock()
	}
	gv, err := openGitView(root)
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", root, err)
	}
	var own suppress.Paths // .pretenseignore files and opts.Ignore
	own.Add("", opts.Ignore)
	own.Push("")
	err = scanFiles(ctx, rs, opts, res, func(send func(walkItem) error) error {
		return filepath.WalkDir(root, func(abs string, d fs.DirEntry, err error) error {
			rel, _ := filepath.Rel(root, abs)
			rel = filepath.ToSlash(rel)
			if err != nil {
				// Unreadable directories and files are reported, not fatal:
				// one locked folder must not hide the rest of the tree. The
				// scan still fails (exit 3) once everything else is done.
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
					if err := loadOwnIgnore(&own, abs, ""); err != nil {
						addSkip(IgnoreFile, "unreadable: "+errReason(err))
					}
					if err := gv.enter(abs, ""); err != nil {
						addSkip(".gitignore", "unreadable: "+errReason(err))
					}
					return nil
				}
				if d.Name() == ".git" {
					return fs.SkipDir
				}
				own.PopTo(rel)
				if own.Match(rel, true) || gv.ignored(rel, true) {
					return fs.SkipDir
				}
				own.Push(rel)
				if err := loadOwnIgnore(&own, abs, rel); err != nil {
					addSkip(rel+"/"+IgnoreFile, "unreadable: "+errReason(err))
				}
				if err := gv.enter(abs, rel); err != nil {
					addSkip(rel+"/.gitignore", "unreadable: "+errReason(err))
				}
				return nil
			}
			own.PopTo(rel)
			if own.Match(rel, false) || gv.ignored(rel, false) {
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

// loadOwnIgnore adds the path patterns of directory abs's .pretenseignore
// (its fingerprint: lines are applied to findings by package suppress).
// A missing file is fine; one that exists but cannot be read is an error.
func loadOwnIgnore(p *suppress.Paths, abs, rel string) error {
	raw, err := os.ReadFile(filepath.Join(abs, IgnoreFile))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || !dirReadable(abs) {
			// Missing, or the directory itself is unreadable, which the
			// walk reports.
			return nil
		}
		return err
	}
	ig, _ := suppress.ParseIgnoreFile(raw, IgnoreFile) // a bad fingerprint line is reported where fingerprints are read
	if len(ig.Patterns) == 0 {
		for _, l := range strings.Split(string(raw), "\n") {
			if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") && !isFingerprintLine(l) {
				ig.Patterns = append(ig.Patterns, l)
			}
		}
	}
	p.Add(rel, ig.Patterns)
	return nil
}

// dirReadable reports whether directory abs can be opened.
func dirReadable(abs string) bool {
	f, err := os.Open(abs)
	if err != nil {
		return false
	}
	f.Close()
	return true
}

// isFingerprintLine recognises "fingerprint:<hex>" entries of an ignore file.
func isFingerprintLine(l string) bool {
	return strings.HasPrefix(strings.TrimSpace(l), "fingerprint:")
}

// scanFiles runs produce in one goroutine and scans what it sends with a
// bounded pool of workers.
//
// The walk hands files over in batches (walkBatch): one channel send per
// file made the walker and the workers wake each other for every file,
// and in a tree of small files those hand-offs (futex calls, and the
// scheduler's short sleeps before it steals the woken goroutine) cost
// more system time than the reading did.
func scanFiles(ctx context.Context, rs *rules.Ruleset, opts Options, res *Result, produce func(send func(walkItem) error) error) error {
	g, ctx := errgroup.WithContext(ctx)
	items := make(chan []walkItem, 4*opts.workers())
	g.Go(func() error {
		defer close(items)
		var batch []walkItem
		var batchBytes int64
		flush := func() error {
			if len(batch) == 0 {
				return nil
			}
			select {
			case items <- batch:
				batch, batchBytes = nil, 0
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		err := produce(func(it walkItem) error {
			batch = append(batch, it)
			batchBytes += it.size
			if len(batch) < walkBatch && batchBytes < walkBatchBytes {
				return nil
			}
			return flush()
		})
		if err != nil {
			return err
		}
		return flush()
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
			var buf []byte // this worker's read buffer, reused for every file
			for batch := range items {
				for _, it := range batch {
					if ctx.Err() != nil {
						return ctx.Err()
					}
					fs, err := scanFile(rs, it, opts.Fingerprinter, &bytes, &buf)
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

// A batch of the walk holds up to walkBatch files or walkBatchBytes bytes:
// small enough that the workers share a tree's last files evenly, large
// enough that a hand-off is rare next to the files' scanning.
const (
	walkBatch      = 64
	walkBatchBytes = 1 << 20
)

func countBinary(s []Skipped) int {
	n := 0
	for _, k := range s {
		if k.Reason == "binary" {
			n++
		}
	}
	return n
}

// scanFile reads and scans one file of the walk into *buf, which the
// caller keeps for the next file.
func scanFile(rs *rules.Ruleset, it walkItem, fp finding.Fingerprinter, count *atomic.Int64, buf *[]byte) ([]finding.Finding, error) {
	f, err := openFile(it.abs)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return scanChunks(rs, f, it.size, it.rel, fp, count, false, buf)
}
