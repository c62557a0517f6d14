package rules

import (
	"encoding/base64"
	"encoding/json"
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

func checkJWT(c *CheckContext) bool {
	head, _, ok := strings.Cut(c.Value, ".")
	if !ok {
		return false
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(head, "="))
	if err != nil {
		return false
	}
	var h map[string]any
	if json.Unmarshal(raw, &h) != nil {
		return false
	}
	for k := range h {
		if joseHeaderParams[k] {
			return true
		}
	}
	return false
}

// joseHeaderParams are the registered JOSE header parameter names (RFC
// 7515, 7516, 7518, 7797 and the JWK members some issuers inline): a
// header naming one of them is a JWS/JWE header, not random JSON.
var joseHeaderParams = wordSet("alg typ kid cty crit enc zip jku jwk x5u x5c x5t x5t#S256 " +
	"epk apu apv iv tag p2s p2c b64 kty key_ops use")

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
