package mutate

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
)

// PairSet is an immutable set of pairs (synthetic → original) that a
// session issued, ready to be loaded into later sessions with AddPairSet.
// A proxy that remembers how it mutated a text keeps the text's PairSet
// beside it: loading it costs a few map inserts per pair, where AddPairs
// validates, lowercases, sorts and copies every pair again. A PairSet is
// safe for concurrent use (it is never written after it is made).
type PairSet struct {
	pairs []pair   // sorted by syn; strings owned, never slices of a text
	canon []string // canonical (lowercase) form of pairs[i].syn
	// tables is what loading the set into an empty session gives its
	// maps, built on the first such load (a set made for a text seen once
	// never needs them). A session takes clones of them, which copy the
	// maps' memory, instead of inserting every pair (AddPairSet).
	tables func() *pairTables
	// m is the Mutator of the session the set was made in; its excluded
	// names (the same in every Mutator: the built-in vocabulary) decide
	// codeSel. Nil when that session was read from a map file; then the
	// tables have no selections and only such sessions adopt them.
	m *Mutator
}

// pairTables are a session's maps holding exactly one PairSet.
type pairTables struct {
	o2s              map[string]string
	s2o              map[string]int
	codeSel, textSel map[string]bool
}

// PairSetOf returns the pairs of s whose synthetics are in syns (as
// Replacements returns them; duplicates are fine). A synthetic s did not
// issue is an error.
func (s *Session) PairSetOf(syns []string) (*PairSet, error) {
	// The pairs taken, by index in s.pairs, each with its synthetic's
	// sort key: sorting these small records moves 16 bytes a swap and
	// reads no string unless two keys are equal, where sorting the pairs
	// moved 40 and computed both keys on every comparison.
	// A text's pairs are a few hundred as a rule: on the stack.
	var keyBuf [256]pairKey
	keys := keyBuf[:0]
	seen := make([]uint64, len(s.pairs)/64+1) // by index in s.pairs
	size := 0
	// syns repeat (one per replacement): a synthetic just taken is
	// skipped before it is validated and looked up again.
	var taken recent
	for _, syn := range syns {
		if _, ok := taken.get(syn); ok {
			continue
		}
		idx, err := s.issuedIndex(syn)
		if err != nil {
			return nil, err
		}
		if seen[idx/64]&(1<<(idx%64)) != 0 {
			continue
		}
		seen[idx/64] |= 1 << (idx % 64)
		taken.put(syn, true)
		p := &s.pairs[idx]
		keys = append(keys, pairKey{prefixKey(p.syn), idx})
		size += 2*len(p.syn) + len(p.orig)
	}
	// Sorted so that a session loading the set holds its pairs in an order
	// that does not depend on the order of syns (as AddPairs): by syn
	// (synthetics are distinct, so the order is the same however sorted).
	s.sortPairKeys(keys)
	// Copies, all in one string: a pair may alias the text it was mutated
	// from, which a set kept for later must not hold alive.
	// A synthetic of the lowercase shape is its own canonical form: the
	// copy of the one serves as the other.
	var b strings.Builder
	b.Grow(size)
	lower := make([]bool, len(keys))
	for i, k := range keys {
		p := &s.pairs[k.idx]
		b.WriteString(p.syn)
		b.WriteString(p.orig)
		var canon [maxSynthLen]byte
		if len(p.syn) > maxSynthLen {
			b.WriteString(strings.ToLower(p.syn)) // not reached: issued synthetics are short
			continue
		}
		lowerInto(canon[:], p.syn)
		if lower[i] = string(canon[:len(p.syn)]) == p.syn; !lower[i] {
			b.Write(canon[:len(p.syn)])
		}
	}
	all := b.String()
	ps := &PairSet{pairs: make([]pair, len(keys)), canon: make([]string, len(keys))}
	off := 0
	for i, k := range keys {
		p := s.pairs[k.idx]
		ns, no := len(p.syn), len(p.orig)
		p.syn, p.orig = all[off:off+ns], all[off+ns:off+ns+no]
		off += ns + no
		if lower[i] {
			ps.canon[i] = p.syn
		} else {
			ps.canon[i] = all[off : off+ns]
			off += ns
		}
		ps.pairs[i] = p
	}
	ps.m = s.m
	ps.tables = sync.OnceValue(ps.buildTables)
	return ps, nil
}

