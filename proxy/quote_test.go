package proxy

import (
	"testing"
	"unicode/utf8"
)

// refQuoteBody is appendQuoteBody as it was before the eight-byte skip:
// one byte at a time. FuzzQuoteBody holds the two to the same output.
func refQuoteBody(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(dst, s[start:]...)
}

func FuzzQuoteBody(f *testing.F) {
	for _, s := range []string{"", "plain ascii text longer than eight", "a\"b\\c\nd\te\x01f", "héllo wörld \u2028 \u2029 \xff\xfe tail",
		"12345678\"", "1234567\x80", "\x00\x00\x00\x00\x00\x00\x00\x00\x00", "é1234567é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := appendQuoteBody(nil, s), refQuoteBody(nil, s); string(got) != string(want) {
			t.Fatalf("appendQuoteBody(%q) = %q, want %q", s, got, want)
		}
		if got := quotedBodyLen(s); got != len(refQuoteBody(nil, s)) {
			t.Fatalf("quotedBodyLen(%q) = %d, want %d", s, got, len(refQuoteBody(nil, s)))
		}
	})
}
