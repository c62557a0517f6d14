package proxy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/bedrock"
	"github.com/anthropics/anthropic-sdk-go/v2/option"
	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	brtypes "github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"
)

const bedrockModel = "anthropic.claude-test-v1:0"

// converseReceived is the last text block of the last message.
func converseReceived(t testing.TB, body []byte) string {
	var req struct {
		Messages []struct {
			Content []struct{ Text *string } `json:"content"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		t.Errorf("upstream got invalid JSON: %v", err)
		return ""
	}
	text := ""
	if n := len(req.Messages); n > 0 {
		for _, c := range req.Messages[n-1].Content {
			if c.Text != nil {
				text = *c.Text
			}
		}
	}
	return text
}

// bedrockFake is the Bedrock runtime: it checks every request's SigV4
// signature against proxyCreds (or the Bearer API key) and answers each
// operation, streams cut into odd pieces.
func bedrockFake(t *testing.T, proxyCreds aws.Credentials, bearer string) func(w http.ResponseWriter, r *http.Request, body []byte) {
	return func(w http.ResponseWriter, r *http.Request, body []byte) {
		if bearer != "" {
			if r.Header.Get("Authorization") != "Bearer "+bearer {
				t.Errorf("Bedrock API key not passed through: %q", r.Header.Get("Authorization"))
			}
		} else if err := verifySigV4(r, body, proxyCreds, "us-east-1"); err != nil {
			t.Errorf("%s %s: %v", r.Method, r.RequestURI, err)
			w.Header().Set("X-Amzn-Errortype", "InvalidSignatureException")
			w.WriteHeader(403)
			fmt.Fprint(w, `{"message":"signature does not match"}`)
			return
		}
		p := r.URL.Path
		switch {
		case p == "/inference-profiles":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"inferenceProfileSummaries":[]}`)
		case strings.HasSuffix(p, "/invoke"):
			anthropicFake(t)(w, r, body)
		case strings.HasSuffix(p, "/invoke-with-response-stream"):
			frames := sseToChunks(t, recordSSE(anthropicFake(t), r, withStream(body)))
			w.Header().Set("Content-Type", "application/vnd.amazon.eventstream")
			splitWriter(w, frames, 1, 7, 13, 64, 3)
		case strings.HasSuffix(p, "/converse"):
			recv := converseReceived(t, body)
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, mustJSON(map[string]any{
				"output": map[string]any{"message": map[string]any{"role": "assistant", "content": []any{
					map[string]any{"text": recv},
					map[string]any{"toolUse": map[string]any{"toolUseId": "t1", "name": "Edit", "input": map[string]string{"code": recv}}},
				}}},
				"stopReason": "tool_use",
				"usage":      map[string]int{"inputTokens": 1, "outputTokens": 2, "totalTokens": 3},
				"metrics":    map[string]int{"latencyMs": 1},
			}))
		case strings.HasSuffix(p, "/converse-stream"):
			out := converseStreamFrames(t, converseReceived(t, body))
			w.Header().Set("Content-Type", "application/vnd.amazon.eventstream")
			splitWriter(w, out, 5, 1, 17, 2)
		default:
			w.WriteHeader(404)
		}
	}
}

// converseStreamFrames is a ConverseStream answer echoing recv as text
// and as a tool call's input.
func converseStreamFrames(t testing.TB, recv string) []byte {
	args := mustJSON(map[string]string{"code": recv})
	var out []byte
	ev := func(typ string, v any) { out = append(out, frame(t, "event", typ, []byte(mustJSON(v)))...) }
	ev("messageStart", map[string]any{"role": "assistant", "p": "ab"})
	for _, c := range runeChunks(recv, 3) {
		ev("contentBlockDelta", map[string]any{"contentBlockIndex": 0, "delta": map[string]string{"text": c}, "p": "abc"})
	}
	ev("contentBlockStop", map[string]any{"contentBlockIndex": 0})
	ev("contentBlockStart", map[string]any{"contentBlockIndex": 1, "start": map[string]any{"toolUse": map[string]string{"toolUseId": "t1", "name": "Edit"}}})
	for _, c := range runeChunks(args, 4) {
		ev("contentBlockDelta", map[string]any{"contentBlockIndex": 1, "delta": map[string]any{"toolUse": map[string]string{"input": c}}})
	}
	ev("contentBlockStop", map[string]any{"contentBlockIndex": 1})
	ev("messageStop", map[string]any{"stopReason": "tool_use"})
	ev("metadata", map[string]any{"usage": map[string]int{"inputTokens": 1, "outputTokens": 2, "totalTokens": 3}, "metrics": map[string]int{"latencyMs": 1}})
	return out
}

