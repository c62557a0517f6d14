package phiformat

import (
	"bytes"
	"strings"
	"time"
)

// valueSpan trims a field's span and drops one pair of surrounding quotes;
// ok is false when nothing is left.
func valueSpan(data []byte, s, e int) (int, int, bool) {
	s, e = trimSpan(data, s, e)
	if s >= e {
		return s, e, false
	}
	if v := data[s:e]; len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		s, e = s+1, e-1
	}
	return s, e, true
}

// fields collects validated fields; add drops values that cannot be what
// their place says (an empty name, a 31 February birth date, a placeholder).
type fields []Field

func (fs *fields) add(data []byte, s, e int, t Type, reason string) {
	s, e, ok := valueSpan(data, s, e)
	if !ok {
		return
	}
	v := data[s:e]
	if !Valid(t, v) {
		return
	}
	*fs = append(*fs, Field{Start: s, End: e, Type: t, Reason: reason})
}

// addID adds an identifier whose place in a structure says it is one: an
// HL7 CX (PID-3, the patient identifier list, or any CX with an assigning
// authority or a type code), a C-CDA patientRole/id. Such identifiers are
// not always numeric (`CIPNUM^^^CAEX^CIP`), so the digit count of the text
// rules' MRN shape does not apply; idShape still drops null markers, form
// words, one repeated character and single characters. A value in an SSN,
// licence or passport slot that does not have that identifier's shape (an
// 8-digit "SSN") is still the patient's identifier: it is reported as
// another patient identifier (Safe Harbor R), not dropped.
func (fs *fields) addID(data []byte, s, e int, t Type, reason string) {
	s, e, ok := valueSpan(data, s, e)
	if !ok {
		return
	}
	v := data[s:e]
	switch {
	case Valid(t, v):
	case !idShape(v):
		return
	case t == SSN || t == DL || t == Passport:
		t = PatientID
	}
	*fs = append(*fs, Field{Start: s, End: e, Type: t, Reason: reason})
}

// idShape: 2 to 64 printable characters with a letter or digit, not a null
// marker or form word, not one repeated character (`000-00-0000`, `XXXX`),
// not a calendar date written where an identifier stands, no template
// placeholder.
func idShape(v []byte) bool {
	if len(v) < 2 || len(v) > 64 || nullWords[strings.ToLower(string(v))] || placeholderName(v) {
		return false
	}
	letters, digits := count(v)
	if letters+digits == 0 {
		return false
	}
	same := true
	for _, c := range v {
		// Template syntax (`%s`, `{{mrn}}`, `${id}`, `<id>`) is a message
		// skeleton in code, not an identifier.
		if c < ' ' || c == 0x7f || strings.IndexByte("%{}$<>", c) >= 0 {
			return false
		}
		if c != v[0] && c != '-' && c != ' ' {
			same = false
		}
	}
	return !same && !(len(v) == 8 && digits == 8 && realDate(v))
}

// nullWords are what exports write for "no value".
var nullWords = map[string]bool{"null": true, "\\n": true, "n/a": true, "na": true, "none": true, "unknown": true, "unk": true, "\"\"": true, "nil": true, "undefined": true}

// Valid reports whether v can be a value of type t. The field's place
// already says what it is; these checks reject what cannot be one: empty
// and null markers, dates that are no calendar date, phone numbers with
// too few digits, names without letters.
func Valid(t Type, v []byte) bool {
	if len(v) == 0 || len(v) > 256 || nullWords[strings.ToLower(string(v))] {
		return false
	}
	letters, digits := count(v)
	switch t {
	case Name:
		return letters >= 2 && digits <= len(v)/2 && !placeholderName(v)
	case City:
		return letters >= 2 && digits == 0 && !placeholderName(v)
	case County: // a name, or a FIPS county code (HL7 XAD-9)
		return letters >= 2 && digits == 0 || letters == 0 && digits >= 2 && digits <= 5
	case Street:
		return letters >= 2 && !placeholderName(v)
	case SSN:
		return ssnShape(v)
	case DOB, Death, Date:
		return realDate(v)
	case Phone, Fax:
		return digits >= 7 && digits <= 15 && !fictionPhone(v)
	case Email:
		at := bytes.IndexByte(v, '@')
		return at > 0 && bytes.IndexByte(v[at:], '.') > 1 && bytes.IndexByte(v, ' ') < 0
	case URL:
		return bytes.Contains(v, []byte("://")) || bytes.HasPrefix(v, []byte("www."))
	case ZIP:
		return zipShape(v)
	case Geo:
		return digits >= 4 && bytes.IndexByte(v, '.') > 0 && letters == 0
	case DL, Passport:
		return digits >= 4 && len(v) >= 5 && len(v) <= 20 && alnum(v)
	case MRN, Member, Account:
		return digits >= 3 && len(v) >= 4 && !allSame(v)
	case PatientID: // not a date written where an identifier may stand
		return digits >= 3 && len(v) >= 4 && !allSame(v) && !(len(v) == 8 && realDate(v))
	}
	return false
}

