package mutate

import (
	"fmt"
	"maps"
	"runtime"
	"strings"
	"sync"
	"testing"
	"unsafe"
	"weak"
)

// A session outlives the text it mutated (a proxy reverses the response
// with it). It must not keep that text alive through the names it
// remembers, or a large request is held twice for the whole exchange.
func TestSessionDoesNotRetainText(t *testing.T) {
	s := newTestSession(t, PolicyAll)
	var b strings.Builder
	for i := 0; b.Len() < 4<<20; i++ {
		fmt.Fprintf(&b, "const rec%d = lookupPatientRecord(acct%d); // Medical Record of %d\n", i, i, i)
	}
	buf := []byte(b.String())
	wp := weak.Make(&buf[0])
	text := unsafe.String(&buf[0], len(buf))
	out := s.Mutate(text, LangTS)
	if out == text || s.Count() == 0 {
		t.Fatal("nothing was mutated; the test needs names the session keeps")
	}
	want := strings.Clone(text[:200])
	buf, text = nil, ""
	for range 3 {
		runtime.GC()
	}
	if wp.Value() != nil {
		t.Fatal("the session still references the text it mutated")
	}
	if got, _ := s.Reverse(out[:len(want)+200]); !strings.HasPrefix(got, want) {
		t.Fatalf("reverse after the text was freed:\n got %.200q\nwant %.200q", got, want)
	}
}

