package rules

import (
	"fmt"
	"go/build"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// The scan's shortcuts (keyword-anchored matching, lead bytes, bounded
// anchored input, the marks of the keyword pass) must find exactly what
// running each rule's full regex over its windows finds. These tests and
// FuzzScanPaths compare the two paths of one rule set: plainRegex turns
// the shortcuts off.

// pathSets compiles the built-in rules in every PHI mode, each with its
// plain twin.
func pathSets(t testing.TB) (fast, plain []*Ruleset) {
	for _, m := range []Mode{ModeOff, ModeStandard, ModeStrict} {
		rs, err := Compile(Builtin(), Options{PHIMode: m})
		if err != nil {
			t.Fatal(err)
		}
		p := *rs
		p.plainRegex = true
		fast, plain = append(fast, rs), append(plain, &p)
	}
	return fast, plain
}

func samePaths(t *testing.T, fast, plain *Ruleset, name string, data []byte) {
	t.Helper()
	got, want := fast.Scan(data), plain.Scan(data)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s (phi %s, %d bytes): fast path %s\nplain path %s", name, fast.mode, len(data), describe(got), describe(want))
	}
}

func describe(ms []Match) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d matches:", len(ms))
	for _, m := range ms {
		fmt.Fprintf(&b, " %s@%d-%d", m.Rule.ID, m.Start, m.End)
	}
	return b.String()
}

var foldKS = strings.NewReplacer("k", "\u212a", "s", "\u017f", "K", "\u212a", "S", "\u017f")

// pathCorpus is every rule's expanded samples, one by one and joined, and
// real files from the Go distribution.
func pathCorpus(t testing.TB) map[string][]byte {
	rs, err := Compile(Builtin(), Options{PHIMode: ModeStrict})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 11))
	out := map[string][]byte{}
	var all []string
	for _, r := range rs.Rules() {
		for i, tmpl := range append(r.Samples.TP, r.Samples.FP...) {
			s := mustExpand(t, tmpl, rng)
			out[fmt.Sprintf("%s sample %d", r.ID, i)] = []byte(s)
			all = append(all, s)
		}
	}
	// Joined in chunks: the overlap filters are quadratic in the matches
	// of one input, and thousands of them make a slow test, not a better one.
	for c := 0; c < len(all); c += 200 {
		part := all[c:min(len(all), c+200)]
		out[fmt.Sprintf("samples %d+, lines", c)] = []byte(strings.Join(part, "\n"))
		out[fmt.Sprintf("samples %d+, one line", c)] = []byte(strings.Join(part, " "))
		out[fmt.Sprintf("samples %d+, JSON string", c)] = []byte(`{"text":"` + strings.ReplaceAll(strings.Join(part, `\n`), `"`, `\"`) + `"}`)
		// Non-ASCII text around and between them: the anchored attempts
		// of rules whose keywords fold only to ASCII run there too.
		out[fmt.Sprintf("samples %d+, non-ASCII", c)] = []byte("é " + strings.Join(part, " ü\n€") + " \u212a\u017f")
		out[fmt.Sprintf("samples %d+, invalid UTF-8", c)] = []byte(strings.Join(part, "\xff\xc3"))
		// k and s as the Kelvin sign and long s, which (?i) matches and
		// the keyword automaton does not see: those rules keep the
		// window regex on non-ASCII text.
		out[fmt.Sprintf("samples %d+, folded k and s", c)] = []byte(foldKS.Replace(strings.Join(part, "\n")))
	}
	for _, p := range []string{"src/net/http/server.go", "src/internal/trace/traceviewer/static/webcomponents.min.js", "src/crypto/x509/x509_test.go", "src/unicode/tables.go"} {
		if data, err := os.ReadFile(filepath.Join(build.Default.GOROOT, p)); err == nil {
			out[p] = data
		}
	}
	return out
}

func TestScanPathsAgree(t *testing.T) {
	fast, plain := pathSets(t)
	corpus := pathCorpus(t)
	names := slices.Sorted(maps.Keys(corpus))
	for i := range fast {
		for n, name := range names {
			// Under -race each mode checks every fifth input, the modes
			// starting at different ones, the same inputs on every run.
			if raceEnabled && n%5 != i {
				continue
			}
			samePaths(t, fast[i], plain[i], name, corpus[name])
		}
	}
}

// FuzzScanPaths: on any input, the shortcuts find what the plain path
// finds, in every PHI mode.
//
//	go test ./rules -run '^$' -fuzz '^FuzzScanPaths$' -fuzztime 3m -parallel 1
func FuzzScanPaths(f *testing.F) {
	fast, plain := pathSets(f)
	rs := fast[2]
	rng := rand.New(rand.NewPCG(5, 9))
	for _, r := range rs.Rules() {
		for _, tmpl := range r.Samples.TP {
			f.Add([]byte(mustExpand(f, tmpl, rng)))
		}
	}
	f.Add([]byte("x\u212a\u017f password = 'abc\xffdef' \xc5\x80key=AKIA"))
	f.Add([]byte("\xc3lob = live_" + strings.Repeat("a1", 17) + "f é"))
	// The name rule's label gate (labelgate.go): candidates with and
	// without labels, titles it leaves alone, matches covering the next.
	f.Add([]byte("patient: Mr. Ora Vale\nexport function getPatientRecord(input: Input0): Output {}\nPatient name: Ada O'Neil-Roe, guarantor Ivo Kade. Name Ben")) // pretense:allow: synthetic names in a fuzz seed
	f.Fuzz(func(t *testing.T, data []byte) {
		for i := range fast {
			samePaths(t, fast[i], plain[i], "fuzz input", data)
		}
	})
}
