package mutate

import (
	"bytes"
	"fmt"
	"maps"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

func newTestSession(t testing.TB, pol Policy) *Session {
	t.Helper()
	m, err := New(testKey, pol)
	if err != nil {
		t.Fatal(err)
	}
	return m.NewSession()
}

var synthRE = regexp.MustCompile(`^(_cls|_fn|_v)[a-zA-Z2-9]{11}$`)

// wordRuns returns the maximal identifier runs of text.
func wordRuns(text string) []string {
	var out []string
	for i := 0; i < len(text); {
		if wordLen(text, i) == 0 && text[i] != '$' {
			i++
			continue
		}
		j := i
		for j < len(text) && (wordLen(text, j) > 0 || text[j] == '$') {
			j += max(1, wordLen(text, j))
		}
		out = append(out, text[i:j])
		i = j
	}
	return out
}

// TestSelectedNeverSurvive: after mutation no selected name appears as a
// word anywhere (code, comments, strings, prose), and under the phi policy
// no word of the output names a PHI concept.
func TestSelectedNeverSurvive(t *testing.T) {
	for lang, in := range goldenInputs(t) {
		for _, pol := range []Policy{PolicyPHI, PolicyAll} {
			t.Run(string(lang)+"/"+string(pol), func(t *testing.T) {
				s := newTestSession(t, pol)
				out := s.Mutate(in, lang)
				if s.Count() == 0 {
					t.Fatal("nothing mutated")
				}
				originals := make(map[string]bool)
				for syn, orig := range s.Pairs() {
					originals[orig] = true
					if !synthRE.MatchString(syn) {
						t.Errorf("synthetic %q is not identifier-safe and fixed-length", syn)
					}
				}
				var sc scratch
				for _, w := range wordRuns(out) {
					if originals[w] {
						t.Errorf("selected name %q survives in the mutated text", w)
					}
					if s.m.sets.isPHI(w, &sc) {
						t.Errorf("PHI word %q survives in the mutated text", w)
					}
				}
			})
		}
	}
}

func TestPolicySelection(t *testing.T) {
	tests := []struct {
		name     string
		lang     Lang
		in       string
		pol      Policy
		mutated  []string
		kept     []string
		wantKind map[string]string // original → synthetic prefix
	}{
		{
			name:    "phi names in code",
			lang:    LangTS,
			in:      "interface PatientRecord { mrn: string; dateOfBirth: string; diagnosisCodes: string[]; total: number }",
			pol:     PolicyPHI,
			mutated: []string{"PatientRecord", "mrn", "dateOfBirth", "diagnosisCodes"},
			kept:    []string{"interface", "string", "total", "number"},
			wantKind: map[string]string{
				"PatientRecord": "_cls", "mrn": "_v", "dateOfBirth": "_v",
			},
		},
		{
			name:     "function names get _fn",
			lang:     LangGo,
			in:       "func getPatient(id int) {} func LoadClaims() {} func isInsured() bool { return true }",
			pol:      PolicyPHI,
			mutated:  []string{"LoadClaims", "isInsured", "getPatient"},
			kept:     []string{"func", "id", "int", "bool", "return", "true"},
			wantKind: map[string]string{"LoadClaims": "_fn", "isInsured": "_fn", "getPatient": "_fn"},
		},
		{
			name:    "comment words",
			lang:    LangGo,
			in:      "x := 1 // Medical Record Number, Social Security, patient's DOB\n",
			pol:     PolicyPHI,
			mutated: []string{"Medical", "Record", "Social", "Security", "patient", "DOB"},
			kept:    []string{"Number", "x"},
		},
		{
			name:    "lowercase concatenations and plurals",
			lang:    LangSQL,
			in:      "SELECT patientid, dateofbirth, claims, npis FROM encounters WHERE idea = 1 AND remember = 2",
			pol:     PolicyPHI,
			mutated: []string{"patientid", "dateofbirth", "claims", "npis", "encounters"},
			kept:    []string{"SELECT", "FROM", "WHERE", "idea", "remember", "AND"},
		},
		{
			name:    "all policy: proprietary names, not keywords or common words",
			lang:    LangTS,
			in:      "export function computeInvoiceTotal(lineItems: LineItem[]): number { const value = lineItems.length; console.log(value); return value }",
			pol:     PolicyAll,
			mutated: []string{"computeInvoiceTotal", "lineItems", "LineItem"},
			kept:    []string{"export", "function", "number", "const", "value", "length", "console", "log", "return"},
		},
		{
			name:    "all policy: names in strings and comments follow the code",
			lang:    LangPython,
			in:      "def reconcile_ledger(x):\n    # reconcile_ledger is called nightly\n    log('reconcile_ledger done')\n",
			pol:     PolicyAll,
			mutated: []string{"reconcile_ledger"},
			kept:    []string{"def", "is", "called", "nightly", "done"},
		},
		{
			name:    "all policy: members of standard packages are not proprietary",
			lang:    LangGo,
			in:      "func normalizeLedger(s string) string { return strings.TrimSpace(s) + filepath.Base(s) } // TrimSpace first",
			pol:     PolicyAll,
			mutated: []string{"normalizeLedger"},
			kept:    []string{"strings.TrimSpace", "filepath.Base"},
		},
		{
			name:    "all policy: inline code in prose is code",
			lang:    LangMarkdown,
			in:      "Call `ledger` after `return`; the ledger is the name.",
			pol:     PolicyAll,
			mutated: []string{"ledger"},
			kept:    []string{"Call", "after", "return", "the", "is", "name"},
		},
		{
			name:    "phi policy leaves other names",
			lang:    LangTS,
			in:      "function computeInvoiceTotal(lineItems) { return lineItems }",
			pol:     PolicyPHI,
			kept:    []string{"computeInvoiceTotal", "lineItems"},
			mutated: nil,
		},
		{
			name:    "keywords, numbers and strings are not identifiers",
			lang:    LangPython,
			in:      "patient = 0x1F + 3.5e10 + 10_000\nif patient: pass  # npi\nraise ValueError('npi')\n",
			pol:     PolicyAll,
			mutated: []string{"patient", "npi"},
			kept:    []string{"if", "pass", "raise", "ValueError", "0x1F", "5e10", "10_000"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestSession(t, tc.pol)
			out := s.Mutate(tc.in, tc.lang)
			words := make(map[string]bool)
			for _, w := range wordRuns(out) {
				words[w] = true
			}
			pairs := s.Pairs()
			byOrig := make(map[string]string)
			for syn, o := range pairs {
				byOrig[o] = syn
			}
			for _, w := range tc.mutated {
				if words[w] {
					t.Errorf("%q not mutated: %s", w, out)
				}
				if _, ok := byOrig[w]; !ok {
					t.Errorf("%q missing from the pairs", w)
				}
			}
			for _, w := range tc.kept {
				if !strings.Contains(out, w) {
					t.Errorf("%q was mutated but should stay: %s", w, out)
				}
			}
			for orig, pfx := range tc.wantKind {
				if syn := byOrig[orig]; !strings.HasPrefix(syn, pfx) || len(syn) != len(pfx)+bodyLen {
					t.Errorf("%s → %q, want prefix %s and length %d", orig, syn, pfx, len(pfx)+bodyLen)
				}
			}
			if back, _ := s.Reverse(out); back != tc.in {
				t.Errorf("round trip:\n got %q\nwant %q", back, tc.in)
			}
		})
	}
}

func TestCapitalisationCarried(t *testing.T) {
	s := newTestSession(t, PolicyPHI)
	s.Mutate("PatientRecord patientRecord PATIENT_LIMIT", LangText)
	p := invert(s.Pairs())
	if syn := p["PatientRecord"]; !strings.HasPrefix(syn, "_cls") || syn[4] < 'A' || syn[4] > 'Z' {
		t.Errorf("class name → %q, want _cls and an upper-case body start", syn)
	}
	if syn := p["patientRecord"]; !strings.HasPrefix(syn, "_v") || strings.ToLower(syn) != syn {
		t.Errorf("variable → %q, want a lower-case _v synthetic", syn)
	}
	if syn := p["PATIENT_LIMIT"]; !strings.HasPrefix(syn, "_v") || strings.ToUpper(syn[2:]) != syn[2:] {
		t.Errorf("constant → %q, want an upper-case body", syn)
	}
}

func invert(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[v] = k
	}
	return out
}

