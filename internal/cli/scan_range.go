package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pretense/pretense/config"
	"github.com/pretense/pretense/finding"
	"github.com/pretense/pretense/internal/gitobj"
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
func (c *ScanCmd) baseRangeSpec() string {
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

// openBase resolves the range and the work tree root around root. It
// reads the repository as the range scan does (internal/gitobj), so SHA-1
// and SHA-256 repositories behave alike. The caller closes the range.
func openBase(root, spec string) (*suppress.Range, string, error) {
	if _, err := os.Stat(root); err != nil {
		return nil, "", gitError(fmt.Errorf("%s: %w", root, scanner.ErrNotFound))
	}
	repo, err := gitobj.OpenRepo(root)
	if err != nil {
		if errors.Is(err, gitobj.ErrNoRepo) {
			return nil, "", gitError(fmt.Errorf("%s: %w", root, scanner.ErrNotGitRepo))
		}
		return nil, "", RuntimeError(fmt.Errorf("open repository %s: %w", root, err))
	}
	rng, err := suppress.OpenRange(root, spec)
	if err != nil {
		if errors.Is(err, suppress.ErrRange) {
			return nil, "", err
		}
		return nil, "", RuntimeError(err)
	}
	return rng, repo.WorkTree, nil
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
		return "", func() {}, RuntimeError(err)
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
			return "", func() {}, UsageErrorf("--config %s: not in the range base; it cannot configure a scan of the range that adds it (use --trust-range-config to accept it)", configFlag)
		}
		in.ProjectFile = ""
		return name, func() {}, nil
	}
	f, err := os.CreateTemp("", "pretense-base-*.yaml")
	if err != nil {
		return "", func() {}, RuntimeError(err)
	}
	cleanup := func() { os.Remove(f.Name()) }
	if _, err := f.Write(raw); err != nil {
		f.Close()
		cleanup()
		return "", func() {}, RuntimeError(err)
	}
	f.Close()
	in.ProjectFile, in.ProjectExplicit = f.Name(), true
	return name, cleanup, nil
}

// addConfigChanges reports each change the range makes to suppression
// configuration, and rescans the files where it added pretense:allow
// markers with those markers blanked, so what they would hide is reported.
func (c *ScanCmd) addConfigChanges(in *report.Input, set scanSettings, rs *rules.Ruleset, fp finding.Fingerprinter) error {
	changes, err := set.rng.ConfigChanges(c.watchedConfig(set, set.projectPath))
	if err != nil {
		return RuntimeError(err)
	}
	marked := func(p string, lines []int) ([]byte, error) { return set.rng.MarkedFile(p, lines) }
	return reportConfigChanges(in, changes, marked, set.rng.Head(), "within the range; the scan used the base's configuration (--trust-range-config to use it)", false, set.pathFilter, rs, fp)
}

// watchedConfig lists the repository paths of the configuration files a
// change must not touch unnoticed (besides every .pretenseignore): the
// project file, gitleaks files, the baseline.
func (c *ScanCmd) watchedConfig(set scanSettings, project string) []string {
	watched := append([]string{suppress.ConfigFile}, set.gitleaksWatched()...)
	if project != "" {
		watched = append(watched, project)
	}
	if c.Baseline != "" {
		if p, ok := repoPath(set.repoTop, c.Baseline); ok {
			watched = append(watched, p)
		}
	}
	return watched
}

// stagedWatch lists the configuration files a staged scan reads from the
// work tree (the root .pretenseignore, the project file, --config inside
// the repository, gitleaks files): the scan reports
// each whose work-tree version is not the staged one. It finds the work
// tree for set.
func (c *ScanCmd) stagedWatch(set *scanSettings, root, configFlag string) []string {
	if repo, err := gitobj.OpenRepo(root); err == nil {
		set.repoTop = repo.WorkTree
	}
	project := ""
	if configFlag != "" && !isGitleaksConfig(configFlag) {
		project, _ = repoPath(set.repoTop, configFlag)
	}
	// Not the --baseline file: the hook is installed with it, and it may be
	// a local, untracked file by design.
	watch := []string{suppress.IgnoreFile}
	for _, p := range c.watchedConfig(*set, project) {
		if b, ok := repoPath(set.repoTop, c.Baseline); !ok || c.Baseline == "" || p != b {
			watch = append(watch, p)
		}
	}
	return watch
}

