package full

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pretense/pretense/gate/gatetest"
	"github.com/pretense/pretense/internal/cli"
)

// gateEnv gives the test its own HOME and project directory and clears
// every variable the gate reads, so the runner's environment cannot leak
// into the result. It returns the project directory.
func gateEnv(t *testing.T, env map[string]string) string {
	t.Helper()
	root := t.TempDir()
	home, work := filepath.Join(root, "home"), filepath.Join(root, "work")
	for _, d := range []string{home, filepath.Join(work, ".git")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		up := strings.ToUpper(k)
		for _, p := range []string{"ANTHROPIC_", "OPENAI_", "AZURE_OPENAI", "GEMINI_", "GOOGLE_", "CLAUDE_", "CODEX_", "AIDER_", "COPILOT_", "PRETENSE_"} {
			if strings.HasPrefix(up, p) {
				t.Setenv(k, "")
			}
		}
		if strings.HasSuffix(up, "_PROXY") {
			t.Setenv(k, "")
		}
	}
	t.Setenv("HOME", home)
	for k, v := range env {
		t.Setenv(k, v)
	}
	return work
}

// runGate runs `pretense gate` in-process with args after the defaults
// that keep it inside the test's directories.
func runGate(t *testing.T, ctx context.Context, work string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	full := append([]string{"gate", "--dir", work, "--claude-managed-settings", filepath.Join(work, "no-managed.json")}, args...)
	code := Run(ctx, full, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestGateCommandExitCodes(t *testing.T) {
	tests := []struct {
		name     string
		env      func(fake, down string) map[string]string
		args     func(fake, down string) []string
		want     int
		wantOut  string
		wantErr  string
		cancel   bool
		jsonPass *bool
	}{
		{
			name:    "routed through a running proxy",
			env:     func(fake, _ string) map[string]string { return map[string]string{"ANTHROPIC_BASE_URL": fake} },
			args:    func(fake, _ string) []string { return []string{"--proxy", fake} },
			want:    cli.ExitClean,
			wantOut: "gate: pass",
		},
		{
			name:    "nothing configured",
			want:    cli.ExitClean,
			wantOut: "gate: pass",
		},
		{
			name:    "OpenAI key without a base URL",
			env:     func(string, string) map[string]string { return map[string]string{"OPENAI_API_KEY": "test-key-0000"} },
			want:    cli.ExitFindings,
			wantOut: "gate/key-without-routing",
		},
		{
			name:     "json output",
			env:      func(string, string) map[string]string { return map[string]string{"OPENAI_API_KEY": "test-key-0000"} },
			args:     func(string, string) []string { return []string{"-f", "json"} },
			want:     cli.ExitFindings,
			jsonPass: new(bool),
		},
		{
			name:    "proxy not running",
			env:     func(_, down string) map[string]string { return map[string]string{"OPENAI_BASE_URL": down + "/v1"} },
			args:    func(_, down string) []string { return []string{"--proxy", down} },
			want:    cli.ExitFindings,
			wantOut: "proxy is not running",
		},
		{
			name:    "offline says so",
			env:     func(_, down string) map[string]string { return map[string]string{"OPENAI_BASE_URL": down + "/v1"} },
			args:    func(_, down string) []string { return []string{"--proxy", down, "--offline"} },
			want:    cli.ExitClean,
			wantOut: "skipped (--offline)",
		},
		{
			name: "proxy address from PRETENSE_PROXY_URL",
			env: func(fake, _ string) map[string]string {
				return map[string]string{"ANTHROPIC_BASE_URL": fake, "PRETENSE_PROXY_URL": fake}
			},
			want:    cli.ExitClean,
			wantOut: "gate: pass",
		},
		{
			name:    "required phi mode not met",
			env:     func(fake, _ string) map[string]string { return map[string]string{"ANTHROPIC_BASE_URL": fake} },
			args:    func(fake, _ string) []string { return []string{"--proxy", fake, "--require-phi-mode", "strict"} },
			want:    cli.ExitFindings,
			wantOut: "gate requires at least strict",
		},
		{
			name:    "unknown format",
			args:    func(string, string) []string { return []string{"--format", "xml"} },
			want:    cli.ExitUsage,
			wantErr: "--format",
		},
		{
			name:    "unknown phi mode",
			args:    func(string, string) []string { return []string{"--require-phi-mode", "paranoid"} },
			want:    cli.ExitUsage,
			wantErr: "require-phi-mode",
		},
		{
			name:    "non-loopback proxy address",
			args:    func(string, string) []string { return []string{"--proxy", "http://10.1.2.3:9339"} },
			want:    cli.ExitUsage,
			wantErr: "loopback",
		},
		{
			name:    "missing directory",
			args:    func(string, string) []string { return []string{"--dir", "/nonexistent/pretense-gate-test"} },
			want:    cli.ExitUsage,
			wantErr: "not a directory",
		},
		{
			name:   "probe interrupted",
			env:    func(fake, _ string) map[string]string { return map[string]string{"ANTHROPIC_BASE_URL": fake} },
			args:   func(fake, _ string) []string { return []string{"--proxy", fake} },
			cancel: true,
			want:   cli.ExitRuntime,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fake := gatetest.NewFakeProxy(t, "standard", "phi").URL
			down := gatetest.ClosedURL(t)
			var env map[string]string
			if tc.env != nil {
				env = tc.env(fake, down)
			}
			work := gateEnv(t, env)
			var args []string
			if tc.args != nil {
				args = tc.args(fake, down)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.cancel {
				cancel()
			}
			code, out, errOut := runGate(t, ctx, work, args...)
			if code != tc.want {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.want, out, errOut)
			}
			if !strings.Contains(out, tc.wantOut) {
				t.Errorf("stdout lacks %q:\n%s", tc.wantOut, out)
			}
			if !strings.Contains(errOut, tc.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tc.wantErr, errOut)
			}
			if tc.jsonPass != nil {
				var rep struct {
					Passed     bool `json:"passed"`
					Violations int  `json:"violations"`
				}
				if err := json.Unmarshal([]byte(out), &rep); err != nil {
					t.Fatalf("json: %v\n%s", err, out)
				}
				if rep.Passed != *tc.jsonPass || rep.Violations == 0 {
					t.Errorf("json passed=%v violations=%d", rep.Passed, rep.Violations)
				}
			}
		})
	}
}

