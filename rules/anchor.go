package rules

import (
	"encoding/binary"
	"regexp"
	"regexp/syntax"
	"slices"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Keyword-anchored rules: most secret rules' patterns begin with one of
// their own keywords (`(?i:render){{ASSIGN}}…`, `postgres(?:ql)?://…`,
// `ghp_…`). Every match of such a rule starts where the keyword automaton
// reported a keyword, so instead of running the regex over every byte of
// its (merged, often large) windows, run reports only what an anchored
// match at each keyword offset finds — the same matches, at a cost that
// follows the keywords rather than the window size.

// anchor holds the anchored variants of a keyword-anchored rule's
// pattern, each compiled on its first use: a scan meets few rules'
// keywords, and compiling all of them up front would add to every start
// and reload.
type anchor struct {
	pat string
	// atStart matches at the start of its input; afterOne first consumes
	// one byte (the byte before the keyword, so \b and (?m)^ see the
	// real neighbour) and then matches the pattern. Either is nil if it
	// failed to compile, which leaves the rule to its window regex.
	startOnce, afterOnce sync.Once
	atStart, afterOne    *regexp.Regexp
	// contextFree says no assertion of the pattern (\b, ^, \A, …) is
	// tested at a match's first position, before a character is
	// consumed: the byte before a match cannot change it, so every
	// attempt runs atStart at the candidate itself and afterOne is never
	// compiled.
	contextFree bool
	// anyText says every match begins with a keyword's bytes in any
	// input (keywordFoldsASCII), so the anchored attempts hold on
	// windows with non-ASCII bytes too; otherwise such windows take the
	// window regex.
	anyText bool
	// leadIn is how many characters before a keyword a match may begin
	// (0: at the keyword; see leadIn).
	leadIn int
	// maxLen is the longest match of the pattern in bytes, -1 when
	// unbounded. An anchored attempt reads no further than that (and one
	// character more, for the assertions after the match), so its cost
	// follows the match rather than the rest of the window: the regexp
	// package's backtracker clears a visited set as long as its input.
	maxLen int
	// stop holds the bytes no match can hold (matchBytes), nil when any
	// byte may occur in one. An attempt reads no further than the first
	// of them after its start (and one character more), which bounds an
	// unbounded pattern (`[A-Z][A-Za-z'-]*…`) by its match as maxLen
	// bounds a bounded one.
	stop *[256]bool
	// minLen is the fewest characters a match spans (so the fewest
	// bytes): an attempt with fewer bytes before the window's end or
	// its first stop byte holds no match, and is refused before the
	// regex (compiled on the first attempt that gets past this) or the
	// refusal DFA runs.
	minLen int
	// refuse is the DFA that refuses most attempts before the regex
	// runs (anchordfa.go), built after the anchor's first attempts.
	refuse refuser
}

// newAnchor returns the anchor of pattern pat, parsed as re.
func newAnchor(pat string, re *syntax.Regexp) *anchor {
	_, asserts := startAssertions(re)
	return &anchor{pat: pat, maxLen: maxMatchLen(re), minLen: minMatchRunes(re), contextFree: !asserts, stop: stopBytes(re)}
}

// minMatchRunes returns the fewest characters a match of re spans. Each
// is at least a byte (an invalid one matches as U+FFFD, width 1), so it
// is also a lower bound on the bytes.
func minMatchRunes(re *syntax.Regexp) int {
	const most = 1 << 20 // a cap, so counted repeats cannot overflow
	switch re.Op {
	case syntax.OpLiteral:
		return min(len(re.Rune), most)
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpCapture, syntax.OpPlus:
		return minMatchRunes(re.Sub[0])
	case syntax.OpRepeat:
		return min(re.Min*minMatchRunes(re.Sub[0]), most)
	case syntax.OpConcat:
		n := 0
		for _, sub := range re.Sub {
			n = min(n+minMatchRunes(sub), most)
		}
		return n
	case syntax.OpAlternate:
		n := most
		for _, sub := range re.Sub {
			n = min(n, minMatchRunes(sub))
		}
		return n
	}
	// Star, Quest, assertions, the empty match; NoMatch counts as empty
	// (it refuses nothing).
	return 0
}

// stopBytes returns the bytes that no match of re can hold, or nil when
// there are none. A match is a run of characters each consumed by one of
// re's literals or classes, so an ASCII byte that none of them takes
// never lies inside one; a byte above 0x7f decodes (from a character
// boundary) to a non-ASCII rune or to U+FFFD, so it may lie inside one
// only when some literal or class takes a non-ASCII rune.
func stopBytes(re *syntax.Regexp) *[256]bool {
	var in [256]bool
	nonASCII := false
	take := func(r rune) {
		if r < utf8.RuneSelf {
			in[r] = true
		} else {
			nonASCII = true
		}
	}
	var walk func(re *syntax.Regexp)
	walk = func(re *syntax.Regexp) {
		switch re.Op {
		case syntax.OpLiteral:
			for _, r := range re.Rune {
				take(r)
				if re.Flags&syntax.FoldCase != 0 {
					for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
						take(f)
					}
				}
			}
		case syntax.OpCharClass:
			for i := 0; i+1 < len(re.Rune); i += 2 {
				for r := re.Rune[i]; r <= re.Rune[i+1] && r < utf8.RuneSelf; r++ {
					in[r] = true
				}
				if re.Rune[i+1] >= utf8.RuneSelf {
					nonASCII = true
				}
			}
		case syntax.OpAnyChar:
			for b := range in {
				in[b] = true
			}
		case syntax.OpAnyCharNotNL:
			for b := range in {
				in[b] = b != '\n'
			}
			nonASCII = true
		}
		for _, sub := range re.Sub {
			walk(sub)
		}
	}
	walk(re)
	if nonASCII {
		for b := utf8.RuneSelf; b < len(in); b++ {
			in[b] = true
		}
	}
	var stop [256]bool
	n := 0
	for b, ok := range in {
		if !ok {
			stop[b] = true
			n++
		}
	}
	if n == 0 {
		return nil
	}
	return &stop
}

