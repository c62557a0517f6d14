package rules

import (
	"bytes"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/pretense/pretense/finding"
)

// AllowMarker on a line suppresses every finding on that line.
const AllowMarker = "pretense:allow"

// allowLookaround bounds how far the allow-marker search looks on each side
// of a match, so a 50 MB single-line file stays linear.
const allowLookaround = 4096

type span struct{ start, end int }

// Scan finds every rule match in data. Matches are ordered by offset, then
// rule id. Scan never modifies data.
func (rs *Ruleset) Scan(data []byte) []Match {
	if len(data) == 0 || len(rs.rules) == 0 {
		return nil
	}
	// base64, hex, %XX: see decode.go
	// structured PHI formats: see phi_formats.go
	ms, marks := rs.matchMarks(data)
	ms = rs.appendDecoded(data, marks, rs.readFormats(data, marks, ms))
	if rs.normalize {
		// Zero-width characters, full-width letters, NULs: normalize.go.
		ms = dedupeMatches(append(ms, rs.scanNormalized(data)...))
	}
	return rs.settle(rs.owned.dropOwned(data, ms))
}

// match runs every rule in its keyword windows, unfiltered and unordered.
func (rs *Ruleset) match(data []byte) []Match {
	out, _ := rs.matchMarks(data)
	return out
}

// matchMarks is match, also returning the marks its keyword pass saw.
func (rs *Ruleset) matchMarks(data []byte) ([]Match, uint8) {
	var out []Match
	scratch := rs.getScratch()
	defer rs.putScratch(scratch)
	per, sc := rs.windows(data, scratch)
	for _, ri := range scratch.touched { // ascending: windows sorts it
		if ws := per[ri]; len(ws) > 0 {
			out = rs.rules[ri].run(rs, data, ws, sc, out)
		}
	}
	scratch.cands, scratch.nls = sc.cands, sc.lines.nls
	return out, sc.marks
}

// windowScratch is the per-rule state of one windows pass, kept between
// inputs: each slice has an entry per rule (hundreds), and allocating them
// for every file was most of the garbage a --phi-mode scan made.
type windowScratch struct {
	per  [][]span
	gate []keywordHits
	hits [][]int
	// touched lists, once each (dirty), the rules whose entries above a
	// pass may have filled. The pass's loops over rules and the reset
	// visit those only: a small file meets a few dozen rules, and loops
	// over all ~830 were most of the cost of scanning one.
	touched []int
	dirty   []bool
	cands   []int
	nls     []int
	// sc is the pass's scanState, kept with the rest: a scanState and a
	// CheckContext made for every input were ~4 MB of the ~36 MB a scan
	// of $GOROOT/src allocates, all of it fresh memory while the scan
	// does not collect (internal/cli/gc.go).
	sc scanState
}

// touch records that rule ri's entries may be filled in this pass.
func (ws *windowScratch) touch(ri int) {
	if !ws.dirty[ri] {
		ws.dirty[ri] = true
		ws.touched = append(ws.touched, ri)
	}
}

func (rs *Ruleset) getScratch() *windowScratch {
	if ws, ok := rs.scratch.Get().(*windowScratch); ok {
		return ws
	}
	n := len(rs.rules)
	return &windowScratch{per: make([][]span, n), gate: make([]keywordHits, n), hits: make([][]int, n), dirty: make([]bool, n)}
}

// putScratch empties every touched entry (keeping capacity) so the next
// pass starts as from fresh slices.
func (rs *Ruleset) putScratch(ws *windowScratch) {
	for _, ri := range ws.touched {
		ws.per[ri] = ws.per[ri][:0]
		ws.gate[ri] = keywordHits{pos: ws.gate[ri].pos[:0]}
		ws.hits[ri] = ws.hits[ri][:0]
		ws.dirty[ri] = false
	}
	ws.touched = ws.touched[:0]
	// Nothing of the input stays reachable from the pool.
	ws.sc = scanState{inserts: ws.sc.inserts[:0]}
	rs.scratch.Put(ws)
}

// sqlInsert is the statement the context checks look for around a value
// (sqlColumn); with PHI rules it is an extra keyword of the automaton.
const sqlInsert = "insert into"

