package rules

import (
	"math"
	"strings"
)

// shannon returns the Shannon entropy of s in bits per byte.
func shannon(s string) float64 {
	if s == "" {
		return 0
	}
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	n := float64(len(s))
	var h float64
	for _, c := range counts {
		if c == 0 {
			continue
		}
		p := float64(c) / n
		h -= p * math.Log2(p)
	}
	return h
}

// checkJWT keeps a token whose header is a JOSE header: it decodes to a
// JSON object with a non-empty "alg". RFC 7515 §4.1.1 and RFC 7516 §4.1.1
// make alg required in every JWS and JWE header, and every verifier
// rejects a token without it, so a JWT-shaped string with no alg is not a
// credential (random base64 or JSON that happens to start with eyJ).
// "none" is kept: the rule's pattern requires a signature of 10 or more
// characters, so what it matches names none only in a malformed unsecured
// token, which tools/secretbench's signedJWT counts as plausible too.
func checkJWT(c *CheckContext) bool {
	if !strings.Contains(c.Value, ".") {
		return false
	}
	h, ok := DecodeJOSEHeader(c.Value)
	return ok && h.Alg() != ""
}

func checkMixedClasses(c *CheckContext) bool {
	var lower, upper, digit bool
	for i := 0; i < len(c.Value); i++ {
		b := c.Value[i]
		switch {
		case b >= 'a' && b <= 'z':
			lower = true
		case b >= 'A' && b <= 'Z':
			upper = true
		case b >= '0' && b <= '9':
			digit = true
		}
	}
	n := 0
	for _, v := range []bool{lower, upper, digit} {
		if v {
			n++
		}
	}
	return n >= 2
}

func checkGenericValue(c *CheckContext) bool {
	if c.End < len(c.Data) && (c.Data[c.End] == '(' || c.Data[c.End] == '[') {
		return false
	}
	hasDigit, ident, dots := false, true, 0
	for i := 0; i < len(c.Value); i++ {
		b := c.Value[i]
		switch {
		case b >= '0' && b <= '9':
			hasDigit = true
		case b == '.':
			dots++
		case b == '_' || (b|0x20 >= 'a' && b|0x20 <= 'z'):
		default:
			ident = false
		}
	}
	if ident && (!hasDigit || dots > 0) {
		return false
	}
	return true
}
