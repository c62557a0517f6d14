package gitobj

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// IndexEntry is one entry of git's index (the staging area).
type IndexEntry struct {
	Name         string
	Mode         uint32 // git mode: 0100644, 0100755, 0120000, 0160000, 040000 (sparse)
	Hash         Hash
	Stage        int  // 0 merged; 1–3 sides of a conflict
	IntentToAdd  bool // `git add -N`: no content staged yet
	SkipWorktree bool
}

// Index entry flags (gitformat-index).
const (
	flagExtended     = 0x4000
	flagStageShift   = 12
	flagNameMask     = 0x0fff
	xflagIntentToAdd = 0x2000
	xflagSkipWT      = 0x4000
)

// ReadIndex reads the index at name (the repository's is GitDir/index; git
// sets GIT_INDEX_FILE for others). A missing file is an empty index.
func (r *Repo) ReadIndex(name string) ([]IndexEntry, error) {
	ents, _, err := r.ReadIndexTree(name)
	return ents, err
}

// ReadIndexTree is ReadIndex with the index's cache tree (nil when it has
// none, or one that cannot be read).
func (r *Repo) ReadIndexTree(name string) ([]IndexEntry, *CacheTree, error) {
	if name == "" {
		name = filepath.Join(r.GitDir, "index")
	}
	raw, err := os.ReadFile(name)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil, nil
		}
		return nil, nil, fmt.Errorf("read index: %w", err)
	}
	ents, ct, err := ParseIndexTree(raw, r.Format)
	if err != nil {
		return nil, nil, fmt.Errorf("read index %s: %w", name, err)
	}
	return ents, ct, nil
}

// CacheTree is a node of the index's cache-tree extension (TREE): for a
// directory none of whose entries changed since git last wrote trees from
// the index (git commit, git write-tree), the id of the tree its entries
// make. git commit writes exactly that tree, so a directory whose cache
// tree is valid and equal to HEAD's tree there holds no staged change.
type CacheTree struct {
	Name     string // the directory's last path component; "" for the root
	Valid    bool   // Hash is the tree of the directory's entries
	Hash     Hash
	Subtrees []*CacheTree
}

// ParseIndexFile reads an index file's entries; see ParseIndexTree.
func ParseIndexFile(raw []byte, f Format) ([]IndexEntry, error) {
	ents, _, err := ParseIndexTree(raw, f)
	return ents, err
}

