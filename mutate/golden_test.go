package mutate

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// testKey is a fixed, obviously fake key so golden files are stable.
var testKey = []byte("pretense-golden-test-key-not-secret")

func goldenInputs(t testing.TB) map[Lang]string {
	t.Helper()
	out := make(map[Lang]string)
	for _, l := range Langs() {
		b, err := os.ReadFile(filepath.Join("testdata", "golden", string(l)+".input"))
		if err != nil {
			t.Fatalf("read golden input: %v", err)
		}
		out[l] = string(b)
	}
	return out
}

// TestGolden pins the mutated form of one sample per language under both
// policies, and checks each round-trips.
func TestGolden(t *testing.T) {
	for lang, in := range goldenInputs(t) {
		for _, pol := range []Policy{PolicyPHI, PolicyAll} {
			t.Run(string(lang)+"/"+string(pol), func(t *testing.T) {
				m, err := New(testKey, pol)
				if err != nil {
					t.Fatal(err)
				}
				s := m.NewSession()
				got := s.Mutate(in, lang)
				path := filepath.Join("testdata", "golden", string(lang)+"."+string(pol)+".golden")
				if *update {
					if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("read golden (run go test ./mutate -run TestGolden -update): %v", err)
				}
				if got != string(want) {
					t.Errorf("mutated %s differs from %s:\n%s", lang, path, lineDiff(string(want), got))
				}
				back, fid := s.Reverse(got)
				if back != in {
					t.Errorf("round trip differs:\n%s", lineDiff(in, back))
				}
				if fid.Found == 0 || fid.Ratio() != 1 {
					t.Errorf("fidelity %+v, want every synthetic restored", fid)
				}
			})
		}
	}
}

func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, c string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			c = g[i]
		}
		if a != c {
			b.WriteString("- " + a + "\n+ " + c + "\n")
		}
	}
	return b.String()
}
