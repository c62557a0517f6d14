package scanner

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/klauspost/compress/zlib"

	"github.com/pretense/pretense/finding"
	"github.com/pretense/pretense/rules"
)

// The pack pass: see the package design notes in git.go.

// Pack object types (gitformat-pack).
const (
	packCommit   = 1
	packTree     = 2
	packBlob     = 3
	packTag      = 4
	packOfsDelta = 6
	packRefDelta = 7
)

// regionMargin is how far around the bytes a delta inserted the scan
// reaches (then out to whole lines): wide enough for a rule's keyword to be
// seen next to a changed value.
const regionMargin = 512

// contextLines is how many whole lines before a changed line are scanned
// with it: a value's keyword is almost always on its line or the one before.
const contextLines = 1

// contextAfter is the context after a changed line: none, a keyword
// comes before its value (checked against whole-blob scans on SQLAlchemy).
const contextAfter = 0

type packObj struct {
	off     int64 // object header offset
	dataOff int64 // start of the zlib stream
	end     int64 // end of the zlib stream (next object's offset)
	size    int64 // inflated size (of the delta, for deltas)
	typ     uint8
	base    int32 // index of the delta base in this pack; -1 none; -2 outside
	id      uint32
	dup     bool // also in an earlier pack: rebuilt for its children only
}

type pack struct {
	name string
	f    billy.File
	objs []packObj // in offset order
	// children of each object, CSR layout.
	childStart []int32
	children   []int32
}

// packFiles lists the packs of the repository's object store.
func packFiles(fs billy.Filesystem) ([]string, error) {
	ents, err := fs.ReadDir("objects/pack")
	if err != nil {
		if errors.Is(err, io.EOF) || strings.Contains(err.Error(), "no such file") {
			return nil, nil
		}
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".pack") {
			out = append(out, path.Join("objects/pack", e.Name()))
		}
	}
	slices.Sort(out)
	return out, nil
}

// loadPack reads a pack's index and object headers and builds its delta
// forest. Ids are assigned in tab for every object.
func loadPack(fs billy.Filesystem, name string, tab *objTable) (*pack, error) {
	idxName := strings.TrimSuffix(name, ".pack") + ".idx"
	fi, err := fs.Open(idxName)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", idxName, err)
	}
	idx := idxfile.NewMemoryIndex()
	err = idxfile.NewDecoder(fi).Decode(idx)
	fi.Close()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", idxName, err)
	}
	f, err := fs.Open(name)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	st, err := fs.Stat(name)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("stat %s: %w", name, err)
	}
	p := &pack{name: name, f: f}
	it, err := idx.EntriesByOffset()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("read %s: %w", idxName, err)
	}
	for {
		e, err := it.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("read %s: %w", idxName, err)
		}
		_, seen := tab.lookup(e.Hash)
		p.objs = append(p.objs, packObj{off: int64(e.Offset), id: tab.id(e.Hash), dup: seen})
	}
	it.Close()
	end := st.Size() - 20 // trailing checksum
	byOff := func(off int64) int32 {
		i := sort.Search(len(p.objs), func(i int) bool { return p.objs[i].off >= off })
		if i < len(p.objs) && p.objs[i].off == off {
			return int32(i)
		}
		return -2
	}
	var hdr [64]byte
	var byHash map[plumbing.Hash]int32 // built on the first ref delta
	winBuf := make([]byte, 1<<20)
	var win []byte
	winOff := int64(-1)
	for i := range p.objs {
		o := &p.objs[i]
		o.end = end
		if i+1 < len(p.objs) {
			o.end = p.objs[i+1].off
		}
		want := min(int64(len(hdr)), o.end-o.off)
		// Headers are read through a large window that slides forward:
		// objects come in offset order, so this is one sequential read of
		// the pack instead of a system call per object.
		if o.off < winOff || o.off+want > winOff+int64(len(win)) {
			winOff = o.off
			n, err := f.ReadAt(winBuf, winOff)
			if err != nil && !errors.Is(err, io.EOF) {
				f.Close()
				return nil, fmt.Errorf("read %s at %d: %w", name, o.off, err)
			}
			win = winBuf[:n]
		}
		h := win[o.off-winOff : min(int64(len(win)), o.off-winOff+want)]
		typ, size, k, ok := parseObjHeader(h)
		if !ok {
			f.Close()
			return nil, &ObjectError{Hash: tab.hash(o.id).String(), What: "packed", Err: fmt.Errorf("corrupt header in %s at offset %d", name, o.off)}
		}
		o.typ, o.size, o.base = typ, size, -1
		switch typ {
		case packOfsDelta:
			rel, kk, ok := parseOfs(h[k:])
			if !ok || rel <= 0 || rel > o.off {
				f.Close()
				return nil, &ObjectError{Hash: tab.hash(o.id).String(), What: "packed", Err: fmt.Errorf("corrupt delta base in %s at offset %d", name, o.off)}
			}
			o.base = byOff(o.off - rel)
			k += kk
		case packRefDelta:
			if len(h) < k+20 {
				f.Close()
				return nil, &ObjectError{Hash: tab.hash(o.id).String(), What: "packed", Err: fmt.Errorf("truncated delta in %s at offset %d", name, o.off)}
			}
			var bh plumbing.Hash
			copy(bh[:], h[k:k+20])
			o.base = -2
			if byHash == nil {
				byHash = make(map[plumbing.Hash]int32, len(p.objs))
				for j := range p.objs {
					byHash[tab.hash(p.objs[j].id)] = int32(j)
				}
			}
			if j, ok := byHash[bh]; ok {
				o.base = j
			}
			k += 20
		}
		o.dataOff = o.off + int64(k)
	}
	p.buildChildren()
	return p, nil
}

