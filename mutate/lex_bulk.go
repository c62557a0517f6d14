package mutate

import (
	"bytes"
	"math/bits"
	"slices"
	"unicode/utf8"
)

// The code lexer's bulk path: plain code (no literal, comment or
// non-ASCII byte) classified 64 bytes at a time. A table gives each byte
// a bit for "word byte" (ASCII letters, digits, '_', and '$' in
// JavaScript and TypeScript) and one for "stop byte" (a byte the
// language's special acts on, or any non-ASCII byte); eight bytes'
// entries are gathered into a bit each per class, and the identifiers
// are read off the word bits, one iteration per word run instead of a
// branch per byte. Up to the first stop byte, code is words, punctuation
// and space, and the byte loop of code would only:
//
//   - skip space;
//   - skip a number: a word run led by a digit, joined to the next such
//     run by a '.' (a '.' before a letter ends a number), so a word run
//     led by a letter, '_' or '$' is always an identifier;
//   - emit an identifier: a word run not led by a digit;
//   - step over punctuation, setting regexOK (and depth and parens, which
//     only a nested lexer reads: bulk runs for top-level code only).
//
// regexOK after such a run is a function of its last token, set once at
// the end. A word run that touches the stop byte is left to the byte
// loop: a non-ASCII letter continues it, and in Python and Rust a quote
// or '#' after it makes it a string prefix (stringPrefix).
// FuzzLexAgree holds code with this path to the reference lexers.

// Bulk classes: a table entry's bits.
const (
	bulkWord  = 0x80
	bulkStop  = 0x40
	bulkDigit = 0x20 // '0'-'9': a word run led by one is a number
)

// bulkTable is, per byte, bulkWord, bulkStop and bulkDigit for one
// language (cls), and the same classes as nibble tables (nib).
type bulkTable struct {
	cls [256]uint8
	nib bulkNibs
}

// bulkNibs are the word, stop and digit classes as AVX2 nibble tables
// (bulkmask_amd64.s), each 16 entries repeated for the two 128-bit lanes:
// an ASCII byte is in a class when the entry of its low nibble and that
// of its high nibble share a bit, bit h standing for high nibble h (0-7).
// High nibbles 8-15 have entry 0: a non-ASCII byte is in no class by the
// tables (the stop class takes it by its high bit). mask is 0x0f in every
// byte, to take the nibbles.
type bulkNibs struct {
	wordLo, wordHi, stopLo, stopHi, digitLo, digitHi, mask [32]byte
}

// nibbles sets t.nib from t.cls.
func (t *bulkTable) nibbles() {
	n := &t.nib
	for i := range n.mask {
		n.mask[i] = 0x0f
	}
	for _, c := range []struct {
		bit    uint8
		lo, hi *[32]byte
	}{{bulkWord, &n.wordLo, &n.wordHi}, {bulkStop, &n.stopLo, &n.stopHi}, {bulkDigit, &n.digitLo, &n.digitHi}} {
		for h := 0; h < 8; h++ {
			c.hi[h], c.hi[16+h] = 1<<h, 1<<h
			for l := 0; l < 16; l++ {
				if t.cls[h<<4|l]&c.bit != 0 {
					c.lo[l] |= 1 << h
					c.lo[16+l] |= 1 << h
				}
			}
		}
	}
}

var (
	bulkJS    = newBulkTable(classJSGo, true) // TS, JS
	bulkGo    = newBulkTable(classJSGo, false)
	bulkJava  = newBulkTable(classJava, false)
	bulkCS    = newBulkTable(classCS, false)
	bulkRust  = newBulkTable(classRust, false, '#')
	bulkPy    = newBulkTable(classPy, false)
	bulkOther = newBulkTable(classOther, false) // Ruby, SQL
)

// newBulkTable stops at the bytes classes hands to special, at extra
// bytes (Rust's r#"…"# and r#ident after a string prefix) and at every
// non-ASCII byte.
func newBulkTable(classes *[256]uint8, dollar bool, extra ...byte) *bulkTable {
	t := new(bulkTable)
	for c := range t.cls {
		b := byte(c)
		if b < utf8.RuneSelf && (isWordByte(b) || b == '$' && dollar) {
			t.cls[c] |= bulkWord
		}
		if isDigit(b) {
			t.cls[c] |= bulkDigit
		}
		if b >= utf8.RuneSelf || classes[c]&classSpecial != 0 || bytes.IndexByte(extra, b) >= 0 {
			t.cls[c] |= bulkStop
		}
	}
	t.nibbles()
	return t
}

