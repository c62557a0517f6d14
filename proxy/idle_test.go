package proxy

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// slowReader pauses before every piece bytes of its data.
type slowReader struct {
	data  []byte
	piece int
	pause time.Duration
	left  int // bytes before the next pause
}

func (s *slowReader) Read(p []byte) (int, error) {
	if len(s.data) == 0 {
		return 0, io.EOF
	}
	if s.left == 0 {
		time.Sleep(s.pause)
		s.left = s.piece
	}
	n := copy(p[:min(len(p), s.left)], s.data)
	s.data = s.data[n:]
	s.left -= n
	return n, nil
}

// TestIdleTimeoutCountsUpstreamOnly: the idle timer measures the upstream
// alone. A client that uploads slowly is not cut, and an upstream that
// takes a large body slowly but steadily is not idle; a silent one is.
//
// The timeout is over seven times the longest pause either slow side makes
// on purpose, and each slow case lasts longer than the timeout in total: a
// timer that counted the client's upload, or that a steady upstream did not
// reset, would fire. The slack is for this test's own goroutines waiting
// for a core on a loaded machine (with a 1 s timeout and 400 ms pauses,
// the upstream that reads every 10 ms took 3.5-4.9 s instead of 1.9 s at
// load 12, and the test failed now and then).
func TestIdleTimeoutCountsUpstreamOnly(t *testing.T) {
	const (
		idle  = 3 * time.Second
		pause = 400 * time.Millisecond // the slow client's, between pieces
	)
	body := bigRequest(24 << 20)
	cases := []struct {
		name       string
		client     func() io.Reader
		upstreamRd func(r io.Reader) // how the upstream reads the body
	}{
		// 12 pieces of 2 MB: 12 pauses, 4.8 s in all, with no upstream yet.
		{"slow client upload", func() io.Reader {
			return &slowReader{data: bytes.Clone(body), piece: 2 << 20, pause: pause}
		}, func(r io.Reader) { io.Copy(io.Discard, r) }},
		// 384 reads of 64 KB, 10 ms apart: 3.8 s at least.
		{"upstream takes the body slowly", func() io.Reader { return bytes.NewReader(body) }, func(r io.Reader) {
			buf := make([]byte, 64<<10)
			for {
				time.Sleep(10 * time.Millisecond)
				if _, err := io.ReadFull(r, buf); err != nil {
					return
				}
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			up := newFakeUpstreamRaw(t, func(w http.ResponseWriter, r *http.Request) {
				c.upstreamRd(r.Body)
				okAnthropic(w, r, nil)
			})
			p := startProxy(t, up, func(o *Options) { o.IdleTimeout = idle })
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, p.http.URL+"/v1/messages", c.client())
			req.Header.Set("x-api-key", "test-key-not-a-secret")
			start := time.Now()
			resp, err := p.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			out, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("status %d after %s: %.200s", resp.StatusCode, time.Since(start), out)
			}
			if time.Since(start) < idle {
				t.Fatalf("finished in %s: the case did not exercise the timer", time.Since(start))
			}
		})
	}
	t.Run("silent upstream is cut", func(t *testing.T) {
		up := newFakeUpstreamRaw(t, func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			select {
			case <-r.Context().Done():
			case <-time.After(4 * idle):
			}
		})
		p := startProxy(t, up, func(o *Options) { o.IdleTimeout = idle })
		start := time.Now()
		resp, out := p.post(t, "/v1/messages", []byte(anthropicBody), anthropicHeaders)
		if resp.StatusCode != http.StatusGatewayTimeout || !strings.Contains(string(out), "sent nothing") {
			t.Fatalf("silent upstream: status %d after %s: %s", resp.StatusCode, time.Since(start), out)
		}
		if d := time.Since(start); d < idle {
			t.Fatalf("cut after %s, before the %s timeout", d, idle)
		}
	})
}

// newFakeUpstreamRaw is an upstream on 127.0.0.1 whose handler reads the
// body itself.
func newFakeUpstreamRaw(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}
