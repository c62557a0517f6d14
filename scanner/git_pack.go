package scanner

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/pretense/pretense/finding"
	"github.com/pretense/pretense/internal/gitobj"
	"github.com/pretense/pretense/rules"
)

// The pack pass: see the package design notes in git.go. gitobj reads the
// packs (entry headers, delta forest, checked inflation); this file
// decides the order, rebuilds each delta tree depth-first and hands blobs
// to the region scan (git_regions.go).

// pack is a loaded gitobj pack with the scan's ids of its entries.
type pack struct {
	*gitobj.Pack
	ids []uint32
	dup []bool // also in an earlier pack: rebuilt for its children only
}

// loadPacks loads the entry tables of every pack of objs, assigning ids in
// tab in pack order.
func loadPacks(objs *gitobj.Store, tab *objTable) ([]*pack, error) {
	var out []*pack
	for _, gp := range objs.Packs() {
		if err := gp.Load(); err != nil {
			return nil, objectError(gitobj.Hash{}, "pack", err)
		}
		p := &pack{Pack: gp, ids: make([]uint32, len(gp.Entries)), dup: make([]bool, len(gp.Entries))}
		err := gp.EachHash(func(i int32, h gitobj.Hash) {
			_, seen := tab.lookup(h)
			p.ids[i], p.dup[i] = tab.id(h), seen
		})
		if err != nil {
			return nil, objectError(gitobj.Hash{}, "pack", err)
		}
		out = append(out, p)
	}
	return out, nil
}

// packPass runs the depth-first delta resolution over every pack with
// opts.workers() goroutines, filling s.
type packPass struct {
	s       *store
	objOpts gitobj.Options
	rs      *rules.Ruleset
	fp      finding.Fingerprinter
	maxSize int64
	scanned atomic.Int64 // blobs scanned
	bytes   atomic.Int64 // bytes given to the rules
	opts    Options
	// whole scans every blob whole (the reference the region scan is
	// tested against).
	whole bool

	jobs    chan packJob
	pending sync.WaitGroup
	cache   *regionCache
}

type packWorker struct {
	pp    *packPass
	p     *pack
	z     *gitobj.Inflater
	delta []byte
	free  [][]byte // content buffers not in use
	local map[string]uint32
	// changed and regions are the current blob's delta spans and the
	// regions scanned around them.
	changed, regions []region
	// todo and keys are the regions of one blob not found in the cache.
	todo []region
	keys []uint64
	// join and starts lay out the regions of one blob for one scan.
	join   []byte
	starts []int
	// scratch parses one tree; arena holds the parsed trees.
	scratch, arena []treeEntry
	// pending tree entries whose object is not in any pack.
	pendTrees []pendingEntry
}

type pendingEntry struct {
	tree uint32
	idx  int
	h    gitobj.Hash
}

