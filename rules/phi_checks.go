package rules

import (
	"bytes"
	"github.com/pretense/pretense/internal/luhn"

	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// phiChecks holds the PHI validators: checksums and issued ranges where a
// specification defines them, shape checks elsewhere. Context (labels,
// field names) is not a check: the engine applies a rule's Context after
// its checks (phi_context.go). Reasons never contain the value.
var phiChecks = map[string]CheckFunc{
	"ssn":            checkSSN,
	"itin":           checkITIN,
	"npi":            checkNPI,
	"dea":            checkDEA,
	"mbi":            checkMBI,
	"hicn":           checkHICN,
	"birth-date":     checkBirthDate,
	"person-name":    checkPersonName,
	"record-id":      checkRecordID,
	"account-number": checkAccountNumber,
	"phone":          checkPhone,
	"email":          checkEmail,
	"ip-address":     checkIP,
	"zip":            checkZIP,
	"age-over-89":    checkAgeOver89,
	"hl7-name":       checkHL7Name,
}

// digitsOf returns the ASCII digits of s in order.
func digitsOf(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// advertisingSSNs are structurally valid numbers that SSA or others
// published as samples (the Woolworth wallet card, a pamphlet). SSA's
// advertising range 987-65-4320…4329 falls in the never-issued 9xx areas.
var advertisingSSNs = map[string]bool{
	"078051120": true, "219099999": true,
	"123456789": true, // the universal placeholder; Presidio rejects it too
}

// SSNStatus classifies a nine-digit number by the SSA rules in force since
// randomisation (2011-06-25): never-issued areas 000, 666 and 900–999,
// group 00, serial 0000, and the published sample numbers.
func SSNStatus(d string) (ok bool, why string) {
	if len(d) != 9 || digitsOf(d) != d {
		return false, "not nine digits"
	}
	area, group, serial := d[:3], d[3:5], d[5:]
	switch {
	case area == "000" || area == "666" || area[0] == '9':
		return false, "area " + area + " is never issued"
	case group == "00":
		return false, "group 00 is never issued"
	case serial == "0000":
		return false, "serial 0000 is never issued"
	case advertisingSSNs[d]:
		return false, "published sample number"
	case strings.Count(d, d[:1]) == 9:
		return false, "one repeated digit"
	}
	return true, ""
}

// ValidITIN reports whether d is an IRS individual taxpayer identification
// number: area 9xx and group 50–65, 70–88, 90–92 or 94–99, excluding the
// SSA advertising numbers that share the shape.
func ValidITIN(d string) bool {
	if len(d) != 9 || digitsOf(d) != d || d[0] != '9' {
		return false
	}
	if d[:8] == "98765432" {
		return false // SSA's advertising range 987-65-4320…4329
	}
	g, _ := strconv.Atoi(d[3:5])
	return g >= 50 && g <= 65 || g >= 70 && g <= 88 || g >= 90 && g <= 92 || g >= 94 && g <= 99
}

// ValidNPI reports whether d is a National Provider Identifier: ten digits
// starting 1 or 2 whose last digit is the Luhn check digit computed over
// the card-issuer prefix 80840 followed by the first nine digits. Nine
// identical leading digits are rejected as placeholders.
func ValidNPI(d string) bool {
	if len(d) != 10 || digitsOf(d) != d || d[0] != '1' && d[0] != '2' {
		return false
	}
	if strings.Count(d[:9], d[:1]) == 9 {
		return false
	}
	return luhn.Valid("80840" + d)
}

// deaFirstLetters are the registrant types accepted (Presidio's set, a
// superset of DEA's file layout and Purview's list).
const deaFirstLetters = "ABCDEFGHJKLMPRSTUX"

// ValidDEA reports whether s (two letters and seven digits, optional
// suffix stripped by the caller) carries a valid DEA check digit:
// (d1+d3+d5) + 2·(d2+d4+d6) ≡ d7 (mod 10).
func ValidDEA(s string) bool {
	if len(s) != 9 || !strings.ContainsRune(deaFirstLetters, rune(s[0])) {
		return false
	}
	if !(s[1] >= 'A' && s[1] <= 'Z' || s[1] == '9') {
		return false
	}
	d := s[2:]
	if digitsOf(d) != d {
		return false
	}
	v := func(i int) int { return int(d[i] - '0') }
	return (v(0)+v(2)+v(4)+2*(v(1)+v(3)+v(5)))%10 == v(6)
}

// mbiLetters are the letters a Medicare Beneficiary Identifier may use:
// A–Z without S, L, O, I, B and Z.
const mbiLetters = "ACDEFGHJKMNPQRTUVWXY"

// ValidMBI reports whether s (dashes removed) follows the CMS layout:
// position 1 digit 1–9; 2, 5, 8, 9 letters; 3, 6 letter or digit; 4, 7,
// 10, 11 digits; uppercase only.
func ValidMBI(s string) bool {
	if len(s) != 11 {
		return false
	}
	letter := func(c byte) bool { return strings.IndexByte(mbiLetters, c) >= 0 }
	digit := func(c byte) bool { return c >= '0' && c <= '9' }
	for i := 0; i < 11; i++ {
		c := s[i]
		var ok bool
		switch i {
		case 0:
			ok = c >= '1' && c <= '9'
		case 1, 4, 7, 8:
			ok = letter(c)
		case 2, 5:
			ok = letter(c) || digit(c)
		default:
			ok = digit(c)
		}
		if !ok {
			return false
		}
	}
	return true
}

// hicnBIC are the beneficiary identification code letters of a legacy
// Health Insurance Claim Number (A primary, B spouse, C child, D widow,
// E widowed mother, F parent, … T, M, W for special cases).
const hicnBIC = "ABCDEFGHJKMTW"

// ValidHICN reports whether s (separators removed) is a CMS HICN — a valid
// SSN followed by a BIC letter and an optional digit or letter — or a
// Railroad Retirement Board number: an alpha prefix and six or nine digits.
func ValidHICN(s string) bool {
	if len(s) >= 10 && len(s) <= 11 && digitsOf(s[:9]) == s[:9] {
		if ok, _ := SSNStatus(s[:9]); !ok || strings.IndexByte(hicnBIC, s[9]) < 0 {
			return false
		}
		return len(s) == 10 || s[10] >= '0' && s[10] <= '9' || s[10] >= 'A' && s[10] <= 'Z'
	}
	for _, p := range []string{"WCA", "WCD", "MA", "WA", "WD", "CA", "JA", "PA", "PD", "H", "A"} {
		if rest, ok := strings.CutPrefix(s, p); ok && (len(rest) == 6 || len(rest) == 9) && digitsOf(rest) == rest {
			if len(rest) == 9 {
				ok, _ := SSNStatus(rest)
				return ok
			}
			return true
		}
	}
	return false
}

// embedded reports a value that is one piece of a longer dotted or
// dashed number (part 123-45-6789-11, 1.2345678901.3).
func embedded(c *CheckContext) bool {
	digit := func(i int) bool { return i >= 0 && i < len(c.Data) && c.Data[i] >= '0' && c.Data[i] <= '9' }
	sep := func(i int) bool {
		return i >= 0 && i < len(c.Data) && (c.Data[i] == '-' || c.Data[i] == '.' || c.Data[i] == '/')
	}
	return sep(c.Start-1) && digit(c.Start-2) || sep(c.End) && digit(c.End+1)
}

func checkSSN(c *CheckContext) bool {
	if embedded(c) {
		return false
	}
	ok, _ := SSNStatus(digitsOf(c.Value))
	if ok {
		c.Reasons = append(c.Reasons, "SSN area, group and serial are issuable")
	}
	return ok
}

func checkITIN(c *CheckContext) bool {
	if embedded(c) || !ValidITIN(digitsOf(c.Value)) {
		return false
	}
	c.Reasons = append(c.Reasons, "ITIN: area 9xx with an IRS group")
	return true
}

func checkNPI(c *CheckContext) bool {
	if embedded(c) || !ValidNPI(c.Value) {
		return false
	}
	c.Reasons = append(c.Reasons, "NPI Luhn check over 80840 prefix passed")
	return true
}

func checkDEA(c *CheckContext) bool {
	if !ValidDEA(c.Value[:min(9, len(c.Value))]) {
		return false
	}
	c.Reasons = append(c.Reasons, "DEA check digit valid")
	return true
}

func checkMBI(c *CheckContext) bool {
	if !ValidMBI(strings.ReplaceAll(c.Value, "-", "")) {
		return false
	}
	c.Reasons = append(c.Reasons, "MBI layout valid (positions, excluded letters)")
	return true
}

func checkHICN(c *CheckContext) bool {
	s := dropSeparators.Replace(c.Value)
	if !ValidHICN(s) {
		return false
	}
	c.Reasons = append(c.Reasons, "HICN: issuable SSN with beneficiary code, or RRB number")
	return true
}

var monthNames = map[string]time.Month{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
	"jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}

// ParseBirthDate reads the date shapes the birth-date rule matches
// (ISO, US m/d/y, d.m.y, yyyymmdd, "March 14, 1962", "14 Mar 1962") and
// reports whether one reading is a real calendar date between 1900 and
// now. Ambiguous day/month orders pass when either reading is real.
func ParseBirthDate(s string, now time.Time) bool {
	real := func(y, m, d int) bool {
		if y < 1900 || m < 1 || m > 12 || d < 1 || d > 31 {
			return false
		}
		t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
		return t.Day() == d && int(t.Month()) == m && !t.After(now)
	}
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '/' || r == '.' || r == ' ' || r == ',' })
	num := func(f string) int {
		n, err := strconv.Atoi(f)
		if err != nil {
			return -1
		}
		return n
	}
	switch len(fields) {
	case 1:
		if len(s) == 8 {
			return real(num(s[:4]), num(s[4:6]), num(s[6:]))
		}
	case 3:
		a, b, c := fields[0], fields[1], fields[2]
		if m, ok := monthNames[strings.ToLower(a[:min(len(a), 3)])]; ok && asciiLetter(a[0]) {
			return real(num(c), int(m), num(b))
		}
		if m, ok := monthNames[strings.ToLower(b[:min(len(b), 3)])]; ok && asciiLetter(b[0]) {
			return real(num(c), int(m), num(a))
		}
		if len(a) == 4 {
			return real(num(a), num(b), num(c))
		}
		if len(c) == 4 {
			return real(num(c), num(a), num(b)) || real(num(c), num(b), num(a))
		}
	}
	return false
}

func checkBirthDate(c *CheckContext) bool {
	if !ParseBirthDate(c.Value, time.Now()) {
		return false
	}
	c.Reasons = append(c.Reasons, "a real calendar date, not in the future")
	return true
}

// nameLead are words a name match may start with that are labels or
// titles, not the name: they are trimmed off the value.
var nameLead = map[string]bool{
	"patient": true, "pt": true, "name": true, "mr": true, "mrs": true, "ms": true,
	"miss": true, "mx": true, "the": true, "patients": true, "guarantor": true,
	"subscriber": true, "member": true, "given": true, "family": true, "first": true,
	"last": true, "full": true, "legal": true, "preferred": true, "mother": true,
	"father": true, "spouse": true, "contact": true, "emergency": true, "surname": true,
}

// notNames are capitalised words that follow patient labels in code and
// clinical text without being a name: types, UI labels, record parts.
var notNames = map[string]bool{
	"string": true, "str": true, "text": true, "date": true, "datetime": true, "int": true,
	"integer": true, "number": true, "boolean": true, "bool": true, "null": true,
	"none": true, "nil": true, "undefined": true, "optional": true, "required": true,
	"varchar": true, "char": true, "object": true, "array": true, "list": true, "map": true,
	"record": true, "records": true, "portal": true, "summary": true, "information": true,
	"info": true, "details": true, "detail": true, "data": true, "status": true,
	"type": true, "id": true, "report": true, "reports": true, "notes": true, "note": true,
	"admin": true, "care": true, "health": true, "medical": true, "center": true,
	"hospital": true, "clinic": true, "unknown": true, "anonymous": true, "test": true,
	"sample": true, "demo": true, "education": true, "history": true, "chart": true,
	"search": true, "profile": true, "service": true, "services": true, "model": true,
	"schema": true, "form": true, "view": true, "table": true, "class": true,
	"interface": true, "entity": true, "dto": true, "request": true, "response": true,
	"was": true, "is": true, "has": true, "and": true, "with": true, "of": true,
	"doe": true, "user": true, "admitted": true, "discharged": true, "seen": true,
	"denies": true, "presents": true, "states": true, "lookup": true,
	"first": true, "last": true, "full": true, "given": true, "family": true, "name": true,
	// Words that start sentences after a label in prose and comments.
	"they": true, "this": true, "that": true, "these": true, "those": true, "it": true,
	"he": true, "she": true, "we": true, "you": true, "an": true, "in": true, "on": true,
	"at": true, "for": true, "if": true, "when": true, "see": true, "use": true, "no": true,
	"yes": true, "not": true, "all": true, "any": true, "each": true, "every": true,
	"only": true, "new": true, "old": true, "get": true, "set": true, "edit": true,
	"add": true, "update": true, "delete": true, "create": true, "save": true, "cancel": true,
	// Clinical and identifier vocabulary that follows "Patient" in code.
	"mrn": true, "ssn": true, "dob": true, "npi": true, "dea": true, "mbi": true, "hicn": true,
	"diagnosis": true, "medication": true, "encounter": true, "allergy": true, "admission": true,
	"insurance": true, "provider": true, "prescriber": true, "visit": true, "lab": true,
	"results": true, "result": true, "intake": true, "consent": true, "billing": true, "claim": true,
	// FHIR resource and data type names, and the words HL7 v2 element
	// names are made of ("Guarantor Ph Num", "Patient Death Indicator"):
	// in healthcare code they follow patient labels as names would.
	"group": true, "practitioner": true, "resource": true, "observation": true, "promise": true,
	"procedure": true, "condition": true, "bundle": true, "reference": true, "identifier": true,
	"coding": true, "extension": true, "element": true, "organization": true, "location": true,
	"device": true, "specimen": true, "appointment": true, "coverage": true, "person": true,
	"relatedperson": true, "composition": true, "measure": true, "questionnaire": true, "definition": true,
	"requirement": true, "operation": true, "parameters": true, "period": true, "quantity": true,
	"address": true, "race": true, "sex": true, "gender": true, "relationship": true, "begin": true,
	"end": true, "priority": true, "code": true, "flag": true, "place": true, "income": true,
	"size": true, "ph": true, "num": true, "phone": true, "employer": true, "marital": true,
	"religion": true, "ethnic": true, "citizenship": true, "language": true, "nationality": true,
	"birth": true, "death": true, "administrative": true, "household": true, "credit": true,
	"charge": true, "adjustment": true, "rating": true, "annual": true, "contact": true,
	"role": true, "alias": true, "account": true, "indicator": true,
	"telecom": true, "communication": true, "link": true, "active": true,
	"deceased": true, "multiple": true, "photo": true, "general": true, "managing": true,
	"everything": true, "match": true, "compartment": true, "resources": true, "access": true,
}

// namePrefixes start family names written in camel case (McAllister,
// DeAndre, LaToya, VanDyke).
var namePrefixes = map[string]bool{
	"mc": true, "mac": true, "de": true, "da": true, "di": true, "du": true, "la": true,
	"le": true, "van": true, "von": true, "st": true, "fitz": true,
}

// checkPersonName trims leading labels and titles from a name match
// ("Patient Jane Roe" → "Jane Roe") and rejects matches that are types, (pretense:allow)
// UI words, sentence starters, code (a call or a field access) or the
// placeholder names John/Jane Doe.
func checkPersonName(c *CheckContext) bool {
	if c.Start > 0 && c.Data[c.Start-1] == '.' || c.End < len(c.Data) && c.Data[c.End] == '(' {
		return false
	}
	// The pattern is loose for speed; trim what it may take that is no
	// part of a name (trailing quotes, dashes, a sentence's period).
	v := strings.TrimRight(c.Value, "'-.")
	c.End = c.Start + len(v)
	// Every capitalised word near a label comes through here: the words
	// are lower-cased into buf and looked up without allocating.
	var buf [64]byte
	for {
		w, rest, ok := strings.Cut(v, " ")
		if !ok || !nameLead[string(lowerKey(buf[:0], strings.TrimSuffix(w, ".")))] {
			break
		}
		c.Start += len(w) + 1
		v = rest
	}
	if w := strings.TrimSuffix(v, "."); nameLead[string(lowerKey(buf[:0], w))] {
		return false
	}
	words := strings.Fields(v)
	for _, w := range words {
		lw := lowerKey(buf[:0], strings.TrimSuffix(w, "."))
		if notNames[string(lw)] || codeWords[string(lw)] || len(lw) < 2 && len(words) == 1 {
			return false
		}
		if len(w) >= 2 && acronym(w) {
			return false // an acronym (API, MRN), not a capitalised name
		}
		// A camelCase word is an identifier (PatientRecord, ToLower)
		// unless it is a Mc, Mac, De, La… family name.
		if camelIdentifier(w) {
			return false
		}
	}
	if len(words) == 0 || typeList(c.Data, c.Start, c.Start+len(v)) {
		return false
	}
	c.Value = v
	c.End = c.Start + len(v)
	c.Reasons = append(c.Reasons, "capitalised name words, not a type or UI word")
	// Name search parameters match on parts of names (name=Wil finds
	// Willis): the value is what a client asks for, the way library code
	// and its docs show searches, not a record's value.
	return !fhirSearchCriterion(c.Data, c.Start) || strictOnly(c, "a FHIR search parameter (strict mode only)")
}

// typeList reports a value [s,e) that is one item of a comma-separated
// list of single words (at least three, each followed by a comma or the
// list's end) of which another item is a type or identifier word: API
// prose lists types ("Decimal, HumanName, Id, Instant, Integer"), a
// record lists names ("Roe, Jane, MRN …" stops at "MRN …").
func typeList(data []byte, s, e int) bool {
	if e >= len(data) || data[e] != ',' || bytes.IndexByte(data[s:e], ' ') >= 0 {
		return false
	}
	word := func(lo, hi int) bool {
		return lo < hi && asciiLetter(data[lo])
	}
	items, typed := 1, false
	var buf [64]byte
	note := func(lo, hi int) {
		items++
		w := string(data[lo:hi])
		lw := lowerKey(buf[:0], w)
		if notNames[string(lw)] || codeWords[string(lw)] || camelIdentifier(w) || len(w) >= 2 && acronym(w) || strings.ContainsAny(w, "0123456789") {
			typed = true
		}
	}
	// items before: "Word, " back from s
	for p := s; p >= 2 && data[p-1] == ' ' && data[p-2] == ','; {
		hi := p - 2
		lo := hi
		for lo > 0 && labelByte(data[lo-1]) {
			lo--
		}
		if !word(lo, hi) {
			break
		}
		note(lo, hi)
		p = lo
	}
	// items after: ", Word," forward from e
	for p := e; p+2 < len(data) && data[p] == ',' && data[p+1] == ' '; {
		lo := p + 2
		hi := lo
		for hi < len(data) && labelByte(data[hi]) {
			hi++
		}
		if !word(lo, hi) || hi < len(data) && data[hi] != ',' {
			break
		}
		note(lo, hi)
		p = hi
	}
	return items >= 3 && typed
}

// fhirSearchCriterion reports a value that is a parameter of a FHIR search
// URL: `Patient?name=Willis`, `Patient?address=Boston&given:exact=Willis`,
// `Patient?name=Willis,Wayne` (the query is read back to its `?`, which
// must follow a capitalised resource type).
func fhirSearchCriterion(data []byte, s int) bool {
	if s == 0 || data[s-1] != '=' && data[s-1] != ',' {
		return false
	}
	for p := s - 2; p >= max(0, s-512); p-- {
		switch b := data[p]; {
		case b == '?':
			t := p
			for t > 0 && asciiLetter(data[t-1]) {
				t--
			}
			return p-t >= 2 && data[t] >= 'A' && data[t] <= 'Z'
		case b <= ' ' || b == '"' || b == '\'' || b == '`' || b == '<' || b == '>' || b == '(' || b == ')' || b == '{' || b == '}' || b == '[' || b == ']':
			return false
		}
	}
	return false
}

// lowerKey appends s lower-cased to dst: ASCII in place, anything else
// as strings.ToLower does.
func lowerKey(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return append(dst, strings.ToLower(s)...)
		}
	}
	return appendLower(dst, s)
}

