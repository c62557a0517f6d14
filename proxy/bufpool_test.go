package proxy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/pretense/pretense/rules"
)

// TestLeaseSizes: a lent buffer holds what was asked, comes from the pool
// of its power of two, and sizes outside the pools (or no lease) are
// plain allocations that release leaves alone.
func TestLeaseSizes(t *testing.T) {
	for _, tc := range []struct {
		n       int
		wantCap int // 0: not pooled
	}{
		{1, minPooledBuf},
		{minPooledBuf, minPooledBuf},
		{minPooledBuf + 1, 2 * minPooledBuf},
		{64<<10 + 512, 128 << 10},
		{maxPooledBuf, maxPooledBuf},
		{maxPooledBuf + 1, 0},
	} {
		t.Run(fmt.Sprint(tc.n), func(t *testing.T) {
			var l lease
			b := l.get(tc.n)
			if len(b) != 0 || cap(b) < tc.n {
				t.Fatalf("get(%d): len %d cap %d", tc.n, len(b), cap(b))
			}
			if tc.wantCap != 0 && (cap(b) != tc.wantCap || len(l.bufs) != 1) {
				t.Fatalf("get(%d): cap %d, %d lent; want cap %d, 1 lent", tc.n, cap(b), len(l.bufs), tc.wantCap)
			}
			if tc.wantCap == 0 && len(l.bufs) != 0 {
				t.Fatalf("get(%d) lent a pooled buffer", tc.n)
			}
			l.release()
			if len(l.bufs) != 0 {
				t.Fatal("release kept buffers")
			}
			var none *lease
			if b := none.get(tc.n); cap(b) < tc.n {
				t.Fatalf("nil lease: cap %d", cap(b))
			}
			none.release()
		})
	}
}

// TestReleasedBodyUnreadable: once its request is over, a body the
// transport still reads yields an error and no byte of the buffers,
// which by then may hold another request.
func TestReleasedBodyUnreadable(t *testing.T) {
	src := []byte(`{"a":"` + strings.Repeat("x", 100) + `","b":"y"}`)
	for _, tc := range []struct {
		name  string
		edits []edit
	}{
		{"no edits", nil},
		{"replaced", []edit{{start: 5, end: 107, repl: []byte(`"z"`)}}},
		{"spliced", []edit{{start: 5, end: 107, splices: &spliceSet{sp: []rawSplice{{start: 1, end: 3, syn0: 0, syn1: 5}}, syns: "_vsyn"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newReqBody(src, tc.edits)
			rd := b.Reader()
			buf := make([]byte, 10)
			if n, err := rd.Read(buf); n != 10 || err != nil {
				t.Fatalf("read before release: %d %v", n, err)
			}
			b.release()
			if n, err := rd.Read(buf); n != 0 || !errors.Is(err, errBodyReleased) {
				t.Fatalf("read after release: %d bytes, %v", n, err)
			}
			if n, err := b.Reader().Read(buf); n != 0 || !errors.Is(err, errBodyReleased) {
				t.Fatalf("new reader after release: %d bytes, %v", n, err)
			}
		})
	}
}

// TestPooledRequestsStayApart: requests of many sizes, sequential and
// concurrent, through one proxy whose body and decoded-text buffers are
// pooled, reach the upstream exactly as a fresh rewrite of each would
// send it: no byte of one request in another. Fields carry escapes so
// their text is decoded into lent buffers too, and sizes shrink and grow
// so a buffer is reused by a shorter and a longer request.
func TestPooledRequestsStayApart(t *testing.T) {
	var mu sync.Mutex
	got := map[string][]byte{}
	up := newFakeUpstream(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		mu.Lock()
		got[r.Header.Get("X-Test-Id")] = body
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, benchResponse)
	})
	p := startProxy(t, up.srv.URL)
	rs, err := rules.Compile(rules.Builtin(), rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	body := func(id, size int) []byte {
		var b strings.Builder
		fmt.Fprintf(&b, "request %d\\n\\t\\\"", id)
		for i := 0; b.Len() < size; i++ {
			fmt.Fprintf(&b, "const row%d_%d = lookupPatientRecord(input%d); // caf\\u00e9 \\\"%d\\\"\\n", id, i, i, id)
		}
		return []byte(`{"model":"m` + fmt.Sprint(id) + `","max_tokens":1,"messages":[{"role":"user","content":"` + b.String() + `"}]}`)
	}
	sizes := []int{70 << 10, 20 << 10, 200 << 10, 17 << 10, 66 << 10, 3 << 10, 130 << 10, 65 << 10}
	want := map[string][]byte{}
	send := func(id int) {
		b := body(id, sizes[id%len(sizes)]+id*37)
		fresh, err := newMutateEngine(testKey, "")
		if err != nil {
			t.Error(err)
			return
		}
		res, err := rewriteRequest(bytes.Clone(b), apiAnthropic, fresh.newSession(), &checker{rs: rs}, fresh.langFromPath)
		if err != nil || len(res.hits) > 0 {
			t.Errorf("request %d: fresh rewrite: %v %v", id, err, res.hits)
			return
		}
		mu.Lock()
		want[fmt.Sprint(id)] = sentBody(t, res.body)
		mu.Unlock()
		resp, out := p.post(t, "/v1/messages", b, map[string]string{"X-Test-Id": fmt.Sprint(id)})
		if resp.StatusCode != http.StatusOK {
			t.Errorf("request %d: status %d: %s", id, resp.StatusCode, out)
		}
	}
	for id := range 16 {
		send(id)
	}
	var wg sync.WaitGroup
	for id := 16; id < 48; id++ {
		wg.Go(func() { send(id) })
	}
	wg.Wait()
	if len(got) != 48 {
		t.Fatalf("upstream saw %d requests, want 48", len(got))
	}
	for id, w := range want {
		if !bytes.Equal(got[id], w) {
			t.Errorf("request %s reached the upstream as\n%.300q\nwant\n%.300q", id, got[id], w)
		}
	}
}
