package rules

import "regexp/syntax"

// A rule's lead-byte analysis (lead.go: the first bytes, literal
// prefixes, \b start and anchored forms of its pattern) parses the
// pattern three times and simplifies it once; for a built-in pattern it
// is generated with the rule table instead (verifiedRegex.leadInfo,
// held to parseLead by TestBuiltinRegexps): ~60 M instructions, a fifth,
// of a scan of a small directory such as docs/.

// leadParts is what leadBytes.get derives its fields from.
type leadParts struct {
	// set is nil when the pattern has no usable set; the rest is then
	// zero.
	set *[256]bool
	// prefixes are the literal prefixes newPrefixSet indexes, nil when
	// it would give no index.
	prefixes  []string
	wordStart bool
	forms     *anchor
}

// leadAnalysis returns pat's lead parts, from builtinRegexps when pat is
// a built-in pattern; ok is false when pat does not parse.
func leadAnalysis(pat string) (p leadParts, ok bool) {
	if v, ok := verifiedLookup(pat); ok {
		if p.set = v.leadSet(); p.set != nil && v.leadInfo != nil {
			li := v.leadInfo
			p.prefixes, p.wordStart, p.forms = li.prefixes, li.wordStart, li.form.toAnchor(pat)
			return p, true
		}
		if p.set == nil {
			return p, true
		}
	}
	return parseLead(pat)
}

// parseLead is leadAnalysis from the parsed pattern.
func parseLead(pat string) (p leadParts, ok bool) {
	re, err := syntax.Parse(pat, syntax.Perl)
	if err != nil {
		return p, false
	}
	if v, ok := verifiedLookup(pat); ok {
		p.set = v.leadSet()
	} else {
		p.set = firstBytes(pat)
	}
	if p.set == nil {
		return p, true
	}
	p.forms = newAnchor(pat, re)
	p.prefixes = prefixList(pat)
	p.wordStart = wordStart(pat, p.set)
	return p, true
}

// prefixList returns the literal prefixes of pat's matches, when
// newPrefixSet indexes them (they are known, and all non-empty and
// ASCII), else nil.
func prefixList(pat string) []string {
	re, err := syntax.Parse(pat, syntax.Perl)
	if err != nil {
		return nil
	}
	ps, _ := literalPrefixes(re)
	if newPrefixSet(ps) == nil {
		return nil
	}
	return ps
}

// verifiedLead is parseLead of a verifiedRegex's text, when it has lead
// bytes: the prefixes (nil for none), the \b start and the anchored
// forms' fields as tableAnchor gives them (no keywords, leadIn 0).
type verifiedLead struct {
	prefixes  []string
	wordStart bool
	form      verifiedAnchor
}

// tableLead is the verifiedLead of p, nil when p has no lead set.
func tableLead(p leadParts) *verifiedLead {
	if p.set == nil {
		return nil
	}
	return &verifiedLead{prefixes: p.prefixes, wordStart: p.wordStart, form: tableAnchor(p.forms, nil)}
}
