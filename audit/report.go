package audit

import (
	"fmt"
	htmltemplate "html/template"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	texttemplate "text/template"
	"time"
)

// Policy is the configuration in force when the report was made, with where
// each value came from (flag, env, project, user or default).
type Policy struct {
	PHIMode              string
	PHIModeSource        string
	MutationPolicy       string
	MutationPolicySource string
	Retention            string
}

// RuleCount is how many blocked requests a rule took part in.
type RuleCount struct {
	Rule  string
	Count int
}

// Day is one bar of the per-day chart.
type Day struct {
	Date                       time.Time
	Forwarded, Blocked, Failed int
	Mutations                  int
	Requests                   int
}

// Summary is a compliance report for a period: what the log says happened
// and whether the log itself holds.
type Summary struct {
	Since, Until time.Time // the period asked for; zero bounds are open
	First, Last  time.Time // first and last entry inside it
	Generated    time.Time
	Policy       Policy

	Requests, Sessions, Mutations, PHIPatterns int
	Forwarded, Blocked, Failed                 int
	// Blocked requests by category: a request blocked for both a secret
	// and PHI counts in both; Other is blocked with neither count set.
	BlockedSecrets, BlockedPHI, BlockedOther int
	BlockedByRule                            []RuleCount

	// Round-trip fidelity over forwarded requests that had mutations: the
	// share of synthetics in responses that were restored.
	FidelityMeasured int
	FidelityMean     float64
	FidelityMin      float64
	FidelityBelowOne int

	Days []Day

	// Who and with what: requests, blocks and mutations per authenticated
	// user and per client tool, for an access review.
	ByUser, ByClient []Actor

	Verification *VerifyResult
	Skipped      ScanStats
}

// maxChartDays bounds the chart; a longer period charts its last days.
const maxChartDays = 800

// Summarize builds a Summary from entries already filtered to f.
func Summarize(entries []Entry, f Filter, p Policy, now time.Time) *Summary {
	s := &Summary{Since: f.Since, Until: f.Until, Generated: now.UTC(), Policy: p, FidelityMin: 1}
	sessions := map[string]bool{}
	byRule := map[string]int{}
	byDay := map[time.Time]*Day{}
	var fidSum float64
	users, clients := newActors(), newActors()
	for i := range entries {
		e := &entries[i]
		users.add(e.User, e)
		clients.add(e.Client, e)
		ts := e.Timestamp.UTC()
		if s.First.IsZero() || ts.Before(s.First) {
			s.First = ts
		}
		if ts.After(s.Last) {
			s.Last = ts
		}
		s.Requests++
		sessions[e.Session] = true
		s.Mutations += e.Mutations
		s.PHIPatterns += e.PHIPatternsDetected
		day := time.Date(ts.Year(), ts.Month(), ts.Day(), 0, 0, 0, 0, time.UTC)
		d := byDay[day]
		if d == nil {
			d = &Day{Date: day}
			byDay[day] = d
		}
		d.Requests++
		d.Mutations += e.Mutations
		switch e.Outcome {
		case OutcomeForwarded:
			s.Forwarded++
			d.Forwarded++
			if e.Mutations > 0 {
				s.FidelityMeasured++
				fidSum += e.RoundTripFidelity
				s.FidelityMin = math.Min(s.FidelityMin, e.RoundTripFidelity)
				if e.RoundTripFidelity < 1 {
					s.FidelityBelowOne++
				}
			}
		case OutcomeBlocked:
			s.Blocked++
			d.Blocked++
			if e.SecretsBlocked > 0 {
				s.BlockedSecrets++
			}
			if e.PHIPatternsDetected > 0 {
				s.BlockedPHI++
			}
			if e.SecretsBlocked == 0 && e.PHIPatternsDetected == 0 {
				s.BlockedOther++
			}
			seen := map[string]bool{}
			for _, r := range e.Rules {
				if !seen[r] {
					seen[r] = true
					byRule[r]++
				}
			}
		default:
			s.Failed++
			d.Failed++
		}
	}
	s.Sessions = len(sessions)
	if s.FidelityMeasured > 0 {
		s.FidelityMean = fidSum / float64(s.FidelityMeasured)
	}
	for r, n := range byRule {
		s.BlockedByRule = append(s.BlockedByRule, RuleCount{r, n})
	}
	sort.Slice(s.BlockedByRule, func(i, j int) bool {
		a, b := s.BlockedByRule[i], s.BlockedByRule[j]
		return a.Count > b.Count || a.Count == b.Count && a.Rule < b.Rule
	})
	s.Days = chartDays(s, byDay)
	s.ByUser, s.ByClient = users.list(), clients.list()
	return s
}

