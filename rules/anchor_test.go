package rules

import (
	"math/rand/v2"
	"reflect"
	"regexp/syntax"
	"slices"
	"strings"
	"testing"
)

// anchoredHits is every offset where one of keywords starts, ASCII case
// folded: what the automaton reports for an anchored rule.
func anchoredHits(keywords []string, data []byte) []int {
	low := string(lowerASCII(data))
	var out []int
	for _, kw := range keywords {
		kw = string(lowerASCII([]byte(kw)))
		for i := 0; ; {
			j := strings.Index(low[i:], kw)
			if j < 0 {
				break
			}
			out = append(out, i+j)
			i += j + 1
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestAnchoredForm(t *testing.T) {
	tests := []struct {
		pat      string
		keywords []string
		want     bool
	}{
		{`(?i)\b(?:postgres(?:ql)?|mysql|rediss?)://([^@]+)@`, []string{"postgres", "mysql", "redis"}, true},
		{`\b(ghp_[A-Za-z0-9]{36})`, []string{"ghp_"}, true},
		{`(?i:render)\s*[:=]\s*(rnd_[A-Za-z0-9]{32})`, []string{"render"}, true},
		{`(?i)(?:secret|token)\s*=\s*(\w+)`, []string{"secret"}, false}, // "token" is no keyword
		{`(AKIA[0-9A-Z]{16})`, []string{"akia"}, true},
		{`\b([a-f0-9]{32}-us[0-9]{1,2})\b`, []string{"-us"}, false},
		{`x*ghp_`, []string{"ghp_"}, false},
		{`(?:ghp_)?[a-z]{4}`, []string{"ghp_"}, false},
		// Branches with and without a lead-in before their keyword.
		{`(?i:aha_api|aha\.io|(?:^|[^A-Za-z0-9])aha)[\s\S]{0,40}?([a-f0-9]{64})`, []string{"aha_api", "aha.io", "aha"}, true},
		{`(?i:(?:^|[^A-Za-z0-9])host_api|(?:^|[^A-Za-z0-9])hostkey|host\.io)=(\w+)`, []string{"host_api", "hostkey", "host.io"}, true},
		{`(?:x|\w+)ghp_`, []string{"ghp_"}, false},        // an unbounded lead-in
		{`(?:ghp_|token)=(\w+)`, []string{"ghp_"}, false}, // a branch without a keyword
	}
	for _, tt := range tests {
		re, err := syntax.Parse(tt.pat, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		a := anchoredForm(tt.pat, re, tt.keywords)
		if got := a != nil; got != tt.want {
			t.Errorf("anchoredForm(%q, %q) anchored = %v, want %v", tt.pat, tt.keywords, got, tt.want)
		}
		if a != nil {
			if x, y := a.startForm(), a.afterForm(); x == nil || y == nil {
				t.Errorf("anchoredForm(%q): forms do not compile", tt.pat)
			}
		}
	}
}

// FuzzAnchoredRules checks, for a built-in rule run at its keyword
// offsets, that runAnchored finds exactly what the plain regex finds in
// a window: the whole input and a slice of it. pick chooses the rule
// (one per input, so the fuzzer runs many inputs a second instead of
// every anchored rule over each).
//
//	go test ./rules -run '^$' -fuzz '^FuzzAnchoredRules$' -fuzztime 3m
func FuzzAnchoredRules(f *testing.F) {
	rs, err := Compile(Builtin(), Options{PHIMode: ModeStrict})
	if err != nil {
		f.Fatal(err)
	}
	var anchored []*compiledRule
	rng := rand.New(rand.NewPCG(1, 2))
	for _, cr := range rs.rules {
		if cr.anchored() != nil {
			anchored = append(anchored, cr)
		}
	}
	if len(anchored) < 100 {
		f.Fatalf("only %d anchored built-in rules", len(anchored))
	}
	for k, cr := range anchored {
		// The rule's own samples, generated at test time, back to back
		// and run together, so matches meet and overlap.
		var joined []string
		for _, tmpl := range append(cr.def.Samples.TP, cr.def.Samples.FP...) {
			if s, err := ExpandSample(tmpl, rng); err == nil {
				joined = append(joined, s)
			}
		}
		f.Add([]byte(strings.Join(joined, "\n")), uint16(7), uint16(k))
		f.Add([]byte(strings.Join(joined, "")), uint16(1), uint16(k))
	}
	f.Fuzz(func(t *testing.T, data []byte, cut, pick uint16) {
		cr := anchored[int(pick)%len(anchored)]
		lo := int(cut) % (len(data) + 1)
		hi := lo + (len(data)-lo)/2
		hits := anchoredHits(cr.def.Keywords, data)
		for _, w := range []span{{0, len(data)}, {lo, hi}} {
			i, _ := slices.BinarySearch(hits, w.start)
			got, ok := cr.runAnchored(data, w, hits[i:], allASCII(data), new([]int))
			if !ok {
				continue
			}
			want := cr.pattern().FindAllSubmatchIndex(data[w.start:w.end], -1)
			if len(got) == 0 && len(want) == 0 {
				continue
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("rule %s window %v: anchored %v, regex %v", cr.def.ID, w, got, want)
			}
		}
	})
}

func TestAllASCII(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"", true}, {"abc", true}, {"0123456789abcdef", true}, {"0123456789abcdé", false},
		{"é", false}, {"abcdefg\x80", false}, {"\xffabcdefgh", false}, {"abcdefgh\x7f", true},
	} {
		if got := allASCII([]byte(tt.in)); got != tt.want {
			t.Errorf("allASCII(%q) = %v", tt.in, got)
		}
	}
	// A high byte anywhere: in the 32-byte blocks, the 8-byte words and
	// the tail.
	b := []byte(strings.Repeat("a", 75))
	if !allASCII(b) {
		t.Error("allASCII of ASCII letters is false")
	}
	for i := range b {
		b[i] = 0x80
		if allASCII(b) {
			t.Errorf("allASCII true with 0x80 at %d of %d", i, len(b))
		}
		b[i] = 'a'
	}
}

func TestStartAssertions(t *testing.T) {
	for _, tt := range []struct {
		pat     string
		asserts bool
	}{
		{`ghp_[a-z]{4}`, false},
		{`(?i:render)\s*=\s*(rnd_\w+)`, false},
		{`\bghp_`, true},
		{`(?:^|[^\w-])(live_\w+)`, true},
		{`(?m)^key`, true},
		{`(?:x?)\Bkey`, true},
		{`(?:x|\b)key`, true},
		{`key\b`, false},
		{`(?:ab)*\bkey`, true},
		{`(?:a\b)+key`, false},
		{`a{0,2}$`, true},
		{`(key)(?:\b)`, false},
	} {
		re, err := syntax.Parse(tt.pat, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		if _, got := startAssertions(re); got != tt.asserts {
			t.Errorf("startAssertions(%q) = %v, want %v", tt.pat, got, tt.asserts)
		}
	}
}

// minMatchRunes is the fewest characters of a match: anchoredMatches
// refuses an attempt with fewer bytes than that before the regex runs.
func TestMinMatchRunes(t *testing.T) {
	for _, tt := range []struct {
		pat  string
		want int
	}{
		{`abc`, 3},
		{`(?i)k`, 1}, // folds to the 3-byte Kelvin sign: still one character
		{`é`, 1},
		{`[a-z]{20,40}`, 20},
		{`x*`, 0},
		{`x+y?`, 1},
		{`\bghp_[A-Za-z0-9]{36}\b`, 40},
		{`(?:ab|c)d`, 2},
		{`(?:ab|)d`, 1},
		{`^$`, 0},
	} {
		re, err := syntax.Parse(tt.pat, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		if got := minMatchRunes(re); got != tt.want {
			t.Errorf("minMatchRunes(%q) = %d, want %d", tt.pat, got, tt.want)
		}
	}
}