// scanState is what one pass of the keyword automaton learned about the
// data being scanned, for the checks of the matches in it.
type scanState struct {
	// inserts holds the offsets of every "insert into", ascending, when
	// insertsKnown (the automaton has the statement keyword: PHI rules).
	inserts      []int
	insertsKnown bool
	// marks are the markers the pass saw (marks.go).
	marks uint8
	// ascii says whether the input has no byte above 0x7f (0: not yet
	// known, 1: it has none, 2: it has), so no window needs the
	// anchored path's own check (anchor.go); found on first need.
	ascii uint8
	// hits holds, per keyword-anchored rule, the offsets its keywords
	// start at, ascending (anchor.go).
	hits [][]int
	// cands is the lead-byte candidate buffer (lead.go).
	cands []int
	// lines indexes the input's newlines (lines.go).
	lines lineIndex
	// csv is the input's first line read as a CSV header (csvHeader),
	// once csvKnown.
	csv      csvHeaderInfo
	csvKnown bool
	// check is the CheckContext the pass's candidates are judged with
	// (compiledRule.run).
	check CheckContext
}

// lastInsert returns the offset, relative to lo, of the last "insert
// into" that lies wholly within data[lo:hi], or -1: lastIndexFold of
// data[lo:hi] without reading it again.
func (sc *scanState) lastInsert(lo, hi int) int {
	// The first insert whose end is past hi; the one before it is the last within.
	i, _ := slices.BinarySearch(sc.inserts, hi-len(sqlInsert)+1)
	if i == 0 || sc.inserts[i-1] < lo {
		return -1
	}
	return sc.inserts[i-1] - lo
}

// settle applies the overlap filters and the output order.
func (rs *Ruleset) settle(out []Match) []Match {
	out = dropGenericOverlaps(out)
	slices.SortFunc(out, func(a, b Match) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return strings.Compare(a.Rule.ID, b.Rule.ID)
	})
	if rs.vocab != nil {
		out = dropPHIOverlaps(out)
	}
	return out
}

// windows runs the keyword automaton once and returns, per rule, the merged
// byte ranges its regex must look at, and what the pass found for the
// checks.
func (rs *Ruleset) windows(data []byte, ws *windowScratch) ([][]span, *scanState) {
	// Entries are empty on entry (putScratch); an empty entry means what a
	// nil one did: no window, no keyword hit. The slices themselves are
	// never nil (getScratch makes them), so nothing here allocates them.
	per := ws.per
	gate := ws.gate // digit-prefiltered rules: where their keywords occur
	sc := &ws.sc
	*sc = scanState{hits: ws.hits, cands: ws.cands, inserts: sc.inserts[:0]}
	sc.lines.reset(data, ws.nls)
	sc.insertsKnown = rs.vocab != nil
	rs.kw.each(data, func(k, ms, me int) {
		if k < len(rs.kwMark) && rs.kwMark[k] != 0 {
			mk := rs.kwMark[k]
			sc.marks |= mk
			if mk&markInsert != 0 {
				sc.inserts = append(sc.inserts, ms)
			}
		}
		if k >= len(rs.kwRules) { // a marker, no rule's keyword
			return
		}
		if rs.partKW[k] && !partBoundary(data, ms, me) {
			return
		}
		owners := rs.kwRules[k]
		// Whether this hit labels values on other lines, asked once for
		// the digit rules that share the keyword (0: not yet).
		structural := 0
		for _, ri := range owners {
			ws.touch(ri)
			if rs.rules[ri].def.Prefilter != "" {
				// Such a rule's windows come from digit runs; its
				// keywords only say the input may hold its context.
				g := &gate[ri]
				g.pos = append(g.pos, ms)
				if !g.structural {
					if structural == 0 {
						structural = 2
						if structuralHit(sc, data, ms, me) {
							structural = 1
						}
					}
					g.structural = structural == 1
				}
				continue
			}
			if rs.rules[ri].def.AsWritten {
				// A gitleaks-style rule: a keyword anywhere opens all of it.
				per[ri] = []span{{0, len(data)}}
				continue
			}
			if rs.rules[ri].anchored() != nil {
				sc.addHit(len(rs.rules), ri, ms)
			}
			w := rs.rules[ri].window
			s := expandStart(data, ms-w)
			e := expandEnd(data, me+w)
			if rs.rules[ri].ctx != nil {
				e = structEnd(data, ms, e)
			}
			cur := per[ri]
			if n := len(cur); n > 0 && s <= cur[n-1].end {
				if e > cur[n-1].end {
					cur[n-1].end = e
				}
				if s < cur[n-1].start {
					cur[n-1].start = s
				}
				continue
			}
			per[ri] = append(cur, span{s, e})
		}
	})
	for _, ri := range rs.everywhere {
		ws.touch(ri)
		per[ri] = []span{{0, len(data)}}
	}
	sc.sortHits(ws.touched)
	per = rs.digitWindows(data, per, gate, ws)
	slices.Sort(ws.touched)
	for _, ri := range ws.touched {
		if len(per[ri]) > 1 {
			per[ri] = mergeSpans(per[ri])
		}
	}
	return per, sc
}

