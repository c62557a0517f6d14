package rules

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/pretense/pretense/finding"
)

// Ruleset is a compiled, immutable set of rules. It is safe for concurrent
// use by any number of goroutines.
type Ruleset struct {
	rules []*compiledRule
	// kwRules maps a keyword's index in the automaton to the rules it gates.
	kwRules [][]int
	kw      *kwMatcher
	mode    Mode
	allow   []*regexp.Regexp
	// vocab holds every PHI label, so a context check can tell that the
	// label nearest a value belongs to another rule (nil without PHI rules).
	vocab *phiVocab
	// everywhere lists the rules that run over the whole input without a
	// keyword (AsWritten rules with none).
	everywhere []int
	// minDigits is the smallest MinDigits of the rules with a digits
	// prefilter (0: none); digitRules lists those rules.
	minDigits  int
	digitRules []int
	// noMarkers ignores inline pretense:allow markers; normalize also
	// matches the normalised text (normalize.go).
	noMarkers, normalize bool
	// plainRegex (tests only) runs every rule's full regex over its
	// windows, without the anchored and lead-byte shortcuts, so tests can
	// check that the shortcuts find exactly what the plain path finds.
	plainRegex bool
	// kwMark holds, per automaton keyword, the marks it stands for
	// (marks.go); nil without PHI rules.
	kwMark []uint8
	// partKW marks keywords owned only by PHI rules: their hits count only
	// at identifier-part boundaries (see partBoundary).
	partKW []bool
	// formats maps the types of the structured PHI readers to their
	// rules (nil without PHI rules; see phi_formats.go).
	formats formatRules
	// owned holds the names provider rules decide about (grammar.go).
	owned *ownedNames
	// scratch holds *windowScratch values for windows (scan.go); shared by
	// the copies WithoutInlineMarkers and Normalizing make (same rules).
	scratch *sync.Pool
}

type compiledRule struct {
	def *Rule
	// rx holds the pattern, allow regexes, required literals and anchor,
	// each made on first use (lazy.go); use cr.pattern(),
	// cr.allowRegexps(), cr.needles() and cr.anchored().
	rx     ruleRegexps
	stop   []string
	checks []CheckFunc
	window int
	ctx    *compiledContext
	// index is the rule's position in Ruleset.rules.
	index int
	// lead holds the bytes the rule's matches begin with (lead.go).
	lead leadBytes
	// gate says whether its lead-byte candidates without a label are
	// dropped before the regex (labelgate.go), decided on first use.
	gate struct {
		once sync.Once
		on   bool
	}
}

// RuleError is a problem with one rule definition; the CLI turns it into a
// usage error (exit 2) naming the rule.
type RuleError struct {
	RuleID string
	Err    error
}

func (e *RuleError) Error() string { return fmt.Sprintf("rule %q: %v", e.RuleID, e.Err) }
func (e *RuleError) Unwrap() error { return e.Err }

const defaultWindow = 512

// Compile validates defs and builds a Ruleset. PHI rules are kept only when
// opts.PHIMode asks for them; disabled ids are dropped. The definitions are
// copied, so later changes to defs do not affect the Ruleset.
func Compile(defs []Rule, opts Options) (*Ruleset, error) {
	mode, ok := ParseMode(string(opts.PHIMode))
	if !ok {
		return nil, fmt.Errorf("phi-mode %q: want off, standard or strict", opts.PHIMode)
	}
	rs := &Ruleset{mode: mode, scratch: new(sync.Pool)}
	for _, a := range opts.AllowValues {
		re, err := regexp.Compile(a)
		if err != nil {
			return nil, fmt.Errorf("allowlist regex %q: %w", a, err)
		}
		rs.allow = append(rs.allow, re)
	}
	seen := map[string]bool{}
	kwIndex := map[string]int{}
	var keywords []string
	for i := range defs {
		d := defs[i] // copy: the Ruleset owns its definitions
		if err := validate(&d); err != nil {
			return nil, &RuleError{RuleID: d.ID, Err: err}
		}
		if seen[d.ID] {
			return nil, &RuleError{RuleID: d.ID, Err: errors.New("duplicate rule id")}
		}
		seen[d.ID] = true
		if slices.Contains(opts.Disable, d.ID) {
			continue
		}
		if d.Kind == finding.KindPHI && (mode == ModeOff || d.MinMode.rank() > mode.rank()) {
			continue
		}
		cr, err := compileRule(&d)
		if err != nil {
			return nil, &RuleError{RuleID: d.ID, Err: err}
		}
		idx := len(rs.rules)
		cr.index = idx
		rs.rules = append(rs.rules, cr)
		if d.AsWritten && len(d.Keywords) == 0 {
			rs.everywhere = append(rs.everywhere, idx)
		}
		for _, kw := range d.Keywords {
			kw = strings.ToLower(kw)
			k, ok := kwIndex[kw]
			if !ok {
				k = len(keywords)
				kwIndex[kw] = k
				keywords = append(keywords, kw)
				rs.kwRules = append(rs.kwRules, nil)
			}
			if !slices.Contains(rs.kwRules[k], idx) {
				rs.kwRules[k] = append(rs.kwRules[k], idx)
			}
		}
	}
	rs.partKW = make([]bool, len(keywords))
	for k, owners := range rs.kwRules {
		rs.partKW[k] = true
		for _, ri := range owners {
			if rs.rules[ri].ctx == nil {
				rs.partKW[k] = false
			}
		}
	}
	rs.owned = newOwnedNames(rs.rules)
	for _, cr := range rs.rules {
		if cr.ctx != nil && rs.vocab == nil {
			rs.vocab = newVocab(rs.rules)
		}
		if cr.def.Prefilter == prefilterDigits {
			rs.digitRules = append(rs.digitRules, cr.index)
			if rs.minDigits == 0 || cr.def.MinDigits < rs.minDigits {
				rs.minDigits = cr.def.MinDigits
			}
		}
	}
	if rs.vocab != nil {
		for _, cr := range rs.rules {
			if cr.ctx != nil {
				cr.ctx.withVocab(rs.vocab)
			}
		}
		rs.formats = newFormatRules(rs, opts.Disable)
		// The context checks look for the INSERT statement around a
		// value and the format detection for its markers; the automaton
		// finds them all in its one pass (marks.go).
	}
	keywords = rs.addMarkers(keywords, kwIndex, rs.vocab != nil)
	rs.kw = newKWMatcher(keywords)
	return rs, nil
}

