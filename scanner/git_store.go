package scanner

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/pretense/pretense/finding"
	"github.com/pretense/pretense/internal/gitobj"
)

// Blob states.
const (
	blobUnknown    uint8 = iota // not read yet
	blobClean                   // scanned, nothing found
	blobFound                   // scanned, findings in blobs.info
	blobSkipped                 // not scanned; reason in blobs.info
	blobDeferred                // pack pass left it to a single read (base skipped or unreadable)
	blobUnreadable              // corrupt or missing: in store.bad
)

// blobInfo is what a scanned blob yielded. Findings have no path, commit
// or date yet: attribution adds them per introduction.
type blobInfo struct {
	findings []finding.Finding
	skip     string
}

// values returns the distinct raw values found in the blob.
func (b *blobInfo) values() []string {
	if b == nil {
		return nil
	}
	var out []string
	for _, f := range b.findings {
		if !slices.Contains(out, f.Secret) {
			out = append(out, f.Secret)
		}
	}
	return out
}

// store holds the object graph and blob results of one scan. During the
// pack pass workers write disjoint slice elements; everything else is
// owned by the goroutine driving the scan.
type store struct {
	tab   *objTable
	names *names

	commits []*commitRec
	trees   [][]treeEntry
	loaded  []bool // tree loaded (an empty tree is a nil slice)
	status  []uint8

	mu    sync.Mutex
	infos map[uint32]*blobInfo
	// bad are the objects that could not be read: the scan goes on
	// without them and reports them (exit 3). met are those the walk
	// needed (a range scan reports only these; the pack pass meets every
	// object of the packs, needed or not).
	bad map[uint32]*ObjectError
	met map[uint32]bool

	repo *gitobj.Repo
	// format parses commits and trees (the repository's object format).
	format gitobj.Format
	objs   *gitobj.Store
	// rd reads single objects for the owning goroutine.
	rd *gitobj.Reader
}

func newStore(g *gitRepo, objs *gitobj.Store, tab *objTable) *store {
	s := &store{tab: tab, names: newNames(), infos: map[uint32]*blobInfo{}, bad: map[uint32]*ObjectError{}, met: map[uint32]bool{},
		repo: g.repo, format: objs.Format(), objs: objs, rd: objs.NewReader()}
	s.grow()
	return s
}

// grow sizes the per-object slices to the table.
func (s *store) grow() {
	n := len(s.tab.hashes)
	if len(s.commits) >= n {
		return
	}
	c := max(n, 2*len(s.commits))
	s.commits = append(s.commits, make([]*commitRec, c-len(s.commits))...)
	s.trees = append(s.trees, make([][]treeEntry, c-len(s.trees))...)
	s.loaded = append(s.loaded, make([]bool, c-len(s.loaded))...)
	s.status = append(s.status, make([]uint8, c-len(s.status))...)
}

func (s *store) id(h gitobj.Hash) uint32 {
	id := s.tab.id(h)
	s.grow()
	return id
}

func (s *store) setInfo(id uint32, st uint8, bi *blobInfo) {
	s.status[id] = st
	if bi != nil {
		s.mu.Lock()
		s.infos[id] = bi
		s.mu.Unlock()
	}
}

func (s *store) info(id uint32) *blobInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.infos[id]
}

// fail records that object id (a what), which the walk needs, could not
// be read and returns the error naming it. The first failure recorded for
// an object is kept.
func (s *store) fail(id uint32, what string, err error) *ObjectError {
	return s.record(id, what, err, true)
}

// failPass is fail for the pack pass, which reads objects whether the
// walk needs them or not.
func (s *store) failPass(id uint32, what string, err error) {
	s.record(id, what, err, false)
}

func (s *store) record(id uint32, what string, err error, met bool) *ObjectError {
	s.mu.Lock()
	defer s.mu.Unlock()
	if met {
		s.met[id] = true
	}
	if oe, ok := s.bad[id]; ok {
		return oe
	}
	oe := objectError(s.tab.hash(id), what, err)
	s.bad[id] = oe
	return oe
}

// badErr returns the recorded failure of object id, if any, which the walk
// now needs.
func (s *store) badErr(id uint32) *ObjectError {
	s.mu.Lock()
	defer s.mu.Unlock()
	oe := s.bad[id]
	if oe != nil {
		s.met[id] = true
	}
	return oe
}

