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
			b.WriteString(randomRun(chars, n, rng))
			i += end
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// randomRun draws n characters of chars. A run of 6 or more characters
// from an alphabet of letters and digits is drawn again (a bounded number
// of times) until it holds both and no character more than max(2, n/5)
// times (once, under 12 characters): a provider key looks like that, while an unlucky draw such as
// "qq4q727uo" or an all-letter one would make a sample fail its rule's
// entropy or mixed-classes check for reasons of chance alone.
func randomRun(chars string, n int, rng *rand.Rand) string {
	buf := make([]byte, n)
	mixed := strings.ContainsAny(chars, "0123456789") && strings.ContainsAny(chars, "abcdefABCDEF")
	for try := 0; ; try++ {
		for j := range buf {
			buf[j] = chars[rng.IntN(len(chars))]
		}
		if !mixed || n < 6 || try >= 100 || keyLike(buf) {
			return string(buf)
		}
	}
}

// keyLike reports whether a drawn run holds a digit and a letter and
// repeats no character more than max(2, len/5) times (not at all when
// shorter than 12).
func keyLike(run []byte) bool {
	var counts [256]int
	limit := max(2, len(run)/5)
	if len(run) < 12 {
		limit = 1 // a short key with a repeat falls under its entropy floor
	}
	digit, letter := false, false
	for _, c := range run {
		counts[c]++
		if counts[c] > limit {
			return false
		}
		switch {
		case c >= '0' && c <= '9':
			digit = true
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			letter = true
		}
	}
	return digit && letter
}
