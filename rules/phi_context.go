package rules

import (
	"bytes"
	"fmt"
	"strings"
)

// Context is the part of a PHI rule that reads what surrounds a value. A
// nine-digit number is an SSN only under an SSN label; a date is PHI only
// under a birth-date field. Labels are matched as whole words or identifier
// parts (camelCase, snake_case, kebab-case and dotted names are split), so
// `dateOfBirth`, `date_of_birth` and "Date of birth:" all read the same,
// and `lic` never matches inside `public`.
//
// Where a value's label comes from, in order:
//   - inline: the nearest label before the value on its line, at most Gap
//     non-label words away (a label that belongs to another rule, or a
//     known non-PHI label such as `order` or `version`, is nearer and wins);
//   - the previous line, when the value starts its line (YAML lists, JSON
//     arrays);
//   - the CSV/TSV header column the value sits in;
//   - the column of an SQL INSERT column list the value sits under.
type Context struct {
	// Words are labels that make a value PHI on their own ("mrn",
	// "medical record number", "dob").
	Words []string `yaml:"words"`
	// Weak are labels that count only with a Near word close by ("phone"
	// next to "patient").
	Weak []string `yaml:"weak"`
	// Near are subject words ("patient", "member") searched where a
	// reader would look for whose value it is (see nearSubject): the
	// value's line, the lines opening its enclosing objects and, for
	// prose, its paragraph, at most NearWindow bytes above the value.
	Near       []string `yaml:"near"`
	NearWindow int      `yaml:"nearWindow"`
	// NearAlone makes a Near word enough context without any label (an
	// email address in a sentence about a patient).
	NearAlone bool `yaml:"nearAlone"`
	// Require says when a value without context is dropped: always (the
	// default), standard (strict mode keeps it at Without confidence) or
	// never (kept in every mode at Without confidence).
	Require string `yaml:"require"`
	// Without is the confidence of a value kept without context.
	Without float64 `yaml:"without"`
	// Gap is how many non-label words may stand between a label and its
	// value (default 4).
	Gap int `yaml:"gap"`
}

// Bounds on the context search, so one match costs a bounded amount of work
// whatever the input.
const (
	labelLookback   = 96
	maxLabelParts   = 4
	defaultGap      = 4
	defaultNear     = 400
	negativeReach   = 80
	headerMaxBytes  = 4096
	sqlLookback     = 8192
	negativePenalty = 0.25
)

type labelClass uint8

const (
	labelNone labelClass = iota
	labelStrong
	labelWeak
	labelBlocked
)

type compiledContext struct {
	words      map[string]bool
	weak       map[string]bool
	near       map[string]bool
	nearWindow int
	nearAlone  bool
	require    Mode // the highest mode that still drops a value without context
	without    float64
	gap        int
	// phrases is words, weak and the Ruleset's vocabulary (subjects and
	// labels) in one table, a bit each (phraseWord…): walkLabel looks a
	// phrase up once instead of in four maps (withVocab).
	phrases map[string]phraseClass
	// mayHoldBits is a one-hash filter of the keys of phrases (mayHold).
	mayHoldBits [phraseFilterBits / 64]uint64
	// ends is a one-hash filter of the space-free suffixes of the keys
	// of phrases (mayEnd), shared by the Ruleset's contexts: each ORs
	// its keys in, so it holds every context's.
	ends *endFilter
}

// endFilterBits is the size of the suffix filter: the built-in
// vocabulary's suffixes fill a few per cent of it.
const endFilterBits = 1 << 16

type endFilter [endFilterBits / 64]uint64

// endHash is the suffix filter's bit of part p (non-empty): its length
// and its first, second and last bytes, as phraseHash, to 16 bits.
func endHash(p []byte) uint32 {
	n := len(p)
	return endHashOf(n, p[0], p[min(1, n-1)], p[n-1])
}

func endHashOf(n int, first, second, last byte) uint32 {
	x := uint32(n) | uint32(first)<<8 | uint32(second)<<16 | uint32(last)<<24
	return (x * 0x9E3779B1) >> (32 - 16)
}

