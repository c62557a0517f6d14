package rules

import (
	"math/rand/v2"
	"testing"

	"github.com/pretense/pretense/finding"
)

// phiSet compiles only the built-in PHI rules, so these tests do not depend
// on the secret rule set.
func phiSet(t testing.TB, mode Mode) *Ruleset {
	t.Helper()
	var defs []Rule
	for _, r := range Builtin() {
		if r.Kind == finding.KindPHI {
			defs = append(defs, r)
		}
	}
	rs, err := Compile(defs, Options{PHIMode: mode})
	if err != nil {
		t.Fatalf("compile PHI rules: %v", err)
	}
	return rs
}

// TestPHISamples checks every PHI rule's own samples in both modes: strict
// may add findings without context, but never for a sample meant to be
// rejected.
func TestPHISamples(t *testing.T) {
	for _, mode := range []Mode{ModeStandard, ModeStrict} {
		rs := phiSet(t, mode)
		for _, r := range rs.Rules() {
			t.Run(string(mode)+"/"+r.ID, func(t *testing.T) {
				if len(r.Samples.TP) == 0 {
					t.Fatal("rule has no true-positive samples")
				}
				for seed := range uint64(5) {
					rng := rand.New(rand.NewPCG(seed, 7))
					for _, tmpl := range r.Samples.TP {
						if s := mustExpand(t, tmpl, rng); !found(rs, s, r.ID) {
							t.Errorf("true positive not found: %q", s)
						}
					}
					for _, tmpl := range r.Samples.FP {
						if s := mustExpand(t, tmpl, rng); found(rs, s, r.ID) {
							t.Errorf("false positive reported: %q %+v", s, rs.Scan([]byte(s)))
						}
					}
				}
			})
		}
	}
}
