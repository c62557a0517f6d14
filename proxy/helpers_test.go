package proxy

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/pretense/pretense/audit"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// A dependency of google.golang.org/genai starts this worker in init.
		goleak.IgnoreTopFunction("go.opencensus.io/stats/view.(*worker).start"))
}

// testKey is a fixed mutation key so synthetics are reproducible in tests.
var testKey = bytes.Repeat([]byte{0x5a}, 32)

// sensitiveNames are the PHI-adjacent identifiers the fixtures use; none of
// them may ever reach the fake upstream.
var sensitiveNames = []string{"PatientRecord", "lookupPatientRecord", "mrn", "dateOfBirth", "insuranceMemberId"}

var sensitiveRE = regexp.MustCompile(`\b(` + strings.Join(sensitiveNames, "|") + `)\b`)

// fixtureCode is a TypeScript snippet full of PHI-adjacent identifiers and
// no PHI values.
const fixtureCode = "interface PatientRecord { mrn: string; dateOfBirth: string; insuranceMemberId: string }\n" +
	"function lookupPatientRecord(mrn: string): PatientRecord {\n  return db.get(mrn) // héllo ünïcode\n}\n"

// fixturePrompt is what a developer asks.
const fixturePrompt = "Why does lookupPatientRecord return nothing when dateOfBirth is empty?\n```ts\n" + fixtureCode + "```\n"

// recorded is one request exactly as the fake upstream received it.
type recorded struct {
	method, path, query string
	header              http.Header
	body                []byte
}

// fakeUpstream is an LLM API stand-in on 127.0.0.1 that records every
// request and answers with a scripted handler.
type fakeUpstream struct {
	srv     *httptest.Server
	mu      sync.Mutex
	reqs    []recorded
	respond func(w http.ResponseWriter, r *http.Request, body []byte)
}

func newFakeUpstream(t *testing.T, respond func(w http.ResponseWriter, r *http.Request, body []byte)) *fakeUpstream {
	t.Helper()
	f := &fakeUpstream{respond: respond}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		f.mu.Lock()
		f.reqs = append(f.reqs, recorded{method: r.Method, path: r.URL.Path, query: r.URL.RawQuery, header: r.Header.Clone(), body: body})
		f.mu.Unlock()
		f.respond(w, r, body)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeUpstream) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

// memSink records audit entries.
type memSink struct {
	mu      sync.Mutex
	entries []audit.Entry
	err     error
}

func (m *memSink) Append(e audit.Entry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return m.err
	}
	m.entries = append(m.entries, e)
	return nil
}

func (m *memSink) all() []audit.Entry {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]audit.Entry(nil), m.entries...)
}

// waitEntries waits until n entries were logged (stream entries are written
// after the last byte reaches the client).
func (m *memSink) waitEntries(t *testing.T, n int) []audit.Entry {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if e := m.all(); len(e) >= n || time.Now().After(deadline) {
			if len(e) < n {
				t.Fatalf("audit entries: got %d, want %d", len(e), n)
			}
			return e
		}
		time.Sleep(5 * time.Millisecond)
	}
}

type testProxy struct {
	srv    *Server
	http   *httptest.Server
	sink   *memSink
	client *http.Client
}

// startProxy runs a proxy in front of upstream (both APIs).
func startProxy(t *testing.T, upstream string, mod ...func(*Options)) *testProxy {
	t.Helper()
	sink := &memSink{}
	opts := Options{
		Key:               testKey,
		AnthropicUpstream: upstream,
		OpenAIUpstream:    upstream + "/v1",
		Audit:             sink,
		Version:           "test",
	}
	for _, f := range mod {
		f(&opts)
	}
	s, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	hs := httptest.NewServer(s)
	tr := &http.Transport{}
	tp := &testProxy{srv: s, http: hs, sink: sink, client: &http.Client{Transport: tr}}
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		hs.Close()
		s.Close()
	})
	return tp
}

// post sends a raw request through the proxy.
func (p *testProxy) post(t *testing.T, path string, body []byte, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.http.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	return resp, out
}

// assertClean fails if any sensitive identifier reached the upstream.
func assertClean(t *testing.T, reqs []recorded) {
	t.Helper()
	if len(reqs) == 0 {
		t.Fatal("upstream received no request")
	}
	for i, r := range reqs {
		if m := sensitiveRE.Find(r.body); m != nil {
			t.Errorf("upstream request %d carries %q: %s", i, m, r.body)
		}
	}
}

// sseWrite writes one event and flushes it.
func sseWrite(w http.ResponseWriter, name, data string) {
	if name != "" {
		io.WriteString(w, "event: "+name+"\n")
	}
	io.WriteString(w, "data: "+data+"\n\n")
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}

// sentBody reads b as the upstream would, in small reads, and checks it
// against the body built whole and the length declared for it.
func sentBody(t testing.TB, b *reqBody) []byte {
	t.Helper()
	var got []byte
	rd := b.Reader()
	buf := make([]byte, 7)
	for {
		n, err := rd.Read(buf)
		got = append(got, buf[:n]...)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if want := b.Bytes(); !bytes.Equal(got, want) {
		t.Fatalf("streamed body differs from the built one:\nstreamed %q\nbuilt    %q", got, want)
	}
	if int64(len(got)) != b.Len() {
		t.Fatalf("body is %d bytes, Content-Length would say %d", len(got), b.Len())
	}
	return got
}
