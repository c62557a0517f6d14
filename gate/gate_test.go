package gate_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pretense/pretense/gate"
	"github.com/pretense/pretense/gate/gatetest"
)

// fakeKey is a random, well-formed-looking credential made at test time;
// no real key appears anywhere.
func fakeKey(t testing.TB) string {
	t.Helper()
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "test-key-" + hex.EncodeToString(b)
}

// world is one scenario's private machine: its own HOME, working
// directory (a repository root), and loopback servers.
type world struct {
	home, work string
	fake       *gatetest.FakeProxy
	other      *httptest.Server
	down       string
	key        string
}

func newWorld(t testing.TB, phiMode string) *world {
	t.Helper()
	root := t.TempDir()
	w := &world{home: filepath.Join(root, "home"), work: filepath.Join(root, "work", "repo")}
	for _, d := range []string{w.home, filepath.Join(w.work, ".git")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if phiMode == "" {
		phiMode = "standard"
	}
	w.fake = gatetest.NewFakeProxy(t, phiMode, "phi")
	w.other = gatetest.NewOtherServer(t)
	w.down = gatetest.ClosedURL(t)
	w.key = fakeKey(t)
	return w
}

// expand fills in the placeholders scenarios use for addresses and keys.
func (w *world) expand(s string) string {
	return strings.NewReplacer(
		"{proxy}", w.fake.URL, "{other}", w.other.URL, "{down}", w.down,
		"{home}", w.home, "{work}", w.work, "{key}", w.key,
	).Replace(s)
}

// write puts files in place: "~/x" under HOME, anything else under the
// working directory.
func (w *world) write(t testing.TB, files map[string]string) {
	t.Helper()
	for name, body := range files {
		path := filepath.Join(w.work, name)
		if rest, ok := strings.CutPrefix(name, "~/"); ok {
			path = filepath.Join(w.home, rest)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(w.expand(body)), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func (w *world) options(env map[string]string, proxy string) gate.Options {
	e := map[string]string{}
	for k, v := range env {
		e[k] = w.expand(v)
	}
	p := w.fake.URL
	switch proxy {
	case "other":
		p = w.other.URL
	case "down":
		p = w.down
	}
	return gate.Options{Env: e, Home: w.home, WorkDir: w.work, Proxy: p}
}

// violations lists "tool rule" for every violation, sorted.
func violations(rep *gate.Report) []string {
	var out []string
	for _, c := range rep.Checks {
		if c.Verdict == gate.Violation {
			out = append(out, c.Tool+" "+c.Rule)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func verdictOf(rep *gate.Report, tool string) []gate.Verdict {
	var out []gate.Verdict
	for _, c := range rep.Checks {
		if c.Tool == tool {
			out = append(out, c.Verdict)
		}
	}
	return out
}

func canaries(f *gatetest.FakeProxy) []string {
	var out []string
	for _, r := range f.Requests() {
		if r.Credential {
			out = append(out, "CREDENTIAL SENT "+r.Path)
		}
		if r.Canary != "" {
			out = append(out, r.Path)
		}
	}
	slices.Sort(out)
	return out
}

type scenario struct {
	name    string
	env     map[string]string
	files   map[string]string
	proxy   string // "" (fake Pretense proxy), "other", "down"
	phiMode string
	opts    func(*gate.Options)
	want    []string // violations, "tool rule"
	// canaries are the paths the fake proxy must have seen canaries on
	// (checked only when not nil).
	canaries []string
	check    func(t *testing.T, w *world, rep *gate.Report)
}

func TestScenarios(t *testing.T) {
	anthropicSettings := func(url string) string {
		return `{"env": {"ANTHROPIC_BASE_URL": "` + url + `"}}`
	}
	tests := []scenario{
		{
			name:     "nothing configured and no keys",
			canaries: []string{},
			check: func(t *testing.T, w *world, rep *gate.Report) {
				if rep.Probed || len(w.fake.Requests()) != 0 {
					t.Errorf("probed with nothing routed: %v", w.fake.Requests())
				}
			},
		},
		{
			name:     "Claude Code routed by env",
			env:      map[string]string{"ANTHROPIC_BASE_URL": "{proxy}", "ANTHROPIC_API_KEY": "{key}"},
			canaries: []string{"/v1/models"},
			check: func(t *testing.T, w *world, rep *gate.Report) {
				if got := verdictOf(rep, gate.ToolClaudeCode); !slices.Equal(got, []gate.Verdict{gate.Routed}) {
					t.Errorf("claude-code verdicts = %v", got)
				}
				if rep.Health == nil || rep.Health.Service != "pretense-proxy" {
					t.Errorf("health = %+v", rep.Health)
				}
			},
		},
		{
			name:  "routed by env but project settings point at the vendor",
			env:   map[string]string{"ANTHROPIC_BASE_URL": "{proxy}", "ANTHROPIC_API_KEY": "{key}"},
			files: map[string]string{".claude/settings.json": anthropicSettings("https://api.anthropic.com")},
			want:  []string{"claude-code gate/unrouted-endpoint"},
			check: func(t *testing.T, w *world, rep *gate.Report) {
				c := find(t, rep, gate.ToolClaudeCode, gate.Violation)
				if !strings.HasSuffix(c.Source, filepath.Join(".claude", "settings.json")) || c.Endpoint != "https://api.anthropic.com" {
					t.Errorf("claude-code row = %+v", c)
				}
			},
		},
		{
			name:  "local settings beat project settings",
			files: map[string]string{".claude/settings.json": anthropicSettings("https://api.anthropic.com"), ".claude/settings.local.json": anthropicSettings("{proxy}")},
		},
		{
			name: "managed settings beat every other layer",
			files: map[string]string{
				".claude/settings.local.json": anthropicSettings("https://api.anthropic.com"),
				"~/managed.json":              anthropicSettings("{proxy}"),
			},
			opts: func(o *gate.Options) { o.ManagedSettings = []string{filepath.Join(o.Home, "managed.json")} },
		},
		{
			name:  "--settings beats local settings",
			files: map[string]string{".claude/settings.local.json": anthropicSettings("https://api.anthropic.com")},
			opts:  func(o *gate.Options) { o.ClaudeSettings = anthropicSettings(o.Proxy) },
		},
		{
			name:  "user settings override the shell for Claude Code only",
			env:   map[string]string{"ANTHROPIC_BASE_URL": "https://api.anthropic.com"},
			files: map[string]string{"~/.claude/settings.json": anthropicSettings("{proxy}")},
			want:  []string{"anthropic-sdk gate/unrouted-endpoint"},
		},
		{
			name:  "CLAUDE_CONFIG_DIR moves the user settings",
			env:   map[string]string{"CLAUDE_CONFIG_DIR": "{home}/alt"},
			files: map[string]string{"~/alt/settings.json": `{"env": {"ANTHROPIC_API_KEY": "{key}"}}`, "~/.claude/settings.json": anthropicSettings("{proxy}")},
			want:  []string{"claude-code gate/key-without-routing"},
		},
		{
			name:  "apiKeyHelper without a base URL",
			files: map[string]string{"~/.claude/settings.json": `{"apiKeyHelper": "/bin/echo"}`},
			want:  []string{"claude-code gate/key-without-routing"},
		},
		{
			name:  "Claude Code login stored in ~/.claude.json",
			files: map[string]string{"~/.claude.json": `{"numStartups": 3, "oauthAccount": {"emailAddress": "dev@example.com"}}`},
			want:  []string{"claude-code gate/key-without-routing"},
		},
		{
			name:  "Claude Code state without a login",
			files: map[string]string{"~/.claude.json": `{"numStartups": 3, "oauthAccount": null}`},
		},
		{
			name: "Bedrock switch on",
			env:  map[string]string{"ANTHROPIC_BASE_URL": "{proxy}", "CLAUDE_CODE_USE_BEDROCK": "1"},
			want: []string{"claude-code gate/bypass-switch"},
		},
		{
			name:  "Vertex switch and unix socket from user settings",
			files: map[string]string{"~/.claude/settings.json": `{"env": {"CLAUDE_CODE_USE_VERTEX": "true", "ANTHROPIC_UNIX_SOCKET": "/tmp/a.sock"}}`},
			want:  []string{"claude-code gate/bypass-switch"},
			check: func(t *testing.T, w *world, rep *gate.Report) {
				if n := count(rep, gate.RuleBypassSwitch); n != 2 {
					t.Errorf("bypass rows = %d, want 2", n)
				}
			},
		},
		{
			name: "Bedrock switch explicitly off",
			env:  map[string]string{"CLAUDE_CODE_USE_BEDROCK": "0"},
		},
		{
			name: "OpenAI key with no base URL",
			env:  map[string]string{"OPENAI_API_KEY": "{key}"},
			want: []string{"openai-sdk gate/key-without-routing"},
		},
		{
			name:     "OpenAI routed, legacy OPENAI_API_BASE still at the vendor",
			env:      map[string]string{"OPENAI_API_KEY": "{key}", "OPENAI_BASE_URL": "{proxy}/v1", "OPENAI_API_BASE": "https://api.openai.com/v1"},
			want:     []string{"openai-sdk gate/unrouted-endpoint"},
			canaries: []string{"/v1/models"},
		},
		{
			name:     "OpenAI key with only the legacy variable routed",
			env:      map[string]string{"OPENAI_API_KEY": "{key}", "OPENAI_API_BASE": "{proxy}/v1"},
			want:     []string{"openai-sdk gate/key-without-routing"},
			canaries: []string{"/v1/models"},
		},
		{
			name: "Anthropic key with only LangChain's variable routed",
			env:  map[string]string{"ANTHROPIC_API_KEY": "{key}", "ANTHROPIC_API_URL": "{proxy}", "ANTHROPIC_BASE_URL": ""},
			// Claude Code reads only ANTHROPIC_BASE_URL, so it has a key
			// and no base URL too.
			want: []string{"anthropic-sdk gate/key-without-routing", "claude-code gate/key-without-routing"},
		},
		{
			name: "Azure endpoint at the vendor",
			env:  map[string]string{"AZURE_OPENAI_ENDPOINT": "https://example-resource.openai.azure.com", "AZURE_OPENAI_API_KEY": "{key}"},
			want: []string{"azure-openai gate/unrouted-endpoint"},
		},
		{
			name: "Gemini key without base URL",
			env:  map[string]string{"GEMINI_API_KEY": "{key}"},
			want: []string{"gemini gate/key-without-routing"},
		},
		{
			name:     "Gemini routed",
			env:      map[string]string{"GEMINI_API_KEY": "{key}", "GOOGLE_GEMINI_BASE_URL": "{proxy}"},
			canaries: []string{"/v1beta/models"},
		},
		{
			name:  "Gemini CLI .gemini/.env key",
			files: map[string]string{".gemini/.env": "GEMINI_API_KEY={key}\n"},
			want:  []string{"gemini gate/key-without-routing"},
		},
		{
			name:     "Copilot CLI BYOK routed",
			env:      map[string]string{"COPILOT_PROVIDER_BASE_URL": "{proxy}/v1", "COPILOT_MODEL": "m", "COPILOT_PROVIDER_API_KEY": "{key}"},
			canaries: []string{"/v1/models"},
		},
		{
			name: "Copilot CLI model without BYOK base URL",
			env:  map[string]string{"COPILOT_MODEL": "m"},
			want: []string{"copilot-cli gate/key-without-routing"},
		},
		{
			name: "Codex provider pointed at the proxy",
			files: map[string]string{"~/.codex/config.toml": `model_provider = "pretense"
[model_providers.pretense]
name = "Pretense"
base_url = "{proxy}/v1"
env_key = "OPENAI_API_KEY"
wire_api = "responses"
`},
			env:      map[string]string{"OPENAI_BASE_URL": "{proxy}/v1", "OPENAI_API_KEY": "{key}"},
			canaries: []string{"/v1/models"},
			check: func(t *testing.T, w *world, rep *gate.Report) {
				if got := verdictOf(rep, gate.ToolCodex); !slices.Equal(got, []gate.Verdict{gate.Routed}) {
					t.Errorf("codex verdicts = %v", got)
				}
			},
		},
		{
			name: "Codex profile selects a vendor provider via CODEX_HOME",
			env:  map[string]string{"CODEX_HOME": "{home}/codex"},
			files: map[string]string{"~/codex/config.toml": `model_provider = "pretense"
profile = "fast"
[profiles.fast]
model_provider = "direct"
[model_providers.pretense]
base_url = "{proxy}/v1"
[model_providers.direct]
base_url = "https://api.openai.com/v1"
`},
			want: []string{"codex gate/unrouted-endpoint"},
			check: func(t *testing.T, w *world, rep *gate.Report) {
				c := find(t, rep, gate.ToolCodex, gate.Violation)
				if !strings.Contains(c.Setting, "direct") || !strings.Contains(c.Setting, "selected") {
					t.Errorf("codex violation = %+v", c)
				}
			},
		},
		{
			name:  "Codex built-in openai provider with a key",
			env:   map[string]string{"OPENAI_API_KEY": "{key}"},
			files: map[string]string{"~/.codex/config.toml": `model = "gpt-5"` + "\n"},
			want:  []string{"codex gate/key-without-routing", "openai-sdk gate/key-without-routing"},
		},
		{
			name:  "Codex ChatGPT login",
			files: map[string]string{"~/.codex/auth.json": `{"OPENAI_API_KEY": null, "tokens": {"id_token": "x"}}`},
			want:  []string{"codex gate/bypass-switch"},
		},
		{
			name:  "Codex overriding the built-in openai table is not honoured",
			files: map[string]string{"~/.codex/config.toml": "[model_providers.openai]\nbase_url = \"{proxy}/v1\"\n"},
			want:  []string{"codex gate/unrouted-endpoint"},
		},
		{
			name:  "Codex with a local ollama provider",
			files: map[string]string{"~/.codex/config.toml": "model_provider = \"ollama\"\n"},
			check: func(t *testing.T, w *world, rep *gate.Report) {
				if got := verdictOf(rep, gate.ToolCodex); !slices.Equal(got, []gate.Verdict{gate.Local}) {
					t.Errorf("codex verdicts = %v", got)
				}
			},
		},
		{
			name:     "Aider config routed",
			files:    map[string]string{".aider.conf.yml": "openai-api-base: {proxy}/v1\nopenai-api-key: {key}\nmodel: openai/gpt-4o\n"},
			canaries: []string{"/v1/models"},
		},
		{
			name:  "Aider env option beats the config file",
			env:   map[string]string{"AIDER_OPENAI_API_BASE": "https://api.openai.com/v1"},
			files: map[string]string{"~/.aider.conf.yml": "openai-api-base: {proxy}/v1\nopenai-api-key: {key}\n"},
			want:  []string{"aider gate/unrouted-endpoint"},
		},
		{
			name:  "Aider loads .env with override",
			env:   map[string]string{"ANTHROPIC_BASE_URL": "{proxy}", "AIDER_MODEL": "sonnet"},
			files: map[string]string{".env": "ANTHROPIC_API_BASE=https://api.anthropic.com\nANTHROPIC_API_KEY={key}\n"},
			want:  []string{"aider gate/unrouted-endpoint", "anthropic-sdk gate/unrouted-endpoint"},
		},
		{
			name:  "Aider set-env and api-key lists",
			files: map[string]string{".aider.conf.yml": "set-env:\n  - ANTHROPIC_API_BASE={proxy}\napi-key:\n  - anthropic={key}\n"},
		},
		{
			name:     "Continue model routed, one local, one at the vendor",
			files:    map[string]string{"~/.continue/config.yaml": "models:\n  - name: claude\n    provider: anthropic\n    model: m\n    apiBase: {proxy}\n  - name: local\n    provider: ollama\n    model: q\n  - name: gpt\n    provider: openai\n    model: g\n"},
			want:     []string{"continue gate/unrouted-endpoint"},
			canaries: []string{"/v1/models"},
		},
		{
			name:  "Continue legacy config.json and hub blocks",
			files: map[string]string{"~/.continue/config.json": `{"models": [{"title": "a", "provider": "openai", "model": "g", "apiBase": "{proxy}/v1"}], "tabAutocompleteModel": {"title": "t", "provider": "mistral", "model": "c"}}`},
			want:  []string{"continue gate/unrouted-endpoint"},
		},
		{
			name: "Continue workspace model blocks",
			files: map[string]string{
				".continue/models/proxy.yaml":  "name: b\nversion: 1\nmodels:\n  - name: p\n    provider: openai\n    model: g\n    apiBase: {proxy}/v1\n",
				".continue/models/direct.yml":  "models:\n  - name: d\n    provider: anthropic\n    model: c\n    apiBase: https://api.anthropic.com/v1\n",
				".continue/models/broken.yaml": "models: [\n",
			},
			want: []string{"continue gate/unreadable-config", "continue gate/unrouted-endpoint"},
		},
		{
			name:  "Continue hub block cannot be verified",
			files: map[string]string{"~/.continue/config.yaml": "models:\n  - uses: someone/claude-block\n"},
			want:  []string{"continue gate/unverifiable-endpoint"},
		},
		{
			name:  "dotenv key in the repository",
			files: map[string]string{".env.local": "export OPENAI_API_KEY=\"{key}\"\n"},
			want:  []string{"openai-sdk gate/key-without-routing"},
			check: func(t *testing.T, w *world, rep *gate.Report) {
				c := find(t, rep, gate.ToolOpenAISDK, gate.Violation)
				if c.Source != filepath.Join(w.work, ".env.local") {
					t.Errorf("source = %q", c.Source)
				}
			},
		},
		{
			name:  "dotenv vendor base shadowed by a routed environment",
			env:   map[string]string{"OPENAI_BASE_URL": "{proxy}/v1"},
			files: map[string]string{".env": "OPENAI_BASE_URL=https://api.openai.com/v1\n", ".env.example": "OPENAI_API_KEY=placeholder\n"},
			want:  []string{"openai-sdk gate/unrouted-endpoint"},
		},
		{
			name: "HTTPS_PROXY set without loopback in NO_PROXY",
			env:  map[string]string{"ANTHROPIC_BASE_URL": "{proxy}", "HTTPS_PROXY": "http://corp-proxy.example:3128", "NO_PROXY": ".internal.example"},
			want: []string{"anthropic-sdk gate/proxy-var-no-loopback", "claude-code gate/proxy-var-no-loopback"},
		},
		{
			name: "HTTPS_PROXY set, loopback in both NO_PROXY cases",
			env:  map[string]string{"ANTHROPIC_BASE_URL": "{proxy}", "https_proxy": "http://corp-proxy.example:3128", "NO_PROXY": "localhost,127.0.0.1,::1", "no_proxy": "127.0.0.0/8"},
		},
		{
			name: "no_proxy covers loopback but NO_PROXY does not",
			env:  map[string]string{"ANTHROPIC_BASE_URL": "{proxy}", "HTTP_PROXY": "http://corp-proxy.example:3128", "NO_PROXY": "example.com", "no_proxy": "*"},
			want: []string{"anthropic-sdk gate/proxy-var-no-loopback", "claude-code gate/proxy-var-no-loopback"},
		},
		{
			name: "HTTPS_PROXY pointed at the proxy port is not routing",
			env:  map[string]string{"HTTPS_PROXY": "{proxy}", "ANTHROPIC_API_KEY": "{key}"},
			want: []string{"anthropic-sdk gate/key-without-routing", "claude-code gate/key-without-routing", "proxy-variables gate/proxy-var-tunnel"},
		},
		{
			name: "HTTP_PROXY at the proxy port is not a tunnel for https clients",
			env:  map[string]string{"ANTHROPIC_BASE_URL": "{proxy}", "HTTP_PROXY": "{proxy}", "NO_PROXY": "127.0.0.1"},
		},
		{
			name:  "malformed dotenv names the file",
			files: map[string]string{".env": "OPENAI_API_KEY=\"unterminated\n"},
			want:  []string{"dotenv gate/unreadable-config"},
			check: wantReason(".env", "parse"),
		},
		{
			name:  "proxy configured but not running",
			env:   map[string]string{"ANTHROPIC_BASE_URL": "{down}"},
			proxy: "down",
			want:  []string{"anthropic-sdk gate/canary", "claude-code gate/canary", "pretense-proxy gate/proxy-health"},
			check: func(t *testing.T, w *world, rep *gate.Report) {
				c := find(t, rep, gate.ToolProxy, gate.Violation)
				if !strings.Contains(c.Reason, "not running") {
					t.Errorf("health reason = %q, want it to say not running", c.Reason)
				}
			},
		},
		{
			name:  "base URL at a server that is not Pretense",
			env:   map[string]string{"OPENAI_BASE_URL": "{other}/v1", "OPENAI_API_KEY": "{key}"},
			proxy: "other",
			want:  []string{"openai-sdk gate/canary", "pretense-proxy gate/proxy-health"},
		},
		{
			name: "base URL at another loopback port",
			env:  map[string]string{"ANTHROPIC_BASE_URL": "{other}"},
			want: []string{"anthropic-sdk gate/unrouted-endpoint", "claude-code gate/unrouted-endpoint"},
		},
		{
			name:    "proxy runs a weaker phi mode than required",
			env:     map[string]string{"ANTHROPIC_BASE_URL": "{proxy}"},
			phiMode: "standard",
			opts:    func(o *gate.Options) { o.RequirePHIMode = "strict" },
			want:    []string{"pretense-proxy gate/proxy-health"},
		},
		{
			name:    "proxy runs the required phi mode",
			env:     map[string]string{"ANTHROPIC_BASE_URL": "{proxy}"},
			phiMode: "strict",
			opts:    func(o *gate.Options) { o.RequirePHIMode = "standard"; o.RequireMutationPolicy = "phi" },
		},
		{
			name:  "a required policy probes the proxy even with nothing routed",
			proxy: "down",
			opts:  func(o *gate.Options) { o.RequirePHIMode = "standard" },
			want:  []string{"pretense-proxy gate/proxy-health"},
		},
		{
			name:     "offline skips the probe and says so",
			env:      map[string]string{"ANTHROPIC_BASE_URL": "{proxy}"},
			opts:     func(o *gate.Options) { o.Offline = true },
			canaries: []string{},
			check: func(t *testing.T, w *world, rep *gate.Report) {
				if rep.Probed || !strings.Contains(rep.ProbeNote, "--offline") {
					t.Errorf("probed=%v note=%q", rep.Probed, rep.ProbeNote)
				}
				var b bytes.Buffer
				if err := rep.WriteText(&b); err != nil || !strings.Contains(b.String(), "skipped (--offline)") {
					t.Errorf("text output does not say the probe was skipped: %v\n%s", err, b.String())
				}
			},
		},
		{
			name:  "malformed Claude settings names the file",
			files: map[string]string{".claude/settings.json": "{\n  \"env\": {\"ANTHROPIC_BASE_URL\": }\n}\n"},
			want:  []string{"claude-code gate/unreadable-config"},
			check: wantReason(filepath.Join(".claude", "settings.json"), "parse: line 2, column 33"),
		},
		{
			name:  "Claude settings env value of the wrong type",
			files: map[string]string{"~/.claude/settings.json": `{"env": {"ANTHROPIC_BASE_URL": {"url": "x"}}}`},
			want:  []string{"claude-code gate/unreadable-config"},
			check: wantReason("settings.json", "env.ANTHROPIC_BASE_URL"),
		},
		{
			name:  "malformed Codex config names the file and line",
			files: map[string]string{"~/.codex/config.toml": "model_provider = \"x\"\n[model_providers.x\nbase_url = 1\n"},
			want:  []string{"codex gate/unreadable-config"},
			check: wantReason("config.toml", "parse: line 3"),
		},
		{
			name:  "malformed Aider config names the file",
			files: map[string]string{".aider.conf.yml": "openai-api-base: [unclosed\n"},
			want:  []string{"aider gate/unreadable-config"},
			check: wantReason(".aider.conf.yml", "yaml"),
		},
		{
			name:  "malformed Continue config names the file",
			files: map[string]string{"~/.continue/config.json": `{"models": [`},
			want:  []string{"continue gate/unreadable-config"},
			check: wantReason("config.json", "unexpected end"),
		},
		{
			name:  "unreadable settings path (a directory)",
			files: map[string]string{".claude/settings.local.json/x": "{}"},
			want:  []string{"claude-code gate/unreadable-config"},
			check: wantReason("settings.local.json", "directory"),
		},
	}
	runScenarios(t, tests)
}

// runScenarios runs each scenario in its own world, in parallel: the
// violations must be exactly want, Passed must agree, the fake proxy must
// have seen canaries on exactly canaries (when given) and never a
// credential, and no format may contain the API key.
func runScenarios(t *testing.T, tests []scenario) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, tc.phiMode)
			w.write(t, tc.files)
			opts := w.options(tc.env, tc.proxy)
			if tc.opts != nil {
				tc.opts(&opts)
			}
			rep, err := gate.Run(context.Background(), opts)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			got := violations(rep)
			if !slices.Equal(got, tc.want) {
				t.Errorf("violations = %q, want %q\n%s", got, tc.want, text(rep))
			}
			if rep.Passed() != (len(tc.want) == 0) {
				t.Errorf("Passed() = %v with violations %q", rep.Passed(), got)
			}
			if tc.canaries != nil {
				if got := canaries(w.fake); !slices.Equal(got, tc.canaries) && !(len(got) == 0 && len(tc.canaries) == 0) {
					t.Errorf("fake proxy saw canaries on %q, want %q", got, tc.canaries)
				}
			}
			for _, r := range w.fake.Requests() {
				if r.Credential {
					t.Errorf("a probe carried a credential to %s", r.Path)
				}
			}
			var js bytes.Buffer
			if err := rep.WriteJSON(&js); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(js.String()+text(rep), w.key) {
				t.Errorf("report contains the API key value")
			}
			if tc.check != nil {
				tc.check(t, w, rep)
			}
		})
	}
}

func text(rep *gate.Report) string {
	var b bytes.Buffer
	_ = rep.WriteText(&b)
	return b.String()
}

func find(t *testing.T, rep *gate.Report, tool string, v gate.Verdict) gate.Check {
	t.Helper()
	for _, c := range rep.Checks {
		if c.Tool == tool && c.Verdict == v {
			return c
		}
	}
	t.Fatalf("no %s row for %s:\n%s", v, tool, text(rep))
	return gate.Check{}
}

func count(rep *gate.Report, rule string) int {
	n := 0
	for _, c := range rep.Checks {
		if c.Rule == rule {
			n++
		}
	}
	return n
}

// wantReason checks the unreadable-config row names the file and says
// what is wrong.
func wantReason(file, detail string) func(*testing.T, *world, *gate.Report) {
	return func(t *testing.T, w *world, rep *gate.Report) {
		t.Helper()
		for _, c := range rep.Checks {
			if c.Rule == gate.RuleUnreadableConfig {
				if !strings.Contains(c.Reason, file) || !strings.Contains(c.Reason, detail) || !strings.Contains(c.Source, file) {
					t.Errorf("reason %q (source %q) should name %q and say %q", c.Reason, c.Source, file, detail)
				}
				return
			}
		}
		t.Errorf("no unreadable-config row")
	}
}

func TestBadOptions(t *testing.T) {
	w := newWorld(t, "")
	for name, mutate := range map[string]func(*gate.Options){
		"non-loopback proxy":  func(o *gate.Options) { o.Proxy = "http://10.0.0.1:9339" },
		"https proxy":         func(o *gate.Options) { o.Proxy = "https://127.0.0.1:9339" },
		"unparsable proxy":    func(o *gate.Options) { o.Proxy = "http://[::1" },
		"no working dir":      func(o *gate.Options) { o.WorkDir = "" },
		"unknown phi mode":    func(o *gate.Options) { o.RequirePHIMode = "paranoid" },
		"unknown policy mode": func(o *gate.Options) { o.RequireMutationPolicy = "none" },
	} {
		t.Run(name, func(t *testing.T) {
			opts := w.options(nil, "")
			mutate(&opts)
			if _, err := gate.Run(context.Background(), opts); !errors.Is(err, gate.ErrUsage) {
				t.Errorf("err = %v, want ErrUsage", err)
			}
		})
	}
}

func TestProbeCancelled(t *testing.T) {
	w := newWorld(t, "")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := gate.Run(ctx, w.options(map[string]string{"ANTHROPIC_BASE_URL": "{proxy}"}, ""))
	if !errors.Is(err, gate.ErrProbe) {
		t.Fatalf("err = %v, want ErrProbe", err)
	}
}

func TestProbeDoesNotFollowRedirects(t *testing.T) {
	w := newWorld(t, "")
	hits := 0
	vendor := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits++ }))
	defer vendor.Close()
	redirect := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		http.Redirect(rw, r, vendor.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer redirect.Close()
	opts := w.options(map[string]string{"ANTHROPIC_BASE_URL": redirect.URL}, "")
	opts.Proxy = redirect.URL
	rep, err := gate.Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Passed() || hits != 0 {
		t.Errorf("passed=%v, redirect target hit %d times", rep.Passed(), hits)
	}
}

func TestRedactsURLs(t *testing.T) {
	w := newWorld(t, "")
	opts := w.options(map[string]string{"OPENAI_BASE_URL": "https://user:{key}@gateway.example/v1?key={key}"}, "")
	rep, err := gate.Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	c := find(t, rep, gate.ToolOpenAISDK, gate.Violation)
	if c.Endpoint != "https://gateway.example/v1" {
		t.Errorf("endpoint = %q", c.Endpoint)
	}
}
