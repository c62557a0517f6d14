package rules

import (
	"bytes"
	"regexp/syntax"
	"unicode"
	"unicode/utf8"
)

// Required literals ("needles"): most provider patterns cannot match
// without a fixed, case-sensitive piece of text — `EAAA` of a Square
// token, `+ACR` of an Azure registry password, `live_` or `test_` of a Lob
// key — while their keywords (matched case-insensitively, often short:
// `lob`, `sk`, `square`) open windows in ordinary code that hold none.
// Every match of such a pattern in a window contains one of its needles,
// so a window without any holds no match, and its regex (a scan of the
// window, or an anchored attempt at each keyword in it) is not run. A
// search for a few bytes is much cheaper than the regex over the same
// window.

// needles lists strings of which every match of a pattern contains at
// least one; nil when the pattern has none worth searching for.
type needles [][]byte

// in reports whether b holds one of the needles.
//
// With several needles it first looks for each in the head of b: a
// window opens at a keyword near its start, and where that keyword is
// written as a needle (`test_` of the Lob rule's `live_`/`test_`) it is
// found there, while a search for the other needle first would have read
// the whole window (the windows of a test suite's `test_` run to MBs).
func (ns needles) in(b []byte) bool {
	if len(ns) > 1 && len(b) > needleHead {
		for _, n := range ns {
			if bytes.Contains(b[:needleHead], n) {
				return true
			}
		}
	}
	for _, n := range ns {
		if bytes.Contains(b, n) {
			return true
		}
	}
	return false
}

// needleHead is the head of a window needles.in looks at first: past a
// rule's window (64-256 bytes) and the line expansion before it (up to
// 256), where the window's first keyword lies.
const needleHead = 1024

// Bounds of the literal sets needleSet works with: sets are cross
// products of alternatives, kept small so the window test stays a few
// searches.
const (
	maxNeedles   = 8
	maxNeedleLen = 32
	// minNeedleLen is the shortest needle worth a search: one byte is
	// found in most windows.
	minNeedleLen = 2
)

// patternNeedles returns the needles of pat (Perl syntax, as regexp.Compile
// reads it), or nil.
func patternNeedles(pat string) needles {
	re, err := syntax.Parse(pat, syntax.Perl)
	if err != nil {
		return nil
	}
	return requiredNeedles(re)
}

// requiredNeedles is patternNeedles of the parsed pattern re (which it
// does not modify).
func requiredNeedles(re *syntax.Regexp) needles {
	set, ok := required(re.Simplify())
	if !ok || len(set) == 0 || shortest(set) < minNeedleLen {
		return nil
	}
	out := make(needles, len(set))
	for i, s := range set {
		out[i] = []byte(s)
	}
	return out
}

// required returns strings of which every match of re contains one
// (ok false: no such set within the bounds).
func required(re *syntax.Regexp) (set []string, ok bool) {
	if e, ok := exact(re); ok && shortest(e) > 0 {
		return e, true
	}
	switch re.Op {
	case syntax.OpLiteral:
		// Not exact as a whole (case-folded letters): its longest run
		// of runes that match only themselves is required.
		var best, cur []byte
		for _, r := range re.Rune {
			if !literalRune(r, re.Flags) {
				cur = cur[:0]
				continue
			}
			cur = utf8.AppendRune(cur, r)
			if len(cur) > len(best) && len(cur) <= maxNeedleLen {
				best = append(best[:0], cur...)
			}
		}
		if len(best) > 0 {
			return []string{string(best)}, true
		}
	case syntax.OpCapture:
		return required(re.Sub[0])
	case syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0])
		}
	case syntax.OpAlternate:
		var union []string
		for _, sub := range re.Sub {
			s, ok := required(sub)
			if !ok {
				return nil, false
			}
			union = appendUnique(union, s...)
		}
		if len(union) > maxNeedles {
			return nil, false
		}
		return union, true
	case syntax.OpConcat:
		// Candidates: each run of consecutive exact parts (their cross
		// product is required: the parts match next to each other), and
		// each part's own required set. The best is the one whose
		// shortest string is longest.
		var best []string
		consider := func(s []string) {
			if len(s) == 0 || len(s) > maxNeedles || shortest(s) == 0 {
				return
			}
			if best == nil || shortest(s) > shortest(best) || shortest(s) == shortest(best) && len(s) < len(best) {
				best = s
			}
		}
		run := []string{""}
		for _, sub := range re.Sub {
			if e, ok := exact(sub); ok {
				if p, ok := cross(run, e); ok {
					run = p
					continue
				}
				// Too many or too long: what the run has is required,
				// and a new run starts with this part.
				consider(run)
				run = e
				continue
			}
			consider(run)
			run = []string{""}
			if s, ok := required(sub); ok {
				consider(s)
			}
		}
		consider(run)
		return best, best != nil
	}
	return nil, false
}

