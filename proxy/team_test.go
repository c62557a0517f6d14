package proxy

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pretense/pretense/audit"
	"github.com/pretense/pretense/internal/tokens"
	"github.com/pretense/pretense/rules"
)

// roundRobin is a TCP load balancer on 127.0.0.1: each connection goes to
// the next backend that accepts a dial, as a cluster's Service would. It
// works on bytes, so what the proxy reads (or does not) is what the
// client sent.
type roundRobin struct {
	ln       net.Listener
	backends []string
	next     atomic.Uint64
	wg       sync.WaitGroup
	mu       sync.Mutex
	conns    map[net.Conn]bool
}

func newRoundRobin(t *testing.T, backends ...string) *roundRobin {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	lb := &roundRobin{ln: ln, backends: backends, conns: map[net.Conn]bool{}}
	lb.wg.Go(lb.accept)
	t.Cleanup(lb.close)
	return lb
}

func (lb *roundRobin) url() string { return "http://" + lb.ln.Addr().String() }

func (lb *roundRobin) track(c net.Conn, add bool) {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	if add {
		lb.conns[c] = true
	} else {
		delete(lb.conns, c)
	}
}

func (lb *roundRobin) accept() {
	for {
		c, err := lb.ln.Accept()
		if err != nil {
			return
		}
		lb.wg.Go(func() { lb.pipe(c) })
	}
}

func (lb *roundRobin) pipe(c net.Conn) {
	defer c.Close()
	var up net.Conn
	for range lb.backends {
		b := lb.backends[lb.next.Add(1)%uint64(len(lb.backends))]
		var err error
		if up, err = net.Dial("tcp", b); err == nil {
			break
		}
	}
	if up == nil {
		return
	}
	defer up.Close()
	lb.track(c, true)
	lb.track(up, true)
	defer lb.track(c, false)
	defer lb.track(up, false)
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(up, c); up.(*net.TCPConn).CloseWrite(); done <- struct{}{} }()
	go func() { _, _ = io.Copy(c, up); c.(*net.TCPConn).CloseWrite(); done <- struct{}{} }()
	<-done
	<-done
}

func (lb *roundRobin) close() {
	lb.ln.Close()
	lb.mu.Lock()
	for c := range lb.conns {
		c.Close()
	}
	lb.mu.Unlock()
	lb.wg.Wait()
}

// replica is one proxy process of the team deployment.
type replica struct {
	srv    *Server
	addr   string
	dir    string // its audit directory (a pod's own volume or log stream)
	log    *audit.Log
	cancel context.CancelFunc
	done   chan struct{} // closed when Serve returned
	err    error         // what Serve returned
}

func (r *replica) stop() error {
	r.cancel()
	<-r.done
	return r.err
}

type cluster struct {
	lb       *roundRobin
	replicas []*replica
	up       *fakeUpstream
	orgKey   string
	tokFile  string
	release  chan struct{} // closing it lets held streams finish
	once     sync.Once
}

func (c *cluster) releaseStreams() { c.once.Do(func() { close(c.release) }) }

