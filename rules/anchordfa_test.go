package rules

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestRefuseDFA(t *testing.T) {
	const generic = `(?i)(?:password|token)[A-Za-z0-9_.-]{0,20}(?:[ \t]{0,3}(?::=|=|:)[ \t]{0,3}["']?)([A-Za-z0-9+/=_.~-]{12,})(?:[^A-Za-z0-9+/=_.~-]|$)`
	tests := []struct {
		pat    string
		data   string
		refuse bool
	}{
		{generic, "token.Pos) {", true},                 // no assignment after the name
		{generic, "TOKEN.Pos = x;", true},               // an assignment, no value of 12
		{generic, "password = 'abcdefghijklmn'", false}, // a match
		{generic, "token.Pos = abcdefghijk", false},     // the input ends in the value: maybe
		{generic, "token.Pos = abcdéfghijklm", false},   // non-ASCII: maybe
		{generic, "tokex", true},
		// Assertions are taken to hold: the DFA cannot tell \b.
		{`\bfoo\b`, "foobar", false},
		{`foo\b!`, "foo!", false},
		{`foo$`, "foox", false}, // a match ends before x when $ holds
		{`(?m)^key\s*=\s*\d+`, "key = x", true},
		{`(?m)^key\s*=\s*\d+`, "key = 7", false},
		// Folding: a folded literal takes both cases, and K (U+212A)
		// folds to k.
		{`(?i)kx`, "KX", false},
		{`\x{212A}x`, "kx", true},
		{`(?i)\x{212A}x`, "kX", false},
		{`(?s)a.b`, "a\nb", false},
		{`a.b`, "a\nb", true},
		{`[^a]b`, "ab", true},
		{`x*`, "y", false}, // the empty match
	}
	for _, tt := range tests {
		d := newRefuseDFA(tt.pat)
		if d == nil {
			if tt.refuse {
				t.Errorf("%q: no DFA", tt.pat)
			}
			continue
		}
		if got := d.refuses([]byte(tt.data), 0, len(tt.data)); got != tt.refuse {
			t.Errorf("%q on %q: refuses = %v, want %v", tt.pat, tt.data, got, tt.refuse)
		}
		if tt.refuse && regexp.MustCompile(`\A(?:`+tt.pat+`)`).MatchString(tt.data) {
			t.Errorf("%q on %q: the test refuses a match", tt.pat, tt.data)
		}
	}
}

// TestRefuserAfter checks that an anchor's attempts are refused by its
// DFA only after refuseAfter of them, and that the DFA then refuses.
func TestRefuserAfter(t *testing.T) {
	const pat = `(?i)token\s*=\s*(\w{8,})`
	data := []byte("token.Pos")
	var r refuser
	for i := range refuseAfter + 3 {
		got := r.mayMatch(pat, data, 0, len(data))
		if want := i < refuseAfter; got != want {
			t.Fatalf("attempt %d: mayMatch = %v, want %v", i, got, want)
		}
	}
	ok := []byte("token = abcdefgh;")
	if !r.mayMatch(pat, ok, 0, len(ok)) {
		t.Fatalf("mayMatch refuses %q", ok)
	}
}

// FuzzRefuseDFA checks that the DFA of an anchored built-in rule refuses
// no attempt where the anchored regex matches: at every offset of the
// input, with the input's end as the attempt's end and with a cut.
//
//	go test ./rules -run '^$' -fuzz '^FuzzRefuseDFA$' -fuzztime 2m
func FuzzRefuseDFA(f *testing.F) {
	type form struct {
		dfa *refuseDFA
		re  *regexp.Regexp
	}
	rs, err := Compile(Builtin(), Options{PHIMode: ModeStrict})
	if err != nil {
		f.Fatal(err)
	}
	// Every built-in pattern: anchored rules and rules with lead bytes
	// both try their anchored forms (anchoredMatches).
	var pats []string
	for _, cr := range rs.rules {
		pats = append(pats, cr.rx.pat)
	}
	slices.Sort(pats)
	var forms []form
	for _, pat := range slices.Compact(pats) {
		if d := newRefuseDFA(pat); d != nil {
			forms = append(forms, form{d, regexp.MustCompile(`\A(?:` + pat + `)`)})
		}
	}
	if len(forms) < 100 {
		f.Fatalf("only %d DFAs", len(forms))
	}
	f.Add([]byte("password = 'abcdefghijklmn' token.Pos"), uint16(0), uint16(3))
	f.Add([]byte("ghp_0123456789abcdefghijABCDEFGHIJ012345 xoxb-1234"), uint16(1), uint16(9))
	f.Add([]byte(strings.Repeat("key: value\nname: secret_token\nvalue: 0123456789abcdef\n", 2)), uint16(2), uint16(20))
	f.Fuzz(func(t *testing.T, data []byte, pick, cut uint16) {
		fm := forms[int(pick)%len(forms)]
		for p := range data {
			for _, end := range []int{len(data), min(len(data), p+int(cut)%64)} {
				if fm.dfa.refuses(data, p, end) && fm.re.Match(data[p:end]) {
					t.Fatalf("%s: refuses a match at %d in %q", fm.re, p, data[:end])
				}
			}
		}
	})
}
