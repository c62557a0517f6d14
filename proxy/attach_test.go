package proxy

import (
	"bytes"
	"crypto/tls"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// tinyPNG encodes a 4x4 image at test time.
func tinyPNG(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{200, 10, 10, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

func TestAttachmentsPassCountedOrBlocked(t *testing.T) {
	img := tinyPNG(t)
	cases := []struct {
		name, path, body string
		hdr              map[string]string
		a                api
	}{
		{"anthropic image block", "/v1/messages",
			`{"model":"m","max_tokens":8,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"` + img + `"}},{"type":"text","text":"what is this?"}]}]}`,
			anthropicHeaders, apiAnthropic},
		{"chat image_url data URL", "/v1/chat/completions",
			`{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,` + img + `"}}]}]}`,
			map[string]string{"Authorization": "Bearer test-key-not-a-secret"}, apiChat},
		{"responses input_image", "/v1/responses",
			`{"model":"m","input":[{"role":"user","content":[{"type":"input_image","image_url":"data:image/png;base64,` + img + `"}]}]}`,
			map[string]string{"Authorization": "Bearer test-key-not-a-secret"}, apiResponses},
	}
	for _, c := range cases {
		t.Run(c.name+"/pass", func(t *testing.T) {
			up := newFakeUpstream(t, okAnthropic)
			p := startProxy(t, up.srv.URL)
			resp, out := p.post(t, c.path, []byte(c.body), c.hdr)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, out)
			}
			if reqs := up.requests(); len(reqs) != 1 || !bytes.Contains(reqs[0].body, []byte(img)) {
				t.Fatal("the image did not reach the upstream unchanged")
			}
			if e := p.sink.waitEntries(t, 1)[0]; e.Attachments != 1 {
				t.Errorf("audit Attachments = %d, want 1", e.Attachments)
			}
		})
		t.Run(c.name+"/block", func(t *testing.T) {
			up := newFakeUpstream(t, okAnthropic)
			p := startProxy(t, up.srv.URL, func(o *Options) { o.Attachments = AttachmentsBlock })
			resp, out := p.post(t, c.path, []byte(c.body), c.hdr)
			if resp.StatusCode != http.StatusForbidden {
				t.Fatalf("status %d: %s", resp.StatusCode, out)
			}
			if _, msg := errorMessage(t, c.a, out); !strings.Contains(msg, "attachments") {
				t.Errorf("message %q does not say why", msg)
			}
			if n := len(up.requests()); n != 0 {
				t.Errorf("upstream received %d requests", n)
			}
			if e := p.sink.waitEntries(t, 1)[0]; e.Outcome != "blocked" {
				t.Errorf("audit outcome %q", e.Outcome)
			}
		})
	}
	if _, err := New(Options{Key: testKey, Attachments: "maybe"}); err == nil {
		t.Error("New accepted attachments=maybe")
	}
}

// TestHTTP2Evasion sends a planted token over HTTP/2 (TLS; the proxy's own
// listener speaks HTTP/1.1 only, so h2c never reaches it).
func TestHTTP2Evasion(t *testing.T) {
	up := newFakeUpstream(t, okAnthropic)
	s, err := New(Options{Key: testKey, AnthropicUpstream: up.srv.URL, OpenAIUpstream: up.srv.URL + "/v1"})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(s)
	hs.EnableHTTP2 = true
	hs.StartTLS()
	defer hs.Close()
	defer s.Close()
	tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, ForceAttemptHTTP2: true}
	defer tr.CloseIdleConnections()
	tok := plantToken(t)
	req, _ := http.NewRequest(http.MethodPost, hs.URL+"/v1/messages", strings.NewReader(`{"model":"m","max_tokens":8,"messages":[{"role":"user","content":"hi"}]}`))
	req.Header.Set("x-api-key", "test-key-not-a-secret")
	req.Header.Set("x-trace", tok)
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.ProtoMajor != 2 {
		t.Fatalf("not HTTP/2: %s", resp.Proto)
	}
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("status %d: %s", resp.StatusCode, out)
	}
	if n := len(up.requests()); n != 0 {
		t.Errorf("upstream received %d requests", n)
	}
}

// TestReloadKeepsRequestLimits: a SIGHUP reload swaps the rules but must keep
// the request limits the proxy was started with (--attachments block,
// --max-body-size); a reloaded checker once fell back to the defaults.
func TestReloadKeepsRequestLimits(t *testing.T) {
	img := tinyPNG(t)
	body := `{"model":"m","max_tokens":8,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"` + img + `"}}]}]}`
	const budget = 3 << 20
	up := newFakeUpstream(t, okAnthropic)
	p := startProxy(t, up.srv.URL, func(o *Options) {
		o.Attachments = AttachmentsBlock
		o.MaxBodyBytes = budget
	})
	for round := range 2 {
		if round == 1 {
			if err := p.srv.Reload(ReloadOptions{}); err != nil {
				t.Fatalf("Reload: %v", err)
			}
		}
		ck := p.srv.live().check
		if !ck.blockAttachments || ck.payloadBudget != budget {
			t.Errorf("round %d: checker blockAttachments=%v payloadBudget=%d, want true, %d",
				round, ck.blockAttachments, ck.payloadBudget, budget)
		}
		resp, out := p.post(t, "/v1/messages", []byte(body), anthropicHeaders)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("round %d: status %d, want 403: %s", round, resp.StatusCode, out)
		}
	}
	if n := len(up.requests()); n != 0 {
		t.Errorf("upstream received %d requests", n)
	}
}
