package rules

// The patient-name check: which capitalised words after a name label are a
// person's name and which are code, types or UI words (checkPersonName and
// its word lists). The identifier validators are in phi_checks.go.

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// nameLead are words a name match may start with that are labels or
// titles, not the name: they are trimmed off the value.
var nameLead = map[string]bool{
	"patient": true, "pt": true, "name": true, "mr": true, "mrs": true, "ms": true,
	"miss": true, "mx": true, "the": true, "patients": true, "guarantor": true,
	"subscriber": true, "member": true, "given": true, "family": true, "first": true,
	"last": true, "full": true, "legal": true, "preferred": true, "mother": true,
	"father": true, "spouse": true, "contact": true, "emergency": true, "surname": true,
}

// notNames are capitalised words that follow patient labels in code and
// clinical text without being a name: types, UI labels, record parts.
var notNames = map[string]bool{
	"string": true, "str": true, "text": true, "date": true, "datetime": true, "int": true,
	"integer": true, "number": true, "boolean": true, "bool": true, "null": true,
	"none": true, "nil": true, "undefined": true, "optional": true, "required": true,
	"varchar": true, "char": true, "object": true, "array": true, "list": true, "map": true,
	"record": true, "records": true, "portal": true, "summary": true, "information": true,
	"info": true, "details": true, "detail": true, "data": true, "status": true,
	"type": true, "id": true, "report": true, "reports": true, "notes": true, "note": true,
	"admin": true, "care": true, "health": true, "medical": true, "center": true,
	"hospital": true, "clinic": true, "unknown": true, "anonymous": true, "test": true,
	"sample": true, "demo": true, "education": true, "history": true, "chart": true,
	"search": true, "profile": true, "service": true, "services": true, "model": true,
	"schema": true, "form": true, "view": true, "table": true, "class": true,
	"interface": true, "entity": true, "dto": true, "request": true, "response": true,
	"was": true, "is": true, "has": true, "and": true, "with": true, "of": true,
	"doe": true, "user": true, "admitted": true, "discharged": true, "seen": true,
	"denies": true, "presents": true, "states": true, "lookup": true,
	"first": true, "last": true, "full": true, "given": true, "family": true, "name": true,
	// Words that start sentences after a label in prose and comments.
	"they": true, "this": true, "that": true, "these": true, "those": true, "it": true,
	"he": true, "she": true, "we": true, "you": true, "an": true, "in": true, "on": true,
	"at": true, "for": true, "if": true, "when": true, "see": true, "use": true, "no": true,
	"yes": true, "not": true, "all": true, "any": true, "each": true, "every": true,
	"only": true, "new": true, "old": true, "get": true, "set": true, "edit": true,
	"add": true, "update": true, "delete": true, "create": true, "save": true, "cancel": true,
	// Clinical and identifier vocabulary that follows "Patient" in code.
	"mrn": true, "ssn": true, "dob": true, "npi": true, "dea": true, "mbi": true, "hicn": true,
	"diagnosis": true, "medication": true, "encounter": true, "allergy": true, "admission": true,
	"insurance": true, "provider": true, "prescriber": true, "visit": true, "lab": true,
	"results": true, "result": true, "intake": true, "consent": true, "billing": true, "claim": true,
	// FHIR resource and data type names, and the words HL7 v2 element
	// names are made of ("Guarantor Ph Num", "Patient Death Indicator"):
	// in healthcare code they follow patient labels as names would.
	"group": true, "practitioner": true, "resource": true, "observation": true, "promise": true,
	"procedure": true, "condition": true, "bundle": true, "reference": true, "identifier": true,
	"coding": true, "extension": true, "element": true, "organization": true, "location": true,
	"device": true, "specimen": true, "appointment": true, "coverage": true, "person": true,
	"relatedperson": true, "composition": true, "measure": true, "questionnaire": true, "definition": true,
	"requirement": true, "operation": true, "parameters": true, "period": true, "quantity": true,
	"address": true, "race": true, "sex": true, "gender": true, "relationship": true, "begin": true,
	"end": true, "priority": true, "code": true, "flag": true, "place": true, "income": true,
	"size": true, "ph": true, "num": true, "phone": true, "employer": true, "marital": true,
	"religion": true, "ethnic": true, "citizenship": true, "language": true, "nationality": true,
	"birth": true, "death": true, "administrative": true, "household": true, "credit": true,
	"charge": true, "adjustment": true, "rating": true, "annual": true, "contact": true,
	"role": true, "alias": true, "account": true, "indicator": true,
	"telecom": true, "communication": true, "link": true, "active": true,
	"deceased": true, "multiple": true, "photo": true, "general": true, "managing": true,
	"everything": true, "match": true, "compartment": true, "resources": true, "access": true,
}

