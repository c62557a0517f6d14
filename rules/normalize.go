package rules

import (
	"encoding/binary"
	"sort"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalisation for matching. Text meant to slip past a scanner hides a
// token behind characters a reader does not see or reads as others: a
// zero-width space or soft hyphen inside it, full-width letters (ｇｈｐ_),
// a NUL, an invalid UTF-8 byte. With normalisation on, Scan also matches
// a copy of the text that is NFKC-normalised and stripped of format
// characters (Unicode Cf: zero-width space/joiners, word joiner, BOM, soft
// hyphen, bidi controls), variation selectors, Hangul fillers, NULs and
// invalid bytes. Matches are mapped back to the original bytes.
//
// Pure ASCII text without NUL is already normal and costs one pass over
// the bytes to tell.

// WithoutInlineMarkers returns a copy of rs that ignores pretense:allow
// markers in the scanned text. The proxy uses it: anyone who can put text
// into a prompt could otherwise switch the control off. Only the
// configuration's allowlist and disabled rules apply.
func (rs *Ruleset) WithoutInlineMarkers() *Ruleset {
	c := *rs
	c.noMarkers = true
	return &c
}

// Normalizing returns a copy of rs whose Scan also matches the normalised
// text (see above).
func (rs *Ruleset) Normalizing() *Ruleset {
	c := *rs
	c.normalize = true
	return &c
}

// markerAt is lineHasMarker unless inline markers are off.
func (rs *Ruleset) markerAt(data []byte, start, end int) bool {
	return !rs.noMarkers && lineHasMarker(data, start, end)
}

// needsNormalizing reports whether data holds a byte normalisation could
// change: anything outside ASCII, or a NUL.
func needsNormalizing(data []byte) bool {
	// Eight bytes at a time: any high bit, or any zero byte.
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	for len(data) >= 8 {
		v := binary.LittleEndian.Uint64(data)
		if v&hi != 0 || (v-lo)&^v&hi != 0 {
			break
		}
		data = data[8:]
	}
	for _, b := range data {
		if b >= utf8.RuneSelf || b == 0 {
			return true
		}
	}
	return false
}

// offsetSeg maps a piece of the normalised text to the original: an
// identity run (same bytes) or one changed segment (its whole source span).
type offsetSeg struct {
	norm, src, srcEnd int
	ident             bool
}

// offsetMap maps normalised offsets back to the original.
type offsetMap []offsetSeg

func (m offsetMap) find(p int) offsetSeg {
	i := sort.Search(len(m), func(i int) bool { return m[i].norm > p }) - 1
	return m[max(i, 0)]
}

// start maps a match start.
func (m offsetMap) start(p int) int {
	s := m.find(p)
	if s.ident {
		return s.src + (p - s.norm)
	}
	return s.src
}

// end maps a match end (exclusive).
func (m offsetMap) end(p int) int {
	if p <= 0 {
		return m.start(0)
	}
	s := m.find(p - 1)
	if s.ident {
		return s.src + (p - s.norm)
	}
	return s.srcEnd
}

// invisible reports runes removed for matching.
func invisible(r rune) bool {
	switch {
	case r == 0, r == utf8.RuneError:
		return true
	case r == 0x034F, r >= 0xFE00 && r <= 0xFE0F, r >= 0xE0100 && r <= 0xE01EF, r >= 0x180B && r <= 0x180F:
		return true // combining grapheme joiner, variation selectors
	case r == 0x115F, r == 0x1160, r == 0x3164, r == 0xFFA0, r == 0x2800:
		return true // Hangul fillers, braille blank
	}
	return unicode.Is(unicode.Cf, r)
}

// normalizeForMatch returns the normalised text and its offset map, or
// ok false when data is already normal.
func normalizeForMatch(data []byte) ([]byte, offsetMap, bool) {
	if !needsNormalizing(data) {
		return nil, nil, false
	}
	out := make([]byte, 0, len(data))
	var m offsetMap
	var it norm.Iter
	it.Init(norm.NFKC, data)
	changed := false
	for !it.Done() {
		src := it.Pos()
		seg := it.Next()
		srcEnd := it.Pos()
		same := len(seg) == srcEnd-src && string(seg) == string(data[src:srcEnd])
		if same && utf8.Valid(seg) {
			keep := true
			for _, r := range string(seg) {
				if invisible(r) {
					keep = false
					break
				}
			}
			if keep {
				if n := len(m); n > 0 && m[n-1].ident && m[n-1].norm+(m[n-1].srcEnd-m[n-1].src) == len(out) && m[n-1].srcEnd == src {
					m[n-1].srcEnd = srcEnd
				} else {
					m = append(m, offsetSeg{norm: len(out), src: src, srcEnd: srcEnd, ident: true})
				}
				out = append(out, seg...)
				continue
			}
		}
		changed = true
		start := len(out)
		for len(seg) > 0 {
			r, n := utf8.DecodeRune(seg)
			if !invisible(r) {
				out = append(out, seg[:n]...)
			}
			seg = seg[n:]
		}
		if len(out) > start {
			m = append(m, offsetSeg{norm: start, src: src, srcEnd: srcEnd})
		}
	}
	if !changed {
		return nil, nil, false
	}
	if len(m) == 0 {
		m = offsetMap{{ident: true}}
	}
	return out, m, true
}

// scanNormalized scans the normalised copy of data (when it differs) and
// returns its matches mapped onto data.
func (rs *Ruleset) scanNormalized(data []byte) []Match {
	n, m, ok := normalizeForMatch(data)
	if !ok || len(n) == 0 {
		return nil
	}
	ms, marks := rs.matchMarks(n)
	ms = rs.appendDecoded(n, marks, ms)
	for i := range ms {
		ms[i].Start, ms[i].End = m.start(ms[i].Start), m.end(ms[i].End)
		if ms[i].Decoded == "" {
			ms[i].Decoded = "normalized"
		}
	}
	return ms
}

// dedupeMatches drops a normalised-pass match that the plain pass already
// made (same rule, same span).
func dedupeMatches(ms []Match) []Match {
	type key struct {
		id         string
		start, end int
	}
	seen := make(map[key]bool, len(ms))
	out := ms[:0]
	for _, m := range ms {
		k := key{m.Rule.ID, m.Start, m.End}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, m)
	}
	return out
}
