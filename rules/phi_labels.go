package rules

// Where a PHI value's label is found: inline before it, on the line above,
// in a parent key, an HL7 field, a CSV or Markdown table header, or an SQL
// column list (the order findLabel tries them). phi_context.go decides what
// a found label means for the rule.

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
)

// findLabel looks for the value's label inline, on the previous line, in
// a CSV header and in an SQL column list, in that order.
func (rs *Ruleset) findLabel(cc *compiledContext, data []byte, pos int, sc *scanState) (label, how string, class labelClass) {
	// Inside an INSERT the column list decides, whatever words the
	// statement holds before the value.
	if key, ok := sqlColumn(data, pos, sc); ok {
		label, class = rs.walkLabel(cc, []byte(key), maxLabelParts)
		return label, "SQL column", class
	}
	ls, _ := sc.lineSpan(data, pos)
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
	if key, header, ok := csvColumn(data, pos, sc); ok {
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
//
// Every candidate value reads its label this way, and the walk rarely
// gets past the last few words (gap is small), so seg is split into parts
// lazily, from its end (labelParts); a phrase is looked up as bytes of one
// lower-cased buffer, without allocating. walkLabelRef (in the tests) is
// the walk as it was, over the whole segment and four maps.
func (rs *Ruleset) walkLabel(cc *compiledContext, seg []byte, gap int) (string, labelClass) {
	if cc.noLabelEnds(seg, gap) {
		return "", labelNone
	}
	seg = afterSentence(seg)
	// Sized for the few parts a walk usually reads (the arrays are
	// cleared on every call); appends past them move to the heap.
	var (
		lowBuf         [256]byte
		partBuf, atBuf [16]span
		tokBuf         [16]int
		joinedBuf      [128]byte
	)
	lp := labelParts{seg: seg, rest: len(seg), parts: partBuf[:0], at: atBuf[:0], tok: tokBuf[:0]}
	// Each part takes its letters and a space: at most two bytes per
	// byte of seg.
	if lp.low = lowBuf[:]; 2*len(seg) > len(lowBuf) {
		lp.low = make([]byte, 2*len(seg))
	}
	lp.lo = len(lp.low)
	skipped := 0
	for r := 0; ; {
		if lp = lp.upTo(r); r >= lp.n {
			break
		}
		// Every phrase tried at r (spaced or joined) ends with part r:
		// when no key of phrases may end with it, none is one, and the
		// parts before it need not be split for r.
		if !cc.mayEnd(lp.low[lp.parts[r].start:lp.parts[r].end]) {
			if skipped++; skipped > gap {
				break
			}
			r++
			continue
		}
		// The parts r+k-1 … r (k of them, earliest first) form a phrase.
		lp = lp.upTo(r + maxLabelParts - 1)
		matched := 0
		for k := min(maxLabelParts, lp.n-r); k >= 1; k-- {
			spaced := lp.low[lp.parts[r+k-1].start:lp.parts[r].end]
			// One table holds what the rule's words, its weak words and
			// the vocabulary's subjects and labels say of a phrase; a
			// single part is its own joined form. Lookups through
			// string(b) do not allocate.
			var f phraseClass
			if cc.mayHold(spaced) {
				f = cc.phrases[string(spaced)]
			}
			if k > 1 && cc.mayHoldHash(lp.joinedHash(r+k-1, r)) {
				joined := joinedBuf[:0]
				for x := r + k - 1; x >= r; x-- {
					joined = append(joined, lp.low[lp.parts[x].start:lp.parts[x].end]...)
				}
				f |= cc.phrases[string(joined)]
			}
			if f == 0 {
				continue
			}
			switch {
			case f&(phraseWord|phraseWeak) != 0 && lp.modified(r):
				return lp.written(r+k-1, r), labelBlocked
			case f&phraseWord != 0:
				return lp.written(r+k-1, r), labelStrong
			case f&phraseWeak != 0:
				return lp.written(r+k-1, r), labelWeak
			case f&phraseSubject != 0:
				matched = k
			case f&phraseLabel != 0:
				return lp.written(r+k-1, r), labelBlocked
			}
			if matched > 0 {
				break
			}
		}
		if matched > 0 { // a subject word ("patient") is no label; read on
			r += matched
			continue
		}
		skipped++
		if skipped > gap {
			break
		}
		r++
	}
	return "", labelNone
}

// noLabelEnds is a proof, cheaper than the walk, that walkLabel finds
// nothing in seg: the gap+1 parts at its end (fewer when a value or seg's
// start comes first) are each the last part of no phrase (mayEnd), so the
// walk skips them all and stops. It reads them in place, without the
// walk's buffers or its search for a sentence end over all of seg (a
// sentence end only takes parts away from the walk: afterSentence cuts
// seg after a byte that is no label byte, so the parts left are the last
// ones of seg). false says nothing: the walk decides. Every candidate of
// the name rule asks, and most have no label.
func (cc *compiledContext) noLabelEnds(seg []byte, gap int) bool {
	if cc.ends == nil {
		return false
	}
	left := gap + 1 // parts to read before the walk gives up
	j := len(seg)
	for {
		for j > 0 && !labelByte(seg[j-1]) {
			j--
		}
		i := j
		for i > 0 && labelByte(seg[i-1]) {
			i--
		}
		if i == j || seg[i] >= '0' && seg[i] <= '9' {
			return true // seg or its words are over (labelParts.token)
		}
		word := seg[i:j]
		var ps [8]span
		n := 0
		for lo, hi := nextPart(word, 0); lo >= 0; lo, hi = nextPart(word, hi) {
			if n == len(ps) {
				return false // a long identifier: left to the walk
			}
			ps[n] = span{lo, hi}
			n++
		}
		for k := n - 1; k >= 0; k-- {
			if cc.mayEndFold(word[ps[k].start:ps[k].end]) {
				return false
			}
			if left--; left == 0 {
				return true
			}
		}
		j = i
	}
}

// labelParts is a label segment split into its parts (nextPart of each
// token) from the end, as far as a walk asks for: part 0 is the last.
// The parts, lower-cased, sit in low[lo:] in their order in seg, a space
// after each, so the spaced form of a phrase is a slice of low. A token
// starting with a digit is a value: the parts before it belong to it, and
// the split stops there. Its methods take and return it by value, so the
// buffers walkLabel gives it stay on the stack.
type labelParts struct {
	seg []byte
	// rest is how much of seg's start is not split yet; done says the
	// split is over (seg's start or a value reached).
	rest int
	done bool
	low  []byte
	lo   int
	// n parts so far: parts[r] is part r in low, at[r] where it is in
	// seg, tok[r] the start of its token.
	n     int
	parts []span
	at    []span
	tok   []int
}

// upTo splits seg until part r exists or seg is over.
func (lp labelParts) upTo(r int) labelParts {
	for lp.n <= r && !lp.done {
		lp = lp.token()
	}
	return lp
}

// token splits the last token of seg[:rest] not split yet.
func (lp labelParts) token() labelParts {
	seg := lp.seg
	j := lp.rest
	for j > 0 && !labelByte(seg[j-1]) {
		j--
	}
	i := j
	for i > 0 && labelByte(seg[i-1]) {
		i--
	}
	lp.rest = i
	if i == j || seg[i] >= '0' && seg[i] <= '9' {
		lp.done = true
		return lp
	}
	word := seg[i:j]
	// The token's parts go into low in their order, ending at lo, and
	// into the lists last first.
	// The parts are found once: their sizes place them in low, then
	// they are copied (a token rarely has more than eight).
	var wordParts [8]span
	ps := wordParts[:0]
	size := 0
	for lo, hi := nextPart(word, 0); lo >= 0; lo, hi = nextPart(word, hi) {
		ps = append(ps, span{lo, hi})
		size += hi - lo + 1
	}
	lp.lo -= size
	w, first := lp.lo, lp.n
	for _, p := range ps {
		lo, hi := p.start, p.end
		for _, c := range word[lo:hi] {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			lp.low[w] = c
			w++
		}
		lp.low[w] = ' '
		lp.parts = append(lp.parts, span{w - (hi - lo), w})
		lp.at = append(lp.at, span{i + lo, i + hi})
		lp.tok = append(lp.tok, i)
		lp.n++
		w++
	}
	slices.Reverse(lp.parts[first:])
	slices.Reverse(lp.at[first:])
	return lp
}

// joinedHash is phraseHash of parts from … to (from the earlier, two or
// more) joined without spaces, computed without joining them.
func (lp *labelParts) joinedHash(from, to int) uint32 {
	first, last := lp.parts[from], lp.parts[to]
	n := first.end - first.start
	for x := from - 1; x >= to; x-- {
		n += lp.parts[x].end - lp.parts[x].start
	}
	// Parts are never empty; the second byte is the first part's second,
	// or the next part's first when the first has one byte.
	var second byte
	if first.end-first.start > 1 {
		second = lp.low[first.start+1]
	} else {
		second = lp.low[lp.parts[from-1].start]
	}
	return phraseHashOf(n, lp.low[first.start], second, lp.low[last.end-1])
}

// written quotes parts from … to (from the earlier) as seg has them.
func (lp *labelParts) written(from, to int) string {
	return string(lp.seg[lp.at[from].start:lp.at[to].end])
}

// modified reports a label that is only the first part of a longer key
// (mrn_sequence_start, dobFormat, memberCountLimit): that key names
// something else. Generic suffixes (mrnNumber, member_id) keep the label.
// The parts after r are split already.
func (lp *labelParts) modified(r int) bool {
	for q := r - 1; q >= 0 && lp.tok[q] == lp.tok[r]; q-- {
		if !genericKeys[string(lp.low[lp.parts[q].start:lp.parts[q].end])] {
			return true
		}
	}
	return false
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
// abbreviation like "acct no.", or ";"). Closing brackets and quotes may
// sit between the word and its period: "(with `Patient` omitted). Partial
// matching…" starts a new sentence, and the label before it is over.
func afterSentence(seg []byte) []byte {
	for i := len(seg) - 2; i >= 0; i-- {
		switch {
		case seg[i] == ';':
			return seg[i+1:]
		case seg[i] == '.' && seg[i+1] == ' ':
			e := i
			for e > 0 && closer(seg[e-1]) {
				e--
			}
			if e < 2 || !asciiLetter(seg[e-1]) || !asciiLetter(seg[e-2]) {
				continue
			}
			w := e - 2
			for w > 0 && asciiLetter(seg[w-1]) {
				w--
			}
			if e < i || !labelAbbrev[strings.ToLower(string(seg[w:e]))] {
				return seg[i+1:]
			}
		}
	}
	return seg
}

// closer reports a closing bracket or quote.
func closer(b byte) bool {
	return b == ')' || b == ']' || b == '"' || b == '\'' || b == '`'
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
	for lo, hi := nextPart(s, 0); lo >= 0; lo, hi = nextPart(s, hi) {
		fn(lo, hi)
	}
}

// nextPart returns the bounds of the first part of s at or after i: a run
// of ASCII letters, cut before an upper-case letter that follows a
// lower-case one (camelCase) or that is followed by one (the N of
// MRNNumber). lo is -1 when there is none.
func nextPart[T ~string | ~[]byte](s T, i int) (lo, hi int) {
	for i < len(s) && !asciiLetter(s[i]) {
		i++
	}
	if i >= len(s) {
		return -1, -1
	}
	lo = i
	for i++; i < len(s) && asciiLetter(s[i]); i++ {
		upper := s[i] >= 'A' && s[i] <= 'Z'
		prevUpper := s[i-1] >= 'A' && s[i-1] <= 'Z'
		nextLower := i+1 < len(s) && s[i+1] >= 'a' && s[i+1] <= 'z'
		if upper && (!prevUpper || nextLower) {
			break
		}
	}
	return lo, i
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
func csvColumn(data []byte, pos int, sc *scanState) (string, []byte, bool) {
	ls, le := sc.lineSpan(data, pos)
	if ls == 0 || le-ls > headerMaxBytes {
		return "", nil, false
	}
	if bytes.HasPrefix(bytes.TrimLeft(data[ls:le], " "), []byte("|")) {
		return pipeTableColumn(data, ls, le, pos)
	}
	h := sc.csvHeader(data)
	if h.fields == nil {
		return "", nil, false
	}
	delim, fields, header := h.delim, h.fields, h.header
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
	ls, _ := sc.lineSpan(data, pos)
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

// csvHeaderInfo is what csvColumn reads from an input's first line: its
// delimiter (the most frequent of , tab | ;) and its fields, trimmed, or
// no fields when it is no header (no delimiter, or a field that does not
// begin with a letter or '_').
type csvHeaderInfo struct {
	header []byte
	delim  byte
	fields []string
}

func readCSVHeader(data []byte) csvHeaderInfo {
	hl := bytes.IndexByte(data[:min(len(data), headerMaxBytes)], '\n')
	if hl <= 0 {
		return csvHeaderInfo{}
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
		return csvHeaderInfo{}
	}
	fields := strings.Split(string(header), string(delim))
	for i, f := range fields {
		f = strings.Trim(strings.TrimSpace(f), `"'`)
		if f == "" || !asciiLetter(f[0]) && f[0] != '_' {
			return csvHeaderInfo{}
		}
		fields[i] = f
	}
	return csvHeaderInfo{header: header, delim: delim, fields: fields}
}

// csvHeader is readCSVHeader(data), read once per pass when sc is the
// state of the pass over data: every candidate of a PHI rule asks for
// its column.
func (sc *scanState) csvHeader(data []byte) csvHeaderInfo {
	if !sc.over(data) {
		return readCSVHeader(data)
	}
	if !sc.csvKnown {
		sc.csv, sc.csvKnown = readCSVHeader(data), true
	}
	return sc.csv
}