func (p *pack) buildChildren() {
	p.childStart = make([]int32, len(p.objs)+1)
	for _, o := range p.objs {
		if o.base >= 0 {
			p.childStart[o.base+1]++
		}
	}
	for i := 1; i < len(p.childStart); i++ {
		p.childStart[i] += p.childStart[i-1]
	}
	p.children = make([]int32, p.childStart[len(p.objs)])
	fill := slices.Clone(p.childStart[:len(p.objs)])
	for i, o := range p.objs {
		if o.base >= 0 {
			p.children[fill[o.base]] = int32(i)
			fill[o.base]++
		}
	}
}

func (p *pack) kids(i int32) []int32 { return p.children[p.childStart[i]:p.childStart[i+1]] }

// packIndex finds objects in the loaded packs by id, to rebuild one on
// its own after the pass (a parent's version of a file, for attribution).
type packIndex struct {
	packs []*pack
	loc   [][2]int32 // by id: pack, object index (pack -1: not packed)
	w     *packWorker
}

func newPackIndex(packs []*pack, ids int) *packIndex {
	pi := &packIndex{packs: packs, loc: make([][2]int32, ids), w: &packWorker{}}
	for i := range pi.loc {
		pi.loc[i][0] = -1
	}
	for pn, p := range packs {
		for i, o := range p.objs {
			if pi.loc[o.id][0] < 0 {
				pi.loc[o.id] = [2]int32{int32(pn), int32(i)}
			}
		}
	}
	return pi
}

// content rebuilds object id by applying its delta chain; ok is false when
// the object is not in a pack (or its chain leaves the pack).
func (pi *packIndex) content(pp *packPass, id uint32) ([]byte, bool, error) {
	if int(id) >= len(pi.loc) || pi.loc[id][0] < 0 {
		return nil, false, nil
	}
	l := pi.loc[id]
	p := pi.packs[l[0]]
	w := pi.w
	w.pp, w.p = pp, p
	var chain []int32
	for i := l[1]; ; i = p.objs[i].base {
		if i < 0 {
			return nil, false, nil
		}
		chain = append(chain, i)
		if p.objs[i].base == -1 {
			break
		}
		if len(chain) > 10000 {
			return nil, false, nil
		}
	}
	root := chain[len(chain)-1]
	data, err := w.inflate(root, nil)
	if err != nil {
		return nil, false, err
	}
	for k := len(chain) - 2; k >= 0; k-- {
		d, err := w.inflate(chain[k], nil)
		if err != nil {
			return nil, false, err
		}
		if data, _, err = applyDelta(data, d, nil, nil, false); err != nil {
			return nil, false, w.corrupt(chain[k], err)
		}
	}
	return data, true, nil
}

