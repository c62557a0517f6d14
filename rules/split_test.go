package rules

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// piece is one piece of a run's split: data[s:e1] of base64's alphabet
// without '=', then padding to e.
type piece struct{ s, e1, e int }

// splitRef is decodeRun's split as it was, a class load and a branch per
// byte: the reference FuzzSplit holds splitRun to.
func splitRef(data []byte, i, j int) []piece {
	var out []piece
	for s := i; s < j; {
		e := s
		for _, b := range data[s:j] {
			if decodeClass[b]&(clB64|clPad) != clB64 {
				break
			}
			e++
		}
		e1 := e
		for e < j && data[e] == '=' {
			e++
		}
		out = append(out, piece{s, e1, e})
		for e < j && decodeClass[data[e]]&clB64 == 0 {
			e++
		}
		if e == s {
			e++
		}
		s = e
	}
	return out
}

// splitMasked is decodeRun's split off splitRun's masks.
func splitMasked(sp *splitRun, data []byte, i, j int) []piece {
	var out []piece
	n := sp.masks(data, i, j)
	for s := 0; s < n; {
		e1 := firstClear(sp.a[:], s, n)
		e := e1
		for e < n && data[i+e] == '=' {
			e++
		}
		out = append(out, piece{i + s, i + e1, i + e})
		s = nextPiece(sp.a[:], data[i:j], e)
	}
	return out
}

// TestSplit: the masked split agrees with the reference on runs that end
// with the data and runs that do not, across block bounds.
func TestSplit(t *testing.T) {
	sp := new(splitRun)
	for _, tc := range []struct {
		name, data string
		i, j       int
	}{
		{"assignments", "key=value==&x=" + strings.Repeat("Ab9+", 20) + "==%2F", 0, 0},
		{"one block", strings.Repeat("a", 64), 0, 0},
		{"padding over the bound", strings.Repeat("a", 62) + "====" + strings.Repeat(".b", 40), 0, 0},
		{"inside", strings.Repeat("x.y=", 50), 3, 150},
		{"separators at the end, base64 past it", strings.Repeat("a", 30) + "..%%" + strings.Repeat("b", 40), 0, 32},
		{"cut inside a piece", strings.Repeat("a", 100), 0, 50},
		{"only separators", strings.Repeat("%.:", 30), 0, 0},
		{"longest", strings.Repeat("ab=c~", maxEncodedRun/5), 0, 0},
	} {
		data := []byte(tc.data)
		j := tc.j
		if j == 0 {
			j = len(data)
		}
		got, want := splitMasked(sp, data, tc.i, j), splitRef(data, tc.i, j)
		if !slices.Equal(got, want) {
			t.Errorf("%s: pieces %v, want %v", tc.name, got, want)
		}
	}
}

// FuzzSplit checks the masked split against splitRef on any run of any
// data: bits past the run must not leak into it, wherever it ends.
//
//	go test ./rules -run '^$' -fuzz '^FuzzSplit$' -fuzztime 2m -parallel 1
func FuzzSplit(f *testing.F) {
	f.Add([]byte("key=value==&x="+strings.Repeat("Ab9+", 30)+"==%2F"), uint16(2), uint16(100))
	f.Add([]byte(strings.Repeat("a", 130)+"=="), uint16(0), uint16(132))
	sp := new(splitRun)
	f.Fuzz(func(t *testing.T, data []byte, i, n uint16) {
		if len(data) == 0 {
			return
		}
		s := int(i) % len(data)
		j := s + int(n)%(min(len(data)-s, maxEncodedRun)+1)
		if got, want := splitMasked(sp, data, s, j), splitRef(data, s, j); !slices.Equal(got, want) {
			t.Fatalf("data[%d:%d] of %q: pieces %v, want %v", s, j, data, got, want)
		}
	})
}