// mayEnd reports whether some key of phrases may end with part p (lower
// case, non-empty, without spaces): false means no phrase whose last
// part is p is a key, spaced or joined, so a walk need not look up any.
func (cc *compiledContext) mayEnd(p []byte) bool {
	if cc.ends == nil {
		return true // a context compiled without the vocabulary
	}
	h := endHash(p)
	return cc.ends[h/64]&(1<<(h%64)) != 0
}

// mayEndFold is mayEnd of part p (ASCII letters, non-empty) lower-cased,
// without copying it.
func (cc *compiledContext) mayEndFold(p []byte) bool {
	n := len(p)
	h := endHashOf(n, lowerLetter(p[0]), lowerLetter(p[min(1, n-1)]), lowerLetter(p[n-1]))
	return cc.ends[h/64]&(1<<(h%64)) != 0
}

// lowerLetter lower-cases an ASCII letter: a letter's 0x20 bit is set in
// lower case.
func lowerLetter(c byte) byte { return c | 0x20 }

// phraseFilterBits is the size of a context's phrase filter: the
// built-in vocabulary fills a few per cent of it.
const phraseFilterBits = 1 << 13

// phraseHash is the filter bit of phrase p: from its length and its
// first, second and last bytes.
func phraseHash(p []byte) uint32 {
	n := len(p)
	if n == 0 {
		return 0
	}
	return phraseHashOf(n, p[0], p[min(1, n-1)], p[n-1])
}

// phraseHashOf is phraseHash of a phrase of n bytes (n > 0) that begins
// with a and b and ends with z, for a phrase not built yet.
func phraseHashOf(n int, a, b, z byte) uint32 {
	x := uint32(n) | uint32(a)<<8 | uint32(b)<<16 | uint32(z)<<24
	return (x * 0x9E3779B1) >> (32 - 13)
}

// mayHold reports whether p may be a key of phrases: false means it is
// not, without hashing all of it (most phrases a walk tries are none).
func (cc *compiledContext) mayHold(p []byte) bool {
	return cc.mayHoldHash(phraseHash(p))
}

// mayHoldHash is mayHold of a phrase with filter bit h.
func (cc *compiledContext) mayHoldHash(h uint32) bool {
	return cc.mayHoldBits[h/64]&(1<<(h%64)) != 0
}

// phraseClass says which of a context's phrase sets hold a phrase.
type phraseClass uint8

const (
	phraseWord phraseClass = 1 << iota
	phraseWeak
	phraseSubject
	phraseLabel
)

// withVocab fills cc.phrases from its words and the Ruleset's vocabulary.
func (cc *compiledContext) withVocab(v *phiVocab) {
	if v.ends == nil {
		v.ends = new(endFilter)
	}
	cc.ends = v.ends
	cc.phrases = make(map[string]phraseClass, len(cc.words)+len(cc.weak)+len(v.subjects)+len(v.labels))
	for _, set := range []struct {
		m map[string]bool
		c phraseClass
	}{{cc.words, phraseWord}, {cc.weak, phraseWeak}, {v.subjects, phraseSubject}, {v.labels, phraseLabel}} {
		for p, ok := range set.m {
			if ok {
				cc.phrases[p] |= set.c
				h := phraseHash([]byte(p))
				cc.mayHoldBits[h/64] |= 1 << (h % 64)
				// Every suffix of the key's last word: a part is
				// never spaced, and a phrase ending with part p
				// ends with one of them.
				for i := len(p) - 1; i >= 0 && p[i] != ' '; i-- {
					h := endHash([]byte(p[i:]))
					cc.ends[h/64] |= 1 << (h % 64)
				}
			}
		}
	}
}

// phiVocab is every label any compiled PHI rule knows, plus labels known
// not to be PHI. A label of another kind nearer to a value than the rule's
// own label decides that the value is not this rule's.
type phiVocab struct {
	labels   map[string]bool
	subjects map[string]bool
	ends     *endFilter // the contexts' shared suffix filter (withVocab)
}

