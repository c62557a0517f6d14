package scanner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"sync/atomic"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/pretense/pretense/finding"
	"github.com/pretense/pretense/rules"
)

// GitStaged scans what `git commit` would add right now: every index entry
// whose blob differs from HEAD's tree (or every entry, before the first
// commit), reporting only matches on added lines, with line numbers in the
// staged version. It reads the index and staged blobs, never the work
// tree: unstaged edits and untracked files are not reported, and nothing
// hashes the work tree.
//
// "Added" is decided per line: a staged line is added unless the same
// line (same bytes) occurs in HEAD's version as many times. That is what a
// diff calls added for every edit except reordering identical lines, and it
// is linear, so a pre-commit hook stays fast on large files.
func GitStaged(ctx context.Context, path string, rs *rules.Ruleset, opts Options) (*Result, error) {
	g, err := openRepo(path)
	if err != nil {
		return nil, err
	}
	r := g.repo
	idx, err := r.Storer.Index()
	if err != nil {
		return nil, fmt.Errorf("read index: %w", err)
	}
	var head *object.Tree
	if ref, err := r.Head(); err == nil {
		c, err := r.CommitObject(ref.Hash())
		if err != nil {
			return nil, &ObjectError{Hash: ref.Hash().String(), What: "commit", Err: objErr(err)}
		}
		if head, err = c.Tree(); err != nil {
			return nil, &ObjectError{Hash: c.TreeHash.String(), What: "tree", Err: objErr(err)}
		}
	} else if !errors.Is(err, plumbing.ErrReferenceNotFound) {
		return nil, fmt.Errorf("resolve HEAD: %w", err)
	}
	res := &Result{}
	var n atomic.Int64
	for _, e := range idx.Entries {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if e.Stage != index.Merged || e.IntentToAdd || e.Mode == filemode.Submodule || e.Mode == filemode.Dir {
			continue
		}
		var old plumbing.Hash
		if head != nil {
			if te, err := head.FindEntry(e.Name); err == nil && te.Mode != filemode.Submodule && te.Mode != filemode.Dir {
				old = te.Hash
			}
		}
		if old == e.Hash {
			continue
		}
		fs, skip, err := scanStagedBlob(r.Storer, rs, opts, e.Name, e.Hash, old, &n)
		if err != nil {
			return nil, err
		}
		if skip != "" {
			res.Skipped = append(res.Skipped, Skipped{Path: e.Name, Reason: skip})
			continue
		}
		res.FilesScanned++
		res.Findings = append(res.Findings, fs...)
	}
	res.BytesScanned = n.Load()
	res.Sort()
	return res, nil
}

type blobReader interface {
	EncodedObjectSize(plumbing.Hash) (int64, error)
	EncodedObject(plumbing.ObjectType, plumbing.Hash) (plumbing.EncodedObject, error)
}

// scanStagedBlob scans staged blob h of path name, keeping matches on lines
// not in old (the zero hash for a new file). It returns a skip reason for
// binary or oversized blobs.
func scanStagedBlob(st blobReader, rs *rules.Ruleset, opts Options, name string, h, old plumbing.Hash, n *atomic.Int64) ([]finding.Finding, string, error) {
	size, err := st.EncodedObjectSize(h)
	if err != nil {
		return nil, "", &ObjectError{Hash: h.String(), What: "blob", Err: objErr(err)}
	}
	if size > opts.maxSize() {
		return nil, fmt.Sprintf("larger than --max-file-size (%d bytes)", size), nil
	}
	cur, err := readBlobBytes(st, h)
	if err != nil {
		return nil, "", err
	}
	n.Add(int64(len(cur)))
	if isBinary(cur) {
		return nil, "binary", nil
	}
	fs := rules.Findings(cur, rs.Scan(cur), name, opts.Fingerprinter)
	if len(fs) == 0 || old.IsZero() {
		return fs, "", nil
	}
	prev, err := readBlobBytes(st, old)
	if err != nil {
		return nil, "", err
	}
	added := addedLines(prev, cur)
	keep := fs[:0]
	for _, f := range fs {
		for l := f.Line; l <= f.EndLine && l < len(added); l++ {
			if added[l] {
				keep = append(keep, f)
				break
			}
		}
	}
	return keep, "", nil
}

// readAll reads a whole blob (already size-checked).
func readBlobBytes(st blobReader, h plumbing.Hash) ([]byte, error) {
	o, err := st.EncodedObject(plumbing.BlobObject, h)
	if err != nil {
		return nil, &ObjectError{Hash: h.String(), What: "blob", Err: objErr(err)}
	}
	rc, err := o.Reader()
	if err != nil {
		return nil, &ObjectError{Hash: h.String(), What: "blob", Err: err}
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		return nil, &ObjectError{Hash: h.String(), What: "blob", Err: err}
	}
	return b, nil
}

// addedLines marks (1-based) the lines of cur that are not in prev, as a
// multiset: a line present n times before is not added for its first n
// occurrences.
func addedLines(prev, cur []byte) []bool {
	seed := maphash.MakeSeed()
	counts := map[uint64]int{}
	forLines(prev, func(l []byte) { counts[maphash.Bytes(seed, l)]++ })
	added := []bool{false}
	forLines(cur, func(l []byte) {
		k := maphash.Bytes(seed, l)
		if counts[k] > 0 {
			counts[k]--
			added = append(added, false)
			return
		}
		added = append(added, true)
	})
	return added
}

func forLines(b []byte, fn func([]byte)) {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			fn(bytes.TrimSuffix(b, []byte{'\r'}))
			return
		}
		fn(bytes.TrimSuffix(b[:i], []byte{'\r'}))
		b = b[i+1:]
	}
}
