package gitobj

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-billy/v5/osfs"
)

// Store is a repository's object database: its packs, its loose objects
// and its alternates. Its methods are safe for concurrent use; a Reader
// is not (make one per goroutine).
type Store struct {
	fs billy.Filesystem
	// osDir is the directory fs is rooted at when it is the operating
	// system's (OpenDir): its pack indexes are then mapped, not read.
	osDir  string
	objDir string // "objects" in a git directory; "." for an alternate
	opts   Options
	packs  []*Pack
	alts   []*Store
}

// Open opens the object database of the git directory fs is rooted at
// (the common directory of a linked worktree: where objects/ lives), with
// the alternates it lists. Every pack index is mapped (or read) and its
// layout checked here; a damaged one is an error naming it. Its trailing
// checksum is checked when it can matter (Pack.CheckIndex).
func Open(fsys billy.Filesystem, opts Options) (*Store, error) {
	return open(fsys, "", "objects", opts, 0)
}

// OpenDir is Open of the git directory dir on the operating system's
// filesystem, whose pack indexes are mapped rather than read.
func OpenDir(dir string, opts Options) (*Store, error) {
	return open(osfs.New(dir), dir, "objects", opts, 0)
}

func open(fsys billy.Filesystem, osDir, objDir string, opts Options, depth int) (*Store, error) {
	s := &Store{fs: fsys, osDir: osDir, objDir: objDir, opts: opts}
	names, err := s.packNames()
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		idxName := strings.TrimSuffix(n, ".pack") + ".idx"
		raw, unmap, err := s.readIndexFile(idxName)
		if err != nil {
			s.Close()
			return nil, &Error{File: idxName, Err: err}
		}
		p, err := openPack(fsys, n, raw, opts.Format)
		if err != nil {
			if unmap != nil {
				unmap()
			}
			s.Close()
			return nil, err
		}
		p.unmap = unmap
		s.packs = append(s.packs, p)
	}
	if err := s.openAlternates(depth); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// packNames lists the packs of the store, sorted. As git does, a pack is
// found by its index: a .pack without an .idx (one being written) is not
// a pack yet, and an .idx without its .pack is skipped (its objects are
// then missing, and named when needed).
func (s *Store) packNames() ([]string, error) {
	dir := path.Join(s.objDir, "pack")
	ents, err := s.fs.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, &Error{File: dir, Err: err}
	}
	have := map[string]bool{}
	for _, e := range ents {
		have[e.Name()] = true
	}
	var out []string
	for _, e := range ents {
		if base, ok := strings.CutSuffix(e.Name(), ".idx"); ok && have[base+".pack"] {
			out = append(out, path.Join(dir, base+".pack"))
		}
	}
	slices.Sort(out)
	return out, nil
}

// openAlternates opens the object stores objects/info/alternates names
// (absolute, or relative to this objects directory), as git does up to
// five levels deep.
func (s *Store) openAlternates(depth int) error {
	name := path.Join(s.objDir, "info", "alternates")
	raw, err := readFile(s.fs, name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return &Error{File: name, Err: err}
	}
	if depth >= 5 {
		return &Error{File: name, Err: errors.New("alternates nested more than 5 deep")}
	}
	here := filepath.Join(s.fs.Root(), filepath.FromSlash(s.objDir))
	for _, line := range strings.Split(string(raw), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		dir := line
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(here, dir)
		}
		alt, err := open(osfs.New(dir), dir, ".", s.opts, depth+1)
		if err != nil {
			return fmt.Errorf("alternate %s: %w", dir, err)
		}
		s.alts = append(s.alts, alt)
	}
	return nil
}

// readIndexFile returns a pack index's bytes: mapped from an operating
// system file (unmap releases them), else read.
func (s *Store) readIndexFile(name string) (raw []byte, unmap func() error, err error) {
	if s.osDir == "" {
		raw, err := readFile(s.fs, name)
		return raw, nil, err
	}
	f, err := os.Open(filepath.Join(s.osDir, filepath.FromSlash(name)))
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if raw, unmap, ok := mapFile(f, fi.Size()); ok {
		forget := registerMapping(raw, name)
		return raw, func() error { forget(); return unmap() }, nil
	}
	raw = make([]byte, fi.Size())
	if _, err := io.ReadFull(f, raw); err != nil {
		return nil, nil, err
	}
	return raw, nil, nil
}

