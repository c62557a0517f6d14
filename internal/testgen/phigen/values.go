// Package phigen generates synthetic PHI for tests and benchmarks: values
// that pass the same validators real identifiers pass (NPI and DEA check
// digits, issuable SSNs, MBI layout), decoys that must not be reported
// (failed checksums, never-issued SSNs, reserved fiction ranges, schema-only
// lines, timestamps, versions), and labelled corpora of fixture files in the
// languages healthcare code is written in.
//
// Nothing here is real: every value is drawn at random from a seeded
// generator, names are combined from common given and family names, and
// the validators are implemented independently of package rules so the two
// check each other; the one exception is the Luhn digit, which both take
// from internal/luhn, whose own tests pin it to published vectors.
package phigen

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/pretense/pretense/internal/luhn"
)

// Gen draws synthetic values from a seeded source; the same seed gives the
// same values. A Gen is not safe for concurrent use.
type Gen struct{ r *rand.Rand }

// New returns a generator seeded with seed.
func New(seed uint64) *Gen { return &Gen{r: rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))} }

func (g *Gen) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.r.IntN(10))
	}
	return string(b)
}

func (g *Gen) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }

// SSNDigits returns nine digits of an issuable SSN: area 001–899 except
// 666, group 01–99, serial 0001–9999, never a published sample.
func (g *Gen) SSNDigits() string {
	for {
		area := 1 + g.r.IntN(899)
		if area == 666 {
			continue
		}
		s := fmt.Sprintf("%03d%02d%04d", area, 1+g.r.IntN(99), 1+g.r.IntN(9999))
		if s == "078051120" || s == "219099999" || strings.Count(s, s[:1]) == 9 {
			continue
		}
		return s
	}
}

// SSN returns an issuable SSN formatted AAA-GG-SSSS.
func (g *Gen) SSN() string { return dashSSN(g.SSNDigits()) }

func dashSSN(d string) string { return d[:3] + "-" + d[3:5] + "-" + d[5:] }

// InvalidSSN returns an SSN-shaped value SSA never issues.
func (g *Gen) InvalidSSN() string {
	switch g.r.IntN(5) {
	case 0:
		return fmt.Sprintf("9%02d-%02d-%04d", g.r.IntN(100), 1+g.r.IntN(49), 1+g.r.IntN(9999)) // area 9xx outside the ITIN groups
	case 1:
		return fmt.Sprintf("000-%02d-%04d", 1+g.r.IntN(99), 1+g.r.IntN(9999))
	case 2:
		return fmt.Sprintf("666-%02d-%04d", 1+g.r.IntN(99), 1+g.r.IntN(9999))
	case 3:
		return fmt.Sprintf("%03d-00-%04d", 1+g.r.IntN(665), 1+g.r.IntN(9999))
	}
	return fmt.Sprintf("%03d-%02d-0000", 1+g.r.IntN(665), 1+g.r.IntN(99))
}

// ITIN returns a valid ITIN (9xx with an IRS group), formatted.
func (g *Gen) ITIN() string {
	groups := []int{50, 55, 60, 65, 70, 75, 80, 88, 90, 92, 94, 99}
	return fmt.Sprintf("9%02d-%02d-%04d", g.r.IntN(100), groups[g.r.IntN(len(groups))], g.r.IntN(10000))
}

// NPICheckDigit computes the NPI check digit of nine base digits by the
// CMS method: the Luhn check digit of the base behind the 80840 prefix
// (internal/luhn, pinned to published vectors, so generator and validator
// share one Luhn without either checking itself).
func NPICheckDigit(base string) byte {
	d, ok := luhn.CheckDigit("80840" + base)
	if !ok {
		panic("phigen: NPI base holds a non-digit: " + base)
	}
	return d
}

// NPI returns a valid NPI starting with 1 or 2.
func (g *Gen) NPI() string {
	for {
		base := string(byte('1'+g.r.IntN(2))) + g.digits(8)
		if strings.Count(base, base[:1]) == 9 {
			continue
		}
		return base + string(NPICheckDigit(base))
	}
}

// BadNPI returns an NPI-shaped number whose check digit is wrong.
func (g *Gen) BadNPI() string {
	n := g.NPI()
	return n[:9] + string(byte('0'+(int(n[9]-'0')+1+g.r.IntN(9))%10))
}

// DEACheckDigit computes the last digit of a DEA number from six digits.
func DEACheckDigit(six string) byte {
	v := func(i int) int { return int(six[i] - '0') }
	return byte('0' + (v(0)+v(2)+v(4)+2*(v(1)+v(3)+v(5)))%10)
}