// bedrockClient is the AWS SDK pointed at the proxy, signing with its own
// credentials: the proxy must replace that signature with its own.
func bedrockClient(t *testing.T, p *testProxy) *bedrockruntime.Client {
	clientCreds := aws.Credentials{AccessKeyID: "CLIENT" + randHex(t, 6), SecretAccessKey: randHex(t, 20)}
	return bedrockruntime.New(bedrockruntime.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(p.http.URL),
		Credentials:      aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return clientCreds, nil }),
		HTTPClient:       p.client,
		RetryMaxAttempts: 1,
	})
}

func anthropicBedrockBody(prompt string) []byte {
	return []byte(mustJSON(map[string]any{
		"anthropic_version": "bedrock-2023-05-31", "max_tokens": 64,
		"anthropic_beta": []string{"interleaved-thinking-2025-05-14"},
		"system":         "You review code that handles PatientRecord values.",
		"messages":       []any{map[string]any{"role": "user", "content": []any{map[string]string{"type": "text", "text": prompt}}}},
	}))
}

func TestBedrockRuntimeSDK(t *testing.T) {
	ops := []string{"InvokeModel", "InvokeModelWithResponseStream", "Converse", "ConverseStream"}
	for _, op := range ops {
		t.Run(op, func(t *testing.T) {
			proxyCreds := awsTestCreds(t)
			up := newFakeUpstream(t, bedrockFake(t, proxyCreds, ""))
			p := cloudProxy(t, up.srv.URL)
			client := bedrockClient(t, p)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			var text, toolCode string
			switch op {
			case "InvokeModel":
				out, err := client.InvokeModel(ctx, &bedrockruntime.InvokeModelInput{ModelId: aws.String(bedrockModel), Body: anthropicBedrockBody(fixturePrompt), ContentType: aws.String("application/json")})
				if err != nil {
					t.Fatalf("InvokeModel: %v", err)
				}
				var msg anthropic.Message
				if err := json.Unmarshal(out.Body, &msg); err != nil {
					t.Fatal(err)
				}
				text = msg.Content[1].Text
				var in map[string]string
				_ = json.Unmarshal(msg.Content[2].Input, &in)
				toolCode = in["code"]
			case "InvokeModelWithResponseStream":
				out, err := client.InvokeModelWithResponseStream(ctx, &bedrockruntime.InvokeModelWithResponseStreamInput{ModelId: aws.String(bedrockModel), Body: anthropicBedrockBody(fixturePrompt), ContentType: aws.String("application/json")})
				if err != nil {
					t.Fatalf("InvokeModelWithResponseStream: %v", err)
				}
				var msg anthropic.Message
				for ev := range out.GetStream().Events() {
					c, ok := ev.(*brtypes.ResponseStreamMemberChunk)
					if !ok {
						t.Fatalf("unexpected event %T", ev)
					}
					var se anthropic.MessageStreamEventUnion
					if err := json.Unmarshal(c.Value.Bytes, &se); err != nil {
						t.Fatalf("chunk %q: %v", c.Value.Bytes, err)
					}
					if err := msg.Accumulate(se); err != nil {
						t.Fatalf("accumulate: %v", err)
					}
				}
				if err := out.GetStream().Err(); err != nil {
					t.Fatalf("stream: %v", err)
				}
				out.GetStream().Close()
				text = msg.Content[1].Text
				var in map[string]string
				_ = json.Unmarshal(msg.Content[2].Input, &in)
				toolCode = in["code"]
			case "Converse":
				out, err := client.Converse(ctx, converseInput())
				if err != nil {
					t.Fatalf("Converse: %v", err)
				}
				m := out.Output.(*brtypes.ConverseOutputMemberMessage).Value
				text = m.Content[0].(*brtypes.ContentBlockMemberText).Value
				var in map[string]string
				_ = m.Content[1].(*brtypes.ContentBlockMemberToolUse).Value.Input.UnmarshalSmithyDocument(&in)
				toolCode = in["code"]
			case "ConverseStream":
				ci := converseInput()
				out, err := client.ConverseStream(ctx, &bedrockruntime.ConverseStreamInput{ModelId: ci.ModelId, Messages: ci.Messages, System: ci.System})
				if err != nil {
					t.Fatalf("ConverseStream: %v", err)
				}
				var args strings.Builder
				for ev := range out.GetStream().Events() {
					if d, ok := ev.(*brtypes.ConverseStreamOutputMemberContentBlockDelta); ok {
						switch v := d.Value.Delta.(type) {
						case *brtypes.ContentBlockDeltaMemberText:
							text += v.Value
						case *brtypes.ContentBlockDeltaMemberToolUse:
							args.WriteString(aws.ToString(v.Value.Input))
						}
					}
				}
				if err := out.GetStream().Err(); err != nil {
					t.Fatalf("stream: %v", err)
				}
				out.GetStream().Close()
				var in map[string]string
				if err := json.Unmarshal([]byte(args.String()), &in); err != nil {
					t.Fatalf("tool input %q: %v", args.String(), err)
				}
				toolCode = in["code"]
			}
			reqs := up.requests()
			assertClean(t, reqs)
			if len(reqs) != 1 {
				t.Fatalf("upstream got %d requests", len(reqs))
			}
			if !strings.Contains(reqs[0].header.Get("Authorization"), "Credential="+proxyCreds.AccessKeyID+"/") { // pretense:allow (a header name and a generated key id)
				t.Errorf("upstream request not signed with the proxy's credentials: %q", reqs[0].header.Get("Authorization"))
			}
			if text != fixturePrompt || toolCode != fixturePrompt {
				t.Errorf("not restored for the client:\n text %q\n tool %q\n want %q", text, toolCode, fixturePrompt)
			}
			e := p.sink.waitEntries(t, 1)[0]
			if e.Outcome != "forwarded" || e.Mutations < len(sensitiveNames)-1 || e.Model != bedrockModel || e.RoundTripFidelity != 1 {
				t.Errorf("audit entry: %+v", e)
			}
			if s := fmt.Sprintf("%+v", e); strings.Contains(s, proxyCreds.SecretAccessKey) || strings.Contains(s, proxyCreds.AccessKeyID) {
				t.Error("credentials in the audit entry")
			}
		})
	}
}

