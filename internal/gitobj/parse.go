package gitobj

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// CommitInfo is what a scan needs of a commit's header.
type CommitInfo struct {
	Tree    Hash
	Parents []Hash
	When    time.Time // author date
	CTime   int64     // committer time, in seconds
}

// ErrMalformed marks an object whose content does not parse.
var ErrMalformed = errors.New("malformed object")

// ParseCommit reads the header of a raw commit object of format f.
func (f Format) ParseCommit(data []byte) (CommitInfo, error) {
	var c CommitInfo
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
			h, ok := f.parseHex(val)
			if !ok {
				return c, fmt.Errorf("%w: bad tree line", ErrMalformed)
			}
			c.Tree, haveTree = h, true
		case "parent":
			h, ok := f.parseHex(val)
			if !ok {
				return c, fmt.Errorf("%w: bad parent line", ErrMalformed)
			}
			c.Parents = append(c.Parents, h)
		case "author":
			c.When = parseSigTime(val)
		case "committer":
			c.CTime = parseSigTime(val).Unix()
		}
	}
	if !haveTree {
		return c, fmt.Errorf("%w: commit without tree", ErrMalformed)
	}
	return c, nil
}

// parseHex reads a full hexadecimal id of format f.
func (f Format) parseHex(b []byte) (Hash, bool) {
	var h Hash
	n := f.Size()
	if len(b) != 2*n {
		return h, false
	}
	if _, err := hex.Decode(h.id[:n], b); err != nil {
		return Hash{}, false
	}
	h.n = uint8(n)
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

// ParseTree walks a raw tree object of format f, calling fn for each
// entry with the name bytes (valid only during the call), mode and hash.
func (f Format) ParseTree(data []byte, fn func(name []byte, mode filemode.FileMode, h Hash)) error {
	hl := f.Size()
	for len(data) > 0 {
		sp := bytes.IndexByte(data, ' ')
		if sp < 0 {
			return fmt.Errorf("%w: tree entry without mode", ErrMalformed)
		}
		m, err := strconv.ParseUint(string(data[:sp]), 8, 32)
		if err != nil {
			return fmt.Errorf("%w: tree entry mode %q", ErrMalformed, data[:sp])
		}
		data = data[sp+1:]
		nul := bytes.IndexByte(data, 0)
		if nul < 0 || len(data) < nul+1+hl {
			return fmt.Errorf("%w: truncated tree entry", ErrMalformed)
		}
		h := Hash{n: uint8(hl)}
		copy(h.id[:hl], data[nul+1:nul+1+hl])
		fn(data[:nul], filemode.FileMode(m), h)
		data = data[nul+1+hl:]
	}
	return nil
}

// NameCompare orders tree entries as git does: a directory sorts as if
// its name ended in '/'.
func NameCompare(a string, aDir bool, b string, bDir bool) int {
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

// ParseTag returns the id of the object an annotated tag of format f
// points at.
func (f Format) ParseTag(data []byte) (Hash, error) {
	line, _, _ := bytes.Cut(data, []byte{'\n'})
	val, ok := bytes.CutPrefix(line, []byte("object "))
	if !ok {
		return Hash{}, fmt.Errorf("%w: tag without object line", ErrMalformed)
	}
	h, ok := f.parseHex(val)
	if !ok {
		return Hash{}, fmt.Errorf("%w: bad object line", ErrMalformed)
	}
	return h, nil
}
