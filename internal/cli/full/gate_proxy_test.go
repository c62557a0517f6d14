package full

import (
	"context"
	"crypto/rand"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pretense/pretense/internal/cli"
	"github.com/pretense/pretense/proxy"
)

// TestGateAgainstRealProxy starts the real proxy on a random loopback port
// in front of a fake upstream and runs `pretense gate` against it: the gate
// must pass, and the upstream must see nothing (canaries are answered by
// the proxy, never forwarded).
func TestGateAgainstRealProxy(t *testing.T) {
	var upstreamHits atomic.Int64
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		upstreamHits.Add(1)
		w.WriteHeader(http.StatusTeapot)
	}))
	defer upstream.Close()

	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := proxy.New(proxy.Options{
		Listen:            ln.Addr().String(),
		AnthropicUpstream: upstream.URL,
		OpenAIUpstream:    upstream.URL + "/v1",
		Key:               key,
		Version:           "test",
	})
	if err != nil {
		t.Fatalf("proxy.New: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	defer func() {
		cancel()
		if err := <-served; err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("serve: %v", err)
		}
		_ = srv.Close()
	}()

	base := "http://" + ln.Addr().String()
	work := gateEnv(t, map[string]string{
		"ANTHROPIC_BASE_URL":        base,
		"ANTHROPIC_API_KEY":         "test-key-0000",
		"OPENAI_BASE_URL":           base + "/v1",
		"OPENAI_API_KEY":            "test-key-0000",
		"COPILOT_PROVIDER_BASE_URL": base + "/v1",
	})
	code, out, errOut := runGate(t, context.Background(), work, "--proxy", base, "-f", "text")
	if code != cli.ExitClean {
		t.Fatalf("exit %d against the real proxy\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "pretense-proxy") || !strings.Contains(out, "gate: pass") {
		t.Errorf("output:\n%s", out)
	}
	// The proxy runs phi mode standard by default: requiring strict fails,
	// which shows the verdict comes from what /health said.
	if code, out, _ := runGate(t, context.Background(), work, "--proxy", base, "--require-phi-mode", "strict"); code != cli.ExitFindings || !strings.Contains(out, "gate/proxy-health") {
		t.Errorf("--require-phi-mode strict: exit %d\n%s", code, out)
	}
	if n := upstreamHits.Load(); n != 0 {
		t.Errorf("upstream received %d requests; canaries must never leave the proxy", n)
	}
}