// startCluster runs n replicas sharing one key, one token file and one
// upstream key behind a round-robin balancer.
func startCluster(t *testing.T, n int, drain time.Duration) *cluster {
	t.Helper()
	c := &cluster{orgKey: "org-" + randomHex(16), tokFile: filepath.Join(t.TempDir(), tokens.FileName), release: make(chan struct{})}
	t.Cleanup(c.releaseStreams)
	c.up = newFakeUpstream(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		if !bytes.Contains(body, []byte(`"stream":true`)) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"id":"msg_1","type":"message","role":"assistant","model":"claude-test","content":[{"type":"text","text":"ok"}],"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":1}}`)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		sseWrite(w, "message_start", `{"type":"message_start","message":{"id":"msg_2","type":"message","role":"assistant","model":"claude-test","content":[],"usage":{"input_tokens":1,"output_tokens":0}}}`)
		sseWrite(w, "content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`)
		sseWrite(w, "content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"first half "}}`)
		select {
		case <-c.release:
		case <-r.Context().Done():
			return
		}
		sseWrite(w, "content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"second half"}}`)
		sseWrite(w, "content_block_stop", `{"type":"content_block_stop","index":0}`)
		sseWrite(w, "message_delta", `{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":2}}`)
		sseWrite(w, "message_stop", `{"type":"message_stop"}`)
	})
	var addrs []string
	for i := 0; i < n; i++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		l, err := audit.Open(dir, audit.Options{})
		if err != nil {
			t.Fatal(err)
		}
		w, err := tokens.NewWatcher(c.tokFile)
		if err != nil {
			t.Fatal(err)
		}
		s, err := New(Options{
			Key: testKey, Listen: ln.Addr().String(), AnthropicUpstream: c.up.srv.URL, OpenAIUpstream: c.up.srv.URL,
			Audit: l, Session: "replica" + string(rune('a'+i)),
			Team: TeamOptions{Tokens: w, RequireAuth: true, AnthropicKey: c.orgKey, DrainTimeout: drain},
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		r := &replica{srv: s, addr: ln.Addr().String(), dir: dir, log: l, cancel: cancel, done: make(chan struct{})}
		go func() { r.err = s.Serve(ctx, ln); close(r.done) }()
		t.Cleanup(func() {
			c.releaseStreams()
			_ = r.stop()
			l.Close()
		})
		c.replicas = append(c.replicas, r)
		addrs = append(addrs, r.addr)
	}
	c.lb = newRoundRobin(t, addrs...)
	return c
}

// countingBody records whether anyone read it.
type countingBody struct {
	r     io.Reader
	reads atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	b.reads.Add(1)
	return b.r.Read(p)
}

