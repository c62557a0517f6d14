package rules

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"sort"
	"sync"
)

// Lazy regexes: a start compiles ~450 built-in patterns and their allow
// regexes, yet a pre-commit scan of a few files meets the keywords of a
// handful. So a rule whose pattern and allow regexes are known to compile
// (they appear in builtinRegexps, generated with the rule table and checked
// by TestBuiltinRegexps) compiles each of them the first time a scan needs
// it. Every other rule (a user's, a gitleaks config's, an edited built-in)
// is compiled by Compile, so a bad regex is still a usage error when the
// rules load.
//
// A rule's analysis (its required literals and whether it is keyword-
// anchored) needs the parsed pattern only, and comes first; the regexes
// themselves are compiled later still, each on its own first use. A
// directory scan meets the keywords of a few hundred rules, yet most of
// their windows hold none of the rule's required literals, and an
// anchored rule over ASCII text runs only its anchored form (anchor.go):
// compiling every touched rule's pattern, allow regexes and anchored
// forms at once cost ~50-80 ms of a scan whose rules ran in a fraction of
// them.

// ruleRegexps holds what a rule compiles, each part filled once.
type ruleRegexps struct {
	// once guards the analysis: need and anchor.
	once sync.Once
	// pat is the pattern as compiled (macros expanded).
	pat string
	// reOnce and allowOnce guard re and allow (compiled on first use for
	// a verified rule, by Compile for any other).
	reOnce, allowOnce sync.Once
	re                *regexp.Regexp
	allow             []*regexp.Regexp
	// anchor is set for a keyword-anchored rule: see anchor.go.
	anchor *anchor
	// need lists the pattern's required literals, nil if none (needle.go).
	need needles
}

// pattern returns the rule's compiled pattern.
func (cr *compiledRule) pattern() *regexp.Regexp {
	cr.rx.reOnce.Do(func() { cr.rx.re = mustCompile(cr, cr.rx.pat) })
	return cr.rx.re
}

// allowRegexps returns the rule's compiled allow regexes.
func (cr *compiledRule) allowRegexps() []*regexp.Regexp {
	cr.rx.allowOnce.Do(func() {
		for _, a := range cr.def.Allow {
			cr.rx.allow = append(cr.rx.allow, mustCompile(cr, a))
		}
	})
	return cr.rx.allow
}

// mustCompile compiles a regex of rule cr that is known to compile.
func mustCompile(cr *compiledRule, re string) *regexp.Regexp {
	x, err := regexp.Compile(re)
	if err != nil {
		// Only regexes listed in builtinRegexps get here, and
		// TestBuiltinRegexps compiles every one of them.
		panic(fmt.Sprintf("rule %q: a verified regex does not compile: %v", cr.def.ID, err))
	}
	return x
}

// anchored returns the rule's anchor, or nil if it is not
// keyword-anchored.
func (cr *compiledRule) anchored() *anchor {
	cr.analyse()
	return cr.rx.anchor
}

// needles returns the literals every match of the rule's pattern
// contains one of, or nil (needle.go).
func (cr *compiledRule) needles() needles {
	cr.analyse()
	return cr.rx.need
}

// analyse finds the pattern's required literals and anchor, once: from
// its parsed form, without compiling it.
func (cr *compiledRule) analyse() {
	cr.rx.once.Do(func() {
		d := cr.def
		// Only plain keyword-window rules: digit-prefiltered and
		// as-written rules get their windows otherwise, and PHI rules'
		// keywords count only at identifier-part boundaries.
		wantAnchor := d.Prefilter == "" && !d.AsWritten && d.Context == nil
		v, verified := verifiedLookup(cr.rx.pat)
		if verified {
			cr.rx.need = v.needles()
			if !wantAnchor {
				return
			}
			// A built-in pattern with its own keywords: the anchor was
			// worked out with the table, and the pattern is not parsed.
			if a, ok := v.anchorFor(cr.rx.pat, d.Keywords); ok {
				cr.rx.anchor = a
				return
			}
		}
		re, err := syntax.Parse(cr.rx.pat, syntax.Perl)
		if err != nil {
			return // the regexes do not compile either: Compile said so
		}
		if !verified {
			cr.rx.need = requiredNeedles(re)
		}
		if wantAnchor {
			cr.rx.anchor = anchoredForm(cr.rx.pat, re, d.Keywords)
		}
	})
}

// compileRegexps compiles the pattern and allow regexes now; Compile
// calls it for rules not known to compile, to report their errors.
func (cr *compiledRule) compileRegexps() error {
	d := cr.def
	re, err := regexp.Compile(cr.rx.pat)
	if err != nil {
		return fmt.Errorf("invalid pattern: %w", err)
	}
	if d.SecretGroup < 0 || d.SecretGroup > re.NumSubexp() {
		return fmt.Errorf("secretGroup %d: the pattern has %d groups", d.SecretGroup, re.NumSubexp())
	}
	var allow []*regexp.Regexp
	for _, a := range d.Allow {
		are, err := regexp.Compile(a)
		if err != nil {
			return fmt.Errorf("invalid allow regex %q: %w", a, err)
		}
		allow = append(allow, are)
	}
	cr.rx.reOnce.Do(func() { cr.rx.re = re })
	cr.rx.allowOnce.Do(func() { cr.rx.allow = allow })
	return nil
}

