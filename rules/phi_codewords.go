package rules

import (
	_ "embed"
	"strings"
)

//go:embed phi_codewords.txt
var codeWordList string

// codeWords are the words HL7 v2 element names and FHIR resource types are
// made of (see phi_codewords.txt). A name candidate with one of them is a
// type or element name in healthcare code, never a patient's name.
var codeWords = func() map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(codeWordList, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			m[l] = true
		}
	}
	return m
}()
