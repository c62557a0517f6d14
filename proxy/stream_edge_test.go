package proxy

import (
	"bytes"
	"strings"
	"testing"
)

func newTestSession(t *testing.T) (session, string, string) {
	t.Helper()
	eng, err := newMutateEngine(testKey, "phi")
	if err != nil {
		t.Fatal(err)
	}
	sess := eng.newSession()
	cls := sess.mutate("PatientRecord", "ts")
	v := sess.mutate("dateOfBirth", "ts")
	if !strings.HasPrefix(cls, "_cls") || !strings.HasPrefix(v, "_v") {
		t.Fatalf("unexpected synthetics %q %q", cls, v)
	}
	return sess, cls, v
}

func sse(events ...string) string {
	var b strings.Builder
	for _, e := range events {
		b.WriteString(e)
		b.WriteString("\n\n")
	}
	return b.String()
}

func TestStreamEdgeCases(t *testing.T) {
	sess, cls, v := newTestSession(t)
	tests := []struct {
		name string
		a    api
		in   string
		want []string // substrings that must appear, in order
		not  []string // substrings that must not appear
	}{
		{
			name: "anthropic upstream error event flushes held text first",
			a:    apiAnthropic,
			in: sse(`event: content_block_delta`+"\n"+`data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"use `+cls[:6]+`"}}`,
				`event: error`+"\n"+`data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`),
			want: []string{`"text":"use "`, `"text":"` + cls[:6] + `"`, `event: error`, `overloaded_error`},
		},
		{
			name: "anthropic partial synthetic at block end is flushed verbatim",
			a:    apiAnthropic,
			in: sse(`event: content_block_delta`+"\n"+`data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x _cls"}}`,
				`event: content_block_stop`+"\n"+`data: {"type":"content_block_stop","index":0}`),
			want: []string{`"text":"x "`, `"text":"_cls"`, `content_block_stop`},
		},
		{
			name: "anthropic citations, stop_sequence and unknown events",
			a:    apiAnthropic,
			in: sse(`event: content_block_delta`+"\n"+`data: {"type":"content_block_delta","index":0,"delta":{"type":"citations_delta","citation":{"type":"char_location","cited_text":"see `+v+`"}}}`,
				`event: future_event`+"\n"+`data: {"type":"future_event","blob":"`+cls+`-opaque"}`,
				`event: message_delta`+"\n"+`data: {"type":"message_delta","delta":{"stop_reason":"stop_sequence","stop_sequence":"`+cls+`"}}`),
			want: []string{`"cited_text":"see dateOfBirth"`, `"blob":"PatientRecord-opaque"`, `"stop_sequence":"PatientRecord"`},
		},
		{
			name: "anthropic thinking and signature untouched",
			a:    apiAnthropic,
			in:   sse(`event: content_block_delta` + "\n" + `data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"` + cls + `"}}`),
			want: []string{`"thinking":"` + cls + `"`},
			not:  []string{"PatientRecord"},
		},
		{
			name: "chat: two choices restored separately",
			a:    apiChat,
			in: sse(`data: {"id":"c","choices":[{"index":0,"delta":{"content":"a `+cls[:5]+`"}},{"index":1,"delta":{"content":"b `+v[:3]+`"}}]}`,
				`data: {"id":"c","choices":[{"index":1,"delta":{"content":"`+v[3:]+` end"}},{"index":0,"delta":{"content":"`+cls[5:]+`!"}}]}`,
				`data: {"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"},{"index":1,"delta":{},"finish_reason":"stop"}]}`,
				`data: [DONE]`),
			want: []string{`"content":"a "`, `"content":"b "`, `"content":"dateOfBirth end"`, `"content":"PatientRecord!"`, `[DONE]`},
			not:  []string{cls, v},
		},
		{
			name: "chat: held text flushed as its own chunk before finish",
			a:    apiChat,
			in: sse(`data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"x `+cls[:7]+`"}}]}`,
				`data: {"id":"c","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"length"}]}`),
			want: []string{`"content":"x "`, `{"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"` + cls[:7] + `"},"finish_reason":null}]}`, `"finish_reason":"length"`},
		},
		{
			name: "chat: error object passes through",
			a:    apiChat,
			in:   sse(`data: {"error":{"message":"bad ` + cls + `","type":"server_error"}}`),
			want: []string{`"message":"bad PatientRecord"`},
		},
		{
			name: "responses: reasoning untouched, refusal restored",
			a:    apiResponses,
			in: sse(`event: response.reasoning_summary_text.delta`+"\n"+`data: {"type":"response.reasoning_summary_text.delta","item_id":"rs","delta":"`+cls+`"}`,
				`event: response.refusal.delta`+"\n"+`data: {"type":"response.refusal.delta","item_id":"m","content_index":0,"delta":"no `+v+`"}`,
				`event: response.refusal.done`+"\n"+`data: {"type":"response.refusal.done","item_id":"m","content_index":0,"refusal":"no `+v+`"}`),
			want: []string{`"delta":"` + cls + `"`, `"delta":"no dateOfBirth"`, `"refusal":"no dateOfBirth"`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := restoreStream(tc.a, sess, strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			rest := string(out)
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("missing (in order) %q in:\n%s", w, out)
				}
				rest = rest[i+len(w):]
			}
			for _, n := range tc.not {
				if bytes.Contains(out, []byte(n)) {
					t.Errorf("unexpected %q in:\n%s", n, out)
				}
			}
		})
	}
}

func TestTerminalErrorShapes(t *testing.T) {
	for _, tc := range []struct {
		a    api
		want string
	}{
		{apiAnthropic, "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"boom\"}}\n\n"},
		{apiChat, "data: {\"type\":\"error\",\"error\":{\"type\":\"server_error\",\"code\":\"pretense_upstream_error\",\"message\":\"boom\"}}\n\n"},
		{apiResponses, "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"server_error\",\"code\":\"pretense_upstream_error\",\"message\":\"boom\"}}\n\n"},
	} {
		if got := string(terminalError(tc.a, "boom")); got != tc.want {
			t.Errorf("api %d: got %q, want %q", tc.a, got, tc.want)
		}
	}
}
