// Package scanner produces bytes to scan — directory trees, standard input,
// git history, commit ranges, the index — and runs them through a shared
// rules.Ruleset with a bounded worker pool, turning matches into findings.
//
// Concurrency: one producer walks the source and sends work items on a
// bounded channel; Options.Workers goroutines read and scan them. Results
// are sorted before they are returned, so output order never depends on
// scheduling.
package scanner

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/pretense/pretense/finding"
	"github.com/pretense/pretense/internal/gitobj"
	"github.com/pretense/pretense/rules"
)

// DefaultMaxFileSize is the size above which a file is skipped (and the
// skip reported): large enough for any source file, small enough that a
// vendored bundle or a database dump does not dominate a scan.
const DefaultMaxFileSize = 10 << 20

// Chunking: files larger than chunkSize are scanned in chunks that overlap
// by chunkOverlap bytes, so a value straddling a boundary is still seen
// whole (the overlap exceeds the largest rule window).
const (
	chunkSize    = 4 << 20
	chunkOverlap = 64 << 10
	sniffLen     = 8000
)

// Options tune a scan.
type Options struct {
	// Workers bounds parallel scanning; 0 means GOMAXPROCS.
	Workers int
	// MaxFileSize skips larger files (0 means DefaultMaxFileSize; -1 means
	// no limit).
	MaxFileSize int64
	// Fingerprinter keys finding fingerprints.
	Fingerprinter finding.Fingerprinter
	// Ignore lists extra gitignore-style patterns (from configuration).
	Ignore []string
	// PathFilter, when set, replaces the path ignores of a git scan (the
	// work tree's .pretenseignore and Ignore): package suppress builds it,
	// from the range base's configuration for a range scan.
	PathFilter func(path string) bool
	// IndexFile is the index a staged scan reads instead of the
	// repository's own: git names it in GIT_INDEX_FILE while a hook runs
	// for `git commit -a` or `git commit <paths>`, whose temporary index
	// holds what is being committed.
	IndexFile string
	// WatchPaths are configuration files (repository paths) a staged scan
	// reads from the work tree: each whose work-tree content is not what
	// the index holds is listed in Result.Unstaged.
	WatchPaths []string
	// Progress, when set, is called with running totals; it must be cheap
	// and safe for concurrent use.
	Progress func(files int64, bytes int64)

	// lfsStore is the repository's local LFS object store (lfs.go); set
	// by the git scans and by a directory scan inside a work tree, ""
	// for the others.
	lfsStore string
	// lfsLookup, when set, finds lfsStore the first time a directory
	// scan meets an LFS pointer (a scan of one file, which opens no
	// repository otherwise).
	lfsLookup func() string
	// objectLimit, when set, replaces minObjectLimit as the floor of the
	// object reader's limit (git.go): tests cross it with small objects.
	objectLimit int64
}

func (o Options) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return runtime.GOMAXPROCS(0)
}

func (o Options) maxSize() int64 {
	switch {
	case o.MaxFileSize == 0:
		return DefaultMaxFileSize
	case o.MaxFileSize < 0:
		return 1<<63 - 1
	}
	return o.MaxFileSize
}

// Skipped records an input that was not scanned, and why.
type Skipped = finding.Skipped

// Result is the outcome of one scan.
type Result struct {
	Findings     []finding.Finding
	Skipped      []Skipped
	FilesScanned int
	BytesScanned int64
	// Unreadable lists what the scan could not read (a corrupt or
	// missing git object, named): the findings are those of everything
	// else, and the scan is incomplete.
	Unreadable []error
	// Staged lists, for a staged scan, each scanned path whose staged
	// blob differs from HEAD's (each side of a conflict), with both blob
	// ids (From zero for a new file): the change a commit would make,
	// which internal/cli checks for suppressions it adds.
	Staged []StagedFile
	// Unstaged lists the WatchPaths whose work-tree file differs from the
	// staged one (or is not staged): the scan used a configuration the
	// commit will not hold.
	Unstaged []string
}

// StagedFile is one staged blob and HEAD's blob at its path; Marked
// when the staged blob holds an allow marker (pretense's or gitleaks').
type StagedFile struct {
	Path     string
	From, To gitobj.Hash
	Marked   bool
	// When Marked, New is the staged blob's content and Old HEAD's (nil
	// for a new file): the check of the markers the change adds reads
	// them from here, not from the repository a second time.
	// OldUnreadable: HEAD's blob could not be read.
	New, Old      []byte
	OldUnreadable bool
}

