package proxy

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/pretense/pretense/finding"
	"github.com/pretense/pretense/rules"
)

// A large field is known by its JSON bytes as sent (rawFingerprintOf): a
// resent field both caches know is neither decoded nor scanned again.
// These tests hold the proxy to what that may and may not skip.

// rawFPRig is one engine and one checker (with its clean-scan cache), as
// a running proxy holds them across requests, and the checker's rules (the
// built-in ones, standard PHI mode).
type rawFPRig struct {
	eng engine
	ck  *checker
	rs  *rules.Ruleset
}

func newRawFPRig(tb testing.TB) *rawFPRig {
	tb.Helper()
	rs, err := rules.Compile(rules.Builtin(), rules.Options{PHIMode: rules.ModeStandard})
	if err != nil {
		tb.Fatal(err)
	}
	eng, err := newMutateEngine(testKey, "phi")
	if err != nil {
		tb.Fatal(err)
	}
	return &rawFPRig{eng: eng, ck: newChecker(rs, Options{}), rs: rs}
}

// send rewrites body as one request; it returns the bytes sent upstream
// (nil when refused) and the hits.
func (r *rawFPRig) send(t *testing.T, body []byte) ([]byte, []hit) {
	t.Helper()
	res, err := rewriteRequest(bytes.Clone(body), apiAnthropic, r.eng.newSession(), r.ck, r.eng.langFromPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.hits) > 0 {
		return nil, res.hits
	}
	return sentBody(t, res.body), nil
}

// rawFPOf is the raw fingerprint of the JSON string in body whose value is
// text, as rewriteRequest computes it.
func rawFPOf(t *testing.T, body []byte, text string) fingerprint {
	t.Helper()
	d, err := parseJSONOwned(bytes.Clone(body))
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range d.nodes {
		if n.kind == jStr && d.str(i) == text {
			return rawFingerprintOf(d.src[n.start:n.end])
		}
	}
	t.Fatalf("no string %.40q... in the body", text)
	return fingerprint{}
}

func userTurn(texts ...string) []byte {
	content := make([]any, len(texts))
	for i, s := range texts {
		content[i] = map[string]any{"type": "text", "text": s}
	}
	return []byte(mustJSON(map[string]any{
		"model": "m", "max_tokens": 16,
		"messages": []any{map[string]any{"role": "user", "content": content}},
	}))
}

// TestRawFingerprintResent: a resent field goes out as the first time,
// whether the memo still knows it or not, for code that mutates and for
// prose that mutates to itself (escapes in both).
func TestRawFingerprintResent(t *testing.T) {
	for _, c := range []struct{ name, text string }{
		{"code", longCode("lookupPatientRecord", "getInsuranceMemberId") + "\"quoted\" <tag> \t tab\n"},
		{"prose", strings.Repeat("The weather was \"fine\" and <calm> today.\n", 40)},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newRawFPRig(t)
			body := userTurn(c.text, "short one")
			first, hits := r.send(t, body)
			if hits != nil {
				t.Fatalf("hits %v", hits)
			}
			if c.name == "code" && bytes.Contains(first, []byte("lookupPatientRecord")) {
				t.Fatal("identifier sent upstream")
			}
			if c.name == "prose" && !bytes.Equal(first, body) {
				t.Fatalf("prose changed:\n%s", first)
			}
			// Without this the resends below would pass with no raw cache.
			if !r.ck.cache.cleanFP(rawFPOf(t, body, c.text)) {
				t.Fatal("a clean field is not known by its raw bytes")
			}
			if again, _ := r.send(t, body); !bytes.Equal(again, first) {
				t.Fatalf("resent body differs:\n got %s\nwant %s", again, first)
			}
			// The memo forgets; the clean-scan cache still knows the field:
			// it is read again to be mutated, and goes out the same.
			me := r.eng.(mutateEngine)
			*me.memo = *newMutMemo(memoMaxBytes)
			if again, _ := r.send(t, body); !bytes.Equal(again, first) {
				t.Fatalf("resent body after the memo forgot differs:\n got %s\nwant %s", again, first)
			}
		})
	}
}

