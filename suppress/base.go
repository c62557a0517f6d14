package suppress

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/pretense/pretense/internal/gitobj"
)

// Range is the trusted side of a commit range A..B: the suppression
// configuration of a range scan is read from A's tree, not from the work
// tree (which holds B), so a change under review cannot configure its own
// check. Changes to that configuration between the range's merge base and
// B are listed so they can be reported.
//
// It reads the repository through internal/gitobj, as the range scan
// itself does, so SHA-1 and SHA-256 repositories are read alike (go-git
// v5 opens only the object format it was compiled for).
type Range struct {
	objs *gitobj.Store
	rd   *gitobj.Reader
	f    gitobj.Format
	base commitAt // A: where the configuration is read
	fork commitAt // merge base of A and B: what the range changed from
	head commitAt // B
}

type commitAt struct {
	id, tree gitobj.Hash
}

// ErrRange marks a range pretense cannot resolve (bad revision).
var ErrRange = errors.New("cannot resolve range")

// OpenRange resolves spec ("A..B", B defaulting to HEAD) in the repository
// at or above dir. A revision that names no commit, or a commit that is
// not in the repository (beyond a shallow clone's boundary), is ErrRange:
// the scan of the range meets it too and explains it. Close releases the
// repository's files.
func OpenRange(dir, spec string) (*Range, error) {
	a, b, ok := strings.Cut(spec, "..")
	if !ok || a == "" {
		return nil, fmt.Errorf("%w %q: want A..B", ErrRange, spec)
	}
	if b == "" {
		b = "HEAD"
	}
	repo, r, err := openRange(dir)
	if err != nil {
		return nil, err
	}
	objs := r.objs
	resolve := func(rev string) (commitAt, error) {
		// ^{commit}: a tag names the commit it points at, as for git.
		h, err := repo.Resolve(r.rd, rev+"^{commit}")
		if errors.Is(err, gitobj.ErrBadRevision) || errors.Is(err, gitobj.ErrRefNotFound) || errors.Is(err, gitobj.ErrNotFound) {
			return commitAt{}, fmt.Errorf("%w: %s: %v", ErrRange, rev, err)
		}
		if err != nil {
			return commitAt{}, fmt.Errorf("read commit %s: %w", rev, err)
		}
		c, err := r.commit(h)
		if err != nil {
			return commitAt{}, fmt.Errorf("read commit %s: %w", rev, err)
		}
		return c, nil
	}
	if r.base, err = resolve(a); err == nil {
		r.head, err = resolve(b)
	}
	if err != nil {
		objs.Close()
		return nil, err
	}
	r.fork = r.base
	shallow, err := repo.Shallow()
	if err != nil {
		objs.Close()
		return nil, err
	}
	mb, err := gitobj.MergeBase(r.rd, r.base.id, r.head.id, shallow)
	if err != nil {
		objs.Close()
		return nil, fmt.Errorf("merge base of %s: %w", spec, err)
	}
	// Unrelated histories have none, nor has a shallow clone that lacks
	// it: then the fork is A, and all of B's difference from A is the
	// change.
	if len(mb) > 0 {
		if r.fork, err = r.commit(mb[0]); err != nil {
			objs.Close()
			return nil, fmt.Errorf("read merge base: %w", err)
		}
	}
	return r, nil
}

// commit reads commit h's tree id.
func (r *Range) commit(h gitobj.Hash) (commitAt, error) {
	raw, err := r.object(h, gitobj.Commit)
	if err != nil {
		return commitAt{}, err
	}
	c, err := r.f.ParseCommit(raw)
	if err != nil {
		return commitAt{}, &gitobj.Error{Hash: h, Err: err}
	}
	return commitAt{id: h, tree: c.Tree}, nil
}

// Close releases the repository's files.
func (r *Range) Close() error { return r.objs.Close() }

// object reads an object that must be of type t.
func (r *Range) object(h gitobj.Hash, t gitobj.Type) ([]byte, error) {
	got, raw, err := r.rd.Object(h)
	if err != nil {
		return nil, err
	}
	if got != t {
		return nil, fmt.Errorf("%s is a %s, not a %s: %w", h, got, t, gitobj.ErrMalformed)
	}
	return raw, nil
}

// treeEntry is one entry of a tree.
type treeEntry struct {
	name string
	mode filemode.FileMode
	id   gitobj.Hash
}

func (e treeEntry) isTree() bool { return e.mode == filemode.Dir }

