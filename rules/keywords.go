package rules

import (
	"math/bits"
	"sync"
	"sync/atomic"
	"unsafe"
)

// kwMatcher finds every occurrence of the rule keywords, ASCII case
// insensitively, overlapping ones included: an Aho-Corasick automaton
// compiled to a full DFA over byte classes.
//
// It is written here instead of using a library because the library
// (github.com/petar-dambovaliev/aho-corasick, used before) spent ~9 ns per
// byte on its overlapping iterator — the largest single cost of a scan. This
// DFA takes one dependent table load per byte: the byte's class comes
// from a 256-entry array (upper-case letters share their lower-case class,
// bytes in no keyword share class 0), a state is its row's byte offset in
// the table, and the states with matches are numbered last, from a power
// of two, so the loop tests a match with one comparison (of several
// walks' states OR'ed).
type kwMatcher struct {
	class [256]uint8
	// shift is log2 of the row width (the class count rounded up to a
	// power of two); a state (a row's byte offset) >> (shift+2) is its
	// row's index.
	shift uint
	// lens holds each keyword's length in bytes; maxLen is the longest.
	lens   []int
	maxLen int
	// streamMin is the shortest input walked as seven walks (see each);
	// tests lower it to exercise the walks' boundaries on short inputs.
	streamMin int
	// bufs holds *kwScratch between inputs.
	bufs sync.Pool
	// byClass says each walks the input's classes (walkClasses) rather
	// than its bytes (walkBytes): kwByClass, which tests override.
	byClass bool

	// trie is the automaton as a sparse trie with failure links: cheap to
	// build, walked by eachSparse until the DFA below is worth building.
	trie kwTrie
	// sparseLeft is how many more input bytes eachSparse may walk before
	// the DFA is built (see kwSparseBudget); dfaOnce builds it and
	// dfaReady says it is built, after which only the fields below are read.
	sparseLeft atomic.Int64
	dfaOnce    sync.Once
	dfaReady   atomic.Bool

	// trans holds the DFA's rows; a state is its row's byte offset, and
	// the state after s on byte b is at byte s+4*class[b]. cls[b] points
	// at trans[class[b]], so that is *(cls[b]+s): no arithmetic in the
	// chain of dependent loads that a walk is.
	trans []uint32
	cls   [256]unsafe.Pointer
	// matchFrom is the first state that ends a keyword, a power of two
	// (see renumber).
	matchFrom uint32
	// out[(s-matchFrom)>>(shift+2)] lists the keywords ending in state s,
	// longest first — the order the library reported them in.
	out [][]int32
}

// kwTrie is the keyword trie, states numbered in insertion order (the
// root is 0), with each state's edges as a list.
type kwTrie struct {
	// first holds a state's first child, sibling the next child of the
	// same parent, label the class on the edge into a state, depth its
	// distance from the root.
	first, sibling, depth []int32
	label                 []uint8
	// fail is a state's failure state; queue the states in breadth-first
	// order.
	fail  []int32
	queue []int32
	// The keywords ending in state s, longest first, are
	// outBuf[outLo[s]:outHi[s]]: one array for all states instead of a
	// slice each (~1,800 allocations and 220 KB of slice headers for the
	// built-in keywords). hasOut[s] says the list is not empty (one byte
	// to test per input byte).
	outBuf       []int32
	outLo, outHi []int32
	hasOut       []bool
	// rowOf is a state's row in rows, or -1: the states up to
	// kwShallowDepth bytes deep have dense rows (the DFA's transitions
	// from them, one per class, as trie states), so a walk follows no
	// failure chain past them. A walk over text spends most of its steps
	// there (~300 states of ~9,400 for the built-in keywords, 80 KB).
	rowOf []int32
	rows  []int32
}

// kwShallowDepth is the depth up to which trie states have dense rows.
const kwShallowDepth = 2

