package proxy

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pretense/pretense/rules"
)

// FuzzParseJSON: the span parser accepts exactly what encoding/json
// accepts (up to its nesting cap), decodes strings the same way, and
// appendQuote round-trips.
func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `{"a":[1,-2.5e+3,true,false,null,"x\u00e9\ud83d\ude00\n"]}`, `"\ud800"`, `01`, `{"a":1,}`, ` [ 1 , 2 ] `, `{"a"}`, "\"\x01\"", `1.`, `-`, `"\q"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := parseJSON(data)
		valid := json.Valid(data)
		if err != nil && strings.Contains(err.Error(), "nesting deeper") {
			return
		}
		if (err == nil) != valid {
			t.Fatalf("parseJSON err=%v, json.Valid=%v for %q", err, valid, data)
		}
		if err != nil {
			return
		}
		for i, n := range d.nodes {
			if n.kind != jStr {
				continue
			}
			var want string
			if err := json.Unmarshal(d.raw(i), &want); err != nil {
				t.Fatalf("node %d %q: %v", i, d.raw(i), err)
			}
			got := d.str(i)
			// encoding/json turns invalid UTF-8 into U+FFFD; the parser keeps
			// the bytes (they are forwarded untouched).
			if utf8.ValidString(got) && got != want {
				t.Fatalf("string %q decoded to %q, want %q", d.raw(i), got, want)
			}
			var back string
			if err := json.Unmarshal(appendQuote(nil, want), &back); err != nil || back != want {
				t.Fatalf("appendQuote(%q) round trip: %q %v", want, back, err)
			}
		}
	})
}

// FuzzRewriteRequest: any body either fails to parse or comes out as valid
// JSON with the same non-string structure; nothing panics.
func FuzzRewriteRequest(f *testing.F) {
	f.Add(uint8(0), []byte(`{"system":"PatientRecord","messages":[{"role":"user","content":[{"type":"text","text":"mrn"},{"type":"tool_result","tool_use_id":"t","content":[{"type":"text","text":"dateOfBirth"}]}]}]}`))
	f.Add(uint8(1), []byte(`{"messages":[{"role":"assistant","tool_calls":[{"function":{"name":"f","arguments":"{\"a\":\"patientMrn\"}"}}]},{"role":"user","content":[{"type":"text","text":"x"}]}],"stop":["mrn"]}`))
	f.Add(uint8(2), []byte(`{"instructions":"dateOfBirth","input":[{"type":"function_call","arguments":"not json mrn"},{"role":"user","content":"PatientRecord"}]}`))
	eng, err := newMutateEngine(testKey, "phi")
	if err != nil {
		f.Fatal(err)
	}
	rs, err := rules.Compile(rules.Builtin(), rules.Options{PHIMode: rules.ModeStandard})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		a := api(which % 3)
		res, err := rewriteRequest(body, a, eng.newSession(), &checker{rs: rs}, eng.langFromPath)
		if err != nil {
			if !errors.Is(err, errJSON) && !errors.Is(err, errNotObject) && !errors.Is(err, errSchema) && !errors.Is(err, errPayload) && !errors.Is(err, errTooLarge) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		if len(res.hits) > 0 {
			return
		}
		if out := sentBody(t, res.body); !json.Valid(out) {
			t.Fatalf("rewrite produced invalid JSON:\n in %q\nout %q", body, out)
		}
	})
}
