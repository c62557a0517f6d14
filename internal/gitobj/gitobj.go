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
//     SHA-1 or SHA-256 as the repository's extensions.objectformat says),
//     whether it came from a pack, a delta chain or a loose file;
//   - every size a format declares (entry sizes, delta source and target
//     sizes, loose headers, index counts, fan-out and offsets) is checked
//     against the file it came from and against Options.MaxSize before
//     anything is allocated from it.
//
// A pack index's own trailing checksum is checked when it can matter, as
// git checks it only when verifying a pack: before a pass over the whole
// pack (Pack.Load), and before a lookup through it is reported as a
// missing or damaged object (then the index is named). Indexes are mapped,
// not read (OpenDir), so a scan that reads a few objects touches a few
// pages of a large repository's index, not all of it.
//
// A check that fails is an *Error naming the object and the file.
package gitobj

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strconv"
)

// Format is a repository's object format: the hash that names its
// objects. The zero value is SHA-1, git's default.
type Format uint8

// Object formats (gitrepository-layout, extensions.objectFormat).
const (
	SHA1 Format = iota
	SHA256
)

// Size is the length of an object id in bytes.
func (f Format) Size() int {
	if f == SHA256 {
		return 32
	}
	return 20
}

func (f Format) String() string {
	if f == SHA256 {
		return "sha256"
	}
	return "sha1"
}

func (f Format) newHash() hash.Hash {
	if f == SHA256 {
		return sha256.New()
	}
	return sha1.New()
}

// Hash is an object id of either format. It is comparable (a map key);
// ids of one repository all have the same length.
type Hash struct {
	id [32]byte
	n  uint8 // 20 or 32; 0 for the zero Hash
}

// NewHash returns the id whose bytes are b (20 or 32 of them); ok is false
// for any other length.
func NewHash(b []byte) (Hash, bool) {
	var h Hash
	if len(b) != 20 && len(b) != 32 {
		return h, false
	}
	h.n = uint8(copy(h.id[:], b))
	return h, true
}

// ParseHash reads a full hexadecimal id (40 or 64 digits).
func ParseHash(s string) (Hash, bool) {
	var h Hash
	if len(s) != 40 && len(s) != 64 {
		return h, false
	}
	if _, err := hex.Decode(h.id[:len(s)/2], []byte(s)); err != nil {
		return Hash{}, false
	}
	h.n = uint8(len(s) / 2)
	return h, true
}

// Bytes returns the id's bytes.
func (h Hash) Bytes() []byte { return h.id[:h.n] }

// Size is the id's length in bytes (0 for the zero Hash).
func (h Hash) Size() int { return int(h.n) }

// IsZero reports whether h is the zero Hash (or an all-zero id).
func (h Hash) IsZero() bool { return h.id == [32]byte{} }

func (h Hash) String() string { return hex.EncodeToString(h.id[:h.n]) }

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
	// Format is the repository's object format (SHA1 when zero).
	Format Format
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

func newHasher(f Format) *hasher { return &hasher{h: f.newHash()} }

// BlobID returns the object id content would have as a blob (what git
// hash-object computes).
func (f Format) BlobID(content []byte) Hash { return newHasher(f).id(Blob, content) }

// id returns the object id of content of type t.
func (h *hasher) id(t Type, content []byte) Hash {
	h.start(t, int64(len(content))).Write(content)
	h.sum = h.h.Sum(h.sum[:0])
	out, _ := NewHash(h.sum)
	return out
}

// start resets the hash for an object of type t and size bytes (its
// "type size\0" header written) and returns it for the content.
func (h *hasher) start(t Type, size int64) hash.Hash {
	h.h.Reset()
	h.hdr = append(h.hdr[:0], t.String()...)
	h.hdr = append(h.hdr, ' ')
	h.hdr = strconv.AppendInt(h.hdr, size, 10)
	h.hdr = append(h.hdr, 0)
	h.h.Write(h.hdr)
	return h.h
}

// check compares the hash started by start with want.
func (h *hasher) check(want Hash) error {
	h.sum = h.h.Sum(h.sum[:0])
	if got, _ := NewHash(h.sum); got != want {
		return corruptf("content hashes to %s", got)
	}
	return nil
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
func (f Format) ID(t Type, content []byte) Hash { return newHasher(f).id(t, content) }