func TestDeterministicAcrossSessionsAndKeys(t *testing.T) {
	in := "const patientName = getPatient(mrn) // patient"
	a := newTestSession(t, PolicyPHI).Mutate(in, LangTS)
	m2, _ := New(append([]byte(nil), testKey...), PolicyPHI)
	b := m2.NewSession().Mutate(in, LangTS)
	if a != b {
		t.Errorf("same key, different output:\n%s\n%s", a, b)
	}
	// Consistent within a session across calls.
	s := newTestSession(t, PolicyPHI)
	first := s.Mutate("let mrn = 1", LangTS)
	second := s.Mutate("print(mrn)", LangPython)
	syn := invert(s.Pairs())["mrn"]
	if !strings.Contains(first, syn) || !strings.Contains(second, syn) || s.Count() != 1 {
		t.Errorf("mrn not mutated consistently: %q %q (%d pairs)", first, second, s.Count())
	}
	// A different key gives unrelated synthetics.
	m3, _ := New([]byte("another-key-entirely-different!!"), PolicyPHI)
	c := m3.NewSession().Mutate(in, LangTS)
	if c == a {
		t.Error("different keys gave the same output")
	}
	sa, sc := invert(newSessionPairs(t, testKey, in)), invert(newSessionPairs(t, []byte("another-key-entirely-different!!"), in))
	for orig, syn := range sa {
		if sc[orig] == syn {
			t.Errorf("%s has the same synthetic under two keys", orig)
		}
	}
}