// chartDays lists every day of the period, empty days included, so gaps in
// usage show as gaps in the chart.
func chartDays(s *Summary, byDay map[time.Time]*Day) []Day {
	from, to := s.First, s.Last
	if !s.Since.IsZero() {
		from = s.Since
	}
	if !s.Until.IsZero() {
		to = s.Until.Add(-time.Nanosecond)
	}
	if from.IsZero() || to.Before(from) {
		return nil
	}
	from = time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
	to = time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, time.UTC)
	if n := int(to.Sub(from).Hours()/24) + 1; n > maxChartDays {
		from = to.AddDate(0, 0, -(maxChartDays - 1))
	}
	var days []Day
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		if got := byDay[d]; got != nil {
			days = append(days, *got)
		} else {
			days = append(days, Day{Date: d})
		}
	}
	return days
}

// Report builds the Summary for dir over f, verifying the chain.
func Report(dir string, f Filter, p Policy, now time.Time) (*Summary, error) {
	entries, stats, err := Read(dir, f)
	if err != nil {
		return nil, err
	}
	res, err := Verify(dir)
	if err != nil {
		return nil, err
	}
	s := Summarize(entries, f, p, now)
	s.Verification = res
	s.Skipped = stats
	return s, nil
}

// Period describes the report period in words.
func (s *Summary) Period() string {
	switch {
	case s.Since.IsZero() && s.Until.IsZero():
		return "all entries in the log"
	case s.Since.IsZero():
		return "up to " + s.Until.Format(time.RFC3339) + " (exclusive)"
	case s.Until.IsZero():
		return "from " + s.Since.Format(time.RFC3339)
	}
	return s.Since.Format(time.RFC3339) + " to " + s.Until.Format(time.RFC3339) + " (exclusive)"
}

// FidelityText is the mean fidelity as a percentage, or "n/a".
func (s *Summary) FidelityText() string {
	if s.FidelityMeasured == 0 {
		return "n/a"
	}
	return pct(s.FidelityMean)
}

// FidelityMinText is the lowest fidelity as a percentage, or "n/a".
func (s *Summary) FidelityMinText() string {
	if s.FidelityMeasured == 0 {
		return "n/a"
	}
	return pct(s.FidelityMin)
}

func pct(f float64) string { return strconv.FormatFloat(f*100, 'f', 2, 64) + "%" }

// VerificationText is one line: the chain holds, or the first problem.
func (s *Summary) VerificationText() string {
	v := s.Verification
	if v == nil {
		return "not run"
	}
	if v.OK() {
		msg := fmt.Sprintf("chain verified: %d records in %d segment(s)", v.Records, v.Segments)
		if len(v.Recovered) > 0 {
			msg += fmt.Sprintf("; %d torn line(s) from a crash were sealed by the next writer", len(v.Recovered))
		}
		if len(v.Pruned) > 0 {
			msg += fmt.Sprintf("; %d segment(s) removed by retention", len(v.Pruned))
		}
		return msg
	}
	return "CHAIN BROKEN: " + v.Problem.String()
}

// chart is the per-day SVG chart geometry.
type chart struct {
	Width, Height, PlotLeft, PlotTop, PlotWidth, PlotHeight int
	Max                                                     int
	Bars                                                    []bar
	Ticks                                                   []tick
	Labels                                                  []label
}