func converseInput() *bedrockruntime.ConverseInput {
	return &bedrockruntime.ConverseInput{
		ModelId: aws.String(bedrockModel),
		System:  []brtypes.SystemContentBlock{&brtypes.SystemContentBlockMemberText{Value: "You review code that handles PatientRecord values."}},
		Messages: []brtypes.Message{{
			Role:    brtypes.ConversationRoleUser,
			Content: []brtypes.ContentBlock{&brtypes.ContentBlockMemberText{Value: fixturePrompt}},
		}},
	}
}

// TestBedrockBlockedIs400 checks a prompt carrying a secret ends at once:
// a 400 in Bedrock's shape that the SDK reports, nothing sent upstream.
func TestBedrockBlockedIs400(t *testing.T) {
	proxyCreds := awsTestCreds(t)
	up := newFakeUpstream(t, bedrockFake(t, proxyCreds, ""))
	p := cloudProxy(t, up.srv.URL)
	client := bedrockClient(t, p)
	samples := secretSamples(t, "secret", "standard")
	for id, value := range samples {
		_, err := client.InvokeModel(context.Background(), &bedrockruntime.InvokeModelInput{ModelId: aws.String(bedrockModel), Body: anthropicBedrockBody("deploy with " + value), ContentType: aws.String("application/json")})
		var re *awshttp.ResponseError
		if !errors.As(err, &re) || re.HTTPStatusCode() != 400 {
			t.Fatalf("%s: want a 400, got %v", id, err)
		}
		if !strings.Contains(err.Error(), "pretense blocked") || !strings.Contains(err.Error(), "ValidationException") {
			t.Errorf("%s: error does not carry the reason: %v", id, err)
		}
		if strings.Contains(err.Error(), value) {
			t.Errorf("%s: the value is in the error", id)
		}
		break
	}
	if n := len(up.requests()); n != 0 {
		t.Errorf("upstream got %d requests", n)
	}
}

// TestBedrockAnthropicSDK drives anthropic-sdk-go's bedrock option through
// the proxy, streaming and not.
func TestBedrockAnthropicSDK(t *testing.T) {
	for _, streaming := range []bool{false, true} {
		t.Run(fmt.Sprintf("stream=%v", streaming), func(t *testing.T) {
			proxyCreds := awsTestCreds(t)
			up := newFakeUpstream(t, bedrockFake(t, proxyCreds, ""))
			p := cloudProxy(t, up.srv.URL)
			cfg := aws.Config{Region: "us-east-1", Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
				return aws.Credentials{AccessKeyID: "CLIENT", SecretAccessKey: "client-secret-" + randHex(t, 4)}, nil
			})}
			client := anthropic.NewClient(bedrock.WithConfig(cfg), option.WithBaseURL(p.http.URL), option.WithHTTPClient(p.client), option.WithMaxRetries(0))
			msg := runAnthropic(t, client, streaming)
			assertClean(t, up.requests())
			checkAnthropicMessage(t, msg)
		})
	}
}

