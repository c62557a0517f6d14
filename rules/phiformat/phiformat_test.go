package phiformat

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the testdata/*.want files")

// TestReaders runs every reader on the synthetic fixtures in testdata and
// compares the fields (type, value, reason) with the .want file next to
// each: a change in what a reader finds shows up as a diff. The fixtures
// are excluded from pretense's self-scan by .pretenseignore.
func TestReaders(t *testing.T) {
	cases := []struct {
		file   string
		format Format
		quiet  bool // the input holds a span that is no patient's
	}{
		{"adt_cr.hl7", HL7, false},
		{"altdelims_lf.hl7", HL7, false},
		{"bundle.json", FHIRJSON, true},
		{"patients.ndjson", FHIRJSON, false},
		{"patient.xml", FHIRXML, false},
		{"ccd.xml", CCDA, true},
		{"patients.csv", Tabular, false},
		{"organizations.csv", Tabular, true},
		{"seed.sql", SQL, true},
		{"embedded_hl7.py", HL7, false},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", c.file))
			if err != nil {
				t.Fatal(err)
			}
			r := Read(data)
			if r.Format != c.format {
				t.Fatalf("format %v, want %v", r.Format, c.format)
			}
			if (len(r.Quiet) > 0) != c.quiet {
				t.Errorf("quiet spans %v, want some: %v", r.Quiet, c.quiet)
			}
			var b strings.Builder
			for _, f := range r.Fields {
				if f.Start < 0 || f.End > len(data) || f.Start >= f.End {
					t.Fatalf("field %+v out of bounds", f)
				}
				fmt.Fprintf(&b, "%s\t%s\t%s\n", f.Type, data[f.Start:f.End], f.Reason)
			}
			want := filepath.Join("testdata", c.file+".want")
			if *update {
				if err := os.WriteFile(want, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			w, err := os.ReadFile(want)
			if err != nil {
				t.Fatal(err)
			}
			if got := b.String(); got != string(w) {
				t.Errorf("fields differ from %s (go test -update to accept):\n--- got\n%s--- want\n%s", want, got, w)
			}
		})
	}
}

func TestDetectLeavesCodeAlone(t *testing.T) {
	for _, src := range []string{
		"package main\n\nfunc main() {}\n",
		"{\"name\": \"left-pad\", \"version\": \"1.0.0\"}",
		"<html><body>Patient portal</body></html>",
		"a,b\n1,2\n",
		"SELECT first, last FROM patients WHERE ssn = ?;",
		"id,name,description,price\n1,Widget,blue,3.50\n",
	} {
		if f := Detect([]byte(src)); f != None {
			t.Errorf("Detect(%q) = %v, want none", src, f)
		}
	}
}

func TestValid(t *testing.T) {
	cases := []struct {
		t    Type
		v    string
		want bool
	}{
		{DOB, "19880229", true}, {DOB, "19870229", false}, {DOB, "2023-02-30", false}, {DOB, "2/29/1988", true}, // pretense:allow
		{DOB, "1755302400", false}, {DOB, "196203520", false}, {DOB, "2024-01-05T08:30:00Z", true}, // pretense:allow
		{SSN, "999-12-3456", true}, {SSN, "111111111", false}, {SSN, "12345679", false},
		{Phone, "555-0142", false}, {Phone, "(216) 555-2817", true}, {Phone, "12", false},
		{ZIP, "02062", true}, {ZIP, "2062", false}, {ZIP, "02062-1234", true},
		{Name, "NULL", false}, {Name, "O'Dwyer", true}, {Name, "X", false},
		{County, "Lorain", true}, {County, "055", true},
		{Email, "a@b.net", true}, {Email, "not an email", false},
		{MRN, "0000000", false}, {MRN, "MR-55120", true}, // pretense:allow
	}
	for _, c := range cases {
		if got := Valid(c.t, []byte(c.v)); got != c.want {
			t.Errorf("Valid(%s, %q) = %v, want %v", c.t, c.v, got, c.want)
		}
	}
}