func mergeSpans(ss []span) []span {
	slices.SortFunc(ss, func(a, b span) int { return a.start - b.start })
	out := ss[:1]
	for _, s := range ss[1:] {
		last := &out[len(out)-1]
		if s.start <= last.end {
			last.end = max(last.end, s.end)
			continue
		}
		out = append(out, s)
	}
	return out
}

// expandStart moves a window start back to the beginning of its line when
// that is near, otherwise back to the token boundary before it, so the regex
// never starts in the middle of a token, and a token that straddles the
// window edge is seen whole. The walk is bounded (tokenReach), so a 50 MB
// single-line file stays linear.
func expandStart(data []byte, s int) int {
	if s <= 0 {
		return 0
	}
	lo := max(0, s-256)
	if i := lastNewline(data[lo:s]); i >= 0 {
		return lo + i + 1
	}
	stop := max(0, s-tokenReach)
	if i := lastDelim(data, stop, s); i >= 0 {
		return i + 1
	}
	return stop
}

// expandEnd is expandStart's mirror: to the end of the line when near,
// otherwise forward to the end of the token the window edge falls in.
func expandEnd(data []byte, e int) int {
	if e >= len(data) {
		return len(data)
	}
	hi := min(len(data), e+256)
	if i := bytes.IndexByte(data[e:hi], '\n'); i >= 0 {
		return e + i
	}
	stop := min(len(data), e+tokenReach)
	if i := firstDelim(data, e, stop); i >= 0 {
		return i
	}
	return stop
}

// tokenReach bounds how far a window edge moves to reach a token boundary:
// longer than any credential (a long JWT is 1-2 KB).
const tokenReach = 8192

// isDelim reports a token boundary byte. It is a table: the window edges
// of a long line walk up to tokenReach bytes with it, and the switch it
// was compiled to a chain of compares per byte.
func isDelim(b byte) bool { return delimTable[b] }

var delimTable = func() (t [256]bool) {
	for _, b := range []byte(" \t\r\n\"'`,;()[]{}<>") {
		t[b] = true
	}
	return t
}()

