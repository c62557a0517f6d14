package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/pretense/pretense/report"
	"github.com/pretense/pretense/suppress"
)

// applySuppressions drops findings listed in the baseline (--baseline, a
// previous JSON or SARIF report) or as `fingerprint:<hex>` lines in the
// ignore file, counts them in in.Suppressed, and lists in in.Stale every
// entry that matched nothing in this scan, so dead entries can be pruned.
// The decision and its reason come from package suppress; with --verbose
// each suppressed finding is named on stderr with why.
func (c *ScanCmd) applySuppressions(in *report.Input, set scanSettings, stderr io.Writer, verbose bool) error {
	var s suppress.Set
	if c.Baseline != "" {
		raw, err := c.readBaseline(set)
		if err != nil {
			return err
		}
		if raw != nil {
			b, err := suppress.ParseBaseline(raw)
			if err != nil {
				return WithHint(UsageErrorf("baseline %s: %w", c.Baseline, err), "write a baseline with: pretense scan --format json -o baseline.json")
			}
			for _, fp := range b.Fingerprints {
				s.Add(fp, suppress.KindBaseline, "baseline "+c.Baseline)
			}
		}
	}
	for _, fp := range set.ignoreFPs {
		s.Add(fp, suppress.KindFingerprint, "config")
	}
	if set.rng != nil {
		for _, fp := range set.baseFPs {
			s.Add(fp, suppress.KindFingerprint, suppress.IgnoreFile+" at the range base")
		}
	} else {
		fps, err := ignoreFileFingerprints(ignoreDir(c.root()))
		if err != nil {
			return UsageError(err)
		}
		for _, fp := range fps {
			s.Add(fp, suppress.KindFingerprint, suppress.IgnoreFile)
		}
	}
	if s.Len() == 0 {
		return nil
	}
	kept, dropped, stale := s.Apply(in.Findings)
	in.Findings = kept
	in.Suppressed += len(dropped)
	in.Stale = append(in.Stale, stale...)
	if verbose {
		for _, d := range dropped {
			fmt.Fprintf(stderr, "pretense: suppressed %s:%d %s: %s\n", d.Finding.Path, d.Finding.Line, d.Finding.RuleID, d.Reason)
		}
	}
	return nil
}

// readBaseline reads --baseline: from the range base when the scan is a
// range scan under the base's configuration (nil when the base has none),
// else from disk.
func (c *ScanCmd) readBaseline(set scanSettings) ([]byte, error) {
	if set.rng != nil {
		if p, ok := repoPath(set.repoTop, c.Baseline); ok {
			raw, found, err := set.rng.ReadBase(p)
			if err != nil {
				return nil, RuntimeError(err)
			}
			if !found {
				return nil, nil
			}
			return raw, nil
		}
	}
	raw, err := os.ReadFile(c.Baseline)
	if err != nil {
		return nil, UsageErrorf("read baseline: %w", err)
	}
	return raw, nil
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
// directory walk). A missing file is not an error.
func ignoreFileFingerprints(dir string) ([]string, error) {
	p := filepath.Join(dir, suppress.IgnoreFile)
	raw, err := os.ReadFile(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	ig, err := suppress.ParseIgnoreFile(raw, p)
	if err != nil {
		return nil, err
	}
	return ig.Fingerprints, nil
}
