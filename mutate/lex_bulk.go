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

// bulkTable is, per byte, bulkWord and bulkStop for one language.
type bulkTable [256]uint8

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
	var t bulkTable
	for c := range t {
		b := byte(c)
		if b < utf8.RuneSelf && (isWordByte(b) || b == '$' && dollar) {
			t[c] |= bulkWord
		}
		if isDigit(b) {
			t[c] |= bulkDigit
		}
		if b >= utf8.RuneSelf || classes[c]&classSpecial != 0 || bytes.IndexByte(extra, b) >= 0 {
			t[c] |= bulkStop
		}
	}
	return &t
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
		x := uint64(t[c[0]]) | uint64(t[c[1]])<<8 | uint64(t[c[2]])<<16 | uint64(t[c[3]])<<24 |
			uint64(t[c[4]])<<32 | uint64(t[c[5]])<<40 | uint64(t[c[6]])<<48 | uint64(t[c[7]])<<56
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
		e := t[rest[i]]
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

// bulk lexes plain top-level code from pos, a token's start, and returns
// where the byte loop takes over: at a stop byte or a word run touching
// it, or at the end of the source.
func (l *lexer) bulk(b *bulkTable, pos int) int {
	src := l.src
	start := pos
	run := -1 // start of a word run going on from the last block
	for pos < len(src) {
		word, stop, digit, n := b.classify(src, pos)
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
