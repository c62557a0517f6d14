package rules

import (
	"slices"
	"testing"

	"github.com/pretense/pretense/internal/testgen/phigen"
)

// TestAPIDocProse: API reference prose about patient data (the
// googleapis healthcare and cloudsearch typings, issue 12) names fields,
// types, DICOM tags and example values; none is a patient's PHI in
// standard mode. Each negative has a positive beside it that still fires.
func TestAPIDocProse(t *testing.T) {
	g := phigen.New(41)
	given, family := g.Name()
	name := given + " " + family
	mrn, street := g.MRN(), g.Street()
	tag := "0010" + "0020" // DICOM PatientID, written as group and element
	cases := []struct {
		name, text string
		mode       Mode
		want       []phiHit // exactly these hits
	}{
		// A sentence ends after a closing bracket or quote: the label
		// before it does not reach the capitalised word that starts the
		// next sentence.
		{"sentence after bracket", "Partial matching is supported, for `Address.city` (with `Patient` omitted). Partial matching and type matching can be combined.", ModeStandard, nil},
		{"sentence after bracket strict", "Partial matching is supported, for Address.city (Patient omitted). Partial matching and type matching can be combined.", ModeStrict, nil},
		{"label after bracketed sentence", "Seen for follow-up (week 2). Patient " + name + " reports no pain.", ModeStandard, []phiHit{{"phi-patient-name", name}}},
		// A comma list of type names is no list of names.
		{"type list", `Matches "Patient.name" by type. Supported types are: Base64Binary, Boolean, Code, Date, DateTime, Decimal, HumanName, Id, Instant, Integer, LanguageCode, Markdown, Oid.`, ModeStandard, nil},
		{"type list strict", `Matches "Patient.name" by type. Supported types are: Base64Binary, Boolean, Code, Date, DateTime, Decimal, HumanName, Id, Instant, Integer, LanguageCode, Markdown, Oid.`, ModeStrict, nil},
		{"name before comma list", "Patient name: " + family + ", " + given + ", MRN " + mrn, ModeStandard, []phiHit{{"phi-patient-name", family}, {"phi-mrn", mrn}}},
		// A DICOM tag is the name of a field, not an MRN.
		{"dicom tag", `Elements may be provided by DICOM keyword or tag, as in "PatientID", "` + tag + `".`, ModeStandard, nil},
		{"dicom tag strict", `Elements may be provided by DICOM keyword or tag, as in "PatientID", "` + tag + `".`, ModeStrict, nil},
		{"patient id without dicom words", `"PatientID", "` + tag + `"`, ModeStandard, []phiHit{{"phi-mrn", tag}}},
		// An example value in a doc comment counts in strict mode only.
		{"example in doc comment", "  * The street address (e.g. " + street + ").", ModeStandard, nil},
		{"example in doc comment strict", "  * The street address (e.g. " + street + ").", ModeStrict, []phiHit{{"phi-street-address", street}}},
		{"example in prose, not a comment", "The street address (e.g. " + street + ").", ModeStandard, []phiHit{{"phi-street-address", street}}},
		{"comment without example", "// street address: " + street, ModeStandard, []phiHit{{"phi-street-address", street}}},
		{"example sentence over", "# For example. The street address is " + street + ".", ModeStandard, []phiHit{{"phi-street-address", street}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := phiHits(phiSet(t, tc.mode), tc.text)
			if !slices.Equal(got, tc.want) {
				t.Errorf("%s: %q\n got %v\nwant %v", tc.mode, tc.text, got, tc.want)
			}
		})
	}
}

// TestDocExampleLowersInStrict: a doc-comment example kept in strict mode
// says why and is reported at lowered confidence.
func TestDocExampleLowersInStrict(t *testing.T) {
	street := phigen.New(42).Street()
	rs := phiSet(t, ModeStrict)
	ex := rs.Scan([]byte(" * The street address (e.g. " + street + ")."))
	plain := rs.Scan([]byte(" * The street address: " + street))
	if len(ex) != 1 || len(plain) != 1 {
		t.Fatalf("want one match each, got %v and %v", ex, plain)
	}
	if ex[0].Confidence >= plain[0].Confidence || !slices.Contains(ex[0].Reasons, "an example in a documentation comment (strict mode only)") {
		t.Errorf("example: confidence %.2f (plain %.2f), reasons %v", ex[0].Confidence, plain[0].Confidence, ex[0].Reasons)
	}
}
