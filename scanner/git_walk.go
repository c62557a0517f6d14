package scanner

import (
	"container/heap"
	"context"
	"errors"

	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/pretense/pretense/internal/gitobj"
)

// intro is one (commit, path, blob) introduction: the blob the path holds
// in the commit differs from what it held in every parent.
type intro struct {
	commit uint32
	path   string
	blob   uint32
	// old are the blobs the path held in the parents (none for an added
	// path).
	old []uint32
	// deleted are the entries the same (single-parent) commit removed,
	// consulted for added paths: a rename moves values, it does not add
	// them.
	deleted *[]deletedEntry
}

type deletedEntry struct {
	obj uint32
	dir bool
}

// tips returns the commit ids every ref (and HEAD) points at, with tags
// peeled. Refs to trees or blobs are ignored.
func (s *store) tips() ([]uint32, error) {
	var hs []gitobj.Hash
	refs, err := s.repo.Refs()
	if err != nil {
		return nil, err
	}
	for _, r := range refs {
		hs = append(hs, r.Hash)
	}
	if head, err := s.repo.Ref("HEAD"); err == nil {
		hs = append(hs, head) // detached HEAD is not under refs/
	}
	seen := map[uint32]bool{}
	var out []uint32
	for _, h := range hs {
		id, ok, err := s.peel(h)
		if err != nil {
			if isObjectError(err) {
				continue // recorded: what it points at cannot be walked
			}
			return nil, err
		}
		if ok && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out, nil
}

// peel follows annotated tags to a commit.
func (s *store) peel(h gitobj.Hash) (uint32, bool, error) {
	for range 16 {
		id := s.id(h)
		if s.commits[id] != nil {
			return id, true, nil
		}
		t, raw, err := s.rd.Object(h)
		if err != nil {
			return 0, false, s.fail(id, "ref target", err)
		}
		switch t {
		case gitobj.Commit:
			rc, err := s.format.ParseCommit(raw)
			if err != nil {
				return 0, false, s.fail(id, "commit", err)
			}
			c := s.commitFromRaw(rc)
			s.commits[id] = c
			return id, true, nil
		case gitobj.Tag:
			if h, err = s.format.ParseTag(raw); err != nil {
				return 0, false, objectError(h, "tag", err)
			}
		default:
			return 0, false, nil
		}
	}
	return 0, false, nil
}

// reachable lists every commit reachable from starts, parents before
// children is not guaranteed (attribution does not need an order). Shallow
// boundary commits are treated as roots.
func (s *store) reachable(ctx context.Context, starts []uint32, shallow map[gitobj.Hash]bool) ([]uint32, error) {
	seen := make([]bool, len(s.tab.hashes))
	mark := func(id uint32) bool {
		for int(id) >= len(seen) {
			seen = append(seen, make([]bool, len(seen)+1)...)
		}
		if seen[id] {
			return false
		}
		seen[id] = true
		return true
	}
	var out []uint32
	stack := append([]uint32(nil), starts...)
	for _, id := range starts {
		mark(id)
	}
	for len(stack) > 0 {
		if len(out)%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		c, err := s.commit(id)
		if err != nil {
			if isObjectError(err) {
				continue // recorded: its parents cannot be known from here
			}
			return nil, err
		}
		out = append(out, id)
		if shallow[s.tab.hash(id)] {
			continue
		}
		for _, p := range c.parents {
			if mark(p) {
				stack = append(stack, p)
			}
		}
	}
	return out, nil
}

// commitHeap orders commits newest first (committer time).
type commitHeap struct {
	ids []uint32
	at  func(uint32) int64
}

func (h *commitHeap) Len() int           { return len(h.ids) }
func (h *commitHeap) Less(i, j int) bool { return h.at(h.ids[i]) > h.at(h.ids[j]) }
func (h *commitHeap) Swap(i, j int)      { h.ids[i], h.ids[j] = h.ids[j], h.ids[i] }
func (h *commitHeap) Push(x any)         { h.ids = append(h.ids, x.(uint32)) }
func (h *commitHeap) Pop() any {
	x := h.ids[len(h.ids)-1]
	h.ids = h.ids[:len(h.ids)-1]
	return x
}

// between lists the commits reachable from tip but not from base, walking
// newest first and stopping once only excluded commits remain (git's
// revision walk). A shallow boundary reached from tip means the range is
// not all here: that is an error, never a silent partial scan.
func (s *store) between(ctx context.Context, base, tip uint32, shallow map[gitobj.Hash]bool) ([]uint32, error) {
	const (
		in  = 1
		out = 2
	)
	flags := map[uint32]uint8{}
	var err error
	at := func(id uint32) int64 {
		c, e := s.commit(id)
		if e != nil {
			if err == nil && !isObjectError(e) {
				err = e
			}
			return 0
		}
		return c.ctime
	}
	h := &commitHeap{at: at}
	flags[tip] |= in
	flags[base] |= out
	heap.Push(h, tip)
	if base != tip {
		heap.Push(h, base)
	}
	interesting := func() bool {
		for _, id := range h.ids {
			if flags[id]&out == 0 {
				return true
			}
		}
		return false
	}
	var list []uint32
	slop := 5 // keep going a little past the cut, as git does, for clock skew
	for h.Len() > 0 {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if !interesting() {
			if slop == 0 {
				break
			}
			slop--
		}
		id := heap.Pop(h).(uint32)
		c, e := s.commit(id)
		if e != nil {
			if isObjectError(e) {
				continue // recorded; the walk goes on around it
			}
			return nil, e
		}
		if err != nil {
			return nil, err
		}
		f := flags[id]
		if f&out == 0 {
			list = append(list, id)
			if shallow[s.tab.hash(id)] && len(c.parents) > 0 {
				return nil, &ShallowError{Rev: s.tab.hash(id).String()}
			}
		}
		if shallow[s.tab.hash(id)] {
			continue
		}
		for _, p := range c.parents {
			pf := flags[p]
			nf := pf | (f & (in | out))
			if f&out != 0 {
				nf |= out
			}
			if nf != pf {
				flags[p] = nf
				heap.Push(h, p)
			}
		}
	}
	var res []uint32
	for _, id := range list {
		if flags[id]&out == 0 {
			res = append(res, id)
		}
	}
	return res, err
}

// differ finds introductions. want says which blobs are worth recording
// (those with findings, or not yet read).
type differ struct {
	s      *store
	names  []string
	want   func(blob uint32) bool
	intros []intro
	del    *[]deletedEntry
	single bool
	// submodules are the gitlink paths met, reported as not followed.
	submodules map[string]bool
}

// diffCommit records the introductions of commit id.
// A commit that cannot be read is skipped (it is recorded); a parent that
// cannot be read counts as empty, so everything is new against it: a
// damaged history reports more, never less.
func (d *differ) diffCommit(id uint32, shallow map[gitobj.Hash]bool) error {
	c, err := d.s.commit(id)
	if err != nil {
		if isObjectError(err) {
			return nil
		}
		return err
	}
	var parents []uint32
	if !shallow[d.s.tab.hash(id)] {
		for _, p := range c.parents {
			pc, err := d.s.commit(p)
			if err != nil {
				if isObjectError(err) {
					parents = append(parents, noObj)
					continue
				}
				return err
			}
			parents = append(parents, pc.tree)
		}
	}
	d.single = len(parents) == 1
	d.del = nil
	if d.single {
		d.del = new([]deletedEntry)
	}
	return d.diffTree(id, "", c.tree, parents)
}

func (d *differ) name(id uint32) string {
	if int(id) < len(d.names) {
		return d.names[id]
	}
	d.names = d.s.names.snapshot()
	return d.names[id]
}

// diffTree compares tree cur with the parents' trees at the same path
// (noObj where a parent has none). Subtrees equal to any parent's are
// skipped: nothing in them is new.
// A tree that cannot be read is recorded with the commit and path where
// it was met: its own entries are skipped; a parent's counts as empty.
func (d *differ) diffTree(commit uint32, prefix string, cur uint32, parents []uint32) error {
	es, err := d.s.tree(cur)
	if err != nil {
		if isObjectError(err) {
			d.s.locate(cur, commit, prefix)
			return nil
		}
		return err
	}
	pes := make([][]treeEntry, len(parents))
	for j, p := range parents {
		if p == noObj {
			continue
		}
		if pes[j], err = d.s.tree(p); err != nil {
			if !isObjectError(err) {
				return err
			}
			d.s.locate(p, commit, prefix)
		}
	}
	pos := make([]int, len(parents))
	match := make([]uint32, len(parents))
	matchDir := make([]bool, len(parents))
	for _, e := range es {
		name := d.name(e.name)
		dir := e.isDir()
		same := false
		for j := range parents {
			match[j] = noObj
			list := pes[j]
			// Entries before e in the parent are gone from this commit.
			for pos[j] < len(list) {
				pe := list[pos[j]]
				c := gitobj.NameCompare(d.name(pe.name), pe.isDir(), name, dir)
				if c > 0 {
					break
				}
				pos[j]++
				if c == 0 {
					match[j], matchDir[j] = pe.obj, pe.isDir()
					break
				}
				if j == 0 && d.del != nil {
					*d.del = append(*d.del, deletedEntry{obj: pe.obj, dir: pe.isDir()})
				}
			}
			if match[j] == e.obj {
				same = true
			}
		}
		if same {
			continue
		}
		path := name
		if prefix != "" {
			path = prefix + "/" + name
		}
		switch {
		case dir:
			sub := make([]uint32, len(parents))
			for j := range parents {
				sub[j] = noObj
				if match[j] != noObj && matchDir[j] {
					sub[j] = match[j]
				}
			}
			if err := d.diffTree(commit, path, e.obj, sub); err != nil {
				return err
			}
		case e.mode == filemode.Submodule:
			// A submodule is a pointer to another repository's commit: not
			// followed (its content is not in this repository), but said.
			if d.submodules == nil {
				d.submodules = map[string]bool{}
			}
			d.submodules[path] = true
		default:
			if !d.want(e.obj) {
				continue
			}
			in := intro{commit: commit, path: path, blob: e.obj}
			for j := range parents {
				if match[j] != noObj && !matchDir[j] {
					in.old = append(in.old, match[j])
				}
			}
			if len(in.old) == 0 && d.del != nil {
				in.deleted = d.del
			}
			d.intros = append(d.intros, in)
		}
	}
	if d.del != nil && len(parents) == 1 {
		for _, pe := range pes[0][pos[0]:] {
			*d.del = append(*d.del, deletedEntry{obj: pe.obj, dir: pe.isDir()})
		}
	}
	return nil
}

// deletedBlobs expands a commit's deleted entries to the blobs below
// them; a tree that cannot be read is recorded and left out.
func (s *store) deletedBlobs(del []deletedEntry, commit uint32) []uint32 {
	var out []uint32
	var walk func(tree uint32)
	walk = func(tree uint32) {
		es, err := s.tree(tree)
		if err != nil {
			s.locate(tree, commit, "")
			return
		}
		for _, e := range es {
			switch {
			case e.isDir():
				walk(e.obj)
			case e.mode != filemode.Submodule:
				out = append(out, e.obj)
			}
		}
	}
	for _, e := range del {
		if e.dir {
			walk(e.obj)
			continue
		}
		out = append(out, e.obj)
	}
	return out
}

// isObjectError reports whether err is an object the scan could not read
// (recorded, so the walk can go on) rather than a reason to stop.
func isObjectError(err error) bool {
	var oe *ObjectError
	return errors.As(err, &oe)
}