// sortPairKeys sorts keys by their pairs' synthetics. Most sets are
// sorted as plain numbers: when every synthetic starts with '_' and the
// indexes fit 16 bits, a synthetic's bytes 1-6 above its index make one
// uint64 whose order is the synthetics' order but where those six bytes
// are equal; such runs (rare: most of the bytes are HMAC symbols) are
// then sorted as strings. Sorting the records with a comparison function
// cost ~80 k instructions for a 64 KB request's 200 pairs.
func (s *Session) sortPairKeys(keys []pairKey) {
	byString := func(a, b pairKey) int {
		if a.k != b.k {
			return cmp.Compare(a.k, b.k)
		}
		return strings.Compare(s.pairs[a.idx].syn, s.pairs[b.idx].syn)
	}
	packable := len(s.pairs) <= 1<<16
	for _, k := range keys {
		if k.k>>56 != '_' {
			packable = false
			break
		}
	}
	if !packable {
		slices.SortFunc(keys, byString)
		return
	}
	var packBuf [256]uint64
	packed := packBuf[:0]
	for _, k := range keys {
		packed = append(packed, k.k<<8&^(1<<16-1)|uint64(k.idx))
	}
	slices.Sort(packed)
	for i := 0; i < len(packed); {
		j := i + 1
		for j < len(packed) && packed[j]>>16 == packed[i]>>16 {
			j++
		}
		for m := i; m < j; m++ {
			idx := int(packed[m] & (1<<16 - 1))
			keys[m] = pairKey{idx: idx}
			if j-i > 1 {
				keys[m].k = prefixKey(s.pairs[idx].syn)
			}
		}
		if j-i > 1 {
			slices.SortFunc(keys[i:j], byString)
		}
		i = j
	}
}

// pairKey is a pair PairSetOf takes: its synthetic's prefixKey and its
// index in the session's pairs.
type pairKey struct {
	k   uint64
	idx int
}

// prefixKey is s's first eight bytes as a big-endian number (zero bytes
// past its end): keys in order are strings in order, equal keys are
// compared as strings.
func prefixKey(s string) uint64 {
	if len(s) >= 8 {
		return uint64(s[0])<<56 | uint64(s[1])<<48 | uint64(s[2])<<40 | uint64(s[3])<<32 |
			uint64(s[4])<<24 | uint64(s[5])<<16 | uint64(s[6])<<8 | uint64(s[7])
	}
	var k uint64
	for i := range 8 {
		k <<= 8
		if i < len(s) {
			k |= uint64(s[i])
		}
	}
	return k
}

// issuedIndex is the index in s.pairs of the pair whose synthetic is syn
// (any letter case). A synthetic issued exactly so is known well formed
// without reading it again.
func (s *Session) issuedIndex(syn string) (int, error) {
	var canon [maxSynthLen]byte
	if len(syn) <= maxSynthLen {
		lowerInto(canon[:], syn)
		if idx, ok := s.s2o[string(canon[:len(syn)])]; ok && s.pairs[idx].syn == syn {
			return idx, nil
		}
	}
	n, _ := synthAt(syn, 0)
	if syn == "" || n != len(syn) {
		return 0, fmt.Errorf("pair set: %q is not a synthetic", syn)
	}
	lowerInto(canon[:], syn)
	idx, ok := s.s2o[string(canon[:len(syn)])]
	if !ok {
		return 0, fmt.Errorf("pair set: %s was not issued by this session", syn)
	}
	return idx, nil
}

// buildTables loads ps into empty maps, as AddPairSet does pair by pair.
func (ps *PairSet) buildTables() *pairTables {
	n := len(ps.pairs)
	t := &pairTables{o2s: make(map[string]string, n), s2o: make(map[string]int, n)}
	if ps.m != nil {
		t.codeSel, t.textSel = make(map[string]bool, n), make(map[string]bool, n)
	}
	for i, c := range ps.canon {
		p := ps.pairs[i]
		t.s2o[c] = i // canonical forms are distinct: one per issued pair
		if _, ok := t.o2s[p.orig]; ok {
			continue
		}
		t.o2s[p.orig] = p.syn
		if ps.m != nil {
			t.textSel[p.orig] = true
			if _, kw := ps.m.sets.excluded[p.orig]; !kw {
				t.codeSel[p.orig] = true
			}
		}
	}
	return t
}

