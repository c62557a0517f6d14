package gitobj

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
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
	if name == "" {
		name = filepath.Join(r.GitDir, "index")
	}
	raw, err := os.ReadFile(name)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("read index: %w", err)
	}
	ents, err := ParseIndexFile(raw, r.Format)
	if err != nil {
		return nil, fmt.Errorf("read index %s: %w", name, err)
	}
	return ents, nil
}

// ParseIndexFile reads an index file of versions 2, 3 and 4 (v4 compresses
// each name against the previous one) with ids of format f. The trailing
// checksum is checked unless it is all zeros (index.skipHash). Extensions
// are skipped: the entries are all a scan needs (a sparse index's
// directory entries come back with mode 040000).
func ParseIndexFile(raw []byte, f Format) ([]IndexEntry, error) {
	hl := f.Size()
	if len(raw) < 12+hl || !bytes.Equal(raw[:4], []byte("DIRC")) {
		return nil, corruptf("not an index file")
	}
	body, sum := raw[:len(raw)-hl], raw[len(raw)-hl:]
	if !bytes.Equal(sum, make([]byte, hl)) {
		h := f.newHash()
		h.Write(body)
		if !bytes.Equal(h.Sum(nil), sum) {
			return nil, corruptf("index checksum mismatch")
		}
	}
	v := binary.BigEndian.Uint32(raw[4:8])
	if v < 2 || v > 4 {
		return nil, corruptf("index version %d is not supported", v)
	}
	n := binary.BigEndian.Uint32(raw[8:12])
	// The smallest entry is the fixed part, an id, flags and a NUL.
	fixed := 40 + hl + 2
	if uint64(n) > uint64(len(body)-12)/uint64(fixed) {
		return nil, corruptf("index declares %d entries in %d bytes", n, len(body))
	}
	out := make([]IndexEntry, 0, n)
	at := 12
	var prev []byte
	for i := range n {
		if at+fixed > len(body) {
			return nil, corruptf("index entry %d truncated", i)
		}
		e := body[at:]
		mode := binary.BigEndian.Uint32(e[24:28])
		id, _ := NewHash(e[40 : 40+hl])
		flags := binary.BigEndian.Uint16(e[40+hl:])
		k := fixed
		var xflags uint16
		if flags&flagExtended != 0 {
			if v < 3 || at+k+2 > len(body) {
				return nil, corruptf("index entry %d: bad extended flags", i)
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
				return nil, corruptf("index entry %d: bad name prefix", i)
			}
			k += m
			nul := bytes.IndexByte(e[k:], 0)
			if nul < 0 {
				return nil, corruptf("index entry %d: unterminated name", i)
			}
			name = append(prev[:len(prev)-int(strip):len(prev)-int(strip)], e[k:k+nul]...)
			k += nul + 1
		} else {
			nul := bytes.IndexByte(e[k:], 0)
			if nul < 0 {
				return nil, corruptf("index entry %d: unterminated name", i)
			}
			name = e[k : k+nul]
			k += nul + 1
			// Entries are padded with NULs to a multiple of 8 bytes.
			k = (k + 7) &^ 7
			if at+k > len(body) {
				return nil, corruptf("index entry %d truncated", i)
			}
		}
		if len(name) == 0 || int(flags&flagNameMask) != min(len(name), flagNameMask) {
			return nil, corruptf("index entry %d: name length does not match its flags", i)
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
	return out, nil
}