// FuzzLetterDigitClasses checks letterDigitClasses against the class
// table on any piece of base64 without '='.
//
//	go test ./rules -run '^$' -fuzz '^FuzzLetterDigitClasses$' -fuzztime 2m -parallel 1
func FuzzLetterDigitClasses(f *testing.F) {
	f.Add([]byte("abcXYZ_019+-/"))
	f.Add([]byte("________O_o_9"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for k, c := range b {
			if decodeClass[c]&(clB64|clPad) != clB64 {
				b[k] = "ABab09+/-_Oo"[int(c)%12]
			}
		}
		var want decodeClasses
		for _, c := range b {
			want |= decodeClass[c] & (clUpper | clLower | clDigit)
		}
		if got := letterDigitClasses(b); got != want {
			t.Fatalf("%q: classes %b, want %b", b, got, want)
		}
	})
}

// base64BinaryRef is base64Binary as it was, the prefix decoded by
// encoding/base64 in each alphabet.
func base64BinaryRef(b []byte) bool {
	b = bytes.TrimRight(b, "=")
	if len(b) < 16 {
		return false
	}
	var buf [12]byte
	if _, err := base64.RawStdEncoding.Decode(buf[:], b[:16]); err != nil {
		if _, err := base64.RawURLEncoding.Decode(buf[:], b[:16]); err != nil {
			return true
		}
	}
	v := buf[:]
	for len(v) > 0 {
		if v[0] < utf8.RuneSelf {
			v = v[1:]
			continue
		}
		r, size := utf8.DecodeRune(v)
		if r == utf8.RuneError && size == 1 {
			return utf8.FullRune(v)
		}
		v = v[size:]
	}
	return false
}

// FuzzBase64Binary checks that base64Binary refuses only pieces whose
// whole decoding fails or is not text, and that it agrees with
// base64BinaryRef (encoding/base64's decoding of the prefix).
//
//	go test ./rules -run '^$' -fuzz '^FuzzBase64Binary$' -fuzztime 2m -parallel 1
func FuzzBase64Binary(f *testing.F) {
	f.Add([]byte("TestLookupGmailMXRecord2"), false)
	f.Add([]byte("Z2l0aHViX3Rva2VuOiBnaHBfMDEy=="), false)
	f.Add([]byte("gaHViX3Rva2VuOiBnaHBfMDEyMzQ1"), true)
	f.Add([]byte("Z2l0aHViX3Rv============"), false)
	f.Add([]byte("QUJD+/-_QUJDREVGR0hJ"), false)
	f.Add([]byte("QUJD=EVGR0hJSktMTU5P"), false)
	f.Add([]byte("c2stbGl2ZS1hYmNkZWZn_-"), false)
	f.Fuzz(func(t *testing.T, b []byte, encode bool) {
		if encode {
			b = []byte(base64.RawStdEncoding.EncodeToString(b))
		}
		for k, c := range b {
			if decodeClass[c]&clB64 == 0 {
				b[k] = "ABab09+/-_="[int(c)%11]
			}
		}
		got := base64Binary(b)
		if want := base64BinaryRef(b); got != want {
			t.Fatalf("%q: %v, encoding/base64's prefix %v", b, got, want)
		}
		if !got {
			return
		}
		if dec, ok := base64Decode(nil, b); ok && len(dec) > 0 && isText(dec) {
			t.Fatalf("%q: refused, but decodes to text %q", b, dec)
		}
	})
}

// FuzzHexBinary checks that hexBinary refuses only pieces of hex digits
// whose whole decoding is not text.
//
//	go test ./rules -run '^$' -fuzz '^FuzzHexBinary$' -fuzztime 2m -parallel 1
func FuzzHexBinary(f *testing.F) {
	f.Add([]byte("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), false)
	f.Add([]byte("c3a9"), true)
	f.Add([]byte("68656c6c6f20776f726c6420c3a9c3a9"), false)
	f.Fuzz(func(t *testing.T, b []byte, encode bool) {
		if encode {
			b = []byte(hex.EncodeToString(b))
		}
		for k, c := range b {
			if decodeClass[c]&clHex == 0 {
				b[k] = "0123456789abcdefABCDEF"[int(c)%22]
			}
		}
		if len(b)%2 == 1 {
			b = b[1:]
		}
		if !hexBinary(b) {
			return
		}
		if dec, err := hex.DecodeString(string(b)); err == nil && len(dec) > 0 && isText(dec) {
			t.Fatalf("%q: refused, but decodes to text %q", b, dec)
		}
	})
}
