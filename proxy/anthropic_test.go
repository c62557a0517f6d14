package proxy

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"
)

// anthropicReceived pulls what the echoing fake needs out of a request: the
// text of the last user message's last text block.
func anthropicReceived(t testing.TB, body []byte) string {
	t.Helper()
	var req struct {
		Messages []struct {
			Role    string          `json:"role"`
			Content json.RawMessage `json:"content"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		t.Errorf("upstream got invalid JSON: %v", err)
		return ""
	}
	if len(req.Messages) == 0 {
		return ""
	}
	last := req.Messages[len(req.Messages)-1].Content
	var s string
	if json.Unmarshal(last, &s) == nil {
		return s
	}
	var blocks []struct{ Type, Text string }
	_ = json.Unmarshal(last, &blocks)
	text := ""
	for _, b := range blocks {
		if b.Type == "text" {
			text = b.Text
		}
	}
	return text
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// runeChunks splits s into pieces of n runes: the API never splits inside
// a character within one JSON string, but it splits everywhere else.
func runeChunks(s string, n int) []string {
	var out []string
	r := []rune(s)
	for len(r) > n {
		out = append(out, string(r[:n]))
		r = r[n:]
	}
	return append(out, string(r))
}

// anthropicFake answers like the Messages API, echoing the received user
// text in a thinking block (which must stay as sent), a text block and a
// tool_use input.
func anthropicFake(t testing.TB) func(w http.ResponseWriter, r *http.Request, body []byte) {
	return func(w http.ResponseWriter, r *http.Request, body []byte) {
		if r.URL.Path == "/v1/messages/count_tokens" {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"input_tokens":%d}`, len(body)/4)
			return
		}
		recv := anthropicReceived(t, body)
		input := map[string]string{"file_path": "src/patient.ts", "code": recv}
		var stream struct{ Stream bool }
		_ = json.Unmarshal(body, &stream)
		if !stream.Stream {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Request-Id", "req_upstream")
			fmt.Fprint(w, mustJSON(map[string]any{
				"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-test",
				"content": []any{
					map[string]any{"type": "thinking", "thinking": recv, "signature": "c2lnbmF0dXJl"},
					map[string]any{"type": "text", "text": recv},
					map[string]any{"type": "tool_use", "id": "toolu_1", "name": "Edit", "input": input},
				},
				"stop_reason": "tool_use", "stop_sequence": nil,
				"usage": map[string]int{"input_tokens": 10, "output_tokens": 20},
			}))
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		sseWrite(w, "message_start", `{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-test","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":1}}}`)
		sseWrite(w, "content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}`)
		for _, c := range runeChunks(recv, 7) {
			sseWrite(w, "content_block_delta", mustJSON(map[string]any{"type": "content_block_delta", "index": 0, "delta": map[string]string{"type": "thinking_delta", "thinking": c}}))
		}
		sseWrite(w, "content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"c2lnbmF0dXJl"}}`)
		sseWrite(w, "content_block_stop", `{"type":"content_block_stop","index":0}`)
		sseWrite(w, "content_block_start", `{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}`)
		sseWrite(w, "ping", `{"type":"ping"}`)
		for _, c := range runeChunks(recv, 3) {
			sseWrite(w, "content_block_delta", mustJSON(map[string]any{"type": "content_block_delta", "index": 1, "delta": map[string]string{"type": "text_delta", "text": c}}))
		}
		sseWrite(w, "content_block_stop", `{"type":"content_block_stop","index":1}`)
		sseWrite(w, "content_block_start", `{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_1","name":"Edit","input":{}}}`)
		for _, c := range runeChunks(mustJSON(input), 5) {
			sseWrite(w, "content_block_delta", mustJSON(map[string]any{"type": "content_block_delta", "index": 2, "delta": map[string]string{"type": "input_json_delta", "partial_json": c}}))
		}
		sseWrite(w, "content_block_stop", `{"type":"content_block_stop","index":2}`)
		sseWrite(w, "message_delta", `{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":42}}`)
		sseWrite(w, "message_stop", `{"type":"message_stop"}`)
	}
}

func anthropicClient(p *testProxy) anthropic.Client {
	return anthropic.NewClient(
		option.WithBaseURL(p.http.URL),
		option.WithAPIKey("test-key-not-a-secret"),
		option.WithHTTPClient(p.client),
		option.WithMaxRetries(0),
	)
}

// anthropicParams is a second-turn request with history: a tool_use the
// model made and the tool_result the client sent back, plus a thinking
// block that must reach the upstream byte for byte.
func anthropicParams() anthropic.MessageNewParams {
	return anthropic.MessageNewParams{
		Model:     "claude-test",
		MaxTokens: 1024,
		System:    []anthropic.TextBlockParam{{Text: "You review code that handles PatientRecord values."}},
		Tools: []anthropic.ToolUnionParam{{OfTool: &anthropic.ToolParam{
			Name:        "Edit",
			Description: anthropic.String("Edit a file; used for PatientRecord code"),
			InputSchema: anthropic.ToolInputSchemaParam{Properties: map[string]any{
				"file_path": map[string]string{"type": "string", "description": "path of the file"},
				"code":      map[string]string{"type": "string"},
			}},
		}}},
		Messages: []anthropic.MessageParam{
			anthropic.NewUserMessage(anthropic.NewTextBlock("Open the file with lookupPatientRecord.")),
			anthropic.NewAssistantMessage(
				anthropic.NewThinkingBlock("c2lnbmF0dXJl", "The user wants the lookup fixed; keep this thinking verbatim."),
				anthropic.NewToolUseBlock("toolu_0", map[string]string{"file_path": "src/patient.ts"}, "Read"),
			),
			anthropic.NewUserMessage(
				anthropic.NewToolResultBlock("toolu_0", fixtureCode, false),
				anthropic.NewTextBlock(fixturePrompt),
			),
		},
	}
}

func TestAnthropicSDK(t *testing.T) {
	for _, streaming := range []bool{false, true} {
		t.Run(fmt.Sprintf("stream=%v", streaming), func(t *testing.T) {
			up := newFakeUpstream(t, anthropicFake(t))
			p := startProxy(t, up.srv.URL)
			msg := runAnthropic(t, anthropicClient(p), streaming)

			reqs := up.requests()
			assertClean(t, reqs)
			if len(reqs) != 1 {
				t.Fatalf("upstream got %d requests, want 1", len(reqs))
			}
			got := reqs[0]
			if got.header.Get("X-Api-Key") != "test-key-not-a-secret" && got.header.Get("Authorization") != "Bearer test-key-not-a-secret" || got.header.Get("Anthropic-Version") == "" {
				t.Errorf("auth and version headers not passed through: %v", got.header)
			}
			if !strings.Contains(string(got.body), `"thinking":"The user wants the lookup fixed; keep this thinking verbatim."`) {
				t.Errorf("thinking block was changed on the way up: %s", got.body)
			}
			if !strings.Contains(string(got.body), `"signature":"c2lnbmF0dXJl"`) {
				t.Errorf("signature changed: %s", got.body)
			}
			sent := anthropicReceived(t, got.body)

			if len(msg.Content) != 3 {
				t.Fatalf("got %d content blocks, want 3: %+v", len(msg.Content), msg.Content)
			}
			if th := msg.Content[0].Thinking; th != sent {
				t.Errorf("thinking must come back as the model wrote it:\n got %q\nwant %q", th, sent)
			}
			if txt := msg.Content[1].Text; txt != fixturePrompt {
				t.Errorf("text not restored:\n got %q\nwant %q", txt, fixturePrompt)
			}
			var input map[string]string
			if err := json.Unmarshal(msg.Content[2].Input, &input); err != nil {
				t.Fatalf("tool input: %v (%s)", err, msg.Content[2].Input)
			}
			if input["code"] != fixturePrompt || input["file_path"] != "src/patient.ts" {
				t.Errorf("tool input not restored: %q", input)
			}

			entries := p.sink.waitEntries(t, 1)
			e := entries[0]
			if e.Outcome != "forwarded" || e.Mutations < len(sensitiveNames) || e.RoundTripFidelity != 1 || e.Model != "claude-test" {
				t.Errorf("audit entry: %+v", e)
			}
			if !strings.HasSuffix(e.Endpoint, "-> "+strings.TrimPrefix(up.srv.URL, "http://")) {
				t.Errorf("audit endpoint %q", e.Endpoint)
			}
		})
	}
}

func TestAnthropicCountTokens(t *testing.T) {
	up := newFakeUpstream(t, anthropicFake(t))
	p := startProxy(t, up.srv.URL)
	client := anthropicClient(p)
	params := anthropicParams()
	res, err := client.Messages.CountTokens(context.Background(), anthropic.MessageCountTokensParams{
		Model:    params.Model,
		Messages: params.Messages,
		System:   anthropic.MessageCountTokensParamsSystemUnion{OfTextBlockArray: params.System},
	})
	if err != nil {
		t.Fatalf("CountTokens: %v", err)
	}
	if res.InputTokens == 0 {
		t.Error("no token count relayed")
	}
	reqs := up.requests()
	assertClean(t, reqs)
	if reqs[0].path != "/v1/messages/count_tokens" {
		t.Errorf("path %q", reqs[0].path)
	}
}
