package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mattn/go-isatty"

	"github.com/pretense/pretense/finding"
	"github.com/pretense/pretense/internal/version"
	"github.com/pretense/pretense/report"
	"github.com/pretense/pretense/rules"
	"github.com/pretense/pretense/scanner"
	"github.com/pretense/pretense/suppress"
)

type ScanCmd struct {
	Target string `arg:"" optional:"" help:"Directory or file to scan (default .)." placeholder:"PATH"`
	Path   string `help:"Same as the positional PATH." placeholder:"PATH"`

	Git         bool   `help:"Scan the whole git history of the repository at PATH (all refs)." group:"Source" xor:"source"`
	Range       string `help:"Scan the commits in a range, e.g. main..HEAD." placeholder:"A..B" group:"Source" xor:"source"`
	SinceCommit string `help:"Scan the commits after REF up to HEAD." placeholder:"REF" group:"Source" xor:"source"`
	Staged      bool   `help:"Scan what 'git commit' would add right now (pre-commit)." group:"Source" xor:"source"`
	Stdin       bool   `help:"Scan standard input." group:"Source" xor:"source"`

	PHIMode     PHIModeFlag `name:"phi-mode" help:"Add the PHI rules: bare means standard; also =strict or =off (default from config phi-mode)." group:"Detection"`
	Baseline    string      `help:"Previous JSON or SARIF report: its findings are not reported again." type:"path" placeholder:"FILE" group:"Detection"`
	MaxFileSize SizeFlag    `name:"max-file-size" help:"Skip (and report) files larger than this (default 10MB)." placeholder:"SIZE" group:"Detection"`
	Jobs        int         `short:"j" help:"Parallel workers (default: number of CPUs); a directory scan then uses at most N cores." placeholder:"N" group:"Detection"`

	EnableRule  []string `name:"enable-rule" help:"Run only these rules (ids or tags; repeatable or comma-separated)." placeholder:"ID|TAG" group:"Detection"`
	DisableRule []string `name:"disable-rule" help:"Do not run these rules (ids or tags; repeatable or comma-separated)." placeholder:"ID|TAG" group:"Detection"`

	Format   string `short:"f" help:"Output format: text, report, json, sarif, csv or junit (default: from -o's extension, else text)." enum:"text,report,json,sarif,csv,junit," default:"" group:"Output"`
	Output   string `short:"o" help:"Write the report to FILE instead of stdout." placeholder:"FILE" group:"Output"`
	NoRedact bool   `name:"no-redact" help:"Show the values found (redaction is on by default)." group:"Output"`
	ExitCode *int   `name:"exit-code" help:"Exit status when findings are reported (default 1; 0 reports without failing)." placeholder:"N" group:"Output"`

	FailOnUnscanned *bool `name:"fail-on-unscanned" negatable:"" help:"Exit 3 when text was left unscanned: git LFS files whose content is not in the clone, and text files over --max-file-size (binary ones are only listed). The default; --no-fail-on-unscanned lists them as skipped (config scan.fail-on-unscanned)." group:"Detection"`

	TrustRangeConfig bool `name:"trust-range-config" aliases:"trust-config" env:"PRETENSE_TRUST_CONFIG" help:"For --range/--since-commit, read .pretenseignore, .pretense.yaml and the baseline from the work tree and honour pretense:allow markers the range adds (default: the base commit's configuration, and changes to it are findings). For --staged, accept the suppressions the staged change adds (default: each is a finding, and what its markers hide is reported)." group:"Detection"`
}

func (c *ScanCmd) Help() string {
	return `Exit codes: 0 nothing found, 1 findings, 2 usage or configuration error,
3 runtime error. Findings are redacted in every format unless --no-redact.
A line containing pretense:allow is never reported.`
}

func (c *ScanCmd) Validate() error {
	if c.Target != "" && c.Path != "" && filepath.Clean(c.Target) != filepath.Clean(c.Path) {
		return fmt.Errorf("give the path once: positional %q and --path %q differ", c.Target, c.Path)
	}
	if c.Jobs < 0 {
		return fmt.Errorf("-j %d: want a positive number", c.Jobs)
	}
	if c.ExitCode != nil && (*c.ExitCode < 0 || *c.ExitCode > 125) {
		return fmt.Errorf("--exit-code %d: want 0 to 125 (126 and up mean other things to shells)", *c.ExitCode)
	}
	return nil
}

