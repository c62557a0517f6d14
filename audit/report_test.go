package audit

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

// mixedEntry is a deterministic mix of forwarded, blocked and failed
// requests, counts only.
func mixedEntry(r *rand.Rand, i int, ts time.Time) Entry {
	e := testEntry(i)
	e.Timestamp = ts
	e.Session = fmt.Sprintf("session-%02d", r.IntN(7))
	e.Rules = nil
	// Identity from i, not r, so the other fields stay as they were. One
	// user carries table markup; "" is an entry with no recorded user.
	e.User = []string{"alice@example.org", "bob@example.org", "", "eve|<b>*x*</b>@example.org"}[i%4]
	e.Client = []string{"claude-code", "openai-python", "codex"}[i%3]
	switch k := r.IntN(10); {
	case k < 6:
		e.Outcome = OutcomeForwarded
		e.Mutations = r.IntN(12)
		e.PHIPatternsDetected = 0
		e.SecretsBlocked = 0
		e.RoundTripFidelity = 1
		if k == 0 && e.Mutations > 0 {
			e.RoundTripFidelity = 0.75
		}
	case k < 8:
		e.Outcome = OutcomeBlocked
		e.Mutations = 0
		e.SecretsBlocked = 1
		e.PHIPatternsDetected = 0
		e.Rules = []string{"aws-access-key"}
		if k == 7 {
			e.SecretsBlocked = 0
			e.PHIPatternsDetected = 2
			e.Rules = []string{"phi-ssn", "phi-mrn"}
		}
	default:
		e.Outcome = OutcomeFailed
		e.Mutations = r.IntN(3)
		e.SecretsBlocked, e.PHIPatternsDetected = 0, 0
	}
	return e
}

// buildMixedLog writes n entries spread over days and returns them.
func buildMixedLog(t *testing.T, dir string, n, days int, seed uint64) []Entry {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, seed))
	start := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	l, err := Open(dir, Options{NoSync: true, Now: func() time.Time { return start.AddDate(0, 0, days) }})
	if err != nil {
		t.Fatal(err)
	}
	var out []Entry
	for i := range n {
		ts := start.Add(time.Duration(r.Int64N(int64(days) * 24 * int64(time.Hour))))
		e := mixedEntry(r, i, ts)
		if err := l.Append(e); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	l.Close()
	return out
}

func testPolicy() Policy {
	return Policy{PHIMode: "strict", PHIModeSource: "project .pretense.yaml:2", MutationPolicy: "phi", MutationPolicySource: "default", Retention: "13mo"}
}

func TestReportGolden(t *testing.T) {
	dir := t.TempDir()
	buildMixedLog(t, dir, 60, 6, 1)
	f := Filter{Since: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2026, 4, 7, 0, 0, 0, 0, time.UTC)}
	s, err := Report(dir, f, testPolicy(), time.Date(2026, 4, 8, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		file  string
		write func(*bytes.Buffer) error
	}{
		{"report.html", func(b *bytes.Buffer) error { return s.WriteHTML(b) }},
		{"report.md", func(b *bytes.Buffer) error { return s.WriteMarkdown(b) }},
	} {
		var buf bytes.Buffer
		if err := tc.write(&buf); err != nil {
			t.Fatal(err)
		}
		// The head hash depends on nothing random, but keep goldens
		// readable if the canonical encoding ever changes on purpose.
		got := strings.ReplaceAll(buf.String(), s.Verification.Head, "HEAD")
		path := filepath.Join("testdata", "golden", tc.file)
		if *update {
			os.MkdirAll(filepath.Dir(path), 0o755)
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update)", err)
		}
		if got != string(want) {
			t.Errorf("%s differs from golden (run go test ./audit -run TestReportGolden -update and review the diff)", tc.file)
		}
	}
}

