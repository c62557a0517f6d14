package full

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pretense/pretense/audit"
	"github.com/pretense/pretense/config"
)

func TestInitAndConfigCommands(t *testing.T) {
	home, work := cliEnv(t)
	code, out, errs := run(t, "init")
	if code != 0 || !strings.Contains(out, filepath.Join(work, ".pretense.yaml")) || !strings.Contains(out, ".pretenseignore") {
		t.Fatalf("init: %d %q %q", code, out, errs)
	}
	if code, _, errs := run(t, "init"); code != 2 || !strings.Contains(errs, "--force") {
		t.Fatalf("second init: %d %q", code, errs)
	}
	if code, _, _ := run(t, "init", "--force"); code != 0 {
		t.Fatalf("init --force: %d", code)
	}
	if code, out, errs := run(t, "config", "set", "phi-mode=strict", "rules.disable=a-rule,b-rule"); code != 0 || !strings.Contains(out, "set phi-mode = strict") {
		t.Fatalf("set: %d %q %q", code, out, errs)
	}
	if code, out, _ := run(t, "config", "get", "phi-mode"); code != 0 || out != "strict\n" {
		t.Fatalf("get: %d %q", code, out)
	}
	if code, _, errs := run(t, "config", "set", "--global", "mutation-policy=all"); code != 0 {
		t.Fatalf("set --global: %d %s", code, errs)
	}
	if b, _ := os.ReadFile(filepath.Join(home, "config.yaml")); string(b) != "mutation-policy: all\n" {
		t.Fatalf("user file: %q", b)
	}
	t.Setenv("PRETENSE_LISTEN", "127.0.0.1:9444")
	code, out, _ = run(t, "config", "list")
	if code != 0 {
		t.Fatalf("list: %d", code)
	}
	for _, want := range []string{
		"phi-mode  ", "strict", "project (" + filepath.Join(work, ".pretense.yaml") + ":",
		"mutation-policy", "user (" + filepath.Join(home, "config.yaml") + ":1)",
		"proxy.listen", "127.0.0.1:9444", "env (PRETENSE_LISTEN)",
		"rules.disable", "a-rule,b-rule",
		"audit.retention", "13mo", "default",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("config list lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "\n"); n != len(config.Keys())+1 {
		t.Errorf("config list has %d lines, want every key plus a header", n)
	}
	code, out, _ = run(t, "config", "list", "-f", "json")
	var rows []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &rows) != nil || len(rows) != len(config.Keys()) || rows[0]["source"] != "project" {
		t.Fatalf("list json: %d %s", code, out)
	}
}

func TestConfigErrorsExit2(t *testing.T) {
	_, work := cliEnv(t)
	proj := filepath.Join(work, ".pretense.yaml")
	for _, tc := range []struct {
		name, file string
		args       []string
		want       []string
	}{
		{"unknown key in file", "version: 1\nphi-mode: strict\nproxy:\n  lissten: 127.0.0.1:1\n", []string{"config", "list"},
			[]string{proj + ":4:", `unknown key "proxy.lissten"`, `did you mean "proxy.listen"`, "valid: proxy.listen"}},
		{"bad value in file", "phi-mode: maximal\n", []string{"config", "get", "phi-mode"},
			[]string{proj + ":1:", "bad value for phi-mode", "valid: off, standard, strict"}},
		{"malformed file", "phi-mode: strict\n\tbroken\n", []string{"audit", "verify"},
			[]string{proj + ":", "malformed"}},
		{"set bad value", "", []string{"config", "set", "mutation-policy=most"},
			[]string{proj + ": bad value for mutation-policy", "valid: phi, all"}},
		{"set unknown key", "", []string{"config", "set", "phi=strict"},
			[]string{`unknown key "phi"`}},
		{"get unknown key", "", []string{"config", "get", "nope"},
			[]string{`unknown key "nope"`}},
		{"not an assignment", "", []string{"config", "set", "phi-mode"},
			[]string{"is not KEY=VALUE"}},
		{"bad env", "", []string{"config", "list"},
			[]string{"environment variable PRETENSE_AUDIT_SINK", "valid: file, stdout, both"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			os.Remove(proj)
			if tc.file != "" {
				os.WriteFile(proj, []byte(tc.file), 0o644)
			}
			if tc.name == "bad env" {
				t.Setenv("PRETENSE_AUDIT_SINK", "syslog")
			}
			code, _, errs := run(t, tc.args...)
			if code != 2 {
				t.Fatalf("exit %d, want 2: %s", code, errs)
			}
			for _, w := range tc.want {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errs)
				}
			}
		})
	}
}

