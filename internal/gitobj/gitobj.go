// Package gitobj reads git's object database: pack indexes and packs,
// delta chains, loose objects and alternates, with every object checked
// before its bytes are used.
//
// Two kinds of reader use it. The history scan walks every pack once
// (Store.Packs, Pack.Load, Inflater, ApplyDelta): it rebuilds each delta
// tree depth-first itself, so it needs the entries in offset order and
// their delta forest, not single lookups. The staged and range scans read
// a handful of objects by id (Reader.Object, Reader.Header), straight from
// the index and pack, without building a map of the whole pack first as
// go-git does.
//
// # Integrity
//
// Everything a file declares is checked before it is trusted:
//
//   - zlib streams are read to their end, so the adler32 checksum of the
//     inflated bytes is compared (klauspost's and the standard library's
//     readers only compare it when the caller reads up to io.EOF; reading
//     exactly the declared size, as a pack reader does, skips it);
//   - every object handed out hashes to its id ("type size\0" + content,
//     SHA-1), whether it came from a pack, a delta chain or a loose file;
//   - every size a format declares (entry sizes, delta source and target
//     sizes, loose headers, index counts, fan-out and offsets) is checked
//     against the file it came from and against Options.MaxSize before
//     anything is allocated from it.
//
// A check that fails is an *Error naming the object and the file.
package gitobj

import (
	"crypto/sha1"
	"errors"
	"fmt"
	"hash"
	"strconv"

	"github.com/go-git/go-git/v5/plumbing"
)

// Hash is an object id.
type Hash = plumbing.Hash

// hashLen is the length of an object id in the files this package reads
// (SHA-1 repositories).
const hashLen = 20

// Type is an object's type, numbered as in pack entry headers.
type Type uint8

// Object types (gitformat-pack). OfsDelta and RefDelta appear only in
// pack entries, never as the type of a rebuilt object.
const (
	Commit   Type = 1
	Tree     Type = 2
	Blob     Type = 3
	Tag      Type = 4
	OfsDelta Type = 6
	RefDelta Type = 7
)

func (t Type) String() string {
	switch t {
	case Commit:
		return "commit"
	case Tree:
		return "tree"
	case Blob:
		return "blob"
	case Tag:
		return "tag"
	case OfsDelta:
		return "ofs-delta"
	case RefDelta:
		return "ref-delta"
	}
	return "type " + strconv.Itoa(int(t))
}

// IsDelta reports whether t is a delta entry type.
func (t Type) IsDelta() bool { return t == OfsDelta || t == RefDelta }

func parseType(s string) (Type, bool) {
	switch s {
	case "commit":
		return Commit, true
	case "tree":
		return Tree, true
	case "blob":
		return Blob, true
	case "tag":
		return Tag, true
	}
	return 0, false
}

// ErrNotFound is returned for an object that is in no pack, loose file or
// alternate.
var ErrNotFound = errors.New("object not found")

// ErrTooLarge is returned when an object's declared size is above
// Options.MaxSize: nothing is allocated for it.
var ErrTooLarge = errors.New("object larger than the reader allows")

// ErrCorrupt marks every integrity failure: a bad checksum, an id that
// does not match the content, a size or offset that cannot be right.
var ErrCorrupt = errors.New("corrupt object")

// Error reports an object that could not be read, naming it and the file
// it was read from (a pack, or a loose object's path, relative to the
// repository's git directory).
type Error struct {
	Hash Hash   // zero when not known (a pack entry whose index is unreadable)
	File string // pack or loose file; empty when the object was not found
	Err  error
}

func (e *Error) Error() string {
	var s string
	if !e.Hash.IsZero() {
		s = e.Hash.String()
	}
	if e.File != "" {
		if s != "" {
			s += " "
		}
		s += "in " + e.File
	}
	if s == "" {
		return e.Err.Error()
	}
	return s + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

func corruptf(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, a...))
}

// maxDeflateRatio bounds how much one byte of deflate data can inflate to
// (1032:1 for a stream of maximal back-references, RFC 1951), plus slack
// for the zlib header and a final block: a declared size above
// maxDeflateRatio × compressed length + deflateSlack cannot be honest.
const (
	maxDeflateRatio = 1032
	deflateSlack    = 1 << 10
)

// inflatable reports whether size bytes can come out of n compressed ones.
func inflatable(size, n int64) bool {
	return size >= 0 && n >= 0 && size <= n*maxDeflateRatio+deflateSlack
}

// Options bound what a reader allocates.
type Options struct {
	// MaxSize is the largest object (or delta) that is inflated or
	// rebuilt; a larger declared size is ErrTooLarge before any
	// allocation. 0 means DefaultMaxSize.
	MaxSize int64
}

// DefaultMaxSize is large enough for any tree or commit of a real
// repository and any blob a scan reads whole.
const DefaultMaxSize = 1 << 30

func (o Options) maxSize() int64 {
	if o.MaxSize <= 0 {
		return DefaultMaxSize
	}
	return o.MaxSize
}

// hasher computes object ids; one per goroutine.
type hasher struct {
	h   hash.Hash
	hdr []byte
	sum []byte
}

func newHasher() *hasher { return &hasher{h: sha1.New()} }

// id returns the object id of content of type t.
func (h *hasher) id(t Type, content []byte) Hash {
	h.h.Reset()
	h.hdr = append(h.hdr[:0], t.String()...)
	h.hdr = append(h.hdr, ' ')
	h.hdr = strconv.AppendInt(h.hdr, int64(len(content)), 10)
	h.hdr = append(h.hdr, 0)
	h.h.Write(h.hdr)
	h.h.Write(content)
	h.sum = h.h.Sum(h.sum[:0])
	var out Hash
	copy(out[:], h.sum)
	return out
}

// verify checks that content of type t has id want.
func (h *hasher) verify(t Type, content []byte, want Hash) error {
	if got := h.id(t, content); got != want {
		return corruptf("content hashes to %s", got)
	}
	return nil
}

// ID returns the object id of content of type t (for tests and callers
// that build objects).
func ID(t Type, content []byte) Hash { return newHasher().id(t, content) }
