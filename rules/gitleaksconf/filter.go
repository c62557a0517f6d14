package gitleaksconf

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pretense/pretense/finding"
	"github.com/pretense/pretense/rules"
)

// allowlist is one compiled gitleaks allowlist.
type allowlist struct {
	and         bool
	commits     map[string]bool
	paths       []*regexp.Regexp
	target      string // "", "match" or "line"
	regexes     []*regexp.Regexp
	stopwords   []string
	hasLocation bool // commits or paths: decided after the scan
	hasContent  bool // regexes or stopwords: decided at match time
}

func compileAllowlist(d allowDoc) (*allowlist, error) {
	a := &allowlist{}
	switch strings.ToUpper(d.Condition) {
	case "AND", "&&":
		a.and = true
	case "", "OR", "||":
	default:
		return nil, fmt.Errorf("unknown allowlist |condition| '%s' (expected 'and', 'or')", d.Condition)
	}
	switch d.RegexTarget {
	case "", "secret":
	case "match", "line":
		a.target = d.RegexTarget
	default:
		return nil, fmt.Errorf("unknown allowlist |regexTarget| '%s' (expected 'match', 'line')", d.RegexTarget)
	}
	if len(d.Commits)+len(d.Paths)+len(d.Regexes)+len(d.StopWords) == 0 {
		return nil, fmt.Errorf("must contain at least one check for: commits, paths, regexes, or stopwords")
	}
	for _, c := range d.Commits {
		if a.commits == nil {
			a.commits = map[string]bool{}
		}
		a.commits[strings.ToLower(strings.TrimSpace(c))] = true
	}
	for _, p := range d.Paths {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("paths: %w", err)
		}
		a.paths = append(a.paths, re)
	}
	for _, p := range d.Regexes {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("regexes: %w", err)
		}
		a.regexes = append(a.regexes, re)
	}
	for _, s := range d.StopWords {
		a.stopwords = append(a.stopwords, strings.ToLower(s))
	}
	a.hasLocation = len(a.commits) > 0 || len(a.paths) > 0
	a.hasContent = len(a.regexes) > 0 || len(a.stopwords) > 0
	return a, nil
}

func (a *allowlist) regexAllowed(s string) bool {
	if s == "" {
		return false
	}
	return slices.ContainsFunc(a.regexes, func(re *regexp.Regexp) bool { return re.MatchString(s) })
}

func (a *allowlist) stopword(secret string) bool {
	if secret == "" {
		return false
	}
	l := strings.ToLower(secret)
	return slices.ContainsFunc(a.stopwords, func(w string) bool { return strings.Contains(l, w) })
}

func (a *allowlist) commitAllowed(c string) bool { return c != "" && a.commits[strings.ToLower(c)] }

func (a *allowlist) pathAllowed(p string) bool {
	return p != "" && slices.ContainsFunc(a.paths, func(re *regexp.Regexp) bool { return re.MatchString(p) })
}

// contentAllowed is the match-time half: true when the regexes (on the
// allowlist's target) or stopwords (on the secret) say so — any of them
// under OR, all that are set under AND.
func (a *allowlist) contentAllowed(secret, match, line string) bool {
	target := secret
	switch a.target {
	case "match":
		target = match
	case "line":
		target = line
	}
	re := len(a.regexes) > 0 && a.regexAllowed(target)
	sw := len(a.stopwords) > 0 && a.stopword(secret)
	if !a.and {
		return re || sw
	}
	return (len(a.regexes) == 0 || re) && (len(a.stopwords) == 0 || sw)
}

// locationAllowed is the after-scan half: the commit or path under OR,
// all of those set under AND.
func (a *allowlist) locationAllowed(path, commit string) bool {
	c := len(a.commits) > 0 && a.commitAllowed(commit)
	p := len(a.paths) > 0 && a.pathAllowed(path)
	if !a.and {
		return c || p
	}
	return (len(a.commits) == 0 || c) && (len(a.paths) == 0 || p)
}

// allowMarker on a line makes gitleaks skip every finding on it.
const allowMarker = "gitleaks:allow"

// tagPrefix marks, in a match's reasons, an AND allowlist whose regexes
// and stopwords matched and whose paths or commits are checked after the
// scan. Filter removes the marks.
const tagPrefix = "gitleaks-allowlist:"

// filterFor returns the match-time half of rule r.
func (c *Config) filterFor(r *glRule) rules.CheckFunc {
	lists := append(slices.Clone(c.global), r.allow...)
	return func(cc *rules.CheckContext) bool {
		data := cc.Data
		ms := cc.MatchStart
		match := strings.Trim(string(data[ms:cc.MatchEnd]), "\n")
		if match == "" {
			return false
		}
		end := ms + len(match)
		ls := bytes.LastIndexByte(data[:ms], '\n') + 1
		le := len(data)
		if i := bytes.IndexByte(data[end:], '\n'); i >= 0 {
			le = end + i
		}
		line := string(data[ls:le])
		if strings.Contains(line, allowMarker) {
			return false
		}
		secret := match
		if groups := r.re.FindStringSubmatch(match); len(groups) >= 2 {
			if r.secretGroup > 0 {
				secret = groups[r.secretGroup]
			} else {
				for _, g := range groups[1:] {
					if g != "" {
						secret = g
						break
					}
				}
			}
		}
		if r.entropy != 0 && Entropy(secret) <= r.entropy {
			return false
		}
		for _, a := range lists {
			if !a.hasContent || !a.contentAllowed(secret, match, line) {
				continue
			}
			if a.and && a.hasLocation {
				cc.Reasons = append(cc.Reasons, a.tagFor(r.id, lists))
				continue
			}
			return false
		}
		if secret == "" {
			return false
		}
		// Located at the match, as gitleaks locates its findings; the
		// value reported is the secret.
		cc.Start, cc.End, cc.Value = ms, end, secret
		cc.Reasons = append(cc.Reasons, "gitleaks rule")
		return true
	}
}