// TestRawFingerprintPayloadNotCachedOnRefusal: a field whose pasted
// payload hides a token is refused every time it is sent, alone or next
// to another; and a field sent in a request refused for another field is
// scanned (payloads too) when sent again.
func TestRawFingerprintPayloadNotCachedOnRefusal(t *testing.T) {
	tok := plantToken(t)
	padding := strings.Repeat("Some ordinary words to make this field large enough. ", 20)
	hidden := padding + "\nattached: " + gzB64("config\ntoken = "+tok+"\n") + "\n"
	r := newRawFPRig(t)
	for i := range 3 {
		if out, hits := r.send(t, userTurn(hidden)); out != nil || len(hits) == 0 {
			t.Fatalf("send %d: a payload with a token was not refused", i)
		}
	}
	// A clean field next to the token: refused; then alone: passes, and
	// the token field alone is still refused.
	clean := padding + " nothing here"
	if out, _ := r.send(t, userTurn(clean, hidden)); out != nil {
		t.Fatal("a request with a token was not refused")
	}
	if r.ck.cache.cleanFP(rawFPOf(t, userTurn(clean, hidden), clean)) {
		t.Fatal("a field of a refused request was taken for clean")
	}
	if out, hits := r.send(t, userTurn(clean)); out == nil {
		t.Fatalf("clean field refused: %v", hits)
	}
	if out, _ := r.send(t, userTurn(hidden)); out != nil {
		t.Fatal("the token field passed after a clean request")
	}
}

// TestRawFingerprintRescannedByNewRules: the memo outlives a checker (a
// reload builds a new one with an empty cache): a memoised field is
// scanned by the new rules all the same.
func TestRawFingerprintRescannedByNewRules(t *testing.T) {
	r := newRawFPRig(t)
	text := longCode("lookupPatientRecord") + "\nproject codename bluefinch\n"
	body := userTurn(text)
	if out, hits := r.send(t, body); out == nil {
		t.Fatalf("refused: %v", hits)
	}
	custom := append(rules.Builtin(), rules.Rule{ID: "codename", Kind: finding.KindSecret, Severity: finding.SeverityHigh, Pattern: `bluefinch`, Keywords: []string{"bluefinch"}})
	rs, err := rules.Compile(custom, rules.Options{PHIMode: rules.ModeStandard})
	if err != nil {
		t.Fatal(err)
	}
	r.ck = newChecker(rs, Options{})
	if out, hits := r.send(t, body); out != nil || len(hits) == 0 || hits[0].ruleID != "codename" {
		t.Fatalf("the new rule did not see a memoised field: hits %v", hits)
	}
}

// TestRawFingerprintReload: a field the running proxy knows clean by its
// raw bytes is scanned by the rules of a SIGHUP reload (Server.Reload
// builds a checker with an empty cache) and refused when they match.
func TestRawFingerprintReload(t *testing.T) {
	up := newFakeUpstream(t, okAnthropic)
	p := startProxy(t, up.srv.URL)
	body := userTurn(longCode("lookupPatientRecord") + "\nproject codename bluefinch\n")
	for i := range 2 {
		if resp, out := p.post(t, "/v1/messages", body, anthropicHeaders); resp.StatusCode != http.StatusOK {
			t.Fatalf("send %d: status %d: %s", i, resp.StatusCode, out)
		}
	}
	custom := append(rules.Builtin(), rules.Rule{ID: "codename", Kind: finding.KindSecret, Severity: finding.SeverityHigh, Pattern: `bluefinch`, Keywords: []string{"bluefinch"}})
	if err := p.srv.Reload(ReloadOptions{PHIMode: rules.ModeStandard, Rules: custom}); err != nil {
		t.Fatal(err)
	}
	resp, out := p.post(t, "/v1/messages", body, anthropicHeaders)
	if resp.StatusCode == http.StatusOK || resp.Header.Get(HeaderBlocked) != "codename" {
		t.Fatalf("after the reload: status %d, blocked %q: %s", resp.StatusCode, resp.Header.Get(HeaderBlocked), out)
	}
	if n := len(up.requests()); n != 2 {
		t.Fatalf("upstream received %d requests, want 2", n)
	}
}
