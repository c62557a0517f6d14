package full

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pretense/pretense/internal/cli"
)

// lockedBuffer is a bytes.Buffer safe to read while the command writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// proxyEnv isolates the command from the machine: its own PRETENSE_HOME,
// no key or upstream from the environment, and a project directory.
func proxyEnv(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("PRETENSE_HOME", home)
	for _, k := range []string{"PRETENSE_KEY", "PRETENSE_ANTHROPIC_UPSTREAM", "PRETENSE_OPENAI_UPSTREAM", "PRETENSE_LISTEN",
		"PRETENSE_PHI_MODE", "PRETENSE_MUTATION_POLICY", "PRETENSE_AUDIT_SINK", "PRETENSE_AUDIT_DIR", "PRETENSE_CONFIG", "PRETENSE_IDLE_TIMEOUT",
		"PRETENSE_BEDROCK_UPSTREAM", "PRETENSE_VERTEX_UPSTREAM", "PRETENSE_AZURE_OPENAI_UPSTREAM", "PRETENSE_GEMINI_UPSTREAM"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Chdir(t.TempDir())
	return home
}

// freeAddr returns a loopback address with a port that was free a moment
// ago (configuration rejects port 0).
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:9339")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

var listenRE = regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)

func TestProxyCommandServesAndAudits(t *testing.T) {
	home := proxyEnv(t)
	var upstreamBody []byte
	var mu sync.Mutex
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		upstreamBody = b
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"msg_1","type":"message","role":"assistant","content":[{"type":"text","text":%q}],"stop_reason":"end_turn"}`, "ok")
	}))
	defer up.Close()
	t.Setenv("PRETENSE_ANTHROPIC_UPSTREAM", up.URL)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"proxy", "--listen", freeAddr(t), "--idle-timeout", "30s"}, strings.NewReader(""), &stdout, &stderr)
	}()

	var base string
	for deadline := time.Now().Add(10 * time.Second); base == ""; {
		if m := listenRE.FindStringSubmatch(stderr.String()); m != nil {
			base = m[1]
			break
		}
		select {
		case code := <-done:
			t.Fatalf("proxy exited early with %d:\n%s", code, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("proxy did not start:\n%s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}

	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	resp, err := client.Get(base + "/health")
	if err != nil {
		t.Fatal(err)
	}
	health, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(health), `"service":"pretense-proxy"`) || !strings.Contains(string(health), `"phiMode":"standard"`) {
		t.Errorf("health: %s", health)
	}

	body := `{"model":"m","max_tokens":10,"messages":[{"role":"user","content":"rename dateOfBirth in PatientRecord"}]}`
	req, _ := http.NewRequest(http.MethodPost, base+"/v1/messages", strings.NewReader(body))
	req.Header.Set("x-api-key", "test-key-not-a-secret")
	req.Header.Set("anthropic-version", "2023-06-01")
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("X-Pretense-Mutations") == "0" {
		t.Errorf("status %d, mutations %q: %s", resp.StatusCode, resp.Header.Get("X-Pretense-Mutations"), out)
	}
	mu.Lock()
	sent := string(upstreamBody)
	mu.Unlock()
	if strings.Contains(sent, "dateOfBirth") || strings.Contains(sent, "PatientRecord") {
		t.Errorf("upstream saw an original identifier: %s", sent)
	}

	cancel()
	select {
	case code := <-done:
		if code != cli.ExitClean {
			t.Errorf("exit %d after shutdown:\n%s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("proxy did not shut down")
	}
	if strings.Contains(stderr.String(), "test-key-not-a-secret") {
		t.Error("the API key appeared in the log")
	}
	logs, _ := filepath.Glob(filepath.Join(home, "audit", "audit-*.jsonl"))
	if len(logs) == 0 {
		t.Fatalf("no audit segment in %s", filepath.Join(home, "audit"))
	}
	data, _ := os.ReadFile(logs[0])
	if !strings.Contains(string(data), `"outcome":"forwarded"`) || strings.Contains(string(data), "dateOfBirth") {
		t.Errorf("audit log: %s", data)
	}
	if _, err := os.Stat(filepath.Join(home, "key")); err != nil {
		t.Errorf("key not created: %v", err)
	}
}

func TestProxyCommandUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"remote listen", []string{"proxy", "--listen", "0.0.0.0:9339"}, "--allow-remote"},
		{"bad upstream", []string{"proxy", "--listen", "127.0.0.1:9339", "--anthropic-upstream", "ftp://example.invalid"}, "anthropic"},
		{"bad phi mode", []string{"proxy", "--phi-mode=loud"}, "phi-mode"},
		{"bad bedrock upstream", []string{"proxy", "--listen", "127.0.0.1:9339", "--bedrock-upstream", "ftp://example.invalid"}, "bedrock"},
		{"bad policy", []string{"proxy", "--listen", "127.0.0.1:9339", "--policy", "some"}, "polic"},
		{"bad sink", []string{"proxy", "--audit-sink", "printer"}, "audit-sink"},
		{"bad attachments", []string{"proxy", "--attachments", "maybe"}, "attachments"},
		{"remote metrics listen", []string{"proxy", "--listen", "127.0.0.1:9339", "--metrics-listen", "0.0.0.0:0"}, "--allow-remote"},
		{"bad metrics listen", []string{"proxy", "--listen", "127.0.0.1:9339", "--metrics-listen", "9090"}, "--metrics-listen"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			proxyEnv(t)
			var stdout, stderr bytes.Buffer
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			code := Run(ctx, tc.args, strings.NewReader(""), &stdout, &stderr)
			if code != cli.ExitUsage {
				t.Fatalf("exit %d, want %d\n%s", code, cli.ExitUsage, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("stderr does not mention %q:\n%s", tc.want, stderr.String())
			}
		})
	}
}

func TestProxyCommandAliasStart(t *testing.T) {
	proxyEnv(t)
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), []string{"start", "--help"}, strings.NewReader(""), &stdout, &stderr)
	if code != cli.ExitClean || !strings.Contains(stdout.String(), "ANTHROPIC_BASE_URL") {
		t.Errorf("start --help: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
}
