package phiformat

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
)

// node is a JSON value with the byte span of its text (strings: the
// contents between the quotes).
type node struct {
	kind  byte // 's' string, 'n' number/bool/null, 'o' object, 'a' array
	s, e  int
	keys  []string
	vals  []*node
	str   string
	items []*node
}

func (n *node) get(k string) *node {
	if n == nil || n.kind != 'o' {
		return nil
	}
	for i, key := range n.keys {
		if key == k {
			return n.vals[i]
		}
	}
	return nil
}

func (n *node) text() string {
	if n == nil || n.kind != 's' {
		return ""
	}
	return n.str
}

// list treats a single value as a list of one (FHIR JSON arrays are
// sometimes written as scalars by hand-made fixtures).
func (n *node) list() []*node {
	switch {
	case n == nil:
		return nil
	case n.kind == 'a':
		return n.items
	}
	return []*node{n}
}

// maxDepth bounds nesting so hostile input cannot exhaust the stack.
const maxDepth = 200

func parseJSON(dec *json.Decoder, data []byte, depth int) (*node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	end := int(dec.InputOffset())
	switch t := tok.(type) {
	case json.Delim:
		if depth > maxDepth {
			return nil, io.ErrUnexpectedEOF
		}
		n := &node{s: end - 1}
		if t == '{' {
			n.kind = 'o'
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := parseJSON(dec, data, depth+1)
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, k)
				n.vals = append(n.vals, v)
			}
		} else {
			n.kind = 'a'
			for dec.More() {
				v, err := parseJSON(dec, data, depth+1)
				if err != nil {
					return nil, err
				}
				n.items = append(n.items, v)
			}
		}
		if _, err := dec.Token(); err != nil {
			return nil, err
		}
		n.e = int(dec.InputOffset())
		return n, nil
	case string:
		// The token ends after its closing quote; walk back to the opening
		// one (a quote preceded by an even run of backslashes).
		s := end - 2
		for s >= 0 {
			if data[s] == '"' {
				bs := 0
				for j := s - 1; j >= 0 && data[j] == '\\'; j-- {
					bs++
				}
				if bs%2 == 0 {
					break
				}
			}
			s--
		}
		return &node{kind: 's', s: s + 1, e: end - 1, str: t}, nil
	default:
		return &node{kind: 'n', s: end, e: end}, nil
	}
}

// readFHIRJSON reads a FHIR resource, Bundle or NDJSON bulk export.
func readFHIRJSON(data []byte) ([]Field, []Span) {
	var fs fields
	var quiet []Span
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	for {
		root, err := parseJSON(dec, data, 0)
		if err != nil {
			break
		}
		walkFHIR(data, root, &fs, &quiet, 0)
	}
	return fs, quiet
}

// persons are the resources whose demographics are an individual's.
var persons = map[string]bool{"Patient": true, "RelatedPerson": true, "Person": true}

// directory resources hold public provider and payer contact data.
var directory = map[string]bool{"Practitioner": true, "Organization": true, "Location": true, "PractitionerRole": true, "HealthcareService": true, "Endpoint": true, "InsurancePlan": true}

func walkFHIR(data []byte, n *node, fs *fields, quiet *[]Span, depth int) {
	if n == nil || depth > maxDepth {
		return
	}
	switch n.kind {
	case 'a':
		for _, it := range n.items {
			walkFHIR(data, it, fs, quiet, depth+1)
		}
		return
	case 'o':
	default:
		return
	}
	if rt := n.get("resourceType").text(); rt != "" {
		switch {
		case persons[rt]:
			readPerson(data, n, rt, fs)
		case rt == "Coverage":
			for _, id := range n.get("identifier").list() {
				add(data, fs, id.get("value"), Member, "FHIR Coverage.identifier")
			}
			add(data, fs, n.get("subscriberId"), Member, "FHIR Coverage.subscriberId")
		case rt == "Encounter":
			p := n.get("period")
			add(data, fs, p.get("start"), Date, "FHIR Encounter.period.start")
			add(data, fs, p.get("end"), Date, "FHIR Encounter.period.end")
		case directory[rt]:
			*quiet = append(*quiet, Span{n.s, n.e})
		}
	}
	for _, v := range n.vals {
		walkFHIR(data, v, fs, quiet, depth+1)
	}
}