// acronym reports strings.ToUpper(w) == w && strings.ToLower(w) != w: no
// lower-case letter and at least one upper-case one.
func acronym(w string) bool {
	upper := false
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case c >= utf8.RuneSelf:
			return strings.ToUpper(w) == w && strings.ToLower(w) != w
		case 'a' <= c && c <= 'z':
			return false // ToUpper changes it, whatever else w holds
		case 'A' <= c && c <= 'Z':
			upper = true
		}
	}
	return upper
}

// camelIdentifier reports a segment of w (split at - ' and .) that has
// several identifier parts and does not start with a family-name prefix
// (McDonald, DeLuca): PatientRecord, ToLower.
func camelIdentifier(w string) bool {
	for lo := 0; lo < len(w); {
		hi := lo
		for hi < len(w) && w[hi] != '-' && w[hi] != '\'' && w[hi] != '.' {
			hi++
		}
		if seg := w[lo:hi]; seg != "" {
			n, fs, fe := 0, 0, 0
			eachPart(seg, func(a, b int) {
				if n == 0 {
					fs, fe = a, b
				}
				n++
			})
			var buf [32]byte
			if n > 1 && !namePrefixes[string(appendLower(buf[:0], seg[fs:fe]))] {
				return true
			}
		}
		lo = hi + 1
	}
	return false
}

