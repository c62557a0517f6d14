package proxy

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/pretense/pretense/mutate"
)

// A rewritten body is written out piece by piece (reqBody); what the
// upstream reads must be, byte for byte and in length, what applyEdits
// builds, whatever the text holds where the pieces are cut.
func TestReqBodyStreamsTheBuiltBody(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "Z", "0", " ", "\n", "\t", "\"", "\\", "\x01", "é", "€", "😀", "\u2028", "\u2029", "\xff", "\xe2\x82", "</>&"}
	text := func(n int) string {
		var b strings.Builder
		for b.Len() < n {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	for _, size := range []int{0, 1, 100, quotePiece - 1, quotePiece, quotePiece + 3, 3*quotePiece + 17} {
		base := text(size)
		var reps []mutate.Replacement
		for at := 0; at < len(base); {
			at += rng.IntN(quotePiece/2 + 1)
			end := min(at+rng.IntN(12), len(base))
			if at >= len(base) {
				break
			}
			reps = append(reps, mutate.Replacement{Start: at, End: end, Synthetic: "_syn" + text(3)})
			at = end + 1
		}
		m := mtext{base: base, reps: reps}
		if got, want := string(appendMQuote(nil, m)), string(appendQuote(nil, m.String())); got != want {
			t.Fatalf("size %d: quoting the replacements in place differs from quoting the mutated text", size)
		}
		if got, want := m.quotedLen(), len(appendQuote(nil, m.String())); got != want {
			t.Fatalf("size %d: quotedLen %d, quoted text is %d bytes", size, got, want)
		}
		src := []byte(`{"a":"x","b":"` + strings.Repeat("y", 10) + `","c":[1,2]}`)
		edits := []edit{
			{start: 5, end: 8, quote: m, quoted: true},
			{start: 13, end: 25, repl: []byte(`"r"`)},
			{start: 30, end: 35, quote: mtext{base: ""}, quoted: true},
		}
		sentBody(t, newReqBody(src, edits))
		sentBody(t, newReqBody(src, nil))
	}
}

func TestQuoteSplitNeverCutsARune(t *testing.T) {
	s := "ab€\x80\x80\x80\x80c"
	for n := 0; n <= len(s); n++ {
		i := quoteSplit(s, n)
		if i < n || (i < len(s) && s[i]&0xc0 == 0x80) {
			t.Errorf("quoteSplit(%q, %d) = %d", s, n, i)
		}
		if got := string(appendQuoteBody(appendQuoteBody(nil, s[:i]), s[i:])); got != string(appendQuoteBody(nil, s)) {
			t.Errorf("split at %d quotes differently: %q", i, got)
		}
	}
}
