package proxy

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/azure"
	"github.com/openai/openai-go/v3/option"
	"google.golang.org/genai"
)

func TestGeminiAPISDK(t *testing.T) {
	for _, streaming := range []bool{false, true} {
		t.Run(fmt.Sprintf("stream=%v", streaming), func(t *testing.T) {
			key := "gemini-key-" + randHex(t, 12)
			gem := geminiFake(t)
			up := newFakeUpstream(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
				if r.Header.Get("X-Goog-Api-Key") != key {
					t.Errorf("x-goog-api-key not passed through: %v", r.Header)
				}
				gem(w, r, body)
			})
			p := cloudProxy(t, up.srv.URL)
			c, err := genai.NewClient(context.Background(), &genai.ClientConfig{
				Backend: genai.BackendGeminiAPI, APIKey: key, HTTPClient: p.client,
				HTTPOptions: genai.HTTPOptions{BaseURL: p.http.URL},
			})
			if err != nil {
				t.Fatal(err)
			}
			text, code := runGenai(t, c, streaming)
			reqs := up.requests()
			assertClean(t, reqs)
			if text != fixturePrompt || code != fixturePrompt {
				t.Errorf("not restored:\n text %q\n code %q", text, code)
			}
			// genai uses /v1 for the Gemini API now; Gemini CLI and older
			// SDKs use /v1beta. Both are served.
			if !strings.HasPrefix(reqs[0].path, "/v1/models/gemini-test:") {
				t.Errorf("upstream path %q", reqs[0].path)
			}
			resp, out := p.post(t, "/v1beta/models/gemini-test:generateContent", []byte(mustJSON(map[string]any{"contents": []any{map[string]any{"role": "user", "parts": []any{map[string]string{"text": fixturePrompt}}}}})), map[string]string{"x-goog-api-key": key})
			if resp.StatusCode != 200 || !strings.Contains(string(out), "lookupPatientRecord") {
				t.Errorf("/v1beta: %d %s", resp.StatusCode, out)
			}
			assertClean(t, up.requests())
			e := p.sink.waitEntries(t, 1)[0]
			if e.Outcome != "forwarded" || e.Model != "gemini-test" || e.RoundTripFidelity != 1 || strings.Contains(fmt.Sprintf("%+v", e), key) {
				t.Errorf("audit entry: %+v", e)
			}
		})
	}
}

func TestAzureOpenAISDK(t *testing.T) {
	for _, streaming := range []bool{false, true} {
		for _, bearer := range []bool{false, true} {
			t.Run(fmt.Sprintf("stream=%v/bearer=%v", streaming, bearer), func(t *testing.T) {
				key := "azure-key-" + randHex(t, 12)
				chat := chatFake(t)
				up := newFakeUpstream(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
					if bearer && r.Header.Get("Authorization") != "Bearer "+key || !bearer && r.Header.Get("Api-Key") != key {
						t.Errorf("Azure credential not passed through: %v", r.Header)
					}
					chat(w, r, body)
				})
				p := cloudProxy(t, up.srv.URL)
				opts := []option.RequestOption{option.WithHTTPClient(p.client), option.WithMaxRetries(0)}
				if bearer {
					// Microsoft's documented v1 set-up: the key as a Bearer token.
					opts = append(opts, option.WithBaseURL(p.http.URL+"/openai/v1/"), option.WithAPIKey(key))
				} else {
					opts = append(opts, azure.WithEndpoint(p.http.URL, "2024-10-21"), azure.WithAPIKey(key), azure.WithUnsafeAllowHTTP())
				}
				client := openai.NewClient(opts...)
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				var text, args string
				if streaming {
					stream := client.Chat.Completions.NewStreaming(ctx, chatParams())
					var acc openai.ChatCompletionAccumulator
					for stream.Next() {
						acc.AddChunk(stream.Current())
					}
					if err := stream.Err(); err != nil {
						t.Fatalf("stream: %v", err)
					}
					stream.Close()
					text = acc.Choices[0].Message.Content
					args = acc.Choices[0].Message.ToolCalls[0].Function.Arguments
				} else {
					res, err := client.Chat.Completions.New(ctx, chatParams())
					if err != nil {
						t.Fatalf("New: %v", err)
					}
					text = res.Choices[0].Message.Content
					args = res.Choices[0].Message.ToolCalls[0].Function.Arguments
				}
				reqs := up.requests()
				assertClean(t, reqs)
				want := "/openai/deployments/gpt-test/chat/completions"
				if bearer {
					want = "/openai/v1/chat/completions"
				}
				if reqs[0].path != want {
					t.Errorf("upstream path %q, want %q", reqs[0].path, want)
				}
				if text != fixturePrompt || args != mustJSON(map[string]string{"code": fixturePrompt}) {
					t.Errorf("not restored:\n text %q\n args %q", text, args)
				}
			})
		}
	}
}

