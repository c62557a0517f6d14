package full

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pretense/pretense/audit"
)

func runIn(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb strings.Builder
	code := Run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// The issue 14 case end to end: the live segment is deleted while the
// proxy's log is open. The next entries are kept in a new segment and
// 'audit verify' exits 1 naming the loss, where it used to say ok.
func TestAuditVerifyReportsDeletedLiveSegment(t *testing.T) {
	home, _ := cliEnv(t)
	dir := filepath.Join(home, "audit")
	l, err := audit.Open(dir, audit.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	entry := func(id string) audit.Entry {
		return audit.Entry{RequestID: id, Outcome: audit.OutcomeForwarded, RoundTripFidelity: 1, User: "alice@example.org"}
	}
	for _, id := range []string{"r1", "r2"} {
		if err := l.Append(entry(id)); err != nil {
			t.Fatal(err)
		}
	}
	segs, _ := filepath.Glob(filepath.Join(dir, "audit-*.jsonl"))
	if len(segs) != 1 {
		t.Fatalf("segments %v", segs)
	}
	if err := os.Remove(segs[0]); err != nil {
		t.Fatal(err)
	}
	if err := l.Append(entry("r3")); err != nil {
		t.Fatal(err)
	}
	l.Close()
	code, out, _ := run(t, "audit", "verify")
	if code != 1 || !strings.Contains(out, "  lost: ") || !strings.Contains(out, filepath.Base(segs[0])+" was deleted") || !strings.Contains(out, "seq 1..3") {
		t.Fatalf("verify: %d %s", code, out)
	}
	code, out, _ = run(t, "audit", "--export=json")
	var got []audit.Entry
	if code != 0 || json.Unmarshal([]byte(out), &got) != nil || len(got) != 1 || got[0].RequestID != "r3" {
		t.Fatalf("the entry after the loss must be kept: %d %s", code, out)
	}
}

// head, verify --head, verify FILE and verify - on one log.
func TestAuditHeadAndPinnedVerify(t *testing.T) {
	home, work := cliEnv(t)
	start := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -3)
	writeAuditLog(t, home, start, 4)
	code, head, errs := run(t, "audit", "head")
	head = strings.TrimSpace(head)
	if code != 0 || !strings.Contains(head, ":") || len(head) < 66 {
		t.Fatalf("head: %d %q %s", code, head, errs)
	}
	code, out, _ := run(t, "audit", "verify", "--head", head)
	if code != 0 || !strings.Contains(out, "pinned head "+head+" found") || !strings.Contains(out, "head "+head) {
		t.Fatalf("verify --head: %d %s", code, out)
	}
	if code, _, errs := run(t, "audit", "verify", "--head", "12:abc"); code != 2 || !strings.Contains(errs, "64 hex digits") {
		t.Fatalf("bad --head: %d %s", code, errs)
	}
	segs, _ := filepath.Glob(filepath.Join(home, "audit", "audit-*.jsonl"))
	data, _ := os.ReadFile(segs[len(segs)-1])
	lines := strings.SplitAfter(string(data), "\n")
	if code, out, _ := runIn(t, string(data), "audit", "verify", "-", "--head", head); code != 0 || !strings.Contains(out, "ok: ") {
		t.Fatalf("verify - : %d %s", code, out)
	}
	trimmed := strings.Join(lines[:len(lines)-2], "")
	file := filepath.Join(work, "shipped.jsonl")
	os.WriteFile(file, []byte(trimmed), 0o600)
	if code, out, _ := run(t, "audit", "verify", file); code != 0 {
		t.Fatalf("a truncated file verifies without a pin (that is the limit): %d %s", code, out)
	}
	if code, out, _ := run(t, "audit", "verify", file, "--head", head); code != 1 || !strings.Contains(out, "newest records were removed") {
		t.Fatalf("truncated file with a pin: %d %s", code, out)
	}
	// The same truncation in the directory itself.
	os.WriteFile(segs[len(segs)-1], []byte(trimmed), 0o600)
	if code, out, _ := run(t, "audit", "verify", "--head", head, "-f", "json"); code != 1 || !strings.Contains(out, `"found": false`) {
		t.Fatalf("truncated dir with a pin: %d %s", code, out)
	}
	if code, _, errs := run(t, "audit", "verify", file, "--audit-dir", home); code != 2 || !strings.Contains(errs, "not both") {
		t.Fatalf("FILE and --audit-dir: %d %s", code, errs)
	}
	if code, out, _ := runIn(t, "", "audit", "verify", "-"); code != 1 || !strings.Contains(out, "no audit records") {
		t.Fatalf("empty stdin: %d %s", code, out)
	}
	cliEnv(t)
	if code, _, errs := run(t, "audit", "head"); code != 1 || !strings.Contains(errs, "nothing to pin") {
		t.Fatalf("head of an empty log: %d %s", code, errs)
	}
}

func TestAuditExportUser(t *testing.T) {
	home, _ := cliEnv(t)
	l, err := audit.Open(filepath.Join(home, "audit"), audit.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, u := range []string{"alice@example.org", "bob@example.org", "alice@example.org", ""} {
		if err := l.Append(audit.Entry{RequestID: "r" + string(rune('0'+i)), User: u, Client: "claude-code", Outcome: audit.OutcomeForwarded, RoundTripFidelity: 1}); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	code, out, _ := run(t, "audit", "--export=json", "--user", "alice@example.org")
	var got []audit.Entry
	if code != 0 || json.Unmarshal([]byte(out), &got) != nil || len(got) != 2 || got[0].RequestID != "r0" || got[1].RequestID != "r2" {
		t.Fatalf("--user: %d %s", code, out)
	}
	if code, out, _ := run(t, "audit", "--export=json", "--user", "alice"); code != 0 || strings.TrimSpace(out) != "[]" {
		t.Fatalf("--user is exact: %d %s", code, out)
	}
	if code, out, _ := run(t, "audit", "--limit", "0"); code != 0 || !strings.HasPrefix(out, "USER") || !strings.Contains(out, "bob@example.org") {
		t.Fatalf("table with users: %d %s", code, out)
	}
	code, out, _ = run(t, "audit", "report", "--format", "md")
	if code != 0 || !strings.Contains(out, "| alice@example.org | 2 |") || !strings.Contains(out, "| (not recorded) | 1 |") || !strings.Contains(out, "| claude-code | 4 |") {
		t.Fatalf("report by user: %d %s", code, out)
	}
}