// Incomplete lists what the scan could not read: the git objects in
// Unreadable, and the files and directories the walk could not open
// (listed in Skipped as "unreadable: …"). A scan with any is not a pass;
// binary and over-size files are a policy skip and do not count.
func (r *Result) Incomplete() []error {
	out := slices.Clone(r.Unreadable)
	for _, s := range r.Skipped {
		if reason, ok := strings.CutPrefix(s.Reason, "unreadable: "); ok {
			out = append(out, fmt.Errorf("%s: %s", s.Path, reason))
		}
	}
	return out
}

// Sort orders findings (path, commit, line, column, rule) and skips (path)
// deterministically.
func (r *Result) Sort() {
	SortFindings(r.Findings)
	slices.SortFunc(r.Skipped, func(a, b Skipped) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Reason, b.Reason))
	})
}

// SortFindings orders findings by path, commit, line, column and rule,
// then by everything else a report prints, so that two findings of one
// rule at one place (a value and its decoded layer, two matches that
// start together) come out in the same order whatever order the workers
// found them in: a report of -j 2 is byte-identical from run to run, as
// baselines and golden files need. slices.SortFunc is not stable, so the
// order must be total, not merely stable.
func SortFindings(fs []finding.Finding) {
	slices.SortFunc(fs, func(a, b finding.Finding) int {
		return cmp.Or(
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.Commit, b.Commit),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column),
			cmp.Compare(a.RuleID, b.RuleID),
			cmp.Compare(a.EndLine, b.EndLine),
			cmp.Compare(a.EndColumn, b.EndColumn),
			cmp.Compare(a.Decoded, b.Decoded),
			cmp.Compare(a.Fingerprint, b.Fingerprint),
			cmp.Compare(a.Redacted, b.Redacted),
			cmp.Compare(a.Entity, b.Entity),
			cmp.Compare(a.Confidence, b.Confidence),
			cmp.Compare(a.Secret, b.Secret),
			slices.Compare(a.Reasons, b.Reasons),
		)
	})
}

// ErrBinary marks content that looks binary (a NUL byte early on).
var ErrBinary = errors.New("binary content")

// lfsPointer returns the skip reason for a git LFS pointer (the spec's
// first line, under 1024 bytes in all), or "" for any other blob: what is
// committed is the pointer; the file's content lives in LFS storage,
// outside git, and a git scan cannot read it. Scanning the pointer
// silently would call the file clean.
func lfsPointer(data []byte) string {
	if len(data) >= 1024 || !(bytes.HasPrefix(data, []byte("version https://git-lfs.github.com/spec/v1\n")) || bytes.HasPrefix(data, []byte("version https://hawser.github.com/spec/v1\n"))) {
		return ""
	}
	oid, size := "", ""
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "oid "); ok {
			oid = v
		} else if v, ok := strings.CutPrefix(l, "size "); ok {
			size = v
		}
	}
	return fmt.Sprintf("git LFS pointer (%s, %s bytes)", oid, size)
}

// lfsInGit and lfsOnDisk end an LFS pointer's skip reason in git scans
// and in directory (or stdin) scans.
const (
	lfsInGit  = ": the content is not in this clone's LFS store (git lfs fetch) and was not scanned"
	lfsOnDisk = ": the file's content is not here (git lfs pull) and was not scanned"
)

// tooLarge starts the skip reason of text over --max-file-size; its size
// ends it: "(N bytes)", or "(git LFS object <oid>, N bytes)".
const tooLarge = "larger than --max-file-size"

// OversizeBytes returns the size named by the skip reason of text over
// --max-file-size; ok is false for any other reason.
func OversizeBytes(reason string) (n int64, ok bool) {
	rest, ok := strings.CutPrefix(reason, tooLarge+" (")
	if !ok {
		return 0, false
	}
	rest, ok = strings.CutSuffix(rest, " bytes)")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(rest[strings.LastIndexByte(rest, ' ')+1:], 10, 64)
	return n, err == nil
}