// startForm returns the pattern anchored at the start of its input, or
// nil when that does not compile.
func (a *anchor) startForm() *regexp.Regexp {
	a.startOnce.Do(func() {
		// A non-capturing wrapper keeps the rule's group numbers.
		a.atStart, _ = regexp.Compile(`\A(?:` + a.pat + `)`)
	})
	return a.atStart
}

// afterForm returns the pattern anchored after its input's first
// character, or nil when that does not compile.
func (a *anchor) afterForm() *regexp.Regexp {
	a.afterOnce.Do(func() {
		a.afterOne, _ = regexp.Compile(`\A(?s:.)(?:` + a.pat + `)`)
	})
	return a.afterOne
}

// startAssertions reports whether re matches the empty string (nullable)
// and whether it may test an assertion before it consumes a character
// (asserts); asserts errs towards true.
func startAssertions(re *syntax.Regexp) (nullable, asserts bool) {
	switch re.Op {
	case syntax.OpEmptyMatch:
		return true, false
	case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true, true
	case syntax.OpNoMatch, syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return false, false
	case syntax.OpLiteral:
		return len(re.Rune) == 0, false
	case syntax.OpCapture, syntax.OpPlus:
		return startAssertions(re.Sub[0])
	case syntax.OpStar, syntax.OpQuest:
		_, a := startAssertions(re.Sub[0])
		return true, a
	case syntax.OpRepeat:
		n, a := startAssertions(re.Sub[0])
		return n || re.Min == 0, a
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			n, a := startAssertions(sub)
			if a {
				return n, true
			}
			if !n {
				return false, false
			}
		}
		return true, false
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			n, a := startAssertions(sub)
			nullable = nullable || n
			asserts = asserts || a
		}
		return nullable, asserts
	}
	return true, true
}