// DEA returns a valid DEA registration number.
func (g *Gen) DEA() string {
	six := g.digits(6)
	first := g.pick([]string{"A", "B", "F", "G", "M", "P", "R"})
	second := string(byte('A' + g.r.IntN(26)))
	return first + second + six + string(DEACheckDigit(six))
}

// BadDEA returns a DEA-shaped value with a wrong check digit.
func (g *Gen) BadDEA() string {
	d := g.DEA()
	return d[:8] + string(byte('0'+(int(d[8]-'0')+1+g.r.IntN(9))%10))
}

const mbiLetters = "ACDEFGHJKMNPQRTUVWXY"

// MBI returns a Medicare Beneficiary Identifier in the CMS layout.
func (g *Gen) MBI() string {
	l := func() byte { return mbiLetters[g.r.IntN(len(mbiLetters))] }
	d := func() byte { return byte('0' + g.r.IntN(10)) }
	ld := func() byte {
		if g.r.IntN(2) == 0 {
			return l()
		}
		return d()
	}
	return string([]byte{byte('1' + g.r.IntN(9)), l(), ld(), d(), l(), ld(), d(), l(), l(), d(), d()})
}

// HICN returns a legacy CMS HICN: an issuable SSN and a BIC.
func (g *Gen) HICN() string {
	return g.SSNDigits() + g.pick([]string{"A", "B", "C1", "D", "E", "T", "M"})
}

// MRN returns a medical record number in one of the usual shapes.
func (g *Gen) MRN() string {
	switch g.r.IntN(4) {
	case 0:
		return string(byte('1'+g.r.IntN(9))) + g.digits(6)
	case 1:
		return "MR" + string(byte('1'+g.r.IntN(9))) + g.digits(7)
	case 2:
		return string(byte('1'+g.r.IntN(9))) + g.digits(2) + "-" + g.digits(3) + "-" + g.digits(3)
	}
	return "E" + string(byte('1'+g.r.IntN(9))) + g.digits(8)
}

// MemberID returns an insurance member or subscriber ID.
func (g *Gen) MemberID() string {
	switch g.r.IntN(3) {
	case 0:
		return g.pick([]string{"XK", "W", "ZGP", "YAB", "HMO"}) + string(byte('1'+g.r.IntN(9))) + g.digits(8)
	case 1:
		return string(byte('1'+g.r.IntN(9))) + g.digits(10)
	}
	return string(byte('1'+g.r.IntN(9))) + g.digits(8) + "0" + string(byte('1'+g.r.IntN(9)))
}

// Account returns a patient or billing account number.
func (g *Gen) Account() string {
	if g.r.IntN(2) == 0 {
		return string(byte('1'+g.r.IntN(9))) + g.digits(9)
	}
	return string(byte('1'+g.r.IntN(9))) + g.digits(3) + "-" + g.digits(6)
}

var months = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

// DOB is a birth date and its renderings.
type DOB struct{ Y, M, D int }

// DOB returns a birth date between 1931 and 2019.
func (g *Gen) DOB() DOB { return DOB{1931 + g.r.IntN(89), 1 + g.r.IntN(12), 1 + g.r.IntN(28)} }

func (d DOB) ISO() string     { return fmt.Sprintf("%04d-%02d-%02d", d.Y, d.M, d.D) }
func (d DOB) US() string      { return fmt.Sprintf("%02d/%02d/%04d", d.M, d.D, d.Y) }
func (d DOB) Long() string    { return fmt.Sprintf("%s %d, %04d", months[d.M-1], d.D, d.Y) }
func (d DOB) Compact() string { return fmt.Sprintf("%04d%02d%02d", d.Y, d.M, d.D) }

var givenNames = []string{"Maria", "James", "Aisha", "Wei", "Olga", "Luis", "Priya", "Tomasz", "Fatima", "Kenji",
	"Grace", "Diego", "Amara", "Noah", "Ingrid", "Samuel", "Leila", "Mateo", "Hana", "Oscar", "Yusuf", "Elena",
	"Ravi", "Chloe", "Andre", "Nadia", "Felix", "Rosa", "Emeka", "Sofia"}
var familyNames = []string{"Gonzalez", "Okafor", "Nguyen", "Kowalski", "Haddad", "Petrov", "Fernandes", "Tanaka",
	"O'Brien", "McAllister", "Smith-Jones", "Lindqvist", "Abernathy", "Castellanos", "Delacroix", "Mbeki",
	"Novak", "Quintero", "Rasmussen", "Sato", "Valdez", "Whitaker", "Yilmaz", "Zielinski", "Barros", "Kaur"}

