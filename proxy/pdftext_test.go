package proxy

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"strings"
	"testing"
	"time"
)

// makePDF writes a one-page PDF whose page shows text (split over two TJ
// pieces, as kerning does), with an optionally compressed content stream.
func makePDF(text string, compress bool) []byte {
	half := len(text) / 2
	content := fmt.Sprintf("BT /F1 12 Tf 72 720 Td [(%s) -20 (%s)] TJ ET", pdfEscape(text[:half]), pdfEscape(text[half:]))
	streamDict := fmt.Sprintf("<< /Length %d >>", len(content))
	stream := content
	if compress {
		var buf bytes.Buffer
		zw := zlib.NewWriter(&buf)
		zw.Write([]byte(content))
		zw.Close()
		stream = buf.String()
		streamDict = fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>", len(stream))
	}
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		streamDict + "\nstream\n" + stream + "\nendstream",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

func pdfEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(s)
}

func TestExtractPDFText(t *testing.T) {
	tok := plantToken(t)
	for _, compress := range []bool{false, true} {
		got, err := extractPDFText(makePDF("GITHUB_TOKEN="+tok, compress))
		if err != nil {
			t.Fatalf("compress=%v: %v", compress, err)
		}
		if !strings.Contains(got, "GITHUB_TOKEN="+tok) {
			t.Errorf("compress=%v: text %q lacks the token", compress, got)
		}
	}
	for _, bad := range [][]byte{[]byte("%PDF-1.4\nnot really"), makePDF("x", true)[:200], {}} {
		if _, err := extractPDFText(bad); err == nil {
			t.Errorf("no error for a broken PDF %q", bad)
		}
	}
}

func TestPDFPayloadsBlocked(t *testing.T) {
	tok := plantToken(t)
	doc := b64(string(makePDF("deploy with GITHUB_TOKEN="+tok, true)))
	cases := []struct {
		name, path, body string
		hdr              map[string]string
		want             int
	}{
		{"anthropic document", "/v1/messages", `{"model":"m","max_tokens":8,"messages":[{"role":"user","content":[{"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"` + doc + `"}}]}]}`, anthropicHeaders, 403},
		{"chat file_data", "/v1/chat/completions", `{"model":"m","messages":[{"role":"user","content":[{"type":"file","file":{"filename":"a.pdf","file_data":"data:application/pdf;base64,` + doc + `"}}]}]}`, map[string]string{"Authorization": "Bearer k"}, 403},
		{"responses input_file", "/v1/responses", `{"model":"m","input":[{"role":"user","content":[{"type":"input_file","filename":"a.pdf","file_data":"data:application/pdf;base64,` + doc + `"}]}]}`, map[string]string{"Authorization": "Bearer k"}, 403},
		{"gzip of a PDF", "/v1/messages", `{"model":"m","max_tokens":8,"messages":[{"role":"user","content":[{"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"` + b64(string(gz(makePDF("GITHUB_TOKEN="+tok, false)))) + `"}}]}]}`, anthropicHeaders, 403},
		{"broken PDF", "/v1/messages", `{"model":"m","max_tokens":8,"messages":[{"role":"user","content":[{"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"` + b64("%PDF-1.7 garbage "+tok) + `"}}]}]}`, anthropicHeaders, 400},
		{"clean PDF passes", "/v1/messages", `{"model":"m","max_tokens":8,"messages":[{"role":"user","content":[{"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"` + b64(string(makePDF("quarterly report", true))) + `"}}]}]}`, anthropicHeaders, 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			up := newFakeUpstream(t, okAnthropic)
			p := startProxy(t, up.srv.URL)
			resp, out := p.post(t, c.path, []byte(c.body), c.hdr)
			if resp.StatusCode != c.want {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.want, out)
			}
			if c.want != 200 {
				if n := len(up.requests()); n != 0 {
					t.Errorf("upstream received %d requests", n)
				}
			}
		})
	}
}

// FuzzExtractPDFText: whatever the bytes, the wrapper returns (text or an
// error) within its time limit and never panics.
func FuzzExtractPDFText(f *testing.F) {
	f.Add(makePDF("hello world", false))
	f.Add(makePDF("hello world", true))
	f.Add([]byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 1 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"))
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		text, err := extractPDFTextWithin(data, 2*time.Second)
		if err == nil && len(text) > pdfMaxText {
			t.Fatalf("text of %d bytes over the budget", len(text))
		}
		if time.Since(start) > 3*time.Second {
			t.Fatalf("took %s", time.Since(start))
		}
		// The request gave up at the limit; the worker must stop too, or a
		// few such PDFs hold every extraction slot (and a core) for good.
		for wait := time.Now(); len(pdfSlots) > 0; time.Sleep(time.Millisecond) {
			if time.Since(wait) > 3*time.Second {
				t.Fatalf("extraction still running %s after the call returned", time.Since(wait))
			}
		}
	})
}