// maxMatchLen returns the most bytes a match of re spans, or -1 when
// that is unbounded (or too large to matter).
func maxMatchLen(re *syntax.Regexp) int {
	const unbounded = 1 << 20
	var walk func(re *syntax.Regexp) int
	walk = func(re *syntax.Regexp) int {
		switch re.Op {
		case syntax.OpNoMatch, syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine,
			syntax.OpBeginText, syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
			return 0
		case syntax.OpLiteral:
			n := 0
			for _, r := range re.Rune {
				w := utf8.RuneLen(r)
				if re.Flags&syntax.FoldCase != 0 {
					for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
						w = max(w, utf8.RuneLen(f))
					}
				}
				n += max(w, 1)
			}
			return n
		case syntax.OpCharClass:
			w := 0
			for i := 1; i < len(re.Rune); i += 2 {
				w = max(w, utf8.RuneLen(min(re.Rune[i], unicode.MaxRune)))
			}
			return w
		case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
			return utf8.UTFMax
		case syntax.OpCapture, syntax.OpQuest:
			return walk(re.Sub[0])
		case syntax.OpStar, syntax.OpPlus:
			return unbounded
		case syntax.OpRepeat:
			if re.Max < 0 {
				return unbounded
			}
			return min(unbounded, re.Max*walk(re.Sub[0]))
		case syntax.OpConcat:
			n := 0
			for _, sub := range re.Sub {
				n = min(unbounded, n+walk(sub))
			}
			return n
		case syntax.OpAlternate:
			n := 0
			for _, sub := range re.Sub {
				n = max(n, walk(sub))
			}
			return n
		}
		return unbounded
	}
	if n := walk(re); n < unbounded {
		return n
	}
	return -1
}

// anchoredForm returns the anchor of a rule (pattern pat, parsed as re)
// whose every match begins with one of keywords (ASCII
// case-insensitively), or nil.
func anchoredForm(pat string, re *syntax.Regexp, keywords []string) *anchor {
	if anyText, ok := keywordPrefixed(re, keywords); ok {
		a := newAnchor(pat, re)
		a.anyText = anyText
		return a
	}
	// `(?:^|[^\w-])(live_…)`, `[\s'"]([a-z0-9]{3}[0-9]Q~…)`: a lead-in of
	// a few characters at most before the keyword. A match then begins
	// at a keyword or at one of the characters before it.
	if n, rest := leadIn(re); rest != nil {
		if anyText, ok := keywordPrefixed(rest, keywords); ok {
			a := newAnchor(pat, re)
			a.anyText, a.leadIn = anyText, n
			return a
		}
	}
	// `(?i:aha_api|aha\.io|…|(?:^|[^A-Za-z0-9])aha)…`: an alternation
	// whose branches each begin with a keyword or with a lead-in before
	// one. A match then begins at a keyword or at one of the characters
	// before it, up to the longest branch's lead-in.
	if n, anyText, ok := branchLeadIn(re, keywords); ok {
		a := newAnchor(pat, re)
		a.anyText, a.leadIn = anyText, n
		return a
	}
	return nil
}

// branchLeadIn reports whether re begins with an alternation each of
// whose branches, followed by the rest of re, begins with one of keywords
// (keywordPrefixed) or with a lead-in before one (leadIn), and returns
// the longest lead-in and whether every branch's keyword holds in any
// text.
func branchLeadIn(re *syntax.Regexp, keywords []string) (n int, anyText, ok bool) {
	parts := concatParts(re, nil)
	if len(parts) == 0 || parts[0].Op != syntax.OpAlternate {
		return 0, false, false
	}
	anyText = true
	for _, b := range parts[0].Sub {
		branch := &syntax.Regexp{Op: syntax.OpConcat, Flags: re.Flags, Sub: append([]*syntax.Regexp{b}, parts[1:]...)}
		if t, ok := keywordPrefixed(branch, keywords); ok {
			anyText = anyText && t
			continue
		}
		k, rest := leadIn(branch)
		if rest == nil {
			return 0, false, false
		}
		t, ok := keywordPrefixed(rest, keywords)
		if !ok {
			return 0, false, false
		}
		n, anyText = max(n, k), anyText && t
	}
	return n, anyText, n > 0
}

