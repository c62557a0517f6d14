package rules

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pretense/pretense/internal/testgen/phigen"
)

type phiHit struct{ rule, value string }

func phiHits(rs *Ruleset, s string) []phiHit {
	var out []phiHit
	for _, m := range rs.Scan([]byte(s)) {
		out = append(out, phiHit{m.Rule.ID, m.Value})
	}
	return out
}

// TestSchemaOnlyLines: healthcare code names PHI fields everywhere; a line
// that only names one is never a finding, in any mode.
func TestSchemaOnlyLines(t *testing.T) {
	lines := []string{
		"mrn: string;",
		"  dateOfBirth: Date",
		"SELECT * FROM patients WHERE member_id = ?",
		"UPDATE patients SET dob = :dob WHERE mrn = :mrn",
		"patient_name VARCHAR(100) NOT NULL,",
		"ssn CHAR(9), npi CHAR(10), dea_number CHAR(9)",
		"private String subscriberId;",
		"def find(mrn: str, dob: date) -> Patient:",
		`@Column(name = "medical_record_number") private String mrn;`,
		"type Patient struct { MRN string; DOB time.Time; SSN string }",
		"patientName: String;",
		"birthDate?: string; // ISO 8601",
		"interface Member { memberId: string; accountNumber: string }",
	}
	for _, mode := range []Mode{ModeStandard, ModeStrict} {
		rs := phiSet(t, mode)
		for _, l := range lines {
			if h := phiHits(rs, l); len(h) > 0 {
				t.Errorf("%s: schema line %q reported: %v", mode, l, h)
			}
		}
	}
}

// TestClinicalLineManyIdentifiers: one line of clinical text holds several
// identifiers; each is reported by its own rule.
func TestClinicalLineManyIdentifiers(t *testing.T) {
	g := phigen.New(11)
	given, family := g.Name()
	dob := g.DOB().US()
	mrn, ssn, npi, dea := g.MRN(), g.SSN(), g.NPI(), g.DEA()
	line := fmt.Sprintf("Patient %s %s, DOB %s, MRN %s, SSN %s; prescriber NPI %s, DEA %s.", given, family, dob, mrn, ssn, npi, dea)
	got := phiHits(phiSet(t, ModeStandard), line)
	want := []phiHit{
		{"phi-patient-name", given + " " + family}, {"phi-date-of-birth", dob}, {"phi-mrn", mrn},
		{"phi-ssn", ssn}, {"phi-npi", npi}, {"phi-dea", dea},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("line %q\n got %v\nwant %v", line, got, want)
	}
}

// TestNegativeWordsLowerNotHide: test/fake/sample near a value lowers its
// confidence but the value is still reported.
func TestNegativeWordsLowerNotHide(t *testing.T) {
	g := phigen.New(12)
	mrn := g.MRN()
	rs := phiSet(t, ModeStandard)
	plain := rs.Scan([]byte("mrn: " + mrn))
	fake := rs.Scan([]byte("fake test patient, mrn: " + mrn))
	if len(plain) != 1 || len(fake) != 1 {
		t.Fatalf("want one match each, got %v and %v", plain, fake)
	}
	if fake[0].Confidence >= plain[0].Confidence {
		t.Errorf("confidence near 'fake' = %v, want below %v", fake[0].Confidence, plain[0].Confidence)
	}
	if !slices.ContainsFunc(fake[0].Reasons, func(r string) bool { return strings.Contains(r, "confidence lowered") }) {
		t.Errorf("reasons %v do not say why confidence dropped", fake[0].Reasons)
	}
}

// TestStrictLowersThresholds: a checksum-valid NPI with no label is
// reported in strict mode at lower confidence, never in standard; a value
// failing its checksum is reported in neither.
func TestStrictLowersThresholds(t *testing.T) {
	g := phigen.New(13)
	npi, bad := g.NPI(), g.BadNPI()
	std, strict := phiSet(t, ModeStandard), phiSet(t, ModeStrict)
	in := "values: " + npi
	if h := phiHits(std, in); len(h) != 0 {
		t.Errorf("standard reported an unlabelled NPI: %v", h)
	}
	ms := strict.Scan([]byte(in))
	if len(ms) != 1 || ms[0].Rule.ID != "phi-npi" || ms[0].Confidence >= 0.9 {
		t.Errorf("strict: want one low-confidence NPI, got %+v", ms)
	}
	if h := phiHits(strict, "values: "+bad); len(h) != 0 {
		t.Errorf("strict reported a failed checksum: %v", h)
	}
	if h := phiHits(strict, "created_at: "+npi); len(h) != 0 {
		t.Errorf("strict reported a value under a timestamp label: %v", h)
	}
}

