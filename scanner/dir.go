package scanner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/pretense/pretense/finding"
	"github.com/pretense/pretense/internal/gitobj"
	"github.com/pretense/pretense/rules"
	"github.com/pretense/pretense/suppress"
)

// IgnoreFile is pretense's own path-exclusion file, in gitignore syntax.
const IgnoreFile = suppress.IgnoreFile

// ErrNotFound is returned when the path to scan does not exist.
var ErrNotFound = errors.New("no such file or directory")

// walkItem is a file the walk sends to the workers: at abs, or (on
// Linux) name in the open directory dir, which the worker releases once
// it has opened the file.
type walkItem struct {
	rel  string
	abs  string
	dir  *dirHandle
	name string
	size int64 // sizeUnknown: not looked up (walk_linux.go), the worker reads to find it
}

// sizeUnknown is the size of a walk item the walk did not stat.
const sizeUnknown = -1

// errNotScanned is scanFileDirect's answer for a file the walk would have
// left out had it looked up its size: an empty one (wantSize), or one no
// longer a regular file. Neither is counted nor reported, as before.
var errNotScanned = errors.New("not scanned")

// release drops the item's hold on its directory, if it has one.
func (it *walkItem) release() {
	if it.dir != nil {
		it.dir.release()
		it.dir = nil
	}
}

// path is the file's path, for errors.
func (it *walkItem) path() string {
	if it.dir != nil {
		return it.dir.abs + "/" + it.name
	}
	return it.abs
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
		opts.lfsLookup = sync.OnceValue(func() string {
			r, err := gitobj.OpenRepo(filepath.Dir(root))
			if err != nil || r.WorkTree == "" {
				return ""
			}
			return lfsStoreDir(r)
		})
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
	opts.lfsStore = gv.lfsStore
	v := &treeVisitor{root: root, opts: opts, gv: gv, addSkip: addSkip}
	v.own.Add("", opts.Ignore) // with the .pretenseignore files
	v.own.Push("")
	err = scanFiles(ctx, rs, opts, res, func(send func(walkItem) error) error {
		return walkTree(root, v, send)
	})
	return res, err
}

// treeVisitor makes the walk's decisions, the same whichever walker
// (walk_linux.go, walk_other.go) reads the tree; the walkers call it in
// the walk's order: a directory's entries sorted by name, depth first.
type treeVisitor struct {
	root    string
	opts    Options
	own     suppress.Paths // .pretenseignore files and opts.Ignore
	gv      *gitView
	addSkip func(rel, reason string)
}

// skipDir reports whether the walk leaves out directory rel (below the
// root) and, if not, opens its scope of ignore patterns.
func (v *treeVisitor) skipDir(rel string) bool {
	v.own.PopTo(rel)
	if v.own.Match(rel, true) || v.gv.ignored(rel, true) {
		return true
	}
	v.own.Push(rel)
	return false
}

// enterDir loads the ignore files of directory abs (rel below the root,
// "" for the root itself); listed says whether its listing holds a
// .pretenseignore and a .gitignore, so absent ones are not looked up
// (two failing opens per directory). A walker that did not list the
// directory passes true for both.
func (v *treeVisitor) enterDir(abs, rel string, ownListed, gitListed bool) {
	prefix := rel
	if prefix != "" {
		prefix += "/"
	}
	if ownListed {
		if err := loadOwnIgnore(&v.own, abs, rel); err != nil {
			v.addSkip(prefix+IgnoreFile, "unreadable: "+errReason(err))
		}
	}
	if err := v.gv.enter(abs, rel, gitListed); err != nil {
		v.addSkip(prefix+".gitignore", "unreadable: "+errReason(err))
	}
}

// wantFile reports whether file rel passes the ignore patterns.
func (v *treeVisitor) wantFile(rel string) bool {
	v.own.PopTo(rel)
	return !v.own.Match(rel, false) && !v.gv.ignored(rel, false)
}