// otherLabels are field names and words that mark a value as something
// other than PHI: order and invoice numbers, versions, timestamps, ports,
// and non-birth dates. They block a PHI label further away.
var otherLabels = []string{
	"order", "order id", "order number", "invoice", "tracking", "tracking number",
	"version", "build", "release", "port", "timestamp", "ts", "epoch", "created",
	"created at", "updated", "updated at", "modified", "deleted at", "expires",
	"sku", "ticket", "transaction", "txn", "request id", "trace id", "span id",
	"amount", "price", "total", "count", "size", "length", "limit", "offset",
	"page", "line", "admit", "admitted", "admission", "discharge", "discharged",
	"visit", "appointment", "service date", "encounter", "invoice date", "due",
	"effective", "issued", "claim id", "group number", "group", "rx", "npi",
}

// subjectWords name whose record it is (an SSN "of the patient"); they
// are read past, never taken as a label that blocks another rule's label.
var subjectWords = []string{
	"patient", "patients", "pt", "guarantor", "subscriber", "member",
	"beneficiary", "enrollee", "resident", "insured", "the", "of", "is",
}

// negativeWords near a value lower its confidence; they never hide it, as
// real PHI pasted into a fixture is still PHI.
var negativeWords = map[string]bool{
	"test": true, "tests": true, "testing": true, "fake": true, "sample": true,
	"dummy": true, "mock": true, "example": true, "synthetic": true,
	"placeholder": true, "demo": true, "lorem": true, "fixture": true,
}

func compileContext(c *Context) (*compiledContext, error) {
	cc := &compiledContext{
		words: map[string]bool{}, weak: map[string]bool{}, near: map[string]bool{},
		nearWindow: c.NearWindow, nearAlone: c.NearAlone, without: c.Without, gap: c.Gap,
	}
	switch c.Require {
	case "", "always":
		cc.require = ModeStrict
	case "standard":
		cc.require = ModeStandard
	case "never":
		cc.require = ModeOff
	default:
		return nil, fmt.Errorf("context.require %q: want always, standard or never", c.Require)
	}
	if cc.nearWindow <= 0 {
		cc.nearWindow = defaultNear
	}
	if cc.gap <= 0 {
		cc.gap = defaultGap
	}
	if cc.without < 0 || cc.without > 1 {
		return nil, fmt.Errorf("context.without %v: want a number in [0, 1]", c.Without)
	}
	if cc.require != ModeStrict && cc.without == 0 {
		return nil, fmt.Errorf("context.without is needed when context.require is %q", c.Require)
	}
	for _, w := range c.Words {
		addPhrase(cc.words, w)
	}
	for _, w := range c.Weak {
		addPhrase(cc.weak, w)
	}
	for _, w := range c.Near {
		addPhrase(cc.near, w)
	}
	if len(cc.words)+len(cc.weak) == 0 && !cc.nearAlone {
		return nil, fmt.Errorf("context needs words, weak words or nearAlone")
	}
	return cc, nil
}

// addPhrase indexes a label under its spaced form ("date of birth") and
// its joined form ("dateofbirth"), so a single-token key like `birthdate`
// finds the phrase "birth date".
func addPhrase(m map[string]bool, phrase string) {
	parts := splitParts(phrase, nil)
	if len(parts) == 0 {
		return
	}
	m[strings.Join(parts, " ")] = true
	m[strings.Join(parts, "")] = true
}

func newVocab(rules []*compiledRule) *phiVocab {
	v := &phiVocab{labels: map[string]bool{}, subjects: map[string]bool{}}
	for _, cr := range rules {
		if cr.ctx == nil {
			continue
		}
		for k := range cr.ctx.words {
			v.labels[k] = true
		}
		for k := range cr.ctx.weak {
			v.labels[k] = true
		}
	}
	for _, w := range subjectWords {
		v.subjects[w] = true
	}
	for _, l := range otherLabels {
		addPhrase(v.labels, l)
	}
	return v
}

// required reports whether a value without context is dropped in mode.
func (cc *compiledContext) required(mode Mode) bool { return mode.rank() <= cc.require.rank() }

