package proxy

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Realistic request bodies, shaped like what Claude Code, the OpenAI SDK
// and Codex send (fields, nesting, ids, cache_control, reasoning items).
const (
	seedClaudeCode = `{"model":"claude-sonnet-4-5","max_tokens":32000,"stream":true,` +
		`"system":[{"type":"text","text":"You are Claude Code, Anthropic's official CLI for Claude.","cache_control":{"type":"ephemeral"}}],` +
		`"tools":[{"name":"Read","description":"Reads a file from the local filesystem.","input_schema":{"type":"object","properties":{"file_path":{"type":"string","description":"The absolute path to the file to read"},"limit":{"type":"number"}},"required":["file_path"],"additionalProperties":false,"$schema":"http://json-schema.org/draft-07/schema#"}}],` +
		`"metadata":{"user_id":"user_abc_account__session_1234"},` +
		`"thinking":{"type":"enabled","budget_tokens":4000},` +
		`"messages":[{"role":"user","content":[{"type":"text","text":"<system-reminder>context</system-reminder>"},{"type":"text","text":"fix the failing test in src/app.ts","cache_control":{"type":"ephemeral"}}]},` +
		`{"role":"assistant","content":[{"type":"thinking","thinking":"Let me read the file.","signature":"RXFvQ2tnWUlCUkFCR0FJcVFFbmE="},{"type":"tool_use","id":"toolu_01","name":"Read","input":{"file_path":"/repo/src/app.ts"}}]},` +
		`{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01","content":"     1\texport const app = () => 1;\n"}]}]}`
	seedOpenAISDK = `{"model":"gpt-4.1","messages":[{"role":"system","content":"You are a helpful assistant."},` +
		`{"role":"user","content":[{"type":"text","text":"Summarise this."},{"type":"image_url","image_url":{"url":"https://example.invalid/a.png","detail":"low"}}]},` +
		`{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},` +
		`{"role":"tool","tool_call_id":"call_1","content":"{\"temp\":21}"}],` +
		`"tools":[{"type":"function","function":{"name":"get_weather","description":"Weather by city","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]},"strict":true}}],` +
		`"response_format":{"type":"json_schema","json_schema":{"name":"summary","schema":{"type":"object","properties":{"text":{"type":"string"}}},"strict":true}},` +
		`"stream":true,"stream_options":{"include_usage":true},"temperature":0.2,"user":"u-42"}`
	seedCodex = `{"model":"gpt-5-codex","instructions":"You are Codex, based on GPT-5.","input":[` +
		`{"type":"message","role":"user","content":[{"type":"input_text","text":"<environment_context><cwd>/repo</cwd></environment_context>"}]},` +
		`{"type":"message","role":"user","content":[{"type":"input_text","text":"run the tests"}]},` +
		`{"type":"reasoning","summary":[{"type":"summary_text","text":"Planning to run tests"}],"encrypted_content":"gAAAAABo_opaque_ciphertext_0123"},` +
		`{"type":"function_call","name":"shell","arguments":"{\"command\":[\"bash\",\"-lc\",\"go test ./...\"]}","call_id":"call_9"},` +
		`{"type":"function_call_output","call_id":"call_9","output":"{\"output\":\"ok\\n\",\"metadata\":{\"exit_code\":0}}"}],` +
		`"tools":[{"type":"function","name":"shell","description":"Runs a shell command","strict":false,"parameters":{"type":"object","properties":{"command":{"type":"array","items":{"type":"string"}}},"required":["command"]}}],` +
		`"tool_choice":"auto","parallel_tool_calls":false,"reasoning":{"effort":"medium","summary":"auto"},"store":false,"stream":true,` +
		`"include":["reasoning.encrypted_content"],"prompt_cache_key":"0199-abcd"}`
)

// leakHarness is one proxy and a recording upstream, shared by the fuzz
// iterations (they run one at a time).
type leakHarness struct {
	srv   *Server
	proxy *httptest.Server
	up    *httptest.Server
	tr    *http.Transport
	mu    sync.Mutex
	last  []byte
	got   bool
}

func newLeakHarness(t testing.TB) *leakHarness {
	h := &leakHarness{tr: &http.Transport{}}
	h.up = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.last = append([]byte(r.URL.String()+"\n"), b...)
		h.got = true
		h.mu.Unlock()
		okAnthropic(w, r, b)
	}))
	s, err := New(Options{Key: testKey, AnthropicUpstream: h.up.URL, OpenAIUpstream: h.up.URL + "/v1"})
	if err != nil {
		t.Fatal(err)
	}
	h.srv = s
	h.proxy = httptest.NewServer(s)
	return h
}

func (h *leakHarness) close() {
	h.tr.CloseIdleConnections()
	h.proxy.Close()
	h.up.Close()
	h.srv.Close()
}

