package proxy

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/pretense/pretense/rules"
)

// FuzzParseJSON: the span parser accepts exactly what encoding/json
// accepts (up to its nesting cap), decodes strings the same way, and
// appendQuote round-trips.
func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `{"a":[1,-2.5e+3,true,false,null,"x\u00e9\ud83d\ude00\n"]}`, `"\ud800"`, `{"k\udc00":"\ud83d\ude00\ud800x"}`, `"\ud800\ud800\udc00"`, `01`, `{"a":1,}`, ` [ 1 , 2 ] `, `{"a"}`, "\"\x01\"", `1.`, `-`, `"\q"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := parseJSON(data)
		valid := json.Valid(data)
		// A node limit (maxRequestValues) changes nothing but where a
		// parse with too many values stops.
		if limit := len(data)%9 - 1; limit != 0 {
			ld, lerr := parseJSONLimit(bytes.Clone(data), limit)
			switch {
			case errors.Is(lerr, errTooManyValues):
				if err == nil && len(d.nodes) <= max(limit, 0) {
					t.Fatalf("limit %d refused %d nodes: %q", limit, len(d.nodes), data)
				}
			case (lerr == nil) != (err == nil):
				t.Fatalf("limit %d: err %v, without it %v: %q", limit, lerr, err, data)
			case lerr == nil && len(ld.nodes) != len(d.nodes):
				t.Fatalf("limit %d: %d nodes, without it %d", limit, len(ld.nodes), len(d.nodes))
			}
		}
		if err != nil && strings.Contains(err.Error(), "nesting deeper") {
			return
		}
		if (err == nil) != valid {
			t.Fatalf("parseJSON err=%v, json.Valid=%v for %q", err, valid, data)
		}
		if err != nil {
			return
		}
		// The parser pairs surrogate escapes as it goes; the first lone
		// one is what a second pass over every string and key finds.
		lone := 0
		for _, n := range d.nodes {
			for _, q := range [][2]int{{n.keyStart, n.keyEnd}, {n.start, n.end}} {
				if q[1] == 0 || (q == [2]int{n.start, n.end} && n.kind != jStr) {
					continue
				}
				if off, bad := refLoneSurrogate(d.src[q[0]:q[1]]); bad && (lone == 0 || q[0]+off+1 < lone) {
					lone = q[0] + off + 1
				}
			}
		}
		if d.lone != lone {
			t.Fatalf("lone surrogate at %d, want %d in %q", d.lone-1, lone-1, data)
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

// refLoneSurrogate is the reference for jparser's pairing: the offset of
// the first \uD800-\uDFFF escape in quoted string q that is not half of a
// valid pair.
func refLoneSurrogate(q []byte) (int, bool) {
	for i := 0; i+1 < len(q); i++ {
		if q[i] != '\\' {
			continue
		}
		if q[i+1] != 'u' {
			i++ // the escaped character (it may be a backslash)
			continue
		}
		v, err := strconv.ParseUint(string(q[i+2:i+6]), 16, 16)
		if err != nil {
			return i, true
		}
		r := rune(v)
		if !utf16.IsSurrogate(r) {
			i += 5
			continue
		}
		if r >= 0xDC00 || i+12 > len(q) || q[i+6] != '\\' || q[i+7] != 'u' {
			return i, true
		}
		v2, err := strconv.ParseUint(string(q[i+8:i+12]), 16, 16)
		if err != nil || utf16.DecodeRune(r, rune(v2)) == utf8.RuneError {
			return i, true
		}
		i += 11
	}
	return 0, false
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

// FuzzBase64Runs: eachB64Run, which reads one byte in every minRun-1
// until it meets base64, finds exactly the runs a byte-by-byte scan finds.
func FuzzBase64Runs(f *testing.F) {
	f.Add("plain words only, nothing long enough here", uint8(32))
	f.Add("x QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0MTIzNDU2Nzg5== tail aGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8K", uint8(32))
	f.Add("AAAA==BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=C", uint8(4))
	// 64 bytes and more: the masks' prefilter first (mayHoldB64Run).
	f.Add(strings.Repeat("const total = items.reduce(acc); ", 4)+strings.Repeat("Q", 31)+" "+strings.Repeat("R", 32), uint8(31))
	f.Add(strings.Repeat(" ", 50)+strings.Repeat("Q", 32)+strings.Repeat(" ", 50), uint8(31))
	f.Fuzz(func(t *testing.T, s string, minRun uint8) {
		m := int(minRun%64) + 1
		var got, want []string
		if err := eachB64Run(s, m, func(run string) error { got = append(got, run); return nil }); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(s); {
			if !isB64Byte(s[i]) {
				i++
				continue
			}
			j := i
			for j < len(s) && isB64Byte(s[j]) {
				j++
			}
			if j-i >= m {
				want = append(want, s[i:j])
			}
			i = j
		}
		if !slices.Equal(got, want) {
			t.Fatalf("minRun %d: runs %q, want %q", m, got, want)
		}
	})
}

// FuzzRewriteResent: a request sent again to the same proxy (whose caches
// then know its large fields by their raw bytes, and may skip decoding
// them) is refused or sent exactly as a proxy that never saw it would.
// The fuzzed bytes are the inside of a JSON string, padded past the
// size from which fields are fingerprinted raw.
func FuzzRewriteResent(f *testing.F) {
	f.Add([]byte(`const patientRecord = getMrn(dob); // \"quoted\" \u003ctag\u003e\n`), uint16(600))
	f.Add([]byte(`plain prose without names\n\t\ud83d\ude00`), uint16(1200))
	f.Add([]byte(`\u0000\\\/ lookupPatientRecord`), uint16(0))
	rig := newRawFPRig(f)
	warmEng, warm := rig.eng, rig.ck
	f.Fuzz(func(t *testing.T, inside []byte, pad uint16) {
		// Up to ~21 KB: past bigString, so the warm proxy decodes the
		// text into a lent buffer that the next send reuses.
		text := append(bytes.Repeat([]byte("let insuranceMemberId = x; "), int(pad)%800), inside...)
		body := []byte(`{"model":"m","max_tokens":1,"system":"You review.","messages":[{"role":"user","content":[{"type":"text","text":"` + string(text) + `"},{"type":"text","text":"` + string(text) + ` again"}]}]}`)
		send := func(eng engine, ck *checker, l *lease) (string, error) {
			// As the exchange does: the lease is given back once the body
			// is sent (bufpool.go).
			defer l.release()
			res, err := rewriteLeased(l, bytes.Clone(body), apiAnthropic, eng.newSession(), ck, eng.langFromPath)
			if err != nil {
				return "", err
			}
			if len(res.hits) > 0 {
				return "refused", nil
			}
			defer res.body.release()
			return string(sentBody(t, res.body)), nil
		}
		freshEng, err := newMutateEngine(testKey, "phi")
		if err != nil {
			t.Fatal(err)
		}
		want, wantErr := send(freshEng, newChecker(rig.rs, Options{}), nil)
		for i := range 2 {
			got, err := send(warmEng, warm, &lease{})
			if (err == nil) != (wantErr == nil) || got != want {
				t.Fatalf("send %d to a warm proxy: %q (err %v)\nwant %q (err %v)", i, got, err, want, wantErr)
			}
		}
	})
}

// TestMayHoldB64Run: the masks' prefilter says "may hold" exactly when s
// has a run of base64 bytes of min(minRun, 32) or more (so never "no"
// where eachB64Run would find one), for runs at every alignment, across
// blocks and at the end.
func TestMayHoldB64Run(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for iter := 0; iter < 20000; iter++ {
		b := make([]byte, r.IntN(400))
		for i := range b {
			const alphabet = "aZ9+/-_= .\x80\""
			b[i] = alphabet[r.IntN(len(alphabet))]
			if r.IntN(3) > 0 {
				b[i] = 'x' // long runs too
			}
		}
		s, minRun := string(b), r.IntN(70)
		n := min(max(minRun, 1), 32)
		want, run := false, 0
		for i := 0; i < len(s); i++ {
			if run = run + 1; !isB64Byte(s[i]) {
				run = 0
			}
			want = want || run >= n
		}
		got := mayHoldB64Run(s, minRun)
		if got != want && (!got || len(s) >= 64 && hasAVX2) {
			t.Fatalf("mayHoldB64Run(%q, %d) = %v, want %v", s, minRun, got, want)
		}
	}
}