// keywordPrefixed reports whether every match of re begins with one of
// keywords (ok), and whether it does so in any text (anyText,
// keywordFoldsASCII) or in ASCII text only.
func keywordPrefixed(re *syntax.Regexp, keywords []string) (anyText, ok bool) {
	prefixes, _ := literalPrefixes(re)
	if len(prefixes) == 0 {
		return false, false
	}
	anyText = true
	folds := hasFoldCase(re)
	for _, p := range prefixes {
		if !startsWithKeyword(p, keywords) {
			return false, false
		}
		// Without case folding a prefix is matched byte for byte.
		anyText = anyText && (isASCII(p) && !folds || keywordFoldsASCII(p, keywords))
	}
	return anyText, true
}

// hasFoldCase reports whether re holds a case-folded literal.
func hasFoldCase(re *syntax.Regexp) bool {
	if re.Op == syntax.OpLiteral && re.Flags&syntax.FoldCase != 0 {
		return true
	}
	for _, sub := range re.Sub {
		if hasFoldCase(sub) {
			return true
		}
	}
	return false
}

// maxLeadIn bounds the characters a lead-in may span: each keyword hit
// costs an anchored attempt per character.
const maxLeadIn = 8

// leadIn splits re, a concatenation (its groups opened), into a first
// part that matches n characters at most, n ≤ maxLeadIn, and the rest,
// whose matches begin with one of the keywords; the shortest such first
// part that is not empty. rest is nil when there is none.
func leadIn(re *syntax.Regexp) (n int, rest *syntax.Regexp) {
	parts := concatParts(re, nil)
	for i := 0; i < len(parts)-1; i++ {
		w := maxChars(parts[i])
		if w < 0 || n+w > maxLeadIn {
			return 0, nil
		}
		n += w
		if p, _ := literalPrefixes(parts[i+1]); len(p) > 0 && p[0] != "" {
			return n, &syntax.Regexp{Op: syntax.OpConcat, Flags: re.Flags, Sub: parts[i+1:]}
		}
	}
	return 0, nil
}

// concatParts appends the elements of re's concatenation, with its
// groups opened (the parts are only read for their prefixes and widths,
// never matched), to parts.
func concatParts(re *syntax.Regexp, parts []*syntax.Regexp) []*syntax.Regexp {
	switch re.Op {
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			parts = concatParts(sub, parts)
		}
		return parts
	case syntax.OpCapture:
		return concatParts(re.Sub[0], parts)
	}
	return append(parts, re)
}

// maxChars returns the most characters a match of re spans, or -1 when
// that is unbounded or more than maxLeadIn.
func maxChars(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return 0
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpLiteral:
		return len(re.Rune)
	case syntax.OpCapture, syntax.OpQuest:
		return maxChars(re.Sub[0])
	case syntax.OpRepeat:
		w := maxChars(re.Sub[0])
		if w < 0 || re.Max < 0 || re.Max > maxLeadIn || w*re.Max > maxLeadIn {
			return -1
		}
		return w * re.Max
	case syntax.OpAlternate:
		n := 0
		for _, sub := range re.Sub {
			w := maxChars(sub)
			if w < 0 {
				return -1
			}
			n = max(n, w)
		}
		return n
	case syntax.OpConcat:
		n := 0
		for _, sub := range re.Sub {
			w := maxChars(sub)
			if w < 0 || n+w > maxLeadIn {
				return -1
			}
			n += w
		}
		return n
	}
	return -1
}

