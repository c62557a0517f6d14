// Package phiformat reads the structured formats patient data travels in
// (HL7 v2 messages, FHIR JSON and NDJSON, C-CDA XML, CSV/TSV extracts, SQL
// INSERT and COPY seeds) and hands back the fields whose meaning, by the
// format's own definition, is a Safe Harbor identifier: PID-19 is an SSN,
// Patient.telecom[system=phone] is a phone number, the values under a
// `BIRTHDATE` column are birth dates. The rules engine turns those fields
// into PHI findings; the reader that decided each one is its reason.
//
// Readers run only on inputs that are their format: Detect looks at the
// first bytes (and for SQL at the INSERT/COPY keywords), so source code pays
// one cheap look per file. Every reader is fuzzed: malformed input yields
// fewer fields, never a panic.
package phiformat

import (
	"bytes"
)

// Type is the kind of identifier a field holds.
type Type string

const (
	Name      Type = "name"
	SSN       Type = "ssn"
	MRN       Type = "mrn"
	PatientID Type = "patient-id" // any other identifier of the patient
	Member    Type = "member"     // health plan member / subscriber id
	Account   Type = "account"
	DL        Type = "drivers-license"
	Passport  Type = "passport"
	DOB       Type = "dob"
	Death     Type = "death-date"
	Date      Type = "record-date" // admission, discharge, service
	Phone     Type = "phone"
	Fax       Type = "fax"
	Email     Type = "email"
	URL       Type = "url"
	Street    Type = "street"
	City      Type = "city"
	County    Type = "county"
	ZIP       Type = "zip"
	Geo       Type = "geo" // latitude / longitude of a home address
)

// Field is one identifier value found by a reader.
type Field struct {
	// Start and End are byte offsets of the value in the input.
	Start, End int
	Type       Type
	// Reason names the reader and the place that decided the meaning,
	// e.g. "HL7 PID-19", "FHIR Patient.identifier[us-ssn]", "CSV column SSN".
	Reason string
}

// Span is a byte range of the input.
type Span struct{ Start, End int }

// Result is what the readers found in one input.
type Result struct {
	Format Format
	Fields []Field
	// Quiet spans hold data that a reader found to be no patient's: a
	// providers, payers or organizations table, a Practitioner or an
	// Organization resource. Contact details found there by the text rules
	// are public directory data, not PHI.
	Quiet []Span
}

// Format is a structured format a reader understands.
type Format int

const (
	None Format = iota
	HL7
	FHIRJSON
	FHIRXML
	CCDA
	Tabular // CSV, TSV
	SQL
)

func (f Format) String() string {
	return [...]string{"none", "HL7 v2", "FHIR JSON", "FHIR XML", "C-CDA", "CSV", "SQL"}[f]
}

// sniff is how many leading bytes Detect looks at.
const sniff = 4096

// Detect names the format of data from its first bytes; None for anything
// else (source code, prose). It is cheap enough to run on every file.
func Detect(data []byte) Format { return detect(data, AllHints) }

// Hints say which of the markers Detect looks for beyond the first bytes
// may occur in an input. A caller that has already read the whole input
// for its own reasons (the rules engine's keyword pass) passes what it
// saw, and Detect skips the searches whose marker is absent. Each field
// must be true whenever its marker occurs; true when unsure.
type Hints struct {
	// FHIR: `"resourceType"` (the caller may match any ASCII case).
	FHIR bool
	// HL7: the encoding characters "^~" of an MSH segment.
	HL7 bool
	// SQL: "insert into" (any ASCII case) or "from stdin;".
	SQL bool
}

// AllHints searches for every marker: what Read and Detect do.
var AllHints = Hints{FHIR: true, HL7: true, SQL: true}

// DetectHinted is Detect, skipping the searches hints rule out.
func DetectHinted(data []byte, hints Hints) Format { return detect(data, hints) }