// writeAuditLog appends entries to $PRETENSE_HOME/audit, one a day from
// start, alternating outcomes.
func writeAuditLog(t *testing.T, home string, start time.Time, n int) {
	t.Helper()
	l, err := audit.Open(filepath.Join(home, "audit"), audit.Options{NoSync: true, Now: func() time.Time { return start.AddDate(0, 0, n) }})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for i := range n {
		e := audit.Entry{
			Timestamp: start.AddDate(0, 0, i), Session: fmt.Sprintf("s%d", i%2), Model: "claude-test",
			Endpoint: "http://localhost:9339 -> api.anthropic.com", Mutations: i, RoundTripFidelity: 1,
			RequestID: fmt.Sprintf("req-%03d", i), Outcome: audit.OutcomeForwarded,
		}
		if i%4 == 3 {
			e.Outcome, e.SecretsBlocked, e.Rules, e.Mutations = audit.OutcomeBlocked, 1, []string{"aws-access-key"}, 0
		}
		if err := l.Append(e); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAuditCommands(t *testing.T) {
	home, work := cliEnv(t)
	start := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -30)
	writeAuditLog(t, home, start, 30)

	code, out, errs := run(t, "audit")
	if code != 0 || !strings.Contains(out, "REQUEST") || !strings.Contains(out, "req-029") || strings.Contains(out, "req-009") {
		t.Fatalf("audit table (last 20): %d %s %s", code, out, errs)
	}

	code, out, errs = run(t, "audit", "--export=json", "--range=10d")
	var got []audit.Entry
	if code != 0 || json.Unmarshal([]byte(out), &got) != nil {
		t.Fatalf("export json: %d %s %s", code, out, errs)
	}
	// Entries are at midnights; the last is start+29d, 1 day before now's
	// midnight at most, so 10 days back reaches start+20d or +21d.
	if len(got) < 9 || len(got) > 10 || got[len(got)-1].RequestID != "req-029" {
		t.Fatalf("range=10d gave %d entries", len(got))
	}

	since := start.AddDate(0, 0, 5).Format("2006-01-02")
	until := start.AddDate(0, 0, 10).Format("2006-01-02")
	csvPath := filepath.Join(work, "out.csv")
	code, _, errs = run(t, "audit", "--export", "csv", "--since", since, "--until", until, "-o", csvPath)
	if code != 0 {
		t.Fatalf("export csv: %d %s", code, errs)
	}
	f, _ := os.Open(csvPath)
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(rows) != 6 || rows[1][11] != "req-005" || rows[5][11] != "req-009" {
		t.Fatalf("csv [since, until): %v %v", rows, err)
	}

	if code, _, errs := run(t, "audit", "--range=5d", "--since", since); code != 2 || !strings.Contains(errs, "--range and --since") {
		t.Fatalf("range+since: %d %s", code, errs)
	}
	if code, _, errs := run(t, "audit", "--since", "yesterday"); code != 2 || !strings.Contains(errs, "not a time") {
		t.Fatalf("bad since: %d %s", code, errs)
	}

	code, out, _ = run(t, "audit", "verify")
	if code != 0 || !strings.HasPrefix(out, "ok: 30 entries") {
		t.Fatalf("verify: %d %s", code, out)
	}

	mdPath := filepath.Join(work, "report.md")
	if code, _, errs := run(t, "audit", "report", "-o", mdPath, "--since", since, "--until", until); code != 0 {
		t.Fatalf("report md: %d %s", code, errs)
	}
	md, _ := os.ReadFile(mdPath)
	for _, want := range []string{"| Requests | 5 |", "| Blocked | 1 |", "| Secrets | 1 |", "chain verified", "| phi-mode | off | default |"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("markdown report lacks %q", want)
		}
	}
	code, out, _ = run(t, "audit", "report", "--format", "html")
	if code != 0 || !strings.Contains(out, `<div class="n" id="requests">30</div>`) {
		t.Fatalf("report html: %d", code)
	}

	// Tamper: edit one entry's count in place.
	segs, _ := filepath.Glob(filepath.Join(home, "audit", "audit-*.jsonl"))
	data, _ := os.ReadFile(segs[0])
	lines := strings.Split(string(data), "\n")
	lines[3] = strings.Replace(lines[3], `"mutations":`, `"mutations":1`, 1)
	os.WriteFile(segs[0], []byte(strings.Join(lines, "\n")), 0o600)
	code, out, _ = run(t, "audit", "verify")
	if code != 1 || !strings.Contains(out, "edited:") || !strings.Contains(out, "line 4") {
		t.Fatalf("verify after edit: %d %s", code, out)
	}
	code, out, _ = run(t, "audit", "verify", "-f", "json")
	var vj struct {
		OK      bool `json:"ok"`
		Problem struct {
			Kind, RequestID string
			Line            int
		} `json:"problem"`
	}
	if code != 1 || json.Unmarshal([]byte(out), &vj) != nil || vj.OK || vj.Problem.Kind != "edited" || vj.Problem.Line != 4 || vj.Problem.RequestID != "req-002" {
		t.Fatalf("verify -f json after edit: %d %s", code, out)
	}
	if code, _, errs := run(t, "audit", "report", "-o", filepath.Join(work, "r.html")); code != 1 || !strings.Contains(errs, "does not verify") {
		t.Fatalf("report on a broken chain: %d %s", code, errs)
	}
}