// exact returns every string re matches, when they are few and short
// (ok false otherwise). Case-folded letters and classes of more than a
// few characters make a set too large; so does U+FFFD, which the regexp
// package also matches for a byte that is not valid UTF-8.
func exact(re *syntax.Regexp) (set []string, ok bool) {
	switch re.Op {
	case syntax.OpEmptyMatch:
		return []string{""}, true
	case syntax.OpLiteral:
		var b []byte
		for _, r := range re.Rune {
			if !literalRune(r, re.Flags) {
				return nil, false
			}
			b = utf8.AppendRune(b, r)
		}
		if len(b) > maxNeedleLen {
			return nil, false
		}
		return []string{string(b)}, true
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if hi-lo >= maxNeedles {
				return nil, false
			}
			for r := lo; r <= hi; r++ {
				// A class is already case-expanded by the parser: its
				// runes are exactly what it matches.
				if r == utf8.RuneError || r > unicode.MaxRune {
					return nil, false
				}
				out = append(out, string(r))
				if len(out) > maxNeedles {
					return nil, false
				}
			}
		}
		return out, len(out) > 0
	case syntax.OpCapture:
		return exact(re.Sub[0])
	case syntax.OpQuest:
		e, ok := exact(re.Sub[0])
		if !ok {
			return nil, false
		}
		return appendUnique(e, ""), len(e) < maxNeedles
	case syntax.OpRepeat:
		if re.Max < 0 || re.Max > 4 {
			return nil, false
		}
		e, ok := exact(re.Sub[0])
		if !ok {
			return nil, false
		}
		var out []string
		cur := []string{""}
		for n := 0; n <= re.Max; n++ {
			if n >= re.Min {
				out = appendUnique(out, cur...)
			}
			if n < re.Max {
				if cur, ok = cross(cur, e); !ok {
					return nil, false
				}
			}
		}
		return out, len(out) <= maxNeedles
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			e, ok := exact(sub)
			if !ok {
				return nil, false
			}
			out = appendUnique(out, e...)
		}
		return out, len(out) <= maxNeedles
	case syntax.OpConcat:
		cur := []string{""}
		for _, sub := range re.Sub {
			e, ok := exact(sub)
			if !ok {
				return nil, false
			}
			if cur, ok = cross(cur, e); !ok {
				return nil, false
			}
		}
		return cur, true
	}
	return nil, false
}

// literalRune reports whether a literal rune matches exactly itself: not
// case-folded into other runes, and not U+FFFD.
func literalRune(r rune, flags syntax.Flags) bool {
	if r == utf8.RuneError || r < 0 || r > unicode.MaxRune {
		return false
	}
	return flags&syntax.FoldCase == 0 || unicode.SimpleFold(r) == r
}

// cross returns every a+b, or ok false past the bounds.
func cross(as, bs []string) ([]string, bool) {
	if len(as)*len(bs) > maxNeedles {
		return nil, false
	}
	var out []string
	for _, a := range as {
		for _, b := range bs {
			if len(a)+len(b) > maxNeedleLen {
				return nil, false
			}
			out = appendUnique(out, a+b)
		}
	}
	return out, true
}

func appendUnique(set []string, ss ...string) []string {
	for _, s := range ss {
		dup := false
		for _, t := range set {
			if t == s {
				dup = true
				break
			}
		}
		if !dup {
			set = append(set, s)
		}
	}
	return set
}

// shortest returns the length of set's shortest string (0 for an empty
// set).
func shortest(set []string) int {
	if len(set) == 0 {
		return 0
	}
	n := len(set[0])
	for _, s := range set[1:] {
		n = min(n, len(s))
	}
	return n
}