func validate(d *Rule) error {
	if d.ID == "" {
		return errors.New("missing id")
	}
	if d.Pattern == "" {
		return errors.New("missing pattern")
	}
	if len(d.Keywords) == 0 && !d.AsWritten {
		return errors.New("no keywords: every rule needs at least one so its regex runs only near a hit")
	}
	for _, k := range d.Keywords {
		if strings.TrimSpace(k) == "" {
			return errors.New("empty keyword")
		}
	}
	if d.Kind == "" {
		d.Kind = finding.KindSecret
	}
	if d.Kind != finding.KindSecret && d.Kind != finding.KindPHI {
		return fmt.Errorf("kind %q: want secret or phi", d.Kind)
	}
	if d.Severity == "" {
		d.Severity = finding.SeverityHigh
	}
	if !finding.ValidSeverity(string(d.Severity)) {
		return fmt.Errorf("severity %q: want low, medium, high or critical", d.Severity)
	}
	if d.MinMode == "" {
		d.MinMode = ModeStandard
	}
	if _, ok := ParseMode(string(d.MinMode)); !ok {
		return fmt.Errorf("minMode %q: want standard or strict", d.MinMode)
	}
	if d.Confidence == 0 {
		d.Confidence = 0.9
	}
	if d.Confidence < 0 || d.Confidence > 1 {
		return fmt.Errorf("confidence %v: want a number in (0, 1]", d.Confidence)
	}
	switch d.Prefilter {
	case "":
	case prefilterDigits:
		if d.MinDigits < 1 || d.MaxDigits != 0 && d.MaxDigits < d.MinDigits {
			return errors.New("prefilter digits needs minDigits of at least 1 and maxDigits of 0 or at least minDigits")
		}
	default:
		return fmt.Errorf("prefilter %q: want digits or nothing", d.Prefilter)
	}
	return nil
}

func compileRule(d *Rule) (*compiledRule, error) {
	pat := d.Pattern
	if !d.AsWritten { // another tool's regex is taken verbatim
		pat = expandPattern(pat)
	}
	cr := &compiledRule{def: d, window: d.Window}
	cr.rx.pat = pat
	if !cr.verifiedLater() {
		// Not known to compile: compile now, so an error is reported
		// while the rules load.
		if err := cr.compileRegexps(); err != nil {
			return nil, err
		}
	}
	if cr.window <= 0 {
		cr.window = defaultWindow
	}
	for _, s := range d.Stopwords {
		cr.stop = append(cr.stop, strings.ToLower(s))
	}
	if d.Context != nil {
		cc, err := compileContext(d.Context)
		if err != nil {
			return nil, err
		}
		cr.ctx = cc
	}
	for _, name := range d.Checks {
		f, ok := lookupCheck(name)
		if !ok {
			names := CheckNames()
			slices.Sort(names)
			return nil, fmt.Errorf("unknown check %q (known: %s)", name, strings.Join(names, ", "))
		}
		cr.checks = append(cr.checks, f)
	}
	return cr, nil
}

// Rules returns the definitions compiled into the set, in compile order.
// The returned rules must not be modified.
func (rs *Ruleset) Rules() []*Rule {
	out := make([]*Rule, len(rs.rules))
	for i, r := range rs.rules {
		out[i] = r.def
	}
	return out
}

// Mode is the PHI mode the set was compiled with.
func (rs *Ruleset) Mode() Mode { return rs.mode }
