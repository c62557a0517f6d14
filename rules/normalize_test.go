package rules

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestWithoutInlineMarkers(t *testing.T) {
	rs := builtinSet(t)
	rng := rand.New(rand.NewPCG(7, 14))
	tok := mustExpand(t, "ghp_{alnum:36}", rng)
	for _, src := range []string{
		"x := \"" + tok + "\" // pretense:allow\n",
		"pretense:allow " + tok,
		// Encoded forms honour the marker through the decoder path.
		"pretense:allow " + strings.TrimRight(b64s("token="+tok), "="),
	} {
		if n := len(rs.Scan([]byte(src))); n != 0 {
			t.Errorf("default Scan honours the marker: %d matches in %q", n, src)
		}
		if n := len(rs.WithoutInlineMarkers().Scan([]byte(src))); n == 0 {
			t.Errorf("WithoutInlineMarkers still honours the marker in %q", src)
		}
	}
	// The copy does not change the original.
	if n := len(rs.Scan([]byte("pretense:allow " + tok))); n != 0 {
		t.Error("WithoutInlineMarkers changed the original set")
	}
}

func TestNormalizingFindsObfuscatedTokens(t *testing.T) {
	rs := builtinSet(t)
	ns := rs.Normalizing()
	rng := rand.New(rand.NewPCG(3, 14))
	tok := mustExpand(t, "ghp_{alnum:36}", rng)
	fullWidth := func(s string) string {
		var b strings.Builder
		for _, r := range s {
			if r > ' ' && r <= '~' && r != '_' {
				r += 0xFF01 - '!'
			}
			b.WriteRune(r)
		}
		return b.String()
	}
	cases := []struct{ name, hidden string }{
		{"zero-width space", tok[:5] + "\u200b" + tok[5:]},
		{"zero-width joiners", tok[:2] + "\u200c" + tok[2:9] + "\u200d" + tok[9:]},
		{"word joiner and BOM", tok[:4] + "\u2060" + tok[4:30] + "\ufeff" + tok[30:]},
		{"soft hyphens", tok[:3] + "\u00ad" + tok[3:]},
		{"NUL", tok[:12] + "\x00" + tok[12:]},
		{"invalid byte", tok[:12] + "\xff" + tok[12:]},
		{"full-width", fullWidth(tok)},
		{"bidi control", tok[:7] + "\u202e" + tok[7:]},
		{"variation selector", tok[:7] + "\ufe0f" + tok[7:]},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			prefix := "héllo, the key: "
			src := []byte(prefix + c.hidden + " — done\n")
			if found(rs, string(src), "github-pat-classic") && c.name != "full-width" {
				// Only a sanity check: the plain scan must be the one fooled.
				t.Logf("plain scan finds it too")
			}
			ms := ns.Scan(src)
			var hit *Match
			for i := range ms {
				if ms[i].Rule.ID == "github-pat-classic" {
					hit = &ms[i]
				}
			}
			if hit == nil {
				t.Fatalf("not found in %q: %v", src, ms)
			}
			if hit.Start != len(prefix) || hit.End != len(prefix)+len(c.hidden) {
				t.Errorf("offsets %d-%d, want %d-%d (the original bytes)", hit.Start, hit.End, len(prefix), len(prefix)+len(c.hidden))
			}
			if hit.Value != tok {
				t.Errorf("value %q, want the token", hit.Value)
			}
		})
	}
}

func TestNormalizingKeepsPlainResults(t *testing.T) {
	rs := builtinSet(t)
	ns := rs.Normalizing()
	rng := rand.New(rand.NewPCG(5, 14))
	tok := mustExpand(t, "ghp_{alnum:36}", rng)
	for _, src := range []string{
		"plain ascii " + tok + "\n",
		"ünïcödé " + tok + " ünïcödé\n",
		"token: " + tok + "\u0301\n", // a combining mark after the token
	} {
		a, b := rs.Scan([]byte(src)), ns.Scan([]byte(src))
		if len(b) < len(a) {
			t.Errorf("normalising lost matches in %q: %d < %d", src, len(b), len(a))
		}
		for _, m := range b {
			if m.Start < 0 || m.End > len(src) || m.Start > m.End {
				t.Errorf("offsets out of range: %d-%d", m.Start, m.End)
			}
		}
	}
}

func b64s(s string) string {
	const enc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	var b strings.Builder
	in := []byte(s)
	for len(in) >= 3 {
		n := uint(in[0])<<16 | uint(in[1])<<8 | uint(in[2])
		b.WriteByte(enc[n>>18&63])
		b.WriteByte(enc[n>>12&63])
		b.WriteByte(enc[n>>6&63])
		b.WriteByte(enc[n&63])
		in = in[3:]
	}
	return b.String()
}

// FuzzNormalizeOffsets: offsets always land inside the original, in order,
// and text that needs no normalising is left alone.
func FuzzNormalizeOffsets(f *testing.F) {
	for _, s := range []string{"abc", "a\u200bb", "ｇｈｐ", "x\x00y\xffz", "e\u0301", "\ufb01le", "한\u3164글", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n, m, ok := normalizeForMatch(data)
		if !ok {
			if !needsNormalizing(data) {
				return
			}
			// Non-ASCII text may already be normal; then it is kept whole.
			return
		}
		if !utf8.Valid(n) {
			t.Fatalf("normalised text is not UTF-8: %q", n)
		}
		last := 0
		for p := 0; p <= len(n); p++ {
			s := m.start(min(p, max(len(n)-1, 0)))
			e := m.end(p)
			if s < 0 || s > len(data) || e < 0 || e > len(data) {
				t.Fatalf("offset %d maps to %d-%d outside %d bytes", p, s, e, len(data))
			}
			if e < last {
				t.Fatalf("end offsets go backwards at %d: %d < %d", p, e, last)
			}
			last = e
		}
	})
}

// BenchmarkScanNormalizing is BenchmarkScan with normalisation on: the
// corpus is ASCII, so it measures the fast path's cost.
//
//	go test -run '^$' -bench 'BenchmarkScan(Normalizing)?$' -benchtime 5x ./rules/
func BenchmarkScanNormalizing(b *testing.B) {
	rs := secretSet(b).Normalizing()
	rng := rand.New(rand.NewPCG(1, 2))
	data, _ := benchCorpus(b, rs, rng, 10<<20, false)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		rs.Scan(data)
	}
}
