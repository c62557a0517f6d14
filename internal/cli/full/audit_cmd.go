package full

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pretense/pretense/audit"
	"github.com/pretense/pretense/config"
	"github.com/pretense/pretense/internal/cli"
)

// auditCmd shows, exports, verifies and reports on the audit log.
type auditCmd struct {
	Show   auditShowCmd   `cmd:"" default:"withargs" help:"Show recent entries as a table, or export them (--export json|csv). The default."`
	Verify auditVerifyCmd `cmd:"" help:"Check the hash chain: exit 0 when it holds, 1 naming the first entry edited, removed, reordered or inserted, a lost segment, an empty log or a missing pinned head."`
	Head   auditHeadCmd   `cmd:"" help:"Print the log's head as SEQ:HASH, to publish elsewhere and check later with 'audit verify --head'."`
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
		return f, cli.UsageErrorf("--range and --since both set the start: use one")
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
		return f, cli.UsageErrorf("--until %s is before the start %s", f.Until.Format(time.RFC3339), f.Since.Format(time.RFC3339))
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
	return time.Time{}, cli.WithHint(cli.UsageErrorf("%s %q is not a time", name, v), "use RFC 3339 (2026-03-01T00:00:00Z) or a date (2026-03-01, UTC midnight)")
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
	return time.Time{}, cli.WithHint(cli.UsageErrorf("--range %q is not a span", span), "use a count and a unit: 24h, 90d, 12w, 13mo or 1y")
}

type auditShowCmd struct {
	auditLogFlags
	rangeFlags
	User   string `help:"Only entries of this user (exact match, as recorded: e.g. alice@example.org or local:1000)." placeholder:"USER"`
	Export string `help:"Export the entries instead of a table: json or csv." enum:"json,csv," default:"" placeholder:"FORMAT"`
	Output string `short:"o" help:"Write to FILE instead of stdout." placeholder:"FILE"`
	Limit  int    `help:"Table only: show the last N entries (0 = all)." default:"20"`
}

