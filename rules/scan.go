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
	ms := rs.appendDecoded(data, rs.readFormats(data, rs.match(data)))
	if rs.normalize {
		// Zero-width characters, full-width letters, NULs: normalize.go.
		ms = dedupeMatches(append(ms, rs.scanNormalized(data)...))
	}
	return rs.settle(rs.owned.dropOwned(data, ms))
}

// match runs every rule in its keyword windows, unfiltered and unordered.
func (rs *Ruleset) match(data []byte) []Match {
	var out []Match
	for ri, ws := range rs.windows(data) {
		if len(ws) > 0 {
			out = rs.rules[ri].run(rs, data, ws, out)
		}
	}
	return out
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
// byte ranges its regex must look at.
func (rs *Ruleset) windows(data []byte) [][]span {
	var per [][]span
	var gate []keywordHits // digit-prefiltered rules: where their keywords occur
	it := rs.ac.IterOverlappingByte(data)
	for m := it.Next(); m != nil; m = it.Next() {
		if rs.partKW[m.Pattern()] && !partBoundary(data, m.Start(), m.End()) {
			continue
		}
		owners := rs.kwRules[m.Pattern()]
		if per == nil {
			per = make([][]span, len(rs.rules))
		}
		for _, ri := range owners {
			if rs.rules[ri].def.Prefilter != "" {
				// Such a rule's windows come from digit runs; its
				// keywords only say the input may hold its context.
				if gate == nil {
					gate = make([]keywordHits, len(rs.rules))
				}
				gate[ri].add(data, m.Start(), m.End())
				continue
			}
			if rs.rules[ri].def.AsWritten {
				// A gitleaks-style rule: a keyword anywhere opens all of it.
				per[ri] = []span{{0, len(data)}}
				continue
			}
			w := rs.rules[ri].window
			s := expandStart(data, m.Start()-w)
			e := expandEnd(data, m.End()+w)
			if rs.rules[ri].ctx != nil {
				e = structEnd(data, m.Start(), e)
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
	}
	if len(rs.everywhere) > 0 {
		if per == nil {
			per = make([][]span, len(rs.rules))
		}
		for _, ri := range rs.everywhere {
			per[ri] = []span{{0, len(data)}}
		}
	}
	per = rs.digitWindows(data, per, gate)
	for i := range per {
		if len(per[i]) > 1 {
			per[i] = mergeSpans(per[i])
		}
	}
	return per
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
	if i := bytes.LastIndexByte(data[lo:s], '\n'); i >= 0 {
		return lo + i + 1
	}
	stop := max(0, s-tokenReach)
	for i := s - 1; i >= stop; i-- {
		if isDelim(data[i]) {
			return i + 1
		}
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
	for i := e; i < stop; i++ {
		if isDelim(data[i]) {
			return i
		}
	}
	return stop
}

// tokenReach bounds how far a window edge moves to reach a token boundary:
// longer than any credential (a long JWT is 1-2 KB).
const tokenReach = 8192

func isDelim(b byte) bool {
	switch b {
	case ' ', '\t', '\r', '\n', '"', '\'', '`', ',', ';', '(', ')', '[', ']', '{', '}', '<', '>':
		return true
	}
	return false
}

func (cr *compiledRule) run(rs *Ruleset, data []byte, ws []span, out []Match) []Match {
	g := cr.def.SecretGroup
	for _, w := range ws {
		chunk := data[w.start:w.end]
		for _, loc := range cr.re.FindAllSubmatchIndex(chunk, -1) {
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
			c := CheckContext{Data: data, Start: start, End: end, Value: value, Mode: rs.mode, Confidence: cr.def.Confidence, Rule: cr.def,
				MatchStart: w.start + loc[0], MatchEnd: w.start + loc[1]}
			if cr.def.Filter != nil && !cr.def.Filter(&c) {
				continue
			}
			ok := true
			for _, check := range cr.checks {
				if !check(&c) {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			if cr.ctx != nil && (!rs.applyContext(cr.ctx, &c) || !cr.accept(rs, data, c.Start, c.End, c.Value, whole)) {
				continue
			}
			// A check may narrow the value (a name without its label).
			out = append(out, Match{
				Rule: cr.def, Start: c.Start, End: c.End, Value: c.Value,
				Confidence: c.Confidence, Reasons: c.Reasons,
			})
		}
	}
	return out
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
	for _, re := range cr.allow {
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
	line, lineStart, pos := 1, 0, 0
	advance := func(to int) {
		if to < pos { // matches overlap: recount from the start of data
			line, lineStart, pos = 1, 0, 0
		}
		seg := data[pos:to]
		if n := bytes.Count(seg, []byte{'\n'}); n > 0 {
			line += n
			lineStart = pos + bytes.LastIndexByte(seg, '\n') + 1
		}
		pos = to
	}
	for _, m := range matches {
		advance(m.Start)
		sl, sc := line, utf8.RuneCount(data[lineStart:m.Start])+1
		advance(m.End)
		el, ec := line, utf8.RuneCount(data[lineStart:m.End])+1
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
