package mutate

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// The fast paths of Replacements (the per-pass decision caches of
// selectAll, the Mutator's synthetic cache) must not change what it
// returns, nor must decision maps a finished session gave back
// (DoneMutating). FuzzFastPathsAgree mutates the same texts with a Mutator that
// has them and one that has none, in one session each, and wants the
// same replacements and pairs.

func plainMutator(tb testing.TB, p Policy) *Mutator {
	tb.Helper()
	m, err := New(testKey, p)
	if err != nil {
		tb.Fatal(err)
	}
	m.synths, m.phis, m.plain = nil, nil, true
	return m
}

func FuzzFastPathsAgree(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, "patient record of the Medical Record and getMrn(dob)", uint8(0), false)
		f.Add("const mrn = patientId; // Social Security", s, uint8(17), true)
	}
	f.Add("Medical notes: the medical Record; record medical record", "record Medical", uint8(9), false)
	f.Add("const total = items.reduce((acc, item) => acc + item.amount, 0); // running sum of patientTotal", "patientTotal total", uint8(0), true)
	fastPHI, fastAll := fuzzMutators(f)
	plainPHI, plainAll := plainMutator(f, PolicyPHI), plainMutator(f, PolicyAll)
	langs := Langs()
	f.Fuzz(func(t *testing.T, a, b string, li uint8, all bool) {
		fast, plain := fastPHI, plainPHI
		if all {
			fast, plain = fastAll, plainAll
		}
		la, lb := langs[int(li)%len(langs)], langs[int(li/16)%len(langs)]
		// Twice over the fast Mutator: the second run takes its
		// synthetics from the cache the first filled.
		for range 2 {
			fs, ps := fast.NewSession(), plain.NewSession()
			for _, c := range []struct {
				text string
				lang Lang
			}{{a, la}, {b, lb}, {a, lb}} {
				got := fs.Replacements(c.text, c.lang, nil)
				want := ps.Replacements(c.text, c.lang, nil)
				if !slices.Equal(got, want) {
					t.Fatalf("%s %q: replacements\n got %v\nwant %v", c.lang, c.text, got, want)
				}
			}
			if !maps.Equal(fs.Pairs(), ps.Pairs()) {
				t.Fatalf("pairs\n got %v\nwant %v", fs.Pairs(), ps.Pairs())
			}
			// The next round's session takes these decision maps.
			fs.DoneMutating()
		}
	})
}

// TestDoneMutating: a session done mutating still reverses and counts;
// mutating again is refused, loudly; a later session that takes its maps
// mutates as a new one would.
func TestDoneMutating(t *testing.T) {
	m, err := New(testKey, PolicyPHI)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Repeat("const patientRecord = getMrn(dob); // the patient chart\n", 100)
	s := m.NewSession()
	out := s.Mutate(text, LangTS)
	n := s.Count()
	s.DoneMutating()
	s.DoneMutating() // twice is fine
	if back, _ := s.Reverse(out); back != text || s.Count() != n {
		t.Fatalf("after DoneMutating: reverse ok %t, count %d want %d", back == text, s.Count(), n)
	}
	if err := s.AddPairs(map[string]string{}); err == nil {
		t.Fatal("AddPairs after DoneMutating: no error")
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("Mutate after DoneMutating did not panic")
			}
		}()
		s.Mutate(text, LangTS)
	}()
	if again := m.NewSession().Mutate(text, LangTS); again != out {
		t.Fatal("a session on pooled maps mutates differently")
	}
}
