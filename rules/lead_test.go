package rules

import (
	"reflect"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFirstBytes(t *testing.T) {
	tests := []struct {
		pat  string
		want string // the set's bytes in order; "" for no set
	}{
		{`AKIA[0-9A-Z]{16}`, "A"},
		{`(?i)ghp_`, "Gg"},
		{`\b(?:sk|pk)_live_`, "ps"},
		{`(?i)k`, "Kk\xe2"}, // K (U+212A) folds to k
		{`(?i)s`, "Ss\xc5"}, // ſ (U+017F) folds to s
		{`\d{3}-\d{2}`, "0123456789"},
		{`x?y`, "xy"},
		{`x*`, ""},        // may be empty
		{`.abc`, ""},      // any character
		{`[^a]b`, ""},     // almost any byte
		{`\x{FFFD}x`, ""}, // U+FFFD matches invalid bytes
		{`é`, "\xc3"},     // a UTF-8 lead byte
		{`[a-c]|(?:)d`, "abcd"},
		{`(?m)^$`, ""},
	}
	for _, tt := range tests {
		set := firstBytes(tt.pat)
		var got []byte
		if set != nil {
			for c, in := range set {
				if in {
					got = append(got, byte(c))
				}
			}
		}
		if string(got) != tt.want {
			t.Errorf("firstBytes(%q) = %q, want %q", tt.pat, got, tt.want)
		}
	}
}

func TestMaxMatchLen(t *testing.T) {
	tests := []struct {
		pat  string
		want int
	}{
		{`abc`, 3},
		{`\bAKIA[0-9A-Z]{16}\b`, 20},
		{`(?i)k`, 3}, // K is three bytes
		{`a|bcd`, 3},
		{`x{2,5}y?`, 6},
		{`.`, 4},
		{`a+`, -1},
		{`a{3,}`, -1},
		{`[a-zé]`, 2},
	}
	for _, tt := range tests {
		re, err := syntax.Parse(tt.pat, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		if got := maxMatchLen(re); got != tt.want {
			t.Errorf("maxMatchLen(%q) = %d, want %d", tt.pat, got, tt.want)
		}
	}
}

// leadMatches runs pat over data[w] the lead-byte way, as runLead does;
// ok is false when pat has no lead bytes.
func leadMatches(pat string, data []byte, w span) (locs [][]int, ok bool) {
	cr := &compiledRule{}
	if cr.lead.get(pat) == nil {
		return nil, false
	}
	sc := &scanState{}
	locs, ok = cr.runLead(nil, data, w, sc)
	return locs, ok
}

// FuzzLeadBytes checks the lead-byte path (candidate bytes, literal
// prefixes, \b word starts, anchored forms fed at most maxLen bytes)
// against FindAllSubmatchIndex over the window, for any pattern and text.
//
//	go test ./rules -run '^$' -fuzz '^FuzzLeadBytes$' -fuzztime 2m -parallel 1
func FuzzLeadBytes(f *testing.F) {
	f.Add(`\b(\d{4}-\d{2}-\d{2})\b`, []byte("born 1962-09-14, x12024-01-01 and 2024-01-01"), 0, 0) // pretense:allow: synthetic date in a fuzz seed
	f.Add(`(?i)(?:password|pwd)\s*=\s*(\S{4,})`, []byte("PWD = hunter22 password=abc \xc5\xbfecret"), 1, 3)
	f.Add(`(?i)sk_(live)_[a-z]{4}`, []byte("SK_LIVE_abcd \xe2\x84\xaa sk_live_wxyz"), 2, 1)
	f.Add(`AKIA[0-9A-Z]{4}\b|ghp_\w+`, []byte("AKIAABCD AKIAABCDE ghp_x"), 0, 5)
	// Unbounded: an attempt reads up to the first stop byte (stopBytes).
	f.Add(`\b([A-Z][A-Za-z'-]*\.?(?: [A-Z][A-Za-z'-]*){0,3})`, []byte("getPatientRecord(input: Input0): Output { Jane O'Neil-Roe. Dr. X\xc3\x89mile Kate\xe2\x84\xaa }"), 0, 3)
	f.Add(`(?i)k[a-z]+\b`, []byte("Kelvin \xe2\x84\xaaelvin kk1 k\xc5\xbf"), 1, 0)
	f.Fuzz(func(t *testing.T, pat string, data []byte, lo, hi int) {
		re, err := regexp.Compile(pat)
		if err != nil {
			return
		}
		w := fuzzWindow(data, lo, hi)
		got, ok := leadMatches(pat, data, w)
		if !ok {
			return
		}
		want := re.FindAllSubmatchIndex(data[w.start:w.end], -1)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("pattern %q on %q [%d:%d]: lead path %v, regexp %v", pat, data, w.start, w.end, got, want)
		}
	})
}

func TestStopBytes(t *testing.T) {
	for _, tt := range []struct {
		pat        string
		stop, pass string // bytes that must be stop bytes, and must not
	}{
		{`\b([A-Z][A-Za-z'-]*\.?(?: [A-Z][A-Za-z'-]*){0,3})`, "0(:\n\x80\xff_", "AZaz'-. "},
		{`(?i)k[a-z]+`, "0_", "kKaz\x80\xe2"}, // K folds to the Kelvin sign
		{`[^\n]+x`, "\n", "ab\x80"},
		{`abc\d+`, "xyz\x80", "abc0189"},
	} {
		re, err := syntax.Parse(tt.pat, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		stop := stopBytes(re)
		if stop == nil {
			t.Fatalf("%q: no stop bytes", tt.pat)
		}
		for _, b := range []byte(tt.stop) {
			if !stop[b] {
				t.Errorf("%q: %q is no stop byte", tt.pat, b)
			}
		}
		for _, b := range []byte(tt.pass) {
			if stop[b] {
				t.Errorf("%q: %q is a stop byte", tt.pat, b)
			}
		}
	}
	for _, pat := range []string{`(?s).+`, `(?s).`, `[\x00-\x{10FFFF}]+`} {
		re, _ := syntax.Parse(pat, syntax.Perl)
		if stopBytes(re) != nil {
			t.Errorf("%q: stop bytes", pat)
		}
	}
}

// hasPrefixRef is hasPrefix without the second-byte test: the loop over
// the prefixes alone.
func hasPrefixRef(data []byte, p, end int, ps []string) bool {
	c := data[p]
	if c >= utf8.RuneSelf {
		return true
	}
next:
	for _, pre := range ps {
		if foldASCII(pre[0]) != foldASCII(c) || p+len(pre) > end {
			continue
		}
		for i := 1; i < len(pre); i++ {
			d := data[p+i]
			if d >= utf8.RuneSelf {
				return true
			}
			if foldASCII(d) != foldASCII(pre[i]) {
				continue next
			}
		}
		return true
	}
	return false
}

// FuzzHasPrefix checks hasPrefix (second-byte bits, then the loop)
// against the loop alone, for any ASCII prefixes (separated by '|'), at
// every offset of data and any window end.
//
//	go test ./rules -run '^$' -fuzz '^FuzzHasPrefix$' -fuzztime 2m -parallel 1
func FuzzHasPrefix(f *testing.F) {
	f.Add("password|pwd|secret|token|api|a", []byte("Passwd pw\xc5\xbfd SECRET toke api_key tO"), 3)
	f.Add("sk_live_|pk_", []byte("sk_test sk_live_x PK_\xe2\x84\xaa"), 0)
	f.Fuzz(func(t *testing.T, list string, data []byte, cut int) {
		ps := strings.Split(list, "|")
		idx := newPrefixSet(ps)
		if idx == nil {
			return
		}
		end := len(data)
		if cut > 0 && cut < end {
			end -= cut
		}
		for p := 0; p < end; p++ {
			if got, want := hasPrefix(data, p, end, idx), hasPrefixRef(data, p, end, ps); got != want {
				t.Fatalf("prefixes %q, data %q [%d:%d]: %v, want %v", ps, data, p, end, got, want)
			}
		}
	})
}

// candidatesRef is leadBytes.candidates as the byte-by-byte loop it was
// before byteRanges.
func candidatesRef(l *leadBytes, data []byte, w span, buf []int) ([]int, bool) {
	limit := (w.end-w.start)/leadDensity + 1
	win := data[w.start:w.end]
	for i, c := range win {
		if !l.set[c] {
			continue
		}
		if l.wordStart && i > 0 && syntax.IsWordChar(rune(win[i-1])) {
			continue
		}
		if l.prefixes == nil || hasPrefix(data, w.start+i, w.end, l.prefixes) {
			if len(buf) >= limit {
				return buf, false
			}
			buf = append(buf, w.start+i)
		}
	}
	return buf, true
}

// FuzzLeadCandidates checks candidates (AVX2 masks with a second-byte
// filter, or eight bytes at a time for a set of ASCII ranges) against the
// byte loop, for any pattern, text and window.
//
//	go test ./rules -run '^$' -fuzz '^FuzzLeadCandidates$' -fuzztime 2m -parallel 1
func FuzzLeadCandidates(f *testing.F) {
	f.Add(`\b([A-Z][A-Za-z'-]*\.?(?: [A-Z][A-Za-z'-]*){0,3})`, []byte("getPatientRecord(input: Input0): Output { Jane O'Neil-Roe. Dr. X\xc3\x89mile Kate\xe2\x84\xaa }"), 0, 3)
	f.Add(`\b(\d{5})\b|[a-c_]x|~`, []byte("zip 90210, a_x ~ 12345678901234567890 \xff9"), 2, 0)
	f.Add(`[\x00-\x7f]y`, []byte("\x00\x7f\x80y abc"), 0, 0)
	f.Add(`(?i)sk_(live)_[a-z]{4}`, []byte("SK_LIVE_abcd \xe2\x84\xaa sk_live_wxyz"), 1, 1)
	// More than leadBlocks blocks, prefixes across block edges.
	f.Add(`(?i)\b(?:sk|pk|rk)_(?:live|test)_[a-z0-9]{8}`, []byte(strings.Repeat("task sk_live_abcd1234 ask pk\nrisk rk_", 90)), 0, 0)
	f.Add(`\b(?:ghp|gho)_[A-Za-z0-9]{36}`, []byte(strings.Repeat("go ghp_x gh ", 400)), 3, 5)
	f.Fuzz(func(t *testing.T, pat string, data []byte, lo, hi int) {
		l := new(leadBytes)
		if l.get(pat) == nil {
			return
		}
		w := fuzzWindow(data, lo, hi)
		want, wantOK := candidatesRef(l, data, w, nil)
		check := func(how string, ascii bool) {
			got, gotOK := l.candidates(data, w, nil, ascii)
			if gotOK != wantOK || !slices.Equal(got, want) {
				t.Fatalf("pattern %q (ranges %d, %s, ascii %v) on %q [%d:%d]: %v %v, byte loop %v %v", pat, l.ranges.n, how, ascii, data, w.start, w.end, got, gotOK, want, wantOK)
			}
		}
		// The AVX2 masks where the processor has them, with the
		// second-byte filter when the window is ASCII; then the word
		// loop (byteRanges) and the byte loop they replace there.
		check("masks", false)
		if allASCII(data[w.start:w.end]) {
			check("masks", true)
		}
		first, follow := l.first, l.follow
		l.first, l.follow = nil, nil
		check("no masks", false)
		l.first, l.follow = first, follow
	})
}

func TestRangesOf(t *testing.T) {
	for _, tt := range []struct {
		pat  string
		want int
	}{
		{`[A-Z]`, 1},
		{`\d|[a-f]|_`, 3},
		{`\d|[a-f]|_|~`, 0},
		{`é`, 0},
		{`[0-9A-Z_a-c]`, 0},
		{`[!-#]x`, 1},
	} {
		l := new(leadBytes)
		if l.get(tt.pat) == nil {
			t.Fatalf("%q: no lead bytes", tt.pat)
		}
		if l.ranges.n != tt.want {
			t.Errorf("%q: %d ranges, want %d", tt.pat, l.ranges.n, tt.want)
		}
	}
}

// fuzzWindow is the window of data the fuzz targets scan: lo bytes in
// from the start and hi from the end, each ignored when out of range.
func fuzzWindow(data []byte, lo, hi int) span {
	if lo < 0 || lo > len(data) {
		lo = 0
	}
	if hi < 0 || hi > len(data)-lo {
		hi = 0
	}
	return span{lo, len(data) - hi}
}

// TestLeadCandidatesBuiltin holds the masked candidates of every built-in
// rule with lead bytes to the byte loop, over source-like text with the
// rules' own prefixes in it, at every window start and end within a few
// blocks (the fuzz target draws its patterns at random; these are the
// ones scans run).
func TestLeadCandidatesBuiltin(t *testing.T) {
	rs, err := Compile(Builtin(), Options{PHIMode: ModeStrict})
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	text.WriteString("package main\n\tsecretKey := tokenizer.Pass(\"pk_live_abc\") // sk-test SK api_key\n")
	for _, cr := range rs.rules {
		l := new(leadBytes)
		if l.get(cr.rx.pat) == nil || l.prefixes == nil {
			continue
		}
		for _, ps := range l.prefixes.byFirst {
			for _, p := range ps {
				text.WriteString(p + "x " + strings.ToUpper(p) + "\t" + p[:len(p)/2] + "=")
			}
		}
	}
	data := []byte(text.String())
	data = data[:min(len(data), 6000)]
	step := 97
	if raceEnabled {
		step = 997
	}
	n := 0
	for _, cr := range rs.rules {
		l := new(leadBytes)
		if l.get(cr.rx.pat) == nil {
			continue
		}
		n++
		for lo := 0; lo < len(data); lo += step {
			for _, hi := range []int{lo + 1, lo + 63, lo + 64, lo + 65, lo + 200, lo + 1100, len(data)} {
				w := span{lo, min(hi, len(data))}
				want, wantOK := candidatesRef(l, data, w, nil)
				for _, ascii := range []bool{false, allASCII(data[w.start:w.end])} {
					got, gotOK := l.candidates(data, w, nil, ascii)
					if gotOK != wantOK || !slices.Equal(got, want) {
						t.Fatalf("%s [%d:%d] ascii %v: %v %v, byte loop %v %v", cr.def.ID, w.start, w.end, ascii, got, gotOK, want, wantOK)
					}
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no built-in rule has lead bytes")
	}
	t.Logf("%d rules with lead bytes, %d bytes of text", n, len(data))
}
