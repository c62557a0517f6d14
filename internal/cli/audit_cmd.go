package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pretense/pretense/audit"
	"github.com/pretense/pretense/config"
)

// auditCmd shows, exports, verifies and reports on the audit log.
type auditCmd struct {
	Show   auditShowCmd   `cmd:"" default:"withargs" help:"Show recent entries as a table, or export them (--export json|csv). The default."`
	Verify auditVerifyCmd `cmd:"" help:"Check the hash chain: exit 0 when it holds, 1 naming the first entry edited, removed, reordered or inserted."`
	Report auditReportCmd `cmd:"" help:"Write a compliance report (html or md) for a period."`
}

// auditLogFlags locate the log.
type auditLogFlags struct {
	Dir string `name:"audit-dir" help:"Audit log directory (default: audit.dir, else $PRETENSE_HOME/audit)." type:"path" placeholder:"DIR"`
}

// dir resolves the log directory: --audit-dir > audit.dir (flag, env,
// project, user) > $PRETENSE_HOME/audit.
func (f auditLogFlags) dir(s *config.Settings, home string) string {
	if f.Dir != "" {
		return f.Dir
	}
	return s.AuditDir(home)
}

// rangeFlags select a period. Since is inclusive and Until exclusive, so
// --since 2026-02-01 --until 2026-03-01 is exactly February (UTC).
type rangeFlags struct {
	Range string `help:"Period ending now (or at --until): e.g. 90d, 12w, 24h, 13mo, 1y." placeholder:"SPAN"`
	Since string `help:"Start, inclusive: RFC 3339 time or YYYY-MM-DD (UTC midnight)." placeholder:"TIME"`
	Until string `help:"End, exclusive: RFC 3339 time or YYYY-MM-DD (UTC midnight)." placeholder:"TIME"`
}

// filter turns the flags into an audit.Filter relative to now.
func (r rangeFlags) filter(now time.Time) (audit.Filter, error) {
	var f audit.Filter
	var err error
	if r.Since != "" && r.Range != "" {
		return f, usageErrorf("--range and --since both set the start: use one")
	}
	if r.Until != "" {
		if f.Until, err = parseTimeFlag("--until", r.Until); err != nil {
			return f, err
		}
	}
	if r.Since != "" {
		if f.Since, err = parseTimeFlag("--since", r.Since); err != nil {
			return f, err
		}
	}
	if r.Range != "" {
		end := now
		if !f.Until.IsZero() {
			end = f.Until
		}
		if f.Since, err = subtractSpan(end, r.Range); err != nil {
			return f, err
		}
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && f.Until.Before(f.Since) {
		return f, usageErrorf("--until %s is before the start %s", f.Until.Format(time.RFC3339), f.Since.Format(time.RFC3339))
	}
	return f, nil
}

func parseTimeFlag(name, v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return t, nil
	}
	return time.Time{}, withHint(usageErrorf("%s %q is not a time", name, v), "use RFC 3339 (2026-03-01T00:00:00Z) or a date (2026-03-01, UTC midnight)")
}

// subtractSpan goes back a span from end: Nh, Nd, Nw in exact hours, Nmo
// and Ny in calendar months and years.
func subtractSpan(end time.Time, span string) (time.Time, error) {
	s := strings.ToLower(strings.TrimSpace(span))
	for _, u := range []struct {
		suffix string
		back   func(n int) time.Time
	}{
		{"mo", func(n int) time.Time { return end.AddDate(0, -n, 0) }},
		{"y", func(n int) time.Time { return end.AddDate(-n, 0, 0) }},
		{"w", func(n int) time.Time { return end.Add(-time.Duration(n) * 7 * 24 * time.Hour) }},
		{"d", func(n int) time.Time { return end.Add(-time.Duration(n) * 24 * time.Hour) }},
		{"h", func(n int) time.Time { return end.Add(-time.Duration(n) * time.Hour) }},
	} {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			// 1e6 hours, days or weeks is far past any log and keeps the
			// duration arithmetic from overflowing.
			if n, err := strconv.Atoi(num); err == nil && n > 0 && n <= 1_000_000 {
				return u.back(n).UTC(), nil
			}
			break
		}
	}
	return time.Time{}, withHint(usageErrorf("--range %q is not a span", span), "use a count and a unit: 24h, 90d, 12w, 13mo or 1y")
}