// send posts body and returns what reached the upstream (nil: nothing).
func (h *leakHarness) send(t *testing.T, path string, body []byte, hdr map[string]string) (int, []byte) {
	h.mu.Lock()
	h.last, h.got = nil, false
	h.mu.Unlock()
	req, _ := http.NewRequest(http.MethodPost, h.proxy.URL+path, bytes.NewReader(body))
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := (&http.Client{Transport: h.tr}).Do(req)
	if err != nil {
		t.Fatalf("proxy: %v", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.got {
		return resp.StatusCode, nil
	}
	return resp.StatusCode, h.last
}

// readable returns the forms of b a reader of the upstream's copy could
// recover a token from: the bytes, every JSON string and key decoded, and
// all of that with invisible characters removed and NFKC applied, and
// base64 runs decoded.
func readable(b []byte) string {
	var parts []string
	parts = append(parts, string(b))
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			parts = append(parts, x)
			var inner any
			if json.Unmarshal([]byte(x), &inner) == nil {
				walk(inner)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for k, e := range x {
				parts = append(parts, k)
				walk(e)
			}
		}
	}
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		var v any
		if json.Unmarshal(b[i+1:], &v) == nil {
			walk(v)
		}
	}
	all := strings.Join(parts, "\n")
	clean := strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) || r == 0 {
			return -1
		}
		return r
	}, norm.NFKC.String(all))
	out := all + "\n" + clean
	for _, f := range strings.FieldsFunc(all, func(r rune) bool { return !isB64Byte(byte(r)) || r > 0x7f }) {
		if len(f) >= 24 {
			if d, err := base64.StdEncoding.DecodeString(f + strings.Repeat("=", (4-len(f)%4)%4)); err == nil {
				out += "\n" + string(d)
			}
		}
	}
	return out
}

// plantForms are the ways the harness writes the token into the body.
var plantForms = []func(tok string) string{
	func(tok string) string { return tok },
	func(tok string) string { return `\u0067` + tok[1:] },
	func(tok string) string { return tok[:7] + `\u200b` + tok[7:] },
	func(tok string) string { return tok[:3] + "\u00ad" + tok[3:] },
	func(tok string) string { return fullWidth(tok) },
	func(tok string) string { return "data:text/plain;base64," + b64("K="+tok) },
	func(tok string) string { return b64(string(gz([]byte("GITHUB_TOKEN=" + tok)))) },
	func(tok string) string { return tok + ` pretense:allow` },
}

// FuzzPlantedSecretNeverReachesUpstream mutates realistic request bodies
// (the fuzzer changes the bytes), plants a token at a position the fuzzer
// picks (inside a string value, as a key, or as a new field), in one of
// several disguises, sends it through the real proxy and checks that the
// token is not readable in anything the upstream received.
func FuzzPlantedSecretNeverReachesUpstream(f *testing.F) {
	for i, s := range []string{seedClaudeCode, seedOpenAISDK, seedCodex} {
		for form := range plantForms {
			f.Add(uint8(i), uint16(form*7+3), uint8(form), []byte(s))
		}
	}
	h := newLeakHarness(f)
	defer h.close()
	tok := plantToken(f)
	routes := []struct {
		path string
		hdr  map[string]string
	}{
		{"/v1/messages", anthropicHeaders},
		{"/v1/chat/completions", map[string]string{"Authorization": "Bearer test-key-not-a-secret"}},
		{"/v1/responses", map[string]string{"Authorization": "Bearer test-key-not-a-secret"}},
	}
	f.Fuzz(func(t *testing.T, which uint8, pos uint16, form uint8, body []byte) {
		// Spaces around it: a token glued to letters on both sides is not
		// a token the rules claim to find (their patterns end at a word
		// boundary), and the harness would report that, not a leak.
		planted := " " + plantForms[int(form)%len(plantForms)](tok) + " "
		b := plantAt(body, int(pos), planted)
		rt := routes[int(which)%len(routes)]
		status, got := h.send(t, rt.path, b, rt.hdr)
		if got == nil {
			if status == 200 {
				t.Fatalf("200 without an upstream request")
			}
			return
		}
		if strings.Contains(readable(got), tail(tok)) {
			t.Fatalf("the planted token reached the upstream (status %d)\nsent: %q\ngot:  %q", status, b, got)
		}
	})
}

// plantAt inserts s into the JSON text body: inside the k-th string value
// or key, or as a new member of the k-th object; when body is not JSON,
// at byte k.
func plantAt(body []byte, k int, s string) []byte {
	d, err := parseJSON(body)
	if err != nil || len(d.nodes) == 0 {
		k %= len(body) + 1
		return append(append(append([]byte(nil), body[:k]...), s...), body[k:]...)
	}
	var spots []int // byte offsets where s can go
	for _, n := range d.nodes {
		switch n.kind {
		case jStr:
			spots = append(spots, n.start+1+(n.end-n.start-2)/2)
		case jObj:
			spots = append(spots, -(n.start + 1)) // new member after '{'
		}
		if n.keyEnd > 0 {
			spots = append(spots, n.keyStart+1)
		}
	}
	if len(spots) == 0 {
		return append(append([]byte(nil), body...), s...)
	}
	at := spots[k%len(spots)]
	if at < 0 {
		at = -at
		ins := `"x_planted":"` + s + `",`
		if body[at] == '}' || isWS(body[at]) && bytes.TrimLeft(body[at:], " \t\r\n")[0] == '}' {
			ins = ins[:len(ins)-1]
		}
		return append(append(append([]byte(nil), body[:at]...), ins...), body[at:]...)
	}
	// Inside a string: keep escapes whole by moving to a position that is
	// not just after a backslash.
	for at > 0 && body[at-1] == '\\' {
		at--
	}
	return append(append(append([]byte(nil), body[:at]...), s...), body[at:]...)
}

func isWS(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
