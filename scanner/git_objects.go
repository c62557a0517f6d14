package scanner

import (
	"sync"
	"time"

	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/pretense/pretense/internal/gitobj"
)

// Compact object model shared by the pack pass, the range walker and the
// attribution step. Objects are named by dense uint32 ids instead of
// 20- or 32-byte hashes, and tree entry names are interned, so the whole tree
// graph of a large history fits in a few tens of megabytes.

const noObj = ^uint32(0)

// objTable maps hashes to dense ids. It is filled by one goroutine at a
// time (before and after the pack pass), read concurrently during it.
type objTable struct {
	ids    map[gitobj.Hash]uint32
	hashes []gitobj.Hash
}

func newObjTable(n int) *objTable {
	return &objTable{ids: make(map[gitobj.Hash]uint32, n), hashes: make([]gitobj.Hash, 0, n)}
}

// id returns h's id, assigning one if h is new. Not safe for concurrent use.
func (t *objTable) id(h gitobj.Hash) uint32 {
	if id, ok := t.ids[h]; ok {
		return id
	}
	id := uint32(len(t.hashes))
	t.ids[h] = id
	t.hashes = append(t.hashes, h)
	return id
}

// lookup returns h's id without assigning; safe for concurrent readers.
func (t *objTable) lookup(h gitobj.Hash) (uint32, bool) {
	id, ok := t.ids[h]
	return id, ok
}

func (t *objTable) hash(id uint32) gitobj.Hash { return t.hashes[id] }

// names interns tree entry names; safe for concurrent use.
type names struct {
	mu   sync.Mutex
	ids  map[string]uint32
	strs []string
}

func newNames() *names { return &names{ids: map[string]uint32{}} }

func (n *names) intern(b []byte) uint32 {
	n.mu.Lock()
	defer n.mu.Unlock()
	if id, ok := n.ids[string(b)]; ok { // no allocation for the lookup
		return id
	}
	s := string(b)
	id := uint32(len(n.strs))
	n.ids[s] = id
	n.strs = append(n.strs, s)
	return id
}

// snapshot returns the name table for lock-free reading once nothing more
// is interned concurrently.
func (n *names) snapshot() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.strs
}

// treeEntry is one entry of a tree: 12 bytes.
type treeEntry struct {
	name uint32
	mode filemode.FileMode
	obj  uint32
}

func (e treeEntry) isDir() bool { return e.mode == filemode.Dir }

// commitRec is what the walk needs of a commit.
type commitRec struct {
	tree    uint32
	parents []uint32
	when    time.Time // author date
	ctime   int64     // committer time, orders range walks
}