type auditShowCmd struct {
	auditLogFlags
	rangeFlags
	Export string `help:"Export the entries instead of a table: json or csv." enum:"json,csv," default:"" placeholder:"FORMAT"`
	Output string `short:"o" help:"Write to FILE instead of stdout." placeholder:"FILE"`
	Limit  int    `help:"Table only: show the last N entries (0 = all)." default:"20"`
}

func (c *auditShowCmd) Run(ctx context.Context, st *IO, g *Globals) error {
	s, home, err := loadSettings(g, ".")
	if err != nil {
		return err
	}
	f, err := c.filter(time.Now())
	if err != nil {
		return err
	}
	dir := c.dir(s, home)
	entries, stats, err := audit.Read(dir, f)
	if err != nil {
		return runtimeError(err)
	}
	warnSkipped(st.Err, stats, dir)
	switch c.Export {
	case "json":
		return writeOutput(c.Output, st.Out, func(w io.Writer) error { return audit.WriteJSON(w, entries) })
	case "csv":
		return writeOutput(c.Output, st.Out, func(w io.Writer) error { return audit.WriteCSV(w, entries) })
	}
	if c.Limit > 0 && len(entries) > c.Limit {
		entries = entries[len(entries)-c.Limit:]
	}
	return writeOutput(c.Output, st.Out, func(w io.Writer) error {
		if len(entries) == 0 {
			_, err := fmt.Fprintf(w, "no audit entries in %s\n", dir)
			return err
		}
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "TIME\tSESSION\tMODEL\tOUTCOME\tMUTATIONS\tSECRETS\tPHI\tFIDELITY\tREQUEST")
		for _, e := range entries {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\t%s\t%s\n",
				e.Timestamp.UTC().Format(time.RFC3339), dash(e.Session), dash(e.Model), e.Outcome,
				e.Mutations, e.SecretsBlocked, e.PHIPatternsDetected,
				strconv.FormatFloat(e.RoundTripFidelity*100, 'f', 1, 64)+"%", dash(e.RequestID))
		}
		return tw.Flush()
	})
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// warnSkipped says when lines were not turned into entries; they are
// never dropped silently.
func warnSkipped(w io.Writer, stats audit.ScanStats, dir string) {
	if stats.Skipped() == 0 {
		return
	}
	fmt.Fprintf(w, "pretense: warning: %d torn and %d unreadable line(s) in %s were not included; run 'pretense audit verify'\n", stats.Torn, stats.Unreadable, dir)
}

type auditVerifyCmd struct {
	auditLogFlags
	Format string `short:"f" help:"Output format: text or json." enum:"text,json" default:"text"`
}

// verifyJSON is audit verify's machine-readable result.
type verifyJSON struct {
	OK        bool             `json:"ok"`
	Dir       string           `json:"dir"`
	Segments  int              `json:"segments"`
	Records   int              `json:"records"`
	Entries   int              `json:"entries"`
	FirstSeq  uint64           `json:"firstSeq"`
	LastSeq   uint64           `json:"lastSeq"`
	Head      string           `json:"head"`
	Recovered []audit.Recovery `json:"recovered,omitempty"`
	Pruned    []string         `json:"pruned,omitempty"`
	Problem   *problemJSON     `json:"problem,omitempty"`
}

type problemJSON struct {
	Kind      string `json:"kind"`
	Segment   string `json:"segment"`
	Line      int    `json:"line"`
	Seq       uint64 `json:"seq,omitempty"`
	RequestID string `json:"requestId,omitempty"`
	Message   string `json:"message"`
}

