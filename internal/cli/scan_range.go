package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	git "github.com/go-git/go-git/v5"

	"github.com/pretense/pretense/config"
	"github.com/pretense/pretense/finding"
	"github.com/pretense/pretense/report"
	"github.com/pretense/pretense/rules"
	"github.com/pretense/pretense/scanner"
	"github.com/pretense/pretense/suppress"
)

// configChangeRule is the rule of the finding a range scan reports for a
// change to pretense's own suppression configuration: under review, the
// change does not apply, and a reviewer has to see it.
var configChangeRule = &rules.Rule{
	ID:          "config-change",
	Description: "Change to pretense's suppression configuration (.pretenseignore, .pretense.yaml, baseline, pretense:allow marker) within the scanned range",
	Kind:        finding.KindSecret,
	Severity:    finding.SeverityHigh,
}

// baseRangeSpec is the A..B whose base configures this scan, or "" when
// the scan reads its configuration from the work tree (not a range scan,
// or --trust-range-config).
func (c *scanCmd) baseRangeSpec() string {
	if c.TrustRangeConfig {
		return ""
	}
	switch {
	case c.Range != "":
		return c.Range
	case c.SinceCommit != "":
		return c.SinceCommit + "..HEAD"
	}
	return ""
}

// openBase resolves the range and the work tree root around root.
func openBase(root, spec string) (*suppress.Range, string, error) {
	repo, err := git.PlainOpenWithOptions(root, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		return nil, "", gitError(fmt.Errorf("%s: %w", root, scanner.ErrNotGitRepo))
	}
	top := ""
	if wt, err := repo.Worktree(); err == nil {
		top = wt.Filesystem.Root()
	}
	rng, err := suppress.OpenRange(root, spec)
	if err != nil {
		if errors.Is(err, suppress.ErrRange) {
			return nil, "", err
		}
		return nil, "", runtimeError(err)
	}
	return rng, top, nil
}

// repoPath turns a path the user gave (relative to the current directory)
// into a repository path, if it lies inside the work tree top.
func repoPath(top, p string) (string, bool) {
	if top == "" {
		return "", false
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", false
	}
	if t, err := filepath.EvalSymlinks(top); err == nil {
		top = t
	}
	if d, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		abs = filepath.Join(d, filepath.Base(abs))
	}
	rel, err := filepath.Rel(top, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// baseProject points the config inputs at the base commit's version of
// the project file: the --config file when it lies in the repository, else
// the root .pretense.yaml. It returns the repository path of that file and
// a cleanup for the temporary copy config reads.
func (set *scanSettings) baseProject(in *config.Inputs, configFlag string) (string, func(), error) {
	name := suppress.ConfigFile
	if configFlag != "" {
		p, ok := repoPath(set.repoTop, configFlag)
		if !ok {
			return "", func() {}, nil // outside the repository: not the range's to change
		}
		name = p
	}
	raw, found, err := set.rng.ReadBase(name)
	if err != nil {
		return "", func() {}, runtimeError(err)
	}
	if !found && configFlag != "" {
		// A config file that the range's tip does not hold either came
		// from the pipeline (an org config checked out beside the code),
		// not from the change under review: it is trusted as given.
		if _, inHead, herr := set.rng.ReadHead(name); herr == nil && !inHead {
			return "", func() {}, nil
		}
	}
	if !found {
		if configFlag != "" {
			return "", func() {}, usageErrorf("--config %s: not in the range base; it cannot configure a scan of the range that adds it (use --trust-range-config to accept it)", configFlag)
		}
		in.ProjectFile = ""
		return name, func() {}, nil
	}
	f, err := os.CreateTemp("", "pretense-base-*.yaml")
	if err != nil {
		return "", func() {}, runtimeError(err)
	}
	cleanup := func() { os.Remove(f.Name()) }
	if _, err := f.Write(raw); err != nil {
		f.Close()
		cleanup()
		return "", func() {}, runtimeError(err)
	}
	f.Close()
	in.ProjectFile, in.ProjectExplicit = f.Name(), true
	return name, cleanup, nil
}

// addConfigChanges reports each change the range makes to suppression
// configuration, and rescans the files where it added pretense:allow
// markers with those markers blanked, so what they would hide is reported.
func (c *scanCmd) addConfigChanges(in *report.Input, set scanSettings, rs *rules.Ruleset, fp finding.Fingerprinter) error {
	watched := append([]string{suppress.ConfigFile}, set.gitleaksWatched()...)
	if set.projectPath != "" {
		watched = append(watched, set.projectPath)
	}
	if c.Baseline != "" {
		if p, ok := repoPath(set.repoTop, c.Baseline); ok {
			watched = append(watched, p)
		}
	}
	changes, err := set.rng.ConfigChanges(watched)
	if err != nil {
		return runtimeError(err)
	}
	seen := map[string]bool{}
	for _, f := range in.Findings {
		seen[f.Path+"\x00"+f.Fingerprint] = true
	}
	markers := map[string][]int{}
	for _, ch := range changes {
		in.Findings = append(in.Findings, finding.Finding{
			RuleID: configChangeRule.ID, Kind: configChangeRule.Kind, Severity: configChangeRule.Severity,
			Description: fmt.Sprintf("%s: %s within the range; the scan used the base's configuration (--trust-range-config to use it)", ch.Path, ch.What),
			Confidence:  1, Path: ch.Path, Line: ch.Line, Column: 1, EndLine: ch.Line, EndColumn: 1,
			Commit: ch.Commit, Redacted: ch.What, Fingerprint: fp.Of(configChangeRule.ID, ch.Commit+":"+ch.Path+":"+ch.What+fmt.Sprint(ch.Line)),
		})
		if strings.Contains(ch.What, suppress.AllowMarker) {
			markers[ch.Path] = append(markers[ch.Path], ch.Line)
		}
	}
	for p, lines := range markers {
		if set.pathFilter != nil && set.pathFilter(p) {
			continue
		}
		data, err := set.rng.MarkedFile(p, lines)
		if err != nil {
			return runtimeError(err)
		}
		on := map[int]bool{}
		for _, n := range lines {
			on[n] = true
		}
		ms := rs.Scan(data)
		for _, f := range rules.Findings(data, ms, p, fp) {
			if !on[f.Line] || seen[f.Path+"\x00"+f.Fingerprint] {
				continue
			}
			seen[f.Path+"\x00"+f.Fingerprint] = true
			f.Commit = set.rng.Head()
			in.Findings = append(in.Findings, f)
		}
	}
	if len(changes) > 0 {
		in.Rules = append(in.Rules, configChangeRule)
	}
	return nil
}
