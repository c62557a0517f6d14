package rules

import (
	"encoding/binary"
	"math/bits"
	"regexp/syntax"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/pretense/pretense/internal/bytemask"
)

// Lead bytes: a rule whose matches can only begin with a few bytes
// (`[A-Z0-9]{20}` no, `(?i)(?:sk|pk)_live_…` yes, `\bAKIA…` yes) need not
// have its regex walk every byte of its windows. The regexp package only
// skips ahead for a literal prefix; for a set of first bytes it steps
// through the window character by character. Here a table loop finds the
// bytes a match can begin with, and only there is an anchored match tried
// (anchor.go's forms), which finds what FindAllSubmatchIndex over the
// window finds: the leftmost match, and at one start the same
// leftmost-first choice.

// maxLeadBytes is the largest first-byte set worth a table loop: with more
// candidates the anchored attempts cost more than the regex's own walk.
const maxLeadBytes = 40

// leadDensity: a window with more than one candidate in leadDensity bytes
// is left to the plain regex for the same reason.
const leadDensity = 8

// leadBytes holds the bytes a rule's matches begin with, computed on
// first use.
type leadBytes struct {
	once sync.Once
	// set is nil when the rule has no usable set (a match may be empty,
	// begin with almost anything, or begin in invalid UTF-8).
	set *[256]bool
	// prefixes holds, by first byte (ASCII case folded), the literal
	// strings every match begins with, when there are such (all of them
	// ASCII and non-empty): a candidate must begin with one of them
	// before a regex is tried there (see hasPrefix).
	prefixes *prefixSet
	// wordStart is set when every match begins with \b and a word
	// character: a candidate must follow a non-word byte (or start the
	// window), which skips the inside of words and digit runs.
	wordStart bool
	// forms are the pattern's anchored forms (anchor.go), set with set.
	forms *anchor
	// ranges is set as ranges of ASCII bytes, when it is few of them.
	ranges byteRanges
	// first is set as an AVX2 prefilter (see candidatesMasked), nil
	// without AVX2. follow[j-1] is the prefixes' bytes j (j from 1 to
	// maxFollow, as far as every prefix reaches), nil when a prefix is
	// one byte long.
	first  *bytemask.Set
	follow []*bytemask.Set
}

func (l *leadBytes) get(pat string) *[256]bool {
	l.once.Do(func() {
		// A built-in pattern's parts come from the table (leadtable.go).
		p, ok := leadAnalysis(pat)
		if !ok {
			return
		}
		if l.set = p.set; l.set != nil {
			l.forms = p.forms
			l.prefixes = newPrefixSet(p.prefixes)
			l.wordStart = p.wordStart
			l.ranges = rangesOf(l.set)
			if bytemask.Vector {
				l.first, l.follow = leadMasks(l.set, l.prefixes)
			}
		}
	})
	return l.set
}

// wordStart reports whether every match of pat begins with \b followed by
// one of the bytes in set, all of them ASCII word characters.
func wordStart(pat string, set *[256]bool) bool {
	for c, in := range set {
		if in && !syntax.IsWordChar(rune(c)) {
			return false
		}
	}
	re, err := syntax.Parse(pat, syntax.Perl)
	if err != nil {
		return false
	}
	var starts func(re *syntax.Regexp) bool
	starts = func(re *syntax.Regexp) bool {
		switch re.Op {
		case syntax.OpWordBoundary:
			return true
		case syntax.OpCapture:
			return starts(re.Sub[0])
		case syntax.OpConcat:
			return len(re.Sub) > 0 && starts(re.Sub[0])
		case syntax.OpAlternate:
			for _, sub := range re.Sub {
				if !starts(sub) {
					return false
				}
			}
			return len(re.Sub) > 0
		}
		return false
	}
	return starts(re)
}

