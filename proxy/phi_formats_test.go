package proxy

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
)

// TestStructuredPHIInPromptsIsBlocked pastes an HL7 v2 message (CR segment
// ends) and a FHIR bundle into a prompt: the proxy scans prompt text with
// the same engine as `pretense scan`, so the format readers find the
// patient's fields there too and the request never reaches upstream.
// Values are generated here, so this file holds no PHI-shaped literal.
func TestStructuredPHIInPromptsIsBlocked(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 34))
	digits := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteByte(byte('1' + r.IntN(9)))
		}
		return b.String()
	}
	family, given := "Quorvath", "Ilsemarie"
	dob := fmt.Sprintf("19%02d%02d%02d", 40+r.IntN(50), 1+r.IntN(12), 1+r.IntN(28))
	msh := "MSH" + `|^~\&|APP|FAC|RCV|FAC|20240105||ADT^A01|1|P|2.5`
	hl7 := strings.Join([]string{msh,
		fmt.Sprintf("PID|1||%s^^^HOSP^MR||%s^%s||%s|F|||%s Tamarack Bend^^Ashcombe^OH^4%s", digits(8), strings.ToUpper(family), strings.ToUpper(given), dob, digits(3), digits(4)),
	}, "\r") + "\r"
	ssn := "4" + digits(2) + "-" + digits(2) + "-" + digits(4)
	bundle := fmt.Sprintf(`{"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Patient",
  "identifier": [{"system": "http://hl7.org/fhir/sid/us-ssn", "value": %q}],
  "name": [{"family": %q, "given": [%q]}],
  "telecom": [{"system": "phone", "value": "614-%s-%s"}]}}]}`, ssn, family, given, "2"+digits(2), digits(4))
	for name, tc := range map[string]struct{ prompt, rule string }{
		"hl7":  {"Why does this ADT message fail validation?\n" + hl7, "phi-patient-name"},
		"fhir": {"Summarise this bundle:\n" + bundle, "phi-ssn"},
	} {
		t.Run(name, func(t *testing.T) {
			up := newFakeUpstream(t, okAnthropic)
			p := startProxy(t, up.srv.URL)
			body := mustJSON(map[string]any{
				"model": "claude-test", "max_tokens": 64,
				"messages": []any{map[string]any{"role": "user", "content": tc.prompt}},
			})
			resp, out := p.post(t, "/v1/messages", []byte(body), anthropicHeaders)
			if resp.StatusCode != http.StatusForbidden {
				t.Fatalf("status %d, want 403: %s", resp.StatusCode, out)
			}
			if h := resp.Header.Get(HeaderBlocked); !strings.Contains(h, tc.rule) {
				t.Errorf("blocked rules %q, want one of %s", h, tc.rule)
			}
			if strings.Contains(string(out), family) || strings.Contains(string(out), ssn) {
				t.Error("a blocked value appears in the response")
			}
			if n := len(up.requests()); n != 0 {
				t.Errorf("upstream received %d requests", n)
			}
		})
	}
}
