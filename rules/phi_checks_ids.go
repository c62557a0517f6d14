package rules

import (
	"strings"
)

// Validators of the Safe Harbor identifiers the text rules added for the
// structured readers' types: vehicle (L) and device (M) identifiers with
// their check digits, driver's licences (K) and passports (R) by their
// published shapes, and dates of death (C).
func init() {
	phiChecks["vin"] = checkVIN
	phiChecks["udi"] = checkUDI
	phiChecks["drivers-license"] = checkDriversLicense
	phiChecks["passport"] = checkPassport
	phiChecks["past-date"] = checkPastDate
}

// vinValues and vinWeights are the transliteration and position weights
// of 49 CFR 565.15 (the North American VIN check digit, position 9).
var vinWeights = [17]int{8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2}

func vinValue(c byte) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c == 'I' || c == 'O' || c == 'Q':
		return 0, false
	case c >= 'A' && c <= 'H':
		return int(c-'A') + 1, true
	case c >= 'J' && c <= 'N':
		return int(c-'J') + 1, true
	case c == 'P':
		return 7, true
	case c == 'R':
		return 9, true
	case c >= 'S' && c <= 'Z':
		return int(c-'S') + 2, true
	}
	return 0, false
}

// ValidVIN reports whether v is a 17-character VIN whose check digit
// (position 9) is right and that holds letters and digits.
func ValidVIN(v string) bool {
	if len(v) != 17 {
		return false
	}
	sum, letters, digits := 0, 0, 0
	for i := 0; i < 17; i++ {
		n, ok := vinValue(v[i])
		if !ok {
			return false
		}
		if v[i] >= '0' && v[i] <= '9' {
			digits++
		} else {
			letters++
		}
		sum += n * vinWeights[i]
	}
	want := byte('0' + sum%11)
	if sum%11 == 10 {
		want = 'X'
	}
	return v[8] == want && letters >= 2 && digits >= 5
}

func checkVIN(c *CheckContext) bool {
	if !ValidVIN(c.Value) {
		return false
	}
	c.Reasons = append(c.Reasons, "VIN check digit (49 CFR 565) valid")
	return true
}

// ValidGTIN reports whether d (8, 12, 13 or 14 digits) has a right GS1
// mod-10 check digit.
func ValidGTIN(d string) bool {
	switch len(d) {
	case 8, 12, 13, 14:
	default:
		return false
	}
	sum := 0
	for i := 0; i < len(d)-1; i++ {
		if d[i] < '0' || d[i] > '9' {
			return false
		}
		w := 1
		if (len(d)-1-i)%2 == 1 {
			w = 3
		}
		sum += int(d[i]-'0') * w
	}
	return int(d[len(d)-1]-'0') == (10-sum%10)%10 && strings.Trim(d, "0") != ""
}

// udiDI finds the GS1 device identifier of a UDI: (01) and 14 digits.
var udiDI = lazyRegexp(`^\(01\)(\d{14})`)

func checkUDI(c *CheckContext) bool {
	m := udiDI().FindStringSubmatch(c.Value)
	if m == nil || !ValidGTIN(m[1]) {
		return false
	}
	c.Reasons = append(c.Reasons, "GS1 UDI device identifier with a valid check digit")
	return true
}

// dlShapes are the driver's licence number formats US states publish
// (AAMVA DL/ID card design standard, state DMV pages), by shape: one or
// two letters and 4–14 digits (CA A1234567, FL A123-456-78-901-0, IL, WI,
// MI, MN, MD, NJ, OH, VA…), or 5–13 digits (TX, NY, PA, GA, NC…), or
// Washington's 12-character legacy form.
var dlShapes = lazyRegexp(`^(?:[A-Z]{1,2}\d{4,14}|\d{5,13}|[A-Z]\d{8}[A-Z]?|WDL[A-Z0-9]{9}|[A-Z*]{5}[A-Z0-9*]{7})$`)

// dropSeparators removes the dashes and spaces identifiers are written
// with. Built once: a Replacer builds its tables on first use, and doing
// that per candidate made the licence check the costliest part of
// --phi-mode on generated tables (Go's ssa/opGen.go).
var dropSeparators = strings.NewReplacer("-", "", " ", "")

func checkDriversLicense(c *CheckContext) bool {
	v := dropSeparators.Replace(strings.ToUpper(c.Value))
	d := digitsOf(v)
	if !dlShapes().MatchString(v) || d == "" || strings.Count(d, d[:1]) == len(d) || ascending(d) {
		return false
	}
	c.Reasons = append(c.Reasons, "a state driver's licence number shape")
	return true
}

// passportShapes: US passport books are 9 digits, cards and next
// generation books a letter and 8 digits; ICAO 9303 allows up to 9
// alphanumerics, which most issuers fill as one or two letters and 6–8
// digits.
var passportShapes = lazyRegexp(`^(?:\d{9}|[A-Z]\d{8}|[A-Z]{1,2}\d{6,8})$`)

func checkPassport(c *CheckContext) bool {
	d := digitsOf(c.Value)
	if !passportShapes().MatchString(c.Value) || strings.Count(d, d[:1]) == len(d) || ascending(d) {
		return false
	}
	c.Reasons = append(c.Reasons, "a passport number shape (ICAO 9303)")
	return true
}

// checkPastDate accepts a real calendar date that is not in the future,
// as a birth date check does (dates of death, of the patient's record).
func checkPastDate(c *CheckContext) bool { return checkBirthDate(c) }