// Name returns a given and a family name.
func (g *Gen) Name() (given, family string) { return g.pick(givenNames), g.pick(familyNames) }

// Phone returns a NANP number outside the 555-01xx fiction range.
func (g *Gen) Phone() string {
	area := fmt.Sprintf("%d%02d", 2+g.r.IntN(8), 20+g.r.IntN(80))
	exch := fmt.Sprintf("%d%02d", 2+g.r.IntN(8), g.r.IntN(100))
	if exch == "555" {
		exch = "556"
	}
	line := g.digits(4)
	switch g.r.IntN(3) {
	case 0:
		return "(" + area + ") " + exch + "-" + line
	case 1:
		return area + "-" + exch + "-" + line
	}
	return area + "." + exch + "." + line
}

// FictionPhone returns a number in 555-0100…0199, reserved for fiction.
func (g *Gen) FictionPhone() string {
	return fmt.Sprintf("(%d%02d) 555-01%02d", 2+g.r.IntN(8), 20+g.r.IntN(80), g.r.IntN(100))
}

// Email returns an address at a real-looking domain.
func (g *Gen) Email(given, family string) string {
	local := strings.ToLower(given) + "." + strings.ToLower(strings.NewReplacer("'", "", "-", "").Replace(family)) + g.digits(2)
	return local + "@" + g.pick([]string{"gmail.com", "yahoo.com", "outlook.com", "fastmail.net", "proton.me"})
}

// ExampleEmail returns an address at an RFC 2606 reserved domain.
func (g *Gen) ExampleEmail() string {
	return "user" + g.digits(3) + "@" + g.pick([]string{"example.com", "example.org", "mail.test"})
}

var streets = []string{"Oak", "Maple", "Cedar", "Lakeview", "Hillcrest", "Sunset", "Willow", "Franklin", "Juniper"}
var suffixes = []string{"Street", "Avenue", "Road", "Lane", "Drive", "Court", "Boulevard"}

// Street returns a street address line.
func (g *Gen) Street() string {
	return fmt.Sprintf("%d %s %s", 10+g.r.IntN(9000), g.pick(streets), g.pick(suffixes))
}

// ZIP returns a five-digit ZIP code that is not one repeated digit (the
// rules read 88888 as a placeholder).
func (g *Gen) ZIP() string {
	for {
		z := fmt.Sprintf("%d%04d", 1+g.r.IntN(9), g.r.IntN(10000))
		if strings.Count(z, z[:1]) != len(z) {
			return z
		}
	}
}

// IP returns a public IPv4 address outside the documentation blocks.
func (g *Gen) IP() string {
	return fmt.Sprintf("%d.%d.%d.%d", g.pick2([]int{24, 45, 67, 81, 98, 104, 142, 173}), g.r.IntN(256), g.r.IntN(256), 1+g.r.IntN(254))
}

func (g *Gen) pick2(xs []int) int { return xs[g.r.IntN(len(xs))] }

// DocIP returns an address in an RFC 5737 documentation block.
func (g *Gen) DocIP() string {
	return fmt.Sprintf("%s.%d", g.pick([]string{"192.0.2", "198.51.100", "203.0.113"}), 1+g.r.IntN(254))
}

// Timestamp returns a Unix time in seconds (ten digits, starting 1).
func (g *Gen) Timestamp() string { return fmt.Sprintf("1%09d", 600000000+g.r.IntN(200000000)) }

// ISOTime returns an RFC 3339 timestamp in the 2020s.
func (g *Gen) ISOTime() string {
	return fmt.Sprintf("20%02d-%02d-%02dT%02d:%02d:%02dZ", 20+g.r.IntN(6), 1+g.r.IntN(12), 1+g.r.IntN(28), g.r.IntN(24), g.r.IntN(60), g.r.IntN(60))
}

// VisitDate returns a recent date that is not a birth date.
func (g *Gen) VisitDate() DOB { return DOB{2020 + g.r.IntN(6), 1 + g.r.IntN(12), 1 + g.r.IntN(28)} }

// Order returns an order or invoice number.
func (g *Gen) Order() string { return string(byte('1'+g.r.IntN(9))) + g.digits(8) }

// Version returns a dotted version string.
func (g *Gen) Version() string {
	return fmt.Sprintf("%d.%d.%d.%d", 1+g.r.IntN(9), g.r.IntN(20), g.r.IntN(50), g.r.IntN(300))
}