func add(data []byte, fs *fields, n *node, t Type, reason string) {
	for _, v := range n.list() {
		if v.kind == 's' {
			fs.add(data, v.s, v.e, t, reason)
		}
	}
}

func readPerson(data []byte, r *node, rt string, fs *fields) {
	names(data, fs, r.get("name"), "FHIR "+rt+".name")
	telecom(data, fs, r.get("telecom"), "FHIR "+rt+".telecom")
	address(data, fs, r.get("address"), "FHIR "+rt+".address")
	add(data, fs, r.get("birthDate"), DOB, "FHIR "+rt+".birthDate")
	add(data, fs, r.get("deceasedDateTime"), Death, "FHIR "+rt+".deceasedDateTime")
	for _, id := range r.get("identifier").list() {
		t, tag := identifierType(id)
		add(data, fs, id.get("value"), t, "FHIR "+rt+".identifier["+tag+"]")
	}
	for _, ext := range r.get("extension").list() {
		url := ext.get("url").text()
		switch {
		case strings.HasSuffix(url, "patient-mothersMaidenName"):
			add(data, fs, ext.get("valueString"), Name, "FHIR "+rt+".extension[mothersMaidenName]")
		case strings.HasSuffix(url, "patient-birthPlace"):
			a := ext.get("valueAddress")
			add(data, fs, a.get("city"), City, "FHIR "+rt+".extension[birthPlace]")
			add(data, fs, a.get("line"), Street, "FHIR "+rt+".extension[birthPlace]")
		}
	}
	for _, c := range r.get("contact").list() {
		names(data, fs, c.get("name"), "FHIR "+rt+".contact.name")
		telecom(data, fs, c.get("telecom"), "FHIR "+rt+".contact.telecom")
		address(data, fs, c.get("address"), "FHIR "+rt+".contact.address")
	}
}

func names(data []byte, fs *fields, n *node, reason string) {
	for _, hn := range n.list() {
		add(data, fs, hn.get("family"), Name, reason+".family")
		add(data, fs, hn.get("given"), Name, reason+".given")
	}
}

func telecom(data []byte, fs *fields, n *node, reason string) {
	for _, t := range n.list() {
		sys := t.get("system").text()
		typ := Phone
		switch sys {
		case "email":
			typ = Email
		case "fax":
			typ = Fax
		case "url":
			typ = URL
		case "", "phone", "sms", "pager", "other":
		default:
			continue
		}
		if sys == "" {
			sys = "phone"
		}
		add(data, fs, t.get("value"), typ, reason+"["+sys+"]")
	}
}

func address(data []byte, fs *fields, n *node, reason string) {
	for _, a := range n.list() {
		add(data, fs, a.get("line"), Street, reason+".line")
		add(data, fs, a.get("city"), City, reason+".city")
		add(data, fs, a.get("district"), County, reason+".district")
		add(data, fs, a.get("postalCode"), ZIP, reason+".postalCode")
	}
}

// identifierType reads an identifier's meaning from its system URI or its
// type code (HL7 table 0203), the way a FHIR server would.
func identifierType(id *node) (Type, string) {
	sys := strings.ToLower(id.get("system").text())
	var codes []string
	for _, c := range id.get("type").get("coding").list() {
		codes = append(codes, c.get("code").text())
	}
	has := func(cs ...string) bool {
		for _, c := range codes {
			for _, x := range cs {
				if c == x {
					return true
				}
			}
		}
		return false
	}
	switch {
	case strings.HasSuffix(sys, "/sid/us-ssn") || strings.HasSuffix(sys, "2.16.840.1.113883.4.1") || has("SS", "SSN"):
		return SSN, "us-ssn"
	case has("DL") || strings.Contains(sys, "driver"):
		return DL, "DL"
	case has("PPN") || strings.Contains(sys, "passport"):
		return Passport, "PPN"
	case has("MB", "MA", "MC", "SN") || strings.Contains(sys, "member") || strings.HasSuffix(sys, "/sid/us-mbi"):
		return Member, "member"
	case has("MR", "MRN") || strings.Contains(sys, "mrn"):
		return MRN, "MR"
	case strings.HasSuffix(sys, "/sid/us-npi"):
		return "", "NPI" // a provider's number: not the patient's
	}
	return PatientID, "id"
}
