package mutate

// Agreement tests for the fast paths of selectAll and PairSetOf: each
// against a reference copy of the code it replaced.

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// sortPairKeysRef is PairSetOf's sort before sortPairKeys: the records by
// prefix key, equal keys by synthetic.
func sortPairKeysRef(s *Session, keys []pairKey) {
	slices.SortFunc(keys, func(a, b pairKey) int {
		if a.k != b.k {
			if a.k < b.k {
				return -1
			}
			return 1
		}
		return strings.Compare(s.pairs[a.idx].syn, s.pairs[b.idx].syn)
	})
}

// checkSortPairKeys sorts the keys of every pair of syns (distinct) both
// ways and wants the same order.
func checkSortPairKeys(t *testing.T, syns []string, r *rand.Rand) {
	t.Helper()
	s := &Session{}
	for _, syn := range syns {
		s.pairs = append(s.pairs, pair{syn: syn})
	}
	keys := make([]pairKey, len(syns))
	for i, p := range r.Perm(len(syns)) {
		keys[i] = pairKey{prefixKey(syns[p]), p}
	}
	want := slices.Clone(keys)
	sortPairKeysRef(s, want)
	s.sortPairKeys(keys)
	for i := range keys {
		if keys[i].idx != want[i].idx {
			t.Fatalf("position %d: %q, want %q (of %q)", i, syns[keys[i].idx], syns[want[i].idx], syns)
		}
	}
}

// TestSortPairKeys: sets whose synthetics share their first bytes (the
// packed sort's ties), short ones, ones not led by '_' (the comparison
// sort) and more than 256 (past the stack buffer).
func TestSortPairKeys(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	gen := func(n int, prefix string, body int) []string {
		seen := map[string]bool{}
		var out []string
		for len(out) < n {
			b := []byte(prefix)
			for range r.IntN(body + 1) {
				b = append(b, "aAb_z29\x00\xff"[r.IntN(9)])
			}
			if !seen[string(b)] {
				seen[string(b)] = true
				out = append(out, string(b))
			}
		}
		return out
	}
	for _, c := range []struct {
		name string
		syns []string
	}{
		{"issued", gen(300, "_v", 11)},
		{"shared prefix", gen(200, "_clsaaaa", 4)},
		{"short", gen(40, "_", 3)},
		{"mixed", append(gen(50, "_fn", 11), gen(50, "x", 12)...)},
		{"empty", append(gen(20, "_", 14), "")},
		{"one", []string{"_vabc"}},
		{"none", nil},
	} {
		t.Run(c.name, func(t *testing.T) { checkSortPairKeys(t, c.syns, r) })
	}
}

func FuzzSortPairKeys(f *testing.F) {
	f.Add([]byte("_vabcdefgh\n_vabcdefgi\n_Vabc\n_clsx"), uint64(1))
	f.Add([]byte("a\nb\n_\n"), uint64(2))
	f.Fuzz(func(t *testing.T, data []byte, seed uint64) {
		seen := map[string]bool{}
		var syns []string
		for _, l := range strings.Split(string(data), "\n") {
			if !seen[l] {
				seen[l] = true
				syns = append(syns, l)
			}
		}
		checkSortPairKeys(t, syns, rand.New(rand.NewPCG(seed, seed)))
	})
}

// nextWordRef is the word loop of selectAll's text pass before nextWord:
// from i, the first word of text[i:end], or end, end.
func nextWordRef(text string, i, end int) (int, int) {
	for i < end {
		if c := text[i]; byteClass[c]&classWord == 0 && (c < utf8.RuneSelf || wordLen(text, i) == 0) {
			i++
			continue
		}
		return i, wordEnd(text, i, end)
	}
	return end, end
}

// FuzzNextWord holds nextWord to the byte loop it replaced: walked word
// by word as the text pass walks a span, for every end of the text, and
// from every start for the first 64 bytes (a span may end anywhere).
func FuzzNextWord(f *testing.F) {
	for _, s := range []string{"// running sum", "naïve café_x Ω42 \xff\xfe a\u0301b", "x", "", "日本語 text_ok", "a\xe2\x82"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		check := func(i, end int) (int, int) {
			a, b := nextWord(text, i, end)
			ra, rb := nextWordRef(text, i, end)
			if a != ra || b != rb {
				t.Fatalf("nextWord(%q, %d, %d) = %d, %d; want %d, %d", text, i, end, a, b, ra, rb)
			}
			return a, b
		}
		for end := 0; end <= len(text); end++ {
			for i := 0; i < end; {
				a, b := check(i, end)
				if a >= end || b == a {
					break // the end, or an empty word (the text pass never sees one)
				}
				i = b
			}
		}
		for end := 0; end <= min(len(text), 64); end++ {
			for i := 0; i <= end; i++ {
				check(i, end)
			}
		}
	})
}
