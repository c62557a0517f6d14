package rules

import (
	"slices"
	"strings"

	"github.com/pretense/pretense/rules/phiformat"
)

// Marks: with PHI rules the keyword automaton also looks for what the
// structured-format detection and the SQL context checks search the whole
// input for (an INSERT statement, a FHIR "resourceType", HL7's "^~", a
// COPY … FROM stdin). The one pass that already reads every byte for the
// rules' keywords collects them, and the detection skips its own
// searches for the markers that did not occur (phiformat.Hints).

// Mark bits: what the keyword pass saw.
const (
	markInsert uint8 = 1 << iota
	markFHIR
	markHL7
	markCopy
	// markAllow: pretense:allow, looked for in every rule set.
	markAllow
)

// markerKeywords are the automaton keywords of the marks (lower case: the
// automaton folds ASCII case, a superset of what each search accepts).
var markerKeywords = []struct {
	kw   string
	mark uint8
}{
	{sqlInsert, markInsert},
	{`"resourcetype"`, markFHIR},
	{"^~", markHL7},
	{"from stdin;", markCopy},
}

// allowKeyword is the automaton keyword of markAllow: whether an input
// holds an inline allow marker at all (decode.go).
var allowKeyword = strings.ToLower(AllowMarker)

// addMarkers adds the marker keywords to the automaton's keywords (a
// marker that is also a rule keyword keeps its one id) and records which
// ids mark what in rs.kwMark: the allow marker always, the PHI markers
// when phi.
func (rs *Ruleset) addMarkers(keywords []string, kwIndex map[string]int, phi bool) []string {
	markers := markerKeywords
	if !phi {
		markers = nil
	}
	for _, m := range append(slices.Clip(markers), struct {
		kw   string
		mark uint8
	}{allowKeyword, markAllow}) {
		k, ok := kwIndex[m.kw]
		if !ok {
			k = len(keywords)
			kwIndex[m.kw] = k
			keywords = append(keywords, m.kw)
		}
		for len(rs.kwMark) <= k {
			rs.kwMark = append(rs.kwMark, 0)
		}
		rs.kwMark[k] |= m.mark
	}
	return keywords
}

// hints turns the marks of a keyword pass into the format detection's
// hints; without marks (no PHI rules) every search runs.
func (rs *Ruleset) hints(marks uint8) phiformat.Hints {
	if rs.vocab == nil || rs.plainRegex {
		return phiformat.AllHints
	}
	return phiformat.Hints{
		FHIR: marks&markFHIR != 0,
		HL7:  marks&markHL7 != 0,
		SQL:  marks&(markInsert|markCopy) != 0,
	}
}