// Len is the number of pairs in the set.
func (ps *PairSet) Len() int { return len(ps.pairs) }

// Pairs returns a copy of the set as a map, synthetic → original.
func (ps *PairSet) Pairs() map[string]string {
	out := make(map[string]string, len(ps.pairs))
	for _, p := range ps.pairs {
		out[p.syn] = p.orig
	}
	return out
}

// Size is about the bytes the set holds, for callers that bound a cache
// (its tables, built on first use, included).
func (ps *PairSet) Size() int {
	n := (48 + 4*40) * len(ps.pairs)
	for _, p := range ps.pairs {
		n += 2*len(p.syn) + len(p.orig)
	}
	return n
}

// AddPairSet is AddPairs for a set made by PairSetOf: the same result,
// without validating and copying the pairs again. A synthetic that stands
// for another original in s is an error, and then s is unchanged.
func (s *Session) AddPairSet(ps *PairSet) error {
	if s.done {
		return errDone
	}
	if len(s.pairs) == 0 && len(ps.pairs) > 0 && (ps.m != nil || s.m == nil) {
		s.adopt(ps)
		return nil
	}
	for i, c := range ps.canon {
		if idx, ok := s.s2o[c]; ok && s.pairs[idx].orig != ps.pairs[i].orig {
			return fmt.Errorf("add pairs: %s already stands for another name", ps.pairs[i].syn)
		}
	}
	s.ownPairs()
	if n := len(ps.pairs); len(s.pairs) < n {
		// A set larger than what the session holds (its first, as a rule):
		// size the tables for both once instead of growing them pair by
		// pair. The session may hold decisions on a few words already (a
		// short system prompt mutated first).
		s.o2s, s.s2o = grown(s.o2s, n), grown(s.s2o, n)
		s.pairs = slices.Grow(s.pairs, n)
		if s.m != nil {
			s.codeSel.own, s.textSel.own = grown(s.codeSel.own, n), grown(s.textSel.own, n)
		}
	}
	for i, c := range ps.canon {
		if _, ok := s.s2o[c]; ok {
			continue
		}
		p := ps.pairs[i]
		s.s2o[c] = len(s.pairs)
		s.pairs = append(s.pairs, p)
		if _, ok := s.o2s[p.orig]; ok {
			continue
		}
		s.o2s[p.orig] = p.syn
		if s.m != nil {
			// Selected, as if mutating had chosen it (selected).
			s.textSel.set(p.orig, true)
			if _, kw := s.m.sets.excluded[p.orig]; !kw {
				s.codeSel.set(p.orig, true)
			}
		}
	}
	return nil
}

// adopt is AddPairSet into a session that holds no pair yet (the first set
// a proxy request loads, as a rule): the session reads the set's tables
// where they are, and copies its pair tables only if it issues or learns
// a pair later (ownPairs). The session may hold decisions on words that
// selected nothing (a short system prompt mutated first); they stay above
// the set's, except where the set decides the same word, as loading pair
// by pair would.
func (s *Session) adopt(ps *PairSet) {
	t := ps.tables()
	s.pairs = ps.pairs[:len(ps.pairs):len(ps.pairs)]
	s.o2s, s.s2o, s.shared = t.o2s, t.s2o, true
	if s.m != nil {
		for _, sm := range []struct {
			m    *selMap
			base map[string]bool
		}{{&s.codeSel, t.codeSel}, {&s.textSel, t.textSel}} {
			for w := range sm.m.own {
				if _, ok := sm.base[w]; ok {
					delete(sm.m.own, w)
				}
			}
			sm.m.base = sm.base
		}
	}
}

// grown returns m, or a copy of it with room for n more entries when m is
// small next to n.
func grown[V any](m map[string]V, n int) map[string]V {
	if m != nil && len(m) >= n {
		return m
	}
	out := make(map[string]V, len(m)+n)
	maps.Copy(out, m)
	return out
}
