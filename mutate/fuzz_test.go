package mutate

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var fuzzSeeds = []string{
	"", "_", "_v", "_cls", "`${`${patient}`}`", "f'{patient!r:>{width}}'", `r#"mrn"#`, "'a 'b' '\\''",
	"/* unterminated patient", "\"unterminated mrn", "```ts\nconst mrn = 1", "=begin\npatient",
	"$$mrn", "[patient", "@\"patient\"\"x", "$\"{patient", "%w[mrn", "'''patient", "x = 1 / mrn / 2",
	"\xff\xfepatient\x80mrn", "get_vpatient", "0xpatient 1e5mrn .5dob",
}

func fuzzSeedCorpus(f *testing.F) {
	for _, s := range fuzzSeeds {
		for i := range Langs() {
			f.Add(s, uint8(i), false)
		}
	}
	entries, _ := os.ReadDir(filepath.Join("testdata", "golden"))
	for _, e := range entries {
		if filepath.Ext(e.Name()) != ".input" {
			continue
		}
		b, err := os.ReadFile(filepath.Join("testdata", "golden", e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		for i := range Langs() {
			f.Add(string(b), uint8(i), true)
		}
	}
}

// fuzzMutators returns one Mutator per policy a fuzz input picks from:
// PolicyPHI and PolicyAll.
func fuzzMutators(f *testing.F) (phi, all *Mutator) {
	f.Helper()
	phi, err := New(testKey, PolicyPHI)
	if err != nil {
		f.Fatal(err)
	}
	all, err = New(testKey, PolicyAll)
	if err != nil {
		f.Fatal(err)
	}
	return phi, all
}

// FuzzRoundTrip: for any input and any lexer, reverse(mutate(x)) == x byte
// for byte, whole-text and streamed.
func FuzzRoundTrip(f *testing.F) {
	fuzzSeedCorpus(f)
	mPHI, mAll := fuzzMutators(f)
	langs := Langs()
	f.Fuzz(func(t *testing.T, in string, li uint8, all bool) {
		lang := langs[int(li)%len(langs)]
		m := mPHI
		if all {
			m = mAll
		}
		s := m.NewSession()
		out := s.Mutate(in, lang)
		back, fid := s.Reverse(out)
		if back != in {
			t.Fatalf("lang %s: round trip differs\n in: %q\nout: %q\nback: %q", lang, in, out, back)
		}
		if fid.Restored != fid.Found {
			t.Fatalf("lang %s: fidelity %+v on our own output", lang, fid)
		}
		cut := len(out) / 2
		r := s.NewStreamReverser()
		streamed := r.Write(out[:cut]) + r.Write(out[cut:]) + r.Flush()
		if streamed != back || r.Fidelity() != fid {
			t.Fatalf("lang %s: streamed reverse differs", lang)
		}
	})
}

// FuzzLex: spans are in bounds, ordered and disjoint, and identifiers are
// whole words, for every lexer and any bytes.
func FuzzLex(f *testing.F) {
	fuzzSeedCorpus(f)
	langs := Langs()
	f.Fuzz(func(t *testing.T, in string, li uint8, _ bool) {
		lang := langs[int(li)%len(langs)]
		prev := 0
		for _, sp := range lex(in, lang, nil) {
			if sp.start < prev || sp.end <= sp.start || sp.end > len(in) {
				t.Fatalf("lang %s: bad span %+v after %d (len %d)", lang, sp, prev, len(in))
			}
			prev = sp.end
			if sp.kind == spanIdent {
				if sp.start > 0 && in[sp.start-1] < 0x80 && isWordByte(in[sp.start-1]) {
					t.Fatalf("lang %s: identifier %q starts inside a word", lang, in[sp.start:sp.end])
				}
				if sp.end < len(in) && in[sp.end] < 0x80 && isWordByte(in[sp.end]) {
					t.Fatalf("lang %s: identifier %q ends inside a word", lang, in[sp.start:sp.end])
				}
			}
		}
	})
}

// FuzzReverseUntouched: text that carries none of the session's synthetics
// comes back byte for byte.
func FuzzReverseUntouched(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Add("_vabcdefghjkm _clsAbcdefghjkmn get_fnabcdefghjkm")
	m, err := New(testKey, PolicyPHI)
	if err != nil {
		f.Fatal(err)
	}
	s := m.NewSession()
	s.Mutate("patient mrn dateOfBirth PatientRecord getPatient", LangText)
	f.Fuzz(func(t *testing.T, in string) {
		out, fid := s.Reverse(in)
		if fid.Restored == 0 && out != in {
			t.Fatalf("untouched text changed: %q → %q", in, out)
		}
		r := s.NewStreamReverser()
		for i := 0; i < len(in); i++ {
			r.Write(in[i : i+1])
		}
		r.Flush()
		if r.Fidelity() != fid {
			t.Fatalf("stream fidelity %+v, whole %+v", r.Fidelity(), fid)
		}
	})
}

// FuzzReadMap: any bytes either fail to parse or give a session whose map
// survives a write/read cycle unchanged.
func FuzzReadMap(f *testing.F) {
	s := newTestSession(f, PolicyAll)
	s.Mutate(goldenInputs(f)[LangPython], LangPython)
	var good bytes.Buffer
	if err := WriteMap(&good, s); err != nil {
		f.Fatal(err)
	}
	f.Add(good.Bytes())
	f.Add([]byte(`{"format":"pretense-mutation-map","version":1,"pairs":[]}`))
	f.Add([]byte(`{"format":"pretense-mutation-map","version":1,"pairs":[{"synthetic":"_v","original":"x"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ReadMap(bytes.NewReader(data))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := WriteMap(&buf, r); err != nil {
			t.Fatal(err)
		}
		r2, err := ReadMap(&buf)
		if err != nil {
			t.Fatalf("re-read of a written map failed: %v", err)
		}
		if !maps.Equal(r.Pairs(), r2.Pairs()) {
			t.Fatal("pairs changed in a write/read cycle")
		}
		for syn, orig := range r.Pairs() {
			if back, _ := r.Reverse(syn); back != orig {
				t.Fatalf("Reverse(%q) = %q, want %q", syn, back, orig)
			}
		}
	})
}

// FuzzAddPairSet: a session that mutates first, then loads the PairSet of
// another session's text (adopting the set's tables when it holds no pair
// yet), ends up as one that loads the same pairs with AddPairs, and both
// then mutate and reverse alike; the set is unchanged for the next session.
func FuzzAddPairSet(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add("const patientRecord = getMrn(dob); // the patient chart", s, uint8(0), false)
		f.Add(s, "let mrn = patientId;", uint8(1), true)
	}
	mPHI, mAll := fuzzMutators(f)
	langs := Langs()
	f.Fuzz(func(t *testing.T, a, b string, li uint8, all bool) {
		lang := langs[int(li)%len(langs)]
		m := mPHI
		if all {
			m = mAll
		}
		src := m.NewSession()
		reps := src.Replacements(a, lang, nil)
		ps := pairSetOfReps(t, src, reps)
		if !slices.IsSortedFunc(ps.pairs, func(x, y pair) int { return strings.Compare(x.syn, y.syn) }) {
			t.Fatalf("set not sorted by synthetic: %v", ps.pairs)
		}
		outA := Apply(a, reps)
		before := ps.Pairs()
		viaSet, viaMap := m.NewSession(), m.NewSession()
		outB := viaSet.Mutate(b, lang)
		if got := viaMap.Mutate(b, lang); got != outB {
			t.Fatalf("two fresh sessions differ: %q, %q", got, outB)
		}
		errSet, errMap := viaSet.AddPairSet(ps), viaMap.AddPairs(before)
		if (errSet == nil) != (errMap == nil) {
			t.Fatalf("AddPairSet: %v, AddPairs: %v", errSet, errMap)
		}
		if errSet != nil {
			return
		}
		if !maps.Equal(viaSet.Pairs(), viaMap.Pairs()) || viaSet.Count() != viaMap.Count() {
			t.Fatalf("pairs %v, want %v", viaSet.Pairs(), viaMap.Pairs())
		}
		for _, next := range []string{b, a, a + "\n" + b} {
			if got, want := viaSet.Mutate(next, lang), viaMap.Mutate(next, lang); got != want {
				t.Fatalf("mutate %q after loading:\n got %q\nwant %q", next, got, want)
			}
		}
		if back, _ := viaSet.Reverse(outA + "\n" + outB); back != a+"\n"+b {
			t.Fatalf("reverse: %q", back)
		}
		if !maps.Equal(ps.Pairs(), before) {
			t.Fatal("loading changed the set")
		}
		again := m.NewSession()
		if err := again.AddPairSet(ps); err != nil || !maps.Equal(again.Pairs(), before) {
			t.Fatalf("a later load: %v, pairs %v, want %v", err, again.Pairs(), before)
		}
	})
}
