package rules

import "math/bits"

// kwMatcher finds every occurrence of the rule keywords, ASCII case
// insensitively, overlapping ones included: an Aho-Corasick automaton
// compiled to a full DFA over byte classes.
//
// It is written here instead of using a library because the library
// (github.com/petar-dambovaliev/aho-corasick, used before) spent ~9 ns per
// byte on its overlapping iterator — the largest single cost of a scan. This
// DFA takes one table load per byte: the byte's class comes from a 256-entry
// array (upper-case letters share their lower-case class, bytes in no
// keyword share class 0), state ids are premultiplied row offsets, and the
// states with matches are numbered last, so the loop tests a match with
// one comparison.
type kwMatcher struct {
	class [256]uint8
	// shift is log2 of the row width (the class count rounded up to a
	// power of two), so a premultiplied state turns back into its index.
	shift uint
	// trans[s+class[b]] is the next state (premultiplied) after state s.
	trans []uint32
	// matchFrom is the first (premultiplied) state that ends a keyword.
	matchFrom uint32
	// out[(s-matchFrom)>>shift] lists the keywords ending in state s,
	// longest first — the order the library reported them in.
	out [][]int32
	// lens holds each keyword's length in bytes.
	lens []int
}

func foldASCII(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// newKWMatcher compiles keywords (non-empty, distinct after ASCII case
// folding). A keyword's id is its index in keywords.
func newKWMatcher(keywords []string) *kwMatcher {
	m := &kwMatcher{lens: make([]int, len(keywords))}
	nclass := 1 // class 0: bytes in no keyword
	var classOf [256]int
	total := 0
	for i, kw := range keywords {
		m.lens[i] = len(kw)
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
	stride := 1 << m.shift

	// The trie: state 0 is the root; delta starts as the goto function
	// (-1: no edge) and becomes the full DFA below.
	delta := make([]int32, stride, (total+1)*stride)
	for i := range delta {
		delta[i] = -1
	}
	own := []int32{-1} // the keyword a trie state spells, if any
	for i, kw := range keywords {
		s := int32(0)
		for j := 0; j < len(kw); j++ {
			c := classOf[foldASCII(kw[j])]
			next := delta[int(s)*stride+c]
			if next < 0 {
				next = int32(len(own))
				delta[int(s)*stride+c] = next
				own = append(own, -1)
				for range stride {
					delta = append(delta, -1)
				}
			}
			s = next
		}
		own[s] = int32(i)
	}
	n := len(own)

	// Failure links in breadth-first order turn the trie into a DFA; a
	// state's matches are its own keyword, then its failure state's.
	fail := make([]int32, n)
	outs := make([][]int32, n)
	queue := make([]int32, 0, n)
	for c := 0; c < nclass; c++ {
		if t := delta[c]; t > 0 {
			fail[t] = 0
			queue = append(queue, t)
		} else {
			delta[c] = 0
		}
	}
	for q := 0; q < len(queue); q++ {
		s := queue[q]
		if own[s] >= 0 {
			outs[s] = append(outs[s], own[s])
		}
		outs[s] = append(outs[s], outs[fail[s]]...)
		row, frow := int(s)*stride, int(fail[s])*stride
		for c := 0; c < nclass; c++ {
			if t := delta[row+c]; t >= 0 {
				fail[t] = delta[frow+c]
				queue = append(queue, t)
			} else {
				delta[row+c] = delta[frow+c]
			}
		}
	}

	// Renumber: states without matches first, then the rest, so one
	// comparison tells a match; ids become row offsets.
	newID := make([]uint32, n)
	next := uint32(0)
	for s := 0; s < n; s++ {
		if len(outs[s]) == 0 {
			newID[s] = next
			next++
		}
	}
	m.matchFrom = next << m.shift
	for s := 0; s < n; s++ {
		if len(outs[s]) > 0 {
			newID[s] = next
			m.out = append(m.out, outs[s])
			next++
		}
	}
	m.trans = make([]uint32, n*stride)
	for s := 0; s < n; s++ {
		row := int(newID[s]) << m.shift
		for c := 0; c < nclass; c++ {
			m.trans[row+c] = newID[delta[s*stride+c]] << m.shift
		}
	}
	return m
}

// each calls f for every keyword occurrence in data, ordered by end offset,
// and at one end offset longest keyword first.
func (m *kwMatcher) each(data []byte, f func(kw, start, end int)) {
	trans, class, mf := m.trans, &m.class, m.matchFrom
	s := uint32(0)
	for i := 0; i < len(data); i++ {
		s = trans[s+uint32(class[data[i]])]
		if s >= mf {
			for _, k := range m.out[(s-mf)>>m.shift] {
				f(int(k), i+1-m.lens[k], i+1)
			}
		}
	}
}
