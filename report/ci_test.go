package report

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"strings"
	"testing"
)

func TestCSV(t *testing.T) {
	in := sampleInput()
	var buf bytes.Buffer
	if err := Write(&buf, "csv", in); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v", err)
	}
	if len(recs) != 1+len(in.Findings) {
		t.Fatalf("%d records, want header + %d", len(recs), len(in.Findings))
	}
	if strings.Join(recs[0], ",") != strings.Join(csvHeader, ",") {
		t.Errorf("header %v", recs[0])
	}
	for i, f := range in.Findings {
		if recs[i+1][0] != f.RuleID || recs[i+1][6] != f.Path {
			t.Errorf("row %d = %v, want rule %s path %s", i+1, recs[i+1], f.RuleID, f.Path)
		}
	}
	if strings.Contains(buf.String(), "RAWVALUE-") {
		t.Error("redacted CSV holds a raw value")
	}
}

// A path that starts like a formula is not run by a spreadsheet.
func TestCSVFormulaInjection(t *testing.T) {
	in := sampleInput()
	in.Findings = in.Findings[:1]
	in.Findings[0].Path = "=HYPERLINK(\"x\")"
	var buf bytes.Buffer
	if err := Write(&buf, "csv", in); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := recs[1][6]; !strings.HasPrefix(got, "'=") {
		t.Errorf("path cell %q was not defused", got)
	}
}

func TestJUnit(t *testing.T) {
	for _, c := range []struct {
		name      string
		in        Input
		tests     int
		failures  int
		wantInXML string
	}{
		{"findings", sampleInput(), 4, 4, "pretense.phi-ssn"},
		{"clean", func() Input { in := sampleInput(); in.Findings = nil; return in }(), 1, 0, "no secrets or PHI in tests/"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, "junit", c.in); err != nil {
				t.Fatal(err)
			}
			var doc junitSuites
			if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
				t.Fatalf("not XML: %v", err)
			}
			if doc.Tests != c.tests || doc.Failures != c.failures {
				t.Errorf("tests=%d failures=%d, want %d/%d", doc.Tests, doc.Failures, c.tests, c.failures)
			}
			if !strings.Contains(buf.String(), c.wantInXML) {
				t.Errorf("missing %q", c.wantInXML)
			}
			if strings.Contains(buf.String(), "RAWVALUE-") {
				t.Error("redacted JUnit holds a raw value")
			}
		})
	}
}
