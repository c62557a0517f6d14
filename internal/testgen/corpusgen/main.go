// Command corpusgen writes a labelled corpus of planted secrets and decoys
// for measuring recall and precision of pretense and its peers on the same
// files. Every secret is generated from the built-in rules' sample
// templates with a seeded random source, so the corpus holds nothing real
// and is the same on every machine for the same seed.
//
//	go run ./internal/testgen/corpusgen -out /tmp/corpus -seed 1
//
// It writes the files under -out and <out>.labels.json beside them: one
// entry per planted secret (path, line, rule) and the list of decoy lines.
// `corpusgen score LABELS PRETENSE.json GITLEAKS.json` then prints recall
// and precision of both tools on it.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/pretense/pretense/finding"
	"github.com/pretense/pretense/internal/testgen"
	"github.com/pretense/pretense/rules"
)

// Label is one planted secret.
type Label struct {
	Path string `json:"path"`
	Line int    `json:"line"`
	Rule string `json:"rule"`
}

// Labels is the ground truth written to labels.json.
type Labels struct {
	Secrets []Label `json:"secrets"`
	Decoys  []Label `json:"decoys"`
}

func main() {
	if len(os.Args) == 5 && os.Args[1] == "score" {
		if err := score(os.Stdout, os.Args[2], os.Args[3], os.Args[4]); err != nil {
			fmt.Fprintln(os.Stderr, "corpusgen:", err)
			os.Exit(1)
		}
		return
	}
	out := flag.String("out", "", "directory to write the corpus into (created)")
	seed := flag.Uint64("seed", 1, "random seed")
	copies := flag.Int("copies", 3, "how many independent fillings of each sample")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "corpusgen: -out is required")
		os.Exit(2)
	}
	if err := run(*out, *seed, *copies); err != nil {
		fmt.Fprintln(os.Stderr, "corpusgen:", err)
		os.Exit(1)
	}
}

func run(out string, seed uint64, copies int) error {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	var labels Labels
	n := 0
	for _, r := range rules.Builtin() {
		if r.Kind == finding.KindPHI {
			continue
		}
		for c := range copies {
			// True positives, then decoys; the file names and the running
			// count n (which picks the wrapper) keep the corpus the same
			// for the same seed.
			for _, set := range []struct {
				prefix string
				tmpls  []string
				into   *[]Label
			}{{"tp", r.Samples.TP, &labels.Secrets}, {"fp", r.Samples.FP, &labels.Decoys}} {
				for i, tmpl := range set.tmpls {
					s, err := rules.ExpandSample(tmpl, rng)
					if err != nil {
						return fmt.Errorf("rule %s: %w", r.ID, err)
					}
					w := testgen.SecretWrappers[(n+c)%len(testgen.SecretWrappers)]
					rel := filepath.Join(r.ID, fmt.Sprintf("%s%d_%d%s", set.prefix, i, c, w.Ext))
					if err := put(out, rel, w.Before+s+w.After); err != nil {
						return err
					}
					*set.into = append(*set.into, Label{Path: filepath.ToSlash(rel), Line: w.Line(), Rule: r.ID})
					n++
				}
			}
		}
	}
	raw, err := json.MarshalIndent(labels, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, "..", filepath.Base(out)+".labels.json"), raw, 0o644)
}

func put(root, rel, content string) error {
	p := filepath.Join(root, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, []byte(content), 0o644)
}