// kwSparseBudget is how many input bytes a matcher walks over its trie
// before it builds its DFA. The DFA walks a byte in about 1 ns against the
// trie's several, but its table is ~2.3 MB for the built-in keywords,
// written row by row: building it cost a start-up more than all else
// (most of a pre-commit scan's CPU time, which walks a few KB). Past the
// budget the table pays for itself within a few milliseconds of
// scanning. Any input longer than the budget goes straight to the DFA.
//
// It was 1 MB, but the trie walks a byte at ~10-20 ns: a fresh matcher
// (trie, then SQLAlchemy's first 4 MB in 16 KB inputs) took 48 ms with
// that budget and 30 ms with this one (GOMAXPROCS=1, medians of 6, load
// ~20). 256 KB still keeps a pre-commit scan (a few files, a few KB) on
// the trie.
const kwSparseBudget = 256 << 10

// streamMin is the default kwMatcher.streamMin: below it the seven walks'
// set-up (a call, the hits' buffers) and their warm-ups (maxLen-1 bytes
// each, walked in lockstep with the rest) cost more than the
// interleaving saves. BenchmarkKWMatcher's inputs of 128 and 256 bytes
// run ~1.7x faster as seven walks than as one, 64 bytes about as fast
// (process CPU, medians of 5, load 13). With four walks in Go it was 512,
// as each of the three walks' warm-ups then ran on its own first.
const streamMin = 64