// locate names where an unreadable object was met, when not yet known.
func (s *store) locate(id uint32, commit uint32, path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if oe, ok := s.bad[id]; ok {
		s.met[id] = true
		if oe.Commit == "" {
			oe.Commit, oe.Path = s.tab.hash(commit).String(), path
		}
	}
}

// unreadable lists the recorded failures (only those the walk needed when
// onlyMet is set), ordered by object id.
func (s *store) unreadable(onlyMet bool) []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	oes := make([]*ObjectError, 0, len(s.bad))
	for id, oe := range s.bad {
		if !onlyMet || s.met[id] {
			oes = append(oes, oe)
		}
	}
	slices.SortFunc(oes, func(a, b *ObjectError) int { return cmp.Compare(a.Hash, b.Hash) })
	out := make([]error, len(oes))
	for i, oe := range oes {
		out[i] = oe
	}
	return out
}

// objectError names object h (a what) and the file it was read from.
func objectError(h gitobj.Hash, what string, err error) *ObjectError {
	oe := &ObjectError{What: what, Err: err}
	if !h.IsZero() {
		oe.Hash = h.String()
	}
	var ge *gitobj.Error
	if errors.As(err, &ge) {
		oe.File, oe.Err = ge.File, ge.Err
		if errors.Is(ge.Err, gitobj.ErrNotFound) {
			oe.Err = errors.New("missing (object not found)")
		}
	}
	return oe
}

// readRaw reads an object of type t with the store's reader.
func (s *store) readRaw(id uint32, t gitobj.Type, what string) ([]byte, error) {
	return readObject(s.rd, s.tab.hash(id), t, what)
}

// readObject reads object h, which must be of type t.
func readObject(rd *gitobj.Reader, h gitobj.Hash, t gitobj.Type, what string) ([]byte, error) {
	got, b, err := rd.Object(h)
	if err != nil {
		return nil, objectError(h, what, err)
	}
	if got != t {
		return nil, &ObjectError{Hash: h.String(), What: what, Err: fmt.Errorf("is a %s", got)}
	}
	return b, nil
}

// commit returns a commit, reading it when the pack pass did not. A
// commit that cannot be read is recorded (store.bad) and returned as an
// error.
func (s *store) commit(id uint32) (*commitRec, error) {
	if c := s.commits[id]; c != nil {
		return c, nil
	}
	if oe := s.badErr(id); oe != nil {
		return nil, oe
	}
	raw, err := s.readRaw(id, gitobj.Commit, "commit")
	if err != nil {
		return nil, s.fail(id, "commit", err)
	}
	rc, err := s.format.ParseCommit(raw)
	if err != nil {
		return nil, s.fail(id, "commit", err)
	}
	c := s.commitFromRaw(rc)
	s.commits[id] = c
	return c, nil
}

func (s *store) commitFromRaw(rc gitobj.CommitInfo) *commitRec {
	c := &commitRec{tree: s.id(rc.Tree), when: rc.When, ctime: rc.CTime}
	for _, p := range rc.Parents {
		c.parents = append(c.parents, s.id(p))
	}
	return c
}

// tree returns a tree's entries, reading it when the pack pass did not.
// A tree that cannot be read is recorded and returned as an error.
func (s *store) tree(id uint32) ([]treeEntry, error) {
	if s.loaded[id] {
		return s.trees[id], nil
	}
	if oe := s.badErr(id); oe != nil {
		return nil, oe
	}
	raw, err := s.readRaw(id, gitobj.Tree, "tree")
	if err != nil {
		return nil, s.fail(id, "tree", err)
	}
	var es []treeEntry
	perr := s.format.ParseTree(raw, func(name []byte, mode filemode.FileMode, h gitobj.Hash) {
		es = append(es, treeEntry{name: s.names.intern(name), mode: mode, obj: s.tab.id(h)})
	})
	s.grow()
	if perr != nil {
		return nil, s.fail(id, "tree", perr)
	}
	s.trees[id], s.loaded[id] = es, true
	return es, nil
}

func shortHash(h gitobj.Hash) string { return fmt.Sprintf("%.12s", h.String()) }