func (c *auditVerifyCmd) Run(ctx context.Context, st *IO, g *Globals) error {
	s, home, err := loadSettings(g, ".")
	if err != nil {
		return err
	}
	dir := c.dir(s, home)
	res, err := audit.Verify(dir)
	if err != nil {
		return runtimeError(err)
	}
	if c.Format == "json" {
		out := verifyJSON{OK: res.OK(), Dir: dir, Segments: res.Segments, Records: res.Records, Entries: res.Entries,
			FirstSeq: res.FirstSeq, LastSeq: res.LastSeq, Head: res.Head, Recovered: res.Recovered, Pruned: res.Pruned}
		if p := res.Problem; p != nil {
			out.Problem = &problemJSON{Kind: string(p.Kind), Segment: p.Segment, Line: p.Line, Seq: p.Seq, Message: p.String()}
			if p.Entry != nil {
				out.Problem.RequestID = p.Entry.RequestID
			}
		}
		enc := json.NewEncoder(st.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return runtimeError(err)
		}
		if !res.OK() {
			return errFindings
		}
		return nil
	}
	for _, r := range res.Recovered {
		fmt.Fprintf(st.Out, "note: %s offset %d: a %d-byte line torn by a crash was sealed by the next writer (the request it described was never acknowledged)\n", r.Segment, r.Offset, r.Length)
	}
	if len(res.Pruned) > 0 {
		fmt.Fprintf(st.Out, "note: %d segment(s) removed by retention: %s\n", len(res.Pruned), strings.Join(res.Pruned, ", "))
	}
	if !res.OK() {
		fmt.Fprintf(st.Out, "FAIL %s\n", filepath.Join(dir, res.Problem.Segment))
		fmt.Fprintf(st.Out, "  %s\n", res.Problem)
		fmt.Fprintf(st.Out, "  checked %d records (%d entries) before the break\n", res.Records, res.Entries)
		return errFindings
	}
	if res.Records == 0 {
		fmt.Fprintf(st.Out, "ok: no audit entries in %s\n", dir)
		return nil
	}
	fmt.Fprintf(st.Out, "ok: %d entries, %d records in %d segment(s), seq %d..%d\nhead %s\n",
		res.Entries, res.Records, res.Segments, res.FirstSeq, res.LastSeq, res.Head)
	return nil
}

type auditReportCmd struct {
	auditLogFlags
	rangeFlags
	Format string `help:"Report format: html or md (default: from -o's extension, else html)." enum:"html,md," default:"" placeholder:"FORMAT"`
	Output string `short:"o" help:"Write to FILE instead of stdout." placeholder:"FILE"`
}

func (c *auditReportCmd) Run(ctx context.Context, st *IO, g *Globals) error {
	s, home, err := loadSettings(g, ".")
	if err != nil {
		return err
	}
	now := time.Now()
	f, err := c.filter(now)
	if err != nil {
		return err
	}
	format := c.Format
	if format == "" {
		format = "html"
		if ext := strings.ToLower(filepath.Ext(c.Output)); ext == ".md" || ext == ".markdown" {
			format = "md"
		}
	}
	phi, _ := s.Get("phi-mode")
	pol, _ := s.Get("mutation-policy")
	ret, _ := s.Get("audit.retention")
	policy := audit.Policy{
		PHIMode: phi.String(), PHIModeSource: describeSource(phi),
		MutationPolicy: pol.String(), MutationPolicySource: describeSource(pol),
		Retention: ret.String(),
	}
	dir := c.dir(s, home)
	sum, err := audit.Report(dir, f, policy, now)
	if err != nil {
		return runtimeError(err)
	}
	warnSkipped(st.Err, sum.Skipped, dir)
	err = writeOutput(c.Output, st.Out, func(w io.Writer) error {
		if format == "md" {
			return sum.WriteMarkdown(w)
		}
		return sum.WriteHTML(w)
	})
	if err != nil {
		return err
	}
	if !sum.Verification.OK() {
		fmt.Fprintf(st.Err, "pretense: the audit chain does not verify: %s\n", sum.Verification.Problem)
		return errFindings
	}
	return nil
}

func describeSource(v config.Value) string {
	if v.Source == config.SourceDefault {
		return "default"
	}
	return string(v.Source) + " " + v.Origin
}

// openAuditSink builds the sink the proxy writes entries to, from the
// effective settings: audit.sink file (the chained log in audit.dir or
// $PRETENSE_HOME/audit, with audit.retention), stdout (JSON lines on out)
// or both. The returned close function releases the log.
func openAuditSink(s *config.Settings, home string, out io.Writer) (audit.Sink, func() error, error) {
	c := s.Config()
	ret, err := audit.ParseRetention(c.Audit.Retention)
	if err != nil {
		return nil, nil, usageError(err) // validated by config already
	}
	noop := func() error { return nil }
	if c.Audit.Sink == "stdout" {
		return audit.NewStdoutSink(out), noop, nil
	}
	l, err := audit.Open(s.AuditDir(home), audit.Options{Retention: ret})
	if err != nil {
		return nil, nil, runtimeError(fmt.Errorf("open audit log: %w", err))
	}
	if c.Audit.Sink == "both" {
		return audit.Tee(l, audit.NewStdoutSink(out)), l.Close, nil
	}
	return l, l.Close, nil
}
