package scanner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/pretense/pretense/finding"
	"github.com/pretense/pretense/internal/gitobj"
	"github.com/pretense/pretense/rules"
)

// GitStaged scans what `git commit` would add right now: every index entry
// whose blob differs from HEAD's tree (or every entry, before the first
// commit), reporting only matches on added lines, with line numbers in the
// staged version. It reads the index and staged blobs, never the work
// tree: unstaged edits and untracked files are not reported, and nothing
// hashes the work tree. A conflicted path is scanned in each of its sides
// (index stages 1-3), against HEAD's version.
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
	opts.lfsStore = lfsStoreDir(r)
	// GIT_INDEX_FILE when git set it (commit -a uses index.lock, commit
	// <paths> a next-index-*.lock), else the repository's (a linked
	// worktree's own).
	idx, cache, err := r.ReadIndexTree(opts.IndexFile)
	if err != nil {
		return nil, err
	}
	objs, err := g.objects(opts)
	if err != nil {
		return nil, err
	}
	defer objs.Close()
	rd := objs.NewReader()
	res := &Result{}
	// What cannot be read is listed (exit 3) and the rest still scanned:
	// an unreadable HEAD or HEAD tree makes every staged line count as
	// added, so the scan reports more, never less.
	bad := func(err error, path string) error {
		var oe *ObjectError
		if !errors.As(err, &oe) {
			return err
		}
		if oe.Path == "" {
			oe.Path = path
		}
		res.Unreadable = append(res.Unreadable, oe)
		return nil
	}
	ht := &headTree{rd: rd, format: r.Format, trees: map[gitobj.Hash][]stagedEntry{}}
	if head, err := r.Ref("HEAD"); err == nil {
		raw, err := readObject(rd, head, gitobj.Commit, "commit")
		if err == nil {
			var c gitobj.CommitInfo
			if c, err = r.Format.ParseCommit(raw); err == nil {
				ht.root = c.Tree
			} else {
				err = &ObjectError{Hash: head.String(), What: "commit", Err: err}
			}
		}
		if err != nil {
			if err := bad(err, ""); err != nil {
				return nil, err
			}
		}
	} else if !errors.Is(err, gitobj.ErrRefNotFound) {
		return nil, fmt.Errorf("resolve HEAD: %w", err)
	}
	var n atomic.Int64
	excluded := g.pathFilter(opts)
	same := ht.unchanged(cache)
	// scan scans the staged blobs hs of path name (one, or the sides of a
	// conflict), each against HEAD's version of name.
	scan := func(name string, hs []gitobj.Hash) error {
		old, err := ht.find(name)
		if err != nil {
			if err := bad(err, name); err != nil {
				return err
			}
			old = gitobj.Hash{} // compare with nothing
		}
		var found []finding.Finding
		scanned := false
		for i, h := range hs {
			if h == old || slices.Contains(hs[:i], h) {
				continue
			}
			sf := StagedFile{Path: name, From: old, To: h}
			fs, skip, err := scanStagedBlob(rd, rs, opts, &sf, &n)
			res.Staged = append(res.Staged, sf)
			if err != nil {
				if err := bad(err, name); err != nil {
					return err
				}
				if fs == nil {
					continue
				}
			}
			if skip != "" {
				res.Skipped = append(res.Skipped, Skipped{Path: name, Reason: skip})
				continue
			}
			scanned = true
			found = append(found, fs...)
		}
		if scanned {
			res.FilesScanned++
		}
		if len(hs) > 1 {
			found = sameLineOnce(found)
		}
		res.Findings = append(res.Findings, found...)
		return nil
	}
	for i := 0; i < len(idx); i++ {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		e := idx[i]
		if e.Stage != 0 {
			// Stages 1-3 are the sides of a conflict (base, ours,
			// theirs); the path has no merged entry until it is
			// resolved, and git commit refuses until then. A manual
			// scan mid-merge must still not call it clean: the
			// resolution is made of these sides, so each is scanned
			// against HEAD's version. The base too: after a
			// cherry-pick, rebase or stash apply it is the picked
			// commit's parent, which need not be in HEAD's history.
			// No cache tree vouches for a conflicted path (git drops
			// it above a conflict; a crafted one is not believed).
			var hs []gitobj.Hash
			for ; i < len(idx) && idx[i].Name == e.Name && idx[i].Stage != 0; i++ {
				if m := filemode.FileMode(idx[i].Mode); m != filemode.Submodule && m != filemode.Dir {
					hs = append(hs, idx[i].Hash)
				}
			}
			i--
			if len(hs) == 0 || excluded(e.Name) {
				continue
			}
			if err := scan(e.Name, hs); err != nil {
				return nil, err
			}
			continue
		}
		if same.covers(e.Name) {
			continue
		}
		if e.IntentToAdd || filemode.FileMode(e.Mode) == filemode.Submodule || filemode.FileMode(e.Mode) == filemode.Dir || excluded(e.Name) {
			continue
		}
		if err := scan(e.Name, []gitobj.Hash{e.Hash}); err != nil {
			return nil, err
		}
	}
	res.BytesScanned = n.Load()
	res.Unstaged = unstagedConfig(r.WorkTree, r.Format, idx, opts.WatchPaths)
	res.Sort()
	return res, nil
}

