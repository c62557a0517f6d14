package rules

import (
	"strings"
	"testing"
	"time"

	"github.com/pretense/pretense/internal/testgen/phigen"
)

// Valid vectors come from phigen, whose check-digit code is written
// independently of the validators here; invalid vectors are the
// never-issued and wrong-check-digit shapes each specification names.

func TestSSNStatus(t *testing.T) {
	g := phigen.New(1)
	for range 200 {
		if d := g.SSNDigits(); !mustSSN(d) {
			t.Errorf("generated issuable SSN rejected: %s", d)
		}
	}
	invalid := []struct{ in, why string }{
		{"000123456", "area 000"},
		{"666123456", "area 666"},
		{"900123456", "area 9xx"},
		{"987654320", "advertising range"}, // pretense:allow
		{"123004567", "group 00"},
		{"123450000", "serial 0000"},
		{"078051120", "Woolworth sample"}, // pretense:allow
		{"219099999", "pamphlet sample"},  // pretense:allow
		{"12345678", "eight digits"},
		{"12345678a", "letter"},
	}
	for _, tt := range invalid {
		if ok, _ := SSNStatus(tt.in); ok {
			t.Errorf("SSNStatus(%s) accepted, want rejected (%s)", tt.in, tt.why)
		}
	}
	for range 100 {
		if d := strings.ReplaceAll(g.InvalidSSN(), "-", ""); mustSSN(d) {
			t.Errorf("generated never-issued SSN accepted: %s", d)
		}
	}
}

func mustSSN(d string) bool { ok, _ := SSNStatus(d); return ok }

func TestValidITIN(t *testing.T) {
	g := phigen.New(2)
	for range 100 {
		if v := strings.ReplaceAll(g.ITIN(), "-", ""); !ValidITIN(v) {
			t.Errorf("generated ITIN rejected: %s", v)
		}
	}
	for _, in := range []string{"912401234", "912001234", "812701234", "91270123"} {
		if ValidITIN(in) {
			t.Errorf("ValidITIN(%s) accepted", in)
		}
	}
}

