package rules

import (
	_ "embed"
	"strings"
	"sync"
)

//go:embed phi_codewords.txt
var codeWordList string

// codeWords are the words HL7 v2 element names and FHIR resource types are
// made of (see phi_codewords.txt). A name candidate with one of them is a
// type or element name in healthcare code, never a patient's name. Built on
// first use: only PHI name checks ask, and the map is ~130 KB that every
// other start would pay for.
var codeWords = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(codeWordList, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			m[l] = true
		}
	}
	return m
})
