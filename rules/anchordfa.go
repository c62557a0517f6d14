package rules

import (
	"regexp/syntax"
	"slices"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"
)

// The refusal DFA: an anchored attempt (anchoredMatches) almost always
// fails. On $GOROOT/src ~50,000 attempts find ~330 matches, and the
// regexp package's backtracker spends ~9,000 instructions on each (it
// tracks submatches, clears a visited set, and retries every alternative
// of a (?i) keyword list and every length of a bounded repeat), ~20% of
// the scan's instructions. Most fail a few bytes after the keyword
// (`token.Pos` for the generic password rule, `name string` for the
// name/value rule). A DFA of the pattern over ASCII bytes, without
// submatches or assertions, tells such an attempt in a table step a
// byte, and only the attempts it cannot refuse run the regex.
//
// The DFA over-approximates the pattern: every assertion (\b, ^, $, \A)
// is taken to hold, and it gives up ("maybe") at a non-ASCII byte, at the
// end of the attempt's input, at a state past its size bound, and when a
// match is possible. So it refuses an attempt only when no path of the
// program can consume the attempt's bytes, which every match would have
// to: the regex finds no match there either.

// refuseAfter is how many attempts an anchor runs before it builds its
// DFA: a pre-commit scan meets a few dozen of a rule's keywords at most,
// and parsing and compiling the pattern once more costs about what a few
// dozen attempts do.
const refuseAfter = 32

// maxRefuseStates bounds a DFA's states (a counted repeat such as
// `[\s\S]{0,40}?` makes one for each count); a step into a state past it
// answers "maybe".
const maxRefuseStates = 256

// DFA states: a state is its row's offset in the table, so a step is
// one load. Three pseudo-states: two end a walk, one is a step not yet
// worked out.
const (
	refuseDead    = -1 // no path survives: refuse
	refuseMaybe   = -2 // a match is possible, or the DFA gave up
	refuseUnknown = -3 // not yet built
)

const nonASCIIClass = 0xff

// refuser counts an anchor's attempts and builds its DFA, a step at a
// time as walks need them, once there have been refuseAfter of them. A
// rule's anchor is shared by the scan's workers: mu guards the DFA.
type refuser struct {
	tries  atomic.Int32
	failed atomic.Bool // the pattern makes no DFA
	mu     sync.Mutex
	dfa    *refuseDFA
}

// refuseDFA is a lazily built DFA of a pattern.
type refuseDFA struct {
	prog *syntax.Prog
	// class maps a byte to its column: ASCII bytes that every
	// consuming instruction treats alike share one; non-ASCII bytes
	// map to nonASCIIClass. reps holds a byte of each column.
	class [256]uint8
	reps  []byte
	ncls  int
	// ascii holds, per instruction, the ASCII bytes it consumes
	// (asciiSet).
	ascii [][2]uint64
	// trans[s+c] is the state after state s reads a byte of column c:
	// a row offset, or one of the pseudo-states.
	trans []int32
	// start is the first state (refuseMaybe when the empty string
	// matches).
	start int32
	// sets holds each state's consuming instructions (sorted), index
	// finds a set's state.
	sets  [][]uint32
	index map[string]int32
	// mark, gen, stack and set are closure's scratch, key state's.
	mark  []uint32
	gen   uint32
	stack []uint32
	next  []uint32
	set   []uint32
	key   []byte
}

