// Package luhn is the Luhn (mod 10) check digit, ISO/IEC 7812-1 Annex B:
// payment card numbers, the NPI (with its 80840 prefix), IMEIs and other
// identifiers carry it. One implementation for the validators and the test
// generators alike; its own tests pin it to published vectors, so the
// generators agreeing with the validators proves nothing circular.
package luhn

// Sum is the Luhn sum of digits (ASCII '0'–'9'), doubling every second
// digit from the right starting with the rightmost, as for a payload
// whose check digit is still to be appended. It reports false when digits
// holds anything but ASCII digits.
func Sum(digits string) (int, bool) {
	sum, double := 0, true
	for i := len(digits) - 1; i >= 0; i-- {
		c := digits[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n := int(c - '0')
		if double {
			if n *= 2; n > 9 {
				n -= 9
			}
		}
		sum += n
		double = !double
	}
	return sum, true
}

// CheckDigit returns the digit that makes payload+digit pass Valid.
func CheckDigit(payload string) (byte, bool) {
	sum, ok := Sum(payload)
	if !ok {
		return 0, false
	}
	return byte('0' + (10-sum%10)%10), true
}

// Valid reports whether number (ASCII digits, check digit last) passes the
// Luhn check. An empty string or any non-digit is invalid.
func Valid(number string) bool {
	if len(number) < 2 {
		return false
	}
	want, ok := CheckDigit(number[:len(number)-1])
	return ok && number[len(number)-1] == want
}
