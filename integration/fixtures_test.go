package integration

import (
	"strings"
	"testing"

	"github.com/pretense/pretense/rules"
)

// TestFixtureGenerators checks the PHI generators against the validators
// the rules use, so a fixture that fails to trigger a rule points at the
// rule, not at the fixture.
func TestFixtureGenerators(t *testing.T) {
	g := rng(t)
	for range 2000 {
		s := ssn(g)
		if ok, why := rules.SSNStatus(strings.ReplaceAll(s, "-", "")); !ok {
			t.Fatalf("generated SSN %s is invalid: %s", s, why)
		}
		n := npi(g)
		if !rules.ValidNPI(n) {
			t.Fatalf("generated NPI %s fails the NPI check", n)
		}
	}
	if tok := githubToken(t, g); len(tok) != 40 || !strings.HasPrefix(tok, "ghp_") {
		t.Fatalf("token %q is not ghp_ + 36 characters", tok)
	}
}