func TestAuditEmptyLog(t *testing.T) {
	cliEnv(t)
	if code, out, _ := run(t, "audit"); code != 0 || !strings.Contains(out, "no audit entries") {
		t.Fatalf("%d %s", code, out)
	}
	// A missing log is not a verified one: exit 1 unless asked.
	if code, out, _ := run(t, "audit", "verify"); code != 1 || !strings.Contains(out, "no audit records") || !strings.Contains(out, "--allow-empty") {
		t.Fatalf("%d %s", code, out)
	}
	if code, out, _ := run(t, "audit", "verify", "--allow-empty"); code != 0 || !strings.Contains(out, "ok: no audit records") {
		t.Fatalf("%d %s", code, out)
	}
}

func TestOpenAuditSink(t *testing.T) {
	home, _ := cliEnv(t)
	for _, tc := range []struct {
		sink       string
		wantFile   bool
		wantStdout bool
	}{{"file", true, false}, {"stdout", false, true}, {"both", true, true}} {
		t.Run(tc.sink, func(t *testing.T) {
			dir := filepath.Join(home, "a-"+tc.sink)
			s, err := config.Resolve(config.Inputs{Flags: []config.Flag{{Key: "audit.sink", Value: tc.sink, Name: "--audit-sink"}, {Key: "audit.dir", Value: dir, Name: "--audit-dir"}}})
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			sink, closeFn, err := openAuditSink(s, home, &out)
			if err != nil {
				t.Fatal(err)
			}
			if err := sink.Append(audit.Entry{RequestID: "r1", Outcome: audit.OutcomeForwarded, RoundTripFidelity: 1}); err != nil {
				t.Fatal(err)
			}
			closeFn()
			res, err := audit.Verify(dir)
			if err != nil {
				t.Fatal(err)
			}
			if (res.Entries == 1) != tc.wantFile || strings.Contains(out.String(), `"requestId":"r1"`) != tc.wantStdout {
				t.Fatalf("file entries %d, stdout %q", res.Entries, out.String())
			}
		})
	}
}

func TestRangeFlags(t *testing.T) {
	now := time.Date(2026, 5, 31, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		r            rangeFlags
		since, until string
		bad          bool
	}{
		{r: rangeFlags{Range: "90d"}, since: "2026-03-02T12:00:00Z"},
		{r: rangeFlags{Range: "24h"}, since: "2026-05-30T12:00:00Z"},
		{r: rangeFlags{Range: "1mo"}, since: "2026-05-01T12:00:00Z"},
		{r: rangeFlags{Range: "2w", Until: "2026-05-15"}, since: "2026-05-01T00:00:00Z", until: "2026-05-15T00:00:00Z"},
		{r: rangeFlags{Since: "2026-02-01", Until: "2026-03-01"}, since: "2026-02-01T00:00:00Z", until: "2026-03-01T00:00:00Z"},
		{r: rangeFlags{Since: "2026-02-01T10:00:00+02:00"}, since: "2026-02-01T08:00:00Z"},
		{r: rangeFlags{Range: "90"}, bad: true},
		{r: rangeFlags{Range: "0d"}, bad: true},
		{r: rangeFlags{Range: "1d", Since: "2026-01-01"}, bad: true},
		{r: rangeFlags{Since: "2026-03-01", Until: "2026-02-01"}, bad: true},
		{r: rangeFlags{Until: "tomorrow"}, bad: true},
	} {
		f, err := tc.r.filter(now)
		if (err != nil) != tc.bad {
			t.Errorf("%+v: err %v", tc.r, err)
			continue
		}
		if tc.bad {
			continue
		}
		fmtT := func(x time.Time) string {
			if x.IsZero() {
				return ""
			}
			return x.Format(time.RFC3339)
		}
		if fmtT(f.Since) != tc.since || fmtT(f.Until) != tc.until {
			t.Errorf("%+v: got [%s, %s)", tc.r, fmtT(f.Since), fmtT(f.Until))
		}
	}
}

func FuzzRangeFlags(f *testing.F) {
	f.Add("90d", "", "")
	f.Add("", "2026-01-01", "2026-02-01T00:00:00Z")
	f.Add("13mo", "", "2026-02-01")
	f.Fuzz(func(t *testing.T, r, since, until string) {
		fl, err := rangeFlags{Range: r, Since: since, Until: until}.filter(time.Date(2026, 5, 31, 0, 0, 0, 0, time.UTC))
		if err != nil {
			return
		}
		if !fl.Since.IsZero() && !fl.Until.IsZero() && fl.Until.Before(fl.Since) {
			t.Fatalf("accepted an empty-backwards range %v..%v", fl.Since, fl.Until)
		}
	})
}
