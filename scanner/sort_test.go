package scanner

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/pretense/pretense/finding"
)

// TestSortFindingsTotal: findings that tie on path, commit, line, column
// and rule (what the workers of a -j 2 scan hand over in any order) sort
// to one order from every starting order.
func TestSortFindingsTotal(t *testing.T) {
	base := finding.Finding{RuleID: "generic-api-key", Path: "a.txt", Line: 3, Column: 5}
	var fs []finding.Finding
	for _, vary := range []func(*finding.Finding){
		func(f *finding.Finding) {},
		func(f *finding.Finding) { f.EndColumn = 9 },
		func(f *finding.Finding) { f.EndLine = 4 },
		func(f *finding.Finding) { f.Decoded = "base64" },
		func(f *finding.Finding) { f.Fingerprint = "fp2" },
		func(f *finding.Finding) { f.Redacted = "****[REDACTED]" },
		func(f *finding.Finding) { f.Entity = "name" },
		func(f *finding.Finding) { f.Confidence = 0.5 },
		func(f *finding.Finding) { f.Secret = "s" },
		func(f *finding.Finding) { f.Reasons = []string{"label 'patient'"} },
		func(f *finding.Finding) { f.Reasons = []string{"near 'patient'"} },
	} {
		f := base
		vary(&f)
		fs = append(fs, f)
	}
	want := slices.Clone(fs)
	SortFindings(want)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		got := slices.Clone(fs)
		r.Shuffle(len(got), func(i, j int) { got[i], got[j] = got[j], got[i] })
		SortFindings(got)
		for k := range got {
			if !equalFinding(got[k], want[k]) {
				t.Fatalf("shuffle %d: position %d is %+v, want %+v", i, k, got[k], want[k])
			}
		}
	}
}

func equalFinding(a, b finding.Finding) bool {
	return slices.Equal(a.Reasons, b.Reasons) && slices.Equal(a.Tags, b.Tags) &&
		a.EndLine == b.EndLine && a.EndColumn == b.EndColumn && a.Decoded == b.Decoded &&
		a.Fingerprint == b.Fingerprint && a.Redacted == b.Redacted && a.Entity == b.Entity &&
		a.Confidence == b.Confidence && a.Secret == b.Secret
}
