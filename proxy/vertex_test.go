package proxy

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/auth"
	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"
	"github.com/anthropics/anthropic-sdk-go/v2/vertex"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
	"google.golang.org/genai"
)

// geminiReceived is the text of the last content's last text part.
func geminiReceived(t testing.TB, body []byte) string {
	var req struct {
		Contents []struct {
			Parts []struct{ Text *string } `json:"parts"`
		} `json:"contents"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		t.Errorf("upstream got invalid JSON: %v", err)
		return ""
	}
	text := ""
	if n := len(req.Contents); n > 0 {
		for _, p := range req.Contents[n-1].Parts {
			if p.Text != nil {
				text = *p.Text
			}
		}
	}
	return text
}

// geminiFake answers generateContent (echoing the prompt as text and in a
// function call), streamGenerateContent as SSE cut at odd places, and
// countTokens.
func geminiFake(t testing.TB) func(w http.ResponseWriter, r *http.Request, body []byte) {
	return func(w http.ResponseWriter, r *http.Request, body []byte) {
		_, method, _ := strings.Cut(r.URL.Path, ":")
		w.Header().Set("Content-Type", "application/json")
		switch method {
		case "countTokens":
			fmt.Fprintf(w, `{"totalTokens":%d}`, len(body)/4)
			return
		case "generateContent":
			recv := geminiReceived(t, body)
			fmt.Fprint(w, mustJSON(map[string]any{
				"candidates": []any{map[string]any{
					"content": map[string]any{"role": "model", "parts": []any{
						map[string]any{"text": "thinking about " + recv, "thought": true},
						map[string]any{"text": recv},
						map[string]any{"functionCall": map[string]any{"name": "edit", "args": map[string]string{"code": recv}}},
					}},
					"finishReason": "STOP", "index": 0,
				}},
				"usageMetadata": map[string]int{"promptTokenCount": 1, "candidatesTokenCount": 2, "totalTokenCount": 3},
				"modelVersion":  "gemini-test",
			}))
		case "streamGenerateContent":
			recv := geminiReceived(t, body)
			w.Header().Set("Content-Type", "text/event-stream")
			var out strings.Builder
			chunk := func(parts []any, finish string) {
				c := map[string]any{"content": map[string]any{"role": "model", "parts": parts}, "index": 0}
				if finish != "" {
					c["finishReason"] = finish
				}
				out.WriteString("data: " + mustJSON(map[string]any{"candidates": []any{c}, "modelVersion": "gemini-test"}) + "\r\n\r\n")
			}
			for _, c := range runeChunks(recv, 3) {
				chunk([]any{map[string]any{"text": c}}, "")
			}
			chunk([]any{map[string]any{"functionCall": map[string]any{"name": "edit", "args": map[string]string{"code": recv}}}}, "STOP")
			splitWriter(w, []byte(out.String()), 3, 11, 1, 40)
		default:
			w.WriteHeader(404)
		}
	}
}

// vertexFake is Vertex AI: every request must carry the proxy's ADC token.
func vertexFake(t *testing.T, token string) func(w http.ResponseWriter, r *http.Request, body []byte) {
	gem := geminiFake(t)
	return func(w http.ResponseWriter, r *http.Request, body []byte) {
		if got := r.Header.Get("Authorization"); got != "Bearer "+token {
			t.Errorf("upstream Authorization %q is not the proxy's ADC token", got)
			w.WriteHeader(401)
			return
		}
		p := r.URL.Path
		switch {
		case strings.Contains(p, "/publishers/anthropic/models/count-tokens:rawPredict"):
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"input_tokens":%d}`, len(body)/4)
		case strings.Contains(p, "/publishers/anthropic/"):
			anthropicFake(t)(w, r, body)
		default:
			gem(w, r, body)
		}
	}
}

// clientGoogleCreds are what a client SDK signs with itself; the proxy
// must replace them with its own.
func clientGoogleCreds(t *testing.T) *google.Credentials {
	return &google.Credentials{ProjectID: "test-project", TokenSource: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "client-token-" + randHex(t, 8)})}
}