// prefixSet is the literal prefixes of a pattern's matches, indexed by
// their first byte (ASCII case folded).
type prefixSet struct {
	byFirst [256][]string
	// second[c] has bit d set when a prefix of two bytes or more begins
	// with c and d (both folded); short[c] says one prefix is c alone.
	// Most candidates of a lead rule (an 's' or 't' in ordinary words)
	// fail on their second byte, and this says so without the loop
	// over byFirst[c] (~1.5 % of a scan of $GOROOT/src).
	second [utf8.RuneSelf][2]uint64
	short  [utf8.RuneSelf]bool
}

// newPrefixSet indexes prefixes ps, or returns nil when there are none,
// one is empty or one holds a non-ASCII character.
func newPrefixSet(ps []string) *prefixSet {
	if len(ps) == 0 {
		return nil
	}
	idx := new(prefixSet)
	for _, p := range ps {
		if p == "" || !isASCII(p) {
			return nil
		}
		c := foldASCII(p[0])
		idx.byFirst[c] = append(idx.byFirst[c], p)
		if len(p) == 1 {
			idx.short[c] = true
			continue
		}
		d := foldASCII(p[1])
		idx.second[c][d/64] |= 1 << (d % 64)
	}
	return idx
}

// hasPrefix reports whether data[p:end] may begin with one of the
// prefixes: it does, ASCII case folded, or a non-ASCII byte where one
// would be leaves it open (case folding reaches non-ASCII letters: K
// for k, ſ for s). An over-approximation is safe, the regex decides.
func hasPrefix(data []byte, p, end int, idx *prefixSet) bool {
	c := data[p]
	if c >= utf8.RuneSelf {
		return true
	}
	c = foldASCII(c)
	// A prefix of two bytes or more that fits has a second byte, which
	// must be non-ASCII (left open below) or match.
	if !idx.short[c] && p+1 < end {
		if d := data[p+1]; d < utf8.RuneSelf {
			d = foldASCII(d)
			if idx.second[c][d/64]&(1<<(d%64)) == 0 {
				return false
			}
		}
	}
next:
	for _, pre := range idx.byFirst[c] {
		if p+len(pre) > end {
			continue
		}
		for i := 1; i < len(pre); i++ {
			d := data[p+i]
			if d >= utf8.RuneSelf {
				return true
			}
			if foldASCII(d) != foldASCII(pre[i]) {
				continue next
			}
		}
		return true
	}
	return false
}

// runLead finds the matches of a rule with lead bytes in data[w.start:w.end]
// as FindAllSubmatchIndex over the window would, relative to w.start; ok
// is false when the caller must run the plain regex (too many candidates,
// or the anchored forms did not compile). sc's candidate buffer is reused.
// A rule under the label gate (labelgate.go) tries only the candidates
// it lets through.
func (cr *compiledRule) runLead(rs *Ruleset, data []byte, w span, sc *scanState) (locs [][]int, ok bool) {
	// Only the second-byte filter asks whether the window is ASCII.
	ascii := cr.lead.follow != nil && sc.windowASCII(data, w)
	cands, ok := cr.lead.candidates(data, w, sc.cands[:0], ascii)
	sc.cands = cands
	if !ok {
		return nil, false
	}
	if rs != nil && cr.labelGated(rs.mode) {
		cands = rs.labelGate(cr, data, w, cands, cr.lead.forms, sc)
	}
	if len(cands) == 0 {
		return nil, true
	}
	return anchoredMatches(data, w, cands, cr.lead.forms)
}

// firstBytes returns the bytes a non-empty match of pat can begin with,
// or nil.
func firstBytes(pat string) *[256]bool {
	re, err := syntax.Parse(pat, syntax.Perl)
	if err != nil {
		return nil
	}
	var set [256]bool
	nullable, ok := addFirst(re.Simplify(), &set)
	if !ok || nullable {
		return nil
	}
	n := 0
	for _, b := range set {
		if b {
			n++
		}
	}
	if n == 0 || n > maxLeadBytes {
		return nil
	}
	return &set
}