func newSessionPairs(t *testing.T, key []byte, in string) map[string]string {
	m, err := New(key, PolicyPHI)
	if err != nil {
		t.Fatal(err)
	}
	s := m.NewSession()
	s.Mutate(in, LangTS)
	return s.Pairs()
}

func TestPrefixFree(t *testing.T) {
	s := newTestSession(t, PolicyAll)
	var b strings.Builder
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&b, "Patient%dRecord getPatient%d patient_%d ", i, i, i)
	}
	s.Mutate(b.String(), LangText)
	syns := make([]string, 0, s.Count())
	for syn := range s.Pairs() {
		syns = append(syns, syn)
	}
	lens := map[string]int{"_cls": 4 + bodyLen, "_fn": 3 + bodyLen, "_v": 2 + bodyLen}
	for _, a := range syns {
		ok := false
		for pfx, n := range lens {
			if strings.HasPrefix(a, pfx) && len(a) == n {
				ok = true
			}
		}
		if !ok {
			t.Fatalf("%q: wrong prefix or length", a)
		}
	}
	// Fixed length per kind and distinct second bytes make the set
	// prefix-free; check it directly on a sample.
	for i, a := range syns[:200] {
		for j, c := range syns {
			if i != j && strings.HasPrefix(strings.ToLower(c), strings.ToLower(a)) {
				t.Fatalf("%q is a prefix of %q", a, c)
			}
		}
	}
}