func foldASCII(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// newKWClasses starts a matcher for keywords: their lengths and the byte
// classes (bytes in no keyword share class 0; ASCII case folded), shared
// by newKWMatcher and the dense reference builder in the tests. nclass
// counts the classes; total is the keywords' summed length, the trie's
// size bound.
func newKWClasses(keywords []string) (m *kwMatcher, nclass, total int) {
	m = &kwMatcher{lens: make([]int, len(keywords)), streamMin: streamMin, byClass: kwByClass}
	nclass = 1 // class 0: bytes in no keyword
	var classOf [256]int
	for i, kw := range keywords {
		m.lens[i] = len(kw)
		m.maxLen = max(m.maxLen, len(kw))
		total += len(kw)
		for j := 0; j < len(kw); j++ {
			b := foldASCII(kw[j])
			if classOf[b] == 0 {
				classOf[b] = nclass
				nclass++
			}
		}
	}
	for b := 0; b < 256; b++ {
		m.class[b] = uint8(classOf[foldASCII(byte(b))])
	}
	m.shift = uint(bits.Len(uint(nclass - 1)))
	return m, nclass, total
}

// newKWMatcher compiles keywords (non-empty, distinct after ASCII case
// folding). A keyword's id is its index in keywords. It builds the trie;
// the DFA is built by the first input past kwSparseBudget (see each).
func newKWMatcher(keywords []string) *kwMatcher {
	m, _, total := newKWClasses(keywords)
	m.buildTrie(keywords, total)
	m.sparseLeft.Store(kwSparseBudget)
	return m
}

// buildTrie builds m.trie for keywords (total bytes in all).
func (m *kwMatcher) buildTrie(keywords []string, total int) {
	stride := 1 << m.shift
	t := &m.trie

	// The trie: state 0 is the root. A state's edges are a list: first
	// holds its first child, sibling the next child of the same parent,
	// label the class on the edge into a state, own the keyword it spells.
	first := make([]int32, 1, total+1)
	sibling := make([]int32, 1, total+1)
	label := make([]uint8, 1, total+1)
	own := make([]int32, 1, total+1)
	depth := make([]int32, 1, total+1)
	first[0], sibling[0], own[0] = -1, -1, -1
	// The edges of the root and of the states one byte deep are also
	// dense rows (buildRow[s] is s's, -1 for a deeper state): most
	// lookups are theirs (every keyword's first bytes, the end of most
	// failure chains), and their lists are long; walking them was most of
	// a start's trie building (~5 M instructions, an eighth of a one-file
	// scan).
	buildRow := make([]int32, 1, total+1)
	buildRows := make([]int32, stride)
	for c := range buildRows {
		buildRows[c] = -1
	}
	child := func(s int32, c uint8) int32 {
		if r := buildRow[s]; r >= 0 {
			return buildRows[int(r)*stride+int(c)]
		}
		for t := first[s]; t >= 0; t = sibling[t] {
			if label[t] == c {
				return t
			}
		}
		return -1
	}
	for i, kw := range keywords {
		s := int32(0)
		for j := 0; j < len(kw); j++ {
			c := m.class[kw[j]] // classes are case-folded
			next := child(s, c)
			if next < 0 {
				next = int32(len(own))
				first = append(first, -1)
				sibling = append(sibling, first[s])
				label = append(label, c)
				own = append(own, -1)
				depth = append(depth, int32(j+1))
				first[s] = next
				if r := buildRow[s]; r >= 0 {
					buildRows[int(r)*stride+int(c)] = next
				}
				r := int32(-1)
				if j == 0 {
					r = int32(len(buildRows) / stride)
					for range stride {
						buildRows = append(buildRows, -1)
					}
				}
				buildRow = append(buildRow, r)
			}
			s = next
		}
		own[s] = int32(i)
	}
	n := len(own)

	// Failure links in breadth-first order, following the failure chain
	// over the sparse edges; a state's matches are its own keyword, then
	// its failure state's.
	fail := make([]int32, n)
	outLo, outHi := make([]int32, n), make([]int32, n)
	outBuf := make([]int32, 0, 2*len(keywords))
	queue := make([]int32, 1, n)
	for q := 0; q < len(queue); q++ {
		s := queue[q]
		lo := int32(len(outBuf))
		if own[s] >= 0 {
			outBuf = append(outBuf, own[s])
		}
		if s != 0 { // fail[s] is shallower: its list is written
			outBuf = append(outBuf, outBuf[outLo[fail[s]]:outHi[fail[s]]]...)
		}
		outLo[s], outHi[s] = lo, int32(len(outBuf))
		for t := first[s]; t >= 0; t = sibling[t] {
			queue = append(queue, t)
			if s == 0 {
				continue // fail[t] = 0
			}
			f := fail[s]
			for {
				if g := child(f, label[t]); g >= 0 {
					fail[t] = g
					break
				}
				if f == 0 {
					break
				}
				f = fail[f]
			}
		}
	}

	// Dense rows for the shallow states, in breadth-first order (the
	// queue starts with them), built as buildDFA builds its rows: the
	// root's row is its own edges, another state's is its failure state's
	// row (shallower, so already written) with its own edges over it.
	rowOf := make([]int32, n)
	hasOut := make([]bool, n)
	for s := range rowOf {
		rowOf[s] = -1
		hasOut[s] = outHi[s] > outLo[s]
	}
	shallow := 1
	for shallow < len(queue) && depth[queue[shallow]] <= kwShallowDepth {
		shallow++
	}
	rows := make([]int32, shallow*stride)
	for r, s := range queue[:shallow] {
		rowOf[s] = int32(r)
		row := rows[r*stride:][:stride]
		if s != 0 {
			copy(row, rows[int(rowOf[fail[s]])*stride:][:stride])
		}
		for t := first[s]; t >= 0; t = sibling[t] {
			row[label[t]] = t
		}
	}
	*t = kwTrie{first: first, sibling: sibling, depth: depth, label: label,
		fail: fail, queue: queue, outBuf: outBuf, outLo: outLo, outHi: outHi, hasOut: hasOut,
		rowOf: rowOf, rows: rows}
}

// ensureDFA builds the DFA once; each calls it when the sparse budget is
// spent, tests to compare the tables.
func (m *kwMatcher) ensureDFA() {
	m.dfaOnce.Do(func() {
		m.buildDFA()
		m.dfaReady.Store(true)
	})
}

// buildDFA writes the DFA's tables from the trie.
//
// The builder keeps the trie sparse (each state's edges as a list) and
// writes every dense row once, straight into the final table: a state's
// row is its failure state's row with its own edges written over it, and
// rows are filled in breadth-first order, so the failure state's row (one
// level up or more) is always complete. Building the trie and the failure
// links as dense tables first, as before, cleared and rewrote ~6 MB for the
// built-in keywords and was most of a start-up's CPU time (~9,000 states
// of 64 classes). TestKWBuilderMatchesDense and FuzzKWBuilder check the
// table against that dense builder (kept in keywords_test.go).
func (m *kwMatcher) buildDFA() {
	t := &m.trie
	stride := 1 << m.shift
	newID, matchFrom := renumber(t.depth, t.hasOut, m.maxLen, m.shift+2)
	m.matchFrom = matchFrom
	matching := 0
	for _, h := range t.hasOut {
		if h {
			matching++
		}
	}
	if matching > 0 {
		m.out = make([][]int32, matching)
		for s, id := range newID {
			if id >= matchFrom {
				lo, hi := t.outLo[s], t.outHi[s]
				m.out[(id-matchFrom)>>(m.shift+2)] = t.outBuf[lo:hi:hi]
			}
		}
	}

	// The dense rows, in breadth-first order: the root's row is its own
	// edges (every other class stays in the root), any other state's is
	// its failure state's row with its own edges written over it.
	m.trans = make([]uint32, int(matchFrom)/4+matching*stride)
	for _, s := range t.queue {
		row := m.trans[newID[s]/4:][:stride]
		if s != 0 {
			copy(row, m.trans[newID[t.fail[s]]/4:][:stride])
		}
		for c := t.first[s]; c >= 0; c = t.sibling[c] {
			row[t.label[c]] = newID[c]
		}
	}
	for b := range m.cls {
		m.cls[b] = unsafe.Pointer(&m.trans[m.class[b]])
	}
}

// eachSparse is each over the trie: at a state with a dense row one
// lookup, else its own edges, then its failure state's, and so on up to a
// state with a dense row. FuzzKWSparse checks it against the DFA.
func (m *kwMatcher) eachSparse(data []byte, f func(kw, start, end int)) {
	t := &m.trie
	shift := m.shift
	s := int32(0)
	for i, b := range data {
		c := m.class[b]
		if c == 0 { // a byte in no keyword: back to the root
			s = 0
			continue
		}
		for {
			if r := t.rowOf[s]; r >= 0 {
				s = t.rows[int(r)<<shift+int(c)]
				break
			}
			g := t.first[s]
			for g >= 0 && t.label[g] != c {
				g = t.sibling[g]
			}
			if g >= 0 {
				s = g
				break
			}
			s = t.fail[s]
		}
		if t.hasOut[s] {
			for _, k := range t.outBuf[t.outLo[s]:t.outHi[s]] {
				f(int(k), i+1-m.lens[k], i+1)
			}
		}
	}
}

// renumber gives each trie state its row's byte offset in the table
// (row index << shift): states without matches first, then the rest, so
// one comparison tells a match (matchFrom is the first matching state's
// offset); within each group by depth, shallowest first, and by trie id
// within a depth. A walk over text spends nearly all its steps in the
// first levels of the trie, and numbering them together keeps the rows
// it keeps reading in one dense block of the table (fewer cache lines and
// pages) instead of scattered through 2 MB in keyword order. depth[s] is
// state s's depth (the root's 0, none past maxLen).
//
// matchFrom is rounded up to a power of two (the rows between are never
// read), so that no state without matches has its bit: the walks test
// several states at once with (s0|s1|…) >= matchFrom. For the built-in
// keywords that is 1.87 MB of rows without matches padded to 2 MB.
func renumber(depth []int32, hasOut []bool, maxLen int, shift uint) (newID []uint32, matchFrom uint32) {
	n := len(depth)
	// A counting sort: start[g*levels+d+1] counts group g (0: no
	// matches, 1: matches) at depth d, then becomes where it starts.
	levels := maxLen + 1
	start := make([]uint32, 2*levels+1)
	group := func(s int) int {
		if hasOut[s] {
			return levels
		}
		return 0
	}
	for s := 0; s < n; s++ {
		start[group(s)+int(depth[s])+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	// start[levels] is the end of the last level without matches: the
	// first matching state.
	first := start[levels] << shift
	matchFrom = padPow2(first)
	newID = make([]uint32, n)
	for s := 0; s < n; s++ {
		k := group(s) + int(depth[s])
		newID[s] = start[k] << shift
		if hasOut[s] {
			newID[s] += matchFrom - first
		}
		start[k]++
	}
	return newID, matchFrom
}

// padPow2 is the least power of two >= x (x > 0).
func padPow2(x uint32) uint32 {
	return 1 << bits.Len32(x-1)
}

// each calls f for every keyword occurrence in data, ordered by end offset,
// and at one end offset longest keyword first.
//
// One DFA walk is a chain of dependent loads (the next state needs the
// current one), so it runs at the latency of a load, not at the
// processor's throughput. A long input is therefore walked as seven
// independent walks over its sevenths, in lockstep (walkBytes or
// walkClasses), which keeps seven loads in flight. Walk k starts maxLen-1
// bytes before its seventh (walk 0 at the start, covering as many bytes
// as the others) and reports only the matches that end in its seventh:
// the automaton's state is the longest keyword prefix ending at the
// current byte, never longer than maxLen, so after maxLen-1 bytes of
// warm-up it is the state a single walk from the start would be in.
// Matches are buffered per walk and reported walk by walk, which keeps
// the single walk's order.
func (m *kwMatcher) each(data []byte, f func(kw, start, end int)) {
	if !m.dfaReady.Load() {
		if m.sparseLeft.Add(-int64(len(data))) >= 0 {
			m.eachSparse(data, f)
			return
		}
		m.ensureDFA()
	}
	ov := max(m.maxLen-1, 0)
	q := (len(data) - ov) / kwWalks
	if len(data) < m.streamMin || q < 1 || uint64(len(data)) >= 1<<32 {
		m.eachFrom(data, 0, 0, f)
		return
	}
	sc, _ := m.bufs.Get().(*kwScratch)
	if sc == nil {
		sc = new(kwScratch)
	}
	for k := range sc.hits {
		sc.hits[k] = sc.hits[k][:0]
	}
	// Walk k reads data[k*q+i] at step i; steps 0 to ov-1 are its
	// warm-up, except walk 0's, whose bytes no other walk reads.
	var s [kwWalks]uint32
	if m.byClass {
		m.walkClasses(data, q, ov, sc, &s)
	} else {
		m.walkBytes(data, q, ov, &sc.hits, &s)
	}
	for _, h := range sc.hits {
		for _, x := range h {
			m.report(int(x>>32), uint32(x), f)
		}
	}
	// The rest of the last seventh (len(data)-ov is not a multiple of 7).
	m.eachFrom(data, kwWalks*q+ov, s[kwWalks-1], f)
	m.bufs.Put(sc)
}

// walkBytes runs each's seven walks over data's bytes (kwWalk7), from
// and to the states s, leaving their matches in sh.
func (m *kwMatcher) walkBytes(data []byte, q, ov int, sh *streamHits, s *[kwWalks]uint32) {
	mf := m.matchFrom
	steps := q + ov
	base := unsafe.Pointer(unsafe.SliceData(data))
	for i := 0; i < steps; {
		end := min(steps, i+kwWalkChunk)
		p := kwWalk7(&m.cls, (*byte)(unsafe.Add(base, i)), (*byte)(unsafe.Add(base, end)), uintptr(q), mf, s)
		i = int(uintptr(unsafe.Pointer(p)) - uintptr(base))
		if s[0]|s[1]|s[2]|s[3]|s[4]|s[5]|s[6] >= mf {
			sh.add(s, mf, i-1, q, ov)
		}
	}
}

// walkClasses is walkBytes over the bytes' classes: kwChunk steps at a
// time, it writes the classes of the bytes the seven walks read next to
// sc.cls (walk k's from k*kwChunk on, kwClasses) and walks them with
// kwWalkT. A step of kwWalk7 loads a byte, its class's row pointer and
// the next state; one of kwWalkT loads a class and the next state.
// Seven walks of three loads a step kept the load ports busy whenever
// the table was in the first-level cache; the classes, written 64 an
// instruction, cost less than the loads they save (see kwByClass).
func (m *kwMatcher) walkClasses(data []byte, q, ov int, sc *kwScratch, s *[kwWalks]uint32) {
	mf := m.matchFrom
	steps := q + ov
	trans := unsafe.Pointer(unsafe.SliceData(m.trans))
	base := unsafe.Pointer(&sc.cls[0])
	for c0 := 0; c0 < steps; c0 += kwChunk {
		n := min(kwChunk, steps-c0)
		kwClasses(&sc.cls, data[c0:], n, q, &m.class)
		for j := 0; j < n; {
			p := kwWalkT(trans, (*byte)(unsafe.Add(base, j)), (*byte)(unsafe.Add(base, n)), mf, s)
			j = int(uintptr(unsafe.Pointer(p)) - uintptr(base))
			if s[0]|s[1]|s[2]|s[3]|s[4]|s[5]|s[6] >= mf {
				sc.hits.add(s, mf, c0+j-1, q, ov)
			}
		}
	}
}

// kwChunk is how many steps walkClasses writes the classes of at a time,
// and how far apart kwWalkT's walks read theirs (kwStride in
// kwclass_amd64.s): 7 KB of classes, which stay in the first-level cache
// and bound a kwWalkT call (see kwWalkChunk).
const kwChunk = 1024

// kwScratch is each's scratch, kept in kwMatcher.bufs between inputs.
type kwScratch struct {
	hits streamHits
	cls  [kwWalks * kwChunk]byte
}

// kwClassesGo is kwClasses in Go.
func kwClassesGo(dst *[kwWalks * kwChunk]byte, data []byte, n, q int, class *[256]uint8) {
	for k := range kwWalks {
		out := dst[k*kwChunk:][:n]
		for i, b := range data[k*q:][:n] {
			out[i] = class[b]
		}
	}
}

// kwWalks is how many walks each runs in lockstep.
const kwWalks = 7

// kwWalkChunk bounds the steps of one kwWalk7 call: the assembly loop
// cannot be preempted, and a long input without matches would otherwise
// hold off the garbage collector for the whole walk.
const kwWalkChunk = 1 << 16

// streamHits holds the matches of the walks of one input, each as end
// offset<<32 | state, until they are reported in order.
type streamHits [kwWalks][]uint64

// add records the matching states among s, the states of the walks after
// their step i (walk k at data[k*q+i]), except in a warm-up (i < ov,
// walk k > 0).
func (sh *streamHits) add(s *[kwWalks]uint32, mf uint32, i, q, ov int) {
	for k, st := range s {
		if st >= mf && (k == 0 || i >= ov) {
			sh[k] = append(sh[k], uint64(k*q+i)<<32|uint64(st))
		}
	}
}

// eachFrom continues a walk in state s at data[from], reporting matches
// as each does.
func (m *kwMatcher) eachFrom(data []byte, from int, s uint32, f func(kw, start, end int)) {
	cls, mf := &m.cls, m.matchFrom
	for i := from; i < len(data); i++ {
		// cls[b] points into trans and s is a row's byte offset in it.
		s = *(*uint32)(unsafe.Add(cls[data[i]], s))
		if s >= mf {
			m.report(i, s, f)
		}
	}
}

// report calls f for the keywords ending at data[i] in (matching) state s.
func (m *kwMatcher) report(i int, s uint32, f func(kw, start, end int)) {
	for _, k := range m.out[(s-m.matchFrom)>>(m.shift+2)] {
		f(int(k), i+1-m.lens[k], i+1)
	}
}
