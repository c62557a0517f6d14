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
// takes a large body slowly but steadily is not idle.
func TestIdleTimeoutCountsUpstreamOnly(t *testing.T) {
	const idle = time.Second
	body := bigRequest(24 << 20)
	cases := []struct {
		name       string
		client     func() io.Reader
		upstreamRd func(r io.Reader) // how the upstream reads the body
	}{
		{"slow client upload", func() io.Reader {
			return &slowReader{data: bytes.Clone(body), piece: 4 << 20, pause: 400 * time.Millisecond}
		}, func(r io.Reader) { io.Copy(io.Discard, r) }},
		{"upstream takes the body slowly", func() io.Reader { return bytes.NewReader(body) }, func(r io.Reader) {
			buf := make([]byte, 128<<10)
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
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
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
	// And a silent upstream is still cut.
	up := newFakeUpstreamRaw(t, func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	p := startProxy(t, up, func(o *Options) { o.IdleTimeout = idle })
	resp, out := p.post(t, "/v1/messages", []byte(anthropicBody), anthropicHeaders)
	if resp.StatusCode != http.StatusGatewayTimeout || !strings.Contains(string(out), "sent nothing") {
		t.Fatalf("silent upstream: status %d: %s", resp.StatusCode, out)
	}
}

// newFakeUpstreamRaw is an upstream on 127.0.0.1 whose handler reads the
// body itself.
func newFakeUpstreamRaw(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}