func TestAddPairs(t *testing.T) {
	const text = "function lookupPatientRecord(mrn) { return chart.getMedicalRecordNumber(mrn); }\n"
	a := newTestSession(t, PolicyPHI)
	outA := a.Mutate(text, LangJS)
	if a.Count() == 0 {
		t.Fatal("nothing mutated")
	}

	// A session taught a's pairs mutates the same text the same way and
	// reverses a's output, without having seen the text.
	b := newTestSession(t, PolicyPHI)
	if err := b.AddPairs(a.Pairs()); err != nil {
		t.Fatal(err)
	}
	if b.Count() != a.Count() {
		t.Fatalf("count %d, want %d", b.Count(), a.Count())
	}
	if got, _ := b.Reverse(outA); got != text {
		t.Fatalf("reverse with added pairs:\n got %q\nwant %q", got, text)
	}
	if got := b.Mutate(text, LangJS); got != outA {
		t.Fatalf("mutate after AddPairs:\n got %q\nwant %q", got, outA)
	}
	// Adding the same pairs again changes nothing.
	if err := b.AddPairs(a.Pairs()); err != nil || b.Count() != a.Count() {
		t.Fatalf("re-adding: err %v, count %d want %d", err, b.Count(), a.Count())
	}

	// A reverse-only session (as read from a map file) learns pairs too.
	r, err := ReadMap(strings.NewReader(`{"format":"pretense-mutation-map","version":1,"pairs":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.AddPairs(a.Pairs()); err != nil {
		t.Fatal(err)
	}
	if got, f := r.Reverse(outA); got != text || f.Restored != f.Found {
		t.Fatalf("reverse-only session: %q %+v", got, f)
	}

	var syn string
	for k := range a.Pairs() {
		syn = k
		break
	}
	for _, c := range []struct {
		name  string
		pairs map[string]string
		want  string
	}{
		{"not a synthetic", map[string]string{"_notAsynth": "x"}, "not a synthetic"},
		{"empty original", map[string]string{syn: ""}, "empty original"},
		{"synthetic taken by another name", map[string]string{syn: "someoneElse"}, "another name"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := b.Count()
			err := b.AddPairs(c.pairs)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v, want %q", err, c.want)
			}
			if b.Count() != before {
				t.Fatal("a refused AddPairs changed the session")
			}
		})
	}
}

// pairSetOfReps is s's PairSet of the synthetics in reps (a text's
// replacements).
func pairSetOfReps(tb testing.TB, s *Session, reps []Replacement) *PairSet {
	tb.Helper()
	syns := make([]string, 0, len(reps))
	for _, r := range reps {
		syns = append(syns, r.Synthetic)
	}
	ps, err := s.PairSetOf(syns)
	if err != nil {
		tb.Fatal(err)
	}
	return ps
}

// TestAddPairSet: a PairSet made from the synthetics a text used teaches a
// session exactly what AddPairs with the same pairs does.
func TestAddPairSet(t *testing.T) {
	const text = "function lookupPatientRecord(mrn) { return chart.getMedicalRecordNumber(mrn); }\n"
	a := newTestSession(t, PolicyPHI)
	reps := a.Replacements(text, LangJS, nil)
	outA := Apply(text, reps)
	ps := pairSetOfReps(t, a, reps)
	if ps.Len() != a.Count() || !maps.Equal(ps.Pairs(), a.Pairs()) {
		t.Fatalf("set %v, want the session's pairs %v", ps.Pairs(), a.Pairs())
	}

	viaMap, viaSet := newTestSession(t, PolicyPHI), newTestSession(t, PolicyPHI)
	if err := viaMap.AddPairs(a.Pairs()); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second load is a no-op
		if err := viaSet.AddPairSet(ps); err != nil {
			t.Fatal(err)
		}
	}
	if !maps.Equal(viaSet.Pairs(), viaMap.Pairs()) || viaSet.Count() != viaMap.Count() {
		t.Fatalf("pairs %v, want %v", viaSet.Pairs(), viaMap.Pairs())
	}
	if got, _ := viaSet.Reverse(outA); got != text {
		t.Fatalf("reverse with the set:\n got %q\nwant %q", got, text)
	}
	const more = "// the patientRecord of mrn 7 and lookupPatientRecord again\n"
	if got, want := viaSet.Mutate(more, LangJS), viaMap.Mutate(more, LangJS); got != want {
		t.Fatalf("mutate after AddPairSet:\n got %q\nwant %q", got, want)
	}

	// A session that already mutated a text loads the set as AddPairs
	// does, whether the text selected nothing (the set's tables are
	// adopted) or something (pair by pair); and a session writing after
	// the load leaves the set's tables as they were for the next one.
	for _, first := range []string{"You are a careful reviewer.", "// the patient chart\n", "let dateOfBirth = 1;\n"} {
		viaMap, viaSet := newTestSession(t, PolicyPHI), newTestSession(t, PolicyPHI)
		for _, s := range []*Session{viaMap, viaSet} {
			s.Mutate(first, LangJS)
		}
		if err := viaMap.AddPairs(a.Pairs()); err != nil {
			t.Fatal(err)
		}
		if err := viaSet.AddPairSet(ps); err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(viaSet.Pairs(), viaMap.Pairs()) || viaSet.Count() != viaMap.Count() {
			t.Fatalf("after %q: pairs %v, want %v", first, viaSet.Pairs(), viaMap.Pairs())
		}
		for _, next := range []string{more, first, "const insuranceMemberId = mrn + dateOfBirth;\n"} {
			if got, want := viaSet.Mutate(next, LangJS), viaMap.Mutate(next, LangJS); got != want {
				t.Fatalf("after %q, mutate %q:\n got %q\nwant %q", first, next, got, want)
			}
		}
		if got, _ := viaSet.Reverse(viaMap.Mutate(text+more, LangJS)); got != text+more {
			t.Fatalf("after %q: reverse %q", first, got)
		}
	}
	if tb := ps.tables(); len(tb.o2s) != ps.Len() || len(tb.s2o) != ps.Len() || len(tb.textSel) != ps.Len() {
		t.Fatalf("sessions wrote into the set's tables: %d originals, %d synthetics, %d words for %d pairs", len(tb.o2s), len(tb.s2o), len(tb.textSel), ps.Len())
	}
	fresh := newTestSession(t, PolicyPHI)
	if err := fresh.AddPairSet(ps); err != nil {
		t.Fatal(err)
	}
	if fresh.Count() != ps.Len() || !maps.Equal(fresh.Pairs(), ps.Pairs()) {
		t.Fatalf("a later session's load sees another session's writes: %v", fresh.Pairs())
	}
	if got := fresh.Mutate("x = insuranceMemberId\n", LangJS); got != newTestSession(t, PolicyPHI).Mutate("x = insuranceMemberId\n", LangJS) {
		t.Fatalf("a later session mutates differently: %q", got)
	}

	// A session that learnt another name for one of the synthetics refuses
	// the set and stays as it was.
	var syn string
	for k := range a.Pairs() {
		syn = k
		break
	}
	other := newTestSession(t, PolicyPHI)
	if err := other.AddPairs(map[string]string{syn: "someoneElse"}); err != nil {
		t.Fatal(err)
	}
	if err := other.AddPairSet(ps); err == nil || !strings.Contains(err.Error(), "another name") {
		t.Fatalf("conflicting set: err %v", err)
	}
	if other.Count() != 1 {
		t.Fatalf("a refused AddPairSet changed the session: %v", other.Pairs())
	}

	for _, c := range []struct {
		name string
		syns []string
		want string
	}{
		{"not a synthetic", []string{"_notAsynth"}, "not a synthetic"},
		{"not issued here", []string{invert(newTestSession(t, PolicyPHI).pairsFor(t, "mrnValue"))["mrnValue"]}, "not issued"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := a.PairSetOf(c.syns); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v, want %q", err, c.want)
			}
		})
	}
}

// pairsFor mutates name in s as code and returns the session's pairs.
func (s *Session) pairsFor(t *testing.T, name string) map[string]string {
	t.Helper()
	s.Mutate("var "+name+" = 1;\n", LangJS)
	return s.Pairs()
}

// TestAddPairSetConcurrent: sessions of one Mutator load the same set at
// once and then mutate on their own (run with -race): the set's tables are
// only read, each session copies what it writes.
func TestAddPairSetConcurrent(t *testing.T) {
	m, err := New(testKey, PolicyPHI)
	if err != nil {
		t.Fatal(err)
	}
	const text = "function lookupPatientRecord(mrn) { return chart.getMedicalRecordNumber(mrn); }\n"
	a := m.NewSession()
	reps := a.Replacements(text, LangJS, nil)
	ps := pairSetOfReps(t, a, reps)
	out := Apply(text, reps)
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for i := range 8 {
		wg.Go(func() {
			s := m.NewSession()
			s.Mutate("You are a careful reviewer.", LangText)
			if err := s.AddPairSet(ps); err != nil {
				errs <- err.Error()
				return
			}
			more := fmt.Sprintf("let insuranceMemberId%d = dateOfBirth;\n", i)
			if got, _ := s.Reverse(out + s.Mutate(more, LangJS)); got != text+more {
				errs <- got
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
