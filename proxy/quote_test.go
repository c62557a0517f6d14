package proxy

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/pretense/pretense/internal/testtool"
	"github.com/pretense/pretense/mutate"
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

// FuzzSpliced: a mutated text made from the JSON string it was decoded
// from (rawSplices applied to it, the client's escapes kept) decodes to the
// mutated text itself and is valid JSON, and is written the same by the
// body reader, its length and applyEdits.
// For the replacements a Session makes (whole words) it always applies;
// for arbitrary ones it applies or declines, never gets it wrong.
func FuzzSpliced(f *testing.F) {
	for _, s := range []string{
		`const patientRecord = getMrn(dob); // \"quoted\" \u003ctag\u003e\n`,
		`plain prose about the dateOfBirth\n\t\ud83d\ude00 and mrn\/id`,
		`\u0000\\\/ lookupPatientRecord \ud800 insuranceMemberId\u00e9x`,
		"caf\u00e9 patientName \xff\xfe raw bytes \u2028 mrn",
	} {
		f.Add([]byte(s), []byte{3, 9, 20, 31})
	}
	m, err := mutate.New(testKey, mutate.PolicyAll)
	if err != nil {
		f.Fatal(err)
	}
	check := func(t *testing.T, raw []byte, esc escTable, mt mtext, mustApply bool) {
		t.Helper()
		sp, ok := rawSplices(raw, nil, mt)
		// Placed by the escape table as by walking the escapes.
		if esc != nil {
			if sp2, ok2 := rawSplices(raw, esc, mt); ok2 != ok || (sp2 == nil) != (sp == nil) || sp != nil && (!slices.Equal(sp2.sp, sp.sp) || sp2.syns != sp.syns) {
				t.Fatalf("escape table: %v %+v, walk: %v %+v (%q, %+v)", ok2, sp2, ok, sp, raw, mt.reps)
			}
		}
		if !ok {
			if mustApply {
				t.Fatalf("declined whole-word replacements %+v of %q", mt.reps, raw)
			}
			if sp != nil {
				t.Fatalf("declined but returned %+v", sp)
			}
			return
		}
		// Each splice's synthetic as a rawSplice held it before spliceSet
		// (its own string, quoted only when it had to be).
		if len(sp.sp) != len(mt.reps) {
			t.Fatalf("%d splices for %d replacements", len(sp.sp), len(mt.reps))
		}
		for k, r := range mt.reps {
			if got, want := sp.syn(k), refQuoteSyn(r.Synthetic); got != want {
				t.Fatalf("splice %d writes %q, want %q", k, got, want)
			}
		}
		out := applySplices([]byte("x"), raw, sp)
		if len(sp.sp) > 0 {
			// As the body is sent: the string between two other fields.
			src := append(append([]byte(`{"a":1,"t":`), raw...), `,"b":"\u0041"}`...)
			start := len(`{"a":1,"t":`)
			e := edit{start: start, end: start + len(raw), splices: sp}
			want := append(append([]byte(`{"a":1,"t":`), out[1:]...), `,"b":"\u0041"}`...)
			if got := sentBody(t, newReqBody(src, []edit{e})); !bytes.Equal(got, want) {
				t.Fatalf("sent body %q, want %q", got, want)
			}
			m2 := mtext{splices: sp, raw: raw}
			if m2.quotedLen() != len(out)-1 || string(appendMQuote(nil, m2)) != string(out[1:]) {
				t.Fatalf("quotedLen %d / appendMQuote %q, want %d / %q", m2.quotedLen(), appendMQuote(nil, m2), len(out)-1, out[1:])
			}
		}
		got, err := unquote(out[1:])
		if want := mutate.Apply(mt.base, mt.reps); out[0] != 'x' || err != nil || got != want {
			t.Fatalf("spliced %q decodes to %q (%v), want %q", out, got, err, want)
		}
		if !json.Valid(out[1:]) {
			t.Fatalf("spliced %q is not valid JSON", out[1:])
		}
	}
	f.Fuzz(func(t *testing.T, inside, cuts []byte) {
		raw := append(append([]byte{'"'}, inside...), '"')
		d, err := parseJSONLimit(bytes.Clone(raw), 0)
		if err != nil || d.nodes[0].kind != jStr {
			return
		}
		base := d.str(0)
		// The escape table, recorded as the string is decoded into a
		// buffer sized by the parser's count of its escapes, as jdoc.str
		// does for a large string.
		var esc escTable
		if n := d.nodes[0].nesc; n > 0 {
			body := raw[1 : len(raw)-1]
			s, e, err := unquoteEsc(make([]byte, 0, len(body)), body, make([]byte, 0, escEntry*int(n)))
			if err != nil || s != base || len(e) != escEntry*int(n) {
				t.Fatalf("unquoteEsc %q: %q, %d escapes (%v), want %q, %d", raw, s, len(e)/escEntry, err, base, n)
			}
			esc = e
		}
		for _, lang := range []mutate.Lang{mutate.LangText, mutate.LangTS} {
			reps := m.NewSession().Replacements(base, lang, nil)
			check(t, raw, esc, mtext{base: base, reps: reps}, true)
		}
		// Arbitrary cuts, sorted and apart.
		var reps []mutate.Replacement
		last := 0
		for i := 0; i+1 < len(cuts) && len(base) > 0; i += 2 {
			a := last + int(cuts[i])%(len(base)+1-last)
			b := a + int(cuts[i+1])%(len(base)+1-a)
			reps = append(reps, mutate.Replacement{Start: a, End: b, Synthetic: "_vabc" + strconv.Itoa(i)})
			last = b
			if last >= len(base) {
				break
			}
		}
		check(t, raw, esc, mtext{base: base, reps: reps}, false)
	})
}

