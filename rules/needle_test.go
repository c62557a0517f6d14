package rules

import (
	"bytes"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestPatternNeedles(t *testing.T) {
	tests := []struct {
		pat  string
		want []string // nil: no needles
	}{
		{`EAAA[A-Za-z0-9]{60}`, []string{"EAAA"}},
		{`(?i:square)[\s\S]{0,40}?(?:[^\w-])(EAAA[A-Za-z0-9_+=-]{60})`, []string{"EAAA"}},
		{`(?i:lob)=((?:live|test)_[a-f0-9]{35})`, []string{"live_", "test_"}},
		{`([A-Za-z0-9+/]{42}\+ACR[A-Za-z0-9]{6})`, []string{"+ACR"}},
		{`(SK[0-9a-f]{32})\b`, []string{"SK"}},
		{`SG\.[\w-]{22}\.[\w-]{43}`, []string{"SG."}},
		// A case-folded literal is no needle; its digits and marks are.
		{`(?i)token[=:]\d+`, nil},
		{`(?i)ab12cd`, []string{"12"}},
		{`(?i)x-9-y`, []string{"-9-"}},
		// Every alternative must bring one.
		{`(?:ghp_|gho_)[A-Za-z0-9]{36}`, []string{"ghp_", "gho_"}},
		{`(?:ghp_|[a-z]+)x`, nil},
		// Optional parts are not required; a short class is a set.
		{`(?:abc)?[0-9]+`, nil},
		{`a[xy]bc`, []string{"axbc", "aybc"}},
		{`(?:pk|sk)_(?:live|test)_[0-9a-zA-Z]{24}`, []string{"pk_live_", "pk_test_", "sk_live_", "sk_test_"}},
		// Nine combinations are too many: the longest set within the bound.
		{`(?:pk|sk|rk)_(?:live|test|prod)_\w+`, []string{"live_", "test_", "prod_"}},
		{`[a-z]{3}x+yz`, []string{"yz"}},
		// One byte is not worth a search.
		{`[0-9]+:[0-9]+`, nil},
		{`\x{FFFD}abc`, []string{"abc"}},
		{`(`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.pat, func(t *testing.T) {
			var got []string
			for _, n := range patternNeedles(tt.pat) {
				got = append(got, string(n))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("patternNeedles(%q) = %q, want %q", tt.pat, got, tt.want)
			}
		})
	}
}

// checkNeedles fails when a match of re in data holds none of ns.
func checkNeedles(t *testing.T, re *regexp.Regexp, ns needles, data []byte) {
	t.Helper()
	for _, loc := range re.FindAllIndex(data, -1) {
		if !ns.in(data[loc[0]:loc[1]]) {
			t.Fatalf("pattern %q: match %q holds none of %q", re, data[loc[0]:loc[1]], ns)
		}
	}
}

// TestBuiltinNeedlesInSamples: every built-in rule's true-positive
// samples, which its pattern matches, hold one of its needles.
func TestBuiltinNeedlesInSamples(t *testing.T) {
	rs, err := Compile(Builtin(), Options{PHIMode: "strict"})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	withNeedles := 0
	for _, cr := range rs.rules {
		ns := cr.needles()
		if ns == nil {
			continue
		}
		withNeedles++
		for _, tmpl := range cr.def.Samples.TP {
			checkNeedles(t, cr.pattern(), ns, []byte(mustExpand(t, tmpl, rng)))
		}
	}
	// The provider rules' literal prefixes: most of them have one.
	if withNeedles < 100 {
		t.Errorf("only %d rules have needles", withNeedles)
	}
}

// FuzzPatternNeedles: for any pattern and input, every match of the
// pattern holds one of the needles found for it.
//
//	go test ./rules -run '^$' -fuzz '^FuzzPatternNeedles$' -fuzztime 2m
func FuzzPatternNeedles(f *testing.F) {
	for _, r := range Builtin() {
		if ns := patternNeedles(expandPattern(r.Pattern)); ns != nil && len(r.Samples.TP) > 0 {
			f.Add(expandPattern(r.Pattern), []byte(r.Samples.TP[0]))
		}
	}
	f.Add(`(?:pk|sk)_(?:live|test)_[0-9a-zA-Z]{4}`, []byte("x sk_test_abcd pk_live_1234"))
	f.Add(`(?i)a\x{212A}b[kK]c`, []byte("aKbkc a\u212abKc"))
	f.Add(`a[^\x00-\x{10FFFF}]?bc`, []byte("abc a\xffbc"))
	f.Fuzz(func(t *testing.T, pat string, data []byte) {
		if len(pat) > 200 {
			return
		}
		re, err := regexp.Compile(pat)
		if err != nil {
			return
		}
		ns := patternNeedles(pat)
		if ns == nil {
			return
		}
		for _, n := range ns {
			if len(n) < minNeedleLen || len(n) > maxNeedleLen {
				t.Fatalf("pattern %q: needle %q out of bounds", pat, n)
			}
		}
		checkNeedles(t, re, ns, data)
		// And on an input that holds a needle next to the fuzzed bytes.
		checkNeedles(t, re, ns, bytes.Join([][]byte{data, ns[0], data}, nil))
	})
}

// needles.in answers what a search for each needle through the whole
// input answers, wherever the needle lies (head, tail, across the head's
// end) and whichever needle comes first.
func TestNeedlesIn(t *testing.T) {
	pad := strings.Repeat("x", needleHead)
	ns := needles{[]byte("live_"), []byte("test_")}
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"", false},
		{"test_", true},
		{pad + pad, false},
		{"test_" + pad, true},
		{pad + "live_", true},
		{pad[:needleHead-2] + "test_" + pad, true}, // across the head's end
		{pad + "Test_ LIVE_" + pad, false},
		{"live" + pad + "_test", false},
	} {
		if got := ns.in([]byte(tt.in)); got != tt.want {
			t.Errorf("in(%d bytes) = %v, want %v", len(tt.in), got, tt.want)
		}
		if one := (needles{[]byte("test_")}).in([]byte(tt.in)) || (needles{[]byte("live_")}).in([]byte(tt.in)); one != tt.want {
			t.Errorf("one needle at a time: %v, want %v", one, tt.want)
		}
	}
}