// TestBedrockBearerAndLiteralColon: a Bedrock API key passes through
// unsigned; a literal ':' in the model id (as Claude Code sends it) is
// forwarded as sent; /inference-profiles is forwarded.
func TestBedrockBearerAndLiteralColon(t *testing.T) {
	proxyCreds := awsTestCreds(t)
	up := newFakeUpstream(t, bedrockFake(t, proxyCreds, ""))
	p := cloudProxy(t, up.srv.URL)
	resp, out := p.post(t, "/model/"+bedrockModel+"/invoke", anthropicBedrockBody(fixturePrompt), nil)
	if resp.StatusCode != 200 {
		t.Fatalf("literal colon: %d %s", resp.StatusCode, out)
	}
	if got := up.requests()[0]; !strings.Contains(got.header.Get("Authorization"), "AWS4-HMAC-SHA256") {
		t.Errorf("not signed: %v", got.header)
	}
	req, _ := http.NewRequest(http.MethodGet, p.http.URL+"/inference-profiles?type=SYSTEM_DEFINED", nil)
	r2, err := p.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r2.Body.Close()
	if r2.StatusCode != 200 {
		t.Errorf("inference-profiles: %d", r2.StatusCode)
	}

	key := "bedrock-api-key-" + randHex(t, 16)
	up2 := newFakeUpstream(t, bedrockFake(t, proxyCreds, key))
	p2 := cloudProxy(t, up2.srv.URL)
	resp, out = p2.post(t, "/model/"+strings.ReplaceAll(bedrockModel, ":", "%3A")+"/invoke", anthropicBedrockBody(fixturePrompt), map[string]string{"Authorization": "Bearer " + key})
	if resp.StatusCode != 200 {
		t.Fatalf("bearer: %d %s", resp.StatusCode, out)
	}
	if got := up2.requests()[0]; got.header.Get("X-Amz-Date") != "" {
		t.Errorf("a Bearer request was signed: %v", got.header)
	}
}

// TestBedrockNoCredentials: nothing in the chain means a 400 naming what
// was looked for, and nothing sent.
func TestBedrockNoCredentials(t *testing.T) {
	awsTestCreds(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	up := newFakeUpstream(t, okAnthropic)
	p := cloudProxy(t, up.srv.URL)
	resp, out := p.post(t, "/model/"+bedrockModel+"/invoke", anthropicBedrockBody("hello"), nil)
	if resp.StatusCode != 400 || !strings.Contains(string(out), "AWS_ACCESS_KEY_ID") || resp.Header.Get("X-Amzn-Errortype") != "ValidationException" {
		t.Errorf("got %d %s %v", resp.StatusCode, out, resp.Header)
	}
	if len(up.requests()) != 0 {
		t.Error("sent upstream without credentials")
	}
}

// TestSigV4VerifierCatchesWrongBytes keeps the fake honest: a signature
// over other bytes, or over the path with ':' where %3A was sent, fails.
func TestSigV4VerifierCatchesWrongBytes(t *testing.T) {
	creds := awsTestCreds(t)
	a := newAWSAuth("us-east-1")
	body := anthropicBedrockBody("hello")
	sign := func(rawURL string) *http.Request {
		out, err := http.NewRequest(http.MethodPost, rawURL, strings.NewReader(string(body)))
		if err != nil {
			t.Fatal(err)
		}
		out.Header.Set("Content-Type", "application/json")
		if err := a.authorize(context.Background(), out, newReqBody(body, nil)); err != nil {
			t.Fatal(err)
		}
		out.RequestURI = out.URL.RequestURI()
		return out
	}
	tests := []struct {
		name     string
		signed   string
		received string
		body     []byte
		ok       bool
	}{
		{"same bytes, %3A", "http://h/model/a%3Ab/invoke", "/model/a%3Ab/invoke", body, true},
		{"same bytes, literal colon", "http://h/model/a:b/invoke", "/model/a:b/invoke", body, true},
		{"colon signed, %3A sent", "http://h/model/a:b/invoke", "/model/a%3Ab/invoke", body, false},
		{"other body", "http://h/model/a:b/invoke", "/model/a:b/invoke", append([]byte(nil), append(body, ' ')...), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := sign(tc.signed)
			r.RequestURI = tc.received
			r.Host = r.URL.Host
			err := verifySigV4(r, tc.body, creds, "us-east-1")
			if (err == nil) != tc.ok {
				t.Errorf("verify: %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

// TestBedrockNoRegion: without an upstream override the region picks the
// endpoint; none configured is a 400 saying how to set one.
func TestBedrockNoRegion(t *testing.T) {
	awsTestCreds(t)
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	up := newFakeUpstream(t, okAnthropic)
	p := cloudProxy(t, up.srv.URL, func(o *Options) { o.BedrockUpstream = "" })
	resp, out := p.post(t, "/model/"+bedrockModel+"/invoke", anthropicBedrockBody("hello"), nil)
	if resp.StatusCode != 400 || !strings.Contains(string(out), "AWS_REGION") || !strings.HasPrefix(string(out), `{"message":`) {
		t.Errorf("got %d %s", resp.StatusCode, out)
	}
	if len(up.requests()) != 0 {
		t.Error("sent upstream")
	}
}
