package gitobj

import (
	"container/heap"
	"fmt"
)

// Paint flags of the merge-base walk, as git's commit-reach.c names them.
const (
	parent1 uint8 = 1 << iota // reachable from the first side
	parent2                   // reachable from the second side
	stale                     // below a common ancestor already found
	result                    // a common ancestor already found
)

// MergeBase returns the best common ancestors of commits a and b, as
// `git merge-base --all a b` lists them: common ancestors that are not
// ancestors of other common ancestors, newest committer date first (ties
// in the order found). `git merge-base a b` prints the first. None when
// the histories are disjoint.
//
// Commits in shallow (a shallow clone's boundary, Repo.Shallow) are
// taken to have no parents, as git takes them: their parents are not in
// the clone, so a base beyond the boundary is not found (none, as git
// says) rather than an error.
//
// It is git's algorithm without a commit-graph (paint_down_to_common and
// remove_redundant_no_gen): a walk from both sides in committer-date
// order, newest first, marking each commit with the sides it is reachable
// from; a commit reachable from both is a candidate and everything below
// it is stale; the walk ends when only stale commits are queued. Like
// git's, it trusts committer dates to be roughly ordered, so on skewed
// clocks it gives the answer git gives.
func MergeBase(rd *Reader, a, b Hash, shallow []Hash) ([]Hash, error) {
	if a == b {
		return []Hash{a}, nil
	}
	w := &baseWalk{rd: rd, info: map[Hash]*walkCommit{}, shallow: map[Hash]bool{}}
	for _, h := range shallow {
		w.shallow[h] = true
	}
	cands, err := w.paint(a, []Hash{b})
	if err != nil {
		return nil, err
	}
	var found []*walkCommit
	for _, c := range cands {
		if c.flags&stale == 0 {
			found = insertByDate(found, c)
		}
	}
	if len(found) <= 1 {
		return ids(found), nil
	}
	// More than one: drop each that another one reaches.
	redundant := make([]bool, len(found))
	for i := range found {
		if redundant[i] {
			continue
		}
		var others []Hash
		var idx []int
		for j := range found {
			if j != i && !redundant[j] {
				others = append(others, found[j].id)
				idx = append(idx, j)
			}
		}
		w.clear()
		if _, err := w.paint(found[i].id, others); err != nil {
			return nil, err
		}
		if w.info[found[i].id].flags&parent2 != 0 {
			redundant[i] = true
		}
		for k, j := range idx {
			if w.info[others[k]].flags&parent1 != 0 {
				redundant[j] = true
			}
		}
	}
	var out []*walkCommit
	for i, c := range found {
		if !redundant[i] {
			out = insertByDate(out, c)
		}
	}
	return ids(out), nil
}

type walkCommit struct {
	id      Hash
	parents []Hash
	date    int64 // committer time
	flags   uint8
}

type baseWalk struct {
	rd      *Reader
	info    map[Hash]*walkCommit
	shallow map[Hash]bool
	seq     int
}

func (w *baseWalk) clear() {
	for _, c := range w.info {
		c.flags = 0
	}
}

// commit returns h's parsed header, read once per walk.
func (w *baseWalk) commit(h Hash) (*walkCommit, error) {
	if c, ok := w.info[h]; ok {
		return c, nil
	}
	t, raw, err := w.rd.Object(h)
	if err != nil {
		return nil, fmt.Errorf("merge base: %w", err)
	}
	if t != Commit {
		return nil, fmt.Errorf("merge base: %s is a %s, not a commit: %w", h, t, ErrBadRevision)
	}
	ci, err := w.rd.s.opts.Format.ParseCommit(raw)
	if err != nil {
		return nil, &Error{Hash: h, Err: err}
	}
	c := &walkCommit{id: h, parents: ci.Parents, date: ci.CTime}
	if w.shallow[h] {
		c.parents = nil
	}
	w.info[h] = c
	return c, nil
}

// paint is git's paint_down_to_common: it returns the commits found
// reachable from one and from some of twos, in the order git's result
// list holds them (by date), flags set on w.info.
func (w *baseWalk) paint(one Hash, twos []Hash) ([]*walkCommit, error) {
	q := &datedQueue{}
	put := func(c *walkCommit) {
		w.seq++
		heap.Push(q, queued{c: c, seq: w.seq})
	}
	c1, err := w.commit(one)
	if err != nil {
		return nil, err
	}
	c1.flags |= parent1
	put(c1)
	for _, t := range twos {
		c2, err := w.commit(t)
		if err != nil {
			return nil, err
		}
		c2.flags |= parent2
		put(c2)
	}
	var out []*walkCommit
	for q.hasNonStale() {
		c := heap.Pop(q).(queued).c
		flags := c.flags & (parent1 | parent2 | stale)
		if flags == parent1|parent2 {
			if c.flags&result == 0 {
				c.flags |= result
				out = insertByDate(out, c)
			}
			flags |= stale
		}
		for _, ph := range c.parents {
			p, err := w.commit(ph)
			if err != nil {
				return nil, err
			}
			if p.flags&flags == flags {
				continue
			}
			p.flags |= flags
			put(p)
		}
	}
	return out, nil
}

// insertByDate is git's commit_list_insert_by_date: newest first, after
// the entries of the same date already there.
func insertByDate(list []*walkCommit, c *walkCommit) []*walkCommit {
	i := 0
	for i < len(list) && list[i].date >= c.date {
		i++
	}
	list = append(list, nil)
	copy(list[i+1:], list[i:])
	list[i] = c
	return list
}

func ids(cs []*walkCommit) []Hash {
	out := make([]Hash, len(cs))
	for i, c := range cs {
		out[i] = c.id
	}
	return out
}

// queued is an entry of git's prio_queue: by date, newest first, and in
// insertion order among equal dates.
type queued struct {
	c   *walkCommit
	seq int
}

type datedQueue []queued

func (q datedQueue) Len() int { return len(q) }
func (q datedQueue) Less(i, j int) bool {
	if q[i].c.date != q[j].c.date {
		return q[i].c.date > q[j].c.date
	}
	return q[i].seq < q[j].seq
}
func (q datedQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *datedQueue) Push(x any)   { *q = append(*q, x.(queued)) }
func (q *datedQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

func (q datedQueue) hasNonStale() bool {
	for _, e := range q {
		if e.c.flags&stale == 0 {
			return true
		}
	}
	return false
}