// applyContext decides a PHI match by its context: it adds the label or
// column that made the value PHI to the reasons, lowers confidence near
// test words, and returns false when the value has no context and the
// mode requires one.
func (rs *Ruleset) applyContext(cc *compiledContext, c *CheckContext) bool {
	label, how, class := rs.findLabel(cc, c.Data, c.Start, c.scan)
	near := ""
	if len(cc.near) > 0 && (class == labelWeak || class == labelNone && cc.nearAlone) {
		near = nearSubject(cc, c.Data, c.Start, c.End)
	}
	if class != labelStrong && near != "" && inFencedCode(c.Data, c.Start) {
		// A code example in documentation (a README's fenced block)
		// builds toy records: a weak label ("given", "family") with a
		// subject word is not enough there outside strict mode. Strong
		// labels and the format readers still report.
		if !strictOnly(c, "in a documentation code block (strict mode only)") {
			return false
		}
	}
	if class != labelNone && docExample(c.Data, c.Start) {
		// API documentation illustrates a field with a made-up value
		// ("The street address (e.g. 1255 Pear Avenue)."): an example in
		// a comment is no record, outside strict mode.
		if !strictOnly(c, "an example in a documentation comment (strict mode only)") {
			return false
		}
	}
	switch {
	case class == labelStrong:
		c.Reasons = append(c.Reasons, fmt.Sprintf("%s '%s'", how, label))
	case class == labelWeak && near != "":
		c.Reasons = append(c.Reasons, fmt.Sprintf("%s '%s' near '%s'", how, label, near))
	case class == labelNone && near != "":
		c.Reasons = append(c.Reasons, fmt.Sprintf("near '%s'", near))
	default:
		if cc.required(c.Mode) || class == labelBlocked && cc.require != ModeOff {
			return false
		}
		c.Confidence = cc.without
		c.Reasons = append(c.Reasons, "no context label (confidence lowered)")
	}
	ls, le := c.scan.lineSpan(c.Data, c.Start)
	if w := findWord(c.Data, max(ls, c.Start-negativeReach), min(le, c.End+negativeReach), c.Start, c.End, negativeWords); w != "" {
		c.Confidence = max(0.1, c.Confidence-negativePenalty)
		c.Reasons = append(c.Reasons, fmt.Sprintf("near '%s' (confidence lowered, still reported)", w))
	}
	return true
}

// fenceReach bounds how far above a value inFencedCode counts fences.
const (
	fenceReach        = 64 << 10
	docExamplePenalty = 0.35
)

// strictOnly keeps a value that counts in strict mode only: there it is
// reported at lowered confidence with reason, elsewhere it is dropped.
func strictOnly(c *CheckContext, reason string) bool {
	if c.Mode != ModeStrict {
		return false
	}
	c.Confidence = max(0.1, c.Confidence-docExamplePenalty)
	c.Reasons = append(c.Reasons, reason)
	return true
}

// exampleReach bounds how far before a value docExample looks for the
// words that introduce an example.
const exampleReach = 48

// exampleIntros introduce an example in prose, lower-cased.
var exampleIntros = [][]byte{[]byte("e.g."), []byte("for example"), []byte("for instance"), []byte("example:")}

// docExample reports a value on a comment line (`*`, `//`, `#`, `/*`,
// `--` first) that the same sentence introduces as an example, at most
// exampleReach bytes before it.
func docExample(data []byte, pos int) bool {
	ls, _ := lineSpan(data, pos)
	t := trimBlanks(data[ls:pos])
	if len(t) == 0 || !(t[0] == '*' || t[0] == '#' || bytes.HasPrefix(t, []byte("//")) || bytes.HasPrefix(t, []byte("/*")) || bytes.HasPrefix(t, []byte("--"))) {
		return false
	}
	var buf [exampleReach]byte
	low := appendLower(buf[:0], data[max(ls, pos-exampleReach):pos])
	for _, w := range exampleIntros {
		i := bytes.LastIndex(low, w)
		// the example ends at the end of its sentence
		if i >= 0 && !bytes.Contains(low[i+len(w):], []byte(". ")) {
			return true
		}
	}
	return false
}

