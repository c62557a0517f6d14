package rules

import (
	"github.com/pretense/pretense/internal/luhn"

	"net/netip"
	"strconv"
	"strings"
	"time"
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
	ls, le := c.scan.lineSpan(c.Data, c.Start)
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