// send posts a Messages request through the balancer on a fresh
// connection. With expectContinue the client holds its body until the
// server asks for it, so a refusal that reads nothing leaves it unread.
func (c *cluster) send(t *testing.T, hdr map[string]string, stream bool) (*http.Response, []byte, *countingBody) {
	t.Helper()
	body := `{"model":"claude-test","max_tokens":64,"messages":[{"role":"user","content":"` + "Explain this loop. " + `"}]}`
	if stream {
		body = strings.Replace(body, `"max_tokens":64`, `"max_tokens":64,"stream":true`, 1)
	}
	cb := &countingBody{r: strings.NewReader(body)}
	req, err := http.NewRequest(http.MethodPost, c.lb.url()+"/v1/messages", cb)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(len(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("anthropic-version", "2023-06-01")
	req.Header.Set("User-Agent", "claude-cli/2.1.197 (external, cli)")
	req.Header.Set("Expect", "100-continue")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	tr := &http.Transport{DisableKeepAlives: true, ExpectContinueTimeout: 30 * time.Second}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 20 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("request: %v", err)
	}
	if stream && resp.StatusCode == http.StatusOK {
		return resp, nil, cb // caller reads the stream
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, out, cb
}

func TestTeamTwoReplicasAuthAuditRevoke(t *testing.T) {
	c := startCluster(t, 2, 5*time.Second)
	alice, _, err := tokens.Create(c.tokFile, "alice@example.org")
	if err != nil {
		t.Fatal(err)
	}
	bob, _, err := tokens.Create(c.tokFile, "bob@example.org")
	if err != nil {
		t.Fatal(err)
	}

	refused := func(name string, hdr map[string]string) {
		t.Helper()
		before := len(c.up.requests())
		resp, body, cb := c.send(t, hdr, false)
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("%s: status %d, want 401: %s", name, resp.StatusCode, body)
		}
		var e struct {
			Type  string `json:"type"`
			Error struct{ Type, Message string }
		}
		if err := json.Unmarshal(body, &e); err != nil || e.Type != "error" || e.Error.Type != "authentication_error" {
			t.Errorf("%s: not an Anthropic authentication_error: %s", name, body)
		}
		if n := cb.reads.Load(); n != 0 {
			t.Errorf("%s: the client's body was read %d times; a refusal must stop at the headers", name, n)
		}
		if got := len(c.up.requests()); got != before {
			t.Errorf("%s: %d request(s) reached the upstream", name, got-before)
		}
	}
	refused("no token", nil)
	refused("wrong token", map[string]string{HeaderToken: tokens.Prefix + "not-a-real-token"})
	refused("own api key, no token", map[string]string{"x-api-key": "sk-client-" + randomHex(8)})

	// Four requests each, alternating replicas; alice's token rides in
	// x-api-key half the time (the proxy holds the org key).
	for i := 0; i < 4; i++ {
		hdrA := map[string]string{HeaderToken: alice}
		if i%2 == 1 {
			hdrA = map[string]string{"x-api-key": alice}
		}
		for _, h := range []map[string]string{hdrA, {HeaderToken: bob, "x-api-key": "sk-client-" + randomHex(8)}} {
			resp, body, _ := c.send(t, h, false)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("authenticated request: %d %s", resp.StatusCode, body)
			}
		}
	}
	reqs := c.up.requests()
	if len(reqs) != 8 {
		t.Fatalf("upstream saw %d requests, want 8", len(reqs))
	}
	for _, r := range reqs {
		if r.header.Get(HeaderToken) != "" {
			t.Error("X-Pretense-Token was forwarded upstream")
		}
		if r.header.Get("X-Api-Key") != c.orgKey || r.header.Get("Authorization") != "" {
			t.Error("the upstream did not get the organisation's key in place of the client's credential")
		}
		if bytes.Contains(r.body, []byte(tokens.Prefix)) {
			t.Error("a token reached the upstream body")
		}
	}

	// Revoke bob: both replicas refuse him on the next request, without a
	// restart or SIGHUP, and still read nothing.
	if n, err := tokens.Revoke(c.tokFile, "bob@example.org"); err != nil || n != 1 {
		t.Fatalf("revoke: %d %v", n, err)
	}
	refused("revoked, replica 1", map[string]string{HeaderToken: bob})
	refused("revoked, replica 2", map[string]string{HeaderToken: bob})
	if resp, body, _ := c.send(t, map[string]string{HeaderToken: alice}, false); resp.StatusCode != http.StatusOK {
		t.Fatalf("alice after bob's revocation: %d %s", resp.StatusCode, body)
	}

	// The merged export of both replicas' logs names each caller.
	var merged []audit.Entry
	perReplica := map[string]int{}
	for _, r := range c.replicas {
		es, _, err := audit.Read(r.dir, audit.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		perReplica[r.addr] = len(es)
		merged = append(merged, es...)
	}
	var buf bytes.Buffer
	if err := audit.WriteJSON(&buf, merged); err != nil {
		t.Fatal(err)
	}
	var exported []audit.Entry
	if err := json.Unmarshal(buf.Bytes(), &exported); err != nil {
		t.Fatalf("export: %v", err)
	}
	count := map[string]map[string]int{}
	for _, e := range exported {
		if count[e.User] == nil {
			count[e.User] = map[string]int{}
		}
		count[e.User][e.Outcome]++
		if e.Route != "anthropic-messages" {
			t.Errorf("entry route %q", e.Route)
		}
		if e.Client != "claude-cli/2.1.197" {
			t.Errorf("entry client %q", e.Client)
		}
	}
	want := map[string]map[string]int{
		"alice@example.org": {audit.OutcomeForwarded: 5},
		"bob@example.org":   {audit.OutcomeForwarded: 4},
		"unauthenticated":   {audit.OutcomeFailed: 5},
	}
	for u, w := range want {
		for o, n := range w {
			if count[u][o] != n {
				t.Errorf("merged export: %s %s = %d, want %d (all: %v)", u, o, count[u][o], n, count)
			}
		}
	}
	for addr, n := range perReplica {
		if n == 0 {
			t.Errorf("replica %s served nothing: the balancer did not spread requests", addr)
		}
	}
	if len(exported) != 14 {
		t.Errorf("%d entries, want 14", len(exported))
	}
}

// readEvents reads SSE event names until the stream ends.
func readEvents(t *testing.T, rd *bufio.Reader, until string) []string {
	t.Helper()
	var names []string
	for {
		line, err := rd.ReadString('\n')
		if strings.HasPrefix(line, "event: ") {
			n := strings.TrimSpace(strings.TrimPrefix(line, "event: "))
			names = append(names, n)
			if n == until {
				return names
			}
		}
		if err != nil {
			return names
		}
	}
}

func replicaOf(c *cluster, resp *http.Response) *replica {
	for i, r := range c.replicas {
		if resp.Header.Get(HeaderSession) == "replica"+string(rune('a'+i)) {
			return r
		}
	}
	return nil
}

func TestTeamStreamSurvivesShutdownWithinDrain(t *testing.T) {
	c := startCluster(t, 2, 10*time.Second)
	alice, _, err := tokens.Create(c.tokFile, "alice@example.org")
	if err != nil {
		t.Fatal(err)
	}
	resp, _, _ := c.send(t, map[string]string{HeaderToken: alice}, true)
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("stream status %d", resp.StatusCode)
	}
	rd := bufio.NewReader(resp.Body)
	if got := readEvents(t, rd, "content_block_delta"); len(got) != 3 {
		t.Fatalf("events before shutdown: %v", got)
	}
	victim := replicaOf(c, resp)
	if victim == nil {
		t.Fatal("no replica claims the stream")
	}
	stopped := make(chan error, 1)
	go func() { stopped <- victim.stop() }()
	// Draining: the victim is not ready, stops accepting, and the
	// balancer sends new requests to the other replica.
	waitFor(t, func() bool { return victim.srv.Ready() != nil })
	r2, body, _ := c.send(t, map[string]string{HeaderToken: alice}, false)
	if r2.StatusCode != http.StatusOK || replicaOf(c, r2) == victim {
		t.Fatalf("request during drain: %d from %v: %s", r2.StatusCode, replicaOf(c, r2), body)
	}
	select {
	case err := <-stopped:
		t.Fatalf("replica stopped (%v) while a stream was open within the drain timeout", err)
	case <-time.After(200 * time.Millisecond):
	}
	c.releaseStreams()
	rest := readEvents(t, rd, "message_stop")
	if len(rest) == 0 || rest[len(rest)-1] != "message_stop" {
		t.Fatalf("stream after shutdown began: %v, want it to end with message_stop", rest)
	}
	for _, n := range rest {
		if n == "error" {
			t.Fatalf("stream within the drain timeout got an error event: %v", rest)
		}
	}
	if err := <-stopped; err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	es, _, err := audit.Read(victim.dir, audit.Filter{})
	if err != nil || len(es) == 0 || es[len(es)-1].Outcome != audit.OutcomeForwarded || es[len(es)-1].User != "alice@example.org" {
		t.Fatalf("victim's audit after drain: %v %+v", err, es)
	}
}