// addFirst adds to set the first bytes of the strings re matches, and
// says whether re matches the empty string (so what follows it can
// begin a match too). ok is false when no useful set can be given.
//
// Only bytes that begin a character are ever added (ASCII, or a UTF-8
// lead byte): the regexp package decodes its input from the window start,
// and a byte that begins a character is a character boundary however the
// bytes before it decode, so trying a match there is what the regexp
// would do. A character class holding U+FFFD is refused: it matches any
// invalid byte, a continuation byte included.
func addFirst(re *syntax.Regexp, set *[256]bool) (nullable, ok bool) {
	switch re.Op {
	case syntax.OpNoMatch:
		return false, true
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true, true
	case syntax.OpLiteral:
		if len(re.Rune) == 0 {
			return true, true
		}
		r := re.Rune[0]
		if !addRune(r, set) {
			return false, false
		}
		if re.Flags&syntax.FoldCase != 0 {
			for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
				if !addRune(f, set) {
					return false, false
				}
			}
		}
		return false, true
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if lo <= utf8.RuneError && utf8.RuneError <= hi {
				return false, false
			}
			for r := lo; r <= hi && r < utf8.RuneSelf; r++ {
				set[r] = true
			}
			if hi >= utf8.RuneSelf {
				// The first byte of an encoding grows with the code
				// point, so a range's lead bytes are a range too.
				var a, b [utf8.UTFMax]byte
				utf8.EncodeRune(a[:], max(lo, utf8.RuneSelf))
				utf8.EncodeRune(b[:], min(hi, unicode.MaxRune))
				for c := int(a[0]); c <= int(b[0]); c++ {
					set[c] = true
				}
			}
		}
		return false, true
	case syntax.OpCapture:
		return addFirst(re.Sub[0], set)
	case syntax.OpStar, syntax.OpQuest:
		_, ok := addFirst(re.Sub[0], set)
		return true, ok
	case syntax.OpPlus:
		return addFirst(re.Sub[0], set)
	case syntax.OpRepeat:
		if re.Max == 0 {
			return true, true
		}
		n, ok := addFirst(re.Sub[0], set)
		return n || re.Min == 0, ok
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			n, ok := addFirst(sub, set)
			if !ok {
				return false, false
			}
			if !n {
				return false, true
			}
		}
		return true, true
	case syntax.OpAlternate:
		nullable := false
		for _, sub := range re.Sub {
			n, ok := addFirst(sub, set)
			if !ok {
				return false, false
			}
			nullable = nullable || n
		}
		return nullable, true
	}
	return false, false // any character: every byte may begin a match
}

// addRune adds r's first byte; false for U+FFFD (see addFirst).
func addRune(r rune, set *[256]bool) bool {
	if r == utf8.RuneError || r < 0 || r > unicode.MaxRune {
		return false
	}
	var buf [utf8.UTFMax]byte
	utf8.EncodeRune(buf[:], r)
	set[buf[0]] = true
	return true
}

// maxFollow bounds the bytes after a candidate its prefixes are checked
// on by masks: each is a pass over the window.
const maxFollow = 2

// leadMasks returns the cover sets (bytemask.NewCover) of a lead set and
// of its prefixes' bytes after the first, as far as the shortest prefix
// reaches (at most maxFollow), both ASCII cases of each and every
// non-ASCII byte (hasPrefix leaves a prefix open at one); follow is nil
// when there are no prefixes or one is a single byte, which any byte may
// follow.
func leadMasks(set *[256]bool, idx *prefixSet) (first *bytemask.Set, follow []*bytemask.Set) {
	first = bytemask.NewCover(func(c byte) bool { return set[c] })
	if idx == nil {
		return first, nil
	}
	n := maxFollow + 1
	for _, ps := range idx.byFirst {
		for _, p := range ps {
			n = min(n, len(p))
		}
	}
	for j := 1; j < n; j++ {
		var in [256]bool
		for c := utf8.RuneSelf; c < 256; c++ {
			in[c] = true
		}
		for _, ps := range idx.byFirst {
			for _, p := range ps {
				d := foldASCII(p[j])
				in[d] = true
				in[unicode.ToUpper(rune(d))] = true
			}
		}
		follow = append(follow, bytemask.NewCover(func(c byte) bool { return in[c] }))
	}
	return first, follow
}

