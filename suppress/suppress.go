// Package suppress decides whether a finding is reported, and says why when
// it is not. Every way a team can silence pretense has its home here:
//
//   - path ignores: .pretenseignore at any depth and allowlist.paths from
//     .pretense.yaml (gitignore syntax; Paths);
//   - fingerprints: `fingerprint:<hex>` lines of .pretenseignore
//     (ParseIgnoreFile) and baselines, a previous JSON or SARIF report
//     (ParseBaseline); both go through a Set;
//   - config value allowlists (allowlist.values) and disabled rules, which
//     are compiled into the ruleset (rules.Options) and so never become
//     findings; Reason names them for the audit report;
//   - inline `pretense:allow` markers (rules.AllowMarker), checked while a
//     buffer is scanned in rules/scan.go, because the marker's position
//     relative to the match is only known there.
//
// For commit-range scans the configuration comes from the range's base
// (BaseConfig), so a change under review cannot switch its own check off.
package suppress

import (
	"fmt"
	"strings"

	"github.com/pretense/pretense/finding"
	"github.com/pretense/pretense/rules"
)

// IgnoreFile is pretense's own path-exclusion file, in gitignore syntax,
// which may also list fingerprints.
const IgnoreFile = ".pretenseignore"

// ConfigFile is the project configuration file name.
const ConfigFile = ".pretense.yaml"

// AllowMarker is the inline marker that suppresses findings on its line.
const AllowMarker = rules.AllowMarker

// Kind is the mechanism that suppressed something.
type Kind string

// The suppression mechanisms.
const (
	KindPath        Kind = "path"        // .pretenseignore or allowlist.paths pattern
	KindFingerprint Kind = "fingerprint" // fingerprint: line
	KindBaseline    Kind = "baseline"    // --baseline report
	KindAllowValue  Kind = "allow-value" // allowlist.values
	KindInline      Kind = "inline"      // pretense:allow marker
)

// Reason says why something was not reported: the mechanism and where the
// entry that matched lives (a file name, "config", a baseline path).
type Reason struct {
	Kind   Kind   `json:"kind"`
	Source string `json:"source"`
	Entry  string `json:"entry,omitempty"`
}

func (r Reason) String() string {
	if r.Entry == "" {
		return fmt.Sprintf("%s (%s)", r.Kind, r.Source)
	}
	return fmt.Sprintf("%s %s (%s)", r.Kind, r.Entry, r.Source)
}

// Suppressed is a finding that is not reported, with the reason.
type Suppressed struct {
	Finding finding.Finding
	Reason  Reason
}

// Set holds the fingerprints a scan suppresses and where each came from.
type Set struct {
	entries []*entry
	index   map[string]*entry
}

type entry struct {
	fp     string
	reason Reason
	used   bool
}

// Add lists fingerprint fp (with or without the "fingerprint:" prefix).
// The first source to list a fingerprint is the one named.
func (s *Set) Add(fp string, kind Kind, source string) {
	fp = strings.TrimPrefix(strings.TrimSpace(fp), "fingerprint:")
	if fp == "" {
		return
	}
	if s.index == nil {
		s.index = map[string]*entry{}
	}
	if _, dup := s.index[fp]; dup {
		return
	}
	e := &entry{fp: fp, reason: Reason{Kind: kind, Source: source, Entry: "fingerprint:" + fp}}
	s.index[fp] = e
	s.entries = append(s.entries, e)
}

// Len is the number of fingerprints listed.
func (s *Set) Len() int { return len(s.entries) }

// Apply splits findings into those reported and those suppressed, and
// returns the entries that matched nothing (stale, to be pruned), each as
// "fingerprint:<hex> (source)".
func (s *Set) Apply(fs []finding.Finding) (kept []finding.Finding, suppressed []Suppressed, stale []string) {
	for _, f := range fs {
		if e, ok := s.index[f.Fingerprint]; ok {
			e.used = true
			suppressed = append(suppressed, Suppressed{Finding: f, Reason: e.reason})
			continue
		}
		kept = append(kept, f)
	}
	for _, e := range s.entries {
		if !e.used {
			stale = append(stale, fmt.Sprintf("fingerprint:%s (%s)", e.fp, e.reason.Source))
		}
	}
	return kept, suppressed, stale
}

// Ignore is a parsed .pretenseignore: its path patterns and its
// fingerprint entries.
type Ignore struct {
	Patterns     []string
	Fingerprints []string
}

// ParseIgnoreFile reads a .pretenseignore. Lines are gitignore patterns,
// except `fingerprint:<hex>` lines (a trailing "# reason" allowed), which
// list findings to suppress wherever they are. name is used in errors.
func ParseIgnoreFile(data []byte, name string) (Ignore, error) {
	var ig Ignore
	for n, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSuffix(l, "\r")
		rest, ok := strings.CutPrefix(strings.TrimSpace(l), "fingerprint:")
		if !ok {
			if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
				ig.Patterns = append(ig.Patterns, l)
			}
			continue
		}
		if i := strings.IndexByte(rest, '#'); i >= 0 {
			rest = rest[:i]
		}
		rest = strings.TrimSpace(rest)
		if rest == "" || strings.Trim(rest, "0123456789abcdef") != "" {
			return Ignore{}, fmt.Errorf("%s:%d: want fingerprint:<hex>, got %q", name, n+1, strings.TrimSpace(l))
		}
		ig.Fingerprints = append(ig.Fingerprints, rest)
	}
	return ig, nil
}
