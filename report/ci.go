package report

import (
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
)

// csvHeader is the --format csv columns: gitleaks' CSV names where a column
// means the same (RuleID, File, StartLine…), so spreadsheets and scripts
// written for it keep working, plus pretense's kind, severity and category.
var csvHeader = []string{
	"RuleID", "Kind", "Severity", "Category", "Entity", "Description",
	"File", "StartLine", "EndLine", "StartColumn", "EndColumn",
	"Commit", "Date", "Decoded", "Match", "Fingerprint",
}

func writeCSV(w io.Writer, in Input) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, f := range in.Findings {
		rec := []string{
			f.RuleID, string(f.Kind), string(f.Severity), f.Category, f.Entity, csvSafe(f.Description),
			csvSafe(f.Path), strconv.Itoa(f.Line), strconv.Itoa(f.EndLine), strconv.Itoa(f.Column), strconv.Itoa(f.EndColumn),
			f.Commit, f.Date, f.Decoded, csvSafe(value(f, in.Redact)), f.Fingerprint,
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe defuses cells a spreadsheet would run as a formula (=, +, -, @ at
// the start): a file name or value from a scanned repository is untrusted.
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}

// JUnit XML: one test case per finding, failed, grouped in one suite per
// rule, plus a passing case when nothing was found, so CI systems that show
// JUnit (GitLab, Jenkins, Azure Pipelines) list each finding as a failure.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func writeJUnit(w io.Writer, in Input) error {
	doc := junitSuites{Name: "pretense"}
	idx := map[string]int{}
	for _, f := range in.Findings {
		i, ok := idx[f.RuleID]
		if !ok {
			i = len(doc.Suites)
			idx[f.RuleID] = i
			doc.Suites = append(doc.Suites, junitSuite{Name: "pretense." + f.RuleID})
		}
		s := &doc.Suites[i]
		s.Tests++
		s.Failures++
		msg := fmt.Sprintf("%s: %s", f.Severity, f.Description)
		text := fmt.Sprintf("%s:%d:%d %s %s", f.Path, f.Line, f.Column, f.RuleID, value(f, in.Redact))
		if f.Commit != "" {
			text += " (commit " + shortCommit(f.Commit) + ")"
		}
		s.Cases = append(s.Cases, junitCase{
			Name:      location(f),
			Classname: "pretense." + f.RuleID,
			File:      f.Path,
			Line:      f.Line,
			Failure:   &junitFailure{Message: msg, Type: string(f.Kind), Text: text},
		})
	}
	if len(in.Findings) == 0 {
		doc.Suites = append(doc.Suites, junitSuite{Name: "pretense", Tests: 1, Cases: []junitCase{{
			Name: "no secrets or PHI in " + nonEmpty(in.Target, "the scanned input"), Classname: "pretense",
		}}})
	}
	for _, s := range doc.Suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