func TestVertexAnthropicSDK(t *testing.T) {
	for _, streaming := range []bool{false, true} {
		t.Run(fmt.Sprintf("stream=%v", streaming), func(t *testing.T) {
			token, calls := googleTestADC(t)
			up := newFakeUpstream(t, vertexFake(t, token))
			p := cloudProxy(t, up.srv.URL)
			client := anthropic.NewClient(
				vertex.WithCredentials(context.Background(), "us-east5", "test-project", clientGoogleCreds(t)),
				option.WithBaseURL(p.http.URL), option.WithHTTPClient(p.client), option.WithMaxRetries(0))
			msg := runAnthropic(t, client, streaming)
			reqs := up.requests()
			assertClean(t, reqs)
			checkAnthropicMessage(t, msg)
			want := ":rawPredict"
			if streaming {
				want = ":streamRawPredict"
			}
			if !strings.HasPrefix(reqs[0].path, "/v1/projects/test-project/locations/us-east5/publishers/anthropic/models/") || !strings.HasSuffix(reqs[0].path, want) {
				t.Errorf("upstream path %q", reqs[0].path)
			}
			if calls() != 1 {
				t.Errorf("token endpoint called %d times", calls())
			}
			e := p.sink.waitEntries(t, 1)[0]
			if e.Outcome != "forwarded" || e.Model != "claude-test" || strings.Contains(fmt.Sprintf("%+v", e), token) {
				t.Errorf("audit entry: %+v", e)
			}

			// count_tokens goes to the count-tokens model, scanned too.
			params := anthropicParams()
			res, err := client.Messages.CountTokens(context.Background(), anthropic.MessageCountTokensParams{Model: params.Model, Messages: params.Messages})
			if err != nil || res.InputTokens == 0 {
				t.Fatalf("CountTokens: %v %+v", err, res)
			}
			assertClean(t, up.requests())
		})
	}
}