// candidates returns the offsets in data[w.start:w.end] whose byte is
// in set, appended to buf, or ok false when there are too many for the
// anchored attempts to pay off. With AVX2 the window's bytes are read
// off masks of 64-byte blocks (candidatesMasked); without, when the set
// is a few ranges of ASCII bytes (`[A-Z]`, digits), eight bytes are
// tested at once (byteRanges) and only the bytes found are looked at.
// candidatesRef in the tests is the byte-by-byte loop, which
// FuzzLeadCandidates compares. ascii says the window holds no byte above
// 0x7f (false when unknown).
func (l *leadBytes) candidates(data []byte, w span, buf []int, ascii bool) (cands []int, ok bool) {
	limit := (w.end-w.start)/leadDensity + 1
	if l.first != nil {
		return l.candidatesMasked(data, w, buf, limit, ascii)
	}
	win := data[w.start:w.end]
	i := 0
	if r := l.ranges; r.n > 0 {
		for ; i+8 <= len(win); i += 8 {
			x := binary.LittleEndian.Uint64(win[i:])
			var m uint64
			if x&highBits != 0 {
				// A byte above 0x7f (the ranges hold none) would carry
				// into its neighbour: the bytes one at a time.
				for k := range 8 {
					if l.set[win[i+k]] {
						m |= 0x80 << (8 * k)
					}
				}
			} else {
				m = r.in(x)
			}
			for ; m != 0; m &= m - 1 {
				k := i + bits.TrailingZeros64(m)/8
				if buf, ok = l.take(data, w, k, buf, limit); !ok {
					return buf, false
				}
			}
		}
	}
	for ; i < len(win); i++ {
		if !l.set[win[i]] {
			continue
		}
		if buf, ok = l.take(data, w, i, buf, limit); !ok {
			return buf, false
		}
	}
	return buf, true
}

// leadBlocks is how many 64-byte blocks candidatesMasked classifies at a
// time (masks on the stack).
const leadBlocks = 16

// candidatesMasked is candidates with the AVX2 masks of the window: the
// bits of l.first's mask are the bytes that may be in the set, each
// tested against it before take. In an ASCII window, a candidate must
// also be followed by bytes of l.follow (the masks of the bytes after,
// shifted down): most lead bytes of a rule with prefixes (the 's' of
// `secret`) are letters of words that no prefix goes on with, which
// hasPrefix would refuse after the call. A candidate whose bytes are
// non-ASCII is left open by hasPrefix whatever follows, so the filter
// needs ascii; the bytes past the window's end are in no mask, and no
// prefix fits there.
func (l *leadBytes) candidatesMasked(data []byte, w span, buf []int, limit int, ascii bool) (cands []int, ok bool) {
	n := w.end - w.start
	follow := l.follow
	if !ascii {
		follow = nil
	}
	var firsts [leadBlocks]uint64
	var fm [maxFollow][leadBlocks + 1]uint64
	for pos := 0; pos < n; {
		nb := min(leadBlocks, (n-pos+63)/64)
		blockMasks(l.first, firsts[:nb], data, w.start+pos, w.end)
		for j, f := range follow {
			// The bytes after the batch's last block, as bits from 64.
			if pos+64*nb < n {
				blockMasks(f, fm[j][:nb+1], data, w.start+pos, w.end)
			} else {
				blockMasks(f, fm[j][:nb], data, w.start+pos, w.end)
				fm[j][nb] = 0
			}
		}
		for k, m := range firsts[:nb] {
			for j := range follow {
				sh := uint(j + 1)
				m &= fm[j][k]>>sh | fm[j][k+1]<<(64-sh)
			}
			for ; m != 0; m &= m - 1 {
				i := w.start + pos + 64*k + bits.TrailingZeros64(m)
				if !l.set[data[i]] {
					continue
				}
				if buf, ok = l.take(data, w, i-w.start, buf, limit); !ok {
					return buf, false
				}
			}
		}
		pos += 64 * nb
	}
	return buf, true
}

