package rules

import "bytes"

// Hints for the global allowlist regexes (allow.go). globallyAllowed runs
// five regexes over every candidate value, and a regex with no literal
// prefix walks its input at every offset: on a tree full of
// placeholder credentials (SQLAlchemy's scott:tiger URLs) they were ~10 %
// of a directory scan. Each regex can only match text that holds a byte or
// a word most values lack; allowHintsOf looks for those in one folded
// copy of the value and says which regexes may match, so the others are
// not run. The hints over-approximate (a hint set does not mean a match)
// and FuzzAllowHints checks that no regex matches where its hint is unset.

// allowHints is a set of the regexes that may match.
type allowHints uint8

const (
	hintFormat      allowHints = 1 << iota // formatVerb: a '%'
	hintExample                            // exampleValue: example, sample, not, fake
	hintPlaceholder                        // placeholderValue: see allowHintsOf
	hintEnv                                // envReference: env, secrets, vars., ${, vault:, ssm:
	hintLockfile                           // lockfileHash: a sha or h1: prefix
	hintAll         allowHints = 1<<iota - 1
)

// maxHintLen bounds the values allowHintsOf folds (on the stack); longer
// ones get every hint.
const maxHintLen = 256

// allowHintsOf returns the global allowlist regexes that may match s.
// Text with a non-ASCII byte gets every hint: under (?i) k and s also
// match the Kelvin sign and long s, which the ASCII folding here does not
// see.
func allowHintsOf[T string | []byte](s T) allowHints {
	if len(s) > maxHintLen {
		return hintAll
	}
	var buf [maxHintLen]byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return hintAll
		}
		buf[i] = foldASCII(c)
	}
	low := buf[:len(s)]
	var h allowHints
	if bytes.IndexByte(low, '%') >= 0 {
		h |= hintFormat
	}
	if hasAny(low, "example", "sample", "not", "fake") {
		h |= hintExample
	}
	// placeholderValue: a value beginning with $, { or % or holding <,
	// xxxx (either case), ***, ..., change(me|it), placeholder,
	// replace…, your…, insert…, redacted, dummy; or one of its short
	// words whole (null … undefined: nine letters at most).
	if len(low) <= 9 || bytes.IndexByte([]byte("${%"), low[0]) >= 0 || bytes.IndexByte(low, '<') >= 0 ||
		hasAny(low, "***", "...", "xxxx", "change", "placeholder", "replace", "your", "insert", "redacted", "dummy") {
		h |= hintPlaceholder
	}
	if bytes.Contains(low, []byte("${")) || hasAny(low, "env", "secrets", "vars.", "vault:", "ssm:") {
		h |= hintEnv
	}
	// lockfileHash is case-sensitive and anchored at the start.
	if len(s) >= 3 && (string(s[:3]) == "sha" || string(s[:3]) == "h1:") {
		h |= hintLockfile
	}
	return h
}

// hasAny reports whether b holds one of words.
func hasAny(b []byte, words ...string) bool {
	for _, w := range words {
		if bytes.Contains(b, []byte(w)) {
			return true
		}
	}
	return false
}
