package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pretense/pretense/report"
	"github.com/pretense/pretense/scanner"
)

// suppression is one fingerprint a finding may match, with where it came
// from, so a stale entry can be named.
type suppression struct {
	fp     string
	source string // "baseline FILE" or ".pretenseignore"
	used   bool
}

// applySuppressions drops findings listed in the baseline (--baseline, a
// previous JSON or SARIF report) or as `fingerprint:<hex>` lines in the
// ignore file, counts them in in.Suppressed, and lists in in.Stale every
// entry that matched nothing in this scan, so dead entries can be pruned.
func (c *scanCmd) applySuppressions(in *report.Input, set scanSettings) error {
	var sups []*suppression
	index := map[string]*suppression{}
	add := func(fp, source string) {
		if _, dup := index[fp]; dup || fp == "" {
			return
		}
		s := &suppression{fp: fp, source: source}
		index[fp] = s
		sups = append(sups, s)
	}
	if c.Baseline != "" {
		raw, err := os.ReadFile(c.Baseline)
		if err != nil {
			return usageErrorf("read baseline: %w", err)
		}
		b, err := report.ParseBaseline(raw)
		if err != nil {
			return withHint(usageErrorf("baseline %s: %w", c.Baseline, err), "write a baseline with: pretense scan --format json -o baseline.json")
		}
		for _, fp := range b.Fingerprints {
			add(fp, "baseline "+c.Baseline)
		}
	}
	for _, fp := range set.ignoreFPs {
		add(strings.TrimPrefix(fp, "fingerprint:"), "config")
	}
	fps, err := ignoreFileFingerprints(ignoreDir(c.root()))
	if err != nil {
		return usageError(err)
	}
	for _, fp := range fps {
		add(fp, scanner.IgnoreFile)
	}
	if len(sups) == 0 {
		return nil
	}
	kept := in.Findings[:0]
	for _, f := range in.Findings {
		if s, ok := index[f.Fingerprint]; ok {
			s.used = true
			in.Suppressed++
			continue
		}
		kept = append(kept, f)
	}
	in.Findings = kept
	for _, s := range sups {
		if !s.used {
			in.Stale = append(in.Stale, fmt.Sprintf("fingerprint:%s (%s)", s.fp, s.source))
		}
	}
	return nil
}

// ignoreDir is the directory whose ignore file applies: the scanned
// directory, or the directory of a scanned file.
func ignoreDir(root string) string {
	if info, err := os.Stat(root); err == nil && !info.IsDir() {
		return filepath.Dir(root)
	}
	return root
}

// ignoreFileFingerprints reads the `fingerprint:<hex>` lines of dir's
// .pretenseignore (the other lines are path patterns, handled by the
// directory walk). A missing file is not an error. A trailing "# reason"
// is allowed.
func ignoreFileFingerprints(dir string) ([]string, error) {
	p := filepath.Join(dir, scanner.IgnoreFile)
	f, err := os.Open(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		rest, ok := strings.CutPrefix(line, "fingerprint:")
		if !ok {
			continue
		}
		if i := strings.IndexByte(rest, '#'); i >= 0 {
			rest = rest[:i]
		}
		rest = strings.TrimSpace(rest)
		if rest == "" || strings.Trim(rest, "0123456789abcdef") != "" {
			return nil, fmt.Errorf("%s:%d: want fingerprint:<hex>, got %q", p, n, line)
		}
		out = append(out, rest)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	return out, nil
}