func TestReverseDerivedNames(t *testing.T) {
	s := newTestSession(t, PolicyPHI)
	s.Mutate("class PatientRecord {}; let patientId, mrn, patient_id; const MAX_PATIENTS = 1", LangTS)
	p := invert(s.Pairs())
	cls, v, mrn, snake, max := p["PatientRecord"], p["patientId"], p["mrn"], p["patient_id"], p["MAX_PATIENTS"]
	tests := []struct{ in, want string }{
		{cls + "List", "PatientRecordList"},
		{"new " + cls + "()", "new PatientRecord()"},
		{"get" + v, "getPatientId"},
		{"set" + cls, "setPatientRecord"},
		{"get" + mrn, "get_mrn"},
		{"get" + snake + "s", "get_patient_ids"},
		{v + "s", "patientIds"},
		{strings.ToUpper(v), "PATIENT_ID"},
		{"_V" + strings.ToUpper(v[2:]), "PATIENT_ID"},
		{"_cls" + strings.ToLower(cls[4:]), "patientRecord"},
		{"_v" + strings.ToLower(max[2:]), "max_patients"},
		{"x." + v + "." + mrn + "!", "x.patientId.mrn!"},
	}
	for _, tc := range tests {
		got, f := s.Reverse(tc.in)
		if got != tc.want {
			t.Errorf("Reverse(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if f.Found == 0 || f.Ratio() != 1 {
			t.Errorf("Reverse(%q): fidelity %+v", tc.in, f)
		}
	}
}

func TestReverseFidelityUnknownSynthetic(t *testing.T) {
	s := newTestSession(t, PolicyPHI)
	out := s.Mutate("patient", LangText)
	m2, err := New([]byte("a-different-key-for-the-invented"), PolicyPHI)
	if err != nil {
		t.Fatal(err)
	}
	other := m2.NewSession()
	invented := other.Mutate("mrn", LangText) // shape-valid, never issued by s
	got, f := s.Reverse(out + " and " + invented)
	if got != "patient and "+invented {
		t.Errorf("got %q", got)
	}
	if f.Found != 2 || f.Restored != 1 || f.Ratio() != 0.5 {
		t.Errorf("fidelity %+v ratio %v, want 2 found, 1 restored", f, f.Ratio())
	}
	if (Fidelity{}).Ratio() != 1 {
		t.Error("empty fidelity ratio should be 1")
	}
}

func TestReversePassthrough(t *testing.T) {
	s := newTestSession(t, PolicyPHI)
	s.Mutate("patient mrn dob", LangText)
	for _, in := range []string{
		"", "plain text", "snake_case _value __init__ _v _cls _fn", "_vabcdefghjkm", // shape but bad checksum
		"\xff\xfe_v\x00", strings.Repeat("_v", 100),
	} {
		got, f := s.Reverse(in)
		if got != in || f.Found != 0 {
			t.Errorf("Reverse(%q) = %q, %+v; want unchanged", in, got, f)
		}
	}
}

// TestCollisions100k mutates 100,000 distinct names with the hash cut to
// four symbols (so thousands collide), in two different orders, and checks
// that every name gets its own synthetic, the assignment does not depend
// on order, and everything reverses.
func TestCollisions100k(t *testing.T) {
	const n = 100_000
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("patient%dField", i)
	}
	run := func(seed uint64, entropy int) (*Session, string, string) {
		m, err := New(testKey, PolicyPHI)
		if err != nil {
			t.Fatal(err)
		}
		m.entropy = entropy
		order := append([]string(nil), names...)
		r := rand.New(rand.NewPCG(seed, seed))
		r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		text := strings.Join(order, " ")
		s := m.NewSession()
		return s, text, s.Mutate(text, LangText)
	}
	for _, entropy := range []int{4, 0} {
		s1, text1, out1 := run(1, entropy)
		s2, _, _ := run(2, entropy)
		if s1.Count() != n {
			t.Fatalf("entropy %d: %d pairs, want %d", entropy, s1.Count(), n)
		}
		if entropy == 4 && s1.collisions < 1000 {
			t.Fatalf("entropy 4: only %d collisions detected; the test does not exercise resolution", s1.collisions)
		}
		p1, p2 := s1.Pairs(), s2.Pairs()
		if len(p1) != n {
			t.Fatalf("entropy %d: %d distinct synthetics for %d names", entropy, len(p1), n)
		}
		seen := make(map[string]bool, n)
		for syn, orig := range p1 {
			if p2[syn] != orig {
				t.Fatalf("entropy %d: %s → %q in one order, %q in another", entropy, syn, orig, p2[syn])
			}
			c := strings.ToLower(syn)
			if seen[c] {
				t.Fatalf("entropy %d: two names share %s", entropy, c)
			}
			seen[c] = true
		}
		back, f := s1.Reverse(out1)
		if back != text1 || f.Found != n || f.Restored != n {
			t.Fatalf("entropy %d: round trip failed, fidelity %+v", entropy, f)
		}
		t.Logf("entropy %d: %d collisions detected and resolved", entropy, s1.collisions)
	}
}

