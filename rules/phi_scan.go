package rules

import (
	"bytes"
	"slices"
	"strings"

	"github.com/pretense/pretense/finding"
)

// prefilterDigits names the hand-written candidate prefilter for PHI values
// that have no keyword of their own (see Rule.Prefilter).
const prefilterDigits = "digits"

// digitMargin is how many bytes around a digit run a window adds, so that
// letter prefixes and suffixes (a DEA number, a HICN) and the words of a
// date ("September 14, 1962") are inside it.
const digitMargin = 24

// digitMerge is the gap up to which digit-run windows of one rule merge.
const digitMerge = 48

// structuralReach bounds how far a keyword in an SQL INSERT column list
// carries context forward into the VALUES rows.
const structuralReach = 8192

// structEnd extends a PHI rule's window for a keyword that names a column:
// a keyword in the header line of a delimited file carries to the end of
// the input (every row sits under it), one in a Markdown table row to the
// end of the table, one on a line of an SQL INSERT to the end of the
// statement. Other windows stay as they are.
func structEnd(data []byte, hit, e int) int {
	nl := bytes.IndexByte(data[:min(len(data), headerMaxBytes)], '\n')
	if nl > 0 && hit < nl {
		header := data[:nl]
		if bytes.Count(header, []byte{','})+bytes.Count(header, []byte{'\t'})+bytes.Count(header, []byte{'|'}) >= 2 {
			return len(data)
		}
	}
	ls := bytes.LastIndexByte(data[max(0, hit-labelLookback*4):hit], '\n') + 1 + max(0, hit-labelLookback*4)
	if bytes.HasPrefix(bytes.TrimLeft(data[ls:hit], " "), []byte("|")) {
		// A Markdown table header: context runs to the end of the table.
		end := hit
		for end < len(data) && end < hit+structuralReach*8 {
			nl := bytes.IndexByte(data[end:], '\n')
			if nl < 0 {
				return len(data)
			}
			end += nl + 1
			if !bytes.HasPrefix(bytes.TrimLeft(data[end:min(len(data), end+64)], " "), []byte("|")) {
				break
			}
		}
		return max(e, end)
	}
	if lastIndexFold(data[ls:hit], "insert into") >= 0 {
		end := min(len(data), hit+structuralReach)
		if i := bytes.IndexByte(data[hit:end], ';'); i >= 0 {
			end = hit + i
		}
		return max(e, end)
	}
	return e
}

type digitRun struct{ start, end, digits int }

// digitRuns finds the runs of at least minDigits digits in data, where a
// single '-', '.', '/' or space may join two groups of digits. A run of m
// digits spans at least m bytes, so only every m-th byte needs a look: the
// scan probes those and expands around a digit, which makes --phi-mode
// cost a fraction of a pass over ordinary source.
func digitRuns(data []byte, minDigits int) []digitRun {
	var out []digitRun
	n := len(data)
	step := max(1, minDigits)
	digit := func(i int) bool { return i >= 0 && i < n && data[i] >= '0' && data[i] <= '9' }
	sep := func(i int) bool {
		return i >= 0 && i < n && (data[i] == '-' || data[i] == '.' || data[i] == '/' || data[i] == ' ')
	}
	for p := step - 1; p < n; {
		if !digit(p) && !(sep(p) && digit(p-1) && digit(p+1)) {
			p += step
			continue
		}
		start := p
		for digit(start-1) || sep(start-1) && digit(start-2) {
			start--
		}
		if !digit(start) {
			start++
		}
		end, digits := start, 0
		for end < n {
			if digit(end) {
				digits++
				end++
				continue
			}
			if sep(end) && digit(end+1) {
				end++
				continue
			}
			break
		}
		if digits >= minDigits {
			out = append(out, digitRun{start, end, digits})
		}
		p = end + step
	}
	return out
}

// keywordHits records where a digit-prefiltered rule's keywords occur.
type keywordHits struct {
	pos []int
	// structural is set by a keyword that labels values on other lines: a
	// header or column list (first line, INSERT, Markdown table, HL7
	// segment) or a key that opens a block (`mrn:` ending its line).
	structural bool
}

// structuralHit tells whether the keyword at data[s:e] labels values on
// other lines. sc answers where lines begin and end and where the INSERT
// statements are, from what the keyword pass has seen so far (every
// statement ending before s).
func structuralHit(sc *scanState, data []byte, s, e int) bool {
	ls, le := sc.lines.span(s)
	if ls == 0 || ls == s {
		return true // first line, or a segment name such as PID|
	}
	for e < le && labelByte(data[e]) {
		e++ // the rest of the key: memberId, mrn_list
	}
	if onlyKeyTail(data[e:le]) {
		return true
	}
	line := trimBlanks(data[ls:s])
	if len(line) > 0 && line[0] == '|' {
		return true
	}
	if !sc.insertsKnown { // no PHI rules: the keyword pass does not look for statements
		return lastIndexFold(data[ls:s], sqlInsert) >= 0
	}
	return sc.lastInsert(ls, s) >= 0
}

