package proxy

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"

	"github.com/pretense/pretense/rules"
)

// cloudClientText is what a client assembles from a restored stream.
func cloudClientText(t *testing.T, a api, stream []byte) (text, args string) {
	t.Helper()
	var tb, ab strings.Builder
	if a == apiGemini {
		rd := newSSEReader(bytes.NewReader(stream))
		for {
			ev, err := rd.next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("restored stream does not frame: %v", err)
			}
			var r struct {
				Candidates []struct {
					Content struct {
						Parts []struct {
							Text         string
							FunctionCall *struct{ Args json.RawMessage }
						}
					}
				}
			}
			if err := json.Unmarshal(ev.data, &r); err != nil {
				t.Fatalf("restored event is not JSON: %v: %s", err, ev.data)
			}
			for _, c := range r.Candidates {
				for _, p := range c.Content.Parts {
					tb.WriteString(p.Text)
					if p.FunctionCall != nil {
						ab.Write(p.FunctionCall.Args)
					}
				}
			}
		}
		return tb.String(), ab.String()
	}
	dec := eventstream.NewDecoder()
	rd := bytes.NewReader(stream)
	for rd.Len() > 0 {
		m, err := dec.Decode(rd, nil)
		if err != nil {
			t.Fatalf("restored stream does not decode: %v", err)
		}
		payload := m.Payload
		if a == apiBedrock {
			var c struct{ Bytes []byte }
			if err := json.Unmarshal(payload, &c); err != nil {
				t.Fatalf("chunk: %v", err)
			}
			var e struct {
				Delta struct {
					Type, Text  string
					PartialJSON string `json:"partial_json"`
				}
			}
			_ = json.Unmarshal(c.Bytes, &e)
			switch e.Delta.Type {
			case "text_delta":
				tb.WriteString(e.Delta.Text)
			case "input_json_delta":
				ab.WriteString(e.Delta.PartialJSON)
			}
			continue
		}
		var e struct {
			Delta struct {
				Text    string
				ToolUse struct{ Input string }
			}
		}
		_ = json.Unmarshal(payload, &e)
		tb.WriteString(e.Delta.Text)
		ab.WriteString(e.Delta.ToolUse.Input)
	}
	return tb.String(), ab.String()
}

var cloudAPIs = []struct {
	name string
	a    api
}{{"bedrock-invoke", apiBedrock}, {"converse", apiConverse}, {"gemini", apiGemini}}

// TestEventStreamBroken: a bad CRC, a cut frame and a chunk that is not
// base64 are errors, never passed on.
func TestEventStreamBroken(t *testing.T) {
	tr, sess := transcript(t, apiBedrock, shortPrompt)
	badCRC := append([]byte(nil), tr...)
	badCRC[20] ^= 0xff
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"crc", badCRC, errBrokenEventStream},
		{"cut", tr[:len(tr)-3], io.ErrUnexpectedEOF},
		{"not base64", frame(t, "event", "chunk", []byte(`{"bytes":"***"}`)), errBrokenEventStream},
		{"no bytes", frame(t, "event", "chunk", []byte(`{"b":1}`)), errBrokenEventStream},
	}
	for _, tc := range tests {
		_, err := restoreStream(apiBedrock, sess, bytes.NewReader(tc.in))
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	// An exception frame passes through with its JSON restored.
	out, err := restoreStream(apiBedrock, sess, bytes.NewReader(frame(t, "exception", "throttlingException", []byte(`{"message":"slow down"}`))))
	if err != nil || !bytes.Contains(out, []byte("slow down")) {
		t.Errorf("exception: %v %q", err, out)
	}
}

// FuzzEventStream: for any bytes and any two cut points, the restored
// output (or the error) does not depend on how the bytes arrived, and
// every frame written out decodes with valid CRCs.
func FuzzEventStream(f *testing.F) {
	for _, tc := range cloudAPIs[:2] {
		tr, _ := transcript(f, tc.a, shortPrompt)
		f.Add(tc.a == apiConverse, tr, uint16(17), uint16(400))
	}
	f.Add(false, frame(f, "exception", "x", []byte(`{"message":"m"}`)), uint16(1), uint16(2))
	eng, err := newMutateEngine(testKey, "phi")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, converse bool, tr []byte, c1, c2 uint16) {
		a := apiBedrock
		if converse {
			a = apiConverse
		}
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
		dec := eventstream.NewDecoder()
		rd := bytes.NewReader(want)
		for rd.Len() > 0 {
			if _, err := dec.Decode(rd, nil); err != nil {
				t.Fatalf("output frame does not decode: %v", err)
			}
		}
	})
}

// FuzzGeminiStream: Gemini SSE restoration does not depend on the split.
func FuzzGeminiStream(f *testing.F) {
	tr, _ := transcript(f, apiGemini, shortPrompt)
	f.Add(tr, uint16(17), uint16(400))
	f.Add([]byte("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"_x\"}]},\"finishReason\":\"STOP\"}]}\r\n\r\n"), uint16(3), uint16(9))
	eng, err := newMutateEngine(testKey, "phi")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, tr []byte, c1, c2 uint16) {
		sess := eng.newSession()
		sess.mutate(shortPrompt, langText)
		want, werr := restoreStream(apiGemini, sess, bytes.NewReader(tr))
		i, j := int(c1)%(len(tr)+1), int(c2)%(len(tr)+1)
		if i > j {
			i, j = j, i
		}
		got, gerr := restoreStream(apiGemini, sess, &chunkReader{chunks: [][]byte{append([]byte(nil), tr[:i]...), append([]byte(nil), tr[i:j]...), append([]byte(nil), tr[j:]...)}})
		if (werr == nil) != (gerr == nil) || !bytes.Equal(got, want) {
			t.Fatalf("output depends on the split at %d,%d: %v vs %v", i, j, werr, gerr)
		}
	})
}