// ascending reports a run of consecutive digits (123456…), the usual lazy
// placeholder for an identifier.
func ascending(d string) bool {
	if len(d) < 6 {
		return false
	}
	for i := 1; i < len(d); i++ {
		if (d[i-1]-'0'+1)%10 != d[i]-'0' {
			return false
		}
	}
	return true
}

// checkRecordID accepts MRN and member-ID shaped values: at least five
// digits, not one repeated digit, not 123456…, not a date.
func checkRecordID(c *CheckContext) bool {
	d := digitsOf(c.Value)
	if len(d) < 5 || strings.Count(d, d[:1]) == len(d) || ascending(d) {
		return false
	}
	if len(c.Value) == 10 && c.Value[4] == '-' && c.Value[7] == '-' {
		return false // 2024-01-02 under an id label is a date
	}
	if dicomTag(c) {
		return false
	}
	c.Reasons = append(c.Reasons, "identifier shape (5+ digits, not a placeholder)")
	return true
}

// dicomTag reports a DICOM attribute tag written as its group and element
// (eight digits, "00100020" for PatientID) with the words DICOM or tag on
// its line: the tag names a field, it is not one patient's number.
func dicomTag(c *CheckContext) bool {
	// Standard attributes have an even group.
	if len(c.Value) != 8 || digitsOf(c.Value) != c.Value || (c.Value[3]-'0')%2 != 0 {
		return false
	}
	ls, le := lineSpan(c.Data, c.Start)
	return findWord(c.Data, max(ls, c.Start-dicomReach), min(le, c.End+dicomReach), c.Start, c.End, dicomWords) != ""
}