// inFencedCode reports whether pos lies inside a Markdown fenced code
// block: an odd number of fence lines (``` or ~~~, at most three spaces of
// indentation, closed by the same character) above it. Fences are counted
// from at most fenceReach bytes above, so a very long document may be read
// wrongly past that; the cost stays bounded per value.
func inFencedCode(data []byte, pos int) bool {
	lo := max(0, pos-fenceReach)
	if lo > 0 {
		lo += bytes.IndexByte(data[lo:pos], '\n') + 1
	}
	var open byte
	for p := lo; p < pos; {
		line := data[p:pos]
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
		}
		next := p + len(line) + 1
		if next > pos {
			break // the value's own line is no fence
		}
		t := line
		for k := 0; k < 3 && len(t) > 0 && t[0] == ' '; k++ {
			t = t[1:]
		}
		if len(t) >= 3 && (t[0] == '`' || t[0] == '~') && t[1] == t[0] && t[2] == t[0] {
			switch open {
			case 0:
				open = t[0]
			case t[0]:
				open = 0
			}
		}
		p = next
	}
	return open != 0
}

// nearSubject finds a subject word ("patient") that the value belongs to,
// looking only where a reader would: the value's own line, the lines that
// open the objects enclosing it (less indentation above: `patient:`,
// `"patient": {`, `Patient.create!(`), a FHIR Patient resource around it,
// and, for prose lines, the lines of the same paragraph above. A patient
// three log lines up, or a Patient record just before a User record, does
// not make a phone or email the patient's.
func nearSubject(cc *compiledContext, data []byte, vs, ve int) string {
	ls, le := lineSpan(data, vs)
	if w := findWord(data, ls, le, vs, ve, cc.near); w != "" {
		return w
	}
	lo := max(0, ls-cc.nearWindow)
	cur := ls
	for range parentKeyLines {
		p, ok := parentLine(data, cur, lo)
		if !ok {
			break
		}
		pe := bytes.IndexByte(data[p:], '\n') + p
		if w := findWord(data, p, pe, -1, -1, cc.near); w != "" {
			return w
		}
		cur = p
	}
	if i := bytes.LastIndex(data[max(0, vs-fhirReach):vs], []byte(`"resourceType"`)); i >= 0 {
		i += max(0, vs-fhirReach)
		_, e := lineSpan(data, i)
		if bytes.Contains(data[i:e], []byte(`"Patient"`)) {
			return "Patient resource"
		}
	}
	if prose(data[ls:le]) {
		for p, n := ls, 0; p > lo && n < paragraphLines; n++ {
			start := bytes.LastIndexByte(data[:p-1], '\n') + 1
			if len(bytes.TrimSpace(data[start:p-1])) == 0 {
				break
			}
			if w := findWord(data, start, p-1, -1, -1, cc.near); w != "" {
				return w
			}
			p = start
		}
	}
	return ""
}

const (
	fhirReach      = 8192
	paragraphLines = 8
)

// parentLine returns the start of the nearest line above ls, not before
// lo, with less indentation than the line at ls.
func parentLine(data []byte, ls, lo int) (int, bool) {
	indent := func(p int) int {
		n := 0
		for p+n < len(data) && (data[p+n] == ' ' || data[p+n] == '\t') {
			n++
		}
		return n
	}
	cur := indent(ls)
	if cur == 0 {
		return 0, false
	}
	for p := ls; p > lo; {
		start := bytes.LastIndexByte(data[:p-1], '\n') + 1
		if len(bytes.TrimSpace(data[start:p-1])) > 0 && indent(start) < cur {
			return start, true
		}
		p = start
	}
	return 0, false
}

// prose reports a line of text rather than code or a log record: no
// assignment, no braces, no call, and it starts with a letter.
func prose(line []byte) bool {
	line = bytes.TrimSpace(line)
	if len(line) == 0 || !asciiLetter(line[0]) || bytes.ContainsAny(line, "={}") {
		return false
	}
	for i := 1; i < len(line); i++ {
		if line[i] == '(' && (labelByte(line[i-1]) || line[i-1] == '!') {
			return false
		}
	}
	return true
}