// format is the output format: --format when given, else what -o's file
// extension names, else text.
func (c *ScanCmd) format() string {
	if c.Format != "" {
		return c.Format
	}
	return formatFromPath(c.Output, []string{"text", "report", "json", "sarif", "csv", "junit"}, "text")
}

// root returns the path to scan as the user gave it.
func (c *ScanCmd) root() string {
	switch {
	case c.Path != "":
		return c.Path
	case c.Target != "":
		return c.Target
	}
	return "."
}

// scanSettings is the effective configuration of one scan, after flags,
// environment and config files were merged.
type scanSettings struct {
	phiMode     rules.Mode
	maxFileSize int64
	// failOnUnscanned: LFS pointers and over-size files make the scan
	// incomplete (exit 3), as unreadable ones do.
	failOnUnscanned bool
	disable         []string
	enable          []string
	allowValues     []string
	allowPaths      []string
	ruleFiles       []string
	ignoreFPs       []string
	// gitleaksMain is a gitleaks TOML given as --config; gitleaksFiles
	// are those among rules.files (scan_gitleaks.go).
	gitleaksMain  string
	gitleaksFiles []string
	fpKey         []byte
	// only and drop are --enable-rule and --disable-rule: ids or tags.
	only, drop []string

	// Set for a range scan under the base's configuration.
	rng         *suppress.Range
	repoTop     string            // work tree root
	projectPath string            // repository path of the project file read at the base
	rangeErr    error             // the range could not be resolved for its base
	baseFPs     []string          // fingerprint lines of the base's .pretenseignore files
	pathFilter  func(string) bool // the base's path ignores
}

func (c *ScanCmd) Run(ctx context.Context, st *IO, g *Globals) error {
	root := c.root()
	set, cleanup, err := c.settings(g, root)
	defer cleanup()
	if err != nil {
		return err
	}
	gl, err := loadGitleaks(set, root)
	if err != nil {
		return err
	}
	rs, err := compileRules(set, gl)
	// Set up: see PauseGC.
	if c.dirScan() {
		resumeGCAt(dirScanGCPercent, dirScanFirstGCScale)
		defer limitProcs(c.Jobs)()
	} else {
		resumeGC()
	}
	if err != nil {
		return err
	}
	opts := scanner.Options{
		Workers:       c.Jobs,
		MaxFileSize:   set.maxFileSize,
		Fingerprinter: finding.NewFingerprinter(set.fpKey),
		Ignore:        set.allowPaths,
		PathFilter:    set.pathFilter,
	}
	if c.Staged && !c.TrustRangeConfig {
		opts.WatchPaths = c.stagedWatch(&set, root, g.Config)
	}
	stopProgress := startProgress(st.Err, &opts)
	res, target, err := c.runSource(ctx, root, rs, opts, st)
	stopProgress()
	if err != nil {
		return err
	}
	if set.rangeErr != nil {
		return WithHint(UsageError(set.rangeErr), "check the revision names (git rev-parse A B)")
	}
	in := report.Input{
		Findings:     res.Findings,
		Rules:        rs.Rules(),
		Skipped:      res.Skipped,
		FilesScanned: res.FilesScanned,
		BytesScanned: res.BytesScanned,
		Target:       target,
		PHIMode:      set.phiMode,
		Version:      version.String(),
		Redact:       !c.NoRedact,
	}
	gl.filter(&in, st.Err, g.Verbose)
	if err := c.applySuppressions(&in, set, st.Err, g.Verbose); err != nil {
		return err
	}
	if set.rng != nil {
		if err := c.addConfigChanges(&in, set, rs, opts.Fingerprinter); err != nil {
			return err
		}
		scanner.SortFindings(in.Findings)
	}
	if c.Staged && !c.TrustRangeConfig {
		if err := c.addStagedChanges(&in, set, g.Config, res, rs, opts.Fingerprinter); err != nil {
			return err
		}
		scanner.SortFindings(in.Findings)
	}
	format := c.format()
	color := (c.Output == "" || c.Output == "-") && g.colorOn(st.Out, os.Getenv)
	in.Color = color && (format == "text" || format == "report")
	if err := WriteOutput(c.Output, st.Out, func(w io.Writer) error { return report.Write(w, format, in) }); err != nil {
		return err
	}
	if !g.Quiet {
		printSummary(st.Err, in, format, g.Verbose)
	}
	bad := res.Incomplete()
	var unscanned []scanner.Skipped
	if set.failOnUnscanned {
		unscanned = res.Unscanned()
	}
	if len(bad) > 0 || len(unscanned) > 0 {
		return incompleteError(st.Err, bad, unscanned)
	}
	if len(in.Findings) > 0 {
		if c.ExitCode != nil {
			return exitWith(*c.ExitCode)
		}
		return ErrFindings
	}
	return nil
}