const dicomReach = 256

var dicomWords = map[string]bool{"dicom": true, "tag": true, "tags": true}

func checkAccountNumber(c *CheckContext) bool {
	d := digitsOf(c.Value)
	if len(d) < 6 || len(d) > 17 || strings.Count(d, d[:1]) == len(d) || ascending(d) {
		return false
	}
	c.Reasons = append(c.Reasons, "account number shape (6–17 digits)")
	return true
}

// checkPhone validates a NANP number (area code and exchange start 2–9,
// no N11 area codes) and drops 555-0100…0199, reserved for fiction.
func checkPhone(c *CheckContext) bool {
	d := digitsOf(c.Value)
	if len(d) == 11 && d[0] == '1' {
		d = d[1:]
	}
	if len(d) != 10 || d[0] < '2' || d[3] < '2' || d[1:3] == "11" {
		return false
	}
	if d[3:6] == "555" && d[6:8] == "01" {
		return false // fictional range
	}
	c.Reasons = append(c.Reasons, "valid NANP number, outside the 555-01xx fiction range")
	return true
}

// reservedDomain reports the RFC 2606 / RFC 6761 names used for examples.
func reservedDomain(domain string) bool {
	domain = strings.ToLower(strings.TrimSuffix(domain, "."))
	for _, tld := range []string{".test", ".example", ".invalid", ".localhost", ".local"} {
		if strings.HasSuffix(domain, tld) {
			return true
		}
	}
	for _, d := range []string{"example.com", "example.net", "example.org"} {
		if domain == d || strings.HasSuffix(domain, "."+d) {
			return true
		}
	}
	return false
}