// keywordFoldsASCII reports whether p is ASCII and begins with a keyword
// whose letters case-fold only to ASCII letters (not k, which folds to
// the Kelvin sign, nor s, which folds to ſ). A match beginning with such
// a p begins with the keyword's bytes in any text, so the automaton saw
// it even where the input holds non-ASCII bytes.
func keywordFoldsASCII(p string, keywords []string) bool {
	if !isASCII(p) {
		return false
	}
	for _, kw := range keywords {
		if len(kw) <= len(p) && isASCII(kw) && equalFoldASCII(p[:len(kw)], kw) && foldsASCII(p[:len(kw)]) {
			return true
		}
	}
	return false
}

// foldsASCII reports whether every rune of s case-folds only to ASCII
// runes.
func foldsASCII(s string) bool {
	for _, r := range s {
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if f >= utf8.RuneSelf {
				return false
			}
		}
	}
	return true
}

// startsWithKeyword reports whether a match beginning with p begins with
// a keyword in ASCII text: p starts with one, ASCII case folded, or p
// holds a non-ASCII character and cannot occur in ASCII text at all.
func startsWithKeyword(p string, keywords []string) bool {
	if !isASCII(p) {
		return true
	}
	for _, kw := range keywords {
		if len(kw) <= len(p) && isASCII(kw) && equalFoldASCII(p[:len(kw)], kw) {
			return true
		}
	}
	return false
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if foldASCII(a[i]) != foldASCII(b[i]) {
			return false
		}
	}
	return true
}

// windowASCII reports whether data[w.start:w.end] has no byte above 0x7f
// for an anchored attempt (runAnchored). A window of the input's first
// quarter or more asks allASCII of the whole input, computed once for
// every rule; a smaller one reads its own bytes, not a 64 KB request's
// for the few hundred bytes around one keyword.
func (sc *scanState) windowASCII(data []byte, w span) bool {
	if sc.ascii == 1 {
		return true
	}
	if sc.ascii == 0 && 4*(w.end-w.start) >= len(data) && sc.allASCII(data) {
		return true
	}
	return allASCII(data[w.start:w.end])
}

// allASCII is allASCII(data) for the pass's input, computed once.
func (sc *scanState) allASCII(data []byte) bool {
	if sc.ascii == 0 {
		sc.ascii = 2
		if allASCII(data) {
			sc.ascii = 1
		}
	}
	return sc.ascii == 1
}

// allASCII reports whether b has no byte above 0x7f, 32 bytes at a time
// (four words OR'ed, one branch), then eight.
func allASCII(b []byte) bool {
	for len(b) >= 32 {
		if (binary.LittleEndian.Uint64(b)|binary.LittleEndian.Uint64(b[8:])|
			binary.LittleEndian.Uint64(b[16:])|binary.LittleEndian.Uint64(b[24:]))&0x8080808080808080 != 0 {
			return false
		}
		b = b[32:]
	}
	for len(b) >= 8 {
		if binary.LittleEndian.Uint64(b)&0x8080808080808080 != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// maxPrefixes bounds the literal prefix sets, which multiply in a
// concatenation of alternations.
const maxPrefixes = 256

// literalPrefixes returns strings one of which every match of re begins
// with (nil when that cannot be said), and whether they are exactly the
// strings re matches. Case-folded literals are kept as written: the
// keyword test folds ASCII case, and run falls back to the plain regex on
// non-ASCII text, where folding reaches further (k and K, s and ſ).
func literalPrefixes(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return []string{""}, true
	case syntax.OpLiteral:
		return []string{string(re.Rune)}, true
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if len(out) >= 8 {
					return nil, false
				}
				out = append(out, string(r))
			}
		}
		return out, true
	case syntax.OpCapture:
		return literalPrefixes(re.Sub[0])
	case syntax.OpQuest:
		sub, exact := literalPrefixes(re.Sub[0])
		if sub == nil {
			return nil, false
		}
		return append([]string{""}, sub...), exact
	case syntax.OpPlus:
		sub, _ := literalPrefixes(re.Sub[0])
		return sub, false
	case syntax.OpRepeat:
		if re.Min == 0 {
			return nil, false
		}
		sub, _ := literalPrefixes(re.Sub[0])
		return sub, false
	case syntax.OpAlternate:
		var out []string
		exact := true
		for _, s := range re.Sub {
			sub, ex := literalPrefixes(s)
			if sub == nil || len(out)+len(sub) > maxPrefixes {
				return nil, false
			}
			out = append(out, sub...)
			exact = exact && ex
		}
		return out, exact
	case syntax.OpConcat:
		acc := []string{""}
		for _, s := range re.Sub {
			sub, ex := literalPrefixes(s)
			if sub == nil {
				return acc, false
			}
			if len(acc)*len(sub) > maxPrefixes {
				return acc, false
			}
			next := make([]string, 0, len(acc)*len(sub))
			for _, a := range acc {
				for _, b := range sub {
					next = append(next, a+b)
				}
			}
			acc = next
			if !ex {
				return acc, false
			}
		}
		return acc, true
	}
	return nil, false // star, any character: nothing to say
}