// isFile reports an entry with content of its own: a regular or
// executable file, or a symbolic link (whose content is its target);
// not a tree or a submodule's commit.
func (e treeEntry) isFile() bool { return e.mode.IsFile() }

func (r *Range) tree(h gitobj.Hash) ([]treeEntry, error) {
	raw, err := r.object(h, gitobj.Tree)
	if err != nil {
		return nil, fmt.Errorf("read tree: %w", err)
	}
	var es []treeEntry
	if err := r.f.ParseTree(raw, func(name []byte, mode filemode.FileMode, id gitobj.Hash) {
		es = append(es, treeEntry{name: string(name), mode: mode, id: id})
	}); err != nil {
		return nil, fmt.Errorf("read tree %s: %w", h, err)
	}
	return es, nil
}

// Head is the commit id of the range's tip.
func (r *Range) Head() string { return r.head.id.String() }

// ReadBase returns the file at repo-relative path p in the base commit,
// or ok false when the base has no such file.
func (r *Range) ReadBase(p string) (data []byte, ok bool, err error) {
	return r.readAt(r.base, p)
}

// ReadHead returns the file at p in the range's tip.
func (r *Range) ReadHead(p string) (data []byte, ok bool, err error) {
	return r.readAt(r.head, p)
}

// readAt finds p in c's tree. A path that is not there, or names a
// directory or a submodule, is ok false; a tree or blob on the way that
// cannot be read is an error (the scan must not go on as if the
// configuration were absent).
func (r *Range) readAt(c commitAt, p string) ([]byte, bool, error) {
	p = path.Clean(p)
	if p == "." || p == "/" || strings.HasPrefix(p, "../") || p == ".." {
		return nil, false, nil
	}
	at := c.tree
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, part := range parts {
		es, err := r.tree(at)
		if err != nil {
			return nil, false, fmt.Errorf("read %s at %s: %w", p, c.id, err)
		}
		var hit *treeEntry
		for k := range es {
			if es[k].name == part {
				hit = &es[k]
				break
			}
		}
		last := i == len(parts)-1
		switch {
		case hit == nil:
			return nil, false, nil
		case !last && hit.isTree():
			at = hit.id
		case last && hit.isFile():
			data, err := r.object(hit.id, gitobj.Blob)
			if err != nil {
				return nil, false, fmt.Errorf("read %s at %s: %w", p, c.id, err)
			}
			return data, true, nil
		default:
			return nil, false, nil
		}
	}
	return nil, false, nil
}