// refQuoteSyn is how a splice's synthetic was written before spliceSet.
func refQuoteSyn(s string) string {
	if quotedBodyLen(s) == len(s) {
		return s
	}
	return string(appendQuoteBody(nil, s))
}

// refDecodeU is decodeU as it was, on strconv.ParseUint.
func refDecodeU(s []byte) (rune, int, bool) {
	if len(s) < 6 {
		return 0, 0, false
	}
	v, err := strconv.ParseUint(string(s[2:6]), 16, 16)
	if err != nil {
		return 0, 0, false
	}
	r := rune(v)
	if utf16.IsSurrogate(r) {
		if len(s) >= 12 && s[6] == '\\' && s[7] == 'u' {
			if v2, err := strconv.ParseUint(string(s[8:12]), 16, 16); err == nil {
				if d := utf16.DecodeRune(r, rune(v2)); d != utf8.RuneError {
					return d, 12, true
				}
			}
		}
		return utf8.RuneError, 6, true
	}
	return r, 6, true
}

// FuzzDecodeU: decodeU (hand-read hex digits) decodes every \uXXXX
// escape, surrogate pairs included, as the strconv-based one did.
func FuzzDecodeU(f *testing.F) {
	for _, s := range []string{`\u003c`, `\u00E9x`, `\ud83d\ude00`, `\ud83d\u0041`, `\udc00`, `\u12g4`, `\u+123`, `\u0x12`, `\u12`, `\uD83D\uDE00tail`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, s []byte) {
		r, n, err := decodeU(s)
		wr, wn, ok := refDecodeU(s)
		if (err == nil) != ok || r != wr || n != wn {
			t.Fatalf("decodeU(%q) = %U, %d, %v; want %U, %d, ok %v", s, r, n, err, wr, wn, ok)
		}
	})
}

// BenchmarkRawSplices: placing the replacements of the benchmark's
// never-seen 64 KB text (200, among 2,150 escapes) in its JSON string as
// sent, by walking the escapes (rawCursor) and by the escape table
// recorded as the text was decoded (escCursor), in process CPU per text.
//
//	go test ./proxy -run '^$' -bench RawSplices -benchtime 20000x
func BenchmarkRawSplices(b *testing.B) {
	d, err := parseJSON(benchBody())
	if err != nil {
		b.Fatal(err)
	}
	d.lease = &lease{}
	defer d.lease.release()
	node := -1
	for i := range d.nodes {
		if d.nodes[i].kind == jStr && d.nodes[i].end-d.nodes[i].start >= bigString {
			node = i
		}
	}
	text := d.str(node)
	esc := d.escapes(node)
	m, err := mutate.New(testKey, mutate.PolicyPHI)
	if err != nil {
		b.Fatal(err)
	}
	mt := mtext{base: text, reps: m.NewSession().Replacements(text, mutate.LangText, nil)}
	if esc == nil || len(mt.reps) < 200 {
		b.Fatalf("table %d bytes, %d replacements", len(esc), len(mt.reps))
	}
	for _, v := range []struct {
		name string
		esc  escTable
	}{{"walk", nil}, {"table", esc}} {
		b.Run(v.name, func(b *testing.B) {
			cpu0 := testtool.ProcessCPU()
			for b.Loop() {
				if _, ok := rawSplices(d.raw(node), v.esc, mt); !ok {
					b.Fatal("declined")
				}
			}
			b.ReportMetric(float64(testtool.ProcessCPU()-cpu0)/1e3/float64(b.N), "cpu-us/op")
		})
	}
}

// FuzzUnquotePlain: unquoteBodyTo and unquoteEsc decode as a byte-by-byte
// loop does, whatever the runs between escapes (copied 32 bytes a loop
// with AVX2 where out has room, by IndexByte where not).
func FuzzUnquotePlain(f *testing.F) {
	f.Add([]byte(strings.Repeat("const total = items.reduce((acc, item) =\\u003e acc, 0);\\n", 3)), uint8(0))
	f.Add([]byte(strings.Repeat("x", 31)+"\\\\"+strings.Repeat("y", 33)+"\\\""+strings.Repeat("z", 64)), uint8(1))
	f.Fuzz(func(t *testing.T, s []byte, slack uint8) {
		var want []byte
		for i := 0; i < len(s); {
			if s[i] != '\\' {
				want = append(want, s[i])
				i++
				continue
			}
			if i+1 >= len(s) {
				return // trailing backslash: an error either way
			}
			if c, ok := simpleEscape(s[i+1]); ok {
				want = append(want, c)
				i += 2
				continue
			}
			if s[i+1] != 'u' {
				return
			}
			r, n, err := decodeU(s[i:])
			if err != nil {
				return
			}
			want = utf8.AppendRune(want, r)
			i += n
		}
		// Room for the decoded text, and as the callers size it (len(s)),
		// less (where the copy falls back), or more.
		room := max(len(want), len(s)+int(slack%3)*16-16)
		got, err := unquoteBodyTo(make([]byte, 0, room), s)
		if err != nil || got != string(want) {
			t.Fatalf("unquoteBodyTo(%q) = %q, %v; want %q", s, got, err, want)
		}
		got, _, err = unquoteEsc(make([]byte, 0, room), s, make([]byte, 0, escEntry*len(s)))
		if err != nil || got != string(want) {
			t.Fatalf("unquoteEsc(%q) = %q, %v; want %q", s, got, err, want)
		}
	})
}
