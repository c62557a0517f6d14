package scanner

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// Compact object model shared by the pack pass, the range walker and the
// attribution step. Objects are named by dense uint32 ids instead of
// 20-byte hashes, and tree entry names are interned, so the whole tree
// graph of a large history fits in a few tens of megabytes.

const noObj = ^uint32(0)

// objTable maps hashes to dense ids. It is filled by one goroutine at a
// time (before and after the pack pass), read concurrently during it.
type objTable struct {
	ids    map[plumbing.Hash]uint32
	hashes []plumbing.Hash
}

func newObjTable(n int) *objTable {
	return &objTable{ids: make(map[plumbing.Hash]uint32, n), hashes: make([]plumbing.Hash, 0, n)}
}

// id returns h's id, assigning one if h is new. Not safe for concurrent use.
func (t *objTable) id(h plumbing.Hash) uint32 {
	if id, ok := t.ids[h]; ok {
		return id
	}
	id := uint32(len(t.hashes))
	t.ids[h] = id
	t.hashes = append(t.hashes, h)
	return id
}

// lookup returns h's id without assigning; safe for concurrent readers.
func (t *objTable) lookup(h plumbing.Hash) (uint32, bool) {
	id, ok := t.ids[h]
	return id, ok
}

func (t *objTable) hash(id uint32) plumbing.Hash { return t.hashes[id] }

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

// rawCommit is a parsed commit before its hashes became ids.
type rawCommit struct {
	tree    plumbing.Hash
	parents []plumbing.Hash
	when    time.Time
	ctime   int64
}

var errMalformed = errors.New("malformed object")

// parseCommit reads the header of a raw commit object.
func parseCommit(data []byte) (rawCommit, error) {
	var c rawCommit
	haveTree := false
	for len(data) > 0 {
		nl := bytes.IndexByte(data, '\n')
		if nl < 0 {
			nl = len(data)
		}
		line := data[:nl]
		if len(line) == 0 { // end of headers
			break
		}
		data = data[min(nl+1, len(data)):]
		key, val, _ := bytes.Cut(line, []byte{' '})
		switch string(key) {
		case "tree":
			h, ok := parseHex(val)
			if !ok {
				return c, fmt.Errorf("%w: bad tree line", errMalformed)
			}
			c.tree, haveTree = h, true
		case "parent":
			h, ok := parseHex(val)
			if !ok {
				return c, fmt.Errorf("%w: bad parent line", errMalformed)
			}
			c.parents = append(c.parents, h)
		case "author":
			c.when = parseSigTime(val)
		case "committer":
			c.ctime = parseSigTime(val).Unix()
		}
	}
	if !haveTree {
		return c, fmt.Errorf("%w: commit without tree", errMalformed)
	}
	return c, nil
}

func parseHex(b []byte) (plumbing.Hash, bool) {
	var h plumbing.Hash
	if len(b) != 40 {
		return h, false
	}
	if _, err := hex.Decode(h[:], b); err != nil {
		return h, false
	}
	return h, true
}

// parseSigTime reads "Name <email> 1700000000 +0100".
func parseSigTime(sig []byte) time.Time {
	gt := bytes.LastIndexByte(sig, '>')
	if gt < 0 {
		return time.Time{}
	}
	fields := bytes.Fields(sig[gt+1:])
	if len(fields) < 1 {
		return time.Time{}
	}
	sec, err := strconv.ParseInt(string(fields[0]), 10, 64)
	if err != nil {
		return time.Time{}
	}
	loc := time.UTC
	if len(fields) > 1 && len(fields[1]) == 5 {
		tz := fields[1]
		hh, e1 := strconv.Atoi(string(tz[1:3]))
		mm, e2 := strconv.Atoi(string(tz[3:5]))
		if e1 == nil && e2 == nil {
			off := hh*3600 + mm*60
			if tz[0] == '-' {
				off = -off
			}
			loc = time.FixedZone("", off)
		}
	}
	return time.Unix(sec, 0).In(loc)
}

// parseTree walks a raw tree object, calling fn for each entry with the
// name bytes (valid only during the call), mode and hash.
func parseTree(data []byte, fn func(name []byte, mode filemode.FileMode, h plumbing.Hash)) error {
	for len(data) > 0 {
		sp := bytes.IndexByte(data, ' ')
		if sp < 0 {
			return fmt.Errorf("%w: tree entry without mode", errMalformed)
		}
		m, err := strconv.ParseUint(string(data[:sp]), 8, 32)
		if err != nil {
			return fmt.Errorf("%w: tree entry mode %q", errMalformed, data[:sp])
		}
		data = data[sp+1:]
		nul := bytes.IndexByte(data, 0)
		if nul < 0 || len(data) < nul+1+20 {
			return fmt.Errorf("%w: truncated tree entry", errMalformed)
		}
		var h plumbing.Hash
		copy(h[:], data[nul+1:nul+21])
		fn(data[:nul], filemode.FileMode(m), h)
		data = data[nul+21:]
	}
	return nil
}

// gitNameCompare orders tree entries as git does: a directory sorts as if
// its name ended in '/'.
func gitNameCompare(a string, aDir bool, b string, bDir bool) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	ca, cb := byte(0), byte(0)
	if len(a) > n {
		ca = a[n]
	} else if aDir {
		ca = '/'
	}
	if len(b) > n {
		cb = b[n]
	} else if bDir {
		cb = '/'
	}
	switch {
	case ca < cb:
		return -1
	case ca > cb:
		return 1
	}
	return 0
}
