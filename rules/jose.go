package rules

import (
	"encoding/base64"
	"encoding/json"
	"strings"
)

// JOSEHeader is the decoded header of a compact JWS or JWE, the first
// segment of a JWT: a JSON object of header parameters.
type JOSEHeader map[string]any

// DecodeJOSEHeader decodes the header of the compact token tok (its text
// up to the first '.', base64url without padding; trailing '=' are
// tolerated, as some encoders emit them). ok is false when that segment is
// not base64url or not a JSON object. It is the one reading of a JWT
// header: the jwt rule's check and tools/secretbench's plausibility cut
// both use it.
func DecodeJOSEHeader(tok string) (h JOSEHeader, ok bool) {
	head, _, _ := strings.Cut(tok, ".")
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(head, "="))
	if err != nil {
		return nil, false
	}
	if json.Unmarshal(raw, &h) != nil || h == nil { // "null" decodes to a nil map
		return nil, false
	}
	return h, true
}

// Alg is the header's "alg" parameter, or "" when it is absent or not a
// string. RFC 7515 §4.1.1 (JWS) and RFC 7516 §4.1.1 (JWE) make it
// required; an unsecured JWT (RFC 7519 §6) names "none".
func (h JOSEHeader) Alg() string {
	alg, _ := h["alg"].(string)
	return alg
}
