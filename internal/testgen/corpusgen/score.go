package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// score compares reports from pretense (JSON) and gitleaks (JSON) against
// labels.json and prints recall and precision for each, plus every planted
// secret gitleaks found and pretense missed.
//
//	corpusgen score LABELS PRETENSE.json GITLEAKS.json
func score(w io.Writer, labelsPath, pretensePath, gitleaksPath string) error {
	var labels Labels
	if err := readJSON(labelsPath, &labels); err != nil {
		return err
	}
	truth := map[string]bool{}
	for _, l := range labels.Secrets {
		truth[key(l.Path, l.Line)] = true
	}
	var pr struct {
		Findings []struct {
			Path string `json:"path"`
			Line int    `json:"line"`
		} `json:"findings"`
	}
	if err := readJSON(pretensePath, &pr); err != nil {
		return err
	}
	var gl []struct {
		File      string `json:"File"`
		StartLine int    `json:"StartLine"`
	}
	if err := readJSON(gitleaksPath, &gl); err != nil {
		return err
	}
	pSet, gSet := map[string]bool{}, map[string]bool{}
	for _, f := range pr.Findings {
		pSet[key(strip(f.Path), f.Line)] = true
	}
	for _, f := range gl {
		gSet[key(strip(f.File), f.StartLine)] = true
	}
	report := func(name string, got map[string]bool) {
		tp, fp := 0, 0
		for k := range got {
			if truth[k] {
				tp++
			} else {
				fp++
			}
		}
		recall := float64(tp) / float64(len(truth))
		precision := 1.0
		if tp+fp > 0 {
			precision = float64(tp) / float64(tp+fp)
		}
		fmt.Fprintf(w, "%-9s planted %d  found %d  false positives %d  recall %.3f  precision %.3f\n", name, len(truth), tp, fp, recall, precision)
	}
	report("pretense", pSet)
	report("gitleaks", gSet)
	var missed []string
	for k := range gSet {
		if truth[k] && !pSet[k] {
			missed = append(missed, k)
		}
	}
	slices.Sort(missed)
	fmt.Fprintf(w, "planted secrets gitleaks found and pretense missed: %d\n", len(missed))
	for _, m := range missed {
		fmt.Fprintf(w, "  %s\n", m)
	}
	return nil
}

func key(path string, line int) string { return fmt.Sprintf("%s:%d", path, line) }

// strip removes the corpus directory prefix both tools put on paths.
func strip(p string) string {
	p = filepath.ToSlash(p)
	if i := strings.Index(p, "corpus/"); i >= 0 {
		return p[i+len("corpus/"):]
	}
	return p
}

func readJSON(path string, v any) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
