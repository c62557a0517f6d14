package phigen_test

import (
	"testing"

	"github.com/pretense/pretense/internal/luhn"
	"github.com/pretense/pretense/internal/testgen/phigen"
)

// TestNPICheckDigit pins the generator to CMS's worked example
// (123456789 → 1234567893) and checks every generated NPI, and every
// BadNPI, against the Luhn rule over the 80840 prefix.
func TestNPICheckDigit(t *testing.T) {
	if got := phigen.NPICheckDigit("123456789"); got != '3' {
		t.Fatalf("NPICheckDigit(123456789) = %c, want 3", got)
	}
	g := phigen.New(7)
	for range 1000 {
		if n := g.NPI(); len(n) != 10 || !luhn.Valid("80840"+n) {
			t.Fatalf("NPI %s fails the check digit", n)
		}
		if n := g.BadNPI(); luhn.Valid("80840" + n) {
			t.Fatalf("BadNPI %s passes the check digit", n)
		}
	}
}
