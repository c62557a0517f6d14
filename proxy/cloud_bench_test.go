package proxy

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pretense/pretense/rules"
)

// cloudBenchRoute is one route with the same 64 KB, 200-identifier prompt
// in its API's body shape.
type cloudBenchRoute struct {
	name, path string
	body       []byte
	header     map[string]string
}

func cloudBenchRoutes(b *testing.B) []cloudBenchRoute {
	var req struct {
		Messages []struct {
			Content []struct{ Text string } `json:"content"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(benchBody(), &req); err != nil {
		b.Fatal(err)
	}
	code := req.Messages[0].Content[0].Text
	anthropicNoModel := mustJSON(map[string]any{
		"anthropic_version": "bedrock-2023-05-31", "max_tokens": 1024, "system": "You are a careful reviewer.",
		"messages": []any{map[string]any{"role": "user", "content": []any{map[string]any{"type": "text", "text": code}}}},
	})
	return []cloudBenchRoute{
		{"anthropic", "/v1/messages", benchBody(), map[string]string{"anthropic-version": "2023-06-01"}},
		{"bedrock-invoke", "/model/anthropic.claude-test-v1:0/invoke", []byte(anthropicNoModel), nil},
		{"bedrock-converse", "/model/anthropic.claude-test-v1:0/converse", []byte(mustJSON(map[string]any{
			"system":   []any{map[string]string{"text": "You are a careful reviewer."}},
			"messages": []any{map[string]any{"role": "user", "content": []any{map[string]string{"text": code}}}},
		})), nil},
		{"vertex-anthropic", "/v1/projects/p/locations/us-east5/publishers/anthropic/models/claude-test:rawPredict", []byte(anthropicNoModel), nil},
		{"vertex-gemini", "/v1beta1/projects/p/locations/us-central1/publishers/google/models/gemini-test:generateContent", []byte(mustJSON(map[string]any{
			"contents": []any{map[string]any{"role": "user", "parts": []any{map[string]string{"text": code}}}},
		})), nil},
		{"gemini-api", "/v1beta/models/gemini-test:generateContent", []byte(mustJSON(map[string]any{
			"contents": []any{map[string]any{"role": "user", "parts": []any{map[string]string{"text": code}}}},
		})), map[string]string{"x-goog-api-key": "bench"}},
		{"azure-chat", "/openai/deployments/gpt-test/chat/completions?api-version=2024-10-21", []byte(mustJSON(map[string]any{
			"messages": []any{map[string]any{"role": "user", "content": code}},
		})), map[string]string{"api-key": "bench"}},
	}
}

// BenchmarkCloudRouteOverhead measures what each cloud route adds to a
// request, next to the Anthropic route: every iteration sends the same
// 64 KB prompt (repeat: the clean-text cache applies, as for an agent
// resending its history) once per route through pretense and once
// straight to the fake upstream, in rotating order. Bedrock requests are
// SigV4-signed and Vertex ones carry an ADC token (cached after the first
// request), as in production. It reports each route's added median
// latency and its ratio to the Anthropic route's.
//
//	go test ./proxy -run '^$' -bench CloudRouteOverhead -benchtime 200x
func BenchmarkCloudRouteOverhead(b *testing.B) {
	awsTestCreds(b)
	googleTestADC(b)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.Contains(r.URL.Path, ":generateContent"):
			io.WriteString(w, `{"candidates":[{"content":{"role":"model","parts":[{"text":"Looks fine."}]},"finishReason":"STOP","index":0}]}`)
		case strings.HasSuffix(r.URL.Path, "/converse"):
			io.WriteString(w, `{"output":{"message":{"role":"assistant","content":[{"text":"Looks fine."}]}},"stopReason":"end_turn"}`)
		case strings.HasSuffix(r.URL.Path, "/chat/completions"):
			io.WriteString(w, `{"id":"c","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Looks fine."},"finish_reason":"stop"}]}`)
		default:
			io.WriteString(w, benchResponse)
		}
	}))
	defer up.Close()
	s, err := New(Options{
		Key: testKey, Audit: &memSink{}, PHIMode: rules.ModeStandard,
		AnthropicUpstream: up.URL, OpenAIUpstream: up.URL,
		BedrockUpstream: up.URL, VertexUpstream: up.URL, AzureOpenAIUpstream: up.URL, GeminiUpstream: up.URL,
	})
	if err != nil {
		b.Fatal(err)
	}
	px := httptest.NewServer(s)
	defer px.Close()
	defer s.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	routes := cloudBenchRoutes(b)
	send := func(base string, rt cloudBenchRoute) time.Duration {
		req, _ := http.NewRequest(http.MethodPost, base+rt.path, bytes.NewReader(rt.body))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range rt.header {
			req.Header.Set(k, v)
		}
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("%s: %s", rt.name, resp.Status)
		}
		return time.Since(start)
	}
	for _, rt := range routes {
		send(px.URL, rt)
		send(up.URL, rt)
	}
	added := make([][]time.Duration, len(routes))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := range routes {
			k := (i + j) % len(routes)
			d := send(px.URL, routes[k]) - send(up.URL, routes[k])
			added[k] = append(added[k], d)
		}
	}
	b.StopTimer()
	base := percentile(added[0], 0.5)
	for k, rt := range routes {
		p50 := percentile(added[k], 0.5)
		b.ReportMetric(ms(p50), rt.name+"-added-p50-ms")
		if k > 0 && base > 0 {
			b.ReportMetric(float64(p50)/float64(base), rt.name+"-x-anthropic")
		}
	}
}
