package rules

import (
	"bytes"
	"slices"
	"strings"
)

// assignMacro in a rule's pattern stands for the assignment grammar: what
// may stand between a credential's name (or the provider keyword inside
// it) and the value. Provider rules that need a name for context write
// `(?i:twitter){{ASSIGN}}([A-Za-z0-9]{50})` instead of repeating one
// regex per syntax.
const assignMacro = "{{ASSIGN}}"

// assignGrammar is one RE2 fragment without capture groups. It reads:
//   - the rest of the name: _API_TOKEN, Token, .secret, -key (≤30 bytes),
//     or a credential word after a space ("Twitch token = …", "Tableau
//     API key: …");
//   - a closing quote or bracket of a quoted key ("key", ENV['key']);
//   - an optional type: Go `var x string =`, Kotlin/Swift `x: String =`,
//     Rust `x: &str =`, TypeScript `x: string =`;
//   - the operator: = := ::= :::= ?= .= += => -> : , (between quotes),
//     the value on the same or the next line (also after a YAML block
//     indicator: "key: >-"), a
//     spaced dash before a quote (notes and logs: "twitch token - 'v'"),
//     or the end of an XML start tag (<twitterSecret>value, value on the
//     same or the next line);
//   - an opening quote (with a Python r/b/f/u prefix) or a { (Jenkins
//     credentials.xml wraps encrypted secrets in braces).
const assignGrammar = `[\w.-]{0,30}?` +
	`(?:[ \t](?i:api[ _-]?|access[ _-]?|auth[ _-]?)?(?i:token|key|secret|password|credentials?)s?)?` +
	`(?:["'\x60\]]{1,2})?` +
	`(?:` +
	`[ \t]{0,3}(?:(?::[ \t]{0,2})?&?(?:string|String|str|Str)[ \t]{1,3})?` +
	`(?::{1,3}=|\?=|\.=|\+=|=>|->|=|:|,)[ \t]{0,3}(?:(?:[|>][+-]?[ \t]{0,3})?\r?\n[ \t]{0,16})?` +
	`|[ \t]{1,3}-[ \t]{1,3}["'\x60]` +
	`|>[ \t]{0,3}(?:\r?\n[ \t]{0,16})?` +
	`)` +
	`(?:[rbfuRBFU]?["'\x60]|\{)?`

// expandPattern replaces the grammar macros in a rule pattern.
func expandPattern(p string) string {
	if !strings.Contains(p, "{{") {
		return p
	}
	return strings.ReplaceAll(p, assignMacro, assignGrammar)
}

// ownedNames holds, per provider rule that declares `owns`, the lower-case
// names whose assignments that rule decides about: when the provider rule
// rejected a value assigned to such a name (wrong length, wrong alphabet),
// the generic rule must not report it either.
type ownedNames struct {
	names [][]byte
	// byFirst holds the names by their first byte, so a search tries at
	// each position only the few names that can start there, without a
	// lower-cased copy of the text.
	byFirst [256][][]byte
}

func newOwnedNames(rules []*compiledRule) *ownedNames {
	var on ownedNames
	seen := map[string]bool{}
	for _, cr := range rules {
		for _, n := range cr.def.Owns {
			n = strings.ToLower(n)
			if n != "" && !seen[n] {
				seen[n] = true
				on.names = append(on.names, []byte(n))
				on.byFirst[n[0]] = append(on.byFirst[n[0]], []byte(n))
			}
		}
	}
	if len(on.names) == 0 {
		return nil
	}
	return &on
}

// dropOwned removes generic matches whose assigned name contains a name a
// provider rule owns and that no provider rule reported. A provider
// match on the same value is already handled by dropGenericOverlaps.
func (on *ownedNames) dropOwned(data []byte, ms []Match) []Match {
	if on == nil || len(ms) == 0 {
		return ms
	}
	out := ms[:0]
	for _, m := range ms {
		if m.Rule.Generic && m.Decoded == "" && m.Start <= len(data) && on.owns(assignedName(data, m.Start)) {
			continue
		}
		out = append(out, m)
	}
	return out
}

// owns reports whether name (an assigned name, ASCII) contains an owned
// name, without case.
func (on *ownedNames) owns(name []byte) bool {
	for i := range name {
		if on.at(name, i, 1) {
			return true
		}
	}
	return false
}

// at reports whether an owned name of at least minLen bytes starts at
// b[i], ASCII letters compared without case (the names are lower case).
func (on *ownedNames) at(b []byte, i, minLen int) bool {
	if on == nil {
		return false
	}
	for _, n := range on.byFirst[foldByte(b[i])] {
		if len(n) < minLen || len(n) > len(b)-i {
			continue
		}
		k := 1
		for k < len(n) && foldByte(b[i+k]) == n[k] {
			k++
		}
		if k == len(n) {
			return true
		}
	}
	return false
}

// startsWordIn reports whether an owned name of at least minLen bytes
// starts a word of b: at its start, after a byte that is not a lower-case
// letter, or at an upper-case letter (a camelCase part), so "collateral"
// does not name Atera.
func (on *ownedNames) startsWordIn(b []byte, minLen int) bool {
	for i := range b {
		if (i == 0 || !isLowerASCII(b[i-1]) || isUpperASCII(b[i])) && on.at(b, i, minLen) {
			return true
		}
	}
	return false
}

// hostIn reports whether an owned name that is a host suffix (it starts
// with a dot: .redis.cache.windows.net) occurs in b.
func (on *ownedNames) hostIn(b []byte) bool {
	if on == nil {
		return false
	}
	for i := range b {
		if b[i] == '.' {
			for _, n := range on.byFirst['.'] {
				if len(n) <= len(b)-i && bytes.EqualFold(b[i:i+len(n)], n) {
					return true
				}
			}
		}
	}
	return false
}

// genericRank orders rules for dropGenericOverlaps: a provider rule (2)
// beats a format rule that is generic but knows the file or command the
// value sits in (1: curl -u, .netrc, a Kubernetes Secret), which beats a
// catch-all tagged generic (0: any name = high-entropy literal).
func genericRank(r *Rule) int {
	switch {
	case !r.Generic:
		return 2
	case !slices.Contains(r.Tags, "generic"):
		return 1
	}
	return 0
}
