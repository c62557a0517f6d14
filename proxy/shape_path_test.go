package proxy

import (
	"strings"
	"testing"
)

// TestCheckShapePath: a refused body's message names the offending value
// by its JSON path (found by pathOf once a check fails, not built on the
// way down), escaped keys decoded, "the body" for the root.
func TestCheckShapePath(t *testing.T) {
	for _, tc := range []struct {
		body string
		want string
	}{
		{`[]`, "the body must be"},
		{`{"model":"m","messages":{}}`, "messages must be"},
		{`{"model":"m","messages":[{"role":"user","content":"a"},{"role":"user","content":7}]}`, "messages[1].content must be"},
		{`{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":1}]}]}`, "messages[0].content[1].text must be"},
		{`{"model":"m","mess\u0061ges":[{"role":"user","cont\u0065nt":[1]}]}`, "messages[0].content[0] must be"},
	} {
		d, err := parseJSON([]byte(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		err = checkStrict(d, apiAnthropic)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.body, err, tc.want)
		}
	}
}
