package suppress

import (
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Range is the trusted side of a commit range A..B: the suppression
// configuration of a range scan is read from A's tree, not from the work
// tree (which holds B), so a change under review cannot configure its own
// check. Changes to that configuration between the range's merge base and
// B are listed so they can be reported.
type Range struct {
	base *object.Commit // A: where the configuration is read
	fork *object.Commit // merge base of A and B: what the range changed from
	head *object.Commit // B
}

// ErrRange marks a range pretense cannot resolve (bad revision).
var ErrRange = errors.New("cannot resolve range")

// OpenRange resolves spec ("A..B", B defaulting to HEAD) in the repository
// at or above dir.
func OpenRange(dir, spec string) (*Range, error) {
	a, b, ok := strings.Cut(spec, "..")
	if !ok || a == "" {
		return nil, fmt.Errorf("%w %q: want A..B", ErrRange, spec)
	}
	if b == "" {
		b = "HEAD"
	}
	repo, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		return nil, fmt.Errorf("open repository %s: %w", dir, err)
	}
	commit := func(rev string) (*object.Commit, error) {
		h, err := repo.ResolveRevision(plumbing.Revision(rev))
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrRange, rev, err)
		}
		c, err := repo.CommitObject(*h)
		if err != nil {
			return nil, fmt.Errorf("read commit %s: %w", rev, err)
		}
		return c, nil
	}
	r := &Range{}
	if r.base, err = commit(a); err != nil {
		return nil, err
	}
	if r.head, err = commit(b); err != nil {
		return nil, err
	}
	r.fork = r.base
	if mb, err := r.base.MergeBase(r.head); err == nil && len(mb) > 0 {
		r.fork = mb[0]
	}
	return r, nil
}

// Head is the commit id of the range's tip.
func (r *Range) Head() string { return r.head.Hash.String() }

// ReadBase returns the file at repo-relative path p in the base commit,
// or ok false when the base has no such file.
func (r *Range) ReadBase(p string) (data []byte, ok bool, err error) {
	return readAt(r.base, p)
}

// ReadHead returns the file at p in the range's tip.
func (r *Range) ReadHead(p string) (data []byte, ok bool, err error) {
	return readAt(r.head, p)
}

func readAt(c *object.Commit, p string) ([]byte, bool, error) {
	f, err := c.File(p)
	if errors.Is(err, object.ErrFileNotFound) || errors.Is(err, plumbing.ErrObjectNotFound) || errors.Is(err, object.ErrDirectoryNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read %s at %s: %w", p, c.Hash, err)
	}
	rd, err := f.Reader()
	if err != nil {
		return nil, false, fmt.Errorf("read %s at %s: %w", p, c.Hash, err)
	}
	defer rd.Close()
	data, err := io.ReadAll(rd)
	if err != nil {
		return nil, false, fmt.Errorf("read %s at %s: %w", p, c.Hash, err)
	}
	return data, true, nil
}

