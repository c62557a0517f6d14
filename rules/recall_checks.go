package rules

import (
	"regexp"
	"strings"
	"sync"
)

// Checks added for provider shapes read by keyword proximity. Registered
// in their own init so rule-format work does not touch the engine's check
// table or the other provider checks.

func init() {
	secretChecks["three-classes"] = checkThreeClasses
	secretChecks["named-or-three-classes"] = checkNamedOrThreeClasses
}

// checkThreeClasses keeps a value holding an upper-case letter, a
// lower-case letter and a digit. A provider key drawn at random from
// [A-Za-z0-9] (Azure AI Search keys, legacy Atlassian API tokens) has all
// three almost surely (a 24-character one lacks a digit 1.5% of the
// time); hex ids, lower-case slugs and CamelCase words next to the same
// provider name do not.
func checkThreeClasses(c *CheckContext) bool {
	var lower, upper, digit bool
	for i := 0; i < len(c.Value); i++ {
		switch b := c.Value[i]; {
		case b >= 'a' && b <= 'z':
			lower = true
		case b >= 'A' && b <= 'Z':
			upper = true
		case b >= '0' && b <= '9':
			digit = true
		}
	}
	return lower && upper && digit
}

// checkNamedOrThreeClasses keeps a value read by keyword proximity when
// it holds all three classes (upper, lower, digit: random base62), or
// when it is assigned to a name that names the provider
// (ATLASSIAN_TOKEN = "…", jiraToken: …) and holds a digit and two
// classes. Next to the provider's name in free text, a lower-case hex or
// slug value (an account id, an issue key) is not enough.
func checkNamedOrThreeClasses(c *CheckContext) bool {
	if checkThreeClasses(c) {
		return true
	}
	if c.Rule == nil || !checkMixedClasses(c) || !checkHasDigit(c) {
		return false
	}
	if name := assignedName(c.Data, c.Start); len(name) > 0 && namesProvider(name, c.Rule.Keywords) {
		return true
	}
	// Syntaxes the name reader does not parse ($jiraToken .= "…",
	// jira_TOKEN ?= …, <jiraToken> with the value on the next line): the
	// text from the keyword to the value is the assignment grammar.
	if c.MatchStart < 0 || c.MatchStart >= c.Start || c.Start > len(c.Data) {
		return false
	}
	return keywordAssignment(c.Rule).Match(c.Data[c.MatchStart:c.Start])
}

// keywordAssigns caches, per rule, the regexp of one of the rule's
// keywords followed by the assignment grammar up to the value.
var keywordAssigns sync.Map // *Rule -> *regexp.Regexp

func keywordAssignment(r *Rule) *regexp.Regexp {
	if re, ok := keywordAssigns.Load(r); ok {
		return re.(*regexp.Regexp)
	}
	alts := make([]string, len(r.Keywords))
	for i, k := range r.Keywords {
		alts[i] = regexp.QuoteMeta(k)
	}
	re := regexp.MustCompile(`^(?i:` + strings.Join(alts, "|") + `)` + assignGrammar + `$`)
	keywordAssigns.Store(r, re)
	return re
}

// PlaceholderPassword reports whether a password found in a URI,
// connection string or registry login is a documentation stand-in by the
// rules' own definition (placeholder-password: password, P@ssw0rd, a
// run of plain words, after percent-decoding and l33t folding). Exported
// for tools/secretbench, which must not count such samples as plausible
// credentials.
func PlaceholderPassword(v string) bool {
	return !checkPlaceholderPassword(&CheckContext{Value: v})
}
