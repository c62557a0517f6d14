package proxy

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Test credentials are made up per test run: nothing secret-shaped is
// written in this file.
func randHex(t testing.TB, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// awsTestCreds puts fresh static credentials in the environment, where the
// proxy's default credential chain finds them, and isolates the chain from
// the machine's own AWS configuration.
func awsTestCreds(t testing.TB) aws.Credentials {
	t.Helper()
	c := aws.Credentials{AccessKeyID: "TEST" + strings.ToUpper(randHex(t, 8)), SecretAccessKey: randHex(t, 20)}
	dir := t.TempDir()
	t.Setenv("AWS_ACCESS_KEY_ID", c.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", c.SecretAccessKey)
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	return c
}

// verifySigV4 recomputes the signature of r from the bytes received with
// the v4 signer and creds, and compares it with what r carries.
func verifySigV4(r *http.Request, body []byte, creds aws.Credentials, region string) error {
	auth := r.Header.Get("Authorization")
	if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 ") {
		return fmt.Errorf("not SigV4: %q", auth)
	}
	_, sh, ok := strings.Cut(auth, "SignedHeaders=")
	if !ok {
		return fmt.Errorf("no SignedHeaders")
	}
	sh, _, _ = strings.Cut(sh, ",")
	when, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil {
		return fmt.Errorf("X-Amz-Date: %v", err)
	}
	re, err := http.NewRequest(r.Method, "http://"+r.Host+r.RequestURI, bytes.NewReader(body))
	if err != nil {
		return err
	}
	re.Host = r.Host
	re.ContentLength = int64(len(body))
	for _, h := range strings.Split(sh, ";") {
		if h == "host" || h == "content-length" {
			continue
		}
		re.Header[http.CanonicalHeaderKey(h)] = r.Header.Values(h)
	}
	re.Header.Del("Authorization")
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, re, hex.EncodeToString(sum[:]), "bedrock", region, when); err != nil {
		return err
	}
	if got := re.Header.Get("Authorization"); got != auth {
		return fmt.Errorf("signature mismatch:\n got  %s\n want %s", auth, got)
	}
	return nil
}

// googleTestADC writes a service-account file with a fresh RSA key whose
// token_uri is a fake token endpoint, points GOOGLE_APPLICATION_CREDENTIALS
// at it, and returns the access token that endpoint hands out. The
// endpoint checks the JWT assertion's signature with the public key.
func googleTestADC(t testing.TB) (token string, calls func() int) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	token = "ya29.test-" + randHex(t, 16)
	var mu sync.Mutex
	n := 0
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		if err := verifyJWT(r.PostForm.Get("assertion"), &key.PublicKey); err != nil || r.PostForm.Get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			fmt.Fprintf(w, `{"error":"invalid_grant","error_description":%q}`, fmt.Sprint(err))
			return
		}
		mu.Lock()
		n++
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":3600}`, token)
	}))
	t.Cleanup(ts.Close)
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	sa := map[string]string{
		"type":           "service_account",
		"project_id":     "test-project",
		"private_key_id": randHex(t, 8),
		"private_key":    string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})),
		"client_email":   "proxy@test-project.iam.gserviceaccount.com",
		"client_id":      "1",
		"token_uri":      ts.URL + "/token",
	}
	path := filepath.Join(t.TempDir(), "sa.json")
	b, _ := json.Marshal(sa)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", path)
	return token, func() int { mu.Lock(); defer mu.Unlock(); return n }
}

func verifyJWT(assertion string, pub *rsa.PublicKey) error {
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		return fmt.Errorf("assertion is not a JWT")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	return rsa.VerifyPKCS1v15(pub, 5 /* crypto.SHA256 */, sum[:], sig)
}

// cloudProxy runs a proxy with every cloud upstream pointed at up, on a
// listener that speaks HTTP/1.1 and h2c like the real one.
func cloudProxy(t *testing.T, up string, mod ...func(*Options)) *testProxy {
	t.Helper()
	sink := &memSink{}
	opts := Options{
		Key: testKey, Audit: sink, Version: "test",
		AnthropicUpstream: up, OpenAIUpstream: up,
		BedrockUpstream: up, VertexUpstream: up, AzureOpenAIUpstream: up, GeminiUpstream: up,
	}
	for _, f := range mod {
		f(&opts)
	}
	s, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	hs := httptest.NewUnstartedServer(s)
	hs.Config.Protocols = h2cProtocols()
	hs.Start()
	tr := &http.Transport{}
	tp := &testProxy{srv: s, http: hs, sink: sink, client: &http.Client{Transport: tr}}
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		hs.Close()
		s.Close()
	})
	return tp
}

