package report

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/pretense/pretense/finding"
	"github.com/pretense/pretense/internal/testfs"
	"github.com/pretense/pretense/rules"
)

// sampleInput is a fixed set of findings: one secret from git history, one
// decoded secret, two PHI values; the raw values are harmless markers so
// tests can prove they never reach redacted output.
func sampleInput() Input {
	fp := finding.NewFingerprinter(nil)
	mk := func(rule string, kind finding.Kind, sev finding.Severity, cat, path string, line, col int, raw string) finding.Finding {
		return finding.Finding{
			RuleID: rule, Kind: kind, Severity: sev, Description: "Description of " + rule,
			Confidence: 0.9, Category: cat, Path: path, Line: line, Column: col, EndLine: line, EndColumn: col + len(raw),
			Redacted: finding.Redact(kind, raw), Fingerprint: fp.Of(rule, raw), Secret: raw,
		}
	}
	a := mk("aws-access-key-id", finding.KindSecret, finding.SeverityCritical, "", "config/app.env", 3, 19, "RAWVALUE-AWS-0001")
	a.Commit, a.Date = "0123456789abcdef0123456789abcdef01234567", "2026-01-02T03:04:05Z"
	b := mk("generic-secret-assignment", finding.KindSecret, finding.SeverityHigh, "", "src/db.py", 10, 5, "RAWVALUE-GENERIC-0002")
	b.Decoded = "base64"
	c := mk("phi-ssn", finding.KindPHI, finding.SeverityHigh, "(G) Social Security numbers", "tests/fixtures/patients.json", 4, 12, "RAWVALUE-SSN-0003")
	c.Entity, c.Reasons = "SSN", []string{"issued-range check", "context: ssn"}
	d := mk("phi-ssn", finding.KindPHI, finding.SeverityHigh, "(G) Social Security numbers", "tests/fixtures/patients.json", 9, 12, "RAWVALUE-SSN-0004")
	d.Entity = "SSN"
	return Input{
		Findings: []finding.Finding{a, b, c, d},
		Rules: []*rules.Rule{
			{ID: "aws-access-key-id", Description: "AWS access key ID", Kind: finding.KindSecret, Severity: finding.SeverityCritical, Tags: []string{"aws"}},
			{ID: "generic-secret-assignment", Description: "Generic secret", Kind: finding.KindSecret, Severity: finding.SeverityHigh},
			{ID: "phi-ssn", Description: "US Social Security number", Kind: finding.KindPHI, Severity: finding.SeverityHigh, Category: "(G) Social Security numbers"},
			{ID: "unused-rule", Description: "A rule with no results", Kind: finding.KindSecret, Severity: finding.SeverityLow},
		},
		Skipped:      []finding.Skipped{{Path: "assets/logo.png", Reason: "binary"}, {Path: "dump.sql", Reason: "larger than --max-file-size (99999999 bytes)"}},
		Stale:        []string{"fingerprint:00000000000000000000000000000000"},
		Suppressed:   2,
		FilesScanned: 42,
		BytesScanned: 123456,
		Target:       "tests/",
		PHIMode:      rules.ModeStandard,
		Version:      "v0.0.0-test",
		Redact:       true,
	}
}

func TestGolden(t *testing.T) {
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, format, sampleInput()); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(buf.String(), "RAWVALUE") {
				t.Fatalf("%s output leaks a raw value:\n%s", format, buf.String())
			}
			testfs.Golden(t, filepath.Join("testdata", "golden", "sample."+format), buf.Bytes())
		})
	}
}

func TestNoRedact(t *testing.T) {
	in := sampleInput()
	in.Redact = false
	for _, format := range Formats {
		var buf bytes.Buffer
		if err := Write(&buf, format, in); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), "RAWVALUE-AWS-0001") {
			t.Errorf("%s: --no-redact did not show the value", format)
		}
	}
}

func TestSARIFRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	in := sampleInput()
	if err := Write(&buf, "sarif", in); err != nil {
		t.Fatal(err)
	}
	rep, err := sarif.FromBytes(buf.Bytes())
	if err != nil {
		t.Fatalf("not valid SARIF: %v", err)
	}
	run := rep.Runs[0]
	if len(run.Tool.Driver.Rules) != len(in.Rules) || len(run.Results) != len(in.Findings) {
		t.Fatalf("rules %d results %d", len(run.Tool.Driver.Rules), len(run.Results))
	}
	seen := map[string]bool{}
	for _, r := range run.Results {
		idx := *r.RuleIndex
		if run.Tool.Driver.Rules[idx].ID != *r.RuleID {
			t.Errorf("ruleIndex %d points at %s, result says %s", idx, run.Tool.Driver.Rules[idx].ID, *r.RuleID)
		}
		h, _ := r.PartialFingerprints["primaryLocationLineHash"].(string)
		if h == "" || seen[h] {
			t.Errorf("missing or repeated primaryLocationLineHash %q", h)
		}
		seen[h] = true
		reg := r.Locations[0].PhysicalLocation.Region
		if reg.StartLine == nil || reg.StartColumn == nil || reg.EndLine == nil || reg.EndColumn == nil {
			t.Errorf("region not full: %+v", reg)
		}
	}
	for _, rule := range run.Tool.Driver.Rules {
		if rule.Properties["security-severity"] == nil || rule.DefaultConfiguration == nil || rule.Help == nil || rule.FullDescription == nil {
			t.Errorf("rule %s lacks GitHub fields", rule.ID)
		}
	}
}

func TestJSONShape(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, "json", sampleInput()); err != nil {
		t.Fatal(err)
	}
	var doc JSONReport
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Summary.Findings != 4 || doc.Summary.PHI != 2 || doc.Findings[2].Category == "" || doc.Findings[0].Fingerprint == "" {
		t.Fatalf("%+v", doc.Summary)
	}
}

func TestUnknownFormat(t *testing.T) {
	if err := Write(&bytes.Buffer{}, "xml", Input{}); err == nil {
		t.Fatal("xml accepted")
	}
}

func TestCategoryTag(t *testing.T) {
	for in, want := range map[string]string{
		"G. Social Security numbers":              "phi-g-social-security-numbers",
		"C. Dates (birth dates) and ages over 89": "phi-c-dates-birth-dates-and-ages-over-89",
		"K. Certificate/license numbers":          "phi-k-certificate-license-numbers",
	} {
		if got := CategoryTag(in); got != want {
			t.Errorf("CategoryTag(%q) = %q, want %q", in, got, want)
		}
	}
}
