package proxy

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
)

// transcript records what a fake upstream streams for a request carrying
// the mutated fixture prompt, and returns it with the session that mutated
// it (the session the proxy would restore with): SSE for the Anthropic,
// OpenAI and Gemini APIs, Bedrock chunk frames or Converse frames.
func transcript(t testing.TB, a api, prompt string) ([]byte, session) {
	t.Helper()
	eng, err := newMutateEngine(testKey, "phi")
	if err != nil {
		t.Fatal(err)
	}
	sess := eng.newSession()
	mutated := sess.mutate(prompt, langText)
	var body []byte
	var fake func(w http.ResponseWriter, r *http.Request, body []byte)
	path := "/v1/messages"
	switch a {
	case apiBedrock:
		body := []byte(mustJSON(map[string]any{"stream": true, "messages": []any{map[string]any{"role": "user", "content": mutated}}}))
		return sseToChunks(t, recordSSE(anthropicFake(t), httptest.NewRequest(http.MethodPost, "/", nil), body)), sess
	case apiConverse:
		return converseStreamFrames(t, mutated), sess
	case apiGemini:
		body = []byte(mustJSON(map[string]any{"contents": []any{map[string]any{"parts": []any{map[string]string{"text": mutated}}}}}))
		fake = geminiFake(t)
		path = "/v1beta/models/m:streamGenerateContent"
	case apiAnthropic:
		body = []byte(mustJSON(map[string]any{"stream": true, "messages": []any{map[string]any{"role": "user", "content": mutated}}}))
		fake = anthropicFake(t)
	case apiChat:
		body = []byte(mustJSON(map[string]any{"stream": true, "messages": []any{map[string]any{"role": "user", "content": mutated}}}))
		fake = chatFake(t)
	default:
		body = []byte(mustJSON(map[string]any{"stream": true, "input": []any{map[string]any{"role": "user", "content": mutated}}}))
		fake = responsesFake(t)
	}
	rec := httptest.NewRecorder()
	fake(rec, httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body)), body)
	return rec.Body.Bytes(), sess
}

// chunkReader returns its chunks one Read at a time.
type chunkReader struct{ chunks [][]byte }

func (c *chunkReader) Read(p []byte) (int, error) {
	for len(c.chunks) > 0 && len(c.chunks[0]) == 0 {
		c.chunks = c.chunks[1:]
	}
	if len(c.chunks) == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.chunks[0])
	c.chunks[0] = c.chunks[0][n:]
	return n, nil
}

// restoreStream runs a transcript through the proxy's stream path for a:
// SSE, or AWS event-stream frames for Bedrock and Converse.
func restoreStream(a api, sess session, r io.Reader) ([]byte, error) {
	var out bytes.Buffer
	if a == apiBedrock || a == apiConverse {
		rel := &esRelay{a: a, enc: eventstream.NewEncoder(), w: &out, flush: func() error { return nil }}
		st := newStreamer(a, &restorer{sess: sess}, rel.emit)
		err := pumpEventStream(newESReader(r), rel, st)
		return out.Bytes(), err
	}
	st := newStreamer(a, &restorer{sess: sess}, func(b []byte) error {
		out.Write(b)
		return nil
	})
	err := pump(newSSEReader(r), st)
	return out.Bytes(), err
}

// clientText is what a client assembles from a restored stream: the
// visible answer text and the tool-call argument text.
func clientText(t *testing.T, a api, stream []byte) (text, args string) {
	t.Helper()
	if a == apiBedrock || a == apiConverse || a == apiGemini {
		return cloudClientText(t, a, stream)
	}
	rd := newSSEReader(bytes.NewReader(stream))
	var tb, ab strings.Builder
	for {
		ev, err := rd.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("restored stream does not frame: %v", err)
		}
		if !ev.hasData || string(ev.data) == "[DONE]" {
			continue
		}
		var e struct {
			Type  string
			Delta json.RawMessage
			Index int
			// chat
			Choices []struct {
				Delta struct {
					Content   string
					ToolCalls []struct{ Function struct{ Arguments string } } `json:"tool_calls"`
				}
			}
		}
		if err := json.Unmarshal(ev.data, &e); err != nil {
			t.Fatalf("restored event is not JSON: %v: %s", err, ev.data)
		}
		switch a {
		case apiAnthropic:
			var d struct{ Type, Text, PartialJSON string }
			var raw struct {
				Type        string
				Text        string
				PartialJSON string `json:"partial_json"`
			}
			_ = json.Unmarshal(e.Delta, &raw)
			d.Type, d.Text, d.PartialJSON = raw.Type, raw.Text, raw.PartialJSON
			switch d.Type {
			case "text_delta":
				tb.WriteString(d.Text)
			case "input_json_delta":
				ab.WriteString(d.PartialJSON)
			}
		case apiChat:
			for _, c := range e.Choices {
				tb.WriteString(c.Delta.Content)
				for _, tc := range c.Delta.ToolCalls {
					ab.WriteString(tc.Function.Arguments)
				}
			}
		default:
			var s string
			_ = json.Unmarshal(e.Delta, &s)
			switch e.Type {
			case "response.output_text.delta":
				tb.WriteString(s)
			case "response.function_call_arguments.delta":
				ab.WriteString(s)
			}
		}
	}
	return tb.String(), ab.String()
}

var apis = []struct {
	name string
	a    api
}{{"anthropic", apiAnthropic}, {"chat", apiChat}, {"responses", apiResponses}}

// shortPrompt keeps the every-offset test fast: two synthetics, a
// multi-byte character, a quote and a newline that JSON escapes.
const shortPrompt = "Why does lookupPatientRecord drop dateOfBirth? \"é\"\n"