func vertexGenai(t *testing.T, p *testProxy) *genai.Client {
	c, err := genai.NewClient(context.Background(), &genai.ClientConfig{
		Backend: genai.BackendVertexAI, Project: "test-project", Location: "us-central1",
		Credentials: auth.NewCredentials(&auth.CredentialsOptions{TokenProvider: staticTP("client-token-" + randHex(t, 8))}),
		HTTPClient:  p.client,
		HTTPOptions: genai.HTTPOptions{BaseURL: p.http.URL},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type staticTP string

func (s staticTP) Token(context.Context) (*auth.Token, error) {
	return &auth.Token{Value: string(s), Type: "Bearer", Expiry: time.Now().Add(time.Hour)}, nil
}

// runGenai does generateContent (streaming or not) and countTokens and
// returns the text and the function call's code the client saw.
func runGenai(t *testing.T, c *genai.Client, streaming bool) (text, code string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	contents := []*genai.Content{genai.NewContentFromText(fixturePrompt, genai.RoleUser)}
	cfg := &genai.GenerateContentConfig{
		SystemInstruction: genai.NewContentFromText("You review code that handles PatientRecord values.", genai.RoleUser),
		Tools: []*genai.Tool{{FunctionDeclarations: []*genai.FunctionDeclaration{{
			Name: "edit", Description: "Edit PatientRecord code", // pretense:allow (an identifier, not a name)
			Parameters: &genai.Schema{Type: genai.TypeObject, Properties: map[string]*genai.Schema{"code": {Type: genai.TypeString, Description: "the new lookupPatientRecord"}}},
		}}}},
	}
	take := func(r *genai.GenerateContentResponse) {
		for _, cand := range r.Candidates {
			for _, part := range cand.Content.Parts {
				if part.Text != "" && !part.Thought {
					text += part.Text
				}
				if part.FunctionCall != nil {
					code, _ = part.FunctionCall.Args["code"].(string)
				}
			}
		}
	}
	if streaming {
		for r, err := range c.Models.GenerateContentStream(ctx, "gemini-test", contents, cfg) {
			if err != nil {
				t.Fatalf("GenerateContentStream: %v", err)
			}
			take(r)
		}
	} else {
		r, err := c.Models.GenerateContent(ctx, "gemini-test", contents, cfg)
		if err != nil {
			t.Fatalf("GenerateContent: %v", err)
		}
		take(r)
	}
	ct, err := c.Models.CountTokens(ctx, "gemini-test", contents, nil)
	if err != nil || ct.TotalTokens == 0 {
		t.Fatalf("CountTokens: %v %+v", err, ct)
	}
	return text, code
}

func TestVertexGenaiSDK(t *testing.T) {
	for _, streaming := range []bool{false, true} {
		t.Run(fmt.Sprintf("stream=%v", streaming), func(t *testing.T) {
			token, _ := googleTestADC(t)
			up := newFakeUpstream(t, vertexFake(t, token))
			p := cloudProxy(t, up.srv.URL)
			text, code := runGenai(t, vertexGenai(t, p), streaming)
			reqs := up.requests()
			assertClean(t, reqs)
			if text != fixturePrompt || code != fixturePrompt {
				t.Errorf("not restored:\n text %q\n code %q", text, code)
			}
			if !strings.HasPrefix(reqs[0].path, "/v1beta1/projects/test-project/locations/us-central1/publishers/google/models/gemini-test:") {
				t.Errorf("upstream path %q", reqs[0].path)
			}
		})
	}
}

// TestVertexBlockedAndNoCredentials: a secret ends with a 400 in each
// publisher's error shape; without ADC the refusal names what was looked
// for.
func TestVertexBlockedAndNoCredentials(t *testing.T) {
	token, _ := googleTestADC(t)
	up := newFakeUpstream(t, vertexFake(t, token))
	p := cloudProxy(t, up.srv.URL)
	var value string
	for _, v := range secretSamples(t, "secret", "standard") {
		value = v
		break
	}
	client := anthropic.NewClient(
		vertex.WithCredentials(context.Background(), "us-east5", "test-project", clientGoogleCreds(t)),
		option.WithBaseURL(p.http.URL), option.WithHTTPClient(p.client), option.WithMaxRetries(0))
	params := anthropicParams()
	params.Messages = append(params.Messages, anthropic.NewUserMessage(anthropic.NewTextBlock("use "+value)))
	_, err := client.Messages.New(context.Background(), params)
	var ae *anthropic.Error
	if !asErr(err, &ae) || ae.StatusCode != 400 || !strings.Contains(err.Error(), "pretense blocked") {
		t.Errorf("anthropic on Vertex: want a 400 with the reason, got %v", err)
	}
	_, err = vertexGenai(t, p).Models.GenerateContent(context.Background(), "gemini-test", []*genai.Content{genai.NewContentFromText("use "+value, genai.RoleUser)}, nil)
	var ge genai.APIError
	if !asErr(err, &ge) || ge.Code != 400 || ge.Status != "INVALID_ARGUMENT" || !strings.Contains(ge.Message, "pretense blocked") {
		t.Errorf("gemini on Vertex: want a 400 INVALID_ARGUMENT, got %#v", err)
	}
	if n := len(up.requests()); n != 0 {
		t.Errorf("upstream got %d requests", n)
	}

	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", t.TempDir()+"/missing.json")
	t.Setenv("HOME", t.TempDir())
	t.Setenv("CLOUDSDK_CONFIG", t.TempDir())
	t.Setenv("GCE_METADATA_HOST", "127.0.0.1:1")
	p2 := cloudProxy(t, up.srv.URL)
	resp, out := p2.post(t, "/v1/projects/p/locations/us-east5/publishers/anthropic/models/claude-test:rawPredict", []byte(`{"anthropic_version":"vertex-2023-10-16","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}`), nil)
	if resp.StatusCode != 400 || !strings.Contains(string(out), "Application Default Credentials") {
		t.Errorf("no ADC: %d %s", resp.StatusCode, out)
	}
}
