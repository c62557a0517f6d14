package mutate

import (
	"strings"
	"testing"
)

// The PHI gate may only say no where isPHI says no: a name it turns away
// would never be checked, and so never be mutated.

func TestPHIGate(t *testing.T) {
	s := newSets()
	if s.gate.open {
		t.Fatal("gate open: a PHI key is shorter than three bytes")
	}
	// Every key, alone, in camelCase, snake_case, SCREAMING_CASE,
	// plural and inside a concatenation: wherever isPHI says yes, the
	// gate must too.
	var keys []string
	for w := range s.phi {
		keys = append(keys, w)
	}
	for _, b := range append(s.stems, s.infixes...) {
		keys = append(keys, string(b))
	}
	for _, p := range phiPairs {
		keys = append(keys, p[0]+"_"+p[1], p[0]+title(p[1]), strings.ToUpper(p[0]+"_"+p[1]))
	}
	checked := 0
	for _, k := range keys {
		for _, name := range []string{
			k, k + "s", k + "es", title(k), strings.ToUpper(k), "get" + title(k) + "Id",
			"x_" + k + "_y", "the" + k + "list", "X" + strings.ToUpper(k) + "s2",
		} {
			if s.isPHI(name, &scratch{}) {
				checked++
				if !s.gate.mayBePHI(name) {
					t.Errorf("%q is PHI, the gate says no", name)
				}
			}
		}
	}
	if checked < 100 {
		t.Fatalf("only %d PHI names checked", checked)
	}
	// And it does turn names away.
	for _, tc := range []struct {
		name string
		may  bool
	}{
		{"total123", false},
		{"items", false},
		{"Input7", false}, // "inp" starts inpatient, "input" is not it
		{"Output", false},
		{"reduce", false},
		{"ab", false},
		{"getPatientRecord", true},
		{"PATIENT", true},
		{"ideas", true}, // "dea" is a key: isPHI decides (no)
	} {
		if got := s.gate.mayBePHI(tc.name); got != tc.may {
			t.Errorf("mayBePHI(%q) = %t, want %t", tc.name, got, tc.may)
		}
	}
}

func title(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// FuzzPHIGate: for any name, isPHI implies mayBePHI.
func FuzzPHIGate(f *testing.F) {
	for _, s := range append(fuzzSeeds, "getPatientRecord", "dateOfBirth", "date_birth", "MedicalRecord",
		"healthPlans", "SOCIAL_SECURITY", "icd10Code", "ICD9", "xXmRn", "Prescribed", "\xffpatient") {
		f.Add(s)
	}
	s := newSets()
	f.Fuzz(func(t *testing.T, name string) {
		if s.isPHI(name, &scratch{}) && !s.gate.mayBePHI(name) {
			t.Fatalf("%q is PHI, the gate says no", name)
		}
	})
}
