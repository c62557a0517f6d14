package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pretense/pretense/internal/testfs"
	"github.com/pretense/pretense/internal/testgen/phigen"
	"github.com/pretense/pretense/rules"
)

// phiCorpusDir writes a generated labelled corpus into a temp tests/
// directory, isolated from the runner's PRETENSE_* settings.
func phiCorpusDir(t *testing.T) (string, *phigen.Corpus) {
	t.Helper()
	clearPretenseEnv(t)
	root := t.TempDir()
	t.Setenv("PRETENSE_HOME", filepath.Join(root, "home"))
	dir := filepath.Join(root, "tests")
	c := phigen.New(7).Corpus(2)
	if err := c.WriteTo(dir); err != nil {
		t.Fatal(err)
	}
	return dir, c
}

func phiRunCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// categories maps PHI rule ids to their Safe Harbor category.
func categories(t *testing.T) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, r := range rules.Builtin() {
		m[r.ID] = r.Category
	}
	for _, r := range rules.StructuredRules() {
		m[r.ID] = r.Category
	}
	return m
}

// TestScanPHIReport runs the seed command, `pretense scan --path tests/
// --phi-mode --format report`, over a generated corpus and checks the
// report an auditor reads: grouped by Safe Harbor category and file, with
// counts matching what was planted, values redacted, and a reason per
// finding.
func TestScanPHIReport(t *testing.T) {
	dir, c := phiCorpusDir(t)
	code, out, errs := phiRunCLI("scan", "--path", dir, "--phi-mode", "--format", "report")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (findings); stderr %q", code, errs)
	}
	cat := categories(t)
	perCat := map[string]int{}
	perCatFile := map[string]int{}
	for _, p := range c.Planted {
		perCat[cat[p.RuleID]]++
		perCatFile[cat[p.RuleID]+"\x00"+p.Path]++
	}
	if !strings.Contains(out, "PHI by HIPAA Safe Harbor category (45 CFR 164.514(b)(2))") {
		t.Fatalf("no PHI section:\n%s", out)
	}
	if want := fmt.Sprintf("Findings:      %d (%d PHI, 0 secrets)", len(c.Planted), len(c.Planted)); !strings.Contains(out, want) {
		t.Errorf("summary line %q missing:\n%s", want, out)
	}
	for category, n := range perCat {
		if want := fmt.Sprintf("\n  %s — %d\n", category, n); !strings.Contains(out, want) {
			t.Errorf("category heading %q missing", strings.TrimSpace(want))
		}
	}
	// Each file appears under each of its categories with its count.
	sections := splitSections(out)
	for k, n := range perCatFile {
		category, path := splitKey(k)
		want := fmt.Sprintf("    %s/%s (%d)\n", filepath.ToSlash(dir), path, n)
		if !strings.Contains(sections[category], want) {
			t.Errorf("category %q: file line %q missing", category, strings.TrimSpace(want))
		}
	}
	for _, p := range c.Planted {
		if len(p.Value) >= 5 && strings.Contains(out, p.Value) {
			t.Errorf("raw value of %s leaked into the report", p.RuleID)
		}
	}
	if n := strings.Count(out, "[REDACTED]"); n != len(c.Planted) {
		t.Errorf("%d redacted values, want %d", n, len(c.Planted))
	}
	if n := strings.Count(out, "why: "); n != len(c.Planted) {
		t.Errorf("%d reasons, want %d", n, len(c.Planted))
	}
	for _, reason := range []string{"NPI Luhn check over 80840 prefix passed", "CSV column 'patient_id'", "SQL column 'date_of_birth'", "label 'dob'", "DEA check digit valid"} {
		if !strings.Contains(out, reason) {
			t.Errorf("reason %q missing", reason)
		}
	}
	golden := filepath.Join("testdata", "scan_phi_report.golden")
	got := strings.ReplaceAll(out, filepath.ToSlash(dir), "<tests>")
	// The secret rule count changes as rules are added; it is not what
	// this golden file pins.
	got = regexp.MustCompile(`(?m)^Rules:( +)\d+ `).ReplaceAllString(got, "Rules:${1}<n> ")
	testfs.Golden(t, golden, []byte(got))
}

func splitKey(k string) (string, string) {
	a, b, _ := strings.Cut(k, "\x00")
	return a, b
}

// splitSections cuts the report into its category sections.
func splitSections(out string) map[string]string {
	heading := regexp.MustCompile(`(?m)^  (\S.*) — \d+$`)
	m := map[string]string{}
	idx := heading.FindAllStringSubmatchIndex(out, -1)
	for i, loc := range idx {
		end := len(out)
		if i+1 < len(idx) {
			end = idx[i+1][0]
		}
		m[out[loc[2]:loc[3]]] = out[loc[1]:end]
	}
	return m
}

// TestScanPHIMachineFormats: JSON and SARIF carry the Safe Harbor category
// so code scanning can filter PHI from secrets; without --phi-mode no PHI
// rule runs.
func TestScanPHIMachineFormats(t *testing.T) {
	dir, c := phiCorpusDir(t)
	code, out, errs := phiRunCLI("scan", "--path", dir, "--phi-mode=strict", "--format", "json")
	if code != 1 {
		t.Fatalf("json: exit %d; %s", code, errs)
	}
	var rep struct {
		Findings []struct {
			RuleID     string   `json:"ruleId"`
			Kind       string   `json:"kind"`
			Category   string   `json:"category"`
			Entity     string   `json:"entity"`
			Confidence float64  `json:"confidence"`
			Reasons    []string `json:"reasons"`
			Redacted   string   `json:"redacted"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if len(rep.Findings) < len(c.Planted) {
		t.Errorf("strict json: %d findings, want at least the %d planted", len(rep.Findings), len(c.Planted))
	}
	for _, f := range rep.Findings {
		if f.Kind != "phi" || f.Category == "" || f.Entity == "" || len(f.Reasons) == 0 || f.Confidence <= 0 || !strings.HasSuffix(f.Redacted, "[REDACTED]") {
			t.Errorf("incomplete PHI finding %+v", f)
		}
	}

	code, out, errs = phiRunCLI("scan", "--path", dir, "--phi-mode", "--format", "sarif")
	if code != 1 {
		t.Fatalf("sarif: exit %d; %s", code, errs)
	}
	for _, want := range []string{`"hipaa-category": "G. Social Security numbers"`, `"phi-h-medical-record-numbers"`, `"CWE-359"`} {
		if !strings.Contains(out, want) {
			t.Errorf("sarif lacks %s", want)
		}
	}
	if code, out, _ := phiRunCLI("scan", "--path", dir, "--format", "json"); code != 0 || strings.Contains(out, `"kind": "phi"`) {
		t.Errorf("without --phi-mode: exit %d, PHI present: %v", code, strings.Contains(out, `"kind": "phi"`))
	}
}
