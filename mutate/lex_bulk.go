package mutate

import (
	"encoding/binary"
	"math/bits"
	"slices"
)

// The code lexer's bulk path: plain code (no literal, comment or
// non-ASCII byte) classified 64 bytes at a time. Eight bytes at once
// (SWAR) give a bit per byte for "word byte" (ASCII letters, digits, '_',
// and '$' in JavaScript and TypeScript) and for "stop byte" (a byte the
// language's special acts on, or any non-ASCII byte); the identifiers
// are then read off the word bits, one iteration per word run instead of
// a branch per byte. Up to the first stop byte, code is words,
// punctuation and space, and the byte loop of code would only:
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

// bulkSpecials lists, per language, the ASCII bytes that stop the bulk
// path: those its special acts on, and for Rust the '#' of r#"…"# and
// r#ident after a prefix. Ruby and SQL (special on a dozen bytes) have
// none: they take the byte loop.
type bulkSpecials struct {
	ok bool
	// dollar has '$' in every byte when '$' is a word byte (JavaScript,
	// TypeScript), else '_' (the underscore test, twice).
	dollar uint64
	// stops has each stop byte in every byte of a word; unused entries
	// repeat the first.
	stops [5]uint64
}

func bulkSpecialsOf(lang Lang) bulkSpecials {
	var s string
	dollar := false
	switch lang {
	case LangTS, LangJS:
		s, dollar = "/\"'`", true
	case LangGo:
		s = "/\"'`"
	case LangJava:
		s = "/\"'"
	case LangCSharp:
		s = "/\"'$@"
	case LangRust:
		s = "/\"'#"
	case LangPython:
		s = "#\"'"
	default:
		return bulkSpecials{}
	}
	b := bulkSpecials{ok: true, dollar: lo7 * '_'}
	if dollar {
		b.dollar = lo7 * '$'
	}
	for i := range b.stops {
		c := s[0]
		if i < len(s) {
			c = s[i]
		}
		b.stops[i] = lo7 * uint64(c)
	}
	return b
}

const (
	lo7 = 0x0101010101010101
	hi8 = 0x8080808080808080
)

// load64 reads src[i:i+8] little-endian (one load: the compiler merges
// the bytes).
func load64(src string, i int) uint64 {
	s := src[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// classify8 returns, for the eight bytes of v (little-endian), a bit per
// word byte and a bit per stop byte, byte i at bit i. Per byte b with
// its high bit masked off (b7): b7 + (0x80 - lo) has its high bit set
// when b7 >= lo, b7 + (0x7f - hi) when b7 > hi, and (b7 ^ c) + 0x7f
// when b7 != c; no sum carries into the next byte.
func (b *bulkSpecials) classify8(v uint64) (word, stop uint64) {
	hi := v & hi8
	v7 := v ^ hi
	l := v7 | lo7*0x20
	w := (l + lo7*(0x80-'a')) &^ (l + lo7*(0x7f-'z'))
	w |= (v7 + lo7*(0x80-'0')) &^ (v7 + lo7*(0x7f-'9'))
	// Underscore, and '$' where it is a word byte (else '_' again).
	w |= ^(((v7 ^ lo7*'_') + lo7*0x7f) & ((v7 ^ b.dollar) + lo7*0x7f))
	ne := ((v7 ^ b.stops[0]) + lo7*0x7f) & ((v7 ^ b.stops[1]) + lo7*0x7f) &
		((v7 ^ b.stops[2]) + lo7*0x7f) & ((v7 ^ b.stops[3]) + lo7*0x7f) &
		((v7 ^ b.stops[4]) + lo7*0x7f)
	return (w &^ hi & hi8) * 0x02040810204081 >> 56, (hi | ^ne&hi8) * 0x02040810204081 >> 56
}

// classify returns the word and stop bits of src[pos:pos+64], up to and
// including the first eight bytes that hold a stop byte; bytes past the
// end of src are neither. n is the number of bytes classified.
func (b *bulkSpecials) classify(src string, pos int) (word, stop uint64, n int) {
	if pos+64 > len(src) {
		return b.classifyTail(src, pos)
	}
	src = src[pos : pos+64]
	for k := 0; k < 64; k += 8 {
		// classify8, by hand (the compiler does not inline it).
		v := load64(src, k)
		hi := v & hi8
		v7 := v ^ hi
		l := v7 | lo7*0x20
		w := (l + lo7*(0x80-'a')) &^ (l + lo7*(0x7f-'z'))
		w |= (v7 + lo7*(0x80-'0')) &^ (v7 + lo7*(0x7f-'9'))
		w |= ^(((v7 ^ lo7*'_') + lo7*0x7f) & ((v7 ^ b.dollar) + lo7*0x7f))
		ne := ((v7 ^ b.stops[0]) + lo7*0x7f) & ((v7 ^ b.stops[1]) + lo7*0x7f) &
			((v7 ^ b.stops[2]) + lo7*0x7f) & ((v7 ^ b.stops[3]) + lo7*0x7f) &
			((v7 ^ b.stops[4]) + lo7*0x7f)
		word |= (w &^ hi & hi8) * 0x02040810204081 >> 56 << k
		if s := hi | ^ne&hi8; s != 0 {
			return word, s * 0x02040810204081 >> 56 << k, k + 8
		}
	}
	return word, 0, 64
}

// classifyTail is classify for the last bytes of src, fewer than 64.
func (b *bulkSpecials) classifyTail(src string, pos int) (word, stop uint64, n int) {
	var buf [64]byte
	n = copy(buf[:], src[pos:])
	for i := n; i < len(buf); i++ {
		buf[i] = ' '
	}
	for k := 0; k < n; k += 8 {
		w, s := b.classify8(binary.LittleEndian.Uint64(buf[k:]))
		word |= w << k
		if s != 0 {
			return word, s << k, min(k+8, n)
		}
	}
	return word, 0, n
}

// bulk lexes plain top-level code from pos, a token's start, and returns
// where the byte loop takes over: at a stop byte or a word run touching
// it, or at the end of the source.
func (l *lexer) bulk(b *bulkSpecials, pos int) int {
	src := l.src
	start := pos
	run := -1 // start of a word run going on from the last block
	for pos < len(src) {
		word, stop, n := b.classify(src, pos)
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
		// At most 32 runs in 64 bytes: room for them all, then each
		// written and kept unless led by a digit, without a branch.
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
			k += b2i(uint(src[pos+s]-'0') > 9)
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