func TestValidNPI(t *testing.T) {
	g := phigen.New(3)
	for range 500 {
		if n := g.NPI(); !ValidNPI(n) {
			t.Errorf("generated NPI rejected: %s", n)
		}
		if n := g.BadNPI(); ValidNPI(n) {
			t.Errorf("NPI with a wrong check digit accepted: %s", n)
		}
	}
	tests := []struct {
		in   string
		want bool
	}{
		{"1234567893", true},  // CMS documentation example pretense:allow
		{"1234567890", false}, // the lazy placeholder fails the check
		{"3234567893", false}, // must start with 1 or 2
		{"123456789", false},
		{"12345678931", false},
		{"1111111112", false}, // nine identical digits
	}
	for _, tt := range tests {
		if got := ValidNPI(tt.in); got != tt.want {
			t.Errorf("ValidNPI(%s) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestValidDEA(t *testing.T) {
	g := phigen.New(4)
	for range 300 {
		if d := g.DEA(); !ValidDEA(d) {
			t.Errorf("generated DEA rejected: %s", d)
		}
		if d := g.BadDEA(); ValidDEA(d) {
			t.Errorf("DEA with a wrong check digit accepted: %s", d)
		}
	}
	tests := []struct {
		in   string
		want bool
	}{
		{"AA1234563", true}, // pretense:allow (Oracle documentation example)
		{"F91234563", true}, // pretense:allow (business-address form)
		{"BJ1234567", false},
		{"NA1234563", false}, // N is no registrant type
		{"A11234563", false}, // second character must be a letter or 9
		{"AA123456", false},
	}
	for _, tt := range tests {
		if got := ValidDEA(tt.in); got != tt.want {
			t.Errorf("ValidDEA(%s) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestValidMBI(t *testing.T) {
	g := phigen.New(5)
	for range 300 {
		if m := g.MBI(); !ValidMBI(m) {
			t.Errorf("generated MBI rejected: %s", m)
		}
	}
	tests := []struct {
		in   string
		want bool
	}{
		{"1EG4TE5MK73", true},  // pretense:allow (CMS example)
		{"0EG4TE5MK73", false}, // position 1 is 1-9
		{"1SG4TE5MK73", false}, // S is excluded
		{"1EG4TE5MK7", false},
		{"1eg4te5mk73", false}, // uppercase only
		{"1EGATE5MK73", false}, // position 4 is a digit
	}
	for _, tt := range tests {
		if got := ValidMBI(tt.in); got != tt.want {
			t.Errorf("ValidMBI(%s) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestValidHICN(t *testing.T) {
	g := phigen.New(6)
	for range 200 {
		if h := g.HICN(); !ValidHICN(h) {
			t.Errorf("generated HICN rejected: %s", h)
		}
	}
	ssn := g.SSNDigits()
	tests := []struct {
		in   string
		want bool
	}{
		{ssn + "A", true},
		{ssn + "C1", true},
		{ssn + "Z", false},      // no such beneficiary code
		{"900123456A", false},   // SSN part never issued
		{"MA" + "123456", true}, // RRB pre-1964
		{"WCA" + ssn, true},     // RRB with SSN
		{"WCA" + "900123456", false},
		{ssn, false},
	}
	for _, tt := range tests {
		if got := ValidHICN(tt.in); got != tt.want {
			t.Errorf("ValidHICN(%s) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseBirthDate(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want bool
	}{
		{"1962-03-14", true},
		{"03/14/1962", true},
		{"14.03.1962", true},
		{"3-4-1962", true},
		{"19620314", true},
		{"March 14, 1962", true},
		{"14 Mar 1962", true},
		{"Sept 4 1962", true},
		{"1962/03/14", true},
		{"1962-02-30", false}, // no such day
		{"02/30/1962", false},
		{"2027-01-01", false}, // in the future
		{"1899-12-31", false}, // before 1900
		{"13/13/1962", false},
		{"1962-3", false},
		{"Smarch 14, 1962", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := ParseBirthDate(tt.in, now); got != tt.want {
			t.Errorf("ParseBirthDate(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestContactValidators(t *testing.T) {
	tests := []struct {
		check CheckFunc
		in    string
		want  bool
	}{
		{checkPhone, "(415) 321-7788", true},
		{checkPhone, "+1 415 321 7788", true},
		{checkPhone, "212-555-0134", false}, // fiction range
		{checkPhone, "212-555-0234", true},  // other 555 numbers may be real
		{checkPhone, "112-321-7788", false}, // area code cannot start with 1
		{checkPhone, "415-121-7788", false}, // exchange cannot start with 1
		{checkPhone, "911-321-7788", false}, // N11 is not an area code
		{checkEmail, "maria.g@gmail.com", true},
		{checkEmail, "user@example.com", false},
		{checkEmail, "user@mail.example.org", false},
		{checkEmail, "user@clinic.test", false},
		{checkEmail, "user@localhost", false},
		{checkIP, "81.2.69.160", true},
		{checkIP, "192.0.2.10", false},
		{checkIP, "198.51.100.7", false},
		{checkIP, "203.0.113.99", false},
		{checkIP, "127.0.0.1", false},
		{checkIP, "0.0.0.0", false},
		{checkIP, "300.1.2.3", false},
		{checkZIP, "62704", true},
		{checkZIP, "00000", false},
		{checkRecordID, "4839201", true},
		{checkRecordID, "MR-3829104", true},
		{checkRecordID, "1234567", false}, // ascending placeholder
		{checkRecordID, "0000000", false},
		{checkRecordID, "1962-03-14", false},
		{checkRecordID, "1234", false},
		{checkAccountNumber, "3940786653", true}, // pretense:allow
		{checkAccountNumber, "12345", false},
	}
	for _, tt := range tests {
		c := &CheckContext{Data: []byte(tt.in), End: len(tt.in), Value: tt.in}
		if got := tt.check(c); got != tt.want {
			t.Errorf("check(%q) = %v, want %v", tt.in, got, tt.want)
		}
		if tt.want && len(c.Reasons) == 0 {
			t.Errorf("check(%q) passed without a reason", tt.in)
		}
	}
}

func TestCheckPersonName(t *testing.T) {
	tests := []struct {
		in, want string // want "" = rejected
	}{
		{"Patient Maria Gonzalez", "Maria Gonzalez"}, // pretense:allow
		{"Mrs. Olga Petrov", "Olga Petrov"},
		{"Sean O'Brien", "Sean O'Brien"},
		{"Aisha McAllister", "Aisha McAllister"},
		{"Patient", ""},
		{"PatientRecord", ""},
		{"Patient Portal", ""},
		{"String", ""},
		{"John Doe", ""},
		{"DateOfBirth", ""},
		{"Patient API Gateway", ""},
		{"Patient Ana Lopez.", "Ana Lopez"}, // pretense:allow
	}
	for _, tt := range tests {
		c := &CheckContext{Data: []byte(tt.in), End: len(tt.in), Value: tt.in}
		ok := checkPersonName(c)
		switch {
		case tt.want == "" && ok:
			t.Errorf("checkPersonName(%q) accepted %q", tt.in, c.Value)
		case tt.want != "" && (!ok || c.Value != tt.want || tt.in[c.Start:c.End] != tt.want):
			t.Errorf("checkPersonName(%q) = %v %q [%d:%d], want %q", tt.in, ok, c.Value, c.Start, c.End, tt.want)
		}
	}
}

func TestSplitParts(t *testing.T) {
	tests := []struct{ in, want string }{
		{"dateOfBirth", "date of birth"},
		{"date_of_birth", "date of birth"},
		{"MRNNumber", "mrn number"},
		{"patient-mrn", "patient mrn"},
		{"address_line1", "address line"},
		{"d.o.b", "d o b"},
		{"HTTPServer", "http server"},
		{"ssn", "ssn"},
	}
	for _, tt := range tests {
		if got := strings.Join(splitParts(tt.in, nil), " "); got != tt.want {
			t.Errorf("splitParts(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPartBoundary(t *testing.T) {
	tests := []struct {
		text, kw string
		want     bool
	}{
		{"dea_number", "dea", true},
		{"deaNumber", "dea", true},
		{"prescriber DEA: x", "DEA", true},
		{"deadline", "dea", false},
		{"idea", "dea", false},
		{"patientDob", "Dob", true},
		{"outPatient", "Patient", true},
		{"patients", "patient", false},
		{"syntax", "tax", false},
		{"OpAMD64ADDL", "DL", false},
		{"OpARM64UDIV", "UDI", false},
		{"MRNNumber", "MRN", true},
		{"patientDOB", "DOB", true},
		{"HTTPMrn", "Mrn", true},
		{"DL: D1234567", "DL", true},
		{"DLNumber", "DL", true},
	}
	for _, tt := range tests {
		s := strings.Index(tt.text, tt.kw)
		if got := partBoundary([]byte(tt.text), s, s+len(tt.kw)); got != tt.want {
			t.Errorf("partBoundary(%q, %q) = %v, want %v", tt.text, tt.kw, got, tt.want)
		}
	}
}

// FuzzPersonNameHelpers checks the allocation-free helpers of
// checkPersonName against the strings functions they stand for.
//
//	go test ./rules -run '^$' -fuzz '^FuzzPersonNameHelpers$' -fuzztime 3m -parallel 1
func FuzzPersonNameHelpers(f *testing.F) {
	for _, s := range []string{"McDonald", "PatientRecord", "API", "O'Neil-Smith", "De.LaCruz", "ǅemal", "İSTANBUL", "ſam", "\xff\xfeAB", "Dr."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, w string) {
		if got, want := string(lowerKey(nil, w)), strings.ToLower(w); got != want {
			t.Fatalf("lowerKey(%q) = %q, want %q", w, got, want)
		}
		if got, want := acronym(w), strings.ToUpper(w) == w && strings.ToLower(w) != w; got != want {
			t.Fatalf("acronym(%q) = %v, want %v", w, got, want)
		}
		want := false
		for _, seg := range strings.FieldsFunc(w, func(r rune) bool { return r == '-' || r == '\'' || r == '.' }) {
			if parts := splitParts(seg, nil); len(parts) > 1 && !namePrefixes[parts[0]] {
				want = true
			}
		}
		if got := camelIdentifier(w); got != want {
			t.Fatalf("camelIdentifier(%q) = %v, want %v", w, got, want)
		}
	})
}