type bar struct {
	Date                       string
	X, W                       float64
	Requests                   int
	Forwarded, Blocked, Failed int
	FY, FH, BY, BH, XY, XH     float64 // forwarded, blocked, failed segments
}

type tick struct {
	Y     float64
	Value int
}

type label struct {
	X    float64
	Text string
}

func (s *Summary) chart() chart {
	c := chart{Width: 1000, Height: 280, PlotLeft: 48, PlotTop: 12, PlotWidth: 936, PlotHeight: 220}
	for _, d := range s.Days {
		c.Max = max(c.Max, d.Requests)
	}
	top := niceCeil(c.Max)
	n := len(s.Days)
	if n == 0 {
		return c
	}
	slot := float64(c.PlotWidth) / float64(n)
	w := math.Max(slot*0.8, 1)
	scale := float64(c.PlotHeight) / float64(top)
	base := float64(c.PlotTop + c.PlotHeight)
	for i, d := range s.Days {
		x := float64(c.PlotLeft) + float64(i)*slot + (slot-w)/2
		fh := float64(d.Forwarded) * scale
		bh := float64(d.Blocked) * scale
		xh := float64(d.Failed) * scale
		c.Bars = append(c.Bars, bar{
			Date: d.Date.Format("2006-01-02"), X: round1(x), W: round1(w),
			Requests: d.Requests, Forwarded: d.Forwarded, Blocked: d.Blocked, Failed: d.Failed,
			FY: round1(base - fh), FH: round1(fh),
			BY: round1(base - fh - bh), BH: round1(bh),
			XY: round1(base - fh - bh - xh), XH: round1(xh),
		})
	}
	for i := 0; i <= 4; i++ {
		v := top * i / 4
		c.Ticks = append(c.Ticks, tick{Y: round1(base - float64(v)*scale), Value: v})
	}
	step := max(1, (n+9)/10)
	for i := 0; i < n; i += step {
		c.Labels = append(c.Labels, label{X: round1(float64(c.PlotLeft) + float64(i)*slot + slot/2), Text: s.Days[i].Date.Format("Jan 2")})
	}
	return c
}

// niceCeil rounds up to a multiple of 4 so the four gridlines are whole
// numbers.
func niceCeil(n int) int {
	if n <= 4 {
		return 4
	}
	return (n + 3) / 4 * 4
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }

// actorTable is what the "actors" template draws.
type actorTable struct {
	ID, Title string
	Rows      []Actor
}

func newActorTable(id, title string, rows []Actor) actorTable { return actorTable{id, title, rows} }

