package proxy

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/pretense/pretense/internal/tokens"
)

// scrape GETs url with hdr and parses the body with the Prometheus text
// parser; anything but a 200 with parsable metrics fails t.
func scrape(t *testing.T, url string, hdr map[string]string) map[string]*dto.MetricFamily {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse %s: %v", url, err)
	}
	if _, ok := fams["pretense_requests_total"]; !ok && len(fams) == 0 {
		t.Fatalf("%s: no metric families", url)
	}
	return fams
}

// TestMetricsAuth: who may read /metrics on the API listener. The peer
// address decides "this machine" as it does for API requests; the handler
// is called directly so the test can be a client from another machine.
func TestMetricsAuth(t *testing.T) {
	w := emptyTokens(t)
	tok, _, err := tokens.Create(w.Path(), "prometheus")
	if err != nil {
		t.Fatal(err)
	}
	revoked, _, err := tokens.Create(w.Path(), "gone@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tokens.Revoke(w.Path(), "gone@example.org"); err != nil {
		t.Fatal(err)
	}
	const remote, local = "192.0.2.10:40000", "127.0.0.1:40000"
	for _, tc := range []struct {
		name        string
		requireAuth bool
		peer        string
		hdr         map[string]string
		want        int
	}{
		{"remote without token", false, remote, nil, 401},
		{"remote, bearer token", false, remote, map[string]string{"Authorization": "Bearer " + tok}, 200},
		{"remote, X-Pretense-Token", false, remote, map[string]string{HeaderToken: tok}, 200},
		{"remote, revoked token", false, remote, map[string]string{"Authorization": "Bearer " + revoked}, 401},
		{"remote, not a token", false, remote, map[string]string{"Authorization": "Bearer hunter2"}, 401},
		{"remote, basic auth", false, remote, map[string]string{"Authorization": "Basic cHJvbTpwcm9t"}, 401},
		{"loopback", false, local, nil, 200},
		{"loopback with --require-auth", true, local, nil, 401},
		{"loopback with --require-auth, token", true, local, map[string]string{"Authorization": "Bearer " + tok}, 200},
		{"ipv6 loopback", false, "[::1]:40000", nil, 200},
		{"v4-mapped remote", false, "[::ffff:192.0.2.10]:40000", nil, 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New(Options{Key: testKey, Listen: "0.0.0.0:9339", AllowRemote: true, Team: TeamOptions{Tokens: w, RequireAuth: tc.requireAuth}})
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
			req.RemoteAddr = tc.peer
			for k, v := range tc.hdr {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code != tc.want {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.want, rec.Body)
			}
			if tc.want == 200 {
				p := expfmt.NewTextParser(model.UTF8Validation)
				if _, err := p.TextToMetricFamilies(rec.Body); err != nil {
					t.Fatalf("parse: %v", err)
				}
				return
			}
			// A refusal: the OpenAI-style error body, a Bearer challenge,
			// and no metric in it.
			var e struct {
				Error struct{ Type, Code, Message string }
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code != "invalid_api_key" || !strings.Contains(e.Error.Message, "--metrics-listen") {
				t.Errorf("refusal body %q (%v)", rec.Body, err)
			}
			if got := rec.Header().Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer ") {
				t.Errorf("WWW-Authenticate %q", got)
			}
			if strings.Contains(rec.Body.String(), "pretense_") {
				t.Error("a refusal carries metrics")
			}
			// /health and /ready stay open for probes.
			for _, p := range []string{"/health", "/ready"} {
				req := httptest.NewRequest(http.MethodGet, p, nil)
				req.RemoteAddr = tc.peer
				rec := httptest.NewRecorder()
				s.ServeHTTP(rec, req)
				if rec.Code != 200 {
					t.Errorf("%s: %d", p, rec.Code)
				}
			}
		})
	}
}

// TestOpsHandlerServesMetricsWithoutCredentials: the separate metrics
// listener (--metrics-listen) serves /metrics, /health and /ready to
// anyone who reaches it, and nothing else: an API path there is 404 and
// never reaches the upstream.
func TestOpsHandlerServesMetricsWithoutCredentials(t *testing.T) {
	up := newFakeUpstream(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[{"type":"text","text":"ok"}],"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":1}}`)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{Key: testKey, Listen: ln.Addr().String(), AnthropicUpstream: up.srv.URL, Team: TeamOptions{Tokens: emptyTokens(t), RequireAuth: true}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	defer func() { cancel(); <-done }()
	ops := httptest.NewServer(s.OpsHandler())
	defer ops.Close()

	// The API listener refuses an anonymous scrape; the ops one answers.
	resp, err := http.Get("http://" + ln.Addr().String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("API listener /metrics without a token: %d", resp.StatusCode)
	}
	fams := scrape(t, ops.URL+"/metrics", nil)
	if f := fams["pretense_auth_failures_total"]; f == nil || len(f.GetMetric()) == 0 || f.GetMetric()[0].GetCounter().GetValue() != 1 {
		t.Errorf("the refused scrape is not counted: %v", f)
	}
	for path, want := range map[string]int{"/health": 200, "/ready": 200, "/v1/messages": 404, "/": 404} {
		req, _ := http.NewRequest(http.MethodPost, ops.URL+path, strings.NewReader(`{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}`))
		if path == "/health" || path == "/ready" {
			req.Method = http.MethodGet
		}
		req.Header.Set("anthropic-version", "2023-06-01")
		resp, err := ops.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, resp.StatusCode, want)
		}
	}
	if n := len(up.requests()); n != 0 {
		t.Errorf("the ops listener forwarded %d request(s)", n)
	}
}
