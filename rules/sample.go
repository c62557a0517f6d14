package rules

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Character classes for sample templates.
var sampleClasses = map[string]string{
	"alnum":    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
	"lower":    "abcdefghijklmnopqrstuvwxyz",
	"upper":    "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
	"digits":   "0123456789",
	"hex":      "0123456789abcdef",
	"HEX":      "0123456789ABCDEF",
	"b64":      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
	"b64url":   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
	"lowalnum": "abcdefghijklmnopqrstuvwxyz0123456789",
	"upalnum":  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
}

// ExpandSample fills a sample template with random characters so rule
// samples, test corpora and benchmarks never hold a literal credential.
// {class:N} becomes N random characters of class (alnum, lower, upper,
// digits, hex, HEX, b64, b64url, lowalnum, upalnum); {{ and }} are literal
// braces; \n is a newline.
func ExpandSample(tmpl string, rng *rand.Rand) (string, error) {
	var b strings.Builder
	for i := 0; i < len(tmpl); i++ {
		c := tmpl[i]
		switch {
		case c == '{' && i+1 < len(tmpl) && tmpl[i+1] == '{':
			b.WriteByte('{')
			i++
		case c == '}' && i+1 < len(tmpl) && tmpl[i+1] == '}':
			b.WriteByte('}')
			i++
		case c == '\\' && i+1 < len(tmpl) && tmpl[i+1] == 'n':
			b.WriteByte('\n')
			i++
		case c == '{':
			end := strings.IndexByte(tmpl[i:], '}')
			if end < 0 {
				return "", fmt.Errorf("template %q: unclosed {", tmpl)
			}
			class, count, ok := strings.Cut(tmpl[i+1:i+end], ":")
			chars, known := sampleClasses[class]
			n, err := strconv.Atoi(count)
			if !ok || !known || err != nil || n < 0 {
				return "", fmt.Errorf("template %q: bad placeholder %q", tmpl, tmpl[i:i+end+1])
			}
			for range n {
				b.WriteByte(chars[rng.IntN(len(chars))])
			}
			i += end
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}