// trimBlanks is bytes.TrimLeft(b, " \t") without the cutset's set built
// on every call (every keyword hit of a digit rule asks).
func trimBlanks(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	return b
}

// keyTail holds the bytes that may follow a key to the end of its line
// for the key to label values on other lines: quotes, `:`, `=` and the
// openers of a list or object.
var keyTail = func() (t [256]bool) {
	for _, b := range []byte("\"'`:=[{( \t\r") {
		t[b] = true
	}
	return t
}()

// onlyKeyTail reports whether b holds keyTail bytes alone (what
// bytes.Trim(b, those bytes) empties, without building their set on
// every keyword hit).
func onlyKeyTail(b []byte) bool {
	for _, c := range b {
		if !keyTail[c] {
			return false
		}
	}
	return true
}

// digitWindows adds a window around each long enough digit run for the
// rules with a digits prefilter. A rule that needs context in this mode
// gets none when no keyword of it occurred (gate), and, unless one of its
// keywords is structural, only runs that follow a keyword closely on the
// same line: no other value could find a label.
func (rs *Ruleset) digitWindows(data []byte, per [][]span, gate []keywordHits, ws *windowScratch) [][]span {
	if rs.minDigits == 0 {
		return per
	}
	minDigits := 0
	for _, ri := range rs.digitRules {
		if cr := rs.rules[ri]; rs.digitRuleActive(ri, gate) && (minDigits == 0 || cr.def.MinDigits < minDigits) {
			minDigits = cr.def.MinDigits
		}
	}
	if minDigits == 0 {
		return per
	}
	runs := rs.candidateRuns(data, minDigits, gate)
	if len(runs) == 0 {
		return per
	}
	for _, ri := range rs.digitRules {
		cr := rs.rules[ri]
		if !rs.digitRuleActive(ri, gate) {
			continue
		}
		everywhere := cr.ctx == nil || !cr.ctx.required(rs.mode) || gate[ri].structural
		var hits []int
		if gate != nil {
			hits = gate[ri].pos
		}
		h := 0
		for _, r := range runs {
			if r.digits < cr.def.MinDigits || cr.def.MaxDigits > 0 && r.digits > cr.def.MaxDigits {
				continue
			}
			if !everywhere {
				for h < len(hits) && hits[h] < r.start {
					h++
				}
				// The nearest keyword before the run must be on its line,
				// within a label's reach.
				if h == 0 || r.start-hits[h-1] > labelLookback+digitMargin || bytes.IndexByte(data[hits[h-1]:r.start], '\n') >= 0 {
					continue
				}
			}
			s, e := runWindow(data, r)
			ws.touch(ri)
			cur := per[ri]
			// Close runs share one window: one regex call instead of many.
			if k := len(cur); k > 0 && s <= cur[k-1].end+digitMerge && s >= cur[k-1].start {
				cur[k-1].end = max(cur[k-1].end, e)
				continue
			}
			per[ri] = append(cur, span{s, e})
		}
	}
	return per
}

// candidateRuns finds the digit runs the active digit rules may use. When
// every such rule needs a keyword on the run's own line, just before it
// (no structural keyword, context required in this mode), only the bytes
// after each keyword hit are read: source code names `license`, `member`
// or `zip` in most files, and a pass over the whole file for the one
// line that might matter made --phi-mode cost more than its budget.
func (rs *Ruleset) candidateRuns(data []byte, minDigits int, gate []keywordHits) []digitRun {
	var hits []int
	for _, ri := range rs.digitRules {
		cr := rs.rules[ri]
		if !rs.digitRuleActive(ri, gate) {
			continue
		}
		if cr.ctx == nil || !cr.ctx.required(rs.mode) || gate[ri].structural {
			return digitRuns(data, minDigits)
		}
		hits = append(hits, gate[ri].pos...)
	}
	return runsAfter(data, hits, minDigits)
}

