package proxy

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pretense/pretense/internal/testgen/phigen"
)

// Many identifiers are PHI only under their label: nine digits are an SSN
// under patient_ssn, eight are an MRN under mrn, a date is a date of birth
// under dob. A repository scan of {"patient_ssn":"435015510"} reports it; // pretense:allow: synthetic
// the proxy scanned each JSON string (and header value) on its own, apart
// from its key, and never scanned numbers, so the same member in a
// request's metadata, an unknown field, a tool_use input or a header went
// upstream. A value under a key is now also scanned with the key before it.
func TestLabelledValuesAreScannedWithTheirKeys(t *testing.T) {
	t.Parallel()
	g := phigen.New(11)
	ssn, mrn, dob := g.SSNDigits(), g.MRN(), g.DOB()
	const head = `{"model":"m","max_tokens":8,`
	cases := []struct {
		name   string
		path   string
		body   string
		header map[string]string
		values []string // none of which may reach the upstream
	}{
		{name: "ssn in metadata", body: head + `"metadata":{"user_id":"u1","patient_ssn":"` + ssn + `"},"messages":[{"role":"user","content":"hi"}]}`, values: []string{ssn}},
		{name: "ssn as a number", body: head + `"x_context":{"patient_ssn":` + ssn + `},"messages":[{"role":"user","content":"hi"}]}`, values: []string{ssn}},
		{name: "mrn in a tool_use input", body: head + `"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"lookup","input":{"mrn":"` + mrn + `"}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"ok"}]}]}`, values: []string{mrn}},
		{name: "ssns in an array", body: head + `"x_batch":{"ssns":["` + ssn + `"]},"messages":[{"role":"user","content":"hi"}]}`, values: []string{ssn}},
		{name: "date of birth as a number", body: head + `"x_patient":{"dob":` + dob.Compact() + `},"messages":[{"role":"user","content":"hi"}]}`, values: []string{dob.Compact()}},
		{name: "ssn in a header", body: head + `"messages":[{"role":"user","content":"hi"}]}`, header: map[string]string{"X-Patient-Ssn": ssn}, values: []string{ssn}},
		{name: "chat metadata", path: "/v1/chat/completions", body: `{"model":"m","metadata":{"mrn":"` + mrn + `"},"messages":[{"role":"user","content":"hi"}]}`, values: []string{mrn}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			up := newFakeUpstream(t, okAnthropic)
			p := startProxy(t, up.srv.URL)
			path := tc.path
			hdr := map[string]string{"Authorization": "Bearer test-key-not-a-secret"}
			if path == "" {
				path = "/v1/messages"
				hdr = map[string]string{}
				for k, v := range anthropicHeaders {
					hdr[k] = v
				}
			}
			for k, v := range tc.header {
				hdr[k] = v
			}
			resp, out := sendRaw(t, p, http.MethodPost, path, []byte(tc.body), hdr, false)
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("status %d, want 403: %s", resp.StatusCode, out)
			}
			for _, r := range up.requests() {
				all := r.path + "?" + r.query + "\n" + strings.Join(r.header.Values("X-Patient-Ssn"), ",") + "\n" + string(r.body)
				for _, v := range tc.values {
					if strings.Contains(all, v) {
						t.Errorf("the upstream received %q", v)
					}
				}
			}
		})
	}
}

// Labels alone, and values that are not identifiers under them, still
// pass: a key next to its value must not make ordinary requests PHI.
func TestLabelledValuesOrdinaryRequestsPass(t *testing.T) {
	t.Parallel()
	up := newFakeUpstream(t, okAnthropic)
	p := startProxy(t, up.srv.URL)
	body := `{"model":"m","max_tokens":8,"metadata":{"user_id":"user-42"},` +
		`"tools":[{"name":"lookup","description":"Find a patient by MRN or SSN","input_schema":{"type":"object","properties":{"mrn":{"type":"string","description":"the medical record number"},"ssn":{"type":"string"},"dob":{"type":"string","format":"date"},"limit":{"type":"integer","default":20}}}}],` +
		`"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"lookup","input":{"limit":10,"count":3,"page":2}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"none found"}]}]}`
	resp, out := sendRaw(t, p, http.MethodPost, "/v1/messages", []byte(body), anthropicHeaders, false)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", resp.StatusCode, out)
	}
}

// A body of millions of tiny members would make millions of labelled
// texts: past maxLabelled it is refused (400), not scanned in part.
func TestLabelledValuesBounded(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString(`{"model":"m","max_tokens":8,"x":{"n":[`)
	for i := range maxLabelled + 1 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('1')
	}
	b.WriteString(`]},"messages":[{"role":"user","content":"hi"}]}`)
	up := newFakeUpstream(t, okAnthropic)
	p := startProxy(t, up.srv.URL)
	resp, out := sendRaw(t, p, http.MethodPost, "/v1/messages", []byte(b.String()), anthropicHeaders, false)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(out), "values under keys") {
		t.Fatalf("status %d, want 400 naming the limit: %.300s", resp.StatusCode, out)
	}
	if n := len(up.requests()); n != 0 {
		t.Errorf("upstream received %d requests", n)
	}
}
