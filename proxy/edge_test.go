package proxy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/openai/openai-go/v3"

	"github.com/pretense/pretense/rules"
)

const anthropicBody = `{"model":"claude-test","max_tokens":64,"messages":[{"role":"user","content":"rename dateOfBirth in PatientRecord"}]}`

func okAnthropic(w http.ResponseWriter, r *http.Request, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, `{"id":"msg_1","type":"message","role":"assistant","content":[{"type":"text","text":"ok"}],"stop_reason":"end_turn"}`)
}

var anthropicHeaders = map[string]string{"x-api-key": "test-key-not-a-secret", "anthropic-version": "2023-06-01"}

// checkProxyHeaders asserts the headers every proxy response carries.
func checkProxyHeaders(t *testing.T, p *testProxy, resp *http.Response) {
	t.Helper()
	if resp.Header.Get(HeaderSession) != p.srv.Session() || resp.Header.Get(HeaderMutations) == "" {
		t.Errorf("missing proxy headers: session %q mutations %q", resp.Header.Get(HeaderSession), resp.Header.Get(HeaderMutations))
	}
}

// errorMessage extracts the message of an error in either API's format.
func errorMessage(t *testing.T, a api, body []byte) (typ, msg string) {
	t.Helper()
	var e struct {
		Type  string `json:"type"`
		Error struct {
			Type    string `json:"type"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body is not JSON: %v: %s", err, body)
	}
	if a == apiAnthropic && e.Type != "error" {
		t.Errorf("anthropic error without type=error: %s", body)
	}
	if e.Error.Message == "" || e.Error.Type == "" {
		t.Errorf("error body lacks type or message: %s", body)
	}
	return e.Error.Type, e.Error.Message
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func zst(b []byte) []byte {
	enc, _ := zstd.NewWriter(nil)
	defer enc.Close()
	return enc.EncodeAll(b, nil)
}

func TestRefusedRequestsNeverReachUpstream(t *testing.T) {
	big := `{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"` + strings.Repeat("a", 4096) + `"}]}`
	bomb := zst([]byte(`{"model":"m","messages":[{"role":"user","content":"` + strings.Repeat("b", 8192) + `"}]}`))
	tests := []struct {
		name     string
		path     string
		method   string
		body     []byte
		headers  map[string]string
		status   int
		api      api
		contains string
	}{
		{"malformed JSON", "/v1/messages", "POST", []byte(`{"model":"m","messages":[`), anthropicHeaders, 400, apiAnthropic, "not valid JSON"},
		{"JSON array body", "/v1/chat/completions", "POST", []byte(`[1,2]`), nil, 400, apiChat, "JSON object"},
		{"trailing garbage", "/v1/responses", "POST", []byte(`{"model":"m"} x`), nil, 400, apiChat, "not valid JSON"},
		{"body over limit", "/v1/messages", "POST", []byte(big), anthropicHeaders, 413, apiAnthropic, "limit"},
		{"decompressed over limit", "/v1/messages", "POST", bomb, map[string]string{"Content-Encoding": "zstd", "anthropic-version": "2023-06-01"}, 413, apiAnthropic, "decoded"},
		{"corrupt gzip", "/v1/chat/completions", "POST", []byte("\x1f\x8bnot gzip"), map[string]string{"Content-Encoding": "gzip"}, 400, apiChat, "gzip"},
		{"unknown encoding", "/v1/chat/completions", "POST", []byte("xx"), map[string]string{"Content-Encoding": "br"}, 415, apiChat, "br"},
		{"unknown path", "/v1/files", "POST", []byte(`{}`), anthropicHeaders, 404, apiAnthropic, "not a route"},
		{"batches path", "/v1/messages/batches", "POST", []byte(`{}`), anthropicHeaders, 404, apiAnthropic, "not a route"},
		{"unknown openai path", "/v1/embeddings", "POST", []byte(`{}`), nil, 404, apiChat, "not a route"},
		{"wrong method", "/v1/messages", "PUT", []byte(anthropicBody), anthropicHeaders, 405, apiAnthropic, "use POST"},
		{"websocket upgrade", "/v1/responses", "POST", []byte(`{}`), map[string]string{"Upgrade": "websocket", "Connection": "Upgrade"}, 426, apiChat, "upgrade"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			up := newFakeUpstream(t, okAnthropic)
			p := startProxy(t, up.srv.URL, func(o *Options) { o.MaxBodyBytes = 2048 })
			req, err := http.NewRequest(tc.method, p.http.URL+tc.path, bytes.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.headers {
				req.Header.Set(k, v)
			}
			resp, err := p.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
			}
			checkProxyHeaders(t, p, resp)
			_, msg := errorMessage(t, tc.api, body)
			if !strings.Contains(strings.ToLower(msg), strings.ToLower(tc.contains)) {
				t.Errorf("message %q does not mention %q", msg, tc.contains)
			}
			if n := len(up.requests()); n != 0 {
				t.Errorf("upstream received %d requests", n)
			}
			if e := p.sink.waitEntries(t, 1)[0]; e.Outcome != "failed" || e.RequestID != resp.Header.Get(HeaderRequestID) {
				t.Errorf("audit entry %+v", e)
			}
		})
	}
}

func TestCompressedRequestBodies(t *testing.T) {
	for _, enc := range []struct {
		name string
		fn   func([]byte) []byte
	}{{"gzip", gz}, {"zstd", zst}, {"identity", func(b []byte) []byte { return b }}} {
		t.Run(enc.name, func(t *testing.T) {
			up := newFakeUpstream(t, okAnthropic)
			p := startProxy(t, up.srv.URL)
			hdr := map[string]string{"Content-Encoding": enc.name, "anthropic-version": "2023-06-01"}
			resp, body := p.post(t, "/v1/messages", enc.fn([]byte(anthropicBody)), hdr)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			reqs := up.requests()
			assertClean(t, reqs)
			if reqs[0].header.Get("Content-Encoding") != "" || !json.Valid(reqs[0].body) {
				t.Errorf("upstream must get plaintext JSON: %q %q", reqs[0].header.Get("Content-Encoding"), reqs[0].body)
			}
		})
	}
}

// TestUntouchedBytesPreserved: a request with nothing to mutate reaches the
// upstream byte for byte, unknown fields, odd spacing and numbers included,
// which keeps prompt caching working.
func TestUntouchedBytesPreserved(t *testing.T) {
	body := `{ "model" : "claude-test", "max_tokens":1e3, "context_management":{"edits":[{"type":"clear"}]},` +
		`"messages":[{"role":"system","content":"be brief"},{"role":"user","content":[{"type":"text","text":"hello \u00e9 \ud83d\ude00 world","cache_control":{"type":"ephemeral"}}]}],` +
		`"thinking":{"type":"enabled","budget_tokens":1024}, "x-future": [1.50, true, null] }`
	up := newFakeUpstream(t, okAnthropic)
	p := startProxy(t, up.srv.URL)
	resp, out := p.post(t, "/v1/messages?beta=true", []byte(body), anthropicHeaders)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, out)
	}
	got := up.requests()[0]
	if string(got.body) != body {
		t.Errorf("body changed:\n got %s\nwant %s", got.body, body)
	}
	if got.query != "beta=true" {
		t.Errorf("query %q not preserved", got.query)
	}
	if resp.Header.Get(HeaderMutations) != "0" {
		t.Errorf("mutations header %q", resp.Header.Get(HeaderMutations))
	}
}

// secretSamples expands one true-positive sample of every built-in rule of
// the given kind that the mode enables.
func secretSamples(t *testing.T, kind string, mode rules.Mode) map[string]string {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 11))
	out := map[string]string{}
	for _, r := range rules.Builtin() {
		k := string(r.Kind)
		if k == "" {
			k = "secret" // the engine's default kind
		}
		if k != kind || len(r.Samples.TP) == 0 {
			continue
		}
		if kind == "phi" && r.MinMode == rules.ModeStrict && mode != rules.ModeStrict {
			continue
		}
		// The rules' own tests check their samples; use the first that expands.
		for _, tmpl := range r.Samples.TP {
			if s, err := rules.ExpandSample(tmpl, rng); err == nil {
				out[r.ID] = s
				break
			}
		}
	}
	return out
}

func TestBlockedRequestsReachUpstreamZeroTimes(t *testing.T) {
	for _, kind := range []string{"secret", "phi"} {
		samples := secretSamples(t, kind, rules.ModeStandard)
		if len(samples) == 0 {
			t.Fatalf("no built-in %s rules with samples", kind)
		}
		// One proxy serves every sample of a kind, as it serves many
		// requests in use: starting one per sample (hundreds, each
		// compiling the rules) made this the slowest test of the suite.
		up := newFakeUpstream(t, okAnthropic)
		p := startProxy(t, up.srv.URL)
		for id, value := range samples {
			t.Run(kind+"/"+id, func(t *testing.T) {
				logged := len(p.sink.all())
				// Put the value in a tool_result, where file contents travel.
				body := mustJSON(map[string]any{
					"model": "claude-test", "max_tokens": 64,
					"messages": []any{
						map[string]any{"role": "user", "content": "look at the fixture"},
						map[string]any{"role": "assistant", "content": []any{map[string]any{"type": "tool_use", "id": "toolu_1", "name": "Read", "input": map[string]string{"file_path": "fixtures/data.txt"}}}},
						map[string]any{"role": "user", "content": []any{map[string]any{"type": "tool_result", "tool_use_id": "toolu_1", "content": value}}},
					},
				})
				resp, out := p.post(t, "/v1/messages", []byte(body), anthropicHeaders)
				if resp.StatusCode != http.StatusForbidden {
					t.Fatalf("status %d, want 403: %s", resp.StatusCode, out)
				}
				checkProxyHeaders(t, p, resp)
				_, msg := errorMessage(t, apiAnthropic, out)
				if !strings.Contains(resp.Header.Get(HeaderBlocked), id) || !strings.Contains(msg, id) {
					t.Errorf("block does not name rule %s: header %q, message %q", id, resp.Header.Get(HeaderBlocked), msg)
				}
				if !strings.Contains(msg, "messages[2].content[0].content") {
					t.Errorf("block does not say where: %q", msg)
				}
				if strings.Contains(string(out), value) || strings.Contains(fmt.Sprint(resp.Header), value) {
					t.Error("the blocked value appears in the response")
				}
				if n := len(up.requests()); n != 0 {
					t.Errorf("upstream received %d requests", n)
				}
				e := p.sink.waitEntries(t, logged+1)[logged]
				if e.Outcome != "blocked" || e.SecretsBlocked+e.PHIPatternsDetected == 0 || len(e.Rules) == 0 {
					t.Errorf("audit entry: %+v", e)
				}
				if kind == "phi" && e.PHIPatternsDetected == 0 || kind == "secret" && e.SecretsBlocked == 0 {
					t.Errorf("audit counts the wrong kind: %+v", e)
				}
				if strings.Contains(fmt.Sprintf("%+v", e), value) {
					t.Error("the blocked value appears in the audit entry")
				}
			})
		}
	}
}

func TestBlockedOpenAIFormatAndSDKError(t *testing.T) {
	value := secretSamples(t, "secret", rules.ModeStandard)["github-pat-classic"]
	up := newFakeUpstream(t, chatFake(t))
	p := startProxy(t, up.srv.URL)
	params := chatParams()
	params.Messages = append(params.Messages, openai.UserMessage("token: "+value))
	oc := openaiClient(p)
	_, err := oc.Chat.Completions.New(context.Background(), params)
	var oe *openai.Error
	if !errors.As(err, &oe) || oe.StatusCode != 403 || oe.Code != "pretense_blocked" || !strings.Contains(oe.Message, "github-pat-classic") {
		t.Fatalf("SDK error %v", err)
	}
	if strings.Contains(oe.Message, value) {
		t.Error("value in error")
	}
	if n := len(up.requests()); n != 0 {
		t.Errorf("upstream received %d requests", n)
	}
	// Anthropic SDK sees its own error type.
	ac := anthropicClient(p)
	_, err = ac.Messages.New(context.Background(), anthropic.MessageNewParams{
		Model: "claude-test", MaxTokens: 10,
		Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("token: " + value))},
	})
	var ae *anthropic.Error
	if !errors.As(err, &ae) || ae.StatusCode != 403 || !strings.Contains(ae.Error(), "permission_error") {
		t.Fatalf("anthropic SDK error %v", err)
	}
	if n := len(up.requests()); n != 0 {
		t.Errorf("upstream received %d requests", n)
	}
}

func TestHealthAndCanary(t *testing.T) {
	up := newFakeUpstream(t, okAnthropic)
	p := startProxy(t, up.srv.URL, func(o *Options) { o.Session = "px_test" })
	resp, err := p.client.Get(p.http.URL + "/health")
	if err != nil {
		t.Fatal(err)
	}
	var h map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	want := map[string]string{"service": "pretense-proxy", "version": "test", "phiMode": "standard", "mutationPolicy": "phi", "session": "px_test"}
	for k, v := range want {
		if h[k] != v {
			t.Errorf("health %s = %q, want %q", k, h[k], v)
		}
	}
	checkProxyHeaders(t, p, resp)

	for _, path := range []string{"/v1/models", "/models", "/v1/messages", "/anything/else"} {
		req, _ := http.NewRequest(http.MethodGet, p.http.URL+path, nil)
		req.Header.Set(HeaderCanary, "nonce-"+path)
		resp, err := p.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get(HeaderCanary) != "nonce-"+path || string(body) != `{"pretense":true,"canary":"nonce-`+path+`"}`+"\n" {
			t.Errorf("canary on %s: %d %q %s", path, resp.StatusCode, resp.Header.Get(HeaderCanary), body)
		}
		checkProxyHeaders(t, p, resp)
	}
	if n := len(up.requests()); n != 0 {
		t.Errorf("canaries reached the upstream %d times", n)
	}
}

func TestModelsPassThrough(t *testing.T) {
	up := newFakeUpstream(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"data":[{"id":"m1","type":"model"}]}`)
	})
	p := startProxy(t, up.srv.URL)
	for _, tc := range []struct {
		hdr  map[string]string
		path string
	}{{anthropicHeaders, "/v1/models"}, {map[string]string{"Authorization": "Bearer test-key-not-a-secret"}, "/v1/models"}} {
		req, _ := http.NewRequest(http.MethodGet, p.http.URL+tc.path+"?limit=5", nil)
		for k, v := range tc.hdr {
			req.Header.Set(k, v)
		}
		resp, err := p.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), "m1") {
			t.Errorf("models: %d %s", resp.StatusCode, body)
		}
		checkProxyHeaders(t, p, resp)
	}
	reqs := up.requests()
	if len(reqs) != 2 || reqs[0].path != "/v1/models" || reqs[1].path != "/v1/models" || reqs[0].query != "limit=5" {
		t.Errorf("upstream requests: %+v", reqs)
	}
	if reqs[0].header.Get("X-Api-Key") != "test-key-not-a-secret" || reqs[1].header.Get("Authorization") != "Bearer test-key-not-a-secret" {
		t.Error("auth headers not passed through")
	}
}