// parseObjHeader decodes the type and size varint of a pack entry.
func parseObjHeader(b []byte) (typ uint8, size int64, n int, ok bool) {
	if len(b) == 0 {
		return 0, 0, 0, false
	}
	c := b[0]
	typ = (c >> 4) & 7
	size = int64(c & 15)
	shift := uint(4)
	n = 1
	for c&0x80 != 0 {
		if n >= len(b) || shift > 49 { // sizes past 2^56 bytes are corrupt
			return 0, 0, 0, false
		}
		c = b[n]
		n++
		size |= int64(c&0x7f) << shift
		shift += 7
	}
	switch typ {
	case packCommit, packTree, packBlob, packTag, packOfsDelta, packRefDelta:
		return typ, size, n, true
	}
	return 0, 0, 0, false
}

// parseOfs decodes an OFS_DELTA negative offset.
func parseOfs(b []byte) (int64, int, bool) {
	if len(b) == 0 {
		return 0, 0, false
	}
	c := b[0]
	off := int64(c & 0x7f)
	n := 1
	for c&0x80 != 0 {
		if n >= len(b) || off >= 1<<48 { // no pack is 2^55 bytes: corrupt
			return 0, 0, false
		}
		c = b[n]
		n++
		off = ((off + 1) << 7) | int64(c&0x7f)
	}
	return off, n, true
}

