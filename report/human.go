package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/pretense/pretense/finding"
)

// writeReport prints the grouped human report: PHI by Safe Harbor category
// and file, secrets by rule and file, with counts, redacted values and, for
// every finding, the reason it was flagged.
func writeReport(w io.Writer, in Input) error {
	var b strings.Builder
	secrets, phi := Summary(in.Findings)
	b.WriteString(paint(in.Color, ansiBold, "Pretense scan report") + "\n")
	if in.Target != "" {
		fmt.Fprintf(&b, "Target:        %s\n", in.Target)
	}
	mode := "secrets"
	if in.PHIMode != "" && in.PHIMode != "off" {
		mode = fmt.Sprintf("secrets + PHI (%s)", in.PHIMode)
	}
	fmt.Fprintf(&b, "Rules:         %d (%s)\n", len(in.Rules), mode)
	fmt.Fprintf(&b, "Scanned:       %d files, %s\n", in.FilesScanned, humanBytes(in.BytesScanned))
	fmt.Fprintf(&b, "Findings:      %d (%d PHI, %d secrets)\n", len(in.Findings), phi, secrets)
	if in.Suppressed > 0 {
		fmt.Fprintf(&b, "Suppressed:    %d by baseline or ignore list\n", in.Suppressed)
	}

	var phiF, secF []finding.Finding
	for _, f := range in.Findings {
		if f.Kind == finding.KindPHI {
			phiF = append(phiF, f)
		} else {
			secF = append(secF, f)
		}
	}
	if len(phiF) > 0 {
		b.WriteString("\n" + paint(in.Color, ansiBold, "PHI by HIPAA Safe Harbor category (45 CFR 164.514(b)(2))") + "\n")
		writeGroups(&b, in, phiF, func(f finding.Finding) string {
			return cmp.Or(f.Category, "uncategorised")
		})
	}
	if len(secF) > 0 {
		b.WriteString("\n" + paint(in.Color, ansiBold, "Secrets by rule") + "\n")
		writeGroups(&b, in, secF, func(f finding.Finding) string {
			return f.RuleID + " — " + f.Description
		})
	}
	if len(in.Findings) == 0 {
		b.WriteString("\nNo secrets or PHI found.\n")
	}
	if len(in.Skipped) > 0 {
		fmt.Fprintf(&b, "\nSkipped (%d, not scanned):\n", len(in.Skipped))
		reasons, by := skipGroups(in.Skipped)
		for _, r := range reasons {
			fmt.Fprintf(&b, "  %s (%d)\n", r, len(by[r]))
			for _, p := range by[r] {
				fmt.Fprintf(&b, "    %s\n", p)
			}
		}
	}
	if len(in.Stale) > 0 {
		fmt.Fprintf(&b, "\nStale baseline or ignore entries (matched nothing; remove them):\n")
		for _, s := range in.Stale {
			fmt.Fprintf(&b, "  %s\n", s)
		}
	}
	if len(in.Findings) > 0 {
		b.WriteString("\nA false positive? Add `pretense:allow` on the line, list the fingerprint in\n.pretenseignore as `fingerprint:<fp>`, or pass a previous JSON report with --baseline.\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeGroups(b *strings.Builder, in Input, fs []finding.Finding, key func(finding.Finding) string) {
	groups := map[string][]finding.Finding{}
	var keys []string
	for _, f := range fs {
		k := key(f)
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], f)
	}
	slices.Sort(keys)
	for _, k := range keys {
		g := groups[k]
		fmt.Fprintf(b, "\n  %s — %d\n", paint(in.Color, ansiBold, k), len(g))
		byFile := map[string][]finding.Finding{}
		var files []string
		for _, f := range g {
			if _, ok := byFile[f.Path]; !ok {
				files = append(files, f.Path)
			}
			byFile[f.Path] = append(byFile[f.Path], f)
		}
		slices.Sort(files)
		for _, p := range files {
			fmt.Fprintf(b, "    %s (%d)\n", p, len(byFile[p]))
			for _, f := range byFile[p] {
				where := fmt.Sprintf("%d:%d", f.Line, f.Column)
				if f.Commit != "" {
					where = shortCommit(f.Commit) + " " + where
				}
				label := f.RuleID
				if f.Entity != "" && f.Kind == finding.KindPHI {
					label = f.Entity + " (" + f.RuleID + ")"
				}
				fmt.Fprintf(b, "      %-10s %s  %s  [%s, confidence %.2f]\n", where, label, value(f, in.Redact), f.Severity, f.Confidence)
				var why []string
				why = append(why, f.Reasons...)
				if f.Decoded != "" {
					why = append(why, "decoded from "+f.Decoded)
				}
				if len(why) == 0 {
					why = append(why, "pattern "+f.RuleID)
				}
				fmt.Fprintf(b, "                 why: %s\n", strings.Join(why, "; "))
			}
		}
	}
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