// BasePaths is the path filter of the base commit: the patterns of every
// .pretenseignore in its tree (each scoped to its directory) plus extra
// (allowlist.paths), and the fingerprint lines of those files.
func (r *Range) BasePaths(extra []string) (match func(string) bool, fps []string, err error) {
	var p Paths
	p.Add("", extra)
	tree, err := r.base.Tree()
	if err != nil {
		return nil, nil, fmt.Errorf("read base tree: %w", err)
	}
	err = tree.Files().ForEach(func(f *object.File) error {
		if path.Base(f.Name) != IgnoreFile {
			return nil
		}
		raw, err := f.Contents()
		if err != nil {
			return fmt.Errorf("read %s at base: %w", f.Name, err)
		}
		ig, err := ParseIgnoreFile([]byte(raw), f.Name+" (base "+r.base.Hash.String()[:12]+")")
		if err != nil {
			return err
		}
		dir := path.Dir(f.Name)
		if dir == "." {
			dir = ""
		}
		p.Add(dir, ig.Patterns)
		fps = append(fps, ig.Fingerprints...)
		return nil
	})
	if err != nil {
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
	Commit string // the range tip
}

// ConfigChanges lists the suppression files (every .pretenseignore, and
// the named extra paths such as .pretense.yaml and the baseline) that the
// range adds, modifies or deletes, and each line of the tip that carries a
// pretense:allow marker the merge base did not have at that path.
func (r *Range) ConfigChanges(extra []string) ([]Change, error) {
	from, err := r.fork.Tree()
	if err != nil {
		return nil, fmt.Errorf("read merge-base tree: %w", err)
	}
	to, err := r.head.Tree()
	if err != nil {
		return nil, fmt.Errorf("read tip tree: %w", err)
	}
	changes, err := object.DiffTree(from, to)
	if err != nil {
		return nil, fmt.Errorf("diff range: %w", err)
	}
	watched := map[string]bool{}
	for _, e := range extra {
		watched[path.Clean(e)] = true
	}
	var out []Change
	head := r.head.Hash.String()
	for _, ch := range changes {
		name := ch.To.Name
		if name == "" {
			name = ch.From.Name
		}
		if path.Base(name) == IgnoreFile || watched[name] {
			what := "modified"
			switch {
			case ch.From.Name == "":
				what = "added"
			case ch.To.Name == "":
				what = "deleted"
			}
			out = append(out, Change{Path: name, Line: 1, What: what, Commit: head})
		}
		if ch.To.Name == "" {
			continue
		}
		lines, err := addedMarkerLines(ch)
		if err != nil {
			return nil, err
		}
		for _, n := range lines {
			out = append(out, Change{Path: ch.To.Name, Line: n, What: "adds a " + AllowMarker + " marker", Commit: head})
		}
	}
	return out, nil
}

// addedMarkerLines returns the 1-based lines of the change's new side that
// hold the allow marker, beyond as many identical marked lines as the old
// side had (so moving code around is not a new marker).
func addedMarkerLines(ch *object.Change) ([]int, error) {
	// A blob that cannot be read (corrupt, missing) is not judged here:
	// the scan of the range meets the same object and fails naming it
	// (exit 3), which is the report the user needs.
	_, to, err := ch.Files()
	if err != nil {
		return nil, nil
	}
	newText, err := textOf(to)
	if err != nil || !strings.Contains(newText, AllowMarker) {
		return nil, nil
	}
	had := map[string]int{}
	if ch.From.Name != "" {
		from, _, err := ch.Files()
		if err != nil {
			return nil, nil
		}
		oldText, err := textOf(from)
		if err != nil {
			return nil, nil
		}
		for _, l := range strings.Split(oldText, "\n") {
			if strings.Contains(l, AllowMarker) {
				had[l]++
			}
		}
	}
	var out []int
	for i, l := range strings.Split(newText, "\n") {
		if !strings.Contains(l, AllowMarker) {
			continue
		}
		if had[l] > 0 {
			had[l]--
			continue
		}
		out = append(out, i+1)
	}
	return out, nil
}

// MarkedFile returns the tip's content of p with every allow marker on the
// given lines blanked out (same length, so positions stay), for a rescan
// that ignores markers the range added.
func (r *Range) MarkedFile(p string, lines []int) ([]byte, error) {
	data, ok, err := r.ReadHead(p)
	if err != nil || !ok {
		return nil, err
	}
	ls := strings.SplitAfter(string(data), "\n")
	blank := strings.Repeat(" ", len(AllowMarker))
	for _, n := range lines {
		if n >= 1 && n <= len(ls) {
			ls[n-1] = strings.ReplaceAll(ls[n-1], AllowMarker, blank)
		}
	}
	return []byte(strings.Join(ls, "")), nil
}

func textOf(f *object.File) (string, error) {
	if f == nil {
		return "", nil
	}
	if bin, err := f.IsBinary(); err != nil || bin {
		return "", err
	}
	s, err := f.Contents()
	if err != nil {
		return "", fmt.Errorf("read %s: %w", f.Name, err)
	}
	return s, nil
}
