package proxy

import (
	"bytes"
	"testing"
)

// parseJSON's strings stay what they were when the caller reuses its
// buffer (a frame decoder does); parseJSONOwned is for buffers given away.
func TestParseJSONSurvivesBufferReuse(t *testing.T) {
	src := []byte(`{"plain":"lookupPatientRecord","esc":"a\nb","k\u0065y":"v","n":[1,"x"]}`)
	buf := bytes.Clone(src)
	d, err := parseJSON(buf)
	if err != nil {
		t.Fatal(err)
	}
	plain, esc, key, inner := d.strAt(0, "plain"), d.strAt(0, "esc"), d.key(d.get(0, "key")), d.str(d.nodes[d.nodes[d.get(0, "n")].first].next)
	raw := d.raw(d.get(0, "plain"))
	for i := range buf {
		buf[i] = 'X' // the next frame overwrites the buffer
	}
	if plain != "lookupPatientRecord" || esc != "a\nb" || key != "key" || string(raw) != `"lookupPatientRecord"` {
		t.Errorf("strings changed with the caller's buffer: %q %q %q %q", plain, esc, key, raw)
	}
	if inner != "x" || d.strAt(0, "plain") != "lookupPatientRecord" {
		t.Errorf("document changed with the caller's buffer")
	}
}

// An event built from a frame's payload owns its bytes: the decoder reuses
// the payload for the next frame while the event is still held back.
func TestEventForOwnsItsData(t *testing.T) {
	for _, payload := range []string{
		`{"contentBlockDelta":{"delta":{"text":"lookupPatientRecord"}}}`,
		"{\"a\":\n\"two lines\"}",
		``,
	} {
		buf := []byte(payload)
		ev := eventFor("contentBlockDelta", buf)
		for i := range buf {
			buf[i] = 'X'
		}
		if string(ev.data) != payload {
			t.Errorf("event data %q, want %q", ev.data, payload)
		}
		if name, data := parseRendered(ev.raw); name != "contentBlockDelta" || string(data) != payload {
			t.Errorf("rendered event reads back as %q %q", name, data)
		}
	}
}
