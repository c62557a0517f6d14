package rules

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"regexp/syntax"
	"slices"
	"strings"
	"sync"
	"testing"
)

// ghpToken builds a token-shaped value at run time (no literal in the
// repository).
func ghpToken() string {
	rng := rand.New(rand.NewPCG(1, 2))
	v, err := ExpandSample("ghp_{alnum:36}", rng)
	if err != nil {
		panic(err)
	}
	return v
}

// compiledAny reports whether any regex of cr has been compiled.
func compiledAny(cr *compiledRule) bool {
	a := cr.rx.anchor
	return cr.rx.re != nil || cr.rx.allow != nil || a != nil && (a.atStart != nil || a.afterOne != nil) ||
		cr.lead.forms != nil && (cr.lead.forms.atStart != nil || cr.lead.forms.afterOne != nil)
}

// Built-in rules compile nothing at Compile; a scan compiles only the
// rules whose keywords it met.
func TestLazyCompile(t *testing.T) {
	rs, err := Compile(Builtin(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, cr := range rs.rules {
		if compiledAny(cr) {
			t.Fatalf("rule %q compiled at Compile", cr.def.ID)
		}
	}
	ms := rs.Scan([]byte("token = \"" + ghpToken() + "\"\n"))
	if len(ms) == 0 {
		t.Fatal("no finding")
	}
	compiled := 0
	for _, cr := range rs.rules {
		if compiledAny(cr) {
			compiled++
		}
	}
	if compiled == 0 || compiled > len(rs.rules)/4 {
		t.Fatalf("%d of %d rules compiled by one small scan", compiled, len(rs.rules))
	}
}

// Regexes not known to compile are compiled, and fail, at Compile: a bad
// user rule is a usage error when the rules load, never a panic later.
func TestCompileReportsBadRegexps(t *testing.T) {
	verified := builtinRegexps[0].re
	for _, tc := range []struct {
		name string
		rule Rule
		want string
	}{
		{"bad pattern", Rule{ID: "x", Keywords: []string{"k"}, Pattern: "(a"}, "invalid pattern"},
		{"bad allow", Rule{ID: "x", Keywords: []string{"k"}, Pattern: "a", Allow: []string{"[b"}}, "invalid allow regex"},
		{"verified pattern, bad allow", Rule{ID: "x", Keywords: []string{"k"}, Pattern: verified, Allow: []string{"[b"}}, "invalid allow regex"},
		{"verified pattern, bad group", Rule{ID: "x", Keywords: []string{"k"}, Pattern: verified, SecretGroup: 99}, "secretGroup"},
		{"bad group", Rule{ID: "x", Keywords: []string{"k"}, Pattern: "(a)", SecretGroup: 2}, "secretGroup"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compile([]Rule{tc.rule}, Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// Many goroutines meeting the same uncompiled rules at once find what one
// does (run with -race).
func TestLazyCompileConcurrent(t *testing.T) {
	text := []byte("a = \"" + ghpToken() + "\"\npassword: hunter2hunter2\naws_access_key_id = x\n")
	ref, err := Compile(Builtin(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := ref.Scan(text)
	if len(want) == 0 {
		t.Fatal("the reference scan finds nothing: the comparison would prove nothing")
	}
	rs, err := Compile(Builtin(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	got := make([][]Match, 8)
	for i := range got {
		wg.Go(func() { got[i] = rs.Scan(text) })
	}
	wg.Wait()
	for i := range got {
		if !reflect.DeepEqual(got[i], want) {
			t.Fatalf("goroutine %d: %v, want %v", i, got[i], want)
		}
	}
}

// A scan compiles only what it runs: an anchored rule over ASCII text
// compiles its anchored form, not its window regex, and a context-free
// one (no assertion before its keyword) not its second form either; a
// rule whose windows hold none of its required literals compiles
// nothing; allow regexes wait for a candidate.
func TestLazyCompileParts(t *testing.T) {
	rs, err := Compile(Builtin(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	rule := func(id string) *compiledRule {
		for _, cr := range rs.rules {
			if cr.def.ID == id {
				return cr
			}
		}
		t.Fatalf("no rule %q", id)
		return nil
	}
	// The keyword of the Square rule, without its required literal.
	rs.Scan([]byte("x = 1 // square of the distance\n"))
	if sq := rule("square-access-token-eaaa"); sq.needles() == nil || compiledAny(sq) {
		t.Errorf("square-access-token-eaaa: needles %q, compiled %v; want needles and nothing compiled", sq.needles(), compiledAny(sq))
	}
	// The literal with no room after it for the shortest match: refused
	// by the length alone, before the regex is compiled.
	rs.Scan([]byte("square token: EAAAxyz\n"))
	if sq := rule("square-access-token-eaaa"); compiledAny(sq) {
		t.Error("square-access-token-eaaa: an attempt too short for a match compiled its regex")
	}
	// With the literal in the window, and room for a match after the
	// keyword, the rule runs (the control; a shorter tail is refused by
	// the pattern's shortest match before anything compiles).
	rs.Scan([]byte("square token: EAAAxyz" + strings.Repeat("x", 60) + "\n"))
	if !compiledAny(rule("square-access-token-eaaa")) {
		t.Error("square-access-token-eaaa: a window with its literal compiled nothing")
	}
	rs.Scan([]byte("x = 1\ntoken = \"" + ghpToken() + "\"\n"))
	var anchoredCompiled int
	for _, cr := range rs.rules {
		a := cr.rx.anchor
		if a == nil || a.atStart == nil && a.afterOne == nil {
			continue
		}
		anchoredCompiled++
		if cr.rx.re != nil {
			t.Errorf("%s: window regex compiled for ASCII text", cr.def.ID)
		}
		if a.contextFree && a.afterOne != nil {
			t.Errorf("%s: context-free, yet its after-one form was compiled", cr.def.ID)
		}
	}
	if anchoredCompiled == 0 {
		t.Fatal("no anchored rule ran: the test proves nothing")
	}
}

// A rule's analysis (needles, first bytes) comes from builtinRegexps for a
// built-in pattern and is made at first use for any other (a user's
// rule), the same either way.
func TestAnalysisSource(t *testing.T) {
	custom := Rule{ID: "custom", Keywords: []string{"xyzzy"}, Pattern: `(xyzzy_[a-z]{10,20})\b`, SecretGroup: 1}
	if _, ok := verifiedLookup(custom.Pattern); ok {
		t.Fatal("the custom pattern is a built-in one")
	}
	// A built-in pattern under other keywords: the table's anchor was
	// worked out for the built-in keywords, so this one parses it.
	var rekeyed Rule
	for _, d := range Builtin() {
		if d.ID == "github-pat-classic" {
			rekeyed = d
		}
	}
	if rekeyed.ID == "" {
		t.Fatal("no github-pat-classic rule")
	}
	rekeyed.ID, rekeyed.Keywords = "rekeyed", []string{"gh"}
	rs, err := Compile(append(Builtin(), custom, rekeyed), Options{})
	if err != nil {
		t.Fatal(err)
	}
	seenCustom, tabled, tabledAnchors := false, 0, 0
	for _, cr := range rs.rules {
		gotNeed, gotLead := cr.needles(), cr.lead.get(cr.rx.pat)
		wantNeed, wantLead := patternNeedles(cr.rx.pat), firstBytes(cr.rx.pat)
		if !slices.EqualFunc(gotNeed, wantNeed, bytes.Equal) || (gotNeed == nil) != (wantNeed == nil) {
			t.Errorf("rule %q: needles %q, want %q", cr.def.ID, gotNeed, wantNeed)
		}
		if (gotLead == nil) != (wantLead == nil) || gotLead != nil && *gotLead != *wantLead {
			t.Errorf("rule %q: first bytes differ from firstBytes", cr.def.ID)
		}
		// The anchor too: from the table for a built-in pattern with its
		// own keywords, from the parsed pattern otherwise.
		var wantAnchor *anchor
		if d := cr.def; d.Prefilter == "" && !d.AsWritten && d.Context == nil {
			re, err := syntax.Parse(cr.rx.pat, syntax.Perl)
			if err != nil {
				t.Fatal(err)
			}
			wantAnchor = anchoredForm(cr.rx.pat, re, d.Keywords)
		}
		if got := cr.anchored(); !sameAnchor(got, wantAnchor) {
			t.Errorf("rule %q: anchor %+v, want %+v", cr.def.ID, got, wantAnchor)
		}
		if v, ok := verifiedLookup(cr.rx.pat); ok {
			tabled++
			if _, ok := v.anchorFor(cr.rx.pat, cr.def.Keywords); ok {
				tabledAnchors++
			}
		}
		if cr.def.ID == "rekeyed" {
			if v, ok := verifiedLookup(cr.rx.pat); !ok {
				t.Error("the rekeyed rule's pattern is not tabled")
			} else if _, ok := v.anchorFor(cr.rx.pat, cr.def.Keywords); ok {
				t.Error("the table has an anchor for the rekeyed rule's keywords")
			}
			if cr.anchored() == nil {
				t.Error("the rekeyed rule is not anchored: the test proves nothing")
			}
		}
		if cr.def.ID == "custom" {
			seenCustom = true
			if len(gotNeed) != 1 || string(gotNeed[0]) != "xyzzy_" || gotLead == nil || !gotLead['x'] {
				t.Errorf("custom rule: needles %q, first bytes %v", gotNeed, gotLead != nil)
			}
		}
	}
	if !seenCustom || tabled < len(rs.rules)/2 || tabledAnchors < len(rs.rules)/2 {
		t.Fatalf("custom rule seen %v, %d of %d patterns tabled, %d anchors", seenCustom, tabled, len(rs.rules), tabledAnchors)
	}
}