// runSource scans what the flags select and names it for the report.
// dirScan reports whether the scan reads a directory (or a file), not
// standard input or git.
func (c *ScanCmd) dirScan() bool {
	return !c.Stdin && !c.Git && c.Range == "" && c.SinceCommit == "" && !c.Staged
}

func (c *ScanCmd) runSource(ctx context.Context, root string, rs *rules.Ruleset, opts scanner.Options, st *IO) (*scanner.Result, string, error) {
	switch {
	case c.Stdin:
		res, err := scanner.Reader(st.In, "stdin", rs, opts)
		if err != nil {
			return nil, "", RuntimeError(err)
		}
		return res, "standard input", nil
	case c.Git || c.Range != "" || c.SinceCommit != "" || c.Staged:
		return c.runGit(ctx, root, rs, opts)
	}
	res, err := scanner.Dir(ctx, root, rs, opts)
	if err != nil {
		if errors.Is(err, scanner.ErrNotFound) {
			return nil, "", UsageErrorf("scan %s: path does not exist", root)
		}
		return nil, "", RuntimeError(err)
	}
	prefixPaths(res, root)
	return res, root, nil
}

// prefixPaths makes finding paths relative to where the user stands, not
// to the scanned directory: `scan tests/` reports tests/a.py, which is also
// the repo-relative URI SARIF needs when run from the repository root.
func prefixPaths(res *scanner.Result, root string) {
	info, err := os.Stat(root)
	if err != nil {
		return
	}
	base := filepath.ToSlash(filepath.Clean(root))
	if !info.IsDir() {
		base = filepath.ToSlash(filepath.Dir(filepath.Clean(root)))
	}
	if base == "." {
		return
	}
	for i := range res.Findings {
		res.Findings[i].Path = base + "/" + res.Findings[i].Path
	}
	for i := range res.Skipped {
		res.Skipped[i].Path = base + "/" + res.Skipped[i].Path
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// printSummary tells a person on stderr what happened, so stdout stays a
// clean report for pipes.
func printSummary(w io.Writer, in report.Input, format string, verbose bool) {
	secrets, phi := report.Summary(in.Findings)
	var parts []string
	parts = append(parts, fmt.Sprintf("%d finding(s): %d secret(s), %d PHI", len(in.Findings), secrets, phi))
	parts = append(parts, fmt.Sprintf("%d file(s) scanned", in.FilesScanned))
	if in.Suppressed > 0 {
		parts = append(parts, fmt.Sprintf("%d suppressed by baseline/ignore", in.Suppressed))
	}
	fmt.Fprintf(w, "pretense: %s\n", strings.Join(parts, "; "))
	if format != "report" && len(in.Skipped) > 0 {
		binary := 0
		for _, s := range in.Skipped {
			if s.Reason == "binary" && !verbose {
				binary++
				continue
			}
			fmt.Fprintf(w, "pretense: skipped %s: %s\n", s.Path, s.Reason)
		}
		if binary > 0 {
			fmt.Fprintf(w, "pretense: skipped %d binary file(s)\n", binary)
		}
	}
	for _, s := range in.Stale {
		fmt.Fprintf(w, "pretense: stale entry matched nothing: %s\n", s)
	}
	if len(in.Findings) > 0 && format == "text" {
		fmt.Fprintln(w, "pretense: to allow a false positive, add `pretense:allow` on the line or list its fingerprint in .pretenseignore (see --format json)")
	}
}

// startProgress shows a progress line on stderr for scans that take more
// than a second, and only when stderr is a terminal.
func startProgress(stderr io.Writer, opts *scanner.Options) (stop func()) {
	if !isTerminal(stderr) {
		return func() {}
	}
	var files, bytes atomic.Int64
	opts.Progress = func(f, b int64) { files.Store(f); bytes.Store(b) }
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		select {
		case <-done:
			return
		case <-time.After(time.Second):
		}
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			fmt.Fprintf(stderr, "\r\x1b[Kpretense: scanning… %d files, %.1f MB", files.Load(), float64(bytes.Load())/(1<<20))
			select {
			case <-done:
				fmt.Fprint(stderr, "\r\x1b[K")
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); <-finished }
}
