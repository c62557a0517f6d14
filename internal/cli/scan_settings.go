package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/pretense/pretense/config"
	"github.com/pretense/pretense/finding"
	"github.com/pretense/pretense/rules"
	"github.com/pretense/pretense/suppress"
)

// settings merges flags, environment and configuration for a scan with the
// one documented precedence: flag > environment (PRETENSE_*) > project
// config > user config > default. The project file is the --config file,
// or the .pretense.yaml that applies to the scanned path.
//
// A range scan (unless --trust-range-config) reads the project file and the
// .pretenseignore files from the range's base commit instead; the cleanup
// removes the temporary copy of the base's project file and closes the
// repository.
func (c *ScanCmd) settings(g *Globals, root string) (set scanSettings, cleanup func(), err error) {
	cleanup = func() {}
	var flags []config.Flag
	if c.PHIMode != "" {
		flags = append(flags, config.Flag{Key: "phi-mode", Value: string(c.PHIMode), Name: "--phi-mode"})
	}
	if c.MaxFileSize > 0 {
		flags = append(flags, config.Flag{Key: "scan.max-file-size", Value: strconv.FormatInt(int64(c.MaxFileSize), 10), Name: "--max-file-size"})
	}
	if c.FailOnUnscanned != nil {
		flags = append(flags, config.Flag{Key: "scan.fail-on-unscanned", Value: strconv.FormatBool(*c.FailOnUnscanned), Name: "--fail-on-unscanned"})
	}
	dir := root
	if c.Stdin {
		dir = "."
	} else if info, err := os.Stat(root); err == nil && !info.IsDir() {
		dir = filepath.Dir(root)
	}
	projectFlag := g.Config
	if isGitleaksConfig(projectFlag) {
		// --config .gitleaks.toml: the gitleaks file gives the rules; the
		// project's .pretense.yaml, if any, still applies.
		set.gitleaksMain, projectFlag = projectFlag, ""
	}
	in, err := config.Standard(dir, projectFlag, os.LookupEnv, flags)
	if err != nil {
		return set, cleanup, UsageError(err)
	}
	if spec := c.baseRangeSpec(); spec != "" {
		set.rng, set.repoTop, err = openBase(root, spec)
		switch {
		case errors.Is(err, suppress.ErrRange):
			// The scan reports a bad or missing revision with its own
			// message and hint; until then nothing is suppressed.
			set.rangeErr = err
			in.ProjectFile = ""
			set.pathFilter = func(string) bool { return false }
		case err != nil:
			return set, cleanup, err
		}
	}
	if set.rng != nil {
		rng := set.rng
		var rm func()
		set.projectPath, rm, err = set.baseProject(&in, projectFlag)
		cleanup = func() { rm(); rng.Close() }
		if err != nil {
			return set, cleanup, err
		}
	}
	s, err := config.Resolve(in)
	if err != nil {
		return set, cleanup, UsageError(err)
	}
	if set.rng != nil && s.Project != nil && set.projectPath != "" {
		// Relative paths in the base's file resolve as they would in the
		// work tree, not next to the temporary copy.
		s.Project.Path = filepath.Join(set.repoTop, filepath.FromSlash(set.projectPath))
	}
	cfg := s.Config()
	mode, ok := rules.ParseMode(cfg.PHIMode)
	if !ok {
		return set, cleanup, UsageErrorf("phi-mode %q: want off, standard or strict", cfg.PHIMode)
	}
	set.phiMode = mode
	set.maxFileSize = cfg.Scan.MaxFileSize
	set.failOnUnscanned = cfg.Scan.FailOnUnscanned
	set.disable = cfg.Rules.Disable
	set.enable = cfg.Rules.Enable
	set.allowValues = cfg.Allowlist.Values
	set.allowPaths = cfg.Allowlist.Paths
	for _, f := range cfg.Rules.Files {
		if isGitleaksConfig(f) {
			set.gitleaksFiles = append(set.gitleaksFiles, f)
		} else {
			set.ruleFiles = append(set.ruleFiles, f)
		}
	}
	set.only = splitList(c.EnableRule)
	set.drop = splitList(c.DisableRule)
	if k := os.Getenv("PRETENSE_KEY"); k != "" {
		set.fpKey = []byte(k)
	}
	if set.rng != nil {
		if set.pathFilter, set.baseFPs, err = set.rng.BasePaths(set.allowPaths); err != nil {
			return set, cleanup, UsageError(err)
		}
	}
	return set, cleanup, nil
}