// runAnchored finds the matches of an anchored rule in data[w.start:w.end]
// by trying an anchored match at each of its keyword offsets (hits,
// ascending) inside the window, as FindAllSubmatchIndex over the window
// would report them: leftmost first, none overlapping the previous one.
// A rule with a lead-in (anchor.leadIn) is tried at the characters before
// each keyword too. The locations are relative to w.start. ok is false
// when the window holds non-ASCII bytes and the rule's keyword prefixes
// are case-folded and hold k or s, whose folding (K, ſ) reaches past what
// the keyword automaton sees; the caller then runs the plain regex.
//
// ascii says all of data is ASCII, which spares the window's own check.
//
// buf is scratch for the candidate offsets of a rule with a lead-in.
func (cr *compiledRule) runAnchored(data []byte, w span, hits []int, ascii bool, buf *[]int) (locs [][]int, ok bool) {
	if !cr.anchored().anyText && !ascii && !allASCII(data[w.start:w.end]) {
		return nil, false
	}
	if len(hits) == 0 || hits[0] >= w.end {
		return nil, true
	}
	a := cr.anchored()
	if a.leadIn > 0 {
		hits = withLeadIns(data, w, hits, a.leadIn, buf)
	}
	return anchoredMatches(data, w, hits, a)
}

// withLeadIns returns, ascending and once each, the hits and the starts
// of the n characters before each (within w): where a match with a lead-
// in of n characters at most may begin. Those are the characters the
// regexp package decodes before the hit: a keyword begins with an ASCII
// byte, which no multi-byte sequence holds, so decoding from w.start
// reaches the hit at a character boundary, and stepping back from a
// boundary with DecodeLastRune finds the characters before it (a byte
// that ends no valid sequence is one character of its own either way).
// buf is reused.
func withLeadIns(data []byte, w span, hits []int, n int, buf *[]int) []int {
	out := (*buf)[:0]
	for _, h := range hits {
		if h >= w.end {
			break
		}
		first := len(out)
		out = append(out, h)
		for p, k := h, 0; k < n && p > w.start; k++ {
			_, size := utf8.DecodeLastRune(data[w.start:p])
			p -= size
			out = append(out, p)
		}
		slices.Reverse(out[first:])
	}
	// The ranges of hits closer than n characters overlap.
	slices.Sort(out)
	out = slices.Compact(out)
	*buf = out
	return out
}