// Unscanned lists the skipped files whose text was not scanned although
// they may hold some: git LFS pointers (the content is outside git, or
// not pulled into the checkout) and files over --max-file-size. Binary
// files (no text to scan; UTF-16 text is decoded and scanned) and
// submodules (another repository, scanned on its own) are not among them,
// nor is a file over the limit whose head is binary (oversize).
// They make a scan incomplete (exit 3) unless --no-fail-on-unscanned.
func (r *Result) Unscanned() []Skipped {
	var out []Skipped
	for _, s := range r.Skipped {
		if strings.HasSuffix(s.Reason, lfsInGit) || strings.HasSuffix(s.Reason, lfsOnDisk) || strings.HasPrefix(s.Reason, tooLarge) {
			out = append(out, s)
		}
	}
	return out
}

// lfsError is scanChunks's answer for input that is a git LFS pointer
// (ptr, a copy).
type lfsError struct {
	why string
	ptr []byte
}

func (e *lfsError) Error() string { return e.why }

// lfsReason returns the skip reason of err when it says the input was an
// LFS pointer, else "".
func lfsReason(err error) string {
	var le *lfsError
	if errors.As(err, &le) {
		return le.why
	}
	return ""
}

// isBinary sniffs the first bytes for NUL, as git does.
func isBinary(head []byte) bool {
	return bytes.IndexByte(head[:min(len(head), sniffLen)], 0) >= 0
}

// oversize is the skip reason of a file or blob of size bytes, over
// --max-file-size, whose first bytes (up to sniffLen) are head. It is not
// scanned either way, but only text counts as unscanned (Unscanned): the
// head is judged by the test every scanned input gets (a NUL early on is
// binary, unless it is UTF-16 text), so a large image, archive or model
// is a binary skip like a small one, and a large log is text left
// unscanned.
func oversize(head []byte, size int64) string {
	if headBinary(head) {
		return "binary"
	}
	return fmt.Sprintf(tooLarge+" (%d bytes)", size)
}

// headBinary reports whether head, the first bytes of a larger input, is
// binary as scanChunks would judge the whole input: a NUL in it, and not
// UTF-16 text (a code unit cut at the end is left out).
func headBinary(head []byte) bool {
	if !isBinary(head) {
		return false
	}
	_, ok := utf16Text(head[:len(head)&^1])
	return !ok
}

// bufPool recycles read buffers between files to keep allocation (and
// peak memory) flat on large trees.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// scanReader scans r in overlapping chunks so memory stays bounded whatever
// the input size. It stops with ErrBinary if the first chunk looks binary.
func scanReader(rs *rules.Ruleset, r io.Reader, path string, fp finding.Fingerprinter, count *atomic.Int64) ([]finding.Finding, error) {
	return scanReaderSized(rs, r, 0, path, fp, count)
}

// scanReaderSized is scanReader for an input expected to hold size bytes
// (0: unknown), a regular file's size from the walk: the buffer is made
// that large at once (up to a chunk), instead of doubling from 64 KB with
// a copy and a read call per step. r's reads must return all they can
// (as a file's do) when size is not 0: a short read at size is the end.
func scanReaderSized(rs *rules.Ruleset, r io.Reader, size int64, path string, fp finding.Fingerprinter, count *atomic.Int64) ([]finding.Finding, error) {
	return scanChunks(rs, r, size, path, fp, count, false, nil)
}

// scanChunks is scanReaderSized; decoded says r is UTF-16 text decoded
// already (utf16.go), which is not decoded again. bp, when not nil, is the
// caller's read buffer, kept (grown) across calls: a directory scan's
// worker owns one. A sync.Pool is emptied by every garbage collection, and
// the buffers it dropped (up to a chunk each, for the larger files) were
// made again in fresh memory, a page fault per 4 KB.
func scanChunks(rs *rules.Ruleset, r io.Reader, size int64, path string, fp finding.Fingerprinter, count *atomic.Int64, decoded bool, bp *[]byte) ([]finding.Finding, error) {
	return scanChunksFrom(rs, r, size, path, fp, count, decoded, bp, 0, false)
}