// mdCell makes a value safe inside a Markdown table cell: user names and
// client tools come from requests, so pipes, newlines and markup are
// neutralised.
func mdCell(s string) string {
	r := strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ", "<", "&lt;", ">", "&gt;", "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`)
	return r.Replace(s)
}

// WriteHTML writes the report as one self-contained HTML file: inline CSS,
// inline SVG, no scripts, fonts or images from anywhere else.
func (s *Summary) WriteHTML(w io.Writer) error {
	t, err := htmltemplate.New("report").Funcs(htmltemplate.FuncMap{
		"utc":        func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"actorTable": newActorTable,
	}).Parse(htmlReport)
	if err != nil {
		return fmt.Errorf("parse html report template: %w", err)
	}
	if err := t.Execute(w, struct {
		*Summary
		Chart chart
	}{s, s.chart()}); err != nil {
		return fmt.Errorf("write html report: %w", err)
	}
	return nil
}

// WriteMarkdown writes the report as Markdown, with the per-day chart as a
// table with text bars.
func (s *Summary) WriteMarkdown(w io.Writer) error {
	t, err := texttemplate.New("report").Funcs(texttemplate.FuncMap{
		"utc": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"bar": func(n, max int) string {
			if max == 0 || n == 0 {
				return ""
			}
			return strings.Repeat("█", int(math.Ceil(float64(n)*30/float64(max))))
		},
		"cell":       func(s string) string { return strings.ReplaceAll(s, "|", `\|`) },
		"textCell":   mdCell,
		"actorTable": newActorTable,
	}).Parse(mdReport)
	if err != nil {
		return fmt.Errorf("parse markdown report template: %w", err)
	}
	if err := t.Execute(w, struct {
		*Summary
		Chart chart
	}{s, s.chart()}); err != nil {
		return fmt.Errorf("write markdown report: %w", err)
	}
	return nil
}

const htmlReport = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Pretense compliance report</title>
<style>
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#fff;margin:0;padding:32px 40px;max-width:1080px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px;border-bottom:1px solid #d8dee4;padding-bottom:4px}
.muted{color:#57606a}
.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:12px}
.card{border:1px solid #d8dee4;border-radius:8px;padding:12px 14px;background:#f6f8fa}
.card .n{font-size:26px;font-weight:600}
table{border-collapse:collapse;min-width:420px}td,th{border:1px solid #d8dee4;padding:5px 10px;text-align:left}th{background:#f6f8fa}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#116329;font-weight:600}.bad{color:#a40e26;font-weight:600}
.verify{border-radius:8px;padding:12px 14px}.verify.ok{background:#dafbe1}.verify.bad{background:#ffebe9}
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 14px;vertical-align:-1px}
</style>
</head>
<body>
<h1>Pretense compliance report</h1>
<p class="muted">Period: <span id="period">{{.Period}}</span> · generated <span id="generated">{{utc .Generated}}</span>{{if not .First.IsZero}} · entries from {{utc .First}} to {{utc .Last}}{{end}}</p>

<h2>Chain verification</h2>
<p id="verify-status" class="verify {{if and .Verification .Verification.OK}}ok{{else}}bad{{end}}">{{.VerificationText}}</p>
{{with .Verification}}{{if .Head}}<p class="muted">Head <code id="head">{{.LastSeq}}:{{.Head}}</code>: publish it elsewhere, then check later that the log still holds it with <code>pretense audit verify --head {{.LastSeq}}:{{.Head}}</code>.</p>{{end}}{{end}}
{{if .Skipped.Skipped}}<p class="bad" id="skipped">{{.Skipped.Torn}} torn and {{.Skipped.Unreadable}} unreadable line(s) were not counted.</p>{{end}}

<h2>Policy in force</h2>
<p class="muted">The effective configuration when this report was generated.</p>
<table>
<tr><th>Setting</th><th>Value</th><th>Source</th></tr>
<tr><td>phi-mode</td><td id="phi-mode">{{.Policy.PHIMode}}</td><td>{{.Policy.PHIModeSource}}</td></tr>
<tr><td>mutation-policy</td><td id="mutation-policy">{{.Policy.MutationPolicy}}</td><td>{{.Policy.MutationPolicySource}}</td></tr>
<tr><td>audit.retention</td><td id="retention">{{.Policy.Retention}}</td><td></td></tr>
</table>

<h2>Activity</h2>
<div class="cards">
<div class="card"><div class="n" id="requests">{{.Requests}}</div>requests</div>
<div class="card"><div class="n" id="sessions">{{.Sessions}}</div>sessions</div>
<div class="card"><div class="n" id="mutations">{{.Mutations}}</div>identifiers mutated</div>
<div class="card"><div class="n" id="blocked">{{.Blocked}}</div>requests blocked</div>
<div class="card"><div class="n" id="forwarded">{{.Forwarded}}</div>forwarded</div>
<div class="card"><div class="n" id="failed">{{.Failed}}</div>failed</div>
<div class="card"><div class="n" id="phi-patterns">{{.PHIPatterns}}</div>PHI patterns detected</div>
<div class="card"><div class="n" id="fidelity">{{.FidelityText}}</div>round-trip fidelity (mean)</div>
</div>

<h2>Requests blocked by category</h2>
<table>
<tr><th>Category</th><th>Requests</th></tr>
<tr><td>Secrets</td><td class="num" id="blocked-secrets">{{.BlockedSecrets}}</td></tr>
<tr><td>PHI</td><td class="num" id="blocked-phi">{{.BlockedPHI}}</td></tr>
<tr><td>Other</td><td class="num" id="blocked-other">{{.BlockedOther}}</td></tr>
</table>
{{if .BlockedByRule}}<h3>By rule</h3>
<table id="blocked-by-rule">
<tr><th>Rule</th><th>Blocked requests</th></tr>
{{range .BlockedByRule}}<tr><td>{{.Rule}}</td><td class="num">{{.Count}}</td></tr>
{{end}}</table>{{end}}

<h2>Round-trip fidelity</h2>
<p>Over <span id="fidelity-measured">{{.FidelityMeasured}}</span> forwarded requests with mutations: mean {{.FidelityText}}, lowest <span id="fidelity-min">{{.FidelityMinText}}</span>, <span id="fidelity-below">{{.FidelityBelowOne}}</span> below 100%.</p>

<h2>Requests per day</h2>
<p class="legend"><span style="background:#2da44e"></span>forwarded<span style="background:#cf222e"></span>blocked<span style="background:#8c959f"></span>failed</p>
<svg id="chart" xmlns="http://www.w3.org/2000/svg" width="{{.Chart.Width}}" height="{{.Chart.Height}}" viewBox="0 0 {{.Chart.Width}} {{.Chart.Height}}" role="img" aria-label="Requests per day" style="max-width:100%;height:auto">
<rect x="0" y="0" width="{{.Chart.Width}}" height="{{.Chart.Height}}" fill="#ffffff"/>
{{range .Chart.Ticks}}<line x1="{{$.Chart.PlotLeft}}" x2="{{$.Chart.Width}}" y1="{{.Y}}" y2="{{.Y}}" stroke="#d8dee4"/><text x="{{$.Chart.PlotLeft}}" dx="-6" y="{{.Y}}" dy="4" text-anchor="end" font-size="11" fill="#57606a">{{.Value}}</text>
{{end}}{{range .Chart.Bars}}<g class="day" data-day="{{.Date}}" data-requests="{{.Requests}}" data-forwarded="{{.Forwarded}}" data-blocked="{{.Blocked}}" data-failed="{{.Failed}}"><title>{{.Date}}: {{.Requests}} requests ({{.Forwarded}} forwarded, {{.Blocked}} blocked, {{.Failed}} failed)</title>{{if .Forwarded}}<rect x="{{.X}}" y="{{.FY}}" width="{{.W}}" height="{{.FH}}" fill="#2da44e"/>{{end}}{{if .Blocked}}<rect x="{{.X}}" y="{{.BY}}" width="{{.W}}" height="{{.BH}}" fill="#cf222e"/>{{end}}{{if .Failed}}<rect x="{{.X}}" y="{{.XY}}" width="{{.W}}" height="{{.XH}}" fill="#8c959f"/>{{end}}</g>
{{end}}{{range .Chart.Labels}}<text x="{{.X}}" y="{{$.Chart.Height}}" dy="-30" text-anchor="middle" font-size="11" fill="#57606a">{{.Text}}</text>
{{end}}</svg>
{{if not .Days}}<p class="muted">No requests in this period.</p>{{end}}

<h2>Requests by user</h2>
{{template "actors" (actorTable "by-user" "User" .ByUser)}}
<h2>Requests by client</h2>
{{template "actors" (actorTable "by-client" "Client" .ByClient)}}


<p class="muted">Counts and rule ids only: the audit log never contains a mutated identifier, a secret or a PHI value.</p>
</body>
</html>
{{define "actors"}}{{if .Rows}}<table id="{{.ID}}">
<tr><th>{{.Title}}</th><th>Requests</th><th>Sessions</th><th>Forwarded</th><th>Blocked</th><th>Blocked: secrets</th><th>Blocked: PHI</th><th>Failed</th><th>Identifiers mutated</th></tr>
{{range .Rows}}<tr><td>{{.Label}}</td><td class="num">{{.Requests}}</td><td class="num">{{.Sessions}}</td><td class="num">{{.Forwarded}}</td><td class="num">{{.Blocked}}</td><td class="num">{{.SecretsBlocked}}</td><td class="num">{{.PHIBlocked}}</td><td class="num">{{.Failed}}</td><td class="num">{{.Mutations}}</td></tr>
{{end}}</table>{{else}}<p class="muted">No requests in this period.</p>{{end}}{{end}}`

const mdReport = `# Pretense compliance report

Period: {{.Period}} · generated {{utc .Generated}}{{if not .First.IsZero}} · entries from {{utc .First}} to {{utc .Last}}{{end}}

## Chain verification

{{if and .Verification .Verification.OK}}✅{{else}}❌{{end}} {{.VerificationText}}
{{with .Verification}}
{{if .Head}}Head: ` + "`{{.LastSeq}}:{{.Head}}`" + ` (publish it elsewhere; check later with ` + "`pretense audit verify --head {{.LastSeq}}:{{.Head}}`" + `)
{{end}}{{end}}{{if .Skipped.Skipped}}
**{{.Skipped.Torn}} torn and {{.Skipped.Unreadable}} unreadable line(s) were not counted.**
{{end}}
## Policy in force

The effective configuration when this report was generated.

| Setting | Value | Source |
|---|---|---|
| phi-mode | {{.Policy.PHIMode}} | {{.Policy.PHIModeSource}} |
| mutation-policy | {{.Policy.MutationPolicy}} | {{.Policy.MutationPolicySource}} |
| audit.retention | {{.Policy.Retention}} | |

## Activity

| Measure | Value |
|---|---:|
| Requests | {{.Requests}} |
| Sessions | {{.Sessions}} |
| Identifiers mutated | {{.Mutations}} |
| Forwarded | {{.Forwarded}} |
| Blocked | {{.Blocked}} |
| Failed | {{.Failed}} |
| PHI patterns detected | {{.PHIPatterns}} |
| Round-trip fidelity (mean) | {{.FidelityText}} |

## Requests blocked by category

| Category | Requests |
|---|---:|
| Secrets | {{.BlockedSecrets}} |
| PHI | {{.BlockedPHI}} |
| Other | {{.BlockedOther}} |
{{if .BlockedByRule}}
| Rule | Blocked requests |
|---|---:|
{{range .BlockedByRule}}| {{cell .Rule}} | {{.Count}} |
{{end}}{{end}}
## Round-trip fidelity

Over {{.FidelityMeasured}} forwarded requests with mutations: mean {{.FidelityText}}, lowest {{.FidelityMinText}}, {{.FidelityBelowOne}} below 100%.

## Requests per day
{{if .Days}}
| Day | Requests | Forwarded | Blocked | Failed | |
|---|---:|---:|---:|---:|---|
{{range .Days}}| {{.Date.Format "2006-01-02"}} | {{.Requests}} | {{.Forwarded}} | {{.Blocked}} | {{.Failed}} | {{bar .Requests $.Chart.Max}} |
{{end}}{{else}}
No requests in this period.
{{end}}
## Requests by user

{{template "actors" (actorTable "by-user" "User" .ByUser)}}
## Requests by client

{{template "actors" (actorTable "by-client" "Client" .ByClient)}}
Counts and rule ids only: the audit log never contains a mutated identifier, a secret or a PHI value.
{{define "actors"}}{{if .Rows}}| {{.Title}} | Requests | Sessions | Forwarded | Blocked | Blocked: secrets | Blocked: PHI | Failed | Identifiers mutated |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
{{range .Rows}}| {{textCell .Label}} | {{.Requests}} | {{.Sessions}} | {{.Forwarded}} | {{.Blocked}} | {{.SecretsBlocked}} | {{.PHIBlocked}} | {{.Failed}} | {{.Mutations}} |
{{end}}{{else}}No requests in this period.
{{end}}{{end}}`