// namePrefixes start family names written in camel case (McAllister,
// DeAndre, LaToya, VanDyke).
var namePrefixes = map[string]bool{
	"mc": true, "mac": true, "de": true, "da": true, "di": true, "du": true, "la": true,
	"le": true, "van": true, "von": true, "st": true, "fitz": true,
}

// checkPersonName trims leading labels and titles from a name match
// ("Patient Jane Roe" → "Jane Roe") and rejects matches that are types, (pretense:allow)
// UI words, sentence starters, code (a call or a field access) or the
// placeholder names John/Jane Doe.
func checkPersonName(c *CheckContext) bool {
	if c.Start > 0 && c.Data[c.Start-1] == '.' || c.End < len(c.Data) && c.Data[c.End] == '(' {
		return false
	}
	// The pattern is loose for speed; trim what it may take that is no
	// part of a name (trailing quotes, dashes, a sentence's period).
	v := strings.TrimRight(c.Value, "'-.")
	c.End = c.Start + len(v)
	// Every capitalised word near a label comes through here: the words
	// are lower-cased into buf and looked up without allocating.
	var buf [64]byte
	for {
		w, rest, ok := strings.Cut(v, " ")
		if !ok || !nameLead[string(lowerKey(buf[:0], strings.TrimSuffix(w, ".")))] {
			break
		}
		c.Start += len(w) + 1
		v = rest
	}
	if w := strings.TrimSuffix(v, "."); nameLead[string(lowerKey(buf[:0], w))] {
		return false
	}
	// The words as strings.Fields has them, without the slice: every
	// candidate of the name rule comes through here.
	words := 0
	for range strings.FieldsSeq(v) {
		words++
	}
	for w := range strings.FieldsSeq(v) {
		lw := lowerKey(buf[:0], strings.TrimSuffix(w, "."))
		if notNames[string(lw)] || codeWords()[string(lw)] || len(lw) < 2 && words == 1 {
			return false
		}
		if len(w) >= 2 && acronym(w) {
			return false // an acronym (API, MRN), not a capitalised name
		}
		// A camelCase word is an identifier (PatientRecord, ToLower)
		// unless it is a Mc, Mac, De, La… family name.
		if camelIdentifier(w) {
			return false
		}
	}
	if words == 0 || typeList(c.Data, c.Start, c.Start+len(v)) || entryKey(c.Data, c.Start, c.Start+len(v)) {
		return false
	}
	c.Value = v
	c.End = c.Start + len(v)
	c.Reasons = append(c.Reasons, "capitalised name words, not a type or UI word")
	// Name search parameters match on parts of names (name=Wil finds
	// Willis): the value is what a client asks for, the way library code
	// and its docs show searches, not a record's value.
	return !fhirSearchCriterion(c.Data, c.Start) || strictOnly(c, "a FHIR search parameter (strict mode only)")
}

// entryKey reports a value [s,e) that is the key of an entry in a
// literal of key-value pairs, not a value: one word after a comma or an
// opening brace, then a colon and a literal value (a quote, a digit, a
// brace or bracket). `{RuleID: "phi-patient-name", Path: "a.txt"}` reads
// the first value's words as a name label for the next key; JSON's
// `"rule": "patient name", "Path": 1` the same with quoted keys. A name
// before a colon in prose (a family name, a comma, a given name, a colon and words) is followed
// by words and still reported.
func entryKey(data []byte, s, e int) bool {
	if bytes.IndexByte(data[s:e], ' ') >= 0 {
		return false
	}
	quote := byte(0)
	if s > 0 && (data[s-1] == '"' || data[s-1] == '\'') {
		quote = data[s-1]
		s--
	}
	b := s - 1
	for b >= 0 && (data[b] == ' ' || data[b] == '\t') {
		b--
	}
	if b < 0 || data[b] != ',' && data[b] != '{' {
		return false
	}
	if quote != 0 {
		if e >= len(data) || data[e] != quote {
			return false
		}
		e++
	}
	if e >= len(data) || data[e] != ':' {
		return false
	}
	for e++; e < len(data) && (data[e] == ' ' || data[e] == '\t'); e++ {
	}
	return e < len(data) && strings.IndexByte("\"'`{[0123456789", data[e]) >= 0
}