// scanChunksFrom is scanChunks for an input whose first pre bytes are
// already in (*bp)[:pre] (scanFileDirect's first read); preEOF says that
// read ended the input.
func scanChunksFrom(rs *rules.Ruleset, r io.Reader, size int64, path string, fp finding.Fingerprinter, count *atomic.Int64, decoded bool, bp *[]byte, pre int, preEOF bool) ([]finding.Finding, error) {
	if bp == nil {
		bp = bufPool.Get().(*[]byte)
		defer bufPool.Put(bp)
	}
	buf := (*bp)[:pre]
	// One byte more than the size, so that reading the whole file takes
	// one short read (which tells its end, below) and no growth. Not for
	// a head that is binary already (the loop below stops at once).
	if want := min(size+1, chunkSize); want > int64(cap(buf)) && !(pre >= sniffLen && isBinary(buf)) {
		nb := make([]byte, pre, max(want, 64<<10))
		copy(nb, buf)
		buf = nb
		*bp = buf[:0]
	}
	if count != nil && pre > 0 {
		count.Add(int64(pre))
	}

	var out []finding.Finding
	var (
		total    = int64(pre) // bytes read
		lineBase int          // newlines before buf[0]
		colBase  int          // runes between the last newline and buf[0]
		first    = true
		eof      = preEOF // once true, this chunk is the last
		sniffed  bool     // the head was judged text
	)
	for {
		// Fill the buffer up to chunkSize, growing it as needed: small
		// files never cost a full chunk of memory.
		for len(buf) < chunkSize && !eof {
			// The binary test looks at the first sniffLen bytes only, so
			// it is made once they are in: a large binary file is not
			// read (nor a buffer grown for it) past its head.
			if first && !sniffed && len(buf) >= sniffLen {
				if isBinary(buf) {
					break
				}
				sniffed = true
			}
			if len(buf) == cap(buf) {
				nb := make([]byte, len(buf), min(max(2*cap(buf), 64<<10), chunkSize))
				copy(nb, buf)
				buf = nb
				*bp = buf[:0]
			}
			want := cap(buf) - len(buf)
			n, err := r.Read(buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
			total += int64(n)
			if count != nil {
				count.Add(int64(n))
			}
			if errors.Is(err, io.EOF) {
				eof = true
			} else if err != nil {
				return out, fmt.Errorf("read %s: %w", path, err)
			}
			// A short read that ends exactly at the size the walk saw is
			// the end of the file: a file that grew since fills the one
			// byte to spare, one that shrank ends short of the size, and
			// both go on to read until read says so. This spares the
			// empty read that would say so for every file.
			if size > 0 && total == size && n < want {
				eof = true
			}
		}
		if first && isBinary(buf) {
			if !decoded {
				// utf16Reader copies buf only when it is UTF-16: a
				// binary file's content is dropped here, not copied.
				if dec, ok := utf16Reader(buf, r); ok {
					if count != nil {
						count.Add(-int64(len(buf))) // counted again, decoded
					}
					return scanChunks(rs, dec, 0, path, fp, count, true, nil)
				}
			}
			if count != nil {
				// Not scanned, so not counted: how much of a binary file
				// was read before the test is the reader's business.
				count.Add(-total)
			}
			return nil, ErrBinary
		}
		if first && eof && len(buf) < 1024 && bytes.HasPrefix(buf, []byte("version https://")) {
			if why := lfsPointer(buf); why != "" {
				return nil, &lfsError{why + lfsOnDisk, bytes.Clone(buf)}
			}
		}
		first = false
		// Matches starting in the overlap tail belong to the next chunk.
		limit := len(buf)
		if !eof {
			limit = len(buf) - chunkOverlap
		}
		for _, f := range chunkFindings(rs, buf, path, fp, limit) {
			if f.Line == 1 {
				f.Column += colBase
				if f.EndLine == 1 {
					f.EndColumn += colBase
				}
			}
			f.Line += lineBase
			f.EndLine += lineBase
			out = append(out, f)
		}
		if eof {
			return out, nil
		}
		// Slide: keep the overlap tail as the start of the next chunk.
		consumed := buf[:limit]
		if nl := bytes.Count(consumed, []byte{'\n'}); nl > 0 {
			lineBase += nl
			colBase = utf8.RuneCount(consumed[bytes.LastIndexByte(consumed, '\n')+1:])
		} else {
			colBase += utf8.RuneCount(consumed)
		}
		buf = buf[:copy(buf, buf[limit:])]
	}
}

// chunkFindings scans buf and keeps matches that start before limit.
func chunkFindings(rs *rules.Ruleset, buf []byte, path string, fp finding.Fingerprinter, limit int) []finding.Finding {
	ms := rs.Scan(buf)
	keep := ms[:0]
	for _, m := range ms {
		if m.Start < limit {
			keep = append(keep, m)
		}
	}
	if len(keep) == 0 {
		return nil
	}
	return rules.Findings(buf, keep, path, fp)
}
