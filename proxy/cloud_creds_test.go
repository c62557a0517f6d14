package proxy

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
)

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestCloudCredentialsNeverLogged sends requests with every kind of cloud
// credential through every route, answered, blocked and failed upstream,
// and checks no credential appears in the log, the audit entries or the
// proxy's own error bodies.
func TestCloudCredentialsNeverLogged(t *testing.T) {
	creds := awsTestCreds(t)
	token, _ := googleTestADC(t)
	bedrockKey := "bedrock-key-" + randHex(t, 12)
	azureKey := "azure-key-" + randHex(t, 12)
	geminiKey := "gemini-key-" + randHex(t, 12)
	secrets := []string{creds.AccessKeyID, creds.SecretAccessKey, token, bedrockKey, azureKey, geminiKey}

	for _, upstreamStatus := range []int{200, 500} {
		t.Run(fmt.Sprint(upstreamStatus), func(t *testing.T) {
			up := newFakeUpstream(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(upstreamStatus)
				fmt.Fprint(w, `{"message":"ok"}`)
			})
			var logs syncBuf
			p := cloudProxy(t, up.srv.URL, func(o *Options) {
				o.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			})
			var value string
			for _, v := range secretSamples(t, "secret", "standard") {
				value = v
				break
			}
			anth := func(text string) []byte {
				return []byte(mustJSON(map[string]any{"anthropic_version": "x", "max_tokens": 5, "messages": []any{map[string]string{"role": "user", "content": text}}}))
			}
			gem := func(text string) []byte {
				return []byte(mustJSON(map[string]any{"contents": []any{map[string]any{"parts": []any{map[string]string{"text": text}}}}}))
			}
			chat := func(text string) []byte {
				return []byte(mustJSON(map[string]any{"messages": []any{map[string]string{"role": "user", "content": text}}}))
			}
			reqs := []struct {
				path string
				body func(string) []byte
				hdr  map[string]string
			}{
				{"/model/m/invoke", anth, nil},
				{"/model/m/invoke", anth, map[string]string{"Authorization": "Bearer " + bedrockKey}},
				{"/v1/projects/p/locations/us-east5/publishers/anthropic/models/c:rawPredict", anth, nil},
				{"/v1beta1/projects/p/locations/us-east5/publishers/google/models/g:generateContent", gem, nil},
				{"/openai/deployments/d/chat/completions?api-version=1", chat, map[string]string{"api-key": azureKey}},
				{"/v1beta/models/g:generateContent?key=" + geminiKey, gem, map[string]string{"x-goog-api-key": geminiKey}},
			}
			var bodies strings.Builder
			for _, rq := range reqs {
				for _, text := range []string{"fix lookupPatientRecord", "use " + value} {
					_, out := p.post(t, rq.path, rq.body(text), rq.hdr)
					bodies.Write(out)
				}
			}
			if strings.Count(logs.String(), `"msg":"request"`) < 2*len(reqs) {
				t.Errorf("the log lacks request lines:\n%s", logs.String())
			}
			entries := fmt.Sprintf("%+v", p.sink.waitEntries(t, 2*len(reqs)))
			for _, s := range secrets {
				for what, text := range map[string]string{"log": logs.String(), "audit": entries, "responses": bodies.String()} {
					if strings.Contains(text, s) {
						t.Errorf("a credential appears in the %s", what)
					}
				}
			}
			if strings.Contains(logs.String()+entries, value) {
				t.Error("the blocked value appears in the log or audit")
			}
		})
	}
}