// mayMatch reports whether a match of pattern pat may begin at data[p]
// and end at or before end: false only when the DFA refuses it.
func (r *refuser) mayMatch(pat string, data []byte, p, end int) bool {
	if r.failed.Load() {
		return true
	}
	if r.tries.Load() < refuseAfter {
		r.tries.Add(1)
		return true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.dfa == nil {
		if r.dfa = newRefuseDFA(pat); r.dfa == nil {
			r.failed.Store(true)
			return true
		}
	}
	return !r.dfa.refuses(data, p, end)
}

// refuses reports whether no match of the pattern begins at data[p] and
// ends at or before end.
func (d *refuseDFA) refuses(data []byte, p, end int) bool {
	s := d.start
	if s < 0 {
		return false
	}
	for _, b := range data[p:end] {
		c := d.class[b]
		if c == nonASCIIClass {
			return false
		}
		t := d.trans[int(s)+int(c)]
		if t == refuseUnknown {
			t = d.step(s, c)
		}
		if t < 0 {
			return t == refuseDead
		}
		s = t
	}
	return false
}

// newRefuseDFA returns the DFA of pat with its start state, or nil when
// pat does not parse or the empty string matches it.
func newRefuseDFA(pat string) *refuseDFA {
	re, err := syntax.Parse(pat, syntax.Perl)
	if err != nil {
		return nil
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return nil
	}
	d := &refuseDFA{prog: prog, index: map[string]int32{}, mark: make([]uint32, len(prog.Inst))}
	d.classes()
	start, ok := d.closure([]uint32{uint32(prog.Start)})
	if !ok {
		return nil
	}
	d.start = d.state(start)
	return d
}

// step works out and records the state after state s reads a byte of
// column c.
func (d *refuseDFA) step(s int32, c uint8) int32 {
	r := d.reps[c]
	d.next = d.next[:0]
	for _, pc := range d.sets[int(s)/d.ncls] {
		if d.takes(pc, r) {
			d.next = append(d.next, d.prog.Inst[pc].Out)
		}
	}
	var to int32 = refuseDead
	if len(d.next) > 0 {
		cl, ok := d.closure(d.next)
		switch {
		case !ok:
			to = refuseMaybe
		case len(cl) > 0:
			to = d.state(cl)
		}
	}
	d.trans[int(s)+int(c)] = to
	return to
}

// classes fills ascii, class, reps and ncls: ASCII bytes with the same
// answer from every consuming instruction share a column.
func (d *refuseDFA) classes() {
	d.ascii = make([][2]uint64, len(d.prog.Inst))
	// The distinct sets: a counted repeat repeats its class's.
	var sets [][2]uint64
	for pc := range d.prog.Inst {
		if set, ok := asciiSet(&d.prog.Inst[pc]); ok {
			d.ascii[pc] = set
			if !slices.Contains(sets, set) {
				sets = append(sets, set)
			}
		}
	}
	// Refine one column of all ASCII bytes by each set.
	cols := [][2]uint64{{^uint64(0), ^uint64(0)}}
	for _, set := range sets {
		for i, c := range cols {
			in := [2]uint64{c[0] & set[0], c[1] & set[1]}
			out := [2]uint64{c[0] &^ set[0], c[1] &^ set[1]}
			if in != ([2]uint64{}) && out != ([2]uint64{}) {
				cols[i] = in
				cols = append(cols, out)
			}
		}
	}
	for i, c := range cols {
		first := true
		for b := range utf8.RuneSelf {
			if c[b/64]&(1<<(b%64)) != 0 {
				d.class[b] = uint8(i)
				if first {
					d.reps = append(d.reps, byte(b))
					first = false
				}
			}
		}
	}
	for c := utf8.RuneSelf; c < 256; c++ {
		d.class[c] = nonASCIIClass
	}
	d.ncls = len(cols)
}

// asciiSet returns the ASCII bytes instruction in consumes (bit c of the
// pair for byte c); ok is false when it consumes nothing. It is
// syntax.Inst.MatchRune for ASCII runes without the call per rune: a
// single folded rune takes its case-fold orbit, a longer list holds
// ranges (the parser has folded them already).
func asciiSet(in *syntax.Inst) (set [2]uint64, ok bool) {
	add := func(r rune) {
		if r < utf8.RuneSelf {
			set[r/64] |= 1 << (r % 64)
		}
	}
	switch in.Op {
	case syntax.InstRune1:
		add(in.Rune[0])
	case syntax.InstRune:
		if len(in.Rune) == 1 {
			r := in.Rune[0]
			add(r)
			if syntax.Flags(in.Arg)&syntax.FoldCase != 0 {
				for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
					add(f)
				}
			}
			break
		}
		for i := 0; i+1 < len(in.Rune); i += 2 {
			for r := in.Rune[i]; r <= in.Rune[i+1] && r < utf8.RuneSelf; r++ {
				add(r)
			}
		}
	case syntax.InstRuneAny:
		set = [2]uint64{^uint64(0), ^uint64(0)}
	case syntax.InstRuneAnyNotNL:
		set = [2]uint64{^uint64(0), ^uint64(0)}
		set[0] &^= 1 << '\n'
	default:
		return set, false
	}
	return set, true
}

// takes reports whether instruction pc consumes ASCII byte c.
func (d *refuseDFA) takes(pc uint32, c byte) bool {
	return d.ascii[pc][c/64]&(1<<(c%64)) != 0
}

// closure returns the consuming instructions reachable from pcs without
// consuming, every assertion taken to hold, sorted (in d's scratch, valid
// until the next call: state copies a set it keeps); ok is false when the
// match instruction is reachable.
func (d *refuseDFA) closure(pcs []uint32) (set []uint32, ok bool) {
	d.gen++
	stack := append(d.stack[:0], pcs...)
	out := d.set[:0]
	defer func() { d.stack, d.set = stack[:0], out[:0] }()
	for len(stack) > 0 {
		pc := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if d.mark[pc] == d.gen {
			continue
		}
		d.mark[pc] = d.gen
		in := &d.prog.Inst[pc]
		switch in.Op {
		case syntax.InstMatch:
			return nil, false
		case syntax.InstAlt, syntax.InstAltMatch:
			stack = append(stack, in.Out, in.Arg)
		case syntax.InstCapture, syntax.InstNop, syntax.InstEmptyWidth:
			stack = append(stack, in.Out)
		case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			out = append(out, pc)
		}
	}
	slices.Sort(out)
	return out, true
}

// state returns the row offset of the state of set, adding it with a row
// of unknown steps when new; past maxRefuseStates it returns refuseMaybe.
func (d *refuseDFA) state(set []uint32) int32 {
	// Most steps lead to a state there is already: its lookup allocates
	// nothing (the key is scratch), only a new state copies key and set.
	key := d.key[:0]
	for _, pc := range set {
		key = append(key, byte(pc), byte(pc>>8), byte(pc>>16), byte(pc>>24))
	}
	d.key = key
	if s, ok := d.index[string(key)]; ok {
		return s
	}
	if len(d.sets) >= maxRefuseStates {
		return refuseMaybe
	}
	s := int32(len(d.sets) * d.ncls)
	d.index[string(key)] = s
	d.sets = append(d.sets, slices.Clone(set))
	for range d.ncls {
		d.trans = append(d.trans, refuseUnknown)
	}
	return s
}