// splitWriter writes b to w in pieces of the given sizes (cycled), flushing
// after each, so frames and events reach the proxy cut at odd places.
func splitWriter(w http.ResponseWriter, b []byte, sizes ...int) {
	f, _ := w.(http.Flusher)
	for i := 0; len(b) > 0; i++ {
		n := min(sizes[i%len(sizes)], len(b))
		_, _ = w.Write(b[:n])
		if f != nil {
			f.Flush()
		}
		b = b[n:]
	}
}

// frame encodes one event-stream message.
func frame(t testing.TB, msgType, eventType string, payload []byte) []byte {
	t.Helper()
	var hs eventstream.Headers
	hs.Set(":message-type", eventstream.StringValue(msgType))
	hs.Set(":event-type", eventstream.StringValue(eventType))
	hs.Set(":content-type", eventstream.StringValue("application/json"))
	var buf bytes.Buffer
	if err := eventstream.NewEncoder().Encode(&buf, eventstream.Message{Headers: hs, Payload: payload}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// chunkFrame wraps an Anthropic streaming event as InvokeModel's chunk.
func chunkFrame(t testing.TB, event []byte) []byte {
	return frame(t, "event", "chunk", []byte(`{"bytes":"`+base64.StdEncoding.EncodeToString(event)+`","p":"abcdef"}`))
}

// sseToChunks converts an SSE transcript to chunk frames.
func sseToChunks(t testing.TB, sse []byte) []byte {
	t.Helper()
	rd := newSSEReader(bytes.NewReader(sse))
	var out []byte
	for {
		ev, err := rd.next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if ev.hasData {
			out = append(out, chunkFrame(t, ev.data)...)
		}
	}
}

// recordSSE runs an SSE-writing handler and returns what it wrote.
func recordSSE(h func(w http.ResponseWriter, r *http.Request, body []byte), r *http.Request, body []byte) []byte {
	rec := httptest.NewRecorder()
	h(rec, r, body)
	return rec.Body.Bytes()
}

// withStream sets "stream": true in a JSON object body.
func withStream(body []byte) []byte {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return body
	}
	m["stream"] = true
	b, _ := json.Marshal(m)
	return b
}

// sensitiveIn reports the first sensitive identifier in b.
func sensitiveIn(b []byte) string { return string(sensitiveRE.Find(b)) }

var _ = url.Parse

// runAnthropic sends anthropicParams with client, streaming or not.
func runAnthropic(t *testing.T, client anthropic.Client, streaming bool) anthropic.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var msg anthropic.Message
	if streaming {
		stream := client.Messages.NewStreaming(ctx, anthropicParams())
		for stream.Next() {
			if err := msg.Accumulate(stream.Current()); err != nil {
				t.Fatalf("accumulate: %v", err)
			}
		}
		if err := stream.Err(); err != nil {
			t.Fatalf("stream: %v", err)
		}
		stream.Close()
		return msg
	}
	res, err := client.Messages.New(ctx, anthropicParams())
	if err != nil {
		t.Fatalf("Messages.New: %v", err)
	}
	return *res
}

// checkAnthropicMessage checks the echo fake's answer came back restored.
func checkAnthropicMessage(t *testing.T, msg anthropic.Message) {
	t.Helper()
	if len(msg.Content) != 3 {
		t.Fatalf("got %d content blocks, want 3: %+v", len(msg.Content), msg.Content)
	}
	if txt := msg.Content[1].Text; txt != fixturePrompt {
		t.Errorf("text not restored:\n got %q\nwant %q", txt, fixturePrompt)
	}
	var input map[string]string
	if err := json.Unmarshal(msg.Content[2].Input, &input); err != nil {
		t.Fatalf("tool input: %v (%s)", err, msg.Content[2].Input)
	}
	if input["code"] != fixturePrompt {
		t.Errorf("tool input not restored: %q", input)
	}
}

// asErr is errors.As for a target of any type.
func asErr[T any](err error, target *T) bool { return err != nil && errors.As(err, target) }
