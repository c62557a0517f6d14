package mutate

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestGoldenReverse restores a model answer written against the mutated
// ts.input: synthetics as issued, derived names (get…, …List), re-cased
// synthetics and one synthetic the session never issued.
func TestGoldenReverse(t *testing.T) {
	s := newTestSession(t, PolicyPHI)
	s.Mutate(goldenInputs(t)[LangTS], LangTS)
	syn := invert(s.Pairs())
	other, err := New([]byte("some-other-project-key-0123456789"), PolicyPHI)
	if err != nil {
		t.Fatal(err)
	}
	os2 := other.NewSession()
	os2.Mutate("mrn", LangText)
	foreign := invert(os2.Pairs())["mrn"]

	tmpl, err := os.ReadFile(filepath.Join("testdata", "golden", "answer.template"))
	if err != nil {
		t.Fatal(err)
	}
	marker := regexp.MustCompile(`\{\{(?:(upper|lower):)?(\w+)\}\}`)
	var missing []string
	answer := marker.ReplaceAllStringFunc(string(tmpl), func(m string) string {
		g := marker.FindStringSubmatch(m)
		if g[2] == "foreign" {
			return foreign
		}
		v, ok := syn[g[2]]
		if !ok {
			missing = append(missing, g[2])
			return m
		}
		switch g[1] {
		case "upper":
			return v[:len(v)-bodyLen] + strings.ToUpper(v[len(v)-bodyLen:])
		case "lower":
			return strings.ToLower(v)
		}
		return v
	})
	if len(missing) > 0 {
		t.Fatalf("template names not mutated by ts.input: %v", missing)
	}
	got, fid := s.Reverse(answer)
	got += fmt.Sprintf("\n-- fidelity: found %d, restored %d\n", fid.Found, fid.Restored)
	path := filepath.Join("testdata", "golden", "answer.golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("restored answer differs from %s:\n%s", path, lineDiff(string(want), got))
	}
	// The streamed restore agrees, chunked like SSE deltas.
	r := s.NewStreamReverser()
	var b strings.Builder
	for i := 0; i < len(answer); i += 7 {
		b.WriteString(r.Write(answer[i:min(i+7, len(answer))]))
	}
	b.WriteString(r.Flush())
	if whole, _ := s.Reverse(answer); b.String() != whole || r.Fidelity() != fid {
		t.Error("streamed restore differs from the whole-text restore")
	}
}
