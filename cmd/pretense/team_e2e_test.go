package main

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	crand "crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/pretense/pretense/rules"
)

// These tests run the real `pretense` program (testscript.Main puts this
// test binary on PATH under that name, running run(): the same flag
// parsing, signal handling and wiring as the released binary) as a child
// process, so signals go to a real process and TLS is served by the real
// listener.

// teamEnv is a fresh PRETENSE_HOME, HOME and working directory.
type teamEnv struct {
	dir  string // working directory: .pretense.yaml goes here
	home string // PRETENSE_HOME
	env  []string
}

func newTeamEnv(t *testing.T) *teamEnv {
	t.Helper()
	root := t.TempDir()
	e := &teamEnv{dir: filepath.Join(root, "work"), home: filepath.Join(root, "pretense-home")}
	for _, d := range []string{e.dir, e.home, filepath.Join(root, "home")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	e.env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + filepath.Join(root, "home"), "PRETENSE_HOME=" + e.home,
		"PRETENSE_KEY=test-mutation-key-0123456789abcdef",
	}
	return e
}

// run runs pretense to completion and returns stdout, stderr and the exit code.
func (e *teamEnv) run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command("pretense", args...)
	cmd.Env, cmd.Dir = e.env, e.dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("pretense %v: %v", args, err)
	}
	return out.String(), errb.String(), code
}