func checkEmail(c *CheckContext) bool {
	_, domain, ok := strings.Cut(c.Value, "@")
	if !ok || reservedDomain(domain) || !strings.Contains(domain, ".") {
		return false
	}
	c.Reasons = append(c.Reasons, "email with a real (non-reserved) domain")
	return true
}

// documentationPrefixes are the address blocks reserved for examples:
// RFC 5737 (IPv4) and RFC 3849 (IPv6).
var documentationPrefixes = []netip.Prefix{
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("2001:db8::/32"),
}

func checkIP(c *CheckContext) bool {
	a, err := netip.ParseAddr(c.Value)
	if err != nil || a.IsLoopback() || a.IsUnspecified() || a.IsMulticast() {
		return false
	}
	if c.Start > 0 && (c.Data[c.Start-1]|0x20 == 'v') {
		return false // v1.2.3.4 is a version
	}
	for _, p := range documentationPrefixes {
		if p.Contains(a) {
			return false
		}
	}
	c.Reasons = append(c.Reasons, "parses as an IP address outside documentation ranges")
	return true
}

func checkZIP(c *CheckContext) bool {
	if strings.HasPrefix(c.Value, "00000") {
		return false
	}
	c.Reasons = append(c.Reasons, "ZIP code shape")
	return true
}

// checkAgeOver89 keeps ages of 90 and above: Safe Harbor lets ages up to
// 89 stay, and requires older ones to be aggregated as "90 or older".
func checkAgeOver89(c *CheckContext) bool {
	n, err := strconv.Atoi(digitsOf(c.Value))
	if err != nil || n < 90 || n > 119 {
		return false
	}
	c.Reasons = append(c.Reasons, "age above 89 written as an age")
	return true
}

// checkHL7Name accepts an HL7 XPN name (FAMILY^GIVEN^MIDDLE) unless it is
// a placeholder (DOE^JANE, TEST^PATIENT).
func checkHL7Name(c *CheckContext) bool {
	parts := strings.Split(strings.ToLower(c.Value), "^")
	if len(parts) < 2 || parts[0] == "doe" || notNames[parts[0]] || notNames[parts[1]] || nameLead[parts[0]] || nameLead[parts[1]] {
		return false
	}
	c.Reasons = append(c.Reasons, "HL7 family^given name, not a placeholder")
	return true
}