func detect(data []byte, hints Hints) Format {
	head := data[:min(len(data), sniff)]
	t := bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf")
	switch {
	case len(t) == 0:
		return None
	case hl7Start(bytes.TrimLeft(t, "\x0b")):
		return HL7
	case (t[0] == '{' || t[0] == '[') && bytes.Contains(head, []byte(`"resourceType"`)):
		return FHIRJSON
	case t[0] == '<' && (bytes.Contains(head, []byte("urn:hl7-org:v3")) || bytes.Contains(head, []byte("<patientRole"))):
		return CCDA
	case t[0] == '<' && bytes.Contains(head, []byte(`"http://hl7.org/fhir"`)):
		return FHIRXML
	}
	if hints.FHIR && embeddedFHIR(data) >= 0 {
		return FHIRJSON // a resource pasted into a prompt or held by a test
	}
	if hints.HL7 && embeddedHL7(data) {
		return HL7 // messages inside other text: a test's string literals, a prompt
	}
	if tabularHeader(head) {
		return Tabular
	}
	if hints.SQL && hasSQLRows(data) {
		return SQL
	}
	return None
}

// embeddedHL7 finds an MSH segment anywhere: "MSH" and a field separator
// before the encoding characters "^~". It looks for "^~" first, a pair
// that is rare in other text.
func embeddedHL7(data []byte) bool {
	for p := 0; ; {
		i := bytes.Index(data[p:], []byte("^~"))
		if i < 0 {
			return false
		}
		p += i
		if p >= 4 && bytes.Equal(data[p-4:p-1], []byte("MSH")) {
			return true
		}
		p += 2
	}
}

// embeddedFHIR returns where a JSON value holding "resourceType" starts
// when it is not at the start of data: the '{' or '[' that opens the line
// the value starts on (a prompt's "Summarise this bundle:\n{…"), or -1.
// It looks for `Type"` first: bytes.Index is fast on that needle.
func embeddedFHIR(data []byte) int {
	for p := 0; ; {
		i := bytes.Index(data[p:], []byte(`Type"`))
		if i < 0 {
			return -1
		}
		p += i
		if p >= 9 && bytes.Equal(data[p-9:p], []byte(`"resource`)) {
			for ls := p; ls >= 0; ls-- {
				if ls == 0 || data[ls-1] == '\n' {
					if t := bytes.TrimLeft(data[ls:p], " \t"); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
						return ls + len(data[ls:p]) - len(t)
					}
				}
			}
		}
		p += 5
	}
}

// Read detects the format of data and runs its reader.
func Read(data []byte) Result { return ReadHinted(data, AllHints) }

// ReadHinted is Read, skipping the format searches hints rule out: the
// same Result whenever the hints hold (see Hints).
func ReadHinted(data []byte, hints Hints) Result {
	f := detect(data, hints)
	r := Result{Format: f}
	switch f {
	case HL7:
		r.Fields = readHL7(data)
	case FHIRJSON:
		start := 0
		if t := bytes.TrimLeft(data, " \t\r\n\xef\xbb\xbf"); len(t) == 0 || t[0] != '{' && t[0] != '[' {
			start = max(0, embeddedFHIR(data))
		}
		fs, quiet := readFHIRJSON(data[start:])
		for i := range fs {
			fs[i].Start += start
			fs[i].End += start
		}
		for i := range quiet {
			quiet[i].Start += start
			quiet[i].End += start
		}
		r.Fields, r.Quiet = fs, quiet
	case FHIRXML:
		r.Fields, r.Quiet = readFHIRXML(data)
	case CCDA:
		// Outside recordTarget a C-CDA names authors, performers and
		// custodians: the text rules' contact findings there are no
		// patient's, and the patient's own values come from the reader.
		r.Fields = readCCDA(data)
		r.Quiet = []Span{{0, len(data)}}
	case Tabular:
		r.Fields, r.Quiet = readTabular(data)
	case SQL:
		r.Fields, r.Quiet = readSQL(data)
	}
	return r
}

// trimSpan narrows [s,e) of data to its non-blank bytes.
func trimSpan(data []byte, s, e int) (int, int) {
	for s < e && isSpace(data[s]) {
		s++
	}
	for e > s && isSpace(data[e-1]) {
		e--
	}
	return s, e
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }
