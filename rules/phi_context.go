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
}

// phiVocab is every label any compiled PHI rule knows, plus labels known
// not to be PHI. A label of another kind nearer to a value than the rule's
// own label decides that the value is not this rule's.
type phiVocab struct {
	labels   map[string]bool
	subjects map[string]bool
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
	ls, le := lineSpan(c.Data, c.Start)
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

// findLabel looks for the value's label inline, on the previous line, in
// a CSV header and in an SQL column list, in that order.
func (rs *Ruleset) findLabel(cc *compiledContext, data []byte, pos int, sc *scanState) (label, how string, class labelClass) {
	// Inside an INSERT the column list decides, whatever words the
	// statement holds before the value.
	if key, ok := sqlColumn(data, pos, sc); ok {
		label, class = rs.walkLabel(cc, []byte(key), maxLabelParts)
		return label, "SQL column", class
	}
	ls, _ := lineSpan(data, pos)
	if key, field, ok := hl7Field(data, ls, pos); ok {
		// The report quotes the HL7 field (PID-19); its mapped key only
		// decides the class.
		_, class = rs.walkLabel(cc, []byte(key), maxLabelParts)
		return field, "HL7 field", class
	}
	lo := max(ls, pos-labelLookback)
	if label, class = rs.walkLabel(cc, data[lo:pos], cc.gap); class != labelNone {
		return label, "label", class
	}
	if onlyPunct(data[ls:pos]) && ls > 0 {
		if prev, ok := prevLineKey(data, ls); ok {
			if label, class = rs.walkLabel(cc, prev, cc.gap); class != labelNone {
				return label, "field", class
			}
		}
	}
	// A generic key (`value:`, `"id":`) says nothing; the key of the
	// enclosing YAML or JSON object does (mrn: {value: …}).
	if genericKeys[strings.ToLower(lastKey(data[ls:pos]))] {
		if parent, ok := parentKey(data, ls); ok {
			if label, class = rs.walkLabel(cc, parent, cc.gap); class != labelNone {
				return label, "parent key", class
			}
		}
	}
	if key, header, ok := csvColumn(data, pos); ok {
		label, class = rs.walkLabel(cc, []byte(key), maxLabelParts)
		// A weak column ("phone") in a file whose header names the
		// subject ("patient_id") is the subject's.
		if class == labelWeak && findWord(header, 0, len(header), 0, 0, cc.near) != "" {
			class = labelStrong
		}
		if class != labelNone {
			return label, "CSV column", class
		}
	}
	return "", "", labelNone
}

// walkLabel reads seg backwards from its end and classifies the nearest
// label: the rule's own (strong or weak), another's (blocked), or none
// within gap non-label words. A token starting with a digit is another
// value and ends the search; so does the end of a sentence.
func (rs *Ruleset) walkLabel(cc *compiledContext, seg []byte, gap int) (string, labelClass) {
	seg = afterSentence(seg)
	// Every candidate value reads its label this way, so the parts are
	// kept as offsets into one lower-cased buffer and the phrases are
	// looked up as bytes: no allocation per word.
	var (
		lowBuf  [256]byte
		partBuf [32]span
		atBuf   [32]span
		tokBuf  [32]int
	)
	low := lowBuf[:0]
	parts := partBuf[:0] // each part, lower-cased, in low
	at := atBuf[:0]      // where each part is in seg, to quote the label as written
	tok := tokBuf[:0]    // which token each part belongs to
	for i := 0; i < len(seg); {
		if !labelByte(seg[i]) {
			i++
			continue
		}
		j := i
		for j < len(seg) && labelByte(seg[j]) {
			j++
		}
		if seg[i] >= '0' && seg[i] <= '9' {
			// a value: labels before it belong to it
			low, parts, at, tok = low[:0], parts[:0], at[:0], tok[:0]
		} else {
			word := seg[i:j]
			eachPart(word, func(lo, hi int) {
				n := len(low)
				low = appendLower(low, word[lo:hi])
				parts = append(parts, span{n, len(low)})
				at = append(at, span{i + lo, i + hi})
				tok = append(tok, i)
			})
		}
		i = j
	}
	part := func(i int) []byte { return low[parts[i].start:parts[i].end] }
	written := func(from, to int) string { return string(seg[at[from].start:at[to].end]) }
	// modified reports a label that is only the first part of a longer
	// key (mrn_sequence_start, dobFormat, memberCountLimit): that key
	// names something else. Generic suffixes (mrnNumber, member_id) keep
	// the label.
	modified := func(i int) bool {
		for j := i + 1; j < len(parts) && tok[j] == tok[i]; j++ {
			if !genericKeys[string(part(j))] {
				return true
			}
		}
		return false
	}
	var spacedBuf, joinedBuf [128]byte
	skipped := 0
	for i := len(parts) - 1; i >= 0; {
		matched := 0
		for k := min(maxLabelParts, i+1); k >= 1; k-- {
			spacedB, joinedB := spacedBuf[:0], joinedBuf[:0]
			for x := i - k + 1; x <= i; x++ {
				if x > i-k+1 {
					spacedB = append(spacedB, ' ')
				}
				spacedB = append(spacedB, part(x)...)
				joinedB = append(joinedB, part(x)...)
			}
			// Lookups through string(b) do not allocate.
			word := cc.words[string(spacedB)] || cc.words[string(joinedB)]
			weak := cc.weak[string(spacedB)] || cc.weak[string(joinedB)]
			switch {
			case (word || weak) && modified(i):
				return written(i-k+1, i), labelBlocked
			case word:
				return written(i-k+1, i), labelStrong
			case weak:
				return written(i-k+1, i), labelWeak
			case rs.vocab.subjects[string(spacedB)] || rs.vocab.subjects[string(joinedB)]:
				matched = k
			case rs.vocab.labels[string(spacedB)] || rs.vocab.labels[string(joinedB)]:
				return written(i-k+1, i), labelBlocked
			}
			if matched > 0 {
				break
			}
		}
		if matched > 0 { // a subject word ("patient") is no label; read on
			i -= matched
			continue
		}
		skipped++
		if skipped > gap {
			break
		}
		i--
	}
	return "", labelNone
}

// appendLower appends b to dst with ASCII letters lower-cased.
func appendLower[T ~string | ~[]byte](dst []byte, b T) []byte {
	for i := 0; i < len(b); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// afterSentence returns the part of seg after the last sentence end
// (". " after a word of two or more letters that is no label
// abbreviation like "acct no.", or ";").
func afterSentence(seg []byte) []byte {
	for i := len(seg) - 2; i >= 0; i-- {
		switch {
		case seg[i] == ';':
			return seg[i+1:]
		case seg[i] == '.' && seg[i+1] == ' ' && i >= 2 && asciiLetter(seg[i-1]) && asciiLetter(seg[i-2]):
			w := i - 2
			for w > 0 && asciiLetter(seg[w-1]) {
				w--
			}
			if !labelAbbrev[strings.ToLower(string(seg[w:i]))] {
				return seg[i+1:]
			}
		}
	}
	return seg
}

// labelAbbrev are abbreviations that end in a period inside a label.
var labelAbbrev = map[string]bool{
	"no": true, "nr": true, "num": true, "acct": true, "tel": true, "ph": true, "id": true,
	"dob": true, "mrn": true, "ssn": true, "npi": true, "dea": true, "ins": true, "med": true, "rec": true,
}

func asciiLetter(b byte) bool { return b|0x20 >= 'a' && b|0x20 <= 'z' }

func labelByte(b byte) bool {
	return asciiLetter(b) || b >= '0' && b <= '9' || b == '_' || b >= 0x80
}

// splitParts splits an identifier or phrase into lowercase parts at
// non-letters, camelCase humps and acronym ends (MRNNumber → mrn, number),
// dropping digits, and appends them to dst.
func splitParts(s string, dst []string) []string {
	eachPart(s, func(lo, hi int) { dst = append(dst, strings.ToLower(s[lo:hi])) })
	return dst
}

// eachPart calls fn with the bounds of every part of s (see splitParts).
func eachPart[T ~string | ~[]byte](s T, fn func(lo, hi int)) {
	start := -1
	flush := func(end int) {
		if start >= 0 && end > start {
			fn(start, end)
		}
		start = -1
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !asciiLetter(c) {
			flush(i)
			continue
		}
		if start < 0 {
			start = i
			continue
		}
		upper := c >= 'A' && c <= 'Z'
		prevUpper := s[i-1] >= 'A' && s[i-1] <= 'Z'
		nextLower := i+1 < len(s) && s[i+1] >= 'a' && s[i+1] <= 'z'
		if upper && (!prevUpper || nextLower) {
			flush(i)
			start = i
		}
	}
	flush(len(s))
}

// findWord returns the first word of set found as a whole word or
// identifier part in data[lo:hi], outside the value [vs, ve).
func findWord(data []byte, lo, hi, vs, ve int, set map[string]bool) string {
	var parts []string
	for i := lo; i < hi; {
		if i == vs && ve > vs {
			i = ve
			continue
		}
		if !labelByte(data[i]) {
			i++
			continue
		}
		j := i
		for j < hi && labelByte(data[j]) && (j != vs || ve == vs) {
			j++
		}
		parts = splitParts(string(data[i:j]), parts[:0])
		for _, p := range parts {
			if set[p] {
				return p
			}
		}
		i = j
	}
	return ""
}

// lineSpan returns the bounds of pos's line, cut at lineReach bytes on
// each side so a minified single-line file costs no more than any other.
func lineSpan(data []byte, pos int) (int, int) {
	lo := max(0, pos-lineReach)
	ls := bytes.LastIndexByte(data[lo:pos], '\n') + 1 + lo
	hi := min(len(data), pos+lineReach)
	le := bytes.IndexByte(data[pos:hi], '\n')
	if le < 0 {
		return ls, hi
	}
	return ls, pos + le
}

const lineReach = 4096

// onlyPunct reports whether b holds no letters or digits (indentation,
// list dashes, quotes, brackets).
func onlyPunct(b []byte) bool {
	for _, c := range b {
		if labelByte(c) {
			return false
		}
	}
	return true
}

// prevLineKey returns the end of the previous non-blank line when it
// opens a value (`mrn:`, `"mrns": [`, `dob =`); a `{` opens an object
// whose fields carry their own keys.
func prevLineKey(data []byte, ls int) ([]byte, bool) {
	end := ls - 1
	for end > 0 {
		start := bytes.LastIndexByte(data[:end], '\n') + 1
		line := bytes.TrimRight(data[start:end], " \t\r")
		if len(bytes.TrimSpace(line)) == 0 {
			end = start - 1
			continue
		}
		trimmed := bytes.TrimRight(line, "[=: \t")
		if len(trimmed) == len(line) {
			return nil, false
		}
		return trimmed[max(0, len(trimmed)-labelLookback):], true
	}
	return nil, false
}

// hl7Fields names, per HL7 v2 segment, the fields that hold PHI, by field
// number, as labels the rules know: PID (patient identification) and PV1
// (visit: the attending, referring, consulting and admitting providers).
var hl7Fields = map[string]map[int]string{
	"PID": {
		2: "patient id", 3: "patient id", 4: "patient id", 5: "patient name",
		6: "mother maiden name", 7: "date of birth",
		11: "home address", 13: "home phone", 14: "home phone",
		18: "patient account number", 19: "ssn",
	},
	"PV1": {7: "attending npi", 8: "referring npi", 9: "provider id", 17: "provider id"},
}

// hl7Field reports the label of the HL7 v2 segment field that pos sits in
// (PID|1||4839201^^^HOSP^MR||…|19620314|…): the field number decides what
// a value is, as a column does in CSV.
func hl7Field(data []byte, ls, pos int) (key, field string, ok bool) {
	if pos-ls < 4 || data[ls+3] != '|' {
		return "", "", false
	}
	seg := string(data[ls : ls+3])
	fields, ok := hl7Fields[seg]
	if !ok {
		return "", "", false
	}
	n := bytes.Count(data[ls:pos], []byte{'|'})
	if key, ok = fields[n]; !ok {
		return "", "", false
	}
	return key, fmt.Sprintf("%s-%d", seg, n), true
}

// genericKeys are field names that do not say what their value is, and
// suffixes that keep a label's meaning (mrn_number, dob_iso, phone_home).
var genericKeys = map[string]bool{
	"value": true, "val": true, "id": true, "ids": true, "number": true, "num": true,
	"nr": true, "code": true, "text": true, "identifier": true, "no": true, "str": true,
	"raw": true, "list": true, "masked": true, "iso": true, "utc": true, "date": true,
	"string": true, "primary": true, "secondary": true, "home": true, "work": true,
	"mobile": true, "main": true, "alt": true, "field": true,
}

// lastKey returns the identifier just before a value: the `value` of
// `"value": "` or `value=`.
func lastKey(prefix []byte) string {
	end := len(prefix)
	for end > 0 && !labelByte(prefix[end-1]) {
		if c := prefix[end-1]; c != ' ' && c != '"' && c != '\'' && c != ':' && c != '=' && c != '\t' {
			return ""
		}
		end--
	}
	start := end
	for start > 0 && labelByte(prefix[start-1]) {
		start--
	}
	return string(prefix[start:end])
}

// parentKeyLines bounds how far up parentKey looks for the enclosing key.
const parentKeyLines = 16

// parentKey returns the line that opens the object holding line ls: the
// nearest line above with less indentation (YAML `mrn:`, JSON `"mrn": {`),
// without its trailing punctuation.
func parentKey(data []byte, ls int) ([]byte, bool) {
	indent := func(line []byte) int {
		n := 0
		for n < len(line) && (line[n] == ' ' || line[n] == '\t' || line[n] == '-') {
			n++
		}
		return n
	}
	le := bytes.IndexByte(data[ls:], '\n')
	if le < 0 {
		le = len(data) - ls
	}
	cur := indent(data[ls : ls+le])
	end := ls - 1
	for range parentKeyLines {
		if end <= 0 {
			return nil, false
		}
		start := bytes.LastIndexByte(data[:end], '\n') + 1
		line := data[start:end]
		end = start - 1
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if indent(line) < cur {
			line = bytes.TrimRight(line, "{[:=, \t\r")
			return line[max(0, len(line)-labelLookback):], true
		}
	}
	return nil, false
}

// csvColumn returns the header name of the column pos sits in, when the
// input's first line is a header of identifier-like names and pos's line
// has the same number of fields.
func csvColumn(data []byte, pos int) (string, []byte, bool) {
	ls, le := lineSpan(data, pos)
	if ls == 0 || le-ls > headerMaxBytes {
		return "", nil, false
	}
	if bytes.HasPrefix(bytes.TrimLeft(data[ls:le], " "), []byte("|")) {
		return pipeTableColumn(data, ls, le, pos)
	}
	hl := bytes.IndexByte(data[:min(len(data), headerMaxBytes)], '\n')
	if hl <= 0 {
		return "", nil, false
	}
	header := bytes.TrimRight(data[:hl], "\r")
	var delim byte
	best := 0
	for _, d := range []byte{',', '\t', '|', ';'} {
		if n := bytes.Count(header, []byte{d}); n > best {
			best, delim = n, d
		}
	}
	if best == 0 {
		return "", nil, false
	}
	fields := strings.Split(string(header), string(delim))
	for i, f := range fields {
		f = strings.Trim(strings.TrimSpace(f), `"'`)
		if f == "" || !asciiLetter(f[0]) && f[0] != '_' {
			return "", nil, false
		}
		fields[i] = f
	}
	col, n := 0, 0
	inQuote := false
	for i := ls; i < le; i++ {
		switch c := data[i]; {
		case c == '"':
			inQuote = !inQuote
		case c == delim && !inQuote:
			n++
			if i < pos {
				col++
			}
		}
	}
	if n != len(fields)-1 {
		return "", nil, false
	}
	return fields[col], header, true
}

// pipeTableColumn reads a Markdown pipe table: the header is the first
// row of the block of `|` lines holding pos, and the second row must be
// the |---| separator.
func pipeTableColumn(data []byte, ls, le, pos int) (string, []byte, bool) {
	isRow := func(start, end int) bool {
		return bytes.HasPrefix(bytes.TrimLeft(data[start:end], " "), []byte("|"))
	}
	top, second := ls, -1
	for n := 0; top > 0 && n < 1000; n++ {
		start := bytes.LastIndexByte(data[:top-1], '\n') + 1
		if !isRow(start, top-1) {
			break
		}
		second, top = top, start
	}
	if second < 0 || second == ls {
		return "", nil, false
	}
	sepEnd := bytes.IndexByte(data[second:], '\n') + second
	if sep := bytes.Trim(data[second:sepEnd], " |\r"); len(sep) == 0 || len(bytes.Trim(sep, "-:| ")) > 0 {
		return "", nil, false
	}
	header := bytes.Trim(data[top:second-1], " |\r")
	fields := strings.Split(string(header), "|")
	row := bytes.TrimLeft(data[ls:le], " ")
	rowStart := le - len(row) + 1 // after the leading pipe
	if pos < rowStart {
		return "", nil, false
	}
	col := bytes.Count(data[rowStart:pos], []byte{'|'})
	if col >= len(fields) {
		return "", nil, false
	}
	return strings.TrimSpace(fields[col]), header, true
}

// sqlColumn returns the column name pos sits under in an
// `INSERT INTO t (a, b, c) VALUES (…), (…)` statement that starts at most
// sqlLookback bytes before it. sc, when not nil, holds where the
// statements are, so the lookback is not read byte by byte for every value.
func sqlColumn(data []byte, pos int, sc *scanState) (string, bool) {
	// A VALUES tuple opens with '(' on the value's line: without one
	// there is no statement to look for.
	ls, _ := lineSpan(data, pos)
	if bytes.IndexByte(data[ls:pos], '(') < 0 {
		return "", false
	}
	lo := max(0, pos-sqlLookback)
	seg := data[lo:pos]
	var ins int
	if sc != nil {
		ins = sc.lastInsert(lo, pos)
	} else {
		ins = lastIndexFold(seg, sqlInsert)
	}
	if ins < 0 {
		return "", false
	}
	rest := seg[ins:]
	open := bytes.IndexByte(rest, '(')
	vals := lastIndexFold(rest, "values")
	if open < 0 || vals < 0 || open > vals {
		return "", false
	}
	closeIdx := bytes.IndexByte(rest[open:], ')')
	if closeIdx < 0 || open+closeIdx > vals {
		return "", false
	}
	cols := strings.Split(string(rest[open+1:open+closeIdx]), ",")
	depth, col := 0, 0
	inQuote := false
	for _, c := range rest[vals:] {
		switch {
		case c == '\'':
			inQuote = !inQuote
		case inQuote:
		case c == '(':
			depth++
			if depth == 1 {
				col = 0
			}
		case c == ')':
			depth--
		case c == ',' && depth == 1:
			col++
		case c == ';':
			return "", false
		}
	}
	if depth != 1 || col >= len(cols) {
		return "", false
	}
	return strings.Trim(strings.TrimSpace(cols[col]), "`\"[]"), true
}

func lastIndexFold(b []byte, lowerWord string) int {
	n := len(lowerWord)
	for i := len(b) - n; i >= 0; i-- {
		if b[i]|0x20 == lowerWord[0] && bytes.EqualFold(b[i:i+n], []byte(lowerWord)) {
			return i
		}
	}
	return -1
}
