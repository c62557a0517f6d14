package scanner

import (
	"errors"
	"fmt"
	"slices"
	"sync"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/pretense/pretense/finding"
)

// Blob states.
const (
	blobUnknown  uint8 = iota // not read yet
	blobClean                 // scanned, nothing found
	blobFound                 // scanned, findings in blobs.info
	blobSkipped               // not scanned; reason in blobs.info
	blobDeferred              // pack pass left it to go-git (base skipped)
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

	// repo and rd read what the pack pass did not provide (loose objects,
	// alternates); only the owning goroutine uses them.
	repo *git.Repository
	rd   *objReader
}

func newStore(g *gitRepo, tab *objTable) *store {
	s := &store{tab: tab, names: newNames(), infos: map[uint32]*blobInfo{}, repo: g.repo, rd: &objReader{repo: g.repo.Storer}}
	if g.st != nil {
		s.rd.fs = g.st.Filesystem()
	}
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

func (s *store) id(h plumbing.Hash) uint32 {
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

// readRaw reads an object (odb first, then go-git).
func (s *store) readRaw(id uint32, t plumbing.ObjectType, what string) ([]byte, error) {
	return s.rd.read(s.tab.hash(id), t, what)
}

func objErr(err error) error {
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return errors.New("missing (object not found)")
	}
	return err
}

// commit returns a commit, reading it through go-git when the pack pass
// did not.
func (s *store) commit(id uint32) (*commitRec, error) {
	if c := s.commits[id]; c != nil {
		return c, nil
	}
	raw, err := s.readRaw(id, plumbing.CommitObject, "commit")
	if err != nil {
		return nil, err
	}
	rc, err := parseCommit(raw)
	if err != nil {
		return nil, &ObjectError{Hash: s.tab.hash(id).String(), What: "commit", Err: err}
	}
	c := s.commitFromRaw(rc)
	s.commits[id] = c
	return c, nil
}

func (s *store) commitFromRaw(rc rawCommit) *commitRec {
	c := &commitRec{tree: s.id(rc.tree), when: rc.when, ctime: rc.ctime}
	for _, p := range rc.parents {
		c.parents = append(c.parents, s.id(p))
	}
	return c
}

// tree returns a tree's entries, reading it through go-git when needed.
func (s *store) tree(id uint32) ([]treeEntry, error) {
	if s.loaded[id] {
		return s.trees[id], nil
	}
	raw, err := s.readRaw(id, plumbing.TreeObject, "tree")
	if err != nil {
		return nil, err
	}
	var es []treeEntry
	perr := parseTree(raw, func(name []byte, mode filemode.FileMode, h plumbing.Hash) {
		es = append(es, treeEntry{name: s.names.intern(name), mode: mode, obj: s.tab.id(h)})
	})
	s.grow()
	if perr != nil {
		return nil, &ObjectError{Hash: s.tab.hash(id).String(), What: "tree", Err: perr}
	}
	s.trees[id], s.loaded[id] = es, true
	return es, nil
}

func shortHash(h plumbing.Hash) string { return fmt.Sprintf("%.12s", h.String()) }

func (s *store) close() { s.rd.close() }
