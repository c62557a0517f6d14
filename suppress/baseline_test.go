package suppress_test

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"github.com/pretense/pretense/finding"
	"github.com/pretense/pretense/report"
	"github.com/pretense/pretense/suppress"
)

// sampleInput is a small report with repeated fingerprints.
func sampleInput() report.Input {
	fp := finding.NewFingerprinter(nil)
	mk := func(rule, path string, line int, raw string) finding.Finding {
		return finding.Finding{RuleID: rule, Kind: finding.KindSecret, Severity: finding.SeverityHigh, Path: path, Line: line, Column: 1,
			EndLine: line, EndColumn: 1 + len(raw), Redacted: finding.Redact(finding.KindSecret, raw), Fingerprint: fp.Of(rule, raw), Secret: raw}
	}
	return report.Input{Findings: []finding.Finding{
		mk("generic-secret-assignment", "a.py", 1, "RAWVALUE-1"),
		mk("generic-secret-assignment", "b.py", 2, "RAWVALUE-1"),
		mk("generic-secret-assignment", "b.py", 3, "RAWVALUE-2"),
	}}
}

// A report pretense wrote is a baseline for the next run, in both formats.
func TestParseBaselineRoundTrip(t *testing.T) {
	t.Parallel()
	in := sampleInput()
	var want []string
	for _, f := range in.Findings {
		if !slices.Contains(want, f.Fingerprint) {
			want = append(want, f.Fingerprint)
		}
	}
	for _, format := range []string{"json", "sarif"} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := report.Write(&buf, format, in); err != nil {
				t.Fatal(err)
			}
			b, err := suppress.ParseBaseline(buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			if b.Format != format {
				t.Errorf("format = %q, want %q", b.Format, format)
			}
			got := slices.Clone(b.Fingerprints)
			slices.Sort(got)
			w := slices.Clone(want)
			slices.Sort(w)
			if !slices.Equal(got, w) {
				t.Errorf("fingerprints = %q, want %q", got, w)
			}
		})
	}
}

func TestParseBaseline(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    []string
		wantErr bool
	}{
		{"json", `{"schemaVersion":"1","findings":[{"fingerprint":"aa"},{"fingerprint":"bb"},{"fingerprint":"aa"}]}`, []string{"aa", "bb"}, false},
		{"json-empty", `{"schemaVersion":"1","findings":[]}`, nil, false},
		{"sarif-line-hash", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"partialFingerprints":{"primaryLocationLineHash":"cc:2"}}]}]}`, []string{"cc"}, false},
		{"sarif-property", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"properties":{"fingerprint":"dd"},"partialFingerprints":{"primaryLocationLineHash":"zz:1"}}]}]}`, []string{"dd"}, false},
		{"gitleaks-array", `[{"Fingerprint":"abc"}]`, nil, true},
		{"not-json", `fingerprint:abc`, nil, true},
		{"other-object", `{"hello":"world"}`, nil, true},
		{"empty", ``, nil, true},
		{"broken-json", `{"findings":[`, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, err := suppress.ParseBaseline([]byte(tc.in))
			if tc.wantErr {
				if err == nil {
					t.Fatalf("want an error, got %+v", b)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(b.Fingerprints, tc.want) {
				t.Errorf("got %q, want %q", b.Fingerprints, tc.want)
			}
		})
	}
	if _, err := suppress.ParseBaseline([]byte("[]")); !errors.Is(err, suppress.ErrBaselineFormat) {
		t.Errorf("array: got %v, want ErrBaselineFormat", err)
	}
}

func FuzzParseBaseline(f *testing.F) {
	var buf bytes.Buffer
	for _, format := range []string{"json", "sarif"} {
		buf.Reset()
		if err := report.Write(&buf, format, sampleInput()); err != nil {
			f.Fatal(err)
		}
		f.Add(slices.Clone(buf.Bytes()))
	}
	f.Add([]byte(`{"runs":[{"results":[null,{"partialFingerprints":{"primaryLocationLineHash":5}}]}]}`))
	f.Add([]byte(`{"findings":[{"fingerprint":7}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := suppress.ParseBaseline(data)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, fp := range b.Fingerprints {
			if fp == "" || seen[fp] {
				t.Fatalf("empty or repeated fingerprint in %q", b.Fingerprints)
			}
			seen[fp] = true
		}
	})
}
