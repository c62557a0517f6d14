package main

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tree reads every file under dir into a map keyed by slash path.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(raw)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRunDeterministicAndLabelled: the same seed writes the same bytes; a
// different seed different values; every label points at a file and at
// the non-empty line its sample was planted on.
func TestRunDeterministicAndLabelled(t *testing.T) {
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	for _, r := range []struct {
		dir  string
		seed uint64
	}{{a, 3}, {b, 3}, {c, 4}} {
		if err := run(filepath.Join(r.dir, "corpus"), r.seed, 1); err != nil {
			t.Fatal(err)
		}
	}
	ta, tb, tc := tree(t, a), tree(t, b), tree(t, c)
	if len(ta) < 100 {
		t.Fatalf("only %d files", len(ta))
	}
	same, differ := true, false
	for k, v := range ta {
		same = same && tb[k] == v
		differ = differ || tc[k] != v
	}
	if !same || len(ta) != len(tb) {
		t.Error("the same seed wrote different corpora")
	}
	if !differ {
		t.Error("seeds 3 and 4 wrote the same corpus")
	}
	var labels Labels
	if err := json.Unmarshal([]byte(ta["corpus.labels.json"]), &labels); err != nil {
		t.Fatal(err)
	}
	if len(labels.Secrets) == 0 || len(labels.Decoys) == 0 {
		t.Fatalf("%d secrets, %d decoys", len(labels.Secrets), len(labels.Decoys))
	}
	for _, l := range append(labels.Secrets, labels.Decoys...) {
		body, ok := ta["corpus/"+l.Path]
		if !ok {
			t.Fatalf("label %+v names no file", l)
		}
		lines := strings.Split(body, "\n")
		if l.Line < 1 || l.Line > len(lines) || strings.TrimSpace(lines[l.Line-1]) == "" {
			t.Fatalf("label %+v: no sample on that line:\n%s", l, body)
		}
	}
}

// TestScore grades two reports against a labels file: recall counts
// planted lines found, precision penalises lines that are not planted,
// and a planted line only gitleaks found is listed.
func TestScore(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, v any) string {
		raw, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	labels := write("labels.json", Labels{Secrets: []Label{{"a/tp0_0.py", 6, "a"}, {"b/tp0_0.go", 5, "b"}}})
	type pf struct {
		Path string `json:"path"`
		Line int    `json:"line"`
	}
	pretense := write("p.json", map[string][]pf{"findings": {{"/x/corpus/a/tp0_0.py", 6}, {"/x/corpus/c/fp0_0.js", 4}}})
	type gf struct {
		File      string
		StartLine int
	}
	gitleaks := write("g.json", []gf{{"corpus/a/tp0_0.py", 6}, {"corpus/b/tp0_0.go", 5}})
	var out bytes.Buffer
	if err := score(&out, labels, pretense, gitleaks); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"pretense  planted 2  found 1  false positives 1  recall 0.500  precision 0.500",
		"gitleaks  planted 2  found 2  false positives 0  recall 1.000  precision 1.000",
		"gitleaks found and pretense missed: 1\n  b/tp0_0.go:5\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if err := score(&out, filepath.Join(dir, "nope.json"), pretense, gitleaks); err == nil {
		t.Error("a missing labels file scored")
	}
}