// TestCloudRefusals: paths the cloud routes do not serve, and Azure
// without an endpoint, are refused in the API's shape and never sent.
func TestCloudRefusals(t *testing.T) {
	up := newFakeUpstream(t, okAnthropic)
	p := cloudProxy(t, up.srv.URL, func(o *Options) { o.AzureOpenAIUpstream, o.VertexUpstream = "", "" })
	tests := []struct {
		path, want string
		status     int
	}{
		{"/openai/deployments/d/chat/completions?api-version=2024-10-21", EnvAzureOpenAIUpstream, 404},
		{"/openai/deployments/d/embeddings", "Azure OpenAI paths served", 404},
		{"/model/m/invoke-agent", "not proxied", 404},
		{"/v1/projects/p/locations/evil.example.com%2F/publishers/google/models/m:generateContent", "a Vertex AI path is", 404},
		{"/v1/projects/p/locations/evil.example.com/publishers/google/models/m:generateContent", "not a location name", 404},
		{"/v1/projects/p/models/m:generateContent", "a Vertex AI path is", 404},
		{"/v1/projects/p/locations/us/publishers/meta/models/m:rawPredict", "publisher", 404},
		{"/v1beta/models/m:embedContent", "Gemini API paths", 404},
	}
	for _, tc := range tests {
		resp, out := p.post(t, tc.path, []byte(`{"contents":[]}`), nil)
		if resp.StatusCode != tc.status || !strings.Contains(string(out), tc.want) {
			t.Errorf("%s: %d %s", tc.path, resp.StatusCode, out)
		}
	}
	if n := len(up.requests()); n != 0 {
		t.Errorf("upstream got %d requests", n)
	}
}

// TestH2C: the real listener speaks HTTP/2 with prior knowledge (the AWS
// JS SDK's default to an http:// endpoint) next to HTTP/1.1.
func TestH2C(t *testing.T) {
	up := newFakeUpstream(t, anthropicFake(t))
	s, err := New(Options{Key: testKey, AnthropicUpstream: up.srv.URL, OpenAIUpstream: up.srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	defer func() { cancel(); <-done }()
	for _, h2 := range []bool{false, true} {
		tr := &http.Transport{Protocols: new(http.Protocols)}
		if h2 {
			tr.Protocols.SetUnencryptedHTTP2(true)
		} else {
			tr.Protocols.SetHTTP1(true)
		}
		req, _ := http.NewRequest(http.MethodPost, "http://"+ln.Addr().String()+"/v1/messages", strings.NewReader(mustJSON(map[string]any{"model": "m", "max_tokens": 5, "messages": []any{map[string]string{"role": "user", "content": fixturePrompt}}})))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("anthropic-version", "2023-06-01")
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatalf("h2=%v: %v", h2, err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || (resp.ProtoMajor == 2) != h2 {
			t.Errorf("h2=%v: %d %s", h2, resp.StatusCode, resp.Proto)
		}
		tr.CloseIdleConnections()
	}
	assertClean(t, up.requests())
}
