package rules

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/pretense/pretense/finding"
)

func builtinSet(t testing.TB) *Ruleset {
	t.Helper()
	rs, err := Compile(Builtin(), Options{PHIMode: ModeStrict})
	if err != nil {
		t.Fatalf("compile built-in rules: %v", err)
	}
	return rs
}

// TestBuiltinSamples checks every built-in rule against its own true- and
// false-positive samples, each expanded with several random fillings.
func TestBuiltinSamples(t *testing.T) {
	rs := builtinSet(t)
	for _, r := range rs.Rules() {
		t.Run(r.ID, func(t *testing.T) {
			if len(r.Samples.TP) == 0 {
				t.Fatalf("rule has no true-positive samples")
			}
			for seed := range uint64(3) {
				rng := rand.New(rand.NewPCG(seed, 99))
				for _, tmpl := range r.Samples.TP {
					s := mustExpand(t, tmpl, rng)
					if !found(rs, s, r.ID) {
						t.Errorf("true positive not found: %q", s)
					}
				}
				for _, tmpl := range r.Samples.FP {
					s := mustExpand(t, tmpl, rng)
					if found(rs, s, r.ID) {
						t.Errorf("false positive reported: %q", s)
					}
				}
			}
		})
	}
}

func mustExpand(t testing.TB, tmpl string, rng *rand.Rand) string {
	t.Helper()
	s, err := ExpandSample(tmpl, rng)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func found(rs *Ruleset, s, id string) bool {
	for _, m := range rs.Scan([]byte(s)) {
		if m.Rule.ID == id {
			return true
		}
	}
	return false
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name string
		rule Rule
		want string
	}{
		{"bad regex", Rule{ID: "x", Keywords: []string{"k"}, Pattern: "("}, "invalid pattern"},
		{"no keywords", Rule{ID: "x", Pattern: "a"}, "no keywords"},
		{"bad group", Rule{ID: "x", Keywords: []string{"k"}, Pattern: "a", SecretGroup: 2}, "secretGroup"},
		{"bad check", Rule{ID: "x", Keywords: []string{"k"}, Pattern: "a", Checks: []string{"nope"}}, "unknown check"},
		{"bad severity", Rule{ID: "x", Keywords: []string{"k"}, Pattern: "a", Severity: "urgent"}, "severity"},
		{"no id", Rule{Keywords: []string{"k"}, Pattern: "a"}, "missing id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile([]Rule{tt.rule}, Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want error containing %q", err, tt.want)
			}
		})
	}
	if _, err := Compile(nil, Options{PHIMode: "loud"}); err == nil {
		t.Fatal("bad phi mode accepted")
	}
}

func TestAllowMarkerAndPositions(t *testing.T) {
	rs := builtinSet(t)
	rng := rand.New(rand.NewPCG(1, 2))
	tok := mustExpand(t, "ghp_{alnum:36}", rng)
	src := "line one\nx := \"" + tok + "\" // pretense:allow\né y = \"" + tok + "\"\n"
	ms := rs.Scan([]byte(src))
	if len(ms) != 1 {
		t.Fatalf("want 1 match (the allowed line skipped), got %d", len(ms))
	}
	fs := Findings([]byte(src), ms, "a.go", finding.NewFingerprinter(nil))
	f := fs[0]
	if f.Line != 3 || f.Column != 8 || f.EndLine != 3 || f.EndColumn != 8+len(tok) {
		t.Fatalf("position = %d:%d-%d:%d", f.Line, f.Column, f.EndLine, f.EndColumn)
	}
	if strings.Contains(f.Redacted, tok) || f.Secret != tok {
		t.Fatalf("redaction wrong: %q", f.Redacted)
	}
}

func TestKeywordWindowOnly(t *testing.T) {
	// A token far from any keyword of its rule is still found because its
	// own prefix is the keyword; a generic value with no keyword is not.
	rs := builtinSet(t)
	rng := rand.New(rand.NewPCG(3, 4))
	filler := strings.Repeat("lorem ipsum dolor sit amet\n", 2000)
	tok := mustExpand(t, "ghp_{alnum:36}", rng)
	ms := rs.Scan([]byte(filler + tok + "\n" + filler))
	if len(ms) != 1 || ms[0].Value != tok {
		t.Fatalf("got %+v", ms)
	}
}

func TestDisableRule(t *testing.T) {
	rs, err := Compile(Builtin(), Options{Disable: []string{"github-pat-classic"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs.Rules() {
		if r.ID == "github-pat-classic" {
			t.Fatal("disabled rule compiled")
		}
	}
}

func TestExpandSample(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	s, err := ExpandSample("a{digits:5}{{b}}\\n", rng)
	if err != nil || len(s) != 1+5+3+1 || !strings.HasPrefix(s, "a") || !strings.HasSuffix(s, "{b}\n") {
		t.Fatalf("got %q, %v", s, err)
	}
	for _, bad := range []string{"{nope:3}", "{alnum:x}", "{alnum:3"} {
		if _, err := ExpandSample(bad, rng); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzScan(f *testing.F) {
	rs := builtinSet(f)
	f.Add([]byte("password = \"Zx9!kQ2#mP7vL4wR\""))
	f.Add([]byte("-----BEGIN RSA PRIVATE KEY-----\nabc"))
	f.Add([]byte{0xff, 0xfe, 'g', 'h', 'p', '_'})
	f.Fuzz(func(t *testing.T, data []byte) {
		ms := rs.Scan(data)
		for _, m := range ms {
			if m.Start < 0 || m.End > len(data) || m.Start > m.End || string(data[m.Start:m.End]) != m.Value {
				t.Fatalf("bad match %+v", m)
			}
		}
		_ = Findings(data, ms, "f", finding.NewFingerprinter(nil))
	})
}

// TestWindowReachesWholeToken: a window edge that falls inside a long
// token moves to the token's end, so a value longer than the window is
// still matched whole.
func TestWindowReachesWholeToken(t *testing.T) {
	rs, err := Compile([]Rule{{
		ID: "long", Keywords: []string{"kw_"}, Pattern: `\bkw_([a-z]{1000}[a-z]{1000}[a-z]{1000})\b`, SecretGroup: 1, Window: 64,
		Samples: Samples{TP: []string{"kw_{lower:3000}"}},
	}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	tok := mustExpand(t, "kw_{lower:3000}", rng)
	for _, src := range []string{tok, "x = " + tok + " ;", strings.Repeat("a=1;", 100) + tok} {
		if ms := rs.Scan([]byte(src)); len(ms) != 1 || len(ms[0].Value) != 3000 {
			t.Fatalf("long token not matched whole in %d-byte input: %d matches", len(src), len(ms))
		}
	}
}

// TestIsDelim: the token boundaries of window edges, exactly.
func TestIsDelim(t *testing.T) {
	const want = " \t\r\n\"'`,;()[]{}<>"
	for c := 0; c < 256; c++ {
		if got := isDelim(byte(c)); got != strings.Contains(want, string(rune(c))) || c >= 0x80 && got {
			t.Errorf("isDelim(%#x) = %v", c, got)
		}
	}
}