// packPass runs the depth-first delta resolution over every pack with
// opts.workers() goroutines, filling s.
type packPass struct {
	s       *store
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
	zr    io.ReadCloser
	comp  []byte
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
	h    plumbing.Hash
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
			for i, o := range p.objs {
				if o.base != -1 {
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
			w := &packWorker{pp: pp, local: map[string]uint32{}}
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
	root   packObj
	baseOK bool
	vals   []string
}

// offload hands the subtree at child k to an idle worker; it reports
// false when every worker is busy (the caller recurses itself).
func (w *packWorker) offload(k int32, content []byte, root packObj, baseOK bool, vals []string) bool {
	pp := w.pp
	if len(pp.jobs) > 0 || len(w.p.kids(k)) == 0 {
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

// inflate reads object i's zlib stream into dst (grown to the declared size).
func (w *packWorker) inflate(i int32, dst []byte) ([]byte, error) {
	o := &w.p.objs[i]
	n := o.end - o.dataOff
	if int64(cap(w.comp)) < n {
		w.comp = make([]byte, roundUp(n))
	}
	comp := w.comp[:n]
	if _, err := w.p.f.ReadAt(comp, o.dataOff); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read %s: %w", w.p.name, err)
	}
	br := bytes.NewReader(comp)
	var err error
	if w.zr == nil {
		w.zr, err = zlib.NewReader(br)
	} else {
		err = w.zr.(zlib.Resetter).Reset(br, nil)
	}
	if err != nil {
		return nil, w.corrupt(i, err)
	}
	if int64(cap(dst)) < o.size {
		dst = make([]byte, o.size, roundUp(o.size))
	}
	dst = dst[:o.size]
	if _, err := io.ReadFull(w.zr, dst); err != nil {
		return nil, w.corrupt(i, err)
	}
	return dst, nil
}

func (w *packWorker) corrupt(i int32, err error) error {
	return &ObjectError{Hash: w.pp.s.tab.hash(w.p.objs[i].id).String(), What: "packed", Err: fmt.Errorf("corrupt data in %s: %w", w.p.name, err)}
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

// visit rebuilds object i (from base when it is a delta), processes it and
// recurses into the objects deltified against it. baseLast says i is the
// last user of base's buffer (visit returns it to the free list). baseOK
// says the base's matches are known (so only changed regions of i need
// scanning); vals are the base's distinct matched values.
func (w *packWorker) visit(i int32, base []byte, baseLast bool, root packObj, baseOK bool, vals []string) error {
	o := &w.p.objs[i]
	var content []byte
	var changed []region
	typ := o.typ
	if o.base == -1 {
		root = *o
		if typ == packBlob && o.size > w.pp.maxSize {
			w.deferTree(i, blobSkipped, fmt.Sprintf("larger than --max-file-size (%d bytes)", o.size))
			return nil
		}
		c, err := w.inflate(i, w.getBuf())
		if err != nil {
			return err
		}
		content = c
	} else {
		typ = root.typ
		d, err := w.inflate(i, w.delta)
		if err != nil {
			return err
		}
		w.delta = d
		if typ == packBlob {
			if ts, ok := deltaTargetSize(d); ok && ts > w.pp.maxSize {
				if baseLast {
					w.putBuf(base)
				}
				w.deferTree(i, blobSkipped, fmt.Sprintf("larger than --max-file-size (%d bytes)", ts))
				return nil
			}
		}
		c, ch, err := applyDelta(base, d, w.getBuf(), w.changed[:0], typ == packBlob)
		if err != nil {
			return w.corrupt(i, err)
		}
		if baseLast {
			w.putBuf(base)
		}
		w.changed = ch
		content, changed = c, ch
	}
	s := w.pp.s
	var childVals []string
	childOK := true
	if o.dup {
		typ = 0 // recorded from the earlier pack; only its children matter here
		childOK = false
	}
	switch typ {
	case packCommit:
		rc, err := parseCommit(content)
		if err != nil {
			return &ObjectError{Hash: s.tab.hash(o.id).String(), What: "commit", Err: err}
		}
		c := &commitRec{tree: w.lookup(rc.tree), when: rc.when, ctime: rc.ctime}
		ok := c.tree != noObj
		for _, ph := range rc.parents {
			pid := w.lookup(ph)
			ok = ok && pid != noObj
			c.parents = append(c.parents, pid)
		}
		if ok { // else: left for the go-git fallback, which assigns ids
			s.commits[o.id] = c
		}
	case packTree:
		es := w.scratch[:0]
		err := parseTree(content, func(name []byte, mode filemode.FileMode, h plumbing.Hash) {
			obj := w.lookup(h)
			if obj == noObj {
				w.pendTrees = append(w.pendTrees, pendingEntry{tree: o.id, idx: len(es), h: h})
			}
			es = append(es, treeEntry{name: w.intern(name), mode: mode, obj: obj})
		})
		w.scratch = es
		if err != nil {
			return &ObjectError{Hash: s.tab.hash(o.id).String(), What: "tree", Err: err}
		}
		// Trees live until the walk ends: carve them out of large chunks,
		// exactly sized, rather than leaving append's slack in each.
		if len(w.arena)+len(es) > cap(w.arena) {
			w.arena = make([]treeEntry, 0, max(1<<16, len(es)))
		}
		at := len(w.arena)
		w.arena = append(w.arena, es...)
		s.trees[o.id], s.loaded[o.id] = w.arena[at:len(w.arena):len(w.arena)], true
	case packBlob:
		if !baseOK {
			changed = nil // base unknown: scan the whole blob
		}
		var ok bool
		childVals, ok = w.blob(o.id, content, changed, o.base != -1, vals)
		childOK = ok
	}
	// Only blobs need their base's values; everything else just needs bytes.
	kids := w.p.kids(i)
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

func (w *packWorker) lookup(h plumbing.Hash) uint32 {
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
// go-git (which reads them on its own if the history needs them).
func (w *packWorker) deferTree(i int32, st uint8, reason string) {
	o := &w.p.objs[i]
	w.pp.s.setInfo(o.id, st, &blobInfo{skip: reason})
	for _, k := range w.p.kids(i) {
		w.deferTree(k, blobDeferred, "")
	}
}

// blob scans one rebuilt blob and records its complete matches. It returns
// the blob's distinct values for its delta children, and whether they are
// complete (false for binary blobs, which are not scanned).
func (w *packWorker) blob(id uint32, content []byte, changed []region, isDelta bool, baseVals []string) ([]string, bool) {
	s := w.pp.s
	if isBinary(content) {
		s.setInfo(id, blobSkipped, &blobInfo{skip: "binary"})
		return nil, false
	}
	var ms []rules.Match
	if !isDelta || changed == nil || w.pp.whole {
		ms = w.pp.rs.Scan(content)
		w.pp.bytes.Add(int64(len(content)))
	} else {
		regions := expandRegions(w.regions[:0], content, changed, regionMargin)
		w.regions = regions
		total := 0
		for _, r := range regions {
			total += r.end - r.start
		}
		if total*10 >= len(content)*9 {
			ms = w.pp.rs.Scan(content)
			w.pp.bytes.Add(int64(len(content)))
		} else {
			ms = w.scanRegionsCached(content, regions)
			w.pp.bytes.Add(int64(total))
			// Values of the base that survive in copied bytes, and values
			// this blob's changes introduced that also occur in copied
			// bytes: confirm each occurrence outside the scanned regions
			// with the rules.
			vals := baseVals
			for _, m := range ms {
				if !slices.Contains(vals, m.Value) {
					vals = append(vals[:len(vals):len(vals)], m.Value)
				}
			}
			var confirm []region
			for _, v := range vals {
				for off := 0; ; {
					k := bytes.Index(content[off:], []byte(v))
					if k < 0 {
						break
					}
					st, en := off+k, off+k+len(v)
					if !inRegions(regions, st, en) {
						confirm = append(confirm, region{st, en})
					}
					off = en
				}
			}
			if len(confirm) > 0 {
				slices.SortFunc(confirm, func(a, b region) int { return a.start - b.start })
				cr := expandRegions(nil, content, confirm, regionMargin)
				ms = w.scanRegions(content, cr, ms)
				ms = dedupMatches(ms)
			}
		}
	}
	if n := w.pp.scanned.Add(1); n%1024 == 0 && w.pp.opts.Progress != nil {
		w.pp.opts.Progress(n, w.pp.bytes.Load())
	}
	if len(ms) == 0 {
		s.setInfo(id, blobClean, nil)
		return nil, true
	}
	fs := rules.Findings(content, ms, "", w.pp.fp)
	bi := &blobInfo{findings: fs}
	s.setInfo(id, blobFound, bi)
	return bi.values(), true
}

// scanRegions scans the regions of content and appends the matches with
// offsets in content. The regions are laid end to end in one buffer,
// separated by blank lines, and scanned with one call: many small scans
// would each pay the ruleset's per-call setup. A match reaching across a
// separator joins two regions and is dropped.
func (w *packWorker) scanRegions(content []byte, regions []region, out []rules.Match) []rules.Match {
	buf := w.join[:0]
	starts := w.starts[:0]
	for _, r := range regions {
		starts = append(starts, len(buf))
		buf = append(buf, content[r.start:r.end]...)
		buf = append(buf, '\n', '\n')
	}
	w.join, w.starts = buf, starts
	for _, m := range w.pp.rs.Scan(buf) {
		k := sort.Search(len(starts), func(i int) bool { return starts[i] > m.Start }) - 1
		if k < 0 {
			continue
		}
		r := regions[k]
		shift := r.start - starts[k]
		if m.End+shift > r.end {
			continue
		}
		m.Start += shift
		m.End += shift
		out = append(out, m)
	}
	return out
}

// regionCache remembers what the rules found in region texts already
// scanned. The same inserted lines recur across delta families (branches,
// backports, versions git deltified against different bases): on
// SQLAlchemy 70% of the region bytes are repeats. Keys are 64-bit hashes of
// the region bytes (with a per-scan random seed); a region whose rules
// result is known is not scanned again. Safe for concurrent use.
type regionCache struct {
	seed   maphash.Seed
	shards [64]struct {
		mu    sync.Mutex
		m     map[uint64]int32 // -1: nothing found; else index into found
		found [][]rules.Match  // matches with offsets relative to the region
	}
}

func newRegionCache() *regionCache {
	c := &regionCache{seed: maphash.MakeSeed()}
	for i := range c.shards {
		c.shards[i].m = map[uint64]int32{}
	}
	return c
}

func (c *regionCache) get(k uint64) ([]rules.Match, bool) {
	sh := &c.shards[k%uint64(len(c.shards))]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	i, ok := sh.m[k]
	if !ok || i < 0 {
		return nil, ok
	}
	return sh.found[i], true
}

func (c *regionCache) put(k uint64, ms []rules.Match) {
	sh := &c.shards[k%uint64(len(c.shards))]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if len(ms) == 0 {
		sh.m[k] = -1
		return
	}
	sh.m[k] = int32(len(sh.found))
	sh.found = append(sh.found, ms)
}

// scanRegionsCached is scanRegions with the region cache: regions seen
// before reuse their result, the others are scanned together and
// remembered.
func (w *packWorker) scanRegionsCached(content []byte, regions []region) []rules.Match {
	c := w.pp.cache
	var out []rules.Match
	todo, keys := w.todo[:0], w.keys[:0]
	for _, r := range regions {
		k := maphash.Bytes(c.seed, content[r.start:r.end])
		if ms, ok := c.get(k); ok {
			for _, m := range ms {
				m.Start += r.start
				m.End += r.start
				out = append(out, m)
			}
			continue
		}
		todo, keys = append(todo, r), append(keys, k)
	}
	w.todo, w.keys = todo, keys
	if len(todo) == 0 {
		return out
	}
	found := w.scanRegions(content, todo, nil)
	// found is ordered by offset, as the regions are: hand each region its
	// matches, relative to its start.
	j := 0
	for i, r := range todo {
		var rel []rules.Match
		for j < len(found) && found[j].Start < r.end {
			if found[j].Start >= r.start {
				m := found[j]
				m.Start -= r.start
				m.End -= r.start
				rel = append(rel, m)
			}
			j++
		}
		c.put(keys[i], rel)
	}
	return append(out, found...)
}

func dedupMatches(ms []rules.Match) []rules.Match {
	slices.SortFunc(ms, func(a, b rules.Match) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return strings.Compare(a.Rule.ID, b.Rule.ID)
	})
	return slices.CompactFunc(ms, func(a, b rules.Match) bool {
		return a.Start == b.Start && a.End == b.End && a.Rule.ID == b.Rule.ID
	})
}

func inRegions(rs []region, s, e int) bool {
	i := sort.Search(len(rs), func(i int) bool { return rs[i].end >= e })
	return i < len(rs) && rs[i].start <= s
}

// expandRegions appends to out each changed span out to whole lines plus
// contextLines lines on each side (bounded by margin bytes per side, so a
// minified file does not turn a one-byte change into a megabyte), merging
// overlaps. spans must be sorted by start.
func expandRegions(out []region, data []byte, spans []region, margin int) []region {
	for _, sp := range spans {
		s, e := sp.start, sp.end
		lo := max(0, s-margin)
		if n := len(out); n > 0 && lo < out[n-1].end {
			// Bytes before the previous region's end are covered by it:
			// stopping there (and merging) saves rescanning them for
			// newlines, which matters for deltas of many small inserts.
			lo = max(out[n-1].end, 0)
			if lo > s {
				lo = s
			}
		}
		for k := 0; k <= contextLines; k++ {
			i := bytes.LastIndexByte(data[lo:s], '\n')
			if i < 0 {
				s = lo
				break
			}
			s = lo + i
			if k == contextLines {
				s++
			}
		}
		hi := min(len(data), e+margin)
		for k := 0; k <= contextAfter; k++ {
			if e >= hi {
				e = hi
				break
			}
			i := bytes.IndexByte(data[e:hi], '\n')
			if i < 0 {
				e = hi
				break
			}
			e += i
			if k < contextAfter {
				e++
			}
		}
		if n := len(out); n > 0 && s <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, e)
			continue
		}
		out = append(out, region{s, e})
	}
	return out
}

// deltaTargetSize reads the result size from a delta's header.
func deltaTargetSize(d []byte) (int64, bool) {
	_, n := binary.Uvarint(d)
	if n <= 0 {
		return 0, false
	}
	ts, m := binary.Uvarint(d[n:])
	if m <= 0 {
		return 0, false
	}
	return int64(ts), true
}

var errBadDelta = errors.New("invalid delta")

// applyDelta rebuilds a delta's target from base into dst. With track set
// it also appends to changed and returns the target spans not copied verbatim from base: inserted
// bytes, plus a zero-length mark where two copies from non-adjacent base
// offsets meet (a value could straddle that seam).
func applyDelta(base, d, dst []byte, changed []region, track bool) ([]byte, []region, error) {
	srcSize, n := binary.Uvarint(d)
	if n <= 0 || srcSize != uint64(len(base)) {
		return nil, nil, errBadDelta
	}
	d = d[n:]
	tgtSize, n := binary.Uvarint(d)
	if n <= 0 || tgtSize > 1<<40 {
		return nil, nil, errBadDelta
	}
	d = d[n:]
	if uint64(cap(dst)) < tgtSize {
		dst = make([]byte, 0, roundUp(int64(tgtSize)))
	}
	dst = dst[:0]
	lastCopyEnd := -1
	for len(d) > 0 {
		cmd := d[0]
		d = d[1:]
		switch {
		case cmd&0x80 != 0:
			var off, sz uint64
			for k := range 4 {
				if cmd&(1<<k) != 0 {
					if len(d) == 0 {
						return nil, nil, errBadDelta
					}
					off |= uint64(d[0]) << (8 * k)
					d = d[1:]
				}
			}
			for k := range 3 {
				if cmd&(0x10<<k) != 0 {
					if len(d) == 0 {
						return nil, nil, errBadDelta
					}
					sz |= uint64(d[0]) << (8 * k)
					d = d[1:]
				}
			}
			if sz == 0 {
				sz = 0x10000
			}
			if off+sz > uint64(len(base)) || uint64(len(dst))+sz > tgtSize {
				return nil, nil, errBadDelta
			}
			if track && lastCopyEnd >= 0 && int(off) != lastCopyEnd {
				changed = append(changed, region{len(dst), len(dst)})
			}
			dst = append(dst, base[off:off+sz]...)
			lastCopyEnd = int(off + sz)
		case cmd != 0:
			if int(cmd) > len(d) || uint64(len(dst))+uint64(cmd) > tgtSize {
				return nil, nil, errBadDelta
			}
			if track {
				if n := len(changed); n > 0 && changed[n-1].end == len(dst) {
					changed[n-1].end += int(cmd)
				} else {
					changed = append(changed, region{len(dst), len(dst) + int(cmd)})
				}
			}
			dst = append(dst, d[:cmd]...)
			d = d[cmd:]
			lastCopyEnd = -1
		default:
			return nil, nil, errBadDelta
		}
	}
	if uint64(len(dst)) != tgtSize {
		return nil, nil, errBadDelta
	}
	return dst, changed, nil
}

// region is a byte range [start, end) of a rebuilt object.
type region struct{ start, end int }

// roundUp gives reusable buffers power-of-two sizes, so a worker's
// buffers settle after a few objects instead of growing by every
// slightly larger version of a file.
func roundUp(n int64) int64 {
	c := int64(4096)
	for c < n {
		c <<= 1
	}
	return c
}