// anchoredMatches tries the anchored forms of a's pattern at each
// candidate offset (ascending; those outside w or inside the previous
// match are skipped) and returns the matches FindAllSubmatchIndex over
// data[w.start:w.end] reports, provided every match of the pattern there
// begins at a candidate. Locations are relative to w.start. An attempt at
// p reads at most a.maxLen bytes (when bounded) and one character past
// them, all that a match there and the assertions at its end can depend
// on. ok is false when a form it needs does not compile; the caller then
// runs the plain regex.
func anchoredMatches(data []byte, w span, cands []int, a *anchor) (locs [][]int, ok bool) {
	next := w.start // FindAll's next search offset: the end of the last match
	// stopAt is the first stop byte at or after the last candidate whose
	// run was read (w.end: none in the window): the candidates ascend, so
	// a later one before it shares it and the window is read once.
	stopAt := -1
	for _, p := range cands {
		if p < next || p >= w.end {
			continue
		}
		if w.end-p < a.minLen {
			break // and so is every later candidate's
		}
		end := w.end
		if a.maxLen >= 0 {
			end = min(end, p+a.maxLen+utf8.UTFMax)
		}
		if a.stop != nil && (a.maxLen < 0 || a.maxLen > stopReadMin) {
			if stopAt < p {
				stopAt = p
				for stopAt < w.end && !a.stop[data[stopAt]] {
					stopAt++
				}
			}
			// The match ends before the stop byte; the assertions after
			// it read the character there.
			end = min(end, stopAt+utf8.UTFMax)
			if stopAt-p < a.minLen {
				continue
			}
		} else if a.stop != nil && stopIn(a.stop, data[p:p+a.minLen]) {
			continue // a short pattern: its shortest match's bytes only
		}
		if !a.refuse.mayMatch(a.pat, data, p, end) {
			continue
		}
		var loc []int
		if p == w.start || a.contextFree {
			// At the window start the regex sees the start of text;
			// elsewhere a context-free pattern cannot tell data[p-1]
			// from it.
			re := a.startForm()
			if re == nil {
				return nil, false
			}
			loc = re.FindSubmatchIndex(data[p:end])
		} else {
			// One character of left context, so \b and (?m)^ see the
			// real neighbour. A candidate begins a character (ASCII or a
			// UTF-8 lead byte), so the byte before it decodes alone:
			// ASCII, or invalid on its own (U+FFFD, width 1), which
			// every assertion treats as the non-ASCII character it
			// belongs to would be treated.
			re := a.afterForm()
			if re == nil {
				return nil, false
			}
			loc = re.FindSubmatchIndex(data[p-1 : end])
			if loc != nil {
				loc[0] = 1 // the match proper starts after the context
				consume(loc, -1)
			}
		}
		if loc == nil {
			continue
		}
		consume(loc, p-w.start)
		locs = append(locs, loc)
		next = w.start + loc[1]
	}
	return locs, true
}

// stopIn reports whether b holds a byte of stop.
func stopIn(stop *[256]bool, b []byte) bool {
	for _, c := range b {
		if stop[c] {
			return true
		}
	}
	return false
}

// stopReadMin: a pattern whose matches are at most this long is bounded
// by maxLen alone, as cheaply as by reading for its stop byte.
const stopReadMin = 64

// consume moves the offsets of a submatch location by d (unset groups,
// -1, stay unset).
func consume(loc []int, d int) {
	for i := range loc {
		if loc[i] >= 0 {
			loc[i] += d
		}
	}
}

// addHit records that a keyword of anchored rule ri starts at offset s.
func (sc *scanState) addHit(nrules, ri, s int) {
	if sc.hits == nil {
		sc.hits = make([][]int, nrules)
	}
	sc.hits[ri] = append(sc.hits[ri], s)
}

// sortHits orders each rule's keyword offsets: the automaton reports
// them by end, and keywords differ in length. rules lists those that may
// have any (windowScratch.touched).
func (sc *scanState) sortHits(rules []int) {
	if sc.hits == nil {
		return
	}
	for _, ri := range rules {
		if h := sc.hits[ri]; len(h) > 1 {
			slices.Sort(h)
			sc.hits[ri] = slices.Compact(h)
		}
	}
}

// hitsIn returns rule ri's keyword offsets from w.start on.
func (sc *scanState) hitsIn(ri int, w span) []int {
	if sc == nil || sc.hits == nil {
		return nil
	}
	h := sc.hits[ri]
	i, _ := slices.BinarySearch(h, w.start)
	return h[i:]
}
