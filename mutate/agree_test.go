package mutate

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
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
	f.Add("const Record = load(Medical);\n// the Medical Record of Record\nRecord.x = Medical", "```go\nRecord := 1\n```", uint8(0), false)
	f.Add("strings.TrimSpace(x); TrimSpace patientTotal", "TrimSpace healthPlan", uint8(3), true)
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
		agreeAfterPairSet(t, fast, plain, a, b, la, lb)
		// Sessions of one Mutator run at once in a proxy: two at a time
		// share (and fill) its caches and gate while mutating.
		var wg sync.WaitGroup
		errs := make([]string, 2)
		for g := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				x, y := a, b
				if g == 1 {
					x, y = b, a
				}
				fs, ps := fast.NewSession(), plain.NewSession()
				for _, text := range []string{x, y, x + y} {
					got, want := fs.Replacements(text, la, nil), ps.Replacements(text, la, nil)
					if !slices.Equal(got, want) {
						errs[g] = fmt.Sprintf("concurrent %s %q: got %v, want %v", la, text, got, want)
						return
					}
				}
				fs.DoneMutating()
			}()
		}
		wg.Wait()
		for _, e := range errs {
			if e != "" {
				t.Fatal(e)
			}
		}
	})
}

// agreeAfterPairSet: sessions that load the pairs of a's mutation (the
// set's tables adopted, or added over a short text's decisions) mutate b
// and then a again alike with and without the fast paths.
func agreeAfterPairSet(t *testing.T, fast, plain *Mutator, a, b string, la, lb Lang) {
	t.Helper()
	fs, ps := fast.NewSession(), plain.NewSession()
	fset := pairSetOfReps(t, fs, fs.Replacements(a, la, nil))
	pset := pairSetOfReps(t, ps, ps.Replacements(a, la, nil))
	for _, first := range []string{"", "the medical chart of total sum", b} {
		fl, pl := fast.NewSession(), plain.NewSession()
		if first != "" {
			if got, want := fl.Replacements(first, lb, nil), pl.Replacements(first, lb, nil); !slices.Equal(got, want) {
				t.Fatalf("before the set, %q: got %v, want %v", first, got, want)
			}
		}
		errF, errP := fl.AddPairSet(fset), pl.AddPairSet(pset)
		if (errF == nil) != (errP == nil) {
			t.Fatalf("AddPairSet: fast %v, plain %v", errF, errP)
		}
		if errF != nil {
			continue
		}
		for _, c := range []struct {
			text string
			lang Lang
		}{{b, lb}, {a, la}, {b + " " + a, lb}} {
			if got, want := fl.Replacements(c.text, c.lang, nil), pl.Replacements(c.text, c.lang, nil); !slices.Equal(got, want) {
				t.Fatalf("after the set (first %q), %s %q:\n got %v\nwant %v", first, c.lang, c.text, got, want)
			}
		}
		if !maps.Equal(fl.Pairs(), pl.Pairs()) {
			t.Fatalf("after the set: pairs\n got %v\nwant %v", fl.Pairs(), pl.Pairs())
		}
	}
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

// TestAssignUnsortedAgrees: with synthetics of a few hash symbols, first
// synthetics collide all the time; assigning in appearance order must
// then fall back to the sorted assignment and give what it gives.
func TestAssignUnsortedAgrees(t *testing.T) {
	var texts []string
	for k := range 4 {
		var b strings.Builder
		for i := range 300 {
			fmt.Fprintf(&b, "patient%dField getMrn%d(record) // medical record %d\n", (i*7+k*31)%500, i%50, i)
		}
		texts = append(texts, b.String())
	}
	for _, entropy := range []int{3, 4, 0} {
		fast, err := New(testKey, PolicyPHI)
		if err != nil {
			t.Fatal(err)
		}
		plain := plainMutator(t, PolicyPHI)
		fast.entropy, plain.entropy = entropy, entropy
		fs, ps := fast.NewSession(), plain.NewSession()
		for i, text := range texts {
			got, want := fs.Replacements(text, LangTS, nil), ps.Replacements(text, LangTS, nil)
			if !slices.Equal(got, want) {
				t.Fatalf("entropy %d, text %d: replacements differ", entropy, i)
			}
		}
		if !maps.Equal(fs.Pairs(), ps.Pairs()) || fs.collisions != ps.collisions {
			t.Fatalf("entropy %d: pairs differ (collisions %d, want %d)", entropy, fs.collisions, ps.collisions)
		}
		if entropy == 3 && fs.collisions == 0 {
			t.Fatalf("entropy %d: no collision; the test does not exercise the fallback", entropy)
		}
	}
}
