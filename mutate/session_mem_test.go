package mutate

import (
	"fmt"
	"runtime"
	"strings"
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