func (cr *compiledRule) run(rs *Ruleset, data []byte, ws []span, sc *scanState, out []Match) []Match {
	g := cr.def.SecretGroup
	var need needles
	if !rs.plainRegex {
		need = cr.needles()
	}
	// One CheckContext for every candidate of this pass: the checks get
	// a pointer, so it lives on the heap, and one per candidate was most
	// of a scan's allocations (the built-in checks keep no pointer to it).
	// It is the pass's own (sc.check, in the pooled scratch): one per
	// call of run was still ~2 MB of a scan of $GOROOT/src.
	c := &sc.check
	for _, w := range ws {
		// A window without any of the pattern's required literals holds
		// no match: every match lies within it (needle.go).
		if need != nil && !need.in(data[w.start:w.end]) {
			continue
		}
		var locs [][]int
		ok := false
		if !rs.plainRegex {
			if cr.anchored() != nil {
				locs, ok = cr.runAnchored(data, w, sc.hitsIn(cr.index, w), sc.windowASCII(data, w), &sc.cands)
			}
			// Not anchored, or a window the keywords cannot vouch for
			// (non-ASCII): lead bytes, when the rule has them.
			if !ok && cr.lead.get(cr.rx.pat) != nil {
				locs, ok = cr.runLead(rs, data, w, sc)
			}
		}
		if !ok {
			locs = cr.pattern().FindAllSubmatchIndex(data[w.start:w.end], -1)
		}
		for _, loc := range locs {
			vs, ve := loc[2*g], loc[2*g+1]
			if vs < 0 {
				continue
			}
			start, end := w.start+vs, w.start+ve
			value := string(data[start:end])
			whole := data[w.start+loc[0] : w.start+loc[1]]
			// PHI rules run their cheap checks and context first: most
			// candidates (every capitalised word near a label) fail there,
			// before the allowlist regexes.
			if cr.ctx == nil && !cr.accept(rs, data, start, end, value, whole) {
				continue
			}
			*c = CheckContext{Data: data, Start: start, End: end, Value: value, Mode: rs.mode, Confidence: cr.def.Confidence, Rule: cr.def,
				MatchStart: w.start + loc[0], MatchEnd: w.start + loc[1], scan: sc, owned: rs.owned}
			c.Reasons = c.reasonBuf[:0]
			if cr.def.Filter != nil && !cr.def.Filter(c) {
				continue
			}
			ok := true
			for _, check := range cr.checks {
				if !check(c) {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			if cr.ctx != nil && (!rs.applyContext(cr.ctx, c) || !cr.accept(rs, data, c.Start, c.End, c.Value, whole)) {
				continue
			}
			// A check may narrow the value (a name without its label).
			out = append(out, Match{
				Rule: cr.def, Start: c.Start, End: c.End, Value: c.Value,
				Confidence: c.Confidence, Reasons: ownReasons(c.Reasons),
			})
		}
	}
	return out
}

// ownReasons copies a candidate's reasons out of its CheckContext's
// buffer for its match: nil when there are none, as before the buffer.
func ownReasons(r []string) []string {
	if len(r) == 0 {
		return nil
	}
	return slices.Clone(r)
}

// accept runs the cheap filters: the allow marker, allowlists, stopwords and
// the entropy floor.
func (cr *compiledRule) accept(rs *Ruleset, data []byte, start, end int, value string, whole []byte) bool {
	if value == "" || rs.markerAt(data, start, end) {
		return false
	}
	if cr.ctx != nil && phiGloballyAllowed(value) || cr.ctx == nil && !cr.def.AsWritten && globallyAllowed(value, whole) {
		return false
	}
	for _, re := range rs.allow {
		if re.MatchString(value) {
			return false
		}
	}
	for _, re := range cr.allowRegexps() {
		if re.MatchString(value) {
			return false
		}
	}
	if len(cr.stop) > 0 {
		lv := strings.ToLower(value)
		for _, s := range cr.stop {
			if strings.Contains(lv, s) {
				return false
			}
		}
	}
	if cr.def.Entropy > 0 && shannon(value) < cr.def.Entropy {
		return false
	}
	return true
}

func lineHasMarker(data []byte, start, end int) bool {
	lo := max(0, start-allowLookaround)
	if i := bytes.LastIndexByte(data[lo:start], '\n'); i >= 0 {
		lo += i + 1
	}
	hi := min(len(data), end+allowLookaround)
	if i := bytes.IndexByte(data[end:hi], '\n'); i >= 0 {
		hi = end + i
	}
	return bytes.Contains(data[lo:hi], []byte(AllowMarker))
}

// dropGenericOverlaps removes a generic rule's match when a specific rule
// matched an overlapping value: the specific finding says more.
func dropGenericOverlaps(ms []Match) []Match {
	hasGeneric := false
	for _, m := range ms {
		if m.Rule.Generic {
			hasGeneric = true
			break
		}
	}
	if !hasGeneric {
		return ms
	}
	out := ms[:0]
	for i, m := range ms {
		if m.Rule.Generic {
			covered := false
			for j, o := range ms {
				if i != j && genericRank(o.Rule) > genericRank(m.Rule) && o.Start < m.End && m.Start < o.End {
					covered = true
					break
				}
			}
			if covered {
				continue
			}
		}
		out = append(out, m)
	}
	return out
}

// Findings converts matches in data into findings at path, with 1-based
// lines and columns (columns count Unicode code points), redacted previews
// and keyed fingerprints. matches must be ordered by Start, as Scan returns
// them.
func Findings(data []byte, matches []Match, path string, fp finding.Fingerprinter) []finding.Finding {
	out := make([]finding.Finding, 0, len(matches))
	var li lineIndex
	li.reset(data, nil)
	for _, m := range matches {
		sl, ls := li.line(m.Start)
		sc := utf8.RuneCount(data[ls:m.Start]) + 1
		el, le := li.line(m.End)
		ec := utf8.RuneCount(data[le:m.End]) + 1
		f := finding.Finding{
			RuleID:      m.Rule.ID,
			Kind:        m.Rule.Kind,
			Description: m.Rule.Description,
			Severity:    m.Rule.Severity,
			Confidence:  m.Confidence,
			Category:    m.Rule.Category,
			Entity:      m.Rule.Entity,
			Reasons:     m.Reasons,
			Tags:        m.Rule.Tags,
			Path:        path,
			Line:        sl, Column: sc, EndLine: el, EndColumn: ec,
			Decoded:     m.Decoded,
			Redacted:    finding.Redact(m.Rule.Kind, m.Value),
			Fingerprint: fp.Of(m.Rule.ID, m.Value),
			Secret:      m.Value,
		}
		out = append(out, f)
	}
	return out
}