// runsAfter returns the digit runs of at least minDigits digits that start
// on a hit's line within labelLookback+digitMargin bytes after it, reading
// only those bytes (and the rest of a run that goes on past them).
func runsAfter(data []byte, hits []int, minDigits int) []digitRun {
	slices.Sort(hits)
	var runs []digitRun
	end := 0 // where the last region read ended
	for _, h := range hits {
		s := max(h, end)
		e := min(len(data), h+labelLookback+digitMargin+1)
		if s >= e {
			continue
		}
		if i := bytes.IndexByte(data[s:e], '\n'); i >= 0 {
			e = s + i
		}
		// A run that starts in the region may go on past it.
		for e < len(data) && (isDigitByte(data[e]) || e+1 < len(data) && isDigitByte(data[e+1]) && bytes.IndexByte([]byte("-./ "), data[e]) >= 0) {
			e++
		}
		for _, r := range digitRuns(data[s:e], minDigits) {
			runs = append(runs, digitRun{s + r.start, s + r.end, r.digits})
		}
		end = e
	}
	return runs
}

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

// digitRuleActive reports whether digit-prefiltered rule ri may match in
// this input: a keyword of it occurred, or it needs no context in this mode.
func (rs *Ruleset) digitRuleActive(ri int, gate []keywordHits) bool {
	if gate != nil && len(gate[ri].pos) > 0 {
		return true
	}
	cc := rs.rules[ri].ctx
	return cc == nil || !cc.required(rs.mode)
}

// partBoundary reports whether data[s:e] is a whole identifier part: the
// "dea" of `dea_number`, `deaNumber` or "DEA #", not of `deadline` or
// `idea`. PHI labels are always whole parts, so PHI keywords need not
// open windows anywhere else. Parts are split as eachPart splits them: a
// capital starts a part after a lower-case letter, or when a lower-case
// letter follows it (`MRNNumber`); inside a run of capitals there is no
// boundary, so the "DL" of the mnemonic `ADDL` and the "UDI" of `UDIV`
// open no window (generated assembler tables are full of them).
func partBoundary(data []byte, s, e int) bool {
	upper := func(i int) bool { return i >= 0 && i < len(data) && data[i] >= 'A' && data[i] <= 'Z' }
	lower := func(i int) bool { return i >= 0 && i < len(data) && data[i] >= 'a' && data[i] <= 'z' }
	startsPart := func(i int) bool {
		return i <= 0 || i >= len(data) || !asciiLetter(data[i-1]) || !asciiLetter(data[i]) ||
			upper(i) && (!upper(i-1) || lower(i+1))
	}
	return startsPart(s) && startsPart(e)
}

// runWindow is the bytes a rule's regex needs around a digit run: a few
// bytes on each side for letter prefixes and suffixes (DEA numbers,
// HICNs), widened to the enclosing tokens so \b sees the real
// neighbours, and never past the line.
func runWindow(data []byte, r digitRun) (int, int) {
	s := max(0, r.start-digitMargin)
	if i := bytes.LastIndexByte(data[s:r.start], '\n'); i >= 0 {
		s += i + 1
	}
	for s > 0 && s > r.start-2*digitMargin && labelByte(data[s-1]) {
		s--
	}
	e := min(len(data), r.end+digitMargin)
	if i := bytes.IndexByte(data[r.end:e], '\n'); i >= 0 {
		e = r.end + i
	}
	for e < len(data) && e < r.end+2*digitMargin && labelByte(data[e]) {
		e++
	}
	return s, e
}

// dropPHIOverlaps keeps, of PHI matches that overlap, the most confident
// one: a nine-digit value under an SSN label is an SSN, not also an MRN.
// Secret matches are left alone. ms must be sorted by Start.
func dropPHIOverlaps(ms []Match) []Match {
	out := ms[:0]
	last := -1 // index in out of the last PHI match kept
	for _, m := range ms {
		if m.Rule.Kind != finding.KindPHI {
			out = append(out, m)
			continue
		}
		if last >= 0 && m.Start < out[last].End {
			if better(m, out[last]) {
				out[last] = m
			}
			continue
		}
		out = append(out, m)
		last = len(out) - 1
	}
	return out
}

func better(a, b Match) bool {
	if a.Confidence != b.Confidence {
		return a.Confidence > b.Confidence
	}
	if a.End-a.Start != b.End-b.Start {
		return a.End-a.Start > b.End-b.Start
	}
	return a.Rule.ID < b.Rule.ID
}

// phiGloballyAllowed is the global allowlist as it applies to PHI values:
// documented examples, placeholders, stand-in runs (0123456789) and one
// repeated character. It leaves out the secret-oriented checks that
// misfire on short numbers: a repeated unit such as 89898 is a real ZIP
// code, and PHI values are no environment references or hashes.
func phiGloballyAllowed(value string) bool {
	return len(value) >= 4 && strings.Count(value, value[:1]) == len(value) ||
		sequentialRun(value) || exampleValue().MatchString(value) || placeholderValue().MatchString(value)
}