// typeList reports a value [s,e) that is one item of a comma-separated
// list of single words (at least three, each followed by a comma or the
// list's end) of which another item is a type or identifier word: API
// prose lists types ("Decimal, HumanName, Id, Instant, Integer"), a
// record lists names ("Roe, Jane, MRN …" stops at "MRN …").
func typeList(data []byte, s, e int) bool {
	if e >= len(data) || data[e] != ',' || bytes.IndexByte(data[s:e], ' ') >= 0 {
		return false
	}
	word := func(lo, hi int) bool {
		return lo < hi && asciiLetter(data[lo])
	}
	items, typed := 1, false
	var buf [64]byte
	note := func(lo, hi int) {
		items++
		w := string(data[lo:hi])
		lw := lowerKey(buf[:0], w)
		if notNames[string(lw)] || codeWords()[string(lw)] || camelIdentifier(w) || len(w) >= 2 && acronym(w) || strings.ContainsAny(w, "0123456789") {
			typed = true
		}
	}
	// items before: "Word, " back from s
	for p := s; p >= 2 && data[p-1] == ' ' && data[p-2] == ','; {
		hi := p - 2
		lo := hi
		for lo > 0 && labelByte(data[lo-1]) {
			lo--
		}
		if !word(lo, hi) {
			break
		}
		note(lo, hi)
		p = lo
	}
	// items after: ", Word," forward from e
	for p := e; p+2 < len(data) && data[p] == ',' && data[p+1] == ' '; {
		lo := p + 2
		hi := lo
		for hi < len(data) && labelByte(data[hi]) {
			hi++
		}
		if !word(lo, hi) || hi < len(data) && data[hi] != ',' {
			break
		}
		note(lo, hi)
		p = hi
	}
	return items >= 3 && typed
}

// fhirSearchCriterion reports a value that is a parameter of a FHIR search
// URL: `Patient?name=Willis`, `Patient?address=Boston&given:exact=Willis`,
// `Patient?name=Willis,Wayne` (the query is read back to its `?`, which
// must follow a capitalised resource type).
func fhirSearchCriterion(data []byte, s int) bool {
	if s == 0 || data[s-1] != '=' && data[s-1] != ',' {
		return false
	}
	for p := s - 2; p >= max(0, s-512); p-- {
		switch b := data[p]; {
		case b == '?':
			t := p
			for t > 0 && asciiLetter(data[t-1]) {
				t--
			}
			return p-t >= 2 && data[t] >= 'A' && data[t] <= 'Z'
		case b <= ' ' || b == '"' || b == '\'' || b == '`' || b == '<' || b == '>' || b == '(' || b == ')' || b == '{' || b == '}' || b == '[' || b == ']':
			return false
		}
	}
	return false
}

// lowerKey appends s lower-cased to dst: ASCII in place, anything else
// as strings.ToLower does.
func lowerKey(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return append(dst, strings.ToLower(s)...)
		}
	}
	return appendLower(dst, s)
}

// acronym reports strings.ToUpper(w) == w && strings.ToLower(w) != w: no
// lower-case letter and at least one upper-case one.
func acronym(w string) bool {
	upper := false
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case c >= utf8.RuneSelf:
			return strings.ToUpper(w) == w && strings.ToLower(w) != w
		case 'a' <= c && c <= 'z':
			return false // ToUpper changes it, whatever else w holds
		case 'A' <= c && c <= 'Z':
			upper = true
		}
	}
	return upper
}

// camelIdentifier reports a segment of w (split at - ' and .) that has
// several identifier parts and does not start with a family-name prefix
// (McDonald, DeLuca): PatientRecord, ToLower.
func camelIdentifier(w string) bool {
	for lo := 0; lo < len(w); {
		hi := lo
		for hi < len(w) && w[hi] != '-' && w[hi] != '\'' && w[hi] != '.' {
			hi++
		}
		if seg := w[lo:hi]; seg != "" {
			n, fs, fe := 0, 0, 0
			eachPart(seg, func(a, b int) {
				if n == 0 {
					fs, fe = a, b
				}
				n++
			})
			var buf [32]byte
			if n > 1 && !namePrefixes[string(appendLower(buf[:0], seg[fs:fe]))] {
				return true
			}
		}
		lo = hi + 1
	}
	return false
}