// ParseIndexTree reads an index file of versions 2, 3 and 4 (v4 compresses
// each name against the previous one) with ids of format f: its entries
// (a sparse index's directory entries come back with mode 040000) and its
// cache tree. The trailing checksum is checked unless it is all zeros
// (index.skipHash). The other extensions are skipped, and so is a cache
// tree that cannot be read (nil: the caller then compares every entry).
func ParseIndexTree(raw []byte, f Format) ([]IndexEntry, *CacheTree, error) {
	hl := f.Size()
	if len(raw) < 12+hl || !bytes.Equal(raw[:4], []byte("DIRC")) {
		return nil, nil, corruptf("not an index file")
	}
	body, sum := raw[:len(raw)-hl], raw[len(raw)-hl:]
	if !bytes.Equal(sum, make([]byte, hl)) {
		h := f.newHash()
		h.Write(body)
		if !bytes.Equal(h.Sum(nil), sum) {
			return nil, nil, corruptf("index checksum mismatch")
		}
	}
	v := binary.BigEndian.Uint32(raw[4:8])
	if v < 2 || v > 4 {
		return nil, nil, corruptf("index version %d is not supported", v)
	}
	n := binary.BigEndian.Uint32(raw[8:12])
	// The smallest entry is the fixed part, an id, flags and a NUL.
	fixed := 40 + hl + 2
	if uint64(n) > uint64(len(body)-12)/uint64(fixed) {
		return nil, nil, corruptf("index declares %d entries in %d bytes", n, len(body))
	}
	out := make([]IndexEntry, 0, n)
	at := 12
	var prev []byte
	for i := range n {
		if at+fixed > len(body) {
			return nil, nil, corruptf("index entry %d truncated", i)
		}
		e := body[at:]
		mode := binary.BigEndian.Uint32(e[24:28])
		id, _ := NewHash(e[40 : 40+hl])
		flags := binary.BigEndian.Uint16(e[40+hl:])
		k := fixed
		var xflags uint16
		if flags&flagExtended != 0 {
			if v < 3 || at+k+2 > len(body) {
				return nil, nil, corruptf("index entry %d: bad extended flags", i)
			}
			xflags = binary.BigEndian.Uint16(e[k:])
			k += 2
		}
		var name []byte
		if v == 4 {
			// git's varint (varint.c), big-endian with an offset, the
			// encoding of OFS_DELTA offsets; not LEB128, which agrees
			// with it only below 128.
			strip, m, ok := ParseOfs(e[k:])
			if !ok || strip > int64(len(prev)) {
				return nil, nil, corruptf("index entry %d: bad name prefix", i)
			}
			k += m
			nul := bytes.IndexByte(e[k:], 0)
			if nul < 0 {
				return nil, nil, corruptf("index entry %d: unterminated name", i)
			}
			name = append(prev[:len(prev)-int(strip):len(prev)-int(strip)], e[k:k+nul]...)
			k += nul + 1
		} else {
			nul := bytes.IndexByte(e[k:], 0)
			if nul < 0 {
				return nil, nil, corruptf("index entry %d: unterminated name", i)
			}
			name = e[k : k+nul]
			k += nul + 1
			// Entries are padded with NULs to a multiple of 8 bytes.
			k = (k + 7) &^ 7
			if at+k > len(body) {
				return nil, nil, corruptf("index entry %d truncated", i)
			}
		}
		if len(name) == 0 || int(flags&flagNameMask) != min(len(name), flagNameMask) {
			return nil, nil, corruptf("index entry %d: name length does not match its flags", i)
		}
		out = append(out, IndexEntry{
			Name: string(name), Mode: mode, Hash: id,
			Stage:        int(flags>>flagStageShift) & 3,
			IntentToAdd:  xflags&xflagIntentToAdd != 0,
			SkipWorktree: xflags&xflagSkipWT != 0,
		})
		prev = append(prev[:0], name...)
		at += k
	}
	return out, findCacheTree(body[at:], hl), nil
}

// findCacheTree returns the cache tree among the extensions ext (each a
// 4-byte signature, a 4-byte size and its data), or nil.
func findCacheTree(ext []byte, hl int) *CacheTree {
	for len(ext) >= 8 {
		n := binary.BigEndian.Uint32(ext[4:8])
		if uint64(n) > uint64(len(ext)-8) {
			return nil
		}
		if string(ext[:4]) == "TREE" {
			return parseCacheTree(ext[8:8+n], hl)
		}
		ext = ext[8+n:]
	}
	return nil
}

// parseCacheTree reads the TREE extension (gitformat-index): for each
// directory, depth first, its name, NUL, its entry count (-1: invalid), a
// space, its subtree count, a newline and, when valid, its tree's id. It
// returns nil for anything else.
func parseCacheTree(b []byte, hl int) *CacheTree {
	var node func(depth int) *CacheTree
	node = func(depth int) *CacheTree {
		nul := bytes.IndexByte(b, 0)
		if depth > maxCacheTreeDepth || nul < 0 {
			return nil
		}
		t := &CacheTree{Name: string(b[:nul])}
		b = b[nul+1:]
		nl := bytes.IndexByte(b, '\n')
		if nl < 0 {
			return nil
		}
		count, subs, ok := bytes.Cut(b[:nl], []byte{' '})
		if !ok {
			return nil
		}
		nent, err1 := strconv.Atoi(string(count))
		nsub, err2 := strconv.Atoi(string(subs))
		// Each subtree takes at least its NUL, "0 0\n" and nothing more.
		if err1 != nil || err2 != nil || nent < -1 || nsub < 0 || nsub > len(b)/5 {
			return nil
		}
		b = b[nl+1:]
		if nent >= 0 {
			if len(b) < hl {
				return nil
			}
			t.Valid = true
			t.Hash, _ = NewHash(b[:hl])
			b = b[hl:]
		}
		for range nsub {
			c := node(depth + 1)
			if c == nil {
				return nil
			}
			t.Subtrees = append(t.Subtrees, c)
		}
		return t
	}
	t := node(0)
	if t == nil || len(b) != 0 || t.Name != "" {
		return nil
	}
	return t
}

// maxCacheTreeDepth bounds the cache tree's nesting (git's paths are far
// shallower): a crafted index cannot recurse without end.
const maxCacheTreeDepth = 1024