func TestStreamSplitEveryOffset(t *testing.T) {
	s := newTestSession(t, PolicyPHI)
	src := goldenInputs(t)[LangTS]
	mutated := s.Mutate(src, LangTS)
	p := invert(s.Pairs())
	answer := mutated + "\nAlso rename get" + p["dateOfBirth"] + " and " + p["PatientRecord"] + "List; " +
		strings.ToUpper(p["mrn"]) + " _v_ _cls" + "\n_"
	want, wantF := s.Reverse(answer)
	for cut := 0; cut <= len(answer); cut++ {
		r := s.NewStreamReverser()
		got := r.Write(answer[:cut])
		got += r.Write(answer[cut:])
		got += r.Flush()
		if got != want {
			t.Fatalf("split at %d: stream differs from whole-text reverse", cut)
		}
		if r.Fidelity() != wantF {
			t.Fatalf("split at %d: fidelity %+v, want %+v", cut, r.Fidelity(), wantF)
		}
	}
	// One byte at a time, checking the hold-back bound as we go.
	r := s.NewStreamReverser()
	var got strings.Builder
	for i := 0; i < len(answer); i++ {
		got.WriteString(r.Write(answer[i : i+1]))
		if len(r.carry) > maxSynthLen-1 {
			t.Fatalf("holding back %d bytes (%q), more than %d", len(r.carry), r.carry, maxSynthLen-1)
		}
	}
	got.WriteString(r.Flush())
	if got.String() != want || r.Fidelity() != wantF {
		t.Fatal("byte-at-a-time stream differs from whole-text reverse")
	}
	// Random chunkings.
	rng := rand.New(rand.NewPCG(7, 7))
	for k := 0; k < 200; k++ {
		r := s.NewStreamReverser()
		var b strings.Builder
		for i := 0; i < len(answer); {
			j := min(len(answer), i+1+rng.IntN(40))
			b.WriteString(r.Write(answer[i:j]))
			i = j
		}
		b.WriteString(r.Flush())
		if b.String() != want {
			t.Fatalf("random chunking %d differs", k)
		}
	}
}

func TestStreamReleasesPlainText(t *testing.T) {
	s := newTestSession(t, PolicyPHI)
	s.Mutate("patient", LangText)
	r := s.NewStreamReverser()
	if got := r.Write("no synthetics here, "); got != "no synthetics here, " {
		t.Errorf("plain chunk held: %q", got)
	}
	if got := r.Write("snake_"); got != "snake" {
		t.Errorf("got %q, want the text before a possible synthetic start", got)
	}
	if got := r.Write("case"); got != "_case" {
		t.Errorf("got %q, want the held underscore released once it cannot start a synthetic", got)
	}
	if got := r.Flush(); got != "" {
		t.Errorf("flush %q", got)
	}
}

