package gate

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"
)

// Formats returns the formats the gate writes itself. SARIF is written by
// report/gatesarif (gatesarif.Write), through the same go-sarif writer as
// scan results.
func Formats() []string { return []string{"text", "json"} }

// Write renders the report in format ("text" or "json").
func (r *Report) Write(w io.Writer, format string) error {
	switch format {
	case "", "text":
		return r.WriteText(w)
	case "json":
		return r.WriteJSON(w)
	}
	return fmt.Errorf("%w: unknown format %q: want one of %s", ErrUsage, format, strings.Join(Formats(), ", "))
}

// WriteJSON writes the report as one indented JSON object.
func (r *Report) WriteJSON(w io.Writer) error {
	out := struct {
		*Report
		Passed bool `json:"passed"`
	}{r, r.Passed()}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// WriteText writes the per-tool table, then what each violation means and
// how to fix it.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "pretense gate: proxy %s\n\n", r.Proxy)
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TOOL\tVERDICT\tENDPOINT\tSETTING\tSOURCE")
	for _, c := range r.Checks {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.Tool, c.Verdict, dash(c.Endpoint), dash(c.Setting), dash(r.display(c.Source)))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if r.Violations > 0 {
		fmt.Fprintf(&b, "\nViolations:\n")
		for _, c := range r.Checks {
			if c.Verdict != Violation {
				continue
			}
			where := r.display(c.Source)
			if c.Setting != "" {
				where = c.Setting + " in " + where
			}
			fmt.Fprintf(&b, "  %s [%s] %s\n    %s\n", c.Tool, c.Rule, where, c.Reason)
			if c.Fix != "" {
				fmt.Fprintf(&b, "    fix: %s\n", c.Fix)
			}
		}
	}
	b.WriteString("\n")
	switch {
	case r.Offline:
		b.WriteString("live probe: skipped (--offline); routing shown by settings only, not proven\n")
	case r.Probed:
		b.WriteString("live probe: /health and one canary per routed base URL (answered by the proxy, never sent upstream)\n")
	case r.ProbeNote != "":
		b.WriteString("live probe: " + r.ProbeNote + "\n")
	}
	if r.Passed() {
		b.WriteString("gate: pass: every configured LLM endpoint routes through the Pretense proxy\n")
	} else {
		fmt.Fprintf(&b, "gate: FAIL: %d violation(s)\n", r.Violations)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// display shortens a source path for people: relative to the working
// directory when inside it, ~/… under the home directory.
func (r *Report) display(src string) string {
	if !filepath.IsAbs(src) {
		return src
	}
	if r.workDir != "" {
		if rel, err := filepath.Rel(r.workDir, src); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
	}
	if r.home != "" {
		if rel, err := filepath.Rel(r.home, src); err == nil && !strings.HasPrefix(rel, "..") {
			return "~/" + filepath.ToSlash(rel)
		}
	}
	return src
}