// BasePaths is the path filter of the base commit: the patterns of every
// .pretenseignore in its tree (each scoped to its directory) plus extra
// (allowlist.paths), and the fingerprint lines of those files. A
// directory's own file is added before those of its subdirectories, so
// deeper files win, as for .gitignore.
func (r *Range) BasePaths(extra []string) (match func(string) bool, fps []string, err error) {
	var p Paths
	p.Add("", extra)
	short := r.base.id.String()[:12]
	var walk func(dir string, tree gitobj.Hash) error
	walk = func(dir string, tree gitobj.Hash) error {
		es, err := r.tree(tree)
		if err != nil {
			return fmt.Errorf("read base tree %s/: %w", dir, err)
		}
		for _, e := range es {
			if e.name != IgnoreFile || !e.isFile() {
				continue
			}
			name := path.Join(dir, e.name)
			raw, err := r.object(e.id, gitobj.Blob)
			if err != nil {
				return fmt.Errorf("read %s at base: %w", name, err)
			}
			ig, err := ParseIgnoreFile(raw, name+" (base "+short+")")
			if err != nil {
				return err
			}
			p.Add(dir, ig.Patterns)
			fps = append(fps, ig.Fingerprints...)
		}
		for _, e := range es {
			if e.isTree() {
				if err := walk(path.Join(dir, e.name), e.id); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk("", r.base.tree); err != nil {
		return nil, nil, err
	}
	return p.MatchTree, fps, nil
}

// Change is a file of the range that the base configuration would not
// have let through unnoticed.
type Change struct {
	Path   string
	Line   int    // 1 for a whole-file change
	What   string // "added", "modified", "deleted", "adds a pretense:allow marker"
	Marker string // the marker a line gains (What says so), "" for a file
	Commit string // the range tip
}

// fileChange is one path whose entry differs between two trees; a zero
// side is absent.
type fileChange struct {
	path     string
	from, to treeEntry
	noMarker bool // to is known to hold no allow marker
	// given: the content of to and from is newData and oldData (nil for
	// an absent side), read by the caller, not from the repository;
	// oldBad: from's could not be read.
	given            bool
	newData, oldData []byte
	oldBad           bool
}

// diffTrees lists the non-tree entries that differ (id or mode) between
// trees a and b, in git's path order, without rename detection: a path
// that changes from file to directory is the file deleted and each file
// below the directory added.
func (r *Range) diffTrees(dir string, a, b gitobj.Hash, out []fileChange) ([]fileChange, error) {
	if a == b {
		return out, nil
	}
	var ea, eb []treeEntry
	var err error
	if !a.IsZero() {
		if ea, err = r.tree(a); err != nil {
			return nil, err
		}
	}
	if !b.IsZero() {
		if eb, err = r.tree(b); err != nil {
			return nil, err
		}
	}
	side := func(e treeEntry, from bool) ([]fileChange, error) {
		p := path.Join(dir, e.name)
		if e.isTree() {
			if from {
				return r.diffTrees(p, e.id, gitobj.Hash{}, out)
			}
			return r.diffTrees(p, gitobj.Hash{}, e.id, out)
		}
		if from {
			return append(out, fileChange{path: p, from: e}), nil
		}
		return append(out, fileChange{path: p, to: e}), nil
	}
	i, j := 0, 0
	for i < len(ea) || j < len(eb) {
		c := 0
		switch {
		case i == len(ea):
			c = 1
		case j == len(eb):
			c = -1
		default:
			c = gitobj.NameCompare(ea[i].name, ea[i].isTree(), eb[j].name, eb[j].isTree())
		}
		switch {
		case c < 0:
			out, err = side(ea[i], true)
			i++
		case c > 0:
			out, err = side(eb[j], false)
			j++
		default:
			x, y := ea[i], eb[j]
			i++
			j++
			switch {
			case x.isTree(): // both trees: same name and kind
				out, err = r.diffTrees(path.Join(dir, x.name), x.id, y.id, out)
			case x.id != y.id || x.mode != y.mode:
				out = append(out, fileChange{path: path.Join(dir, x.name), from: x, to: y})
			}
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ConfigChanges lists the suppression files (every .pretenseignore, and
// the named extra paths such as .pretense.yaml and the baseline) that the
// range adds, modifies or deletes, and each line of the tip that carries a
// pretense:allow marker the merge base did not have at that path.
func (r *Range) ConfigChanges(extra []string) ([]Change, error) {
	changes, err := r.diffTrees("", r.fork.tree, r.head.tree, nil)
	if err != nil {
		return nil, fmt.Errorf("diff range %s..%s: %w", r.fork.id, r.head.id, err)
	}
	return r.changesOf(changes, extra, r.head.id.String()), nil
}

// openRange opens the repository at or above dir and a Range reading its
// objects, for OpenRange.
func openRange(dir string) (*gitobj.Repo, *Range, error) {
	repo, err := gitobj.OpenRepo(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("open repository %s: %w", dir, err)
	}
	objs, err := repo.Objects(gitobj.Options{})
	if err != nil {
		return nil, nil, fmt.Errorf("open repository %s: %w", dir, err)
	}
	return repo, &Range{objs: objs, rd: objs.NewReader(), f: objs.Format()}, nil
}

// StagedFile is one staged blob (To) and HEAD's blob at its path (From,
// zero for a new file). The staged scan has read both already, so a
// marked file brings their content: the check opens no repository.
type StagedFile struct {
	Path     string
	From, To gitobj.Hash
	// Marked: To holds an allow marker. Then New is To's content and Old
	// From's (nil for a new file); else neither is read.
	Marked   bool
	New, Old []byte
	// OldUnreadable: From could not be read; the file's markers are then
	// not judged, as for a range (the scan names what it cannot read).
	OldUnreadable bool
}

// StagedChanges is ConfigChanges for what committing the index would
// change: files are the staged paths with HEAD's blob and the staged one.
// Its changes name no commit.
func StagedChanges(files []StagedFile, extra []string) []Change {
	changes := make([]fileChange, 0, len(files))
	for _, f := range files {
		ch := fileChange{path: f.Path, to: treeEntry{name: path.Base(f.Path), mode: filemode.Regular, id: f.To},
			noMarker: !f.Marked, given: true, newData: f.New, oldData: f.Old, oldBad: f.OldUnreadable}
		if !f.From.IsZero() {
			ch.from = treeEntry{name: ch.to.name, mode: filemode.Regular, id: f.From}
		}
		changes = append(changes, ch)
	}
	return (&Range{}).changesOf(changes, extra, "")
}

// changesOf lists the changes among changes that touch suppression
// configuration (see ConfigChanges), naming tip as their commit.
func (r *Range) changesOf(changes []fileChange, extra []string, head string) []Change {
	watched := map[string]bool{}
	for _, e := range extra {
		watched[path.Clean(e)] = true
	}
	var out []Change
	for _, ch := range changes {
		added, deleted := ch.from.mode == 0, ch.to.mode == 0
		if path.Base(ch.path) == IgnoreFile || watched[ch.path] {
			what := "modified"
			switch {
			case added:
				what = "added"
			case deleted:
				what = "deleted"
			}
			out = append(out, Change{Path: ch.path, Line: 1, What: what, Commit: head})
		}
		if deleted || ch.noMarker {
			continue
		}
		for _, m := range r.addedMarkerLines(ch) {
			out = append(out, Change{Path: ch.path, Line: m.line, What: "adds a " + m.marker + " marker", Marker: m.marker, Commit: head})
		}
	}
	return out
}

// Markers are the inline markers that suppress findings on their line:
// pretense's own, and gitleaks' for the rules of a gitleaks configuration
// (rules/gitleaksconf).
var Markers = []string{AllowMarker, "gitleaks:allow"}

// markerIn returns the first of Markers that l holds, or "".
func markerIn(l string) string {
	for _, m := range Markers {
		if strings.Contains(l, m) {
			return m
		}
	}
	return ""
}

type markedLine struct {
	line   int
	marker string
}

// addedMarkerLines returns the 1-based lines of the change's new side that
// hold an allow marker, beyond as many identical marked lines as the old
// side had (so moving code around is not a new marker).
func (r *Range) addedMarkerLines(ch fileChange) []markedLine {
	// A blob that cannot be read (corrupt, missing) is not judged here:
	// the scan of the range meets the same object and fails naming it
	// (exit 3), which is the report the user needs.
	newText, ok := r.sideText(ch, true)
	if !ok || markerIn(newText) == "" {
		return nil
	}
	had := map[string]int{}
	if ch.from.mode != 0 {
		oldText, ok := r.sideText(ch, false)
		if !ok {
			return nil
		}
		for _, l := range strings.Split(oldText, "\n") {
			if markerIn(l) != "" {
				had[l]++
			}
		}
	}
	var out []markedLine
	for i, l := range strings.Split(newText, "\n") {
		m := markerIn(l)
		if m == "" {
			continue
		}
		if had[l] > 0 {
			had[l]--
			continue
		}
		out = append(out, markedLine{i + 1, m})
	}
	return out
}

// MarkedFile returns the tip's content of p with every allow marker on the
// given lines blanked out (same length, so positions stay), for a rescan
// that ignores markers the range added.
func (r *Range) MarkedFile(p string, lines []int) ([]byte, error) {
	data, ok, err := r.ReadHead(p)
	if err != nil || !ok {
		return nil, err
	}
	return BlankMarkers(data, lines), nil
}

// BlankMarkers returns data with every allow marker on the given lines
// replaced by spaces (same length, so positions stay).
func BlankMarkers(data []byte, lines []int) []byte {
	ls := strings.SplitAfter(string(data), "\n")
	for _, n := range lines {
		if n >= 1 && n <= len(ls) {
			for _, m := range Markers {
				ls[n-1] = strings.ReplaceAll(ls[n-1], m, strings.Repeat(" ", len(m)))
			}
		}
	}
	return []byte(strings.Join(ls, ""))
}

// binarySniff is how much of a file decides whether it is binary: a NUL
// byte in its first 8000 bytes, as git (and go-git) decide.
const binarySniff = 8000

// sideText is the text of ch's new (to) or old side: the content given
// with ch, else read by textOf.
func (r *Range) sideText(ch fileChange, to bool) (string, bool) {
	switch {
	case !ch.given && to:
		return r.textOf(ch.to)
	case !ch.given:
		return r.textOf(ch.from)
	case to:
		return text(ch.newData), true
	case ch.oldBad:
		return "", false
	}
	return text(ch.oldData), true
}

// text is data as text: "" for binary content.
func text(data []byte) string {
	if bytes.IndexByte(data[:min(len(data), binarySniff)], 0) >= 0 {
		return ""
	}
	return string(data)
}

// textOf returns a file entry's content as text: "" for a binary file or
// an entry without content (a submodule); ok false when it cannot be read.
func (r *Range) textOf(e treeEntry) (string, bool) {
	if !e.isFile() {
		return "", true
	}
	data, err := r.object(e.id, gitobj.Blob)
	if err != nil {
		return "", false
	}
	return text(data), true
}