// blockMasks sets dst[k] to set's mask of the block data[from+64k:], for
// the bytes before to (the bits from to on are zero). The blocks are read
// whole, past to, while data lasts: only a block that data ends in is
// classified a byte at a time (Tail).
func blockMasks(set *bytemask.Set, dst []uint64, data []byte, from, to int) {
	nb := len(dst)
	full := min(nb, (len(data)-from)/64)
	set.Masks(dst[:full], data[from:])
	if full < nb {
		// data ends in this block, and to with it: the rest are past to.
		dst[full] = set.Tail(data[from+64*full:])
		clear(dst[full+1:])
	}
	if k, r := (to-from)/64, (to-from)%64; k < nb {
		dst[k] &= 1<<r - 1
		clear(dst[k+1:])
	}
}

// take appends candidate w.start+i, whose byte is in the set, when the
// byte before it and the prefixes allow a match there; ok is false when
// that makes more than limit.
func (l *leadBytes) take(data []byte, w span, i int, buf []int, limit int) ([]int, bool) {
	// \b before a word character: the byte before is no word
	// character (a non-ASCII one decodes to none either).
	if l.wordStart && i > 0 && wordByte[data[w.start+i-1]] {
		return buf, true
	}
	if l.prefixes == nil || hasPrefix(data, w.start+i, w.end, l.prefixes) {
		if len(buf) >= limit {
			return buf, false
		}
		buf = append(buf, w.start+i)
	}
	return buf, true
}

const highBits = 0x8080808080808080

// byteRanges is a lead set of up to three ranges of ASCII bytes, tested
// eight bytes of a word at a time: for a byte b below 0x80, b+(0x80-lo)
// has its top bit set when b >= lo and b+(0x7f-hi) when b > hi, and
// neither sum carries into the next byte.
type byteRanges struct {
	n      int
	lo, hi [3]uint64 // the addends, repeated in every byte
}

// in returns the top bit of each byte of x (all below 0x80) in a range.
func (r *byteRanges) in(x uint64) uint64 {
	var m uint64
	for k := range r.n {
		m |= (x + r.lo[k]) &^ (x + r.hi[k])
	}
	return m & highBits
}

// rangesOf returns set as byteRanges, or n == 0 when it holds a byte
// above 0x7f or more than three ranges.
func rangesOf(set *[256]bool) byteRanges {
	var r byteRanges
	const ones = 0x0101010101010101
	for c := 0; c < 256; c++ {
		if !set[c] || c > 0 && set[c-1] {
			continue
		}
		if c >= utf8.RuneSelf || r.n == len(r.lo) {
			return byteRanges{}
		}
		e := c
		for e+1 < 256 && set[e+1] {
			e++
		}
		if e >= utf8.RuneSelf {
			return byteRanges{}
		}
		r.lo[r.n], r.hi[r.n] = ones*uint64(0x80-c), ones*uint64(0x7f-e)
		r.n++
	}
	return r
}

// wordByte is syntax.IsWordChar of each byte read as a character: ASCII
// letters, digits and '_'. A table: the candidate loop asks it of the byte
// before every lead byte, and the call cost more than the rest of the loop.
var wordByte = func() (t [256]bool) {
	for c := range t {
		t[c] = syntax.IsWordChar(rune(c))
	}
	return t
}()