func TestTeamStreamOutlastingDrainEndsWithErrorEvent(t *testing.T) {
	c := startCluster(t, 1, 300*time.Millisecond)
	alice, _, err := tokens.Create(c.tokFile, "alice@example.org")
	if err != nil {
		t.Fatal(err)
	}
	resp, _, _ := c.send(t, map[string]string{HeaderToken: alice}, true)
	defer resp.Body.Close()
	rd := bufio.NewReader(resp.Body)
	if got := readEvents(t, rd, "content_block_delta"); len(got) != 3 {
		t.Fatalf("events: %v", got)
	}
	start := time.Now()
	if err := c.replicas[0].stop(); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if d := time.Since(start); d < 300*time.Millisecond || d > 6*time.Second {
		t.Errorf("shutdown took %s with a 300ms drain timeout", d)
	}
	rest, err := io.ReadAll(rd)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatal(err)
	}
	if !bytes.Contains(rest, []byte("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\"")) || !bytes.Contains(rest, []byte("shutting down")) {
		t.Fatalf("a stream cut at the drain timeout must end with the API's error event; got %q", rest)
	}
	es, _, err := audit.Read(c.replicas[0].dir, audit.Filter{})
	if err != nil || len(es) != 1 || es[0].Outcome != audit.OutcomeFailed {
		t.Fatalf("audit: %v %+v", err, es)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 5s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestMetricsScrapedAndParsed(t *testing.T) {
	c := startCluster(t, 1, time.Second)
	alice, _, err := tokens.Create(c.tokFile, "alice@example.org")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if resp, body, _ := c.send(t, map[string]string{HeaderToken: alice}, false); resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
	}
	c.send(t, nil, false)
	// A block: a value generated from a rule's own sample template.
	samples := secretSamples(t, "secret", rules.ModeStandard)
	ids := slices.Sorted(maps.Keys(samples))
	ruleID := ids[0]
	blk := mustJSON(map[string]any{"model": "claude-test", "max_tokens": 8, "messages": []any{map[string]any{"role": "user", "content": "token = " + samples[ruleID]}}})
	req, _ := http.NewRequest(http.MethodPost, c.lb.url()+"/v1/messages", strings.NewReader(blk))
	req.Header.Set(HeaderToken, alice)
	req.Header.Set("anthropic-version", "2023-06-01")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	http.DefaultClient.CloseIdleConnections()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("block status %d", resp.StatusCode)
	}

	// The replicas require auth: the scraper sends a token as Prometheus
	// sends credentials (metrics_auth.go).
	fams := scrape(t, "http://"+c.replicas[0].addr+"/metrics", map[string]string{"Authorization": "Bearer " + alice})
	value := func(name string, labels map[string]string) float64 {
		t.Helper()
		f, ok := fams[name]
		if !ok {
			t.Fatalf("metric %s missing", name)
		}
	next:
		for _, m := range f.GetMetric() {
			for k, v := range labels {
				found := false
				for _, lp := range m.GetLabel() {
					if lp.GetName() == k && lp.GetValue() == v {
						found = true
					}
				}
				if !found {
					continue next
				}
			}
			switch {
			case m.Counter != nil:
				return m.GetCounter().GetValue()
			case m.Histogram != nil:
				return float64(m.GetHistogram().GetSampleCount())
			case m.Gauge != nil:
				return m.GetGauge().GetValue()
			}
		}
		t.Fatalf("metric %s%v missing", name, labels)
		return 0
	}
	for _, tc := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"pretense_requests_total", map[string]string{"route": "anthropic-messages", "outcome": "forwarded"}, 3},
		{"pretense_requests_total", map[string]string{"route": "anthropic-messages", "outcome": "blocked"}, 1},
		{"pretense_blocks_total", map[string]string{"rule": ruleID}, 1},
		{"pretense_auth_failures_total", map[string]string{"reason": "missing_token"}, 1},
		{"pretense_upstream_responses_total", map[string]string{"route": "anthropic-messages", "status": "200"}, 3},
		{"pretense_upstream_latency_seconds", map[string]string{"route": "anthropic-messages"}, 3},
		{"pretense_audit_append_seconds", nil, 5},
	} {
		if got := value(tc.name, tc.labels); got != tc.want {
			t.Errorf("%s%v = %v, want %v", tc.name, tc.labels, got, tc.want)
		}
	}
	for name := range fams {
		if !strings.HasPrefix(name, "pretense_") && !strings.HasPrefix(name, "go_") && !strings.HasPrefix(name, "process_") && !strings.HasPrefix(name, "promhttp_") {
			t.Errorf("metric %s is not prefixed pretense_", name)
		}
	}
	// /ready and /health answer without a token.
	for path, want := range map[string]int{"/ready": 200, "/health": 200} {
		r, err := http.Get("http://" + c.replicas[0].addr + path)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != want {
			t.Errorf("%s: %d", path, r.StatusCode)
		}
	}
}
