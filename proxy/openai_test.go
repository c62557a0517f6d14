package proxy

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/responses"
	"github.com/openai/openai-go/v3/shared"
)

func openaiClient(p *testProxy) openai.Client {
	return openai.NewClient(
		option.WithBaseURL(p.http.URL+"/v1"),
		option.WithAPIKey("test-key-not-a-secret"),
		option.WithHTTPClient(p.client),
		option.WithMaxRetries(0),
	)
}

// chatReceived returns the last user message's content as the upstream got it.
func chatReceived(t testing.TB, body []byte) string {
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
	for i := len(req.Messages) - 1; i >= 0; i-- {
		if req.Messages[i].Role == "user" {
			var s string
			_ = json.Unmarshal(req.Messages[i].Content, &s)
			return s
		}
	}
	return ""
}

func chatFake(t testing.TB) func(w http.ResponseWriter, r *http.Request, body []byte) {
	return func(w http.ResponseWriter, r *http.Request, body []byte) {
		recv := chatReceived(t, body)
		args := mustJSON(map[string]string{"code": recv})
		var stream struct{ Stream bool }
		_ = json.Unmarshal(body, &stream)
		if !stream.Stream {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, mustJSON(map[string]any{
				"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "gpt-test",
				"choices": []any{map[string]any{
					"index": 0, "finish_reason": "tool_calls",
					"message": map[string]any{
						"role": "assistant", "content": recv,
						"tool_calls": []any{map[string]any{"id": "call_1", "type": "function", "function": map[string]string{"name": "edit", "arguments": args}}},
					},
				}},
				"usage": map[string]int{"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3},
			}))
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		chunk := func(delta map[string]any, finish any) string {
			return mustJSON(map[string]any{
				"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "gpt-test",
				"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}},
			})
		}
		sseWrite(w, "", chunk(map[string]any{"role": "assistant", "content": ""}, nil))
		io := w
		fmt.Fprint(io, ": keep-alive comment\n\n")
		for _, c := range runeChunks(recv, 3) {
			sseWrite(w, "", chunk(map[string]any{"content": c}, nil))
		}
		sseWrite(w, "", chunk(map[string]any{"tool_calls": []any{map[string]any{"index": 0, "id": "call_1", "type": "function", "function": map[string]string{"name": "edit", "arguments": ""}}}}, nil))
		for _, c := range runeChunks(args, 4) {
			sseWrite(w, "", chunk(map[string]any{"tool_calls": []any{map[string]any{"index": 0, "function": map[string]string{"arguments": c}}}}, nil))
		}
		sseWrite(w, "", chunk(map[string]any{}, "tool_calls"))
		sseWrite(w, "", `{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-test","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}`)
		sseWrite(w, "", "[DONE]")
	}
}

func chatParams() openai.ChatCompletionNewParams {
	return openai.ChatCompletionNewParams{
		Model: "gpt-test",
		Tools: []openai.ChatCompletionToolUnionParam{openai.ChatCompletionFunctionTool(shared.FunctionDefinitionParam{
			Name:        "edit",
			Description: openai.String("Edit PatientRecord code"),
			Parameters:  shared.FunctionParameters{"type": "object", "properties": map[string]any{"code": map[string]string{"type": "string"}}},
		})},
		Messages: []openai.ChatCompletionMessageParamUnion{
			openai.SystemMessage("You review code that handles PatientRecord values."),
			openai.UserMessage("Open the file with lookupPatientRecord."),
			{OfAssistant: &openai.ChatCompletionAssistantMessageParam{ToolCalls: []openai.ChatCompletionMessageToolCallUnionParam{{
				OfFunction: &openai.ChatCompletionMessageFunctionToolCallParam{
					ID: "call_0",
					Function: openai.ChatCompletionMessageFunctionToolCallFunctionParam{
						Name:      "read",
						Arguments: mustJSON(map[string]string{"path": "src/patient.ts", "symbol": "lookupPatientRecord"}),
					},
				},
			}}}},
			openai.ToolMessage(fixtureCode, "call_0"),
			openai.UserMessage(fixturePrompt),
		},
	}
}

func TestOpenAIChatSDK(t *testing.T) {
	for _, streaming := range []bool{false, true} {
		t.Run(fmt.Sprintf("stream=%v", streaming), func(t *testing.T) {
			up := newFakeUpstream(t, chatFake(t))
			p := startProxy(t, up.srv.URL)
			client := openaiClient(p)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()

			var msg openai.ChatCompletionMessage
			if streaming {
				stream := client.Chat.Completions.NewStreaming(ctx, chatParams())
				acc := openai.ChatCompletionAccumulator{}
				for stream.Next() {
					acc.AddChunk(stream.Current())
				}
				if err := stream.Err(); err != nil {
					t.Fatalf("stream: %v", err)
				}
				stream.Close()
				if len(acc.Choices) != 1 {
					t.Fatalf("accumulated %d choices", len(acc.Choices))
				}
				msg = acc.Choices[0].Message
			} else {
				res, err := client.Chat.Completions.New(ctx, chatParams())
				if err != nil {
					t.Fatalf("Chat.Completions.New: %v", err)
				}
				msg = res.Choices[0].Message
			}

			reqs := up.requests()
			assertClean(t, reqs)
			if reqs[0].path != "/v1/chat/completions" || reqs[0].header.Get("Authorization") != "Bearer test-key-not-a-secret" {
				t.Errorf("path %q or auth header not passed through", reqs[0].path)
			}
			// The history's tool-call arguments must still be JSON upstream.
			var sent struct {
				Messages []struct {
					ToolCalls []struct {
						Function struct{ Arguments string }
					} `json:"tool_calls"`
				}
			}
			if err := json.Unmarshal(reqs[0].body, &sent); err != nil {
				t.Fatal(err)
			}
			args := sent.Messages[2].ToolCalls[0].Function.Arguments
			var argv map[string]string
			if err := json.Unmarshal([]byte(args), &argv); err != nil || argv["path"] == "" || argv["symbol"] == "lookupPatientRecord" {
				t.Errorf("history arguments not mutated as JSON: %q (%v)", args, err)
			}

			if msg.Content != fixturePrompt {
				t.Errorf("content not restored:\n got %q\nwant %q", msg.Content, fixturePrompt)
			}
			if len(msg.ToolCalls) != 1 {
				t.Fatalf("tool calls: %+v", msg.ToolCalls)
			}
			var out map[string]string
			if err := json.Unmarshal([]byte(msg.ToolCalls[0].Function.Arguments), &out); err != nil || out["code"] != fixturePrompt {
				t.Errorf("tool call arguments not restored: %q (%v)", msg.ToolCalls[0].Function.Arguments, err)
			}
			e := p.sink.waitEntries(t, 1)[0]
			if e.Outcome != "forwarded" || e.RoundTripFidelity != 1 || e.Mutations == 0 {
				t.Errorf("audit entry: %+v", e)
			}
		})
	}
}

// responsesReceived returns the last user message of a Responses request.
func responsesReceived(t testing.TB, body []byte) string {
	t.Helper()
	var req struct {
		Input []struct {
			Type, Role string
			Content    json.RawMessage
		}
	}
	if err := json.Unmarshal(body, &req); err != nil {
		t.Errorf("upstream got invalid JSON: %v", err)
		return ""
	}
	for i := len(req.Input) - 1; i >= 0; i-- {
		if req.Input[i].Role == "user" {
			var s string
			_ = json.Unmarshal(req.Input[i].Content, &s)
			return s
		}
	}
	return ""
}

func responsesFake(t testing.TB) func(w http.ResponseWriter, r *http.Request, body []byte) {
	return func(w http.ResponseWriter, r *http.Request, body []byte) {
		recv := responsesReceived(t, body)
		args := mustJSON(map[string]string{"code": recv})
		reasoning := map[string]any{"type": "reasoning", "id": "rs_1", "summary": []any{map[string]string{"type": "summary_text", "text": recv}}, "encrypted_content": "ZW5j"}
		message := map[string]any{"type": "message", "id": "msg_1", "role": "assistant", "status": "completed",
			"content": []any{map[string]any{"type": "output_text", "text": recv, "annotations": []any{}}}}
		call := map[string]any{"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "edit", "arguments": args, "status": "completed"}
		full := map[string]any{"id": "resp_1", "object": "response", "created_at": 1, "status": "completed", "model": "gpt-test",
			"output": []any{reasoning, message, call}}
		var stream struct{ Stream bool }
		_ = json.Unmarshal(body, &stream)
		if !stream.Stream {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, mustJSON(full))
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		seq := 0
		ev := func(typ string, fields map[string]any) {
			fields["type"] = typ
			fields["sequence_number"] = seq
			seq++
			sseWrite(w, typ, mustJSON(fields))
		}
		ev("response.created", map[string]any{"response": map[string]any{"id": "resp_1", "object": "response", "status": "in_progress", "model": "gpt-test", "output": []any{}}})
		ev("response.output_item.added", map[string]any{"output_index": 0, "item": map[string]any{"type": "reasoning", "id": "rs_1", "summary": []any{}}})
		for _, c := range runeChunks(recv, 9) {
			ev("response.reasoning_summary_text.delta", map[string]any{"item_id": "rs_1", "output_index": 0, "summary_index": 0, "delta": c})
		}
		ev("response.output_item.done", map[string]any{"output_index": 0, "item": reasoning})
		ev("response.output_item.added", map[string]any{"output_index": 1, "item": map[string]any{"type": "message", "id": "msg_1", "role": "assistant", "status": "in_progress", "content": []any{}}})
		for _, c := range runeChunks(recv, 3) {
			ev("response.output_text.delta", map[string]any{"item_id": "msg_1", "output_index": 1, "content_index": 0, "delta": c})
		}
		ev("response.output_text.done", map[string]any{"item_id": "msg_1", "output_index": 1, "content_index": 0, "text": recv})
		ev("response.output_item.done", map[string]any{"output_index": 1, "item": message})
		ev("response.output_item.added", map[string]any{"output_index": 2, "item": map[string]any{"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "edit", "arguments": "", "status": "in_progress"}})
		for _, c := range runeChunks(args, 4) {
			ev("response.function_call_arguments.delta", map[string]any{"item_id": "fc_1", "output_index": 2, "delta": c})
		}
		ev("response.function_call_arguments.done", map[string]any{"item_id": "fc_1", "output_index": 2, "arguments": args})
		ev("response.output_item.done", map[string]any{"output_index": 2, "item": call})
		ev("response.completed", map[string]any{"response": full})
	}
}

func responsesParams() responses.ResponseNewParams {
	callOut := responses.ResponseInputItemParamOfFunctionCallOutput(fixtureCode)
	callOut.OfFunctionCallOutput.CallID = openai.String("call_0")
	return responses.ResponseNewParams{
		Model:        "gpt-test",
		Instructions: openai.String("You review code that handles PatientRecord values."),
		Input: responses.ResponseNewParamsInputUnion{OfInputItemList: responses.ResponseInputParam{
			responses.ResponseInputItemParamOfMessage("Open the file with lookupPatientRecord.", responses.EasyInputMessageRoleUser),
			responses.ResponseInputItemParamOfFunctionCall(mustJSON(map[string]string{"symbol": "lookupPatientRecord"}), "call_0", "read"),
			callOut,
			responses.ResponseInputItemParamOfMessage(fixturePrompt, responses.EasyInputMessageRoleUser),
		}},
	}
}

func TestOpenAIResponsesSDK(t *testing.T) {
	for _, streaming := range []bool{false, true} {
		t.Run(fmt.Sprintf("stream=%v", streaming), func(t *testing.T) {
			up := newFakeUpstream(t, responsesFake(t))
			p := startProxy(t, up.srv.URL)
			client := openaiClient(p)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()

			var final *responses.Response
			var textDeltas, argDeltas, summaryDeltas strings.Builder
			if streaming {
				stream := client.Responses.NewStreaming(ctx, responsesParams())
				for stream.Next() {
					ev := stream.Current()
					switch ev.Type {
					case "response.output_text.delta":
						textDeltas.WriteString(ev.Delta)
					case "response.function_call_arguments.delta":
						argDeltas.WriteString(ev.Delta)
					case "response.reasoning_summary_text.delta":
						summaryDeltas.WriteString(ev.Delta)
					case "response.output_text.done":
						if ev.Text != fixturePrompt {
							t.Errorf("output_text.done not restored: %q", ev.Text)
						}
					case "response.completed":
						r := ev.Response
						final = &r
					}
				}
				if err := stream.Err(); err != nil {
					t.Fatalf("stream: %v", err)
				}
				stream.Close()
				if textDeltas.String() != fixturePrompt {
					t.Errorf("text deltas not restored:\n got %q\nwant %q", textDeltas.String(), fixturePrompt)
				}
				if argDeltas.String() != mustJSON(map[string]string{"code": fixturePrompt}) {
					t.Errorf("argument deltas not restored: %q", argDeltas.String())
				}
				if sensitiveRE.MatchString(summaryDeltas.String()) || summaryDeltas.Len() == 0 {
					t.Errorf("reasoning summary must stay as the model wrote it: %q", summaryDeltas.String())
				}
			} else {
				res, err := client.Responses.New(ctx, responsesParams())
				if err != nil {
					t.Fatalf("Responses.New: %v", err)
				}
				final = res
			}
			if final == nil {
				t.Fatal("no final response")
			}
			reqs := up.requests()
			assertClean(t, reqs)
			if got := final.OutputText(); got != fixturePrompt {
				t.Errorf("output text not restored:\n got %q\nwant %q", got, fixturePrompt)
			}
			var args string
			for _, it := range final.Output {
				switch it.Type {
				case "function_call":
					args = it.Arguments.OfString
				case "reasoning":
					if sensitiveRE.MatchString(it.Summary[0].Text) {
						t.Errorf("reasoning summary was restored: %q", it.Summary[0].Text)
					}
				}
			}
			var out map[string]string
			if err := json.Unmarshal([]byte(args), &out); err != nil || out["code"] != fixturePrompt {
				t.Errorf("function call arguments not restored: %q (%v)", args, err)
			}
			e := p.sink.waitEntries(t, 1)[0]
			if e.Outcome != "forwarded" || e.RoundTripFidelity != 1 || e.Mutations == 0 {
				t.Errorf("audit entry: %+v", e)
			}
		})
	}
}
