package proxy

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/pretense/pretense/internal/testtool"
)

// TestClaudeCodeCloudGateway runs the real Claude Code CLI in Bedrock and
// Vertex gateway modes through the real proxy against fake clouds. It needs
// the CLI binary, which is not part of the build: `claude` on PATH, or
//
//	npm install --prefix /tmp/cc @anthropic-ai/claude-code
//	PRETENSE_CLAUDE_BIN=/tmp/cc/node_modules/@anthropic-ai/claude-code-linux-x64/claude \
//	  go test ./proxy -run ClaudeCodeCloudGateway -v
//
// Without it the test skips on a developer's machine and fails under CI
// (.ci/run installs a pinned release). Passes with 2.1.197 and 2.1.332.
const claudePromptLead = "Reply with this question verbatim:"

func TestClaudeCodeCloudGateway(t *testing.T) {
	bin := os.Getenv("PRETENSE_CLAUDE_BIN")
	if bin == "" {
		bin = testtool.Need(t, "npm install -g @anthropic-ai/claude-code (or set PRETENSE_CLAUDE_BIN to its binary)", "claude")
	}
	prompt := claudePromptLead + " why does lookupPatientRecord return nothing when dateOfBirth is empty?"
	for _, mode := range []string{"bedrock", "vertex"} {
		t.Run(mode, func(t *testing.T) {
			proxyCreds := awsTestCreds(t)
			token, _ := googleTestADC(t)
			var up *fakeUpstream
			switch mode {
			case "bedrock":
				up = newFakeUpstream(t, claudeCloudFake(t, func(r *http.Request, body []byte) error { return verifySigV4(r, body, proxyCreds, "us-east-1") }))
			default:
				up = newFakeUpstream(t, claudeCloudFake(t, func(r *http.Request, _ []byte) error {
					if r.Header.Get("Authorization") != "Bearer "+token {
						return fmt.Errorf("not the proxy's ADC token")
					}
					return nil
				}))
			}
			p := cloudProxy(t, up.srv.URL)
			home := t.TempDir()
			env := []string{
				"HOME=" + home, "PATH=" + os.Getenv("PATH"), "TERM=dumb",
				"CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1", "DISABLE_AUTOUPDATER=1", "DISABLE_TELEMETRY=1",
			}
			if mode == "bedrock" {
				env = append(env, "CLAUDE_CODE_USE_BEDROCK=1", "ANTHROPIC_BEDROCK_BASE_URL="+p.http.URL, "CLAUDE_CODE_SKIP_BEDROCK_AUTH=1", "AWS_REGION=us-east-1")
			} else {
				env = append(env, "CLAUDE_CODE_USE_VERTEX=1", "ANTHROPIC_VERTEX_BASE_URL="+p.http.URL+"/v1", "CLAUDE_CODE_SKIP_VERTEX_AUTH=1", "ANTHROPIC_VERTEX_PROJECT_ID=test-project", "CLOUD_ML_REGION=us-east5")
			}
			run := func(prompt string) (string, time.Duration, error) {
				ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
				defer cancel()
				cmd := exec.CommandContext(ctx, bin, "-p", prompt, "--max-turns", "1")
				cmd.Env, cmd.Dir = env, home
				start := time.Now()
				out, err := cmd.CombinedOutput()
				return string(out), time.Since(start), err
			}

			out, took, err := run(prompt)
			t.Logf("claude (%s) answered in %s: %s", mode, took.Round(time.Millisecond), out)
			if err != nil {
				t.Fatalf("claude: %v\n%s", err, out)
			}
			if !strings.Contains(out, "lookupPatientRecord") || !strings.Contains(out, "dateOfBirth") {
				t.Errorf("names not restored for the user: %s", out)
			}
			reqs := up.requests()
			assertClean(t, reqs)
			var paths []string
			for _, r := range reqs {
				paths = append(paths, r.method+" "+r.path)
			}
			t.Logf("upstream saw: %s", strings.Join(paths, ", "))

			var value string
			for _, v := range secretSamples(t, "secret", "standard") {
				value = v
				break
			}
			before := len(up.requests())
			out, took, err = run("deploy with this key: " + value)
			t.Logf("blocked prompt ended in %s: %s", took.Round(time.Millisecond), out)
			if err == nil && !strings.Contains(out, "pretense blocked") {
				t.Errorf("a prompt carrying a secret was not refused: %s", out)
			}
			if !strings.Contains(out, "pretense blocked") {
				t.Errorf("the reason is not shown to the user: %s", out)
			}
			if took > 60*time.Second {
				t.Errorf("the refusal took %s: it was retried", took)
			}
			for _, r := range up.requests()[before:] {
				if strings.Contains(string(r.body), value) {
					t.Errorf("the secret reached the upstream at %s", r.path)
				}
			}
		})
	}
}

