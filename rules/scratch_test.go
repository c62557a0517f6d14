package rules

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// The windows pass reuses its per-rule slices between inputs (a pool on
// the Ruleset). A scan must not see anything of the input before it: each
// sample scanned right after one input holding every sample gives what a
// never-used Ruleset gives.
func TestScanKeepsNoStateBetweenInputs(t *testing.T) {
	opts := Options{PHIMode: ModeStrict}
	reused, err := Compile(Builtin(), opts)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 5))
	var inputs []string
	for _, r := range reused.Rules() {
		for _, tmpl := range append(r.Samples.TP, r.Samples.FP...) {
			inputs = append(inputs, mustExpand(t, tmpl, rng))
		}
	}
	everything := []byte(strings.Join(inputs, "\n"))
	// The large scan is the slow part: 15 samples spread over all rules
	// (4 under -race).
	spread := 15
	if raceEnabled {
		spread = 4
	}
	for i := 0; i < len(inputs); i += max(1, len(inputs)/spread) {
		in := []byte(inputs[i])
		fresh, err := Compile(Builtin(), opts) // its own, empty pool
		if err != nil {
			t.Fatal(err)
		}
		want := ids(fresh.Scan(in))
		reused.Scan(everything)
		if got := ids(reused.Scan(in)); !reflect.DeepEqual(got, want) {
			t.Errorf("after a large input, %q gives %v; a fresh ruleset gives %v", in, got, want)
		}
	}
}

func ids(ms []Match) []string {
	var out []string
	for _, m := range ms {
		out = append(out, fmt.Sprintf("%s@%d-%d", m.Rule.ID, m.Start, m.End))
	}
	return out
}
