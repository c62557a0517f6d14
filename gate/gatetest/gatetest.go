// Package gatetest provides loopback test servers for the gate: a fake
// Pretense proxy that implements the /health and canary contract, and a
// server that is not Pretense. Tests only; nothing here reaches the network.
package gatetest

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// Request is what the fake proxy saw.
type Request struct {
	Method, Path, Canary string
	// Credential is true when the request carried an Authorization,
	// x-api-key or api-key header; the gate's probes never should.
	Credential bool
}

// FakeProxy answers like `pretense proxy`: GET /health identifies it, any
// request with X-Pretense-Canary is echoed, and nothing is forwarded.
type FakeProxy struct {
	*httptest.Server
	mu       sync.Mutex
	requests []Request
}

// NewFakeProxy starts a fake proxy on 127.0.0.1 reporting phiMode and
// policy in /health; it is closed when the test ends.
func NewFakeProxy(t testing.TB, phiMode, policy string) *FakeProxy {
	t.Helper()
	f := &FakeProxy{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.requests = append(f.requests, Request{
			Method: r.Method, Path: r.URL.Path, Canary: r.Header.Get("X-Pretense-Canary"),
			Credential: r.Header.Get("Authorization") != "" || r.Header.Get("X-Api-Key") != "" || r.Header.Get("Api-Key") != "",
		})
		f.mu.Unlock()
		w.Header().Set("X-Pretense-Session", "fake-session")
		w.Header().Set("X-Pretense-Mutations", "0")
		w.Header().Set("Content-Type", "application/json")
		if nonce := r.Header.Get("X-Pretense-Canary"); nonce != "" {
			w.Header().Set("X-Pretense-Canary", nonce)
			_ = json.NewEncoder(w).Encode(map[string]any{"pretense": true, "canary": nonce})
			return
		}
		if r.Method == http.MethodGet && r.URL.Path == "/health" {
			_ = json.NewEncoder(w).Encode(map[string]string{
				"service": "pretense-proxy", "version": "test", "phiMode": phiMode,
				"mutationPolicy": policy, "session": "fake-session",
			})
			return
		}
		// A real proxy would forward; the fake has no upstream.
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte(`{"error":"fake proxy has no upstream"}`))
	}))
	t.Cleanup(f.Close)
	return f
}

// Requests returns a copy of what the fake proxy has seen.
func (f *FakeProxy) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Request(nil), f.requests...)
}

// NewOtherServer starts a loopback server that answers 200 with JSON to
// everything, like an API or gateway that is not Pretense.
func NewOtherServer(t testing.TB) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"service":"litellm","ok":true}`))
	}))
	t.Cleanup(s.Close)
	return s
}

// ClosedURL returns http://127.0.0.1:<port> for a port nothing listens on.
func ClosedURL(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	return "http://" + addr
}