// unstagedConfig returns the paths among watch whose work-tree file exists
// and differs from its merged index entry, or has none.
func unstagedConfig(wt string, f gitobj.Format, idx []gitobj.IndexEntry, watch []string) []string {
	if wt == "" {
		return nil
	}
	var out []string
	for _, p := range watch {
		data, err := os.ReadFile(filepath.Join(wt, filepath.FromSlash(p)))
		if err != nil {
			continue // absent (or unreadable: the configuration load says so)
		}
		i := sort.Search(len(idx), func(i int) bool { return idx[i].Name >= p })
		staged := false
		for ; i < len(idx) && idx[i].Name == p; i++ {
			if idx[i].Stage == 0 && !idx[i].IntentToAdd && idx[i].Hash == f.BlobID(data) {
				staged = true
			}
		}
		if !staged && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

type stagedEntry struct {
	name string
	mode filemode.FileMode
	hash gitobj.Hash
}

// headTree looks paths up in HEAD's tree, reading each directory once.
type headTree struct {
	rd     *gitobj.Reader
	format gitobj.Format
	root   gitobj.Hash // zero before the first commit (or when unreadable)
	trees  map[gitobj.Hash][]stagedEntry
}

// find returns the blob at path in HEAD (zero if none, or not a file).
func (t *headTree) find(p string) (gitobj.Hash, error) {
	h := t.root
	if h.IsZero() {
		return h, nil
	}
	for {
		dir, rest, more := strings.Cut(p, "/")
		es, err := t.tree(h)
		if err != nil {
			return gitobj.Hash{}, err
		}
		var hit *stagedEntry
		for i := range es {
			if es[i].name == dir {
				hit = &es[i]
				break
			}
		}
		switch {
		case hit == nil:
			return gitobj.Hash{}, nil
		case more && hit.mode == filemode.Dir:
			h, p = hit.hash, rest
		case !more && hit.mode != filemode.Dir && hit.mode != filemode.Submodule:
			return hit.hash, nil
		default:
			return gitobj.Hash{}, nil
		}
	}
}

// unchangedDirs holds the directories (by path; "" is the root) whose
// staged tree is HEAD's: the index's cache tree vouches for them.
type unchangedDirs map[string]bool

// unchanged finds the directories whose cache tree (git's record of the
// tree their index entries make, kept valid until an entry under them
// changes) is HEAD's tree there, reading HEAD's trees only along the
// directories that changed. git commit writes those very trees, so none
// of their entries is staged: a pre-commit scan of a large repository
// then reads a few trees instead of every directory of HEAD.
func (t *headTree) unchanged(ct *gitobj.CacheTree) unchangedDirs {
	out := unchangedDirs{}
	if ct == nil || t.root.IsZero() {
		return out
	}
	var walk func(c *gitobj.CacheTree, path string, h gitobj.Hash)
	walk = func(c *gitobj.CacheTree, path string, h gitobj.Hash) {
		if c.Valid && c.Hash == h {
			out[path] = true
			return
		}
		if len(c.Subtrees) == 0 {
			return
		}
		es, err := t.tree(h)
		if err != nil {
			return // find names it when an entry needs it
		}
		for _, sub := range c.Subtrees {
			for _, e := range es {
				if e.name == sub.Name && e.mode == filemode.Dir {
					walk(sub, path+sub.Name+"/", e.hash)
					break
				}
			}
		}
	}
	walk(ct, "", t.root)
	return out
}

// covers reports whether name lies under an unchanged directory. Paths
// in u end in "/" (the root is "").
func (u unchangedDirs) covers(name string) bool {
	if len(u) == 0 {
		return false
	}
	if u[""] {
		return true
	}
	for i := 0; i < len(name); i++ {
		if name[i] == '/' && u[name[:i+1]] {
			return true
		}
	}
	return false
}

func (t *headTree) tree(h gitobj.Hash) ([]stagedEntry, error) {
	if es, ok := t.trees[h]; ok {
		return es, nil
	}
	raw, err := readObject(t.rd, h, gitobj.Tree, "tree")
	if err != nil {
		t.trees[h] = nil // named once; later lookups find nothing
		return nil, err
	}
	var es []stagedEntry
	if err := t.format.ParseTree(raw, func(name []byte, mode filemode.FileMode, eh gitobj.Hash) {
		es = append(es, stagedEntry{name: string(name), mode: mode, hash: eh})
	}); err != nil {
		return nil, &ObjectError{Hash: h.String(), What: "tree", Err: err}
	}
	t.trees[h] = es
	return es, nil
}

// sameLineOnce drops repeats of a finding: the sides of a conflict often
// share the line that holds a value, and it is reported once.
func sameLineOnce(fs []finding.Finding) []finding.Finding {
	type key struct {
		rule, fp                   string
		line, col, endLine, endCol int
	}
	seen := make(map[key]bool, len(fs))
	out := fs[:0]
	for _, f := range fs {
		k := key{f.RuleID, f.Fingerprint, f.Line, f.Column, f.EndLine, f.EndColumn}
		if !seen[k] {
			seen[k] = true
			out = append(out, f)
		}
	}
	return out
}

// scanStagedBlob scans staged blob sf.To of path sf.Path, keeping matches
// on lines not in sf.From (the zero hash for a new file). It returns a
// skip reason for binary or oversized blobs. When the blob holds an allow
// marker it sets sf.Marked and keeps both versions' content in sf.
func scanStagedBlob(rd *gitobj.Reader, rs *rules.Ruleset, opts Options, sf *StagedFile, n *atomic.Int64) ([]finding.Finding, string, error) {
	name, h, old := sf.Path, sf.To, sf.From
	size, err := rd.Size(h)
	if err != nil {
		return nil, "", objectError(h, "blob", err)
	}
	if size > opts.maxSize() {
		// The blob is skipped on its size alone: the pack index the size
		// was found through must be sound (gitobj checks it lazily).
		if err := rd.CheckIndexes(); err != nil {
			return nil, "", objectError(h, "blob", err)
		}
		_, _, head, err := rd.Head(h, sniffLen)
		if err != nil {
			return nil, "", objectError(h, "blob", err)
		}
		why := oversize(head, size)
		if why == "binary" {
			// As in a history scan (readBlob): a binary skip passes,
			// so the blob is checked against its id first.
			if err := rd.Verify(h); err != nil {
				return nil, "", objectError(h, "blob", err)
			}
		}
		return nil, why, nil
	}
	cur, err := readObject(rd, h, gitobj.Blob, "blob")
	if err != nil {
		return nil, "", err
	}
	n.Add(int64(len(cur)))
	if lfsPointer(cur) != "" {
		// `git add` stored the content in the local LFS store: that is
		// what the commit uploads, and what is scanned (lfs.go).
		content, why, err := lfsContent(opts.lfsStore, cur, opts.maxSize())
		if err != nil {
			return nil, "", objectError(h, "blob", err)
		}
		if why != "" {
			return nil, why, nil
		}
		n.Add(int64(len(content)))
		cur = content
	}
	readPrev := func() ([]byte, error) {
		b, err := readObject(rd, old, gitobj.Blob, "blob")
		if err != nil || lfsPointer(b) == "" {
			return b, err
		}
		// HEAD's LFS content when it is here; else the pointer, whose
		// lines match none of cur's: every finding counts as added (a
		// report too many, never one too few).
		if content, why, err := lfsContent(opts.lfsStore, b, opts.maxSize()); err == nil && why == "" {
			return content, nil
		}
		return b, nil
	}
	var prev []byte
	var prevErr error
	prevRead := false
	if bytes.Contains(cur, []byte(rules.AllowMarker)) || bytes.Contains(cur, []byte("gitleaks:allow")) {
		// The marker check (internal/cli, suppress.StagedChanges) compares
		// the marked lines with HEAD's version; both are read here, with
		// this reader, so it opens the repository no second time.
		sf.Marked, sf.New = true, cur
		if !old.IsZero() {
			prev, prevErr = readPrev()
			prevRead = true
			switch {
			case prevErr == nil:
				sf.Old = prev
			case errors.Is(prevErr, gitobj.ErrTooLarge):
				// Larger than this reader reads: its markers count
				// as none, so every marker the staged version holds
				// is judged (a report too many, never one too few).
			default:
				sf.OldUnreadable = true
			}
		}
	}
	if isBinary(cur) {
		text, ok := utf16Text(cur)
		if !ok {
			return nil, "binary", nil
		}
		cur = text
	}
	fs := rules.Findings(cur, rs.Scan(cur), name, opts.Fingerprinter)
	if len(fs) == 0 || old.IsZero() {
		return fs, "", nil
	}
	if !prevRead {
		prev, prevErr = readPrev()
	}
	if prevErr != nil {
		// HEAD's version is unreadable: every match counts as added.
		return fs, "", prevErr
	}
	if isBinary(prev) {
		if text, ok := utf16Text(prev); ok {
			prev = text
		}
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