func (c *auditShowCmd) Run(ctx context.Context, st *cli.IO, g *cli.Globals) error {
	s, home, err := cli.LoadSettings(g, ".")
	if err != nil {
		return err
	}
	f, err := c.filter(time.Now())
	if err != nil {
		return err
	}
	f.User = c.User
	dir := c.dir(s, home)
	entries, stats, err := audit.Read(dir, f)
	if err != nil {
		return cli.RuntimeError(err)
	}
	warnSkipped(st.Err, stats, dir)
	switch c.Export {
	case "json":
		return cli.WriteOutput(c.Output, st.Out, func(w io.Writer) error { return audit.WriteJSON(w, entries) })
	case "csv":
		return cli.WriteOutput(c.Output, st.Out, func(w io.Writer) error { return audit.WriteCSV(w, entries) })
	}
	if c.Limit > 0 && len(entries) > c.Limit {
		entries = entries[len(entries)-c.Limit:]
	}
	return cli.WriteOutput(c.Output, st.Out, func(w io.Writer) error {
		if len(entries) == 0 {
			_, err := fmt.Fprintf(w, "no audit entries in %s\n", dir)
			return err
		}
		// The USER column appears once entries record one, so logs
		// from before identity keep their table.
		withUser := false
		for _, e := range entries {
			withUser = withUser || e.User != ""
		}
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		if withUser {
			fmt.Fprint(tw, "USER\t")
		}
		fmt.Fprintln(tw, "TIME\tSESSION\tMODEL\tOUTCOME\tMUTATIONS\tSECRETS\tPHI\tFIDELITY\tREQUEST")
		for _, e := range entries {
			if withUser {
				fmt.Fprintf(tw, "%s\t", dash(e.User))
			}
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
	Source     string `arg:"" optional:"" help:"Verify a chain shipped elsewhere: a segment file, several concatenated, or stdout-sink JSON lines; - reads standard input. Default: the log directory." placeholder:"FILE|-"`
	Head       string `name:"head" help:"A head published earlier (SEQ:HASH from 'audit head', or HASH): fail unless the chain still holds it." placeholder:"SEQ:HASH"`
	AllowEmpty bool   `help:"Exit 0 for a missing or empty log instead of 1."`
	Format     string `short:"f" help:"Output format: text or json." enum:"text,json" default:"text"`
}

// verifyJSON is audit verify's machine-readable result.
type verifyJSON struct {
	OK        bool             `json:"ok"`
	Dir       string           `json:"dir"`
	Empty     bool             `json:"empty,omitempty"`
	Segments  int              `json:"segments"`
	Records   int              `json:"records"`
	Entries   int              `json:"entries"`
	FirstSeq  uint64           `json:"firstSeq"`
	LastSeq   uint64           `json:"lastSeq"`
	Head      string           `json:"head"`
	Pin       string           `json:"pin,omitempty"` // SEQ:HASH of the head, as 'audit head' prints it
	Recovered []audit.Recovery `json:"recovered,omitempty"`
	Pruned    []string         `json:"pruned,omitempty"`
	Breaks    []audit.Break    `json:"breaks,omitempty"`
	Restarts  []int            `json:"restarts,omitempty"`
	MidChain  bool             `json:"midChain,omitempty"`
	Pinned    *pinnedJSON      `json:"pinned,omitempty"`
	Problem   *problemJSON     `json:"problem,omitempty"`
}

type pinnedJSON struct {
	Head    string `json:"head"`
	Found   bool   `json:"found"`
	Segment string `json:"segment,omitempty"`
	Line    int    `json:"line,omitempty"`
}

type problemJSON struct {
	Kind      string `json:"kind"`
	Segment   string `json:"segment"`
	Line      int    `json:"line"`
	Seq       uint64 `json:"seq,omitempty"`
	RequestID string `json:"requestId,omitempty"`
	Message   string `json:"message"`
}

// headPin is the SEQ:HASH form of a result's head.
func headPin(res *audit.VerifyResult) string {
	if res.Head == "" {
		return ""
	}
	return strconv.FormatUint(res.LastSeq, 10) + ":" + res.Head
}

func (c *auditVerifyCmd) Run(ctx context.Context, st *cli.IO, g *cli.Globals) error {
	var opts audit.VerifyOptions
	if c.Head != "" {
		pin, err := audit.ParsePin(c.Head)
		if err != nil {
			return cli.WithHint(cli.UsageErrorf("--head: %v", err), "pass the SEQ:HASH that 'pretense audit head' printed")
		}
		opts.Pin = &pin
	}
	res, where, err := c.verify(st, g, opts)
	if err != nil {
		return err
	}
	empty := res.Records == 0 && res.Problem == nil
	failed := !res.OK() || empty && !c.AllowEmpty
	if c.Format == "json" {
		out := verifyJSON{OK: !failed, Dir: where, Empty: empty, Segments: res.Segments, Records: res.Records, Entries: res.Entries,
			FirstSeq: res.FirstSeq, LastSeq: res.LastSeq, Head: res.Head, Pin: headPin(res), Recovered: res.Recovered, Pruned: res.Pruned,
			Breaks: res.Breaks, Restarts: res.Restarts, MidChain: res.MidChain}
		if pr := res.Pin; pr != nil {
			out.Pinned = &pinnedJSON{Head: pr.Pin.String(), Found: pr.Found, Segment: pr.Segment, Line: pr.Line}
		}
		if p := res.Problem; p != nil {
			out.Problem = &problemJSON{Kind: string(p.Kind), Segment: p.Segment, Line: p.Line, Seq: p.Seq, Message: p.String()}
			if p.Entry != nil {
				out.Problem.RequestID = p.Entry.RequestID
			}
		}
		enc := json.NewEncoder(st.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return cli.RuntimeError(err)
		}
		if failed {
			return cli.ErrFindings
		}
		return nil
	}
	for _, r := range res.Recovered {
		fmt.Fprintf(st.Out, "note: %s offset %d: a %d-byte line torn by a crash was sealed by the next writer (the request it described was never acknowledged)\n", r.Segment, r.Offset, r.Length)
	}
	if len(res.Pruned) > 0 {
		fmt.Fprintf(st.Out, "note: %d segment(s) removed by retention: %s\n", len(res.Pruned), strings.Join(res.Pruned, ", "))
	}
	if res.MidChain {
		fmt.Fprintf(st.Out, "note: %s starts at seq %d, which links to a record not in it: what came before is not checked\n", where, res.FirstSeq)
	}
	for _, line := range res.Restarts {
		fmt.Fprintf(st.Out, "note: %s line %d starts a new chain (a writer restarted): the loss of records at the end of the chain before it cannot be detected\n", where, line)
	}
	breaks := res.Breaks
	if !res.OK() && res.Problem.Kind == audit.Lost {
		breaks = breaks[1:] // the first is the problem itself, printed below
	}
	for _, b := range breaks {
		fmt.Fprintf(st.Out, "lost: %s\n", b)
	}
	if !res.OK() {
		loc := where
		if res.Problem.Segment != "" && c.Source == "" {
			loc = filepath.Join(where, res.Problem.Segment)
		}
		fmt.Fprintf(st.Out, "FAIL %s\n", loc)
		fmt.Fprintf(st.Out, "  %s\n", res.Problem)
		fmt.Fprintf(st.Out, "  checked %d records (%d entries)\n", res.Records, res.Entries)
		return cli.ErrFindings
	}
	if empty {
		if c.AllowEmpty {
			fmt.Fprintf(st.Out, "ok: no audit records in %s (--allow-empty)\n", where)
			return nil
		}
		fmt.Fprintf(st.Out, "FAIL %s\n  no audit records: the log is missing or empty (pass --allow-empty if none is expected)\n", where)
		return cli.ErrFindings
	}
	fmt.Fprintf(st.Out, "ok: %d entries, %d records in %d segment(s), seq %d..%d\n", res.Entries, res.Records, res.Segments, res.FirstSeq, res.LastSeq)
	if pr := res.Pin; pr != nil {
		fmt.Fprintf(st.Out, "pinned head %s found at %s line %d\n", pr.Pin.String(), pr.Segment, pr.Line)
	}
	fmt.Fprintf(st.Out, "head %s\n", headPin(res))
	return nil
}

// verify runs the check on the directory, a file or standard input, and
// says which.
func (c *auditVerifyCmd) verify(st *cli.IO, g *cli.Globals, opts audit.VerifyOptions) (*audit.VerifyResult, string, error) {
	switch {
	case c.Source != "" && c.Dir != "":
		return nil, "", cli.UsageErrorf("give either a FILE (or -) to verify or --audit-dir, not both")
	case c.Source == "-":
		in := st.In
		if in == nil {
			in = strings.NewReader("")
		}
		res, err := audit.VerifyStream(in, "stdin", opts)
		if err != nil {
			return nil, "", cli.RuntimeError(err)
		}
		return res, "stdin", nil
	case c.Source != "":
		fi, err := os.Stat(c.Source)
		if err != nil {
			return nil, "", cli.UsageError(fmt.Errorf("audit verify: %w", err))
		}
		if fi.IsDir() {
			res, err := audit.VerifyDir(c.Source, opts)
			if err != nil {
				return nil, "", cli.RuntimeError(err)
			}
			return res, c.Source, nil
		}
		f, err := os.Open(c.Source)
		if err != nil {
			return nil, "", cli.RuntimeError(fmt.Errorf("audit verify: %w", err))
		}
		defer f.Close()
		res, err := audit.VerifyStream(f, filepath.Base(c.Source), opts)
		if err != nil {
			return nil, "", cli.RuntimeError(err)
		}
		return res, c.Source, nil
	}
	s, home, err := cli.LoadSettings(g, ".")
	if err != nil {
		return nil, "", err
	}
	dir := c.dir(s, home)
	res, err := audit.VerifyDir(dir, opts)
	if err != nil {
		return nil, "", cli.RuntimeError(err)
	}
	return res, dir, nil
}

type auditHeadCmd struct {
	auditLogFlags
	Format string `short:"f" help:"Output format: text (SEQ:HASH) or json." enum:"text,json" default:"text"`
}

func (c *auditHeadCmd) Run(ctx context.Context, st *cli.IO, g *cli.Globals) error {
	s, home, err := cli.LoadSettings(g, ".")
	if err != nil {
		return err
	}
	dir := c.dir(s, home)
	pin, err := audit.Head(dir)
	if errors.Is(err, audit.ErrEmpty) {
		fmt.Fprintf(st.Err, "pretense: no audit records in %s: nothing to pin\n", dir)
		return cli.ErrFindings
	}
	if err != nil {
		return cli.RuntimeError(err)
	}
	if c.Format == "json" {
		enc := json.NewEncoder(st.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"dir": dir, "seq": pin.Seq, "hash": hex.EncodeToString(pin.Hash[:]), "head": pin.String()})
	}
	fmt.Fprintln(st.Out, pin.String())
	return nil
}

type auditReportCmd struct {
	auditLogFlags
	rangeFlags
	User   string `help:"Only entries of this user (exact match)." placeholder:"USER"`
	Format string `help:"Report format: html or md (default: from -o's extension, else html)." enum:"html,md," default:"" placeholder:"FORMAT"`
	Output string `short:"o" help:"Write to FILE instead of stdout." placeholder:"FILE"`
	// As in audit verify: a report over no records at all most often
	// means the wrong --audit-dir, which must not pass a compliance job.
	AllowEmpty bool `help:"Exit 0 for a missing or empty log instead of 1 (the report is written either way)."`
}

func (c *auditReportCmd) Run(ctx context.Context, st *cli.IO, g *cli.Globals) error {
	s, home, err := cli.LoadSettings(g, ".")
	if err != nil {
		return err
	}
	now := time.Now()
	f, err := c.filter(now)
	if err != nil {
		return err
	}
	f.User = c.User
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
		return cli.RuntimeError(err)
	}
	warnSkipped(st.Err, sum.Skipped, dir)
	err = cli.WriteOutput(c.Output, st.Out, func(w io.Writer) error {
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
		return cli.ErrFindings
	}
	if sum.Verification.Records == 0 {
		if c.AllowEmpty {
			fmt.Fprintf(st.Err, "pretense: no audit records in %s (--allow-empty)\n", dir)
			return nil
		}
		fmt.Fprintf(st.Err, "pretense: no audit records in %s: the log is missing or empty (pass --allow-empty if none is expected)\n", dir)
		return cli.ErrFindings
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
		return nil, nil, cli.UsageError(err) // validated by config already
	}
	noop := func() error { return nil }
	if c.Audit.Sink == "stdout" {
		return audit.NewStdoutSink(out), noop, nil
	}
	l, err := audit.Open(s.AuditDir(home), audit.Options{Retention: ret})
	if err != nil {
		return nil, nil, cli.RuntimeError(fmt.Errorf("open audit log: %w", err))
	}
	if c.Audit.Sink == "both" {
		return audit.Tee(l, audit.NewStdoutSink(out)), l.Close, nil
	}
	return l, l.Close, nil
}
