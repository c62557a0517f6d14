package rules

import (
	"math/rand/v2"
	"testing"
)

// TestFillerValuesNotReported: hand-typed filler and format strings under
// a secret's name are not secrets; random values of the same length and
// alphabet still are.
func TestFillerValuesNotReported(t *testing.T) {
	rs := secretSet(t)
	rng := rand.New(rand.NewPCG(13, 13))
	cases := []struct {
		name, value string
		want        bool
	}{
		{"stepped letters and digits", "xbc123def456ghi789jkl012mno345", false},
		{"interleaved steps", "a1b2c3d4e5f6g7h8i9j0", false},
		{"upper stepped", "ABC123DEF456GHI789JKL", false},
		{"printf verb then symbol", "%c^wz9450iu-kite_secret-jonx-eab8", false},
		{"printf verb at end", "Q9vTr4LmZp2Wx7%s", false},
		{"printf verb with flag", "k7Vq2Lp9Zx4Wm1%-v|", false},
		{"random alnum 30", mustExpand(t, "{alnum:28}7q", rng), true},
		{"random alnum 40", mustExpand(t, "{alnum:38}7q", rng), true},
		{"random b64 with percent escape", mustExpand(t, "{alnum:20}%2c{alnum:12}7q", rng), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := "api_secret = \"" + c.value + "\"\n"
			got := len(rs.Scan([]byte(src))) > 0
			if got != c.want {
				t.Errorf("%q reported=%v, want %v", src, got, c.want)
			}
		})
	}
}

func TestSteppedFiller(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, v := range []string{"abc123def456ghi789", "a1b2c3d4e5f6g7h8", "123abc456def789ghi012"} {
		if !steppedFiller(v) {
			t.Errorf("steppedFiller(%q) = false, want true", v)
		}
	}
	// Generated keys of every common alphabet are not filler.
	for _, tmpl := range []string{"{alnum:32}", "{lowalnum:32}", "{hex:32}", "{hex:12}", "{digits:16}", "{upalnum:20}", "{b64:40}"} {
		for range 2000 {
			if v := mustExpand(t, tmpl, rng); steppedFiller(v) {
				t.Errorf("steppedFiller(%q) = true for a random %s value", v, tmpl)
			}
		}
	}
}
