// Package report writes scan results as text, a grouped human report, JSON,
// SARIF, CSV or JUnit XML on an io.Writer. Its subpackage gatesarif writes
// the gate's report as SARIF with the same go-sarif writer and tool URI.
//
// House rules for every writer: values are redacted unless Input.Redact is
// false (--no-redact); output order is the order of Input.Findings, which
// the scanner sorts; nothing here decides exit codes.
package report

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/pretense/pretense/finding"
	"github.com/pretense/pretense/rules"
)

// Formats lists the writers, in the order help shows them.
var Formats = []string{"text", "report", "json", "sarif", "csv", "junit"}

// Input is everything a writer may show.
type Input struct {
	Findings []finding.Finding
	// Rules are the rules that ran (SARIF lists them all, with or without
	// results, so code scanning knows what was checked).
	Rules   []*rules.Rule
	Skipped []finding.Skipped
	// Stale lists baseline or ignore entries that matched nothing.
	Stale        []string
	Suppressed   int
	FilesScanned int
	BytesScanned int64
	// Target describes what was scanned ("tests/", "git history of .").
	Target  string
	PHIMode rules.Mode
	Version string
	Redact  bool
	Color   bool
}

// Write renders in in the named format.
func Write(w io.Writer, format string, in Input) error {
	switch format {
	case "", "text":
		return writeText(w, in)
	case "report":
		return writeReport(w, in)
	case "json":
		return writeJSON(w, in)
	case "sarif":
		return writeSARIF(w, in)
	case "csv":
		return writeCSV(w, in)
	case "junit":
		return writeJUnit(w, in)
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}

// value is what a writer shows for a finding's value.
func value(f finding.Finding, redact bool) string {
	if redact || f.Secret == "" {
		return f.Redacted
	}
	return f.Secret
}

// location renders path:line:col, with the commit when there is one.
func location(f finding.Finding) string {
	loc := fmt.Sprintf("%s:%d:%d", f.Path, f.Line, f.Column)
	if f.Commit != "" {
		loc = shortCommit(f.Commit) + ":" + loc
	}
	return loc
}

func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}

// Summary counts findings by kind, for the one-line summaries.
func Summary(fs []finding.Finding) (secrets, phi int) {
	for _, f := range fs {
		if f.Kind == finding.KindPHI {
			phi++
		} else {
			secrets++
		}
	}
	return secrets, phi
}

const (
	ansiReset  = "\x1b[0m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
)

func paint(on bool, code, s string) string {
	if !on {
		return s
	}
	return code + s + ansiReset
}

// writeText prints one line per finding, grep- and editor-friendly:
// path:line:col: rule-id [severity] description: value (decoded, commit).
func writeText(w io.Writer, in Input) error {
	var b strings.Builder
	for _, f := range in.Findings {
		sev := string(f.Severity)
		col := ansiYellow
		if f.Severity.Rank() >= finding.SeverityHigh.Rank() {
			col = ansiRed
		}
		fmt.Fprintf(&b, "%s: %s [%s] %s: %s", paint(in.Color, ansiBold, location(f)),
			paint(in.Color, col, f.RuleID), sev, f.Description, value(f, in.Redact))
		var extra []string
		if f.Category != "" {
			extra = append(extra, f.Category)
		}
		if f.Decoded != "" {
			extra = append(extra, "decoded: "+f.Decoded)
		}
		if len(extra) > 0 {
			fmt.Fprintf(&b, " (%s)", strings.Join(extra, "; "))
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// skipGroups counts skips by reason, keeping the reason order stable.
func skipGroups(sk []finding.Skipped) (reasons []string, byReason map[string][]string) {
	byReason = map[string][]string{}
	for _, s := range sk {
		r := s.Reason
		if strings.HasPrefix(r, "larger than") {
			r = "larger than --max-file-size"
		}
		if _, ok := byReason[r]; !ok {
			reasons = append(reasons, r)
		}
		byReason[r] = append(byReason[r], s.Path)
	}
	slices.Sort(reasons)
	return reasons, byReason
}
