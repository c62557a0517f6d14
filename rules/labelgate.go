package rules

import (
	"regexp"
	"regexp/syntax"
	"unicode/utf8"
)

// The label gate: a PHI rule whose matches need a label in this mode drops
// a lead-byte candidate whose label search finds none before its regex or
// checks run. phi-patient-name has a candidate at every capitalised word
// within 1 KB of a patient keyword (the input and output types of TypeScript code), each
// an anchored regex attempt, the person-name check and then the label
// search that drops nearly all of them; the search alone decides, so it
// runs first.
//
// A dropped candidate must be one whose match could report nothing and
// hide nothing:
//   - its value starts where its match does (labelGateRule: the secret
//     group opens the pattern after zero-width assertions), and no check
//     moves that start, except person-name past a title or label word
//     ("Mr", "Patient"), which the gate leaves to the full path
//     (personNameMayShift); so applyContext would search for the label at
//     the candidate, where the gate found none (findLabel depends on the
//     input and the position alone);
//   - without a label (or with another rule's) applyContext drops a value
//     when the mode requires context and a subject word alone is not
//     enough (nearAlone);
//   - its match, if any, ends before the next candidate, so that one is
//     tried as it would be after the match (anchoredMatches skips the
//     candidates a match covers): the match ends at the pattern's first
//     stop byte at the latest, or maxLen bytes on.

// labelGateRule reports whether cr's lead-byte candidates go through the
// label gate in mode: it may (the comment above), and it pays: every
// candidate begins a match (everyLeadMatches), so the regex and checks
// decide little and the label search is what drops a candidate. A rule
// whose regex rejects most of its candidates (a ZIP code's five digits
// at every digit) is left to do so first, for less than a label search.
func labelGateRule(cr *compiledRule, mode Mode, set *[256]bool) bool {
	cc := cr.ctx
	if cc == nil || !cc.required(mode) || cc.nearAlone || cr.def.Filter != nil || set == nil {
		return false
	}
	re, err := syntax.Parse(cr.rx.pat, syntax.Perl)
	if err != nil || !valueAtStart(re, cr.def.SecretGroup) {
		return false
	}
	return everyLeadMatches(cr.rx.pat, set)
}

// everyLeadMatches reports whether pat matches, at the start of the
// text, each of the lead bytes in set alone: all of them ASCII.
func everyLeadMatches(pat string, set *[256]bool) bool {
	re, err := regexp.Compile(`^(?:` + pat + `)`)
	if err != nil {
		return false
	}
	for c, in := range set {
		if in && (c >= utf8.RuneSelf || !re.MatchString(string(rune(c)))) {
			return false
		}
	}
	return true
}

// valueAtStart reports whether capture group g of re always starts where
// the match does: re is the group, or a concatenation of zero-width
// assertions and then the group.
func valueAtStart(re *syntax.Regexp, g int) bool {
	switch re.Op {
	case syntax.OpCapture:
		return re.Cap == g || valueAtStart(re.Sub[0], g)
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			switch sub.Op {
			case syntax.OpWordBoundary, syntax.OpBeginLine, syntax.OpBeginText, syntax.OpEmptyMatch:
				continue
			}
			return valueAtStart(sub, g)
		}
	}
	return false
}

// labelGate removes from cands (ascending, in w) the candidates the gate
// proves report nothing, in place. a bounds each candidate's match.
func (rs *Ruleset) labelGate(cr *compiledRule, data []byte, w span, cands []int, a *anchor, sc *scanState) []int {
	checkShift := false
	for _, name := range cr.def.Checks {
		checkShift = checkShift || name == "person-name"
	}
	out := cands[:0]
	for i, p := range cands {
		// The latest a match at p can end: before the first stop byte,
		// at most maxLen bytes on.
		bound := w.end
		if a.maxLen >= 0 {
			bound = min(bound, p+a.maxLen)
		}
		if a.stop != nil {
			e := p
			for e < bound && !a.stop[data[e]] {
				e++
			}
			bound = e
		}
		if i+1 < len(cands) && cands[i+1] < bound || checkShift && personNameMayShift(data, p) {
			out = append(out, p)
			continue
		}
		// A candidate with a label is searched again by applyContext:
		// few are, and remembering each costs more than that.
		if _, _, class := rs.findLabel(cr.ctx, data, p, sc); class != labelNone && class != labelBlocked {
			out = append(out, p)
		}
	}
	return out
}

// personNameMayShift reports whether checkPersonName may move the start of
// a value matched at p: the value's first word (its [A-Za-z'-] bytes; a
// period after them is trimmed) is a title or label word it trims off
// (nameLead).
func personNameMayShift(data []byte, p int) bool {
	e := p
	for e < len(data) && (asciiLetter(data[e]) || data[e] == '\'' || data[e] == '-') {
		e++
	}
	if e-p > 16 {
		return false // longer than any nameLead word
	}
	var buf [16]byte
	return nameLead[string(appendLower(buf[:0], data[p:e]))]
}

// labelGated is labelGateRule for cr in mode, decided once (a rule set has
// one mode).
func (cr *compiledRule) labelGated(mode Mode) bool {
	cr.gate.once.Do(func() { cr.gate.on = labelGateRule(cr, mode, cr.lead.get(cr.rx.pat)) })
	return cr.gate.on
}
