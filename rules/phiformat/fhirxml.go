package phiformat

import (
	"bytes"
	"encoding/xml"
	"strings"
)

// readFHIRXML reads FHIR's XML form: primitive values sit in value=""
// attributes, so a field is the value attribute of an element whose path
// inside a Patient (RelatedPerson, Person, Coverage, Encounter) says what
// it is. The JSON reader's element meanings apply unchanged.
func readFHIRXML(data []byte) ([]Field, []Span) {
	var fs fields
	var quiet []Span
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	var stack []string
	res, resDepth, resStart := "", -1, 0
	var telSystem, idSystem string
	var idCodes []string
	prev := 0
	for {
		tok, err := dec.RawToken()
		if err != nil {
			break
		}
		off := int(dec.InputOffset())
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, t.Name.Local)
			if len(stack) > maxDepth {
				return fs, quiet
			}
			name := t.Name.Local
			if resDepth < 0 && (persons[name] || name == "Coverage" || name == "Encounter" || directory[name]) {
				res, resDepth, resStart = name, len(stack), prev
				prev = off
				continue
			}
			if resDepth < 0 {
				break
			}
			path := strings.Join(stack[resDepth:], ".")
			switch path {
			case "telecom", "contact.telecom":
				telSystem = ""
			case "identifier":
				idSystem, idCodes = "", nil
			}
			vs, ve, v := xmlAttr(data, prev, off, t, "value")
			if ve <= vs {
				break
			}
			switch {
			case strings.HasSuffix(path, "telecom.system"):
				telSystem = v
			case path == "identifier.system":
				idSystem = v
			case path == "identifier.type.coding.code":
				idCodes = append(idCodes, v)
			}
			if typ, reason := fhirXMLPath(res, path, telSystem, idSystem, idCodes); typ != "" {
				fs.add(data, vs, ve, typ, reason)
			}
		case xml.EndElement:
			if len(stack) > 0 {
				if len(stack) == resDepth {
					if directory[res] {
						quiet = append(quiet, Span{resStart, off})
					}
					res, resDepth = "", -1
				}
				stack = stack[:len(stack)-1]
			}
		}
		prev = off
	}
	return fs, quiet
}

// fhirXMLPath gives the meaning of a value at path (element names below
// the resource, joined by dots).
func fhirXMLPath(res, path, telSystem, idSystem string, idCodes []string) (Type, string) {
	r := "FHIR " + res + "." + strings.TrimSuffix(path, ".value")
	switch res {
	case "Encounter":
		if path == "period.start" || path == "period.end" {
			return Date, r
		}
		return "", ""
	case "Coverage":
		if path == "subscriberId" || path == "identifier.value" {
			return Member, r
		}
		return "", ""
	}
	if !persons[res] {
		return "", ""
	}
	p := strings.TrimPrefix(path, "contact.")
	switch p {
	case "name.family", "name.given":
		return Name, r
	case "address.line":
		return Street, r
	case "address.city":
		return City, r
	case "address.district":
		return County, r
	case "address.postalCode":
		return ZIP, r
	case "birthDate":
		return DOB, r
	case "deceasedDateTime":
		return Death, r
	case "telecom.value":
		switch telSystem {
		case "email":
			return Email, r + "[email]"
		case "fax":
			return Fax, r + "[fax]"
		case "url":
			return URL, r + "[url]"
		case "", "phone", "sms", "pager", "other":
			return Phone, r + "[phone]"
		}
	case "identifier.value":
		if path != p {
			return "", ""
		}
		id := &node{kind: 'o', keys: []string{"system", "type"}, vals: []*node{{kind: 's', str: idSystem}, codingNode(idCodes)}}
		t, tag := identifierType(id)
		return t, "FHIR " + res + ".identifier[" + tag + "]"
	}
	return "", ""
}

func codingNode(codes []string) *node {
	coding := &node{kind: 'a'}
	for _, c := range codes {
		coding.items = append(coding.items, &node{kind: 'o', keys: []string{"code"}, vals: []*node{{kind: 's', str: c}}})
	}
	return &node{kind: 'o', keys: []string{"coding"}, vals: []*node{coding}}
}

// xmlAttr finds attribute name of start element t in its raw bytes
// data[s:e] and returns the span of its value.
func xmlAttr(data []byte, s, e int, t xml.StartElement, name string) (int, int, string) {
	for _, a := range t.Attr {
		if a.Name.Local != name {
			continue
		}
		raw := data[s:e]
		for _, q := range []byte{'"', '\''} {
			pat := append([]byte(" "+name+"="), q)
			if i := bytes.Index(raw, pat); i >= 0 {
				vs := s + i + len(pat)
				if j := bytes.IndexByte(data[vs:e], q); j >= 0 {
					return vs, vs + j, a.Value
				}
			}
		}
	}
	return 0, 0, ""
}
