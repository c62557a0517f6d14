package gate_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/pretense/pretense/gate"
)

// TestCloudScenarios covers the routed cloud set-ups: Claude Code's
// Bedrock and Vertex gateway modes, Azure OpenAI and google-genai on
// Vertex aimed at the proxy, and a proxy found on another loopback port.
func TestCloudScenarios(t *testing.T) {
	claudeRouted := func(note string) func(t *testing.T, w *world, rep *gate.Report) {
		return func(t *testing.T, w *world, rep *gate.Report) {
			if got := verdictOf(rep, gate.ToolClaudeCode); !slices.Equal(got, []gate.Verdict{gate.Routed}) {
				t.Errorf("claude-code verdicts = %v\n%s", got, text(rep))
			}
			if c := find(t, rep, gate.ToolClaudeCode, gate.Routed); !strings.Contains(c.Reason, note) {
				t.Errorf("reason %q lacks %q", c.Reason, note)
			}
		}
	}
	tests := []scenario{
		{
			name:     "Claude Code Bedrock gateway mode",
			env:      map[string]string{"CLAUDE_CODE_USE_BEDROCK": "1", "ANTHROPIC_BEDROCK_BASE_URL": "{proxy}", "CLAUDE_CODE_SKIP_BEDROCK_AUTH": "1", "AWS_REGION": "us-east-1"},
			canaries: []string{"/inference-profiles"},
			check:    claudeRouted("routed through the Pretense proxy"),
		},
		{
			name:     "Claude Code Vertex gateway mode from user settings",
			files:    map[string]string{"~/.claude/settings.json": `{"env": {"CLAUDE_CODE_USE_VERTEX": "1", "ANTHROPIC_VERTEX_BASE_URL": "{proxy}/v1", "CLAUDE_CODE_SKIP_VERTEX_AUTH": "1", "ANTHROPIC_VERTEX_PROJECT_ID": "p"}}`},
			canaries: []string{"/v1/models"},
			check:    claudeRouted("routed through the Pretense proxy"),
		},
		{
			name:     "Bedrock gateway without skip-auth is routed with a note",
			env:      map[string]string{"CLAUDE_CODE_USE_BEDROCK": "1", "ANTHROPIC_BEDROCK_BASE_URL": "{proxy}"},
			canaries: []string{"/inference-profiles"},
			check:    claudeRouted("CLAUDE_CODE_SKIP_BEDROCK_AUTH is not set"),
		},
		{
			name: "Bedrock base URL at AWS",
			env:  map[string]string{"CLAUDE_CODE_USE_BEDROCK": "1", "ANTHROPIC_BEDROCK_BASE_URL": "https://bedrock-runtime.us-east-1.amazonaws.com"},
			want: []string{"claude-code gate/unrouted-endpoint"},
		},
		{
			name: "Vertex without a base URL stays a violation",
			env:  map[string]string{"CLAUDE_CODE_USE_VERTEX": "1", "CLAUDE_CODE_SKIP_VERTEX_AUTH": "1"},
			want: []string{"claude-code gate/bypass-switch"},
			check: func(t *testing.T, w *world, rep *gate.Report) {
				if c := find(t, rep, gate.ToolClaudeCode, gate.Violation); !strings.Contains(c.Fix, "ANTHROPIC_VERTEX_BASE_URL=") {
					t.Errorf("fix %q does not name the gateway variable", c.Fix)
				}
			},
		},
		{
			name:  "Bedrock mode ignores a stored first-party login",
			env:   map[string]string{"CLAUDE_CODE_USE_BEDROCK": "1", "ANTHROPIC_BEDROCK_BASE_URL": "{proxy}", "CLAUDE_CODE_SKIP_BEDROCK_AUTH": "1"},
			files: map[string]string{"~/.claude.json": `{"oauthAccount": {"emailAddress": "dev@example.com"}}`},
		},
		{
			name:     "Azure OpenAI endpoint routed",
			env:      map[string]string{"AZURE_OPENAI_ENDPOINT": "{proxy}", "AZURE_OPENAI_API_KEY": "{key}"},
			canaries: []string{"/openai/models"},
		},
		{
			name:     "google-genai on Vertex routed",
			env:      map[string]string{"GOOGLE_GENAI_USE_VERTEXAI": "true", "GOOGLE_VERTEX_BASE_URL": "{proxy}", "GOOGLE_CLOUD_PROJECT": "p"},
			canaries: []string{"/v1beta/models"},
		},
		{
			name:     "a Pretense proxy on another loopback port",
			env:      map[string]string{"ANTHROPIC_BASE_URL": "{proxy}", "ANTHROPIC_API_KEY": "{key}"},
			proxy:    "down",
			canaries: []string{"/v1/models"},
			check: func(t *testing.T, w *world, rep *gate.Report) {
				c := find(t, rep, gate.ToolClaudeCode, gate.Routed)
				if !strings.Contains(c.Reason, "proxy.listen") || !strings.Contains(c.Reason, strings.TrimPrefix(w.fake.URL, "http://")) {
					t.Errorf("reason %q does not say proxy.listen differs", c.Reason)
				}
				if !rep.Probed || rep.Health == nil {
					t.Errorf("probed=%v health=%v", rep.Probed, rep.Health)
				}
			},
		},
		{
			name:  "another loopback port is not accepted offline",
			env:   map[string]string{"ANTHROPIC_BASE_URL": "{proxy}"},
			proxy: "down",
			opts:  func(o *gate.Options) { o.Offline = true },
			want:  []string{"anthropic-sdk gate/unrouted-endpoint", "claude-code gate/unrouted-endpoint"},
		},
		{
			name:    "a proxy on another port with a weaker policy than required",
			env:     map[string]string{"ANTHROPIC_BASE_URL": "{proxy}"},
			proxy:   "down",
			phiMode: "standard",
			opts:    func(o *gate.Options) { o.RequirePHIMode = "strict" },
			want:    []string{"anthropic-sdk gate/unrouted-endpoint", "claude-code gate/unrouted-endpoint"},
		},
	}
	runScenarios(t, tests)
}