func TestStructuredContext(t *testing.T) {
	g := phigen.New(14)
	mrn, dob, member := g.MRN(), g.DOB().ISO(), g.MemberID()
	tests := []struct {
		name, in string
		want     []phiHit
	}{
		{"csv header far above", "mrn,dob,member_id,visit_date\n" + strings.Repeat("1,2,3,4\n", 200) +
			mrn + "," + dob + "," + member + ",2024-01-02\n", // pretense:allow
			[]phiHit{{"phi-mrn", mrn}, {"phi-date-of-birth", dob}, {"phi-health-plan-member-id", member}}},
		{"sql insert", "INSERT INTO patients (member_id, created_at, dob)\nVALUES\n  ('" + member + "', '2024-01-02', '" + dob + "');",
			[]phiHit{{"phi-health-plan-member-id", member}, {"phi-date-of-birth", dob}}},
		{"yaml list under key", "mrns:\n  - \"" + mrn + "\"\n",
			[]phiHit{{"phi-mrn", mrn}}},
		{"json key camelCase", `{"medicalRecordNumber": "` + mrn + `", "dateOfBirth": "` + dob + `"}`,
			[]phiHit{{"phi-mrn", mrn}, {"phi-date-of-birth", dob}}},
		{"other label nearer", "mrn " + mrn + ", order number 48392011", []phiHit{{"phi-mrn", mrn}}},
		{"non-birth date", "dob " + dob + ", discharged " + "2024-03-01", []phiHit{{"phi-date-of-birth", dob}}},
		{"allow marker", "mrn: " + mrn + " // pretense:allow", nil},
		{"yaml parent key", "patient:\n  mrn:\n    system: hospital\n    value: \"" + mrn + "\"\n",
			[]phiHit{{"phi-mrn", mrn}}},
		{"json parent key", "{\n  \"memberId\": {\n    \"type\": \"primary\",\n    \"value\": \"" + member + "\"\n  }\n}",
			[]phiHit{{"phi-health-plan-member-id", member}}},
		{"hl7 pid segment", "MSH|^~\\&|LAB|HOSP|||202401021200||ADT^A01|1|P|2.5\nPID|1||" + mrn + "^^^HOSP^MR||DOE^JANE||" +
			strings.ReplaceAll(dob, "-", "") + "|F|||1 Main St^^Springfield^IL||||||||||20240102\n", // pretense:allow
			// The HL7 reader reports PID-5 even when it reads like a
			// placeholder: the field says it is the patient's name.
			[]phiHit{{"phi-mrn", mrn}, {"phi-patient-name", "DOE"}, {"phi-patient-name", "JANE"}, {"phi-date-of-birth", strings.ReplaceAll(dob, "-", "")}, {"phi-street-address", "1 Main St"}, {"phi-city", "Springfield"}}}, // pretense:allow
		{"markdown table", "# Patients\n\n| MRN | Member ID | Visit date |\n|---|---|---|\n" + strings.Repeat("| x | y | z |\n", 100) + "| " + mrn + " | " + member + " | 2024-01-02 |\n",
			[]phiHit{{"phi-mrn", mrn}, {"phi-health-plan-member-id", member}}},
		{"label modified by a later part", "mrn_sequence_start: 48392011\ndob_format: \"" + dob + "\"\nmember_count_limit: 48392011\n", nil},
		{"label with a generic suffix", "dob_iso: \"" + dob + "\"\nmrn_number: \"" + mrn + "\"\n",
			[]phiHit{{"phi-date-of-birth", dob}, {"phi-mrn", mrn}}},
		{"generic key without parent", "value: \"" + mrn + "\"\n", nil},
	}
	rs := phiSet(t, ModeStandard)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := phiHits(rs, tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestSyntheticRanges: reserved fiction ranges are not PHI even with
// patient context.
func TestSyntheticRanges(t *testing.T) {
	rs := phiSet(t, ModeStrict)
	for _, in := range []string{
		`"patient": {"phone": "(415) 555-0142"}`,
		`"patient": {"email": "maria@example.com"}`,
		`"patient": {"email": "maria@clinic.test"}`,
		`patient portal login ip=192.0.2.15`,
		`patient device ip 2001:db8::1`,
		`ssn: 987-65-4321`, // pretense:allow
	} {
		if h := phiHits(rs, in); len(h) > 0 {
			t.Errorf("%q reported: %v", in, h)
		}
	}
}

func TestITINReportedAsITIN(t *testing.T) {
	itin := phigen.New(15).ITIN()
	got := phiHits(phiSet(t, ModeStandard), "ssn: "+itin)
	if want := []phiHit{{"phi-itin", itin}}; !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

// TestPHIKeywordsCoverLabels: every label of a rule with a digits
// prefilter contains one of its keywords at a part boundary, in snake,
// camel and spaced spellings; otherwise skipping the prefilter when no
// keyword occurs would lose findings.
func TestPHIKeywordsCoverLabels(t *testing.T) {
	for _, r := range Builtin() {
		if r.Context == nil || r.Prefilter == "" {
			continue
		}
		for _, w := range append(slices.Clone(r.Context.Words), r.Context.Weak...) {
			parts := splitParts(w, nil)
			camel := parts[0]
			for _, p := range parts[1:] {
				camel += strings.ToUpper(p[:1]) + p[1:]
			}
			for _, form := range []string{strings.Join(parts, " "), strings.Join(parts, "_"), camel} {
				ok := false
				for _, kw := range r.Keywords {
					low := strings.ToLower(form)
					if i := strings.Index(low, strings.ToLower(kw)); i >= 0 && partBoundary([]byte(form), i, i+len(kw)) {
						ok = true
					}
				}
				if !ok {
					t.Errorf("%s: label %q (as %q) contains none of the keywords %v", r.ID, w, form, r.Keywords)
				}
			}
		}
	}
}

func FuzzPHIScan(f *testing.F) {
	rs := phiSet(f, ModeStrict)
	f.Add([]byte("Patient Maria Gonzalez, DOB 03/14/1962, MRN 4839201"))                   // pretense:allow
	f.Add([]byte("mrn,dob\n4839201,1962-03-14\n"))                                         // pretense:allow
	f.Add([]byte("INSERT INTO patients (mrn, dob) VALUES ('4839201', '1962-03-14'), ('x")) // pretense:allow
	f.Add([]byte("mrns:\n  - \"4839201\"\n"))                                              // pretense:allow
	f.Add([]byte{'1', '2', '3', '-', 0xff, '\n', ','})
	// API doc prose (issue 12): a doc-comment example, a type list, a
	// DICOM tag, a sentence after a bracket.
	f.Add([]byte(" * The street address (e.g. 1200 Oak Street)."))                      // pretense:allow
	f.Add([]byte("Patient types: Code, Date, HumanName, Id, Instant,"))                 // pretense:allow
	f.Add([]byte(`DICOM keyword or tag: "PatientID", "00100020".`))                     // pretense:allow
	f.Add([]byte("(with `Patient` omitted). Partial matching, Roe, Jane, MRN 4839201")) // pretense:allow
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, m := range rs.Scan(data) {
			if m.Start < 0 || m.End > len(data) || m.Start >= m.End || string(data[m.Start:m.End]) != m.Value {
				t.Fatalf("bad match %+v", m)
			}
			if m.Confidence <= 0 || m.Confidence > 1 || len(m.Reasons) == 0 {
				t.Fatalf("match without confidence or reasons: %+v", m)
			}
		}
	})
}

func FuzzStructuredKeys(f *testing.F) {
	f.Add([]byte("a,b,c\n1,2,3\n"), 8)
	f.Add([]byte("INSERT INTO t (a, b) VALUES ('x', 'y');"), 33)
	f.Add([]byte("key:\n  - v"), 10)
	f.Fuzz(func(t *testing.T, data []byte, pos int) {
		if pos < 0 || pos > len(data) {
			return
		}
		csvColumn(data, pos, nil)
		sqlColumn(data, pos, nil)
		if ls, _ := lineSpan(data, pos); ls > 0 {
			prevLineKey(data, ls)
		}
		ParseBirthDate(string(data), timeZero)
	})
}

var timeZero = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// digitRunsNaive is the byte-by-byte reference digitRuns must agree with.
func digitRunsNaive(data []byte, minDigits int) []digitRun {
	var out []digitRun
	for i := 0; i < len(data); i++ {
		if data[i] < '0' || data[i] > '9' {
			continue
		}
		start, digits := i, 0
		for i < len(data) {
			c := data[i]
			if c >= '0' && c <= '9' {
				digits++
				i++
				continue
			}
			if (c == '-' || c == '.' || c == '/' || c == ' ') && i+1 < len(data) && data[i+1] >= '0' && data[i+1] <= '9' {
				i++
				continue
			}
			break
		}
		if digits >= minDigits {
			out = append(out, digitRun{start, i, digits})
		}
	}
	return out
}

func FuzzDigitRuns(f *testing.F) {
	f.Add([]byte("ssn 123-45-6789, npi 1234567893 and 1.2.3.4 / 12 34"), 4)
	f.Add([]byte("1-2-3-4-5-6 a1b2c3 99999"), 5)
	f.Fuzz(func(t *testing.T, data []byte, m int) {
		if m < 1 || m > 20 {
			return
		}
		got, want := digitRuns(data, m), digitRunsNaive(data, m)
		if !slices.Equal(got, want) {
			t.Fatalf("digitRuns(%q, %d) = %v, want %v", data, m, got, want)
		}
	})
}

// TestDocExamplesAndSearches: a weak label inside a Markdown fenced code
// block (a README's example) and a name in a FHIR search URL are reported
// in strict mode only, at lower confidence; strong labels in a code block
// and the same values outside one still count in standard mode.
func TestDocExamplesAndSearches(t *testing.T) {
	g := phigen.New(21)
	given, family := g.Name()
	record := "# {'id': 'p-1', 'name': [{'family': '" + family + "', 'given': ['" + given + "']}], 'resourceType': 'Patient'}\n"
	both := []phiHit{{"phi-patient-name", family}, {"phi-patient-name", given}}
	tests := []struct {
		name   string
		in     string
		std    []phiHit // standard mode
		strict []phiHit
	}{
		{"weak label in a fenced block", "#### Initialize\n\n```python\n" + record + "```\n", nil, both},
		{"weak label after the block closed", "```python\nx = 1\n```\n\n" + record, both, both},
		{"tilde fence holds a backtick line", "~~~\n```\n" + record + "~~~\n", nil, both},
		{"indented fence", "  ```\n" + record + "  ```\n", nil, both},
		{"strong label in a fenced block", "```\nPatient name: " + given + " " + family + "\n```\n",
			[]phiHit{{"phi-patient-name", given + " " + family}}, []phiHit{{"phi-patient-name", given + " " + family}}},
		{"FHIR search URL", `"Patient?address=Boston&gender=male&given:exact=` + given + `"`, nil, []phiHit{{"phi-patient-name", given}}},
		{"FHIR search, second value", "GET Patient?name=" + given + "," + family + "\n", nil,
			[]phiHit{{"phi-patient-name", given}, {"phi-patient-name", family}}},
		{"query without a resource type", "patient lookup: /search?name=" + given + "\n",
			[]phiHit{{"phi-patient-name", given}}, []phiHit{{"phi-patient-name", given}}},
	}
	std, strict := phiSet(t, ModeStandard), phiSet(t, ModeStrict)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := phiHits(std, tt.in); !slices.Equal(got, tt.std) {
				t.Errorf("standard: got %v, want %v", got, tt.std)
			}
			if got := phiHits(strict, tt.in); !slices.Equal(got, tt.strict) {
				t.Errorf("strict: got %v, want %v", got, tt.strict)
			}
			if tt.std == nil {
				for _, m := range strict.Scan([]byte(tt.in)) {
					if m.Confidence >= 0.8 {
						t.Errorf("strict: %s at confidence %.2f, want lowered", m.Value, m.Confidence)
					}
				}
			}
		})
	}
}