// run processes every delta tree of every pack.
func (pp *packPass) run(ctx context.Context, packs []*pack) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		errOnce  sync.Once
		firstErr error
		wg       sync.WaitGroup
		mu       sync.Mutex
		pend     []pendingEntry
	)
	fail := func(err error) { errOnce.Do(func() { firstErr = err; cancel() }) }
	workers := pp.opts.workers()
	pp.jobs = make(chan packJob, 4*workers)
	// pending counts jobs queued or running; the queue closes when it
	// drops to zero after the last root was queued (workers add subtrees).
	wg.Add(1)
	go func() {
		defer wg.Done()
	roots:
		for _, p := range packs {
			for i, o := range p.Entries {
				if o.Base != -1 {
					continue
				}
				if ctx.Err() != nil {
					break roots
				}
				pp.pending.Add(1)
				pp.jobs <- packJob{p: p, idx: int32(i), baseOK: true}
			}
		}
		pp.pending.Wait()
		close(pp.jobs)
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &packWorker{pp: pp, z: gitobj.NewInflater(pp.objOpts), local: map[string]uint32{}}
			for j := range pp.jobs {
				if ctx.Err() == nil {
					w.p = j.p
					if err := w.visit(j.idx, j.base, j.base != nil, j.root, j.baseOK, j.vals); err != nil {
						fail(err)
					}
				}
				pp.pending.Done() // after cancellation: drain, so the queue closes
			}
			mu.Lock()
			pend = append(pend, w.pendTrees...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// Entries naming objects outside the packs (submodule commits, loose
	// objects) get their ids now, on one goroutine.
	for _, pe := range pend {
		pp.s.trees[pe.tree][pe.idx].obj = pp.s.tab.id(pe.h)
	}
	pp.s.grow()
	return nil
}

// packJob is a delta tree to resolve: a root, or a subtree handed over by a
// busy worker (with a copy of its base) so one large family of versions
// does not leave the other workers idle.
type packJob struct {
	p      *pack
	idx    int32
	base   []byte
	root   gitobj.Type
	baseOK bool
	vals   []string
}

// offload hands the subtree at child k to an idle worker; it reports
// false when every worker is busy (the caller recurses itself).
func (w *packWorker) offload(k int32, content []byte, root gitobj.Type, baseOK bool, vals []string) bool {
	pp := w.pp
	if len(pp.jobs) > 0 || len(w.p.Children(k)) == 0 {
		return false
	}
	pp.pending.Add(1)
	select {
	case pp.jobs <- packJob{p: w.p, idx: k, base: slices.Clone(content), root: root, baseOK: baseOK, vals: vals}:
		return true
	default:
		pp.pending.Done()
		return false
	}
}

// Content buffers come from a small free list. A node gives its base's
// buffer back as soon as it is rebuilt when it is the base's last child, so
// a chain of deltas (the usual shape) needs two buffers, not one per
// level: memory stays flat however deep git chained the versions of a
// large file.
const maxFreeBufs = 8

func (w *packWorker) getBuf() []byte {
	if n := len(w.free); n > 0 {
		b := w.free[n-1]
		w.free = w.free[:n-1]
		return b
	}
	return nil
}

func (w *packWorker) putBuf(b []byte) {
	if cap(b) > 0 && len(w.free) < maxFreeBufs {
		w.free = append(w.free, b[:0])
	}
}

// visit rebuilds entry i (from base when it is a delta), checks it
// against its id, processes it and recurses into the entries deltified
// against it. root is the type of the delta tree (every object in it has
// its root's type). baseLast says i is the last user of base's buffer
// (visit returns it to the free list). baseOK says the base's matches are
// known (so only changed regions of i need scanning); vals are the base's
// distinct matched values. An entry that cannot be rebuilt is recorded as
// unreadable and the pass goes on; its descendants are left to single
// reads, which name them if the walk needs them.
func (w *packWorker) visit(i int32, base []byte, baseLast bool, root gitobj.Type, baseOK bool, vals []string) error {
	e := &w.p.Entries[i]
	id := w.p.ids[i]
	var content []byte
	var changed []region
	if e.Base == -1 {
		root = e.Type
	}
	typ := root
	if e.Base == -1 {
		if typ == gitobj.Blob && e.Size > w.pp.maxSize {
			// Not inflated here: a single read of its head says whether
			// it is binary or text left unscanned (readBlob), if the walk
			// meets it.
			w.deferTree(i, blobDeferred, "")
			return nil
		}
		c, err := w.z.Entry(w.p.Pack, i, w.getBuf())
		if err != nil {
			return w.unreadable(i, typ, err)
		}
		content = c
	} else {
		release := func() {
			if baseLast {
				w.putBuf(base)
			}
		}
		d, err := w.z.Entry(w.p.Pack, i, w.delta)
		if err != nil {
			release()
			return w.unreadable(i, typ, err)
		}
		w.delta = d
		if typ == gitobj.Blob {
			if _, ts, ok := gitobj.DeltaSizes(d); ok && ts > w.pp.maxSize {
				release()
				w.deferTree(i, blobDeferred, "") // as above
				return nil
			}
		}
		c, ch, err := gitobj.ApplyDelta(base, d, w.getBuf(), w.changed[:0], typ == gitobj.Blob, w.pp.objOpts.MaxSize)
		release()
		if err != nil {
			return w.unreadable(i, typ, gitobj.Corrupt(w.p.Pack, i, err))
		}
		w.changed = ch
		content, changed = c, ch
	}
	if err := w.z.Check(w.p.Pack, i, typ, content); err != nil {
		return w.unreadable(i, typ, err)
	}
	s := w.pp.s
	var childVals []string
	childOK := true
	if w.p.dup[i] {
		typ = 0 // recorded from the earlier pack; only its children matter here
		childOK = false
	}
	switch typ {
	case gitobj.Commit:
		rc, err := w.pp.s.format.ParseCommit(content)
		if err != nil {
			s.failPass(id, "commit", gitobj.Corrupt(w.p.Pack, i, err))
			break
		}
		c := &commitRec{tree: w.lookup(rc.Tree), when: rc.When, ctime: rc.CTime}
		ok := c.tree != noObj
		for _, ph := range rc.Parents {
			pid := w.lookup(ph)
			ok = ok && pid != noObj
			c.parents = append(c.parents, pid)
		}
		if ok { // else: read again by the walk, which assigns ids
			s.commits[id] = c
		}
	case gitobj.Tree:
		es := w.scratch[:0]
		err := w.pp.s.format.ParseTree(content, func(name []byte, mode filemode.FileMode, h gitobj.Hash) {
			obj := w.lookup(h)
			if obj == noObj {
				w.pendTrees = append(w.pendTrees, pendingEntry{tree: id, idx: len(es), h: h})
			}
			es = append(es, treeEntry{name: w.intern(name), mode: mode, obj: obj})
		})
		w.scratch = es
		if err != nil {
			s.failPass(id, "tree", gitobj.Corrupt(w.p.Pack, i, err))
			break
		}
		// Trees live until the walk ends: carve them out of large chunks,
		// exactly sized, rather than leaving append's slack in each.
		if len(w.arena)+len(es) > cap(w.arena) {
			w.arena = make([]treeEntry, 0, max(1<<16, len(es)))
		}
		at := len(w.arena)
		w.arena = append(w.arena, es...)
		s.trees[id], s.loaded[id] = w.arena[at:len(w.arena):len(w.arena)], true
	case gitobj.Blob:
		if !baseOK {
			changed = nil // base unknown: scan the whole blob
		}
		var ok bool
		childVals, ok = w.blob(id, content, changed, e.Base != -1, vals)
		childOK = ok
	}
	// Only blobs need their base's values; everything else just needs bytes.
	kids := w.p.Children(i)
	owned := true
	for n, k := range kids {
		if w.offload(k, content, root, childOK, childVals) {
			continue
		}
		last := n == len(kids)-1
		if err := w.visit(k, content, last, root, childOK, childVals); err != nil {
			return err
		}
		owned = owned && !last
	}
	if owned {
		w.putBuf(content)
	}
	return nil
}

// unreadable records that entry i (of type typ) could not be rebuilt and
// leaves its descendants to single reads. A duplicate is not recorded: the
// earlier pack's copy is the object.
func (w *packWorker) unreadable(i int32, typ gitobj.Type, err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	id := w.p.ids[i]
	if !w.p.dup[i] {
		what := "packed"
		if typ != 0 {
			what = typ.String()
		}
		w.pp.s.failPass(id, what, err)
		if typ == gitobj.Blob {
			w.pp.s.status[id] = blobUnreadable
		}
	}
	for _, k := range w.p.Children(i) {
		w.deferTree(k, blobDeferred, "")
	}
	return nil
}

func (w *packWorker) lookup(h gitobj.Hash) uint32 {
	if id, ok := w.pp.s.tab.lookup(h); ok {
		return id
	}
	return noObj
}

func (w *packWorker) intern(name []byte) uint32 {
	if id, ok := w.local[string(name)]; ok {
		return id
	}
	id := w.pp.s.names.intern(name)
	w.local[string(name)] = id
	return id
}

// deferTree marks object i with st and its delta descendants as left to
// single reads (made if the history needs them).
func (w *packWorker) deferTree(i int32, st uint8, reason string) {
	if !w.p.dup[i] { // a duplicate is recorded from the earlier pack
		w.pp.s.setInfo(w.p.ids[i], st, &blobInfo{skip: reason})
	}
	for _, k := range w.p.Children(i) {
		w.deferTree(k, blobDeferred, "")
	}
}