// claudePrompt is the user's prompt in a Claude Code request, found by
// its lead words (plain English, never mutated). Where the prompt sits
// changes between releases: 2.1.197 sends it as the last block of the last
// message, 2.1.332 as one block among <system-reminder> blocks of the first
// message, followed by a message holding the environment description.
func claudePrompt(t *testing.T, body []byte) string {
	var req struct {
		Messages []struct {
			Content json.RawMessage `json:"content"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return anthropicReceived(t, body)
	}
	for i := len(req.Messages) - 1; i >= 0; i-- {
		var blocks []struct{ Type, Text string }
		if json.Unmarshal(req.Messages[i].Content, &blocks) != nil {
			continue
		}
		for j := len(blocks) - 1; j >= 0; j-- {
			if blocks[j].Type == "text" && strings.HasPrefix(blocks[j].Text, claudePromptLead) {
				return blocks[j].Text
			}
		}
	}
	return anthropicReceived(t, body)
}

// claudeCloudFake answers what Claude Code asks of Bedrock or Vertex:
// the inference-profile list, and every Messages call with a text-only
// echo of the last user text (streamed as chunk frames on Bedrock, SSE on
// Vertex), so no tool runs.
func claudeCloudFake(t *testing.T, auth func(r *http.Request, body []byte) error) func(w http.ResponseWriter, r *http.Request, body []byte) {
	return func(w http.ResponseWriter, r *http.Request, body []byte) {
		if err := auth(r, body); err != nil {
			t.Errorf("%s %s: %v", r.Method, r.URL.Path, err)
			w.WriteHeader(403)
			return
		}
		p := r.URL.Path
		if p == "/inference-profiles" {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"inferenceProfileSummaries":[]}`)
			return
		}
		if strings.Contains(p, "count-tokens") {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"input_tokens":%d}`, len(body)/4)
			return
		}
		recv := claudePrompt(t, body)
		streaming := strings.HasSuffix(p, "invoke-with-response-stream") || strings.HasSuffix(p, ":streamRawPredict")
		if !streaming {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, mustJSON(map[string]any{
				"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-test",
				"content":     []any{map[string]any{"type": "text", "text": recv}},
				"stop_reason": "end_turn", "stop_sequence": nil,
				"usage": map[string]int{"input_tokens": 10, "output_tokens": 20},
			}))
			return
		}
		var sse strings.Builder
		ev := func(name string, v any) { fmt.Fprintf(&sse, "event: %s\ndata: %s\n\n", name, mustJSON(v)) }
		ev("message_start", map[string]any{"type": "message_start", "message": map[string]any{"id": "msg_1", "type": "message", "role": "assistant", "content": []any{}, "model": "claude-test", "stop_reason": nil, "stop_sequence": nil, "usage": map[string]int{"input_tokens": 10, "output_tokens": 1}}})
		ev("content_block_start", map[string]any{"type": "content_block_start", "index": 0, "content_block": map[string]string{"type": "text", "text": ""}})
		for _, c := range runeChunks(recv, 5) {
			ev("content_block_delta", map[string]any{"type": "content_block_delta", "index": 0, "delta": map[string]string{"type": "text_delta", "text": c}})
		}
		ev("content_block_stop", map[string]any{"type": "content_block_stop", "index": 0})
		ev("message_delta", map[string]any{"type": "message_delta", "delta": map[string]any{"stop_reason": "end_turn", "stop_sequence": nil}, "usage": map[string]int{"output_tokens": 20}})
		ev("message_stop", map[string]any{"type": "message_stop"})
		if strings.HasSuffix(p, "invoke-with-response-stream") {
			w.Header().Set("Content-Type", "application/vnd.amazon.eventstream")
			splitWriter(w, sseToChunks(t, []byte(sse.String())), 7, 1, 64)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		splitWriter(w, []byte(sse.String()), 9, 2, 80)
	}
}