func count(v []byte) (letters, digits int) {
	for _, c := range v {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80:
			letters++
		}
	}
	return
}

func alnum(v []byte) bool {
	for _, c := range v {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == ' ') {
			return false
		}
	}
	return true
}

func allSame(v []byte) bool {
	d := bytes.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, v)
	return len(d) > 0 && bytes.Count(d, d[:1]) == len(d)
}

// placeholderName drops the words forms write where no name is known.
func placeholderName(v []byte) bool {
	switch strings.ToLower(string(v)) {
	case "test", "patient", "unknown", "anonymous", "none", "male", "female", "baby", "infant",
		"notreal", "fake", "sample", "example", "name", "first", "last", "given", "family", "middle",
		"street", "address", "city", "county", "state", "zip":
		return true
	}
	return false
}

// ssnShape: nine digits, as AAA-GG-SSSS or bare. Under an SSN field the
// number is reported even when SSA never issues it (synthetic generators
// write 999-xx-xxxx, examples use group 00 on purpose): the field says it
// is the person's SSN. One repeated digit and 123456789 are placeholders.
func ssnShape(v []byte) bool {
	var d []byte
	for _, c := range v {
		switch {
		case c >= '0' && c <= '9':
			d = append(d, c)
		case c == '-' || c == ' ':
		default:
			return false
		}
	}
	if len(d) != 9 || allSame(d) {
		return false
	}
	return string(d) != "123456789"
}

func zipShape(v []byte) bool {
	n := len(v)
	if n != 5 && n != 10 {
		return false
	}
	for i, c := range v {
		if i == 5 && n == 10 {
			if c != '-' {
				return false
			}
			continue
		}
		if c < '0' || c > '9' {
			return false
		}
	}
	return string(v[:5]) != "00000"
}

// fictionPhone: NANP 555-0100..0199 are reserved for fiction.
func fictionPhone(v []byte) bool {
	var d []byte
	for _, c := range v {
		if c >= '0' && c <= '9' {
			d = append(d, c)
		}
	}
	if len(d) == 11 && d[0] == '1' {
		d = d[1:]
	}
	if len(d) == 10 {
		d = d[3:]
	}
	return len(d) == 7 && string(d[:4]) == "5550" && d[4] == '1'
}

// realDate accepts the date forms of the formats read here: yyyymmdd[hhmm…]
// (HL7 TS, C-CDA), yyyy-mm-dd[Thh…] (FHIR, ISO), m/d/yyyy and yyyy/mm/dd
// (exports). The date must exist and lie between 1850 and 2150.
func realDate(v []byte) bool {
	s := string(v)
	var y, m, d int
	switch {
	case len(s) >= 8 && digitsOnly(s[:8]) && (len(s) == 8 || !isDigit(s[8]) || len(s) >= 10):
		y, m, d = atoi(s[:4]), atoi(s[4:6]), atoi(s[6:8])
	case len(s) >= 10 && (s[4] == '-' || s[4] == '/') && s[7] == s[4] && digitsOnly(s[:4]) && digitsOnly(s[5:7]) && digitsOnly(s[8:10]):
		y, m, d = atoi(s[:4]), atoi(s[5:7]), atoi(s[8:10])
	default:
		w := strings.Fields(s) // blank input (fuzz crasher) has no first word
		if len(w) == 0 {
			return false
		}
		p := strings.Split(w[0], "/")
		if len(p) != 3 || len(p[2]) != 4 || !digitsOnly(p[0]+p[1]+p[2]) || len(p[0]) > 2 || len(p[1]) > 2 {
			return false
		}
		y, m, d = atoi(p[2]), atoi(p[0]), atoi(p[1])
	}
	if y < 1850 || y > 2150 || m < 1 || m > 12 || d < 1 {
		return false
	}
	return d <= time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
