package full

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestProxyCommandCloudUpstreamsFromEnv: the PRETENSE_*_UPSTREAM variables
// reach the proxy; a Gemini API request goes to its upstream mutated with
// the client's key, and an Azure one to the Azure endpoint.
func TestProxyCommandCloudUpstreamsFromEnv(t *testing.T) {
	proxyEnv(t)
	var mu sync.Mutex
	seen := map[string]string{} // path -> body
	keys := map[string]string{}
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen[r.URL.Path] = string(b)
		keys[r.URL.Path] = r.Header.Get("X-Goog-Api-Key") + r.Header.Get("Api-Key")
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{}`)
	}))
	defer up.Close()
	t.Setenv("PRETENSE_GEMINI_UPSTREAM", up.URL)
	t.Setenv("PRETENSE_AZURE_OPENAI_UPSTREAM", up.URL)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"proxy", "--listen", freeAddr(t)}, strings.NewReader(""), &stdout, &stderr)
	}()
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == ""; time.Sleep(10 * time.Millisecond) {
		if m := listenRE.FindStringSubmatch(stderr.String()); m != nil {
			base = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("proxy did not start:\n%s", stderr.String())
		}
	}
	if !strings.Contains(stderr.String(), "cloud routes:") {
		t.Errorf("startup does not mention the cloud routes:\n%s", stderr.String())
	}
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	post := func(path, body, hk, hv string) {
		req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(hk, hv)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d %s", path, resp.StatusCode, out)
		}
	}
	post("/v1beta/models/gemini-x:generateContent", `{"contents":[{"role":"user","parts":[{"text":"rename dateOfBirth in PatientRecord"}]}]}`, "x-goog-api-key", "gemini-test-key")
	post("/openai/deployments/gpt/chat/completions", `{"messages":[{"role":"user","content":"rename dateOfBirth in PatientRecord"}]}`, "api-key", "azure-test-key")
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	for path, key := range map[string]string{"/v1beta/models/gemini-x:generateContent": "gemini-test-key", "/openai/deployments/gpt/chat/completions": "azure-test-key"} {
		body, ok := seen[path]
		if !ok {
			t.Errorf("%s never reached its upstream: %v", path, seen)
			continue
		}
		if strings.Contains(body, "dateOfBirth") || keys[path] != key {
			t.Errorf("%s: body %s key %q", path, body, keys[path])
		}
	}
	if strings.Contains(stderr.String(), "test-key") {
		t.Error("a client key appeared in the log")
	}
}