// compileRules builds the ruleset a scan runs: the built-in rules in the
// configured PHI mode, minus disabled ids, plus PHI rules enabled one by
// one (rules.enable) even when phi-mode is off, with the rules of any
// gitleaks configuration (gl, nil without one). An unknown id is a
// configuration error, not a silent no-op.
func compileRules(set scanSettings, gl *gitleaksSet) (*rules.Ruleset, error) {
	defs, err := gl.rules(rules.BuiltinForScan())
	if err != nil {
		return nil, err
	}
	for _, f := range set.ruleFiles {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, UsageErrorf("rules.files: %v", err)
		}
		custom, err := rules.ParseRules(raw)
		if err != nil {
			return nil, UsageErrorf("rules file %s: %v", f, err)
		}
		defs = append(defs, custom...)
	}
	// The ids are looked up only when a list names some: a hook's scan
	// starts with ~800 rules and usually no list.
	var known map[string]bool
	if len(set.disable)+len(set.enable) > 0 {
		known = make(map[string]bool, len(defs))
		for _, d := range defs {
			known[d.ID] = true
		}
	}
	for _, lists := range []struct {
		key string
		ids []string
	}{{"rules.disable", set.disable}, {"rules.enable", set.enable}} {
		for _, id := range lists.ids {
			if !known[id] {
				return nil, UsageErrorf("%s: unknown rule id %q (pretense scan --format sarif lists every rule)", lists.key, id)
			}
		}
	}
	mode := set.phiMode
	disable := slices.Clone(set.disable)
	dropped, err := selectRules(defs, set.only, set.drop)
	if err != nil {
		return nil, err
	}
	disable = append(disable, dropped...)
	if len(set.only) > 0 && mode == rules.ModeOff {
		// Naming a PHI rule (or tag) is asking for it to run.
		for _, d := range defs {
			if d.Kind == finding.KindPHI && !slices.Contains(dropped, d.ID) {
				mode = rules.ModeStandard
				break
			}
		}
	}
	if len(set.enable) > 0 {
		for i := range defs {
			d := &defs[i]
			if d.Kind != finding.KindPHI {
				continue
			}
			if slices.Contains(set.enable, d.ID) {
				d.MinMode = rules.ModeStandard
			} else if mode == rules.ModeOff {
				disable = append(disable, d.ID)
			}
		}
		if mode == rules.ModeOff {
			mode = rules.ModeStandard
		}
	}
	rs, err := rules.Compile(defs, rules.Options{PHIMode: mode, Disable: disable, AllowValues: set.allowValues})
	if err != nil {
		return nil, UsageError(fmt.Errorf("rules: %w", err))
	}
	return rs, nil
}

// splitList flattens repeated, comma-separated flag values.
func splitList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// selectRules returns the ids to disable for --enable-rule (every rule that
// no name selects) and --disable-rule (every rule a name selects). A name is
// a rule id or one of its tags; a name that selects nothing is a usage
// error, so a typo cannot silently run every rule or none.
func selectRules(defs []rules.Rule, only, drop []string) ([]string, error) {
	matches := func(d *rules.Rule, name string) bool {
		return d.ID == name || slices.Contains(d.Tags, name)
	}
	for _, list := range []struct {
		flag  string
		names []string
	}{{"--enable-rule", only}, {"--disable-rule", drop}} {
		for _, n := range list.names {
			if !slices.ContainsFunc(defs, func(d rules.Rule) bool { return matches(&d, n) }) {
				return nil, UsageErrorf("%s %s: no rule has that id or tag (pretense scan --format sarif lists every rule)", list.flag, n)
			}
		}
	}
	var out []string
	for i := range defs {
		d := &defs[i]
		keep := len(only) == 0 || slices.ContainsFunc(only, func(n string) bool { return matches(d, n) })
		if !keep || slices.ContainsFunc(drop, func(n string) bool { return matches(d, n) }) {
			out = append(out, d.ID)
		}
	}
	return out, nil
}