// TestStreamSplitAtEveryOffset cuts each transcript at every byte offset
// (inside events, lines, synthetics and multi-byte characters): the
// restored stream must be byte-identical to the uncut one, and a client
// must assemble the original text from it.
func TestStreamSplitAtEveryOffset(t *testing.T) {
	for _, tc := range append(apis[:len(apis):len(apis)], cloudAPIs...) {
		t.Run(tc.name, func(t *testing.T) {
			frames := tc.a == apiBedrock || tc.a == apiConverse
			tr, sess := transcript(t, tc.a, shortPrompt)
			want, err := restoreStream(tc.a, sess, bytes.NewReader(tr))
			if err != nil {
				t.Fatalf("uncut: %v", err)
			}
			text, args := clientText(t, tc.a, want)
			if text != shortPrompt {
				t.Fatalf("restored text:\n got %q\nwant %q", text, shortPrompt)
			}
			if tc.a == apiGemini || frames {
				if !strings.Contains(args, "lookupPatientRecord") || !strings.Contains(args, "dateOfBirth") {
					t.Fatalf("restored arguments: %q", args)
				}
			} else if args != mustJSON(map[string]string{"file_path": "src/patient.ts", "code": shortPrompt}) && args != mustJSON(map[string]string{"code": shortPrompt}) {
				t.Fatalf("restored arguments: %q", args)
			}
			step := 1
			if raceEnabled {
				step = 13
			}
			for k := 0; k <= len(tr); k += step {
				if frames && k > 800 && step < 7 {
					// Every offset through the first frames (prelude,
					// headers, CRCs, payload), then a stride: the machine
					// is shared.
					step = 7
				}
				got, err := restoreStream(tc.a, sess, &chunkReader{chunks: [][]byte{append([]byte(nil), tr[:k]...), append([]byte(nil), tr[k:]...)}})
				if err != nil {
					t.Fatalf("cut at %d: %v", k, err)
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("cut at %d changes the output", k)
				}
			}
			got, err := restoreStream(tc.a, sess, iotest.OneByteReader(bytes.NewReader(tr)))
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("one-byte reads: %v", err)
			}
			if frames {
				return
			}
			// \r\n and lone \r line endings frame the same events.
			for _, eol := range []string{"\r\n", "\r"} {
				crlf := bytes.ReplaceAll(tr, []byte("\n"), []byte(eol))
				got, err := restoreStream(tc.a, sess, iotest.HalfReader(bytes.NewReader(crlf)))
				if err != nil {
					t.Fatalf("eol %q: %v", eol, err)
				}
				if gt, ga := clientText(t, tc.a, got); gt != text || ga != args {
					t.Errorf("eol %q: text %q args %q", eol, gt, ga)
				}
			}
		})
	}
}

// FuzzStreamSplit: for any transcript and any two cut points the restored
// output (or the error) does not depend on how the bytes arrived.
func FuzzStreamSplit(f *testing.F) {
	for _, tc := range apis {
		tr, _ := transcript(f, tc.a, shortPrompt)
		f.Add(uint8(tc.a), tr, uint16(17), uint16(400))
	}
	f.Add(uint8(0), []byte("event: x\r\ndata: {\"a\":1}\r\n\r\n: c\n\ndata: [DONE]\n\n"), uint16(3), uint16(9))
	eng, err := newMutateEngine(testKey, "phi")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, which uint8, tr []byte, c1, c2 uint16) {
		a := api(which % 3)
		sess := eng.newSession()
		sess.mutate(shortPrompt, langText)
		want, werr := restoreStream(a, sess, bytes.NewReader(tr))
		i, j := int(c1)%(len(tr)+1), int(c2)%(len(tr)+1)
		if i > j {
			i, j = j, i
		}
		parts := [][]byte{append([]byte(nil), tr[:i]...), append([]byte(nil), tr[i:j]...), append([]byte(nil), tr[j:]...)}
		got, gerr := restoreStream(a, sess, &chunkReader{chunks: parts})
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("error depends on the split: %v vs %v", werr, gerr)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("output depends on the split at %d,%d", i, j)
		}
	})
}

func TestSSEReaderFraming(t *testing.T) {
	in := ": comment\n\nevent: a\ndata: line1\ndata:line2\nid: 7\n\n\n\ndata: x\r\n\r\nevent: b\rdata: y\r\r"
	rd := newSSEReader(strings.NewReader(in))
	type ev struct{ name, data string }
	var got []ev
	for {
		e, err := rd.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ev{e.name, string(e.data)})
	}
	want := []ev{{"", ""}, {"a", "line1\nline2"}, {"", "x"}, {"b", "y"}}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("event %d: got %q, want %q", i, got[i], want[i])
		}
	}
	if _, err := newSSEReader(strings.NewReader("data: cut")).next(); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated event: %v", err)
	}
	big := "data: " + strings.Repeat("x", maxEventBytes) + "\n\n"
	if _, err := newSSEReader(strings.NewReader(big)).next(); !errors.Is(err, errBrokenSSE) {
		t.Errorf("oversized event: %v", err)
	}
	// A 1 MiB data line (bufio.Scanner's downfall) is one event.
	long := "data: " + strings.Repeat("y", 1<<20) + "\n\n"
	if e, err := newSSEReader(strings.NewReader(long)).next(); err != nil || len(e.data) != 1<<20 {
		t.Errorf("long line: %v", err)
	}
}

func TestWithDataKeepsOtherLines(t *testing.T) {
	rd := newSSEReader(strings.NewReader("event: e\nid: 3\ndata: {\"a\":\ndata: 1}\n: note\n\n"))
	e, err := rd.next()
	if err != nil {
		t.Fatal(err)
	}
	got := string(e.withData([]byte("{\"a\":2}")))
	want := "event: e\nid: 3\ndata: {\"a\":2}\n: note\n\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