// TestGateProxyFromConfig: without --proxy the gate expects the proxy
// where proxy.listen in .pretense.yaml puts it.
func TestGateProxyFromConfig(t *testing.T) {
	fake := gatetest.NewFakeProxy(t, "standard", "phi").URL
	work := gateEnv(t, map[string]string{"ANTHROPIC_BASE_URL": fake})
	listen := strings.TrimPrefix(fake, "http://")
	if err := os.WriteFile(filepath.Join(work, ".pretense.yaml"), []byte("version: 1\nproxy:\n  listen: "+listen+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runGate(t, context.Background(), work)
	if code != cli.ExitClean || !strings.Contains(out, "proxy "+fake) {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	// A config mistake is a usage error naming the file.
	if err := os.WriteFile(filepath.Join(work, ".pretense.yaml"), []byte("version: 1\nproxy:\n  lisen: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runGate(t, context.Background(), work)
	if code != cli.ExitUsage || !strings.Contains(errOut, ".pretense.yaml") {
		t.Fatalf("bad config: exit %d, stderr %s", code, errOut)
	}
}

func TestListenURL(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1:9339": "http://127.0.0.1:9339",
		":9400":          "http://127.0.0.1:9400",
		"[::1]:9339":     "http://[::1]:9339",
		"localhost:1":    "http://localhost:1",
		"":               "http://127.0.0.1:9339",
	} {
		if got := listenURL(in); got != want {
			t.Errorf("listenURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGateCommandSARIFToFile(t *testing.T) {
	work := gateEnv(t, map[string]string{"OPENAI_API_KEY": "test-key-0000"})
	path := filepath.Join(t.TempDir(), "gate.sarif")
	code, out, errOut := runGate(t, context.Background(), work, "-f", "sarif", "-o", path, "--offline")
	if code != cli.ExitFindings {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if out != "" || !strings.Contains(errOut, path) {
		t.Errorf("stdout %q, stderr %q", out, errOut)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var log struct {
		Version string            `json:"version"`
		Runs    []json.RawMessage `json:"runs"`
	}
	if err := json.Unmarshal(b, &log); err != nil || log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("sarif: %v %+v", err, log)
	}
}

func TestGateCommandMalformedSettings(t *testing.T) {
	work := gateEnv(t, nil)
	p := filepath.Join(work, ".claude", "settings.json")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(`{"env": `), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runGate(t, context.Background(), work, "--offline")
	if code != cli.ExitFindings || !strings.Contains(out, ".claude/settings.json") || !strings.Contains(out, "gate/unreadable-config") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
}