func (a *allowlist) tagFor(ruleID string, lists []*allowlist) string {
	return tagPrefix + ruleID + ":" + strconv.Itoa(slices.Index(lists, a))
}

// Entropy is gitleaks' Shannon entropy: counts of runes over the length
// in bytes (the two agree for ASCII secrets).
func Entropy(s string) float64 {
	if s == "" {
		return 0
	}
	counts := map[rune]int{}
	for _, r := range s {
		counts[r]++
	}
	inv := 1.0 / float64(len(s))
	var h float64
	for _, n := range counts {
		f := float64(n) * inv
		h -= f * math.Log2(f)
	}
	return h
}

// Dropped is a finding Filter removed, with the reason.
type Dropped struct {
	Finding finding.Finding
	Reason  string
}

// Filter applies the after-scan half to findings: a rule's path regex;
// allowlist paths and commits (global ones apply to every rule, the
// built-in ones included; their regexes and stopwords, with the secret as
// target, too); .gitleaksignore fingerprints; and it skips the config
// file itself in a directory scan, as gitleaks does.
func (c *Config) Filter(fs []finding.Finding) (kept []finding.Finding, dropped []Dropped) {
	cfgAbs, _ := filepath.Abs(c.Path)
	for _, f := range fs {
		reason := c.drop(&f, cfgAbs)
		if c.byID[f.RuleID] != nil {
			// Its marks are read: drop them from the report.
			f.Reasons = slices.DeleteFunc(slices.Clone(f.Reasons), func(s string) bool { return strings.HasPrefix(s, tagPrefix) })
		}
		if reason != "" {
			dropped = append(dropped, Dropped{f, reason})
			continue
		}
		kept = append(kept, f)
	}
	return kept, dropped
}

func (c *Config) drop(f *finding.Finding, cfgAbs string) string {
	if f.Commit == "" && c.Path != "" {
		if abs, err := filepath.Abs(f.Path); err == nil && abs == cfgAbs {
			return "the gitleaks config file"
		}
	}
	if c.ignore[fmt.Sprintf("%s:%s:%d", f.Path, f.RuleID, f.Line)] ||
		f.Commit != "" && c.ignore[fmt.Sprintf("%s:%s:%s:%d", f.Commit, f.Path, f.RuleID, f.Line)] {
		return ".gitleaksignore"
	}
	r := c.byID[f.RuleID]
	if r == nil || !slices.Contains(f.Reasons, "gitleaks rule") {
		// A built-in rule: only the global allowlists apply.
		for _, a := range c.global {
			if a.builtinAllowed(f) {
				return "gitleaks global allowlist"
			}
		}
		return ""
	}
	if r.path != nil && !r.path.MatchString(f.Path) {
		return "gitleaks rule path"
	}
	lists := append(slices.Clone(c.global), r.allow...)
	for _, a := range lists {
		if !a.hasLocation || !a.locationAllowed(f.Path, f.Commit) {
			continue
		}
		if a.and && a.hasContent && !slices.Contains(f.Reasons, a.tagFor(r.id, lists)) {
			continue
		}
		return "gitleaks allowlist"
	}
	return ""
}

// builtinAllowed applies a global allowlist to a built-in rule's finding,
// where the secret is known but not gitleaks' match or line: regexes
// aimed at the match or the line do not apply to built-in rules.
func (a *allowlist) builtinAllowed(f *finding.Finding) bool {
	if a.target != "" && len(a.regexes) > 0 {
		if !a.and {
			return a.locationAllowed(f.Path, f.Commit) || len(a.stopwords) > 0 && a.stopword(f.Secret)
		}
		return false
	}
	loc := a.hasLocation && a.locationAllowed(f.Path, f.Commit)
	content := a.hasContent && a.contentAllowed(f.Secret, "", "")
	if !a.and {
		return loc || content
	}
	return (!a.hasLocation || loc) && (!a.hasContent || content)
}

// LoadIgnore adds the fingerprints of a .gitleaksignore file: lines
// `file:rule-id:line` and `commit:file:rule-id:line`; blank lines and
// # comments are skipped. A missing file is not an error.
func (c *Config) LoadIgnore(path string) error {
	raw, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("gitleaks ignore file: %w", err)
	}
	return c.AddIgnore(raw, path)
}

// AddIgnore parses .gitleaksignore content (name is for errors).
func (c *Config) AddIgnore(raw []byte, name string) error {
	if c.ignore == nil {
		c.ignore = map[string]bool{}
	}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, ":")
		switch len(parts) {
		case 3:
			parts[0] = strings.ReplaceAll(parts[0], `\`, "/")
		case 4:
			parts[1] = strings.ReplaceAll(parts[1], `\`, "/")
		default:
			return fmt.Errorf("%s:%d: %q is not file:rule-id:line or commit:file:rule-id:line", name, n, line)
		}
		if _, err := strconv.Atoi(parts[len(parts)-1]); err != nil {
			return fmt.Errorf("%s:%d: %q: the last field is not a line number", name, n, line)
		}
		c.ignore[strings.Join(parts, ":")] = true
	}
	return sc.Err()
}
