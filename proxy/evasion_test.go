package proxy

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// The evasions of issue 14, sent through the real proxy to a recording
// fake upstream on 127.0.0.1. For every case the upstream must receive
// nothing and the client must get 403 (a sensitive value) or 400 (a body
// the proxy will not read the way the API would) in its API's own format.

// plantToken makes a GitHub-token-shaped value at test time (never a
// literal in the repository). The tail is what must never arrive.
func plantToken(t testing.TB) string {
	t.Helper()
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 14))
	b := make([]byte, 36)
	for {
		for i := range b {
			b[i] = alnum[rng.IntN(len(alnum))]
		}
		// Keep away from the global allowlist's hand-typed stand-ins.
		if !strings.ContainsAny(string(b[:8]), "xX") {
			break
		}
	}
	return "gh" + "p_" + string(b)
}

// tail is the token's random part: if any 16-byte stretch of it arrives,
// the token leaked.
func tail(tok string) string { return tok[len(tok)-20:] }

// lockedBuf collects the proxy's log lines.
type lockedBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// evasion is one attempt to get a planted token past the proxy.
type evasion struct {
	name   string
	method string // default POST
	path   string // default: the API's route
	// body is the request body; %T is replaced by the (transformed) token.
	body string
	// tok transforms the token before it is planted (obfuscation).
	tok    func(string) string
	header map[string]string
	// encode wraps the body (gzip, zstd) and sets Content-Encoding.
	encoding string
	chunked  bool
	want     int
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func zeroWidth(tok string) string { return tok[:6] + "\u200b" + tok[6:] }
func softHyphen(tok string) string {
	return tok[:3] + "\u00ad" + tok[3:20] + "\u00ad" + tok[20:]
}

// fullWidth writes the token's letters and digits as full-width forms.
func fullWidth(tok string) string {
	var b strings.Builder
	for _, r := range tok {
		if r >= '!' && r <= '~' && r != '_' {
			b.WriteRune(r - '!' + 0xFF01)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func nulInside(tok string) string { return tok[:10] + `\u0000` + tok[10:] }
func escaped(tok string) string   { return `\u0067` + tok[1:] }
func gzB64(s string) string       { return base64.StdEncoding.EncodeToString(gz([]byte(s))) }
func zstB64(s string) string      { return base64.StdEncoding.EncodeToString(zst([]byte(s))) }

// bodyFor fills %T with the (transformed) token and, for base64 cases, %B
// with base64 of "GITHUB_TOKEN=<token>", %G with it gzipped, %Z zstd'd.
func (e evasion) bodyFor(tok string) string {
	tt := tok
	if e.tok != nil {
		tt = e.tok(tok)
	}
	env := "GITHUB_TOKEN=" + tok + "\n"
	r := strings.NewReplacer("%T", tt, "%B", b64(env), "%G2", gzB64(gzB64(env)), "%G3", gzB64(gzB64(gzB64(env))),
		"%G4", gzB64(gzB64(gzB64(gzB64(env)))), "%G", gzB64(env), "%Z", zstB64(env),
		"%D", "data:text/plain;base64,"+b64(env), "%J", `{\"k\":\"`+escaped(tok)+`\"}`)
	return r.Replace(e.body)
}

// commonEvasions hold for every API: the request line and headers.
func commonEvasions(route string) []evasion {
	return []evasion{
		{name: "query string", path: route + "?token=%T", want: 403},
		{name: "percent-encoded query", path: route + "?t=%T", tok: func(s string) string { return url.QueryEscape(s[:2]) + "%" + fmt.Sprintf("%02X", s[2]) + s[3:] }, want: 403},
		{name: "custom header", header: map[string]string{"X-Debug-Context": "%T"}, want: 403},
		{name: "header name", header: map[string]string{"X-%T": "1"}, want: 403},
		{name: "models path", method: http.MethodGet, path: "/v1/models/%T", want: 403},
		{name: "percent-encoded path", method: http.MethodGet, path: "/v1/models/%T", tok: func(s string) string { return "%67" + s[1:] }, want: 403},
		{name: "chunked body", chunked: true, want: 403},
		{name: "gzip body", encoding: "gzip", want: 403},
		{name: "zstd body", encoding: "zstd", want: 403},
		{name: "invalid UTF-8 byte in the token", tok: func(s string) string { return s[:8] + "\xff" + s[8:] }, want: 400},
		{name: "lone surrogate", tok: func(s string) string { return s[:8] + `\ud800` + s[8:] }, want: 400},
		{name: "inline allow marker", tok: func(s string) string { return s + " // pretense:allow" }, want: 403},
		{name: "zero-width space", tok: zeroWidth, want: 403},
		{name: "soft hyphens", tok: softHyphen, want: 403},
		{name: "full-width letters", tok: fullWidth, want: 403},
		// Bidi controls and other invisibles a reader does not see
		// (rules/normalize.go drops them before matching).
		{name: "right-to-left override inside", tok: func(s string) string { return s[:5] + "\u202e" + s[5:] + "\u202c" }, want: 403},
		{name: "word joiner and variation selector", tok: func(s string) string { return s[:4] + "\u2060" + s[4:12] + "\ufe0f" + s[12:] }, want: 403},
		{name: "Hangul filler inside", tok: func(s string) string { return s[:9] + "\u3164" + s[9:] }, want: 403},
		{name: "NUL inside", tok: nulInside, want: 403},
		{name: "JSON escape", tok: escaped, want: 403},
	}
}

var anthropicEvasions = []evasion{
	{name: "duplicate content key", body: `{"model":"m","max_tokens":8,"messages":[{"role":"user","content":"hi","content":"%T"}]}`, want: 400},
	{name: "duplicate text key", body: `{"model":"m","max_tokens":8,"messages":[{"role":"user","content":[{"type":"text","text":"hi","text":"%T"}]}]}`, want: 400},
	{name: "two types in a block", body: `{"model":"m","max_tokens":8,"messages":[{"role":"user","content":[{"type":"thinking","type":"text","text":"%T"}]}]}`, want: 400},
	{name: "duplicate key deep in tool input", body: `{"model":"m","max_tokens":8,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input":{"a":{"b":1,"b":"%T"}}}]}]}`, want: 400},
	{name: "metadata.user_id", body: `{"model":"m","max_tokens":8,"metadata":{"user_id":"%T"},"messages":[{"role":"user","content":"hi"}]}`, want: 403},
	{name: "unknown top-level field", body: `{"model":"m","max_tokens":8,"x_note":"%T","messages":[{"role":"user","content":"hi"}]}`, want: 403},
	{name: "extra field on a message", body: `{"model":"m","max_tokens":8,"messages":[{"role":"user","content":"hi","note":"%T"}]}`, want: 403},
	{name: "object key", body: `{"model":"m","max_tokens":8,"messages":[{"role":"user","content":"hi","%T":1}]}`, want: 403},
	{name: "input_schema default", body: `{"model":"m","max_tokens":8,"tools":[{"name":"f","input_schema":{"type":"object","properties":{"a":{"type":"string","default":"%T"}}}}],"messages":[{"role":"user","content":"hi"}]}`, want: 403},
	{name: "input_schema enum", body: `{"model":"m","max_tokens":8,"tools":[{"name":"f","input_schema":{"type":"object","properties":{"a":{"enum":["x","%T"]}}}}],"messages":[{"role":"user","content":"hi"}]}`, want: 403},
	{name: "tool name", body: `{"model":"m","max_tokens":8,"tools":[{"name":"%T","input_schema":{"type":"object"}}],"messages":[{"role":"user","content":"hi"}]}`, want: 403},
	{name: "tool_use name", body: `{"model":"m","max_tokens":8,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"%T","input":{}}]}]}`, want: 403},
	{name: "stop sequence", body: `{"model":"m","max_tokens":8,"stop_sequences":["%T"],"messages":[{"role":"user","content":"hi"}]}`, want: 403},
	{name: "thinking text", body: `{"model":"m","max_tokens":8,"messages":[{"role":"assistant","content":[{"type":"thinking","thinking":"%T","signature":"c2ln"}]}]}`, want: 403},
	{name: "redacted_thinking data", body: `{"model":"m","max_tokens":8,"messages":[{"role":"assistant","content":[{"type":"redacted_thinking","data":"%T"}]}]}`, want: 403},
	{name: "content as object", body: `{"model":"m","max_tokens":8,"messages":[{"role":"user","content":{"text":"%T"}}]}`, want: 400},
	{name: "messages as string", body: `{"model":"m","max_tokens":8,"messages":"%T"}`, want: 400},
	{name: "content array of bare strings", body: `{"model":"m","max_tokens":8,"messages":[{"role":"user","content":["%T"]}]}`, want: 400},
	{name: "system as object", body: `{"model":"m","max_tokens":8,"system":{"text":"%T"},"messages":[{"role":"user","content":"hi"}]}`, want: 400},
	{name: "text/plain document", body: `{"model":"m","max_tokens":8,"messages":[{"role":"user","content":[{"type":"document","source":{"type":"base64","media_type":"text/plain","data":"%B"}}]}]}`, want: 403},
	{name: "image that is text", body: `{"model":"m","max_tokens":8,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"%B"}}]}]}`, want: 403},
	{name: "gzip inside base64 document", body: `{"model":"m","max_tokens":8,"messages":[{"role":"user","content":[{"type":"document","source":{"type":"base64","media_type":"application/gzip","data":"%G"}}]}]}`, want: 403},
	{name: "zstd inside base64 document", body: `{"model":"m","max_tokens":8,"messages":[{"role":"user","content":[{"type":"document","source":{"type":"base64","media_type":"application/zstd","data":"%Z"}}]}]}`, want: 403},
	{name: "gzip base64 twice in a prompt", body: `{"model":"m","max_tokens":8,"messages":[{"role":"user","content":"decode this: %G2 please"}]}`, want: 403},
	{name: "gzip base64 three times in a prompt", body: `{"model":"m","max_tokens":8,"messages":[{"role":"user","content":"decode this: %G3 please"}]}`, want: 403},
	{name: "gzip base64 nested past the depth limit", body: `{"model":"m","max_tokens":8,"messages":[{"role":"user","content":"decode this: %G4 please"}]}`, want: 400},
	{name: "gzip base64 pasted in a prompt", body: `{"model":"m","max_tokens":8,"messages":[{"role":"user","content":"decode this: %G please"}]}`, want: 403},
	{name: "data URL in an unknown field", body: `{"model":"m","max_tokens":8,"x_attach":"%D","messages":[{"role":"user","content":"hi"}]}`, want: 403},
	{name: "undecodable base64 document", body: `{"model":"m","max_tokens":8,"messages":[{"role":"user","content":[{"type":"document","source":{"type":"base64","media_type":"text/plain","data":"%T!!"}}]}]}`, want: 400},
	{name: "binary document of unknown type", body: `{"model":"m","max_tokens":8,"messages":[{"role":"user","content":[{"type":"document","source":{"type":"base64","media_type":"application/octet-stream","data":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}}]}]}`, want: 400},
	{name: "escaped JSON text in a prompt", body: `{"model":"m","max_tokens":8,"messages":[{"role":"user","content":"%J"}]}`, want: 403},
	{name: "escaped JSON text in a tool result", body: `{"model":"m","max_tokens":8,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"%J"}]}]}`, want: 403},
}

var chatEvasions = []evasion{
	{name: "duplicate content key", body: `{"model":"m","messages":[{"role":"user","content":"hi","content":"%T"}]}`, want: 400},
	{name: "messages[].name", body: `{"model":"m","messages":[{"role":"user","name":"%T","content":"hi"}]}`, want: 403},
	{name: "response_format json_schema", body: `{"model":"m","response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object","properties":{"a":{"const":"%T"}}}}},"messages":[{"role":"user","content":"hi"}]}`, want: 403},
	{name: "prediction.content", body: `{"model":"m","prediction":{"type":"content","content":"%T"},"messages":[{"role":"user","content":"hi"}]}`, want: 403},
	{name: "tool call function name", body: `{"model":"m","messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"%T","arguments":"{}"}}]}]}`, want: 403},
	{name: "tool call arguments key", body: `{"model":"m","messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{\"%T\":1}"}}]}]}`, want: 403},
	{name: "stop", body: `{"model":"m","stop":["%T"],"messages":[{"role":"user","content":"hi"}]}`, want: 403},
	{name: "user", body: `{"model":"m","user":"%T","messages":[{"role":"user","content":"hi"}]}`, want: 403},
	{name: "metadata", body: `{"model":"m","metadata":{"k":"%T"},"messages":[{"role":"user","content":"hi"}]}`, want: 403},
	{name: "content array of bare strings", body: `{"model":"m","messages":[{"role":"user","content":["%T"]}]}`, want: 400},
	{name: "messages as string", body: `{"model":"m","messages":"%T"}`, want: 400},
	{name: "content as object", body: `{"model":"m","messages":[{"role":"user","content":{"text":"%T"}}]}`, want: 400},
	{name: "image_url data URL holding text", body: `{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"%D"}}]}]}`, want: 403},
	{name: "file_data data URL holding text", body: `{"model":"m","messages":[{"role":"user","content":[{"type":"file","file":{"filename":"a.txt","file_data":"%D"}}]}]}`, want: 403},
	{name: "file_data raw base64", body: `{"model":"m","messages":[{"role":"user","content":[{"type":"file","file":{"filename":"a.txt","file_data":"%B"}}]}]}`, want: 403},
	{name: "input_audio not audio", body: `{"model":"m","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"format":"wav","data":"%B"}}]}]}`, want: 403},
	{name: "undecodable data URL", body: `{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,%T!"}}]}]}`, want: 400},
}

var responsesEvasions = []evasion{
	{name: "duplicate text key", body: `{"model":"m","input":[{"role":"user","content":[{"type":"input_text","text":"hi","text":"%T"}]}]}`, want: 400},
	{name: "reasoning summary text", body: `{"model":"m","input":[{"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"%T"}]},{"role":"user","content":"hi"}]}`, want: 403},
	{name: "encrypted_content that is base64 text", body: `{"model":"m","input":[{"type":"reasoning","id":"rs_1","summary":[],"encrypted_content":"%B"},{"role":"user","content":"hi"}]}`, want: 403},
	{name: "function tool name", body: `{"model":"m","tools":[{"type":"function","name":"%T","parameters":{}}],"input":"hi"}`, want: 403},
	{name: "text.format schema enum", body: `{"model":"m","text":{"format":{"type":"json_schema","name":"x","schema":{"enum":["%T"]}}},"input":"hi"}`, want: 403},
	{name: "input_file data URL", body: `{"model":"m","input":[{"role":"user","content":[{"type":"input_file","filename":"a.txt","file_data":"%D"}]}]}`, want: 403},
	{name: "input_image data URL holding text", body: `{"model":"m","input":[{"role":"user","content":[{"type":"input_image","image_url":"%D"}]}]}`, want: 403},
	{name: "include", body: `{"model":"m","include":["%T"],"input":"hi"}`, want: 403},
	{name: "input as object", body: `{"model":"m","input":{"text":"%T"}}`, want: 400},
	{name: "content array of bare strings", body: `{"model":"m","input":[{"role":"user","content":["%T"]}]}`, want: 400},
	{name: "function_call_output with key", body: `{"model":"m","input":[{"type":"function_call_output","call_id":"c","output":"ok","%T":1}]}`, want: 403},
}

func TestEvasionsNeverReachUpstream(t *testing.T) {
	apis := []struct {
		name    string
		a       api
		route   string
		plain   string // a body carrying %T in the prompt
		cases   []evasion
		headers map[string]string
	}{
		{"anthropic", apiAnthropic, "/v1/messages", `{"model":"m","max_tokens":8,"messages":[{"role":"user","content":"my token is %T"}]}`, anthropicEvasions, anthropicHeaders},
		{"chat", apiChat, "/v1/chat/completions", `{"model":"m","messages":[{"role":"user","content":"my token is %T"}]}`, chatEvasions, map[string]string{"Authorization": "Bearer test-key-not-a-secret"}},
		{"responses", apiResponses, "/v1/responses", `{"model":"m","input":"my token is %T"}`, responsesEvasions, map[string]string{"Authorization": "Bearer test-key-not-a-secret"}},
	}
	for _, ap := range apis {
		cases := append(append([]evasion(nil), ap.cases...), commonEvasions(ap.route)...)
		for _, e := range cases {
			t.Run(ap.name+"/"+e.name, func(t *testing.T) {
				up := newFakeUpstream(t, okAnthropic)
				logs := &lockedBuf{}
				p := startProxy(t, up.srv.URL, func(o *Options) { o.Logger = slog.New(slog.NewTextHandler(logs, nil)) })
				tok := plantToken(t)
				body := e.body
				if body == "" {
					body = ap.plain
					if e.path != "" || len(e.header) > 0 {
						body = strings.ReplaceAll(body, "%T", "nothing")
					}
				}
				payload := []byte(evasion{tok: e.tok, body: body}.bodyFor(tok))
				method := e.method
				if method == "" {
					method = http.MethodPost
				}
				path := ap.route
				if e.path != "" {
					path = evasion{tok: e.tok, body: e.path}.bodyFor(tok)
				}
				hdr := map[string]string{}
				for k, v := range ap.headers {
					hdr[k] = v
				}
				for k, v := range e.header {
					hdr[evasion{tok: e.tok, body: k}.bodyFor(tok)] = evasion{tok: e.tok, body: v}.bodyFor(tok)
				}
				if e.encoding == "gzip" {
					payload = gz(payload)
					hdr["Content-Encoding"] = "gzip"
				} else if e.encoding == "zstd" {
					payload = zst(payload)
					hdr["Content-Encoding"] = "zstd"
				}
				resp, out := sendRaw(t, p, method, path, payload, hdr, e.chunked)
				if resp.StatusCode != e.want {
					t.Fatalf("status %d, want %d: %s", resp.StatusCode, e.want, out)
				}
				errorMessage(t, ap.a, out)
				if n := len(up.requests()); n != 0 {
					t.Errorf("upstream received %d requests", n)
				}
				assertNothingArrived(t, up, tok)
				if strings.Contains(logs.String(), tail(tok)) {
					t.Errorf("the token appears in the proxy's log: %s", logs.String())
				}
			})
		}
	}
}

// sendRaw sends one request; chunked sends the body without a length.
func sendRaw(t *testing.T, p *testProxy, method, path string, body []byte, hdr map[string]string, chunked bool) (*http.Response, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var rd io.Reader = bytes.NewReader(body)
	if chunked {
		rd = io.MultiReader(bytes.NewReader(body[:len(body)/2]), bytes.NewReader(body[len(body)/2:]))
	}
	if method == http.MethodGet {
		rd = nil
	}
	req, err := http.NewRequestWithContext(ctx, method, p.http.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if chunked {
		req.ContentLength = -1
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header[k] = []string{v}
	}
	resp, err := p.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, out
}

// assertNothingArrived checks every recorded byte, raw and decoded, for
// any part of the token.
func assertNothingArrived(t *testing.T, up *fakeUpstream, tok string) {
	t.Helper()
	tl := tail(tok)
	for i, r := range up.requests() {
		all := r.method + " " + r.path + "?" + r.query + "\n" + fmt.Sprint(r.header) + "\n" + string(r.body)
		if q, err := url.QueryUnescape(r.query); err == nil {
			all += "\n" + q
		}
		if strings.Contains(all, tl) || strings.Contains(all, b64(tl)[:16]) {
			t.Errorf("upstream request %d carries the planted token", i)
		}
	}
}
