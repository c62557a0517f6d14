package proxy

import (
	"net/http"
	"strings"
	"testing"
)

// repeated returns n copies of v joined by commas.
func repeated(v string, n int) string {
	return strings.TrimSuffix(strings.Repeat(v+",", n), ",")
}

// TestRequestValuesBounded: a body of tiny JSON values, in the request
// itself, in JSON text inside a prompt string or in tool-call arguments,
// is refused with 413 in the API's error format past maxRequestValues,
// before its nodes exhaust memory; nothing goes upstream and the refusal
// is audited. Just under the limit passes. The limit is lowered to 4096
// (Options.MaxRequestValues) so the race detector's runs stay short; the
// default limit is TestLargeRequestPeakRSS/dense's.
func TestRequestValuesBounded(t *testing.T) {
	t.Parallel()
	const limit = 4096
	over := limit + 1
	tests := []struct {
		name, path, body string
		hdr              map[string]string
		a                api
		want             int
	}{
		{"top level", "/v1/messages", `{"model":"m","max_tokens":8,"metadata":{"x":[` + repeated("null", over) + `]},"messages":[{"role":"user","content":"hi"}]}`,
			anthropicHeaders, apiAnthropic, http.StatusRequestEntityTooLarge},
		{"top level, under the limit", "/v1/messages", `{"model":"m","max_tokens":8,"metadata":{"x":[` + repeated("null", limit-64) + `]},"messages":[{"role":"user","content":"hi"}]}`,
			anthropicHeaders, apiAnthropic, http.StatusOK},
		// JSON text in a string outside the prompt: unwrapped because of
		// its escape.
		{"JSON text in a string", "/v1/messages", `{"model":"m","max_tokens":8,"metadata":{"x":"[\"\\\\n\",` + repeated("null", over) + `]"},"messages":[{"role":"user","content":"hi"}]}`,
			anthropicHeaders, apiAnthropic, http.StatusRequestEntityTooLarge},
		{"tool-call arguments", "/v1/chat/completions", `{"model":"m","messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"[` + repeated("null", over) + `]"}}]},{"role":"user","content":"hi"}]}`,
			map[string]string{"Authorization": "Bearer test-key-not-a-secret", "Content-Type": "application/json"}, apiChat, http.StatusRequestEntityTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			up := newFakeUpstream(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
				if tc.a == apiChat {
					chatFake(t)(w, r, body)
					return
				}
				okAnthropic(w, r, body)
			})
			p := startProxy(t, up.srv.URL, func(o *Options) { o.MaxRequestValues = limit })
			resp, out := sendRaw(t, p, http.MethodPost, tc.path, []byte(tc.body), tc.hdr, false)
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d, want %d: %.300s", resp.StatusCode, tc.want, out)
			}
			if tc.want == http.StatusOK {
				return
			}
			if _, msg := errorMessage(t, tc.a, out); !strings.Contains(msg, "too many JSON values") {
				t.Errorf("message %q does not name the limit", msg)
			}
			if n := len(up.requests()); n != 0 {
				t.Errorf("upstream received %d requests", n)
			}
			if e := p.sink.waitEntries(t, 1)[0]; e.Outcome != "failed" {
				t.Errorf("audit %+v", e)
			}
		})
	}
}
