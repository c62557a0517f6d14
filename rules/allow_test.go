package rules

import (
	"regexp"
	"testing"
)

// The package-level regexes compile on first use (lazyRegexp); a typo in
// one must fail here, not panic in the middle of a user's scan.
func TestLazyRegexpsCompile(t *testing.T) {
	for name, re := range map[string]func() *regexp.Regexp{
		"exampleValue":     exampleValue,
		"placeholderValue": placeholderValue,
		"envReference":     envReference,
		"formatVerb":       formatVerb,
		"lockfileHash":     lockfileHash,
		"udiDI":            udiDI,
		"dlShapes":         dlShapes,
		"passportShapes":   passportShapes,
	} {
		first := re()
		if first == nil || re() != first {
			t.Errorf("%s: want one compiled regex, reused", name)
		}
	}
	if len(codeWords()) < 100 {
		t.Errorf("codeWords: %d words, want the list in phi_codewords.txt", len(codeWords()))
	}
}
