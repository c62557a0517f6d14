package gate_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pretense/pretense/gate"
)

// benchWorld configures every tool the gate knows, all routed, so both
// benchmarks do the full amount of work: every file read and parsed,
// every endpoint classified and (for the full gate) probed.
func benchWorld(b *testing.B) (*world, gate.Options) { return benchWorldT(b) }

func benchWorldT(b testing.TB) (*world, gate.Options) {
	w := newWorld(b, "strict")
	w.write(b, map[string]string{
		".claude/settings.json":       `{"env": {"ANTHROPIC_BASE_URL": "{proxy}"}}`,
		".claude/settings.local.json": `{"env": {"ANTHROPIC_BASE_URL": "{proxy}"}}`,
		"~/.claude/settings.json":     `{"env": {"ANTHROPIC_BASE_URL": "{proxy}", "DISABLE_TELEMETRY": "1"}, "permissions": {"allow": ["Bash(go test:*)"]}}`,
		"~/.codex/config.toml":        "model_provider = \"pretense\"\n[model_providers.pretense]\nbase_url = \"{proxy}/v1\"\nenv_key = \"OPENAI_API_KEY\"\n",
		"~/.aider.conf.yml":           "openai-api-base: {proxy}/v1\nmodel: openai/gpt-4o\n",
		"~/.continue/config.yaml":     "models:\n  - name: c\n    provider: anthropic\n    model: m\n    apiBase: {proxy}\n",
		".env":                        "OPENAI_BASE_URL={proxy}/v1\nGOOGLE_GEMINI_BASE_URL={proxy}\n",
	})
	opts := w.options(map[string]string{
		"ANTHROPIC_BASE_URL":        "{proxy}",
		"ANTHROPIC_API_KEY":         "{key}",
		"OPENAI_API_KEY":            "{key}",
		"COPILOT_PROVIDER_BASE_URL": "{proxy}/v1",
		"HTTPS_PROXY":               "http://corp-proxy.example:3128",
		"NO_PROXY":                  "localhost,127.0.0.1,::1",
		"PATH":                      "/usr/bin:/bin",
	}, "")
	opts.RequirePHIMode = "strict"
	return w, opts
}

// BenchmarkStatic is the static pass alone (target: under 50 ms).
func BenchmarkStatic(b *testing.B) {
	_, opts := benchWorld(b)
	b.ReportAllocs()
	for b.Loop() {
		rep, err := gate.Discover(opts)
		if err != nil || !rep.Passed() {
			b.Fatalf("err=%v passed=%v", err, rep != nil && rep.Passed())
		}
	}
}

// BenchmarkFullGate is discovery plus /health and one canary per routed
// base URL against a loopback proxy (target: under 1 s).
func BenchmarkFullGate(b *testing.B) {
	_, opts := benchWorld(b)
	b.ReportAllocs()
	for b.Loop() {
		rep, err := gate.Run(context.Background(), opts)
		if err != nil || !rep.Passed() || !rep.Probed {
			b.Fatalf("err=%v passed=%v", err, rep != nil && rep.Passed())
		}
	}
}

// TestEveryToolRouted runs the benchmark's world once and checks that every
// tool resolved to the proxy and each distinct request was probed once.
func TestEveryToolRouted(t *testing.T) {
	w, opts := benchWorldT(t)
	rep, err := gate.Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Passed() {
		t.Fatalf("violations:\n%s", text(rep))
	}
	for _, tool := range []string{gate.ToolClaudeCode, gate.ToolAnthropicSDK, gate.ToolOpenAISDK, gate.ToolGemini, gate.ToolCodex, gate.ToolAider, gate.ToolContinue, gate.ToolCopilotCLI} {
		for _, v := range verdictOf(rep, tool) {
			if v != gate.Routed {
				t.Errorf("%s: verdict %s\n%s", tool, v, text(rep))
			}
		}
	}
	got := canaries(w.fake)
	want := []string{"/v1/models", "/v1/models", "/v1beta/models"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("canaries on %q, want %q", got, want)
	}
}
