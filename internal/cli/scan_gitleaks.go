package cli

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pretense/pretense/report"
	"github.com/pretense/pretense/rules"
	"github.com/pretense/pretense/rules/gitleaksconf"
)

// gitleaksIgnoreFile is gitleaks' fingerprint ignore file.
const gitleaksIgnoreFile = ".gitleaksignore"

// isGitleaksConfig tells a gitleaks TOML from a pretense YAML file by its
// extension: --config and rules.files accept both.
func isGitleaksConfig(path string) bool {
	return strings.EqualFold(filepath.Ext(path), ".toml")
}

// gitleaksSet is what the gitleaks configurations of one scan add: their
// rules, whether they replace the built-in rules, and the after-scan
// filters.
type gitleaksSet struct {
	confs []*gitleaksconf.Config
	// replace is true when --config names a gitleaks file without
	// [extend] useDefault: as in gitleaks, its rules are the rule set.
	replace bool
	disable []string
}

// loadGitleaks loads the gitleaks configuration named by --config (main)
// and those among rules.files, and the .gitleaksignore at the scan root
// and next to each configuration.
func loadGitleaks(set scanSettings, root string) (*gitleaksSet, error) {
	var gs gitleaksSet
	paths := slices.Clone(set.gitleaksFiles)
	if set.gitleaksMain != "" {
		paths = append([]string{set.gitleaksMain}, paths...)
	}
	if len(paths) == 0 {
		return nil, nil
	}
	ignores := []string{filepath.Join(ignoreDir(root), gitleaksIgnoreFile)}
	for i, p := range paths {
		c, err := gitleaksconf.Load(p)
		if err != nil {
			return nil, WithHint(UsageError(err), "docs/gitleaks-migration.md lists what maps and what is refused")
		}
		if i == 0 && set.gitleaksMain != "" {
			gs.replace = !c.UseDefault
		}
		gs.disable = append(gs.disable, c.DisableBuiltin...)
		ig := filepath.Join(filepath.Dir(p), gitleaksIgnoreFile)
		if !slices.ContainsFunc(ignores, func(s string) bool { return sameFile(s, ig) }) {
			ignores = append(ignores, ig)
		}
		gs.confs = append(gs.confs, c)
	}
	// Every configuration honours every ignore file: a fingerprint names
	// its rule, so it cannot hide another rule's finding.
	for _, c := range gs.confs {
		for _, ig := range ignores {
			if err := c.LoadIgnore(ig); err != nil {
				return nil, UsageError(err)
			}
		}
	}
	return &gs, nil
}

func sameFile(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}

// rules merges the gitleaks rules into the built-in ones: a file loaded
// by --config without useDefault replaces the built-in secret rules (the
// PHI rules stay, under phi-mode); a gitleaks rule whose id is a built-in
// id replaces that built-in rule.
func (gs *gitleaksSet) rules(defs []rules.Rule) ([]rules.Rule, error) {
	if gs == nil {
		return defs, nil
	}
	known := map[string]bool{}
	for _, d := range defs {
		known[d.ID] = true
	}
	for _, id := range gs.disable {
		if !known[id] {
			return nil, WithHint(UsageErrorf("gitleaks [extend] disabledRules: %q is not a pretense built-in rule id", id),
				"useDefault runs pretense's built-in rules, whose ids differ from gitleaks'; list them with pretense scan --format sarif")
		}
	}
	var custom []rules.Rule
	for _, c := range gs.confs {
		custom = append(custom, c.Rules()...)
	}
	out := defs[:0:0]
	for _, d := range defs {
		switch {
		case gs.replace && d.Kind != "phi",
			slices.Contains(gs.disable, d.ID),
			slices.ContainsFunc(custom, func(r rules.Rule) bool { return r.ID == d.ID }):
			continue
		}
		out = append(out, d)
	}
	return append(out, custom...), nil
}

// filter applies the gitleaks configurations' after-scan filters.
func (gs *gitleaksSet) filter(in *report.Input, stderr io.Writer, verbose bool) {
	if gs == nil {
		return
	}
	for _, c := range gs.confs {
		kept, dropped := c.Filter(in.Findings)
		in.Findings = kept
		in.Suppressed += len(dropped)
		if verbose {
			for _, d := range dropped {
				fmt.Fprintf(stderr, "pretense: suppressed %s:%d %s: %s\n", d.Finding.Path, d.Finding.Line, d.Finding.RuleID, d.Reason)
			}
		}
	}
}

// gitleaksWatched lists the gitleaks files a range scan reports changes
// to, as repository paths: the configurations and their ignore files are
// suppression configuration like .pretenseignore.
func (set scanSettings) gitleaksWatched() []string {
	var out []string
	add := func(p string) {
		if rp, ok := repoPath(set.repoTop, p); ok && !slices.Contains(out, rp) {
			out = append(out, rp)
		}
	}
	for _, p := range append([]string{set.gitleaksMain}, set.gitleaksFiles...) {
		if p == "" {
			continue
		}
		add(p)
		add(filepath.Join(filepath.Dir(p), gitleaksIgnoreFile))
	}
	if len(out) > 0 {
		add(filepath.Join(set.repoTop, gitleaksIgnoreFile))
	}
	return out
}