// addStagedChanges is addConfigChanges for a staged scan: each
// suppression the staged change adds (a pretense:allow marker on a staged
// line that hides a finding, a staged .pretenseignore, project file or
// baseline) is a config-change finding, and what the markers hide is
// reported, unless --trust-range-config (PRETENSE_TRUST_CONFIG) accepts
// them. The scan itself read the configuration from the work tree.
func (c *ScanCmd) addStagedChanges(in *report.Input, set scanSettings, configFlag string, res *scanner.Result, rs *rules.Ruleset, fp finding.Fingerprinter) error {
	staged := res.Staged
	var unstaged []suppress.Change
	for _, p := range res.Unstaged {
		unstaged = append(unstaged, suppress.Change{Path: p, Line: 1, What: "differs from its staged version (or is not staged), and the scan read the work tree's; stage it or drop the edit"})
	}
	if len(staged) == 0 && len(unstaged) == 0 {
		return nil
	}
	project := ""
	if configFlag != "" && !isGitleaksConfig(configFlag) {
		project, _ = repoPath(set.repoTop, configFlag)
	}
	// The scan kept the content of each staged file with a marker (and of
	// HEAD's version): the check reads no repository. A path staged in
	// several sides (a conflict) is rescanned in its last marked side.
	files := make([]suppress.StagedFile, len(staged))
	content := map[string][]byte{}
	for i, f := range staged {
		files[i] = suppress.StagedFile{Path: f.Path, From: f.From, To: f.To, Marked: f.Marked, New: f.New, Old: f.Old, OldUnreadable: f.OldUnreadable}
		if f.Marked {
			content[f.Path] = f.New
		}
	}
	changes := append(suppress.StagedChanges(files, c.watchedConfig(set, project)), unstaged...)
	marked := func(p string, lines []int) ([]byte, error) { return suppress.BlankMarkers(content[p], lines), nil }
	return reportConfigChanges(in, changes, marked, "", "in the staged change: a change does not configure its own check (to accept it: --trust-range-config, or PRETENSE_TRUST_CONFIG=1 git commit)", true, set.pathFilter, rs, fp)
}

// reportConfigChanges adds a config-change finding for each of changes,
// and rescans the files where they add pretense:allow markers with those
// markers blanked (marked), so what the markers would hide is reported.
// With onlyHiding, an added marker is a finding only where it hides one
// (a staged scan: a marker on a clean line costs a commit nothing).
func reportConfigChanges(in *report.Input, changes []suppress.Change, marked func(p string, lines []int) ([]byte, error), commit, how string, onlyHiding bool, pathFilter func(string) bool, rs *rules.Ruleset, fp finding.Fingerprinter) error {
	seen := map[string]bool{}
	for _, f := range in.Findings {
		seen[f.Path+"\x00"+f.Fingerprint] = true
	}
	markers := map[string][]int{}
	for _, ch := range changes {
		if ch.Marker != "" {
			markers[ch.Path] = append(markers[ch.Path], ch.Line)
		}
	}
	hiding := map[string]bool{} // path \x00 line of a marker that hides a finding
	for p, lines := range markers {
		if pathFilter != nil && pathFilter(p) {
			continue
		}
		data, err := marked(p, lines)
		if err != nil {
			return RuntimeError(err)
		}
		on := map[int]bool{}
		for _, n := range lines {
			on[n] = true
		}
		ms := rs.Scan(data)
		for _, f := range rules.Findings(data, ms, p, fp) {
			if !on[f.Line] {
				continue
			}
			if seen[f.Path+"\x00"+f.Fingerprint] {
				continue // reported with the marker in place: it hides nothing
			}
			hiding[fmt.Sprint(p, "\x00", f.Line)] = true
			seen[f.Path+"\x00"+f.Fingerprint] = true
			f.Commit = commit
			in.Findings = append(in.Findings, f)
		}
	}
	added := false
	for _, ch := range changes {
		if onlyHiding && ch.Marker != "" && !hiding[fmt.Sprint(ch.Path, "\x00", ch.Line)] {
			continue
		}
		added = true
		in.Findings = append(in.Findings, finding.Finding{
			RuleID: configChangeRule.ID, Kind: configChangeRule.Kind, Severity: configChangeRule.Severity,
			Description: fmt.Sprintf("%s: %s %s", ch.Path, ch.What, how),
			Confidence:  1, Path: ch.Path, Line: ch.Line, Column: 1, EndLine: ch.Line, EndColumn: 1,
			Commit: ch.Commit, Redacted: ch.What, Fingerprint: fp.Of(configChangeRule.ID, ch.Commit+":"+ch.Path+":"+ch.What+fmt.Sprint(ch.Line)),
		})
	}
	if added {
		in.Rules = append(in.Rules, configChangeRule)
	}
	return nil
}
