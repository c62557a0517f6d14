package proxy

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/pretense/pretense/rules"
)

// TestBlockMessageClientsShowIt: Claude Code replaces an error message that
// contains a phrase it reads as an authentication failure with "Not logged
// in" (seen in CI when a block named telnyx-api-key), so the user never
// learns why. No built-in rule id, nor a JSON key a user controls, may
// put such a phrase in the refusal.
func TestBlockMessageClientsShowIt(t *testing.T) {
	misread := func(msg string) string {
		l := strings.ToLower(msg)
		for _, p := range append(clientMisreads, "model id", "invalid model name") {
			if strings.Contains(l, p) {
				return p
			}
		}
		return ""
	}
	for _, r := range rules.Builtin() {
		h := hit{ruleID: r.ID, kind: "secret", path: "messages[0].content[0].text", start: 3, end: 40}
		msg := clientSafe(blockMessage([]string{h.String()}))
		if p := misread(msg); p != "" {
			t.Errorf("rule %s: the refusal contains %q, which Claude Code shows as a login failure", r.ID, p)
		}
		// A built-in id is shown as it is, so it can be pasted into an
		// allowlist: none needs clientSafe's non-breaking hyphen.
		if !strings.Contains(msg, " "+r.ID+" ") {
			t.Errorf("rule %s: the refusal does not show the id as it is: %s", r.ID, msg)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"secret aws at messages[0].content[1].input.X-API-KEY (bytes 0-9)", "secret aws at messages[0].content[1].input.X-API\u2011KEY (bytes 0-9)"},
		{"a x-api-key b x-Api-key c", "a x-api\u2011key b x-Api\u2011key c"},
		{"İİ x-api-key", "İİ x-api\u2011key"}, // ToLower would shift the offsets
		{"no phrase here", "no phrase here"},
		{"x-api-ke", "x-api-ke"},
	} {
		if got := clientSafe(tc.in); got != tc.want {
			t.Errorf("clientSafe(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if p := misread(clientSafe(tc.in)); p != "" {
			t.Errorf("clientSafe(%q) still contains %q", tc.in, p)
		}
	}
}

// TestErrorBodyClientSafe: every error the proxy writes, in every API's
// shape, goes through clientSafe — the block message, and the others that
// name request fields.
func TestErrorBodyClientSafe(t *testing.T) {
	msg := "field messages[0].content[1].input.X-API-KEY: not scanned"
	for _, a := range []api{apiAnthropic, apiChat, apiResponses, apiBedrock, apiConverse, apiVertexAnthropic, apiGemini} {
		for _, k := range []errorKind{errKindBlocked, errKindUpstream} {
			var v any
			body := errorBody(a, k, "code", msg, "req_1")
			if err := json.Unmarshal(body, &v); err != nil {
				t.Fatalf("api %d: %v: %s", a, err, body)
			}
			text := fmt.Sprint(v)
			if strings.Contains(strings.ToLower(text), "x-api-key") {
				t.Errorf("api %d kind %v: the error body still says x-api-key: %s", a, k, text)
			}
			if !strings.Contains(text, "X-API\u2011KEY") {
				t.Errorf("api %d kind %v: the message is not in the body: %s", a, k, text)
			}
		}
	}
}
