package rules

import (
	"encoding/base64"
	"strings"
	"testing"
)

// jwtOf builds a token-shaped string from a header's JSON, a payload of
// n filler bytes and a signature segment (built here, so no token-shaped
// literal sits in the source).
func jwtOf(header string, sig string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(header)) + "." + enc([]byte(`{"sub":"`+strings.Repeat("x", 20)+`"}`)) + "." + sig
}

func TestDecodeJOSEHeader(t *testing.T) {
	enc := base64.RawURLEncoding.EncodeToString
	for _, tc := range []struct {
		name, tok string
		ok        bool
		alg       string
	}{
		{"HS256", jwtOf(`{"alg":"HS256","typ":"JWT"}`, "sig"), true, "HS256"},
		{"JWE", enc([]byte(`{"alg":"RSA-OAEP","enc":"A256GCM"}`)) + ".a.b.c.d", true, "RSA-OAEP"},
		{"unsecured", jwtOf(`{"alg":"none"}`, ""), true, "none"},
		{"padded header", enc([]byte(`{"alg":"ES256"}`)) + "==.x.y", true, "ES256"},
		{"header only", enc([]byte(`{"alg":"ES256"}`)), true, "ES256"},
		{"no alg", jwtOf(`{"typ":"JWT","kid":"1"}`, "sig"), true, ""},
		{"alg not a string", jwtOf(`{"alg":256}`, "sig"), true, ""},
		{"JSON null", jwtOf(`null`, "sig"), false, ""},
		{"JSON array", jwtOf(`["alg"]`, "sig"), false, ""},
		{"not JSON", jwtOf(`{"alg":"HS256"`, "sig"), false, ""},
		{"standard base64", base64.StdEncoding.EncodeToString([]byte(`{"alg":"HS256","x":"??>"}`)) + ".a.b", false, ""},
		{"empty", "", false, ""},
	} {
		h, ok := DecodeJOSEHeader(tc.tok)
		if ok != tc.ok || h.Alg() != tc.alg {
			t.Errorf("%s: DecodeJOSEHeader(%q) = %v alg %q, want %v alg %q", tc.name, tc.tok, ok, h.Alg(), tc.ok, tc.alg)
		}
	}
}

// The jwt rule keeps a token whose header names an alg (RFC 7515 §4.1.1:
// required), whatever else the header holds, and drops one without.
func TestCheckJWT(t *testing.T) {
	sig := strings.Repeat("Ab1_", 11)
	for _, tc := range []struct {
		name, value string
		want        bool
	}{
		{"alg and typ", jwtOf(`{"alg":"HS256","typ":"JWT"}`, sig), true},
		{"alg only", jwtOf(`{"alg":"RS256"}`, sig), true},
		{"typ before alg", jwtOf(`{"typ":"JWT","alg":"RS256"}`, sig), true},
		{"none with a signature", jwtOf(`{"alg":"none"}`, sig), true},
		{"typ without alg", jwtOf(`{"typ":"JWT"}`, sig), false},
		{"kid and jku without alg", jwtOf(`{"kid":"k1","jku":"https://example.invalid/k"}`, sig), false},
		{"one-claim header", jwtOf(`{"ver":"2"}`, sig), false},
		{"empty alg", jwtOf(`{"alg":""}`, sig), false},
		{"no dot", base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256"}`)), false},
		{"not base64url", "eyJ%%%.eyJ.abc", false},
	} {
		if got := checkJWT(&CheckContext{Value: tc.value}); got != tc.want {
			t.Errorf("%s: checkJWT(%q) = %v, want %v", tc.name, tc.value, got, tc.want)
		}
	}
}

// FuzzDecodeJOSEHeader: any input decodes or not without a panic; what
// decodes is a JSON object whose Alg is its "alg" string, and the same
// header with a payload and signature after it decodes alike.
func FuzzDecodeJOSEHeader(f *testing.F) {
	enc := base64.RawURLEncoding.EncodeToString
	for _, s := range []string{enc([]byte(`{"alg":"HS256"}`)) + ".e30.sig", enc([]byte(`null`)), "eyJ", "", ".", "=", "e30="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		h, ok := DecodeJOSEHeader(tok)
		if !ok {
			if h != nil {
				t.Fatalf("DecodeJOSEHeader(%q) = %v, not ok but non-nil", tok, h)
			}
			return
		}
		if h == nil {
			t.Fatalf("DecodeJOSEHeader(%q): ok with a nil header", tok)
		}
		if a, isStr := h["alg"].(string); (isStr && h.Alg() != a) || (!isStr && h.Alg() != "") {
			t.Fatalf("DecodeJOSEHeader(%q).Alg() = %q, header %v", tok, h.Alg(), h)
		}
		head, _, _ := strings.Cut(tok, ".")
		h2, ok2 := DecodeJOSEHeader(head + ".x.y")
		if !ok2 || h2.Alg() != h.Alg() || len(h2) != len(h) {
			t.Fatalf("DecodeJOSEHeader(%q) = %v, but with another payload %v, %v", tok, h, h2, ok2)
		}
	})
}