func TestUpstreamErrorPassesThrough(t *testing.T) {
	up := newFakeUpstream(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		// Echo the (mutated) model input in the error, as APIs sometimes do.
		recv := anthropicReceived(t, body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, mustJSON(map[string]any{"type": "error", "error": map[string]string{"type": "rate_limit_error", "message": "slow down: " + recv}}))
	})
	p := startProxy(t, up.srv.URL)
	resp, body := p.post(t, "/v1/messages", []byte(anthropicBody), anthropicHeaders)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "7" {
		t.Fatalf("status %d retry-after %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	typ, msg := errorMessage(t, apiAnthropic, body)
	if typ != "rate_limit_error" || msg != "slow down: rename dateOfBirth in PatientRecord" {
		t.Errorf("upstream error not relayed and restored: %s %q", typ, msg)
	}
	checkProxyHeaders(t, p, resp)
}

func TestUpstreamUnreachable(t *testing.T) {
	up := newFakeUpstream(t, okAnthropic)
	url := up.srv.URL
	up.srv.Close()
	p := startProxy(t, url)
	resp, body := p.post(t, "/v1/messages", []byte(anthropicBody), anthropicHeaders)
	if resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if _, msg := errorMessage(t, apiAnthropic, body); !strings.Contains(msg, "upstream") {
		t.Errorf("message %q", msg)
	}
	if e := p.sink.waitEntries(t, 1)[0]; e.Outcome != "failed" {
		t.Errorf("audit %+v", e)
	}
}

func TestUpstreamHangs(t *testing.T) {
	up := newFakeUpstream(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		<-r.Context().Done() // never answers
	})
	p := startProxy(t, up.srv.URL, func(o *Options) { o.IdleTimeout = 150 * time.Millisecond })
	resp, body := p.post(t, "/v1/chat/completions", []byte(`{"model":"m","messages":[{"role":"user","content":"hi"}]}`), nil)
	if resp.StatusCode != http.StatusGatewayTimeout {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if _, msg := errorMessage(t, apiChat, body); !strings.Contains(msg, "sent nothing for 150ms") {
		t.Errorf("message %q", msg)
	}
}

// streamFailure runs an SDK stream against an upstream that misbehaves
// after a good start and returns the SDK's error and the text it got.
// streamFailure runs one streamed exchange whose upstream misbehaves after a
// good start. idle is the proxy's idle timeout: only the case that tests the
// timeout wants it short, because under CI load a short timeout can fire
// before the fake upstream has even sent its headers.
func streamFailure(t *testing.T, idle time.Duration, misbehave func(w http.ResponseWriter, r *http.Request)) (string, *testProxy, error) {
	t.Helper()
	up := newFakeUpstream(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		recv := anthropicReceived(t, body)
		w.Header().Set("Content-Type", "text/event-stream")
		sseWrite(w, "message_start", `{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-test","usage":{"input_tokens":1,"output_tokens":1}}}`)
		sseWrite(w, "content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`)
		// End the good part inside a synthetic so the held-back bytes must
		// still reach the client before the error.
		i := strings.Index(recv, "_")
		sseWrite(w, "content_block_delta", mustJSON(map[string]any{"type": "content_block_delta", "index": 0, "delta": map[string]string{"type": "text_delta", "text": recv[:i+4]}}))
		misbehave(w, r)
	})
	p := startProxy(t, up.srv.URL, func(o *Options) { o.IdleTimeout = idle })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ac := anthropicClient(p)
	stream := ac.Messages.NewStreaming(ctx, anthropic.MessageNewParams{
		Model: "claude-test", MaxTokens: 10,
		Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("rename dateOfBirth in PatientRecord"))},
	})
	var text strings.Builder
	for stream.Next() {
		ev := stream.Current()
		if ev.Type == "content_block_delta" {
			text.WriteString(ev.Delta.Text)
		}
	}
	err := stream.Err()
	stream.Close()
	return text.String(), p, err
}