// verifiedLater reports whether the rule's regexes may be compiled on
// first use: its pattern and every allow regex are in builtinRegexps and
// its secret group is one the pattern has.
func (cr *compiledRule) verifiedLater() bool {
	n, ok := verifiedRegexp(cr.rx.pat)
	if !ok || cr.def.SecretGroup < 0 || cr.def.SecretGroup > n {
		return false
	}
	for _, a := range cr.def.Allow {
		if _, ok := verifiedRegexp(a); !ok {
			return false
		}
	}
	return true
}

// verifiedRegexp looks re up in builtinRegexps (sorted by text) and returns
// its number of capture groups.
func verifiedRegexp(re string) (nsub int, ok bool) {
	v, ok := verifiedLookup(re)
	if !ok {
		return 0, false
	}
	return v.nsub, true
}

// verifiedLookup returns re's entry of builtinRegexps (sorted by text).
func verifiedLookup(re string) (*verifiedRegex, bool) {
	i := sort.Search(len(builtinRegexps), func(i int) bool { return builtinRegexps[i].re >= re })
	if i < len(builtinRegexps) && builtinRegexps[i].re == re {
		return &builtinRegexps[i], true
	}
	return nil, false
}

// verifiedRegex is one entry of builtinRegexps: a regex text that compiles
// and its number of capture groups, and the analysis a rule with it as
// its pattern would otherwise make at its first use: ~100 M instructions
// (syntax.Simplify of counted repeats, mostly) of a scan of $GOROOT/src,
// ~6% of it. TestBuiltinRegexps holds each equal to the runtime analysis.
type verifiedRegex struct {
	re   string
	nsub int
	// need is requiredNeedles of re, nil when it has none.
	need []string
	// lead holds the bytes of firstBytes(re) in order, "" when it is nil.
	lead string
	// anchors holds anchoredForm of re for each keyword list a built-in
	// rule gives it (none for an allow regex or an as-written pattern):
	// the rest of a rule's analysis, which otherwise parses the pattern
	// at its first use (~1.5% of a scan of $GOROOT/src, ~10% of a scan
	// of a few files that meet many rules' keywords).
	anchors []verifiedAnchor
	// leadInfo is the rest of the lead-byte analysis (leadtable.go),
	// nil when lead is "".
	leadInfo *verifiedLead
}

// verifiedAnchor is anchoredForm of a verifiedRegex's text with keywords:
// leadIn < 0 when it is not anchored, else the anchor's fields.
type verifiedAnchor struct {
	keywords    []string
	leadIn      int
	anyText     bool
	contextFree bool
	maxLen      int
	minLen      int
	// stop is the anchor's stop set as a bitmap, zero for nil.
	stop [4]uint64
}

// anchorFor returns the anchor of pattern pat (v's text) for a rule with
// keywords, and whether the table has it.
func (v *verifiedRegex) anchorFor(pat string, keywords []string) (*anchor, bool) {
	for i := range v.anchors {
		va := &v.anchors[i]
		if !slices.Equal(va.keywords, keywords) {
			continue
		}
		if va.leadIn < 0 {
			return nil, true
		}
		return va.toAnchor(pat), true
	}
	return nil, false
}

// toAnchor returns the anchor of pattern pat that va records (leadIn >= 0).
func (va *verifiedAnchor) toAnchor(pat string) *anchor {
	a := &anchor{pat: pat, maxLen: va.maxLen, minLen: va.minLen, contextFree: va.contextFree, anyText: va.anyText, leadIn: va.leadIn}
	if va.stop != ([4]uint64{}) {
		var stop [256]bool
		for b := range stop {
			stop[b] = va.stop[b>>6]&(1<<(b&63)) != 0
		}
		a.stop = &stop
	}
	return a
}

// tableAnchor is the verifiedAnchor of a (the anchoredForm of a pattern
// with keywords; nil when it is not anchored).
func tableAnchor(a *anchor, keywords []string) verifiedAnchor {
	va := verifiedAnchor{keywords: keywords, leadIn: -1}
	if a == nil {
		return va
	}
	va.leadIn, va.anyText, va.contextFree, va.maxLen, va.minLen = a.leadIn, a.anyText, a.contextFree, a.maxLen, a.minLen
	if a.stop != nil {
		for b, in := range a.stop {
			if in {
				va.stop[b>>6] |= 1 << (b & 63)
			}
		}
	}
	return va
}

// needles returns v.need as needles.
func (v *verifiedRegex) needles() needles {
	if v.need == nil {
		return nil
	}
	out := make(needles, len(v.need))
	for i, n := range v.need {
		out[i] = []byte(n)
	}
	return out
}

// leadSet returns v.lead as firstBytes does.
func (v *verifiedRegex) leadSet() *[256]bool {
	if v.lead == "" {
		return nil
	}
	var set [256]bool
	for i := 0; i < len(v.lead); i++ {
		set[v.lead[i]] = true
	}
	return &set
}
