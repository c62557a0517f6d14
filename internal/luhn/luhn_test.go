package luhn

import "testing"

// Vectors from published sources, not from this code: ISO/IEC 7812's
// worked example (79927398713), the card issuers' documented test numbers,
// and the NPI example of the CMS NPI check-digit guidance (1234567893,
// checked with the 80840 prefix).
func TestValid(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"79927398713", true},
		{"79927398710", false},
		{"4111111111111111", true},
		{"4111111111111112", false},
		{"5555555555554444", true},
		{"378282246310005", true},
		{"80840" + "1234567893", true},
		{"80840" + "1234567890", false},
		{"", false},
		{"0", false},
		{"00", true},
		{"7992739871x", false},
		{"７9927398713", false}, // a full-width digit is not a digit
	} {
		if got := Valid(c.in); got != c.want {
			t.Errorf("Valid(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestCheckDigit(t *testing.T) {
	for _, c := range []struct {
		payload string
		want    byte
	}{{"7992739871", '3'}, {"80840123456789", '3'}, {"411111111111111", '1'}, {"", '0'}} {
		got, ok := CheckDigit(c.payload)
		if !ok || got != c.want {
			t.Errorf("CheckDigit(%q) = %q, %v; want %q", c.payload, got, ok, c.want)
		}
	}
	if _, ok := CheckDigit("12a"); ok {
		t.Error("CheckDigit accepted a letter")
	}
}

func FuzzValid(f *testing.F) {
	f.Add("79927398713")
	f.Add("80840123456789")
	f.Fuzz(func(t *testing.T, s string) {
		if Valid(s) {
			// Changing the check digit to any other digit must fail.
			for d := byte('0'); d <= '9'; d++ {
				if d != s[len(s)-1] && Valid(s[:len(s)-1]+string(d)) {
					t.Fatalf("%q and its variant with %c both valid", s, d)
				}
			}
		}
	})
}