func TestUpstreamStreamFailures(t *testing.T) {
	tests := []struct {
		name      string
		idle      time.Duration
		misbehave func(w http.ResponseWriter, r *http.Request)
		want      string
	}{
		{"hangs mid-stream", time.Second, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }, "sent nothing for 1s"},
		// The other cases must fail on what the upstream sent, long before a
		// 15s idle timeout (or the 20s client deadline) could.
		{"closes mid-stream", 15 * time.Second, func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "event: content_block_delta\ndata: {\"type\":\"content_")
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler) // drop the connection mid-event
		}, "stream"},
		{"ends mid-event", 15 * time.Second, func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "event: content_block_delta\ndata: {\"type\":\"content_")
		}, "closed the stream mid-event"},
		{"broken SSE", 15 * time.Second, func(w http.ResponseWriter, r *http.Request) {
			sseWrite(w, "content_block_delta", `{"type":"content_block_delta", this is not json`)
			<-r.Context().Done()
		}, "malformed event stream"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text, p, err := streamFailure(t, tc.idle, tc.misbehave)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("SDK error %v, want one mentioning %q", err, tc.want)
			}
			if !strings.HasPrefix(text, "rename ") || !strings.Contains(text, "_") {
				t.Errorf("text before the failure, held-back part included, not delivered: %q", text)
			}
			e := p.sink.waitEntries(t, 1)[0]
			if e.Outcome != "failed" {
				t.Errorf("audit %+v", e)
			}
		})
	}
}

