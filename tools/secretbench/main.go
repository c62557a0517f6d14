// Command secretbench measures pretense, gitleaks and trufflehog on the
// rule samples the two peers wrote for their own rules: recall on their
// true positives, the share of flagged false-positive samples, and how many
// of pretense's findings come from a provider-specific rule.
//
// The peers' samples are their data, not ours: they are extracted into a
// directory outside the repository and never committed.
//
//	bench/peer-samples.sh /tmp/secbench          # fetch-free: needs the two checkouts
//	go run ./tools/secretbench run -samples /tmp/secbench/gitleaks-samples.jsonl,/tmp/secbench/trufflehog-samples.jsonl \
//	    -work /tmp/secbench/files -gitleaks $(go env GOPATH)/bin/gitleaks
//
// `secretbench extract-trufflehog DIR` writes the pattern-test inputs of
// trufflehog's pkg/detectors (DIR) as JSON lines on stdout; the gitleaks
// samples come from its own generator (see bench/peer-samples.sh).
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	switch os.Args[1] {
	case "extract-trufflehog":
		if len(os.Args) != 3 {
			usage()
		}
		if err := extractTrufflehog(os.Args[2], os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "secretbench:", err)
			os.Exit(1)
		}
	case "run":
		fs := flag.NewFlagSet("run", flag.ExitOnError)
		samples := fs.String("samples", "", "comma-separated JSON-lines sample files")
		work := fs.String("work", "", "directory the samples are written to as files (recreated)")
		gitleaks := fs.String("gitleaks", "", "gitleaks binary (optional)")
		trufflehog := fs.String("trufflehog", "", "trufflehog binary (optional)")
		misses := fs.String("misses", "", "write pretense's missed true positives and flagged decoys here")
		config := fs.String("config", "", "extra pretense rule file (YAML) to add")
		_ = fs.Parse(os.Args[2:])
		if *samples == "" || *work == "" {
			fmt.Fprintln(os.Stderr, "secretbench run: -samples and -work are required")
			os.Exit(2)
		}
		opts := runOpts{
			samples: strings.Split(*samples, ","), work: *work,
			gitleaks: *gitleaks, trufflehog: *trufflehog, misses: *misses, config: *config,
		}
		if err := run(opts, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "secretbench:", err)
			os.Exit(1)
		}
	default:
		usage()
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: secretbench extract-trufflehog DIR > samples.jsonl\n       secretbench run -samples A.jsonl,B.jsonl -work DIR [-gitleaks BIN] [-trufflehog BIN] [-misses FILE]")
	os.Exit(2)
}