// bulkTableOf returns lang's bulk classes.
func bulkTableOf(lang Lang) *bulkTable {
	switch lang {
	case LangTS, LangJS:
		return bulkJS
	case LangGo:
		return bulkGo
	case LangJava:
		return bulkJava
	case LangCSharp:
		return bulkCS
	case LangRust:
		return bulkRust
	case LangPython:
		return bulkPy
	}
	return bulkOther
}

const hi8 = 0x8080808080808080

// load64 reads src[i:i+8] little-endian (one load: the compiler merges
// the bytes).
func load64(src string, i int) uint64 {
	s := src[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// classify returns the word, stop and digit bits of src[pos:pos+64], up
// to and including the first eight bytes that hold a stop byte; bytes
// past the end of src are none. n is the number of bytes classified.
func (t *bulkTable) classify(src string, pos int) (word, stop, digit uint64, n int) {
	if pos+64 > len(src) {
		return t.classifyTail(src[pos:])
	}
	src = src[pos : pos+64]
	for k := 0; k < 64; k += 8 {
		// Eight bytes' entries in one word, x; then the high bit of
		// each byte (word) and the next (stop) gathered into one byte
		// each by a multiplication, byte i to bit i.
		c := src[k : k+8]
		x := uint64(t.cls[c[0]]) | uint64(t.cls[c[1]])<<8 | uint64(t.cls[c[2]])<<16 | uint64(t.cls[c[3]])<<24 |
			uint64(t.cls[c[4]])<<32 | uint64(t.cls[c[5]])<<40 | uint64(t.cls[c[6]])<<48 | uint64(t.cls[c[7]])<<56
		word |= (x & hi8) * 0x02040810204081 >> 56 << k
		digit |= (x << 2 & hi8) * 0x02040810204081 >> 56 << k
		if s := x << 1 & hi8; s != 0 {
			return word, s * 0x02040810204081 >> 56 << k, digit, k + 8
		}
	}
	return word, 0, digit, 64
}

// classifyTail is classify for the last bytes of a source, fewer than 64.
func (t *bulkTable) classifyTail(rest string) (word, stop, digit uint64, n int) {
	n = len(rest)
	for i := 0; i < n; i++ {
		e := t.cls[rest[i]]
		word |= uint64(e>>7) << i
		stop |= uint64(e>>6&1) << i
		digit |= uint64(e>>5&1) << i
	}
	if stop != 0 {
		n = min(bits.TrailingZeros64(stop)&^7+8, n)
		word &= 1<<n - 1
		stop &= 1<<n - 1
		digit &= 1<<n - 1
	}
	return word, stop, digit, n
}

// masksOf returns dst, or a new slice when it is too short, sized for
// the masks of an n-byte source: three words (word, stop, digit) a
// 64-byte block, the last block's bytes past the end in no class, and
// one block of zeros after it, so that the 64 bits at any position are
// two blocks' words shifted together.
func masksOf(dst []uint64, n int) []uint64 {
	need := 3 * ((n+63)/64 + 1)
	if cap(dst) < need {
		dst = make([]uint64, need)
	}
	return dst[:need]
}

// tailMasks sets the masks of src's blocks from the full-th on (after
// the AVX2 pass, the last, partial block; then the block of zeros).
func (t *bulkTable) tailMasks(m []uint64, src string, full int) {
	clear(m[3*full:])
	for i := 64 * full; i < len(src); i++ {
		e, k, j := t.cls[src[i]], 3*(i>>6), i&63
		m[k] |= uint64(e>>7) << j
		m[k+1] |= uint64(e>>6&1) << j
		m[k+2] |= uint64(e>>5&1) << j
	}
}

// bulkMasksGeneric is bulkMasks by the table, byte by byte: what the
// AVX2 classifier must agree with (FuzzBulkMasks).
func (t *bulkTable) bulkMasksGeneric(src string) []uint64 {
	m := masksOf(nil, len(src))
	t.tailMasks(m, src, 0)
	return m
}

// classifyMasked is classify read off m, the masks of src[base:]
// (bulkMasks).
func classifyMasked(m []uint64, base int, src string, pos int) (word, stop, digit uint64, n int) {
	word, stop, digit = maskWindow(m, pos-base)
	return keepClassified(word, stop, digit, len(src)-pos)
}

// maskWindow returns the 64 bits of each class from i in m (masksOf):
// those of i's block shifted down, joined by the next block's (a shift
// by 64 is zero in Go).
func maskWindow(m []uint64, i int) (word, stop, digit uint64) {
	b, off := 3*(i>>6), uint(i&63)
	m = m[b : b+6 : b+6]
	return m[0]>>off | m[3]<<(64-off), m[1]>>off | m[4]<<(64-off), m[2]>>off | m[5]<<(64-off)
}

// keepClassified keeps of a window's classes what classify returns: the
// bytes up to and including the first eight with a stop byte (none:
// 64&^7+8 is past the 64), at most rem, the bytes left in the source.
func keepClassified(word, stop, digit uint64, rem int) (_, _, _ uint64, n int) {
	n = min(bits.TrailingZeros64(stop)&^7+8, rem, 64)
	keep := ^uint64(0) >> (64 - n)
	return word & keep, stop & keep, digit & keep, n
}

// bulk lexes plain top-level code from pos, a token's start, and returns
// where the byte loop takes over: at a stop byte or a word run touching
// it, or at the end of the source.
func (l *lexer) bulk(b *bulkTable, pos int) int {
	src := l.src
	start := pos
	run := -1 // start of a word run going on from the last block
	for pos < len(src) {
		var word, stop, digit uint64
		var n int
		if l.masks != nil {
			// classifyMasked, its two halves inlined.
			word, stop, digit = maskWindow(l.masks, pos-l.maskBase)
			word, stop, digit, n = keepClassified(word, stop, digit, len(src)-pos)
		} else {
			word, stop, digit, n = b.classify(src, pos)
		}
		limit := n
		if stop != 0 {
			limit = bits.TrailingZeros64(stop)
			word &= 1<<limit - 1
		}
		if run >= 0 {
			e := bits.TrailingZeros64(^word)
			if e == 64 {
				pos += 64 // still going
				continue
			}
			if stop != 0 && e == limit {
				// Glued to the stop byte: the byte loop reads it.
				pos = run
				break
			}
			if c := src[run]; c < '0' || c > '9' {
				l.out = append(l.out, span{run, pos + e, spanIdent})
			}
			word &^= 1<<e - 1
			run = -1
		}
		if limit == 64 || stop != 0 {
			// The last word run may go on past limit: into the next
			// block, or glued to the stop byte.
			if limit > 0 && word>>(limit-1)&1 != 0 {
				r := limit - bits.LeadingZeros64(^(word << (64 - limit)))
				word &= 1<<r - 1
				run = pos + r
			}
		}
		// Numbers dropped: adding a run's first bit carries through
		// the run, clearing it, into the zero bit after it, which the
		// mask clears again; runs led by a digit go, the others stay.
		word = (word + word&^(word<<1)&digit) & word
		// At most 32 runs in 64 bytes: room for them all, then each
		// written.
		out := slices.Grow(l.out, 32)
		k := len(out)
		out = out[:cap(out)]
		// A bit per run's first byte and per run's last: the two are
		// walked together, each step independent of the last but for
		// clearing the lowest bit.
		starts, ends := word&^(word<<1), word&^(word>>1)
		for starts != 0 {
			s, e := bits.TrailingZeros64(starts), bits.TrailingZeros64(ends)+1
			out[k] = span{pos + s, pos + e, spanIdent}
			k++
			starts &= starts - 1
			ends &= ends - 1
		}
		l.out = out[:k]
		if stop != 0 {
			pos += limit
			if run >= 0 {
				pos = run
			}
			break
		}
		pos += n
	}
	if run >= 0 && pos >= len(src) {
		// A word run up to the end of the source.
		if c := src[run]; c < '0' || c > '9' {
			l.out = append(l.out, span{run, len(src), spanIdent})
		}
	}
	l.bulkRegexOK(start, pos)
	return pos
}

// bulkRegexOK sets regexOK as the byte loop leaves it after the plain code
// src[start:end]: as its last token left it, unchanged when it is all
// space.
func (l *lexer) bulkRegexOK(start, end int) {
	src := l.src
	q := end - 1
	for q >= start && byteClass[src[q]]&classSpace != 0 {
		q--
	}
	if q < start {
		return
	}
	c := src[q]
	if byteClass[c]&classWord == 0 && (c != '$' || !(l.lang == LangTS || l.lang == LangJS)) {
		l.regexOK = c != ')' && c != ']' && c != '}'
		return
	}
	r := q
	for r > start && (byteClass[src[r-1]]&classWord != 0 || src[r-1] == '$' && (l.lang == LangTS || l.lang == LangJS)) {
		r--
	}
	l.regexOK = !isDigit(src[r]) && regexAfterWord(src[r:q+1])
}

// b2i is 1 for true (a SETcc, no branch).
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