// createToken runs `pretense proxy token create` and returns the token:
// the last line of its stdout.
func (e *teamEnv) createToken(t *testing.T, user string) string {
	t.Helper()
	out, errs, code := e.run(t, "proxy", "token", "create", "--user", user)
	if code != 0 {
		t.Fatalf("token create: exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return lines[len(lines)-1]
}

// lockedBuffer collects a child's output while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// proxyProc is a running `pretense proxy`.
type proxyProc struct {
	cmd    *exec.Cmd
	stderr *lockedBuffer
	done   chan struct{}
	err    error
}

// startProxy starts `pretense proxy ARGS...` and waits until check
// succeeds (the listener serves): by then the SIGHUP handler is installed,
// since the proxy installs it before it serves.
func (e *teamEnv) startProxy(t *testing.T, check func() error, args ...string) *proxyProc {
	t.Helper()
	cmd := exec.Command("pretense", append([]string{"proxy"}, args...)...)
	cmd.Env, cmd.Dir = e.env, e.dir
	p := &proxyProc{cmd: cmd, stderr: &lockedBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = io.Discard, p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("proxy stderr:\n%s", p.stderr)
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		err := check()
		if err == nil {
			return p
		}
		select {
		case <-p.done:
			t.Fatalf("proxy exited: %v\n%s", p.err, p.stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("proxy not serving after 20s: %v\n%s", err, p.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop sends SIGTERM and waits for a clean exit.
func (p *proxyProc) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatal("proxy did not exit within 30s of SIGTERM")
	}
	if p.err != nil {
		t.Fatalf("proxy exit: %v\n%s", p.err, p.stderr)
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// recordingUpstream is a fake Anthropic API that records every request
// body. A request whose body asks to stream gets an SSE stream that stops
// after its first text delta until release is closed.
type recordingUpstream struct {
	srv     *httptest.Server
	mu      sync.Mutex
	bodies  []string
	release chan struct{}
	once    sync.Once
}

func newRecordingUpstream(t *testing.T) *recordingUpstream {
	u := &recordingUpstream{release: make(chan struct{})}
	u.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		u.mu.Lock()
		u.bodies = append(u.bodies, string(body))
		u.mu.Unlock()
		if !bytes.Contains(body, []byte(`"stream":true`)) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"id":"msg_1","type":"message","role":"assistant","model":"claude-test","content":[{"type":"text","text":"ok"}],"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":1}}`)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		fl := w.(http.Flusher)
		ev := func(name, data string) { fmt.Fprintf(w, "event: %s\ndata: %s\n\n", name, data); fl.Flush() }
		ev("message_start", `{"type":"message_start","message":{"id":"msg_2","type":"message","role":"assistant","model":"claude-test","content":[],"usage":{"input_tokens":1,"output_tokens":0}}}`)
		ev("content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`)
		ev("content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"first half "}}`)
		select {
		case <-u.release:
		case <-r.Context().Done():
			return
		}
		ev("content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"second half"}}`)
		ev("content_block_stop", `{"type":"content_block_stop","index":0}`)
		ev("message_delta", `{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":2}}`)
		ev("message_stop", `{"type":"message_stop"}`)
	}))
	t.Cleanup(func() { u.releaseStreams(); u.srv.Close() })
	return u
}

func (u *recordingUpstream) releaseStreams() { u.once.Do(func() { close(u.release) }) }

func (u *recordingUpstream) count() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return len(u.bodies)
}

func (u *recordingUpstream) all() string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return strings.Join(u.bodies, "\n")
}

func messagesBody(text string, stream bool) string {
	b, _ := json.Marshal(map[string]any{"model": "claude-test", "max_tokens": 16, "stream": stream,
		"messages": []any{map[string]any{"role": "user", "content": text}}})
	return string(b)
}

// post sends a Messages request with token and returns status and body.
func post(t *testing.T, c *http.Client, url, token, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/v1/messages", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("anthropic-version", "2023-06-01")
	if token != "" {
		req.Header.Set("X-Pretense-Token", token)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("POST: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// scrapeCounter reads one counter from a /metrics endpoint, parsed with
// the Prometheus text parser (-1 when the series does not exist yet).
func scrapeCounter(t *testing.T, url, name, label, value string) float64 {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse %s: %v", url, err)
	}
	for _, m := range fams[name].GetMetric() {
		for _, lp := range m.GetLabel() {
			if lp.GetName() == label && lp.GetValue() == value {
				return m.GetCounter().GetValue()
			}
		}
	}
	return -1
}

// TestProxySIGHUPReload: with the real binary, a user revoked with
// `pretense proxy token revoke` is refused (401, Anthropic's format,
// nothing forwarded) after SIGHUP; an allowlist added to .pretense.yaml
// applies only after SIGHUP; and another user's stream that is open
// across the reload ends normally.
func TestProxySIGHUPReload(t *testing.T) {
	e := newTeamEnv(t)
	up := newRecordingUpstream(t)
	alice := e.createToken(t, "alice@example.org")
	bob := e.createToken(t, "bob@example.org")
	addr, maddr := freePort(t), freePort(t)
	base, metrics := "http://"+addr, "http://"+maddr+"/metrics"
	p := e.startProxy(t, func() error {
		resp, err := http.Get(base + "/health")
		if err == nil {
			resp.Body.Close()
		}
		return err
	}, "--listen", addr, "--metrics-listen", maddr, "--require-auth", "--anthropic-upstream", up.srv.URL, "--drain-timeout", "10s")
	client := &http.Client{Timeout: 20 * time.Second}

	// A secret-shaped value made now, from a rule's own template.
	secret, err := rules.ExpandSample("ghp_{alnum:36}", rand.New(rand.NewPCG(rand.Uint64(), 7)))
	if err != nil {
		t.Fatal(err)
	}
	if code, body := post(t, client, base, alice, messagesBody("hello", false)); code != 200 {
		t.Fatalf("alice before: %d %s", code, body)
	}
	if code, body := post(t, client, base, bob, messagesBody("key "+secret, false)); code != 403 {
		t.Fatalf("a secret before the allowlist: %d %s", code, body)
	}

	// Bob opens a stream; the upstream holds it after its first delta.
	req, _ := http.NewRequest(http.MethodPost, base+"/v1/messages", strings.NewReader(messagesBody("stream please", true)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("anthropic-version", "2023-06-01")
	req.Header.Set("X-Pretense-Token", bob)
	sresp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer sresp.Body.Close()
	if sresp.StatusCode != 200 {
		t.Fatalf("stream: %d", sresp.StatusCode)
	}
	sr := bufio.NewReader(sresp.Body)
	var streamed strings.Builder
	for !strings.Contains(streamed.String(), "first half") {
		line, err := sr.ReadString('\n')
		if err != nil {
			t.Fatalf("stream before the reload: %v (%q)", err, streamed.String())
		}
		streamed.WriteString(line)
	}

	// Revoke alice with the CLI; allowlist the value in the project config.
	if _, errs, code := e.run(t, "proxy", "token", "revoke", "--user", "alice@example.org"); code != 0 {
		t.Fatalf("revoke: %d %s", code, errs)
	}
	cfg := fmt.Sprintf("allowlist:\n  values: ['^%s$']\n", regexp.QuoteMeta(secret))
	if err := os.WriteFile(filepath.Join(e.dir, ".pretense.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	// The config is read at start and on SIGHUP only.
	if code, _ := post(t, client, base, bob, messagesBody("key "+secret, false)); code != 403 {
		t.Fatalf("the allowlist applied before SIGHUP: %d", code)
	}

	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for scrapeCounter(t, metrics, "pretense_config_reloads_total", "result", "ok") < 1 {
		if time.Now().After(deadline) {
			t.Fatalf("no successful reload counted within 10s\n%s", p.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}

	before := up.count()
	code, body := post(t, client, base, alice, messagesBody("hello again", false))
	if code != http.StatusUnauthorized {
		t.Fatalf("revoked alice after SIGHUP: %d %s", code, body)
	}
	var apiErr struct {
		Type  string `json:"type"`
		Error struct {
			Type    string `json:"type"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(body), &apiErr); err != nil || apiErr.Type != "error" || apiErr.Error.Type != "authentication_error" || !strings.Contains(apiErr.Error.Message, "revoked") {
		t.Errorf("401 is not Anthropic's error format: %s (%v)", body, err)
	}
	if up.count() != before || strings.Contains(up.all(), "hello again") {
		t.Error("a revoked user's request reached the upstream")
	}
	if code, body := post(t, client, base, bob, messagesBody("key "+secret, false)); code != 200 {
		t.Errorf("the allowlisted value after SIGHUP: %d %s", code, body)
	}

	// Bob's stream, open across the reload, ends normally.
	up.releaseStreams()
	rest, err := io.ReadAll(sr)
	if err != nil {
		t.Fatalf("stream after the reload: %v", err)
	}
	streamed.Write(rest)
	s := streamed.String()
	if !strings.Contains(s, "second half") || !strings.Contains(s, "event: message_stop") || strings.Contains(s, "event: error") {
		t.Errorf("the stream did not survive the reload:\n%s", s)
	}

	p.stop(t)
	if !strings.Contains(p.stderr.String(), "configuration reloaded") {
		t.Errorf("no reload logged:\n%s", p.stderr)
	}
	// The audit trail names both users and the refusal.
	entries := auditEntries(t, e)
	seen := map[string]int{}
	for _, en := range entries {
		seen[en.User+" "+en.Outcome]++
	}
	for _, want := range []string{"alice@example.org forwarded", "bob@example.org blocked", "bob@example.org forwarded", "unauthenticated failed"} {
		if seen[want] == 0 {
			t.Errorf("no audit entry %q in %v", want, seen)
		}
	}
}

// testCA is a certificate authority made at test time.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newTestCA(t *testing.T, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), crand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(crand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// issue signs a leaf certificate; it returns the certificate and key PEM.
func (ca *testCA) issue(t *testing.T, tmpl *x509.Certificate) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), crand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, err := crand.Int(crand.Reader, big.NewInt(1<<62))
	if err != nil {
		t.Fatal(err)
	}
	tmpl.SerialNumber = serial
	tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	der, err := x509.CreateCertificate(crand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
}

func (ca *testCA) clientCert(t *testing.T, cn, email string) tls.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{Subject: pkix.Name{CommonName: cn}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	if email != "" {
		tmpl.EmailAddresses = []string{email}
	}
	c, k := ca.issue(t, tmpl)
	pair, err := tls.X509KeyPair(c, k)
	if err != nil {
		t.Fatal(err)
	}
	return pair
}

// forcedCert is a client that sends cert whatever CAs the server names:
// Go's client would otherwise withhold a certificate the server's CA list
// does not cover, and the test would not exercise the server's check.
func forcedCert(roots *x509.CertPool, cert tls.Certificate) *http.Client {
	return &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12,
			GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &cert, nil }},
		DisableKeepAlives: true,
	}}
}

// TestProxyMTLS: with --tls-cert/--tls-key/--client-ca and no tokens, a
// client without a certificate, or with one from another CA, is refused
// in the TLS handshake and nothing reaches the upstream; a client with a
// certificate from the CA is served, and the audit entry names the
// certificate's e-mail SAN (or, without one, its CN) as the user.
func TestProxyMTLS(t *testing.T) {
	e := newTeamEnv(t)
	up := newRecordingUpstream(t)
	ca, other := newTestCA(t, "Pretense Test Team CA"), newTestCA(t, "Some Other CA")
	srvCert, srvKey := ca.issue(t, &x509.Certificate{Subject: pkix.Name{CommonName: "proxy.test"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	files := map[string][]byte{"server.pem": srvCert, "server-key.pem": srvKey, "client-ca.pem": ca.pem}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(e.dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca.cert)
	clientWith := func(certs ...tls.Certificate) *http.Client {
		return &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{
			TLSClientConfig:   &tls.Config{RootCAs: roots, Certificates: certs, MinVersion: tls.VersionTLS12},
			DisableKeepAlives: true,
		}}
	}
	carol := clientWith(ca.clientCert(t, "Carol Example", "carol@example.org"))
	dave := clientWith(ca.clientCert(t, "dave-laptop", ""))
	addr := freePort(t)
	base := "https://" + addr
	p := e.startProxy(t, func() error {
		resp, err := carol.Get(base + "/health")
		if err == nil {
			resp.Body.Close()
		}
		return err
	}, "--listen", addr, "--tls-cert", "server.pem", "--tls-key", "server-key.pem", "--client-ca", "client-ca.pem", "--anthropic-upstream", up.srv.URL)

	refused := []struct {
		name   string
		client *http.Client
		alert  string
	}{
		{"no certificate", clientWith(), "certificate required"},
		{"certificate from another CA", forcedCert(roots, other.clientCert(t, "Mallory", "mallory@example.org")), "unknown certificate authority"},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			defer tc.client.CloseIdleConnections()
			req, _ := http.NewRequest(http.MethodPost, base+"/v1/messages", strings.NewReader(messagesBody("refused "+tc.name, false)))
			req.Header.Set("anthropic-version", "2023-06-01")
			resp, err := tc.client.Do(req)
			if err == nil {
				resp.Body.Close()
				t.Fatalf("served with status %d", resp.StatusCode)
			}
			// The handshake fails: the server's alert names the reason.
			if !strings.Contains(err.Error(), "tls: "+tc.alert) {
				t.Errorf("not the TLS alert %q: %v", tc.alert, err)
			}
			t.Logf("refused: %v", err)
			// Plain HTTP to the TLS port is no way around it either.
			if resp, err := http.Post("http://"+addr+"/v1/messages", "application/json", strings.NewReader(messagesBody("plain", false))); err == nil {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode == 200 {
					t.Errorf("plain HTTP served: %s", b)
				}
			}
		})
	}
	if n := up.count(); n != 0 {
		t.Fatalf("%d request(s) reached the upstream from clients without a valid certificate: %s", n, up.all())
	}

	for _, c := range []*http.Client{carol, dave} {
		if code, body := post(t, c, base, "", messagesBody("hello from a certificate", false)); code != 200 {
			t.Fatalf("valid client certificate: %d %s", code, body)
		}
	}
	if n := up.count(); n != 2 {
		t.Fatalf("upstream saw %d requests, want 2", n)
	}
	p.stop(t)

	entries := auditEntries(t, e)
	var users []string
	for _, en := range entries {
		users = append(users, en.User+" "+en.Outcome)
	}
	if want := []string{"carol@example.org forwarded", "dave-laptop forwarded"}; !slices.Equal(users, want) {
		t.Errorf("audit users %q, want %q (refused handshakes never reach HTTP, so they have no entry)", users, want)
	}
}

// auditEntries exports the audit log as JSON and returns who did what.
func auditEntries(t *testing.T, e *teamEnv) []struct{ User, Outcome string } {
	t.Helper()
	out, errs, code := e.run(t, "audit", "--export", "json")
	if code != 0 {
		t.Fatalf("audit export: %d %s", code, errs)
	}
	var entries []struct{ User, Outcome string }
	if err := json.Unmarshal([]byte(out), &entries); err != nil {
		t.Fatal(err)
	}
	return entries
}