// FuzzRewriteCloudRequest: Converse, Gemini and Bedrock invoke bodies
// either fail to parse or come out as valid JSON; nothing panics.
func FuzzRewriteCloudRequest(f *testing.F) {
	f.Add(uint8(0), []byte(`{"anthropic_version":"bedrock-2023-05-31","messages":[{"role":"user","content":"mrn"}]}`))
	f.Add(uint8(0), []byte(`{"prompt":"lookupPatientRecord","max_gen_len":5}`))
	f.Add(uint8(1), []byte(`{"system":[{"text":"PatientRecord"}],"messages":[{"role":"user","content":[{"text":"mrn"},{"toolUse":{"toolUseId":"t","name":"n","input":{"a":"dateOfBirth"}}},{"toolResult":{"toolUseId":"t","content":[{"text":"x"},{"json":{"k":"mrn"}}]}}]}],"toolConfig":{"tools":[{"toolSpec":{"name":"n","description":"PatientRecord","inputSchema":{"json":{"type":"object"}}}}]}}`))
	f.Add(uint8(3), []byte(`{"contents":[{"role":"user","parts":[{"text":"mrn"},{"functionCall":{"name":"f","args":{"a":"dateOfBirth"}}},{"text":"t","thought":true}]}],"systemInstruction":{"parts":[{"text":"PatientRecord"}]},"generateContentRequest":{"contents":[]}}`))
	eng, err := newMutateEngine(testKey, "phi")
	if err != nil {
		f.Fatal(err)
	}
	rs, err := rules.Compile(rules.Builtin(), rules.Options{PHIMode: rules.ModeStandard})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		a := apiBedrock + api(which%4)
		res, err := rewriteRequest(body, a, eng.newSession(), &checker{rs: rs}, eng.langFromPath)
		if err != nil {
			if !errors.Is(err, errJSON) && !errors.Is(err, errNotObject) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		if len(res.hits) == 0 && !json.Valid(sentBody(t, res.body)) {
			t.Fatalf("rewrite produced invalid JSON:\n in %q\nout %q", body, res.body.Bytes())
		}
	})
}

// TestCloudRequestFieldsMutated checks each walker reaches the fields that
// carry prompt text in each API.
func TestCloudRequestFieldsMutated(t *testing.T) {
	eng, err := newMutateEngine(testKey, "phi")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		a    api
		body string
		keep []string // must reach upstream unchanged
	}{
		{apiConverse, `{"modelId":"x","system":[{"text":"PatientRecord"}],"messages":[{"role":"user","content":[{"text":"fix lookupPatientRecord"},{"toolUse":{"toolUseId":"t1","name":"Edit","input":{"code":"mrn = 1"}}},{"toolResult":{"toolUseId":"t1","content":[{"text":"dateOfBirth"},{"json":{"v":"insuranceMemberId"}}]}},{"reasoningContent":{"reasoningText":{"text":"keep PatientRecord","signature":"sig"}}}]}],"toolConfig":{"tools":[{"toolSpec":{"name":"Edit","description":"edits PatientRecord","inputSchema":{"json":{"type":"object","properties":{"code":{"type":"string","description":"the mrn"}}}}}}]},"inferenceConfig":{"stopSequences":["PatientRecord"]}}`, []string{`"keep PatientRecord"`, `"name":"Edit"`}},
		{apiGemini, `{"contents":[{"role":"user","parts":[{"text":"fix lookupPatientRecord"},{"functionCall":{"name":"edit","args":{"code":"mrn = 1"}}},{"functionResponse":{"name":"edit","response":{"out":"dateOfBirth"}}},{"text":"keep PatientRecord","thought":true}]}],"systemInstruction":{"parts":[{"text":"PatientRecord"}]},"tools":[{"functionDeclarations":[{"name":"edit","description":"edits PatientRecord","parameters":{"type":"object","properties":{"code":{"type":"string","description":"the mrn"}}}}]}],"generationConfig":{"stopSequences":["insuranceMemberId"]}}`, []string{`"keep PatientRecord"`, `"name":"edit"`}},
		{apiBedrock, `{"anthropic_version":"bedrock-2023-05-31","anthropic_beta":["x"],"system":"PatientRecord","messages":[{"role":"user","content":"fix lookupPatientRecord, mrn, dateOfBirth, insuranceMemberId"}]}`, []string{`"anthropic_beta":["x"]`}},
		{apiBedrock, `{"prompt":"fix lookupPatientRecord, mrn, dateOfBirth, insuranceMemberId, PatientRecord","max_gen_len":5}`, []string{`"max_gen_len":5`}},
	}
	for _, tc := range tests {
		res, err := rewriteRequest([]byte(tc.body), tc.a, eng.newSession(), nil, eng.langFromPath)
		if err != nil {
			t.Fatal(err)
		}
		out := string(sentBody(t, res.body))
		for _, k := range tc.keep {
			if !strings.Contains(out, k) {
				t.Errorf("api %d: %s was changed: %s", tc.a, k, out)
			}
			out = strings.ReplaceAll(out, k, "")
		}
		if m := sensitiveIn([]byte(out)); m != "" {
			t.Errorf("api %d: %q left unmutated: %s", tc.a, m, out)
		}
	}
}

var _ = base64.StdEncoding