func TestClientDisconnectCancelsUpstream(t *testing.T) {
	upstreamGone := make(chan struct{})
	up := newFakeUpstream(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		w.Header().Set("Content-Type", "text/event-stream")
		sseWrite(w, "message_start", `{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"m"}}`)
		for {
			select {
			case <-r.Context().Done():
				close(upstreamGone)
				return
			case <-time.After(10 * time.Millisecond):
				sseWrite(w, "ping", `{"type":"ping"}`)
			}
		}
	})
	p := startProxy(t, up.srv.URL)
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, p.http.URL+"/v1/messages", strings.NewReader(`{"model":"m","max_tokens":5,"stream":true,"messages":[{"role":"user","content":"hi"}]}`))
	resp, err := p.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	if _, err := resp.Body.Read(buf); err != nil {
		t.Fatal(err)
	}
	cancel()
	resp.Body.Close()
	select {
	case <-upstreamGone:
	case <-time.After(5 * time.Second):
		t.Fatal("upstream request was not cancelled after the client left")
	}
	if e := p.sink.waitEntries(t, 1)[0]; e.Outcome != "failed" {
		t.Errorf("audit %+v", e)
	}
}

// TestStreamEndThenClientLeaves: an SDK may close the connection as soon
// as the stream's terminator arrives (the OpenAI SDKs stop at [DONE]),
// before the upstream's end of stream reaches the proxy; the client's
// context then cancels the upstream read. The client has the whole answer,
// so the exchange is "forwarded"; a client that leaves before the
// terminator is "failed".
func TestStreamEndThenClientLeaves(t *testing.T) {
	tests := []struct {
		name, path, body string
		events           [][2]string // name, data
		leaveAt          string      // the client stops reading once it has seen this
		want             string
	}{
		{"chat [DONE]", "/v1/chat/completions", `{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}`,
			[][2]string{{"", `{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"hello"},"finish_reason":null}]}`},
				{"", `{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`},
				{"", "[DONE]"}},
			"[DONE]", "forwarded"},
		{"chat cut before [DONE]", "/v1/chat/completions", `{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}`,
			[][2]string{{"", `{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"hello"},"finish_reason":null}]}`}},
			"hello", "failed"},
		{"anthropic message_stop", "/v1/messages", `{"model":"m","max_tokens":5,"stream":true,"messages":[{"role":"user","content":"hi"}]}`,
			[][2]string{{"message_start", `{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"m"}}`},
				{"content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`},
				{"content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hello"}}`},
				{"content_block_stop", `{"type":"content_block_stop","index":0}`},
				{"message_stop", `{"type":"message_stop"}`}},
			"message_stop", "forwarded"},
		{"responses completed", "/v1/responses", `{"model":"m","stream":true,"input":"hi"}`,
			[][2]string{{"response.output_text.delta", `{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"hello"}`},
				{"response.completed", `{"type":"response.completed","response":{"id":"resp_1","status":"completed"}}`}},
			"response.completed", "forwarded"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			upstreamGone := make(chan struct{})
			up := newFakeUpstream(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
				w.Header().Set("Content-Type", "text/event-stream")
				for _, ev := range tc.events {
					sseWrite(w, ev[0], ev[1])
				}
				// Hold the stream open: the proxy sees its end only when
				// the client's departure cancels this request.
				<-r.Context().Done()
				close(upstreamGone)
			})
			p := startProxy(t, up.srv.URL)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, p.http.URL+tc.path, strings.NewReader(tc.body))
			req.Header.Set("Content-Type", "application/json")
			resp, err := p.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var got []byte
			buf := make([]byte, 4096)
			for !bytes.Contains(got, []byte(tc.leaveAt)) {
				n, err := resp.Body.Read(buf)
				got = append(got, buf[:n]...)
				if err != nil {
					t.Fatalf("read after %q: %v", got, err)
				}
			}
			resp.Body.Close()
			select {
			case <-upstreamGone:
			case <-time.After(5 * time.Second):
				t.Fatal("upstream request was not cancelled after the client left")
			}
			if e := p.sink.waitEntries(t, 1)[0]; e.Outcome != tc.want {
				t.Errorf("audit outcome %q, want %q (%+v)", e.Outcome, tc.want, e)
			}
		})
	}
}

func TestAuditFailureWithholdsResponse(t *testing.T) {
	up := newFakeUpstream(t, okAnthropic)
	p := startProxy(t, up.srv.URL)
	p.sink.err = errors.New("disk full")
	resp, body := p.post(t, "/v1/messages", []byte(anthropicBody), anthropicHeaders)
	if resp.StatusCode != 500 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if _, msg := errorMessage(t, apiAnthropic, body); !strings.Contains(msg, "audit") {
		t.Errorf("message %q", msg)
	}
}

// TestStatelessReplicas: two proxies with the same key send identical
// bytes upstream, so any replica can serve any turn; another key differs.
func TestStatelessReplicas(t *testing.T) {
	up := newFakeUpstream(t, okAnthropic)
	a := startProxy(t, up.srv.URL)
	b := startProxy(t, up.srv.URL)
	c := startProxy(t, up.srv.URL, func(o *Options) { o.Key = bytes.Repeat([]byte{0x33}, 32) })
	for _, p := range []*testProxy{a, b, c} {
		if resp, body := p.post(t, "/v1/messages", []byte(anthropicBody), anthropicHeaders); resp.StatusCode != 200 {
			t.Fatalf("status %d: %s", resp.StatusCode, body)
		}
	}
	reqs := up.requests()
	assertClean(t, reqs)
	if !bytes.Equal(reqs[0].body, reqs[1].body) {
		t.Errorf("replicas with one key differ:\n%s\n%s", reqs[0].body, reqs[1].body)
	}
	if bytes.Equal(reqs[0].body, reqs[2].body) {
		t.Error("a different key gave the same synthetics")
	}
}

func TestNewValidatesOptions(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*Options)
		want string
	}{
		{"remote listen", func(o *Options) { o.Listen = "0.0.0.0:9339" }, "not loopback"},
		{"bad upstream scheme", func(o *Options) { o.AnthropicUpstream = "ftp://x" }, "scheme"},
		{"no key", func(o *Options) { o.Key = nil }, "key"},
		{"bad phi mode", func(o *Options) { o.PHIMode = "loud" }, "phi mode"},
		{"bad policy", func(o *Options) { o.Policy = "some" }, "polic"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := Options{Key: testKey}
			tc.mod(&o)
			_, err := New(o)
			if err == nil || !strings.Contains(strings.ToLower(err.Error()), tc.want) {
				t.Errorf("err %v, want one mentioning %q", err, tc.want)
			}
		})
	}
	s, err := New(Options{Key: testKey, Listen: "0.0.0.0:9339", AllowRemote: true, OpenAIUpstream: "https://api.openai.com/v1/", Team: TeamOptions{Tokens: emptyTokens(t)}})
	if err != nil {
		t.Fatalf("allow remote: %v", err)
	}
	if s.openai.String() != "https://api.openai.com" {
		t.Errorf("openai base %q: a trailing /v1 must be dropped", s.openai)
	}
	s.Close()
}

// TestCleanCacheNeverHidesAFinding: text scanned clean is skipped next
// time, but a finding added next to it, or a blocked text sent again, is
// still refused.
func TestCleanCacheNeverHidesAFinding(t *testing.T) {
	value := secretSamples(t, "secret", rules.ModeStandard)["github-pat-classic"]
	long := strings.Repeat("ordinary words about the build ", 40) // above minCachedText
	up := newFakeUpstream(t, okAnthropic)
	p := startProxy(t, up.srv.URL)
	msg := func(texts ...string) []byte {
		var blocks []any
		for _, s := range texts {
			blocks = append(blocks, map[string]any{"type": "text", "text": s})
		}
		return []byte(mustJSON(map[string]any{"model": "m", "max_tokens": 5, "messages": []any{map[string]any{"role": "user", "content": blocks}}}))
	}
	for i, tc := range []struct {
		body   []byte
		status int
	}{
		{msg(long), 200},
		{msg(long), 200},                              // from the cache
		{msg(long, "token "+value), 403},              // new text beside cached text
		{msg(long + " token " + value), 403},          // cached text changed
		{msg(strings.Repeat("x ", 300) + value), 403}, // long blocked text
		{msg(strings.Repeat("x ", 300) + value), 403}, // ... still blocked when resent
	} {
		resp, out := p.post(t, "/v1/messages", tc.body, anthropicHeaders)
		if resp.StatusCode != tc.status {
			t.Errorf("request %d: status %d, want %d: %s", i, resp.StatusCode, tc.status, out)
		}
	}
	if n := len(up.requests()); n != 2 {
		t.Errorf("upstream got %d requests, want 2", n)
	}
}

func TestCleanCacheEvicts(t *testing.T) {
	c := newCleanCache(2)
	a, b2, d := strings.Repeat("a", 600), strings.Repeat("b", 600), strings.Repeat("d", 600)
	c.add([]string{a, b2, "short"})
	if !c.clean(a) || !c.clean(b2) || c.clean("short") {
		t.Fatal("cache did not record long clean texts only")
	}
	c.add([]string{d})
	if c.clean(a) || !c.clean(b2) || !c.clean(d) {
		t.Error("first in was not first out")
	}
}

// TestFingerprint: the same text gives the same fingerprint, texts that
// differ anywhere (one byte, length, a trailing NUL) give different ones,
// and none is the zero value that means "none".
func TestFingerprint(t *testing.T) {
	base := strings.Repeat("export const patientRecord = load(x); ", 40)
	cases := []struct{ name, a, b string }{
		{"one byte", base, base[:100] + "X" + base[101:]},
		{"shorter", base, base[:len(base)-1]},
		{"trailing NUL", base, base + "\x00"},
		{"empty vs one", "", "\x00"},
		{"block boundary", strings.Repeat("a", 16), strings.Repeat("a", 16) + "\x00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fa, fb := fingerprintOf(c.a), fingerprintOf(c.b)
			if fa == fb {
				t.Errorf("%q and %q share a fingerprint", c.a, c.b)
			}
			if fa != fingerprintOf(strings.Clone(c.a)) || fa == (fingerprint{}) {
				t.Errorf("fingerprint of %q is not stable or is zero", c.a)
			}
		})
	}
}