// wantSize reports whether a regular file of size bytes goes to the
// workers: an empty one does not. One over the size limit does, for its
// head only (scanFile), so the size alone never skips a file.
func wantSize(size int64) bool {
	return size != 0
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
	// free takes the batches the workers are done with back to the walk,
	// which fills them again: a batch grown by append for each hand-off
	// was ~1.5 MB of a scan of $GOROOT/src. It holds every batch that can
	// be out at once (in items, one a worker, the walk's), so a send to
	// it never waits.
	free := make(chan []walkItem, 5*opts.workers()+1)
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
		// Items never handed over let go of their directories.
		defer func() { releaseItems(batch) }()
		err := produce(func(it walkItem) error {
			if batch == nil {
				select {
				case batch = <-free:
				default:
					batch = make([]walkItem, 0, walkBatch)
				}
			}
			batch = append(batch, it)
			if it.size == sizeUnknown {
				// Sizes the walk did not look up count as a typical
				// source file's, which keeps a batch near 16 files.
				batchBytes += walkBatchBytes / 16
			} else {
				batchBytes += it.size
			}
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
				for i, it := range batch {
					if ctx.Err() != nil {
						// Let go of the directories of the files left,
						// these and those still coming.
						releaseItems(batch[i:])
						for b := range items {
							releaseItems(b)
						}
						return ctx.Err()
					}
					fs, err := scanFile(rs, &it, opts.maxSize(), opts.Fingerprinter, &bytes, &buf)
					if errors.Is(err, errNotScanned) {
						continue
					}
					if lfsReason(err) != "" {
						fs, err = scanLFSFile(rs, opts, it.rel, err, &bytes, &buf)
					}
					var big *tooLargeError
					switch {
					case errors.Is(err, ErrBinary):
						skips = append(skips, Skipped{Path: it.rel, Reason: "binary"})
					case errors.As(err, &big):
						skips = append(skips, Skipped{Path: it.rel, Reason: big.reason})
					case err != nil && lfsReason(err) != "":
						skips = append(skips, Skipped{Path: it.rel, Reason: lfsReason(err)})
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
				// The items are released (scanFile); their names go
				// with the emptied batch.
				clear(batch)
				select {
				case free <- batch[:0]:
				default:
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

// countBinary counts the files the workers opened and did not scan:
// binary files, LFS pointers and files over the size limit.
func countBinary(s []Skipped) int {
	n := 0
	for _, k := range s {
		if k.Reason == "binary" || strings.HasPrefix(k.Reason, "git LFS pointer") || strings.HasPrefix(k.Reason, tooLarge) {
			n++
		}
	}
	return n
}

func releaseItems(items []walkItem) {
	for i := range items {
		items[i].release()
	}
}

// scanFile reads and scans one file of the walk into *buf, which the
// caller keeps for the next file. It releases the item. A file over
// maxSize is not scanned: only its first bytes are read, and it is
// ErrBinary or a *tooLargeError (oversize).
func scanFile(rs *rules.Ruleset, it *walkItem, maxSize int64, fp finding.Fingerprinter, count *atomic.Int64, buf *[]byte) ([]finding.Finding, error) {
	if it.size == sizeUnknown {
		return scanFileDirect(rs, it, maxSize, fp, count, buf)
	}
	f, err := openItem(it)
	it.release()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if it.size > maxSize {
		var head [sniffLen]byte
		n, err := io.ReadFull(f, head[:])
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, err
		}
		if why := oversize(head[:n], it.size); why != "binary" {
			return nil, &tooLargeError{why}
		}
		return nil, ErrBinary
	}
	return scanChunks(rs, f, it.size, it.rel, fp, count, false, buf)
}

// scanLFSFile scans the content of a file of the walk that is an LFS
// pointer (err, scanFile's answer for it) when the work tree's LFS store
// holds it, checked against the pointer (lfsContent): a checkout made
// without git-lfs, or with GIT_LFS_SKIP_SMUDGE, whose store has the
// objects (`git lfs fetch` without a checkout) is scanned as if pulled.
// Content not in the store leaves err, the pointer's own reason; content
// over the size limit is ErrBinary or a *tooLargeError as any large file;
// a stored copy that does not match its pointer is an error (unreadable:
// the scan is incomplete).
func scanLFSFile(rs *rules.Ruleset, opts Options, rel string, err error, count *atomic.Int64, buf *[]byte) ([]finding.Finding, error) {
	var le *lfsError
	errors.As(err, &le)
	store := opts.lfsStore
	if opts.lfsLookup != nil {
		store = opts.lfsLookup()
	}
	if store == "" {
		return nil, err
	}
	content, why, cerr := lfsContent(store, le.ptr, opts.maxSize())
	switch {
	case cerr != nil:
		return nil, cerr
	case why == "binary":
		return nil, ErrBinary
	case strings.HasPrefix(why, tooLarge):
		return nil, &tooLargeError{why}
	case why != "":
		return nil, err // not in the store: the pointer's reason (git lfs pull)
	}
	fs, err := scanChunks(rs, bytes.NewReader(content), int64(len(content)), rel, opts.Fingerprinter, count, false, buf)
	if lfsReason(err) != "" {
		// The stored content is itself a pointer: not the file either.
		return nil, err
	}
	return fs, err
}

// tooLargeError is scanFile's answer for text over the size limit.
type tooLargeError struct{ reason string }

func (e *tooLargeError) Error() string { return e.reason }