func TestMapFileRoundTrip(t *testing.T) {
	s := newTestSession(t, PolicyAll)
	in := goldenInputs(t)[LangPython]
	out := s.Mutate(in, LangPython)
	var buf bytes.Buffer
	if err := WriteMap(&buf, s); err != nil {
		t.Fatal(err)
	}
	r, err := ReadMap(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if back, f := r.Reverse(out); back != in || f.Ratio() != 1 {
		t.Errorf("map-file session does not reverse: fidelity %+v", f)
	}
	if r.Mutate("patient", LangText) != "patient" {
		t.Error("a map-file session must not mutate")
	}
	bad := []string{
		``, `{}`, `{"format":"x","version":1,"pairs":[]}`,
		`{"format":"pretense-mutation-map","version":2,"pairs":[]}`,
		`{"format":"pretense-mutation-map","version":1,"pairs":[{"synthetic":"_vnotasynthetic","original":"a"}]}`,
		`{"format":"pretense-mutation-map","version":1,"pairs":[],"extra":1}`,
	}
	for _, b := range bad {
		if _, err := ReadMap(strings.NewReader(b)); err == nil {
			t.Errorf("ReadMap(%q) accepted a bad map", b)
		}
	}
	// Duplicates are rejected.
	var one bytes.Buffer
	s2 := newTestSession(t, PolicyPHI)
	s2.Mutate("mrn", LangText)
	WriteMap(&one, s2)
	dup := strings.Replace(one.String(), `"pairs": [`, `"pairs": [`+pairJSON(s2)+`,`, 1)
	if _, err := ReadMap(strings.NewReader(dup)); err == nil {
		t.Error("duplicate synthetic accepted")
	}
}

func pairJSON(s *Session) string {
	for syn, orig := range s.Pairs() {
		return fmt.Sprintf(`{"synthetic":%q,"original":%q}`, syn, orig)
	}
	return ""
}

func TestNewRejectsBadInput(t *testing.T) {
	if _, err := New([]byte("short"), PolicyPHI); err == nil {
		t.Error("short key accepted")
	}
	if _, err := New(testKey, "strict"); err == nil {
		t.Error("unknown policy accepted")
	}
	m, err := New(testKey, "")
	if err != nil || m.Policy() != PolicyPHI {
		t.Errorf("empty policy: %v %v, want phi", m, err)
	}
}

func TestLangFromPath(t *testing.T) {
	for path, want := range map[string]Lang{
		"a/b.ts": LangTS, "x.tsx": LangTS, "x.js": LangJS, "x.py": LangPython, "x.go": LangGo,
		"X.java": LangJava, "x.cs": LangCSharp, "x.rb": LangRuby, "x.rs": LangRust, "x.SQL": LangSQL,
		"README.md": LangMarkdown, "notes.txt": LangText, "Makefile": LangText, "x.unknown": LangText,
	} {
		if got := LangFromPath(path); got != want {
			t.Errorf("LangFromPath(%q) = %q, want %q", path, got, want)
		}
	}
}

// TestConcurrentSessions: one Mutator, many goroutines, each with its own
// session, all get the same answer (run with -race).
func TestConcurrentSessions(t *testing.T) {
	m, err := New(testKey, PolicyAll)
	if err != nil {
		t.Fatal(err)
	}
	in := goldenInputs(t)[LangTS]
	want := m.NewSession().Mutate(in, LangTS)
	errs := make(chan string, 8)
	for g := 0; g < 8; g++ {
		go func() {
			s := m.NewSession()
			got := s.Mutate(in, LangTS)
			back, _ := s.Reverse(got)
			switch {
			case got != want:
				errs <- "different mutation"
			case back != in:
				errs <- "round trip failed"
			default:
				errs <- ""
			}
		}()
	}
	for g := 0; g < 8; g++ {
		if e := <-errs; e != "" {
			t.Error(e)
		}
	}
}

// Replacements is Mutate without the copy: applying them gives Mutate's
// text, and the session ends in the same state either way.
func TestReplacementsApplyToMutate(t *testing.T) {
	texts := []struct {
		text string
		lang Lang
	}{
		{"const rec = lookupPatientRecord(id); // the PatientRecord's dateOfBirth\n", LangTS},
		{"def f(patient_mrn):\n    return patient_mrn + mrn  # mrn of the PatientRecord\n", LangPython},
		{"Rename dateOfBirth in PatientRecord, then insuranceMemberId.", LangText},
		{"nothing to see here", LangText},
	}
	for _, pol := range []Policy{PolicyPHI, PolicyAll} {
		m, err := New(testKey, pol)
		if err != nil {
			t.Fatal(err)
		}
		a, b := m.NewSession(), m.NewSession()
		for _, tc := range texts {
			want := a.Mutate(tc.text, tc.lang)
			reps := b.Replacements(tc.text, tc.lang, nil)
			if got := Apply(tc.text, reps); got != want {
				t.Errorf("%s %q: Apply(Replacements) = %q, Mutate = %q", pol, tc.text, got, want)
			}
			for i, r := range reps {
				if r.Start >= r.End || (i > 0 && r.Start < reps[i-1].End) {
					t.Errorf("%s %q: replacements not sorted and disjoint: %+v", pol, tc.text, reps)
				}
			}
		}
		if !maps.Equal(a.Pairs(), b.Pairs()) || a.Count() == 0 {
			t.Errorf("%s: sessions differ: %v vs %v", pol, a.Pairs(), b.Pairs())
		}
	}
}