func readFile(fsys billy.Filesystem, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// Format is the store's object format.
func (s *Store) Format() Format { return s.opts.Format }

// MaxSize is the largest object the store's readers allocate.
func (s *Store) MaxSize() int64 { return s.opts.maxSize() }

// Options are what the store was opened with (its object format
// included), for the inflaters of a pass over its packs: options built
// anew would hash a SHA-256 store's objects with SHA-1.
func (s *Store) Options() Options {
	o := s.opts
	o.MaxSize = o.maxSize()
	return o
}

// Packs returns the store's own packs (not its alternates'), sorted by
// name, for the pack pass.
func (s *Store) Packs() []*Pack { return s.packs }

// Close closes every pack.
func (s *Store) Close() error {
	for _, p := range s.packs {
		p.Close()
	}
	for _, a := range s.alts {
		a.Close()
	}
	return nil
}

// Reader reads single objects by id. Not safe for concurrent use.
type Reader struct {
	s   *Store
	z   zstate
	br  *bufio.Reader
	hs  *hasher
	max int64
	// bases caches rebuilt delta bases, so reading many versions of one
	// file does not rebuild the same chain again and again. It is cleared
	// when it passes baseCacheSize.
	bases     map[baseKey]baseObj
	baseBytes int
}

type baseKey struct {
	p   *Pack
	off int64
}

type baseObj struct {
	typ  Type
	data []byte
}

const baseCacheSize = 8 << 20

// NewReader returns a reader of s's objects.
func (s *Store) NewReader() *Reader {
	return &Reader{s: s, hs: newHasher(s.opts.Format), max: s.opts.maxSize()}
}

// Object returns an object's type and content, checked against its id.
// An object within the limit is read even when its delta chain passes
// through one over it (packedSmall).
// An object in no pack, loose file or alternate is an *Error wrapping
// ErrNotFound.
func (r *Reader) Object(h Hash) (t Type, data []byte, err error) {
	defer catchFault(debug.SetPanicOnFault(true), h, &err)
	return r.object(r.s, h, 0)
}

func (r *Reader) object(s *Store, h Hash, depth int) (Type, []byte, error) {
	if depth > maxDepth {
		return 0, nil, &Error{Hash: h, Err: corruptf("delta chain deeper than %d", maxDepth)}
	}
	for _, p := range s.packs {
		if i := p.idx.find(&h); i >= 0 {
			t, data, err := r.packed(p, h, i, depth)
			if errors.Is(err, ErrTooLarge) {
				// An object within the limit whose delta chain passes
				// through one over it (a small edit of a huge file):
				// rebuilt from byte ranges of its bases instead.
				t, data, err = r.packedSmall(p, h, i, depth, err)
			}
			if err == nil {
				if err = r.hs.verify(t, data, h); err != nil {
					err = &Error{Hash: h, File: p.Name, Err: err}
				}
			}
			if err != nil {
				// The index may have sent the read astray: a
				// damaged index is named before its pack.
				if ierr := p.CheckIndex(); ierr != nil {
					return 0, nil, withHash(ierr, h)
				}
				return 0, nil, err
			}
			return t, data, nil
		}
	}
	if t, data, ok, err := r.readLoose(s, h); ok {
		return t, data, err
	}
	for _, a := range s.alts {
		t, data, err := r.object(a, h, depth)
		if !errors.Is(err, ErrNotFound) {
			return t, data, err
		}
	}
	if err := s.checkIndexes(); err != nil {
		return 0, nil, withHash(err, h)
	}
	return 0, nil, &Error{Hash: h, Err: ErrNotFound}
}

// checkIndexes checks the store's pack indexes before an object is
// reported missing: a damaged index may be why it was not found.
func (s *Store) checkIndexes() error {
	for _, p := range s.packs {
		if err := p.CheckIndex(); err != nil {
			return err
		}
	}
	return nil
}

// CheckIndexes checks the trailing checksums of the pack indexes of the
// store and its alternates (each once). A caller that acts on an answer
// of Size without reading the object (skips it as too large) calls it
// first: a damaged index can point Size at another object's header.
func (r *Reader) CheckIndexes() (err error) {
	defer catchFault(debug.SetPanicOnFault(true), Hash{}, &err)
	return r.s.checkAllIndexes()
}

func (s *Store) checkAllIndexes() error {
	if err := s.checkIndexes(); err != nil {
		return err
	}
	for _, a := range s.alts {
		if err := a.checkAllIndexes(); err != nil {
			return err
		}
	}
	return nil
}

// withHash sets the object id of a pack-index *Error.
func withHash(err error, h Hash) error {
	if e, ok := err.(*Error); ok {
		c := *e
		c.Hash = h
		return &c
	}
	return err
}

// maxDepth bounds delta chains (git's default is 50; 4095 is its hard
// limit for pack-objects).
const maxDepth = 10000

// Size returns an object's declared size without inflating it whole (for
// a delta, its target size). What it reports is checked when the object is
// read.
func (r *Reader) Size(h Hash) (n int64, err error) {
	defer catchFault(debug.SetPanicOnFault(true), h, &err)
	return r.size(r.s, h)
}

func (r *Reader) size(s *Store, h Hash) (int64, error) {
	for _, p := range s.packs {
		if i := p.idx.find(&h); i >= 0 {
			n, err := r.packedSize(p, h, i)
			if err != nil {
				// As in object: a damaged index is named before its pack.
				if ierr := p.CheckIndex(); ierr != nil {
					return 0, withHash(ierr, h)
				}
			}
			return n, err
		}
	}
	_, size, _, f, ok, err := r.openLoose(s, h, 1<<62)
	if ok {
		if f != nil {
			f.Close()
		}
		return size, err
	}
	for _, a := range s.alts {
		n, err := r.size(a, h)
		if !errors.Is(err, ErrNotFound) {
			return n, err
		}
	}
	if err := s.checkIndexes(); err != nil {
		return 0, withHash(err, h)
	}
	return 0, &Error{Hash: h, Err: ErrNotFound}
}