func TestSummarizeByUserAndClient(t *testing.T) {
	at := time.Date(2026, 1, 1, 1, 0, 0, 0, time.UTC)
	entries := []Entry{
		{Timestamp: at, User: "alice", Client: "claude-code", Session: "a1", Outcome: OutcomeForwarded, Mutations: 3},
		{Timestamp: at, User: "alice", Client: "claude-code", Session: "a2", Outcome: OutcomeBlocked, SecretsBlocked: 1},
		{Timestamp: at, User: "alice", Client: "codex", Session: "a2", Outcome: OutcomeBlocked, PHIPatternsDetected: 2},
		{Timestamp: at, User: "bob", Client: "codex", Session: "b", Outcome: OutcomeFailed, Mutations: 1},
		{Timestamp: at, Client: "", Session: "old", Outcome: OutcomeForwarded},
	}
	s := Summarize(entries, Filter{}, Policy{}, at)
	wantUsers := []Actor{
		{Name: "alice", Requests: 3, Forwarded: 1, Blocked: 2, Mutations: 3, SecretsBlocked: 1, PHIBlocked: 1, Sessions: 2},
		{Name: "", Requests: 1, Forwarded: 1, Sessions: 1},
		{Name: "bob", Requests: 1, Failed: 1, Mutations: 1, Sessions: 1},
	}
	if fmt.Sprint(s.ByUser) != fmt.Sprint(wantUsers) {
		t.Fatalf("by user:\n got %+v\nwant %+v", s.ByUser, wantUsers)
	}
	wantClients := []Actor{
		{Name: "claude-code", Requests: 2, Forwarded: 1, Blocked: 1, Mutations: 3, SecretsBlocked: 1, Sessions: 2},
		{Name: "codex", Requests: 2, Blocked: 1, Failed: 1, Mutations: 1, PHIBlocked: 1, Sessions: 2},
		{Name: "", Requests: 1, Forwarded: 1, Sessions: 1},
	}
	if fmt.Sprint(s.ByClient) != fmt.Sprint(wantClients) {
		t.Fatalf("by client:\n got %+v\nwant %+v", s.ByClient, wantClients)
	}
	var md, html bytes.Buffer
	if err := s.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteHTML(&html); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| alice | 3 | 2 | 1 | 2 | 1 | 1 | 0 | 3 |", "| (not recorded) | 1 | 1 | 1 | 0 | 0 | 0 | 0 | 0 |", "| codex | 2 | 2 | 0 | 1 | 0 | 1 | 1 | 1 |"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	for _, want := range []string{`<table id="by-user">`, `<table id="by-client">`, `<td>alice</td><td class="num">3</td>`} {
		if !strings.Contains(html.String(), want) {
			t.Errorf("html lacks %q", want)
		}
	}
}

func TestSummarizeCounts(t *testing.T) {
	entries := []Entry{
		{Timestamp: time.Date(2026, 1, 1, 1, 0, 0, 0, time.UTC), Session: "a", Outcome: OutcomeForwarded, Mutations: 3, RoundTripFidelity: 1},
		{Timestamp: time.Date(2026, 1, 1, 2, 0, 0, 0, time.UTC), Session: "a", Outcome: OutcomeForwarded, Mutations: 2, RoundTripFidelity: 0.5},
		{Timestamp: time.Date(2026, 1, 3, 2, 0, 0, 0, time.UTC), Session: "b", Outcome: OutcomeBlocked, SecretsBlocked: 1, PHIPatternsDetected: 1, Rules: []string{"x", "x", "y"}},
		{Timestamp: time.Date(2026, 1, 3, 3, 0, 0, 0, time.UTC), Session: "b", Outcome: OutcomeBlocked},
		{Timestamp: time.Date(2026, 1, 3, 4, 0, 0, 0, time.UTC), Session: "c", Outcome: OutcomeFailed},
		{Timestamp: time.Date(2026, 1, 3, 5, 0, 0, 0, time.UTC), Session: "c", Outcome: OutcomeForwarded},
	}
	s := Summarize(entries, Filter{}, Policy{}, time.Time{})
	if s.Requests != 6 || s.Sessions != 3 || s.Mutations != 5 || s.Blocked != 2 || s.Failed != 1 || s.Forwarded != 3 {
		t.Fatalf("totals: %+v", s)
	}
	if s.BlockedSecrets != 1 || s.BlockedPHI != 1 || s.BlockedOther != 1 {
		t.Fatalf("categories: %+v", s)
	}
	if len(s.BlockedByRule) != 2 || s.BlockedByRule[0] != (RuleCount{"x", 1}) {
		t.Fatalf("by rule: %+v", s.BlockedByRule)
	}
	if s.FidelityMeasured != 2 || s.FidelityMean != 0.75 || s.FidelityMin != 0.5 || s.FidelityBelowOne != 1 {
		t.Fatalf("fidelity: %+v", s)
	}
	if len(s.Days) != 3 || s.Days[1].Requests != 0 || s.Days[2].Requests != 4 {
		t.Fatalf("days: %+v", s.Days)
	}
}