// TestEntryKeys: the key of an entry in a literal of key-value pairs is no
// name, though the entry before it holds a name label as its value (the
// name rule's own id in a Go test, a JSON record); a name before a colon
// in prose is still one.
func TestEntryKeys(t *testing.T) {
	given, family := phigen.New(23).Name()
	tests := []struct {
		name string
		in   string
		want []phiHit // standard and strict
	}{
		{"Go composite literal", `base := finding.Finding{RuleID: "phi-patient-name", Path: "a.txt", Line: 3, Column: 5}` + "\n", nil},
		{"Go literal in a list", `	{RuleID: "phi-patient-name", Path: "a.txt"},` + "\n", nil},
		{"JSON quoted keys", `{"rule": "patient-name", "Path": 1}` + "\n", nil},
		{"label as a key, name as its value", `{"patient_name": "` + given + " " + family + `", "Path": "a.txt"}` + "\n",
			[]phiHit{{"phi-patient-name", given + " " + family}}},
		{"name before a colon in prose", "Patient name: " + family + ", " + given + ": admitted today\n",
			[]phiHit{{"phi-patient-name", family}, {"phi-patient-name", given}}},
	}
	std, strict := phiSet(t, ModeStandard), phiSet(t, ModeStrict)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := phiHits(std, tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("standard: got %v, want %v", got, tt.want)
			}
			if got := phiHits(strict, tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("strict: got %v, want %v", got, tt.want)
			}
		})
	}
}
