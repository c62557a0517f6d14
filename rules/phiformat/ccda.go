package phiformat

import (
	"bytes"
	"encoding/xml"
	"strings"
)

// ssnOID is the assigning-authority OID of US Social Security numbers.
const ssnOID = "2.16.840.1.113883.4.1"

// readCCDA reads the patient of a C-CDA document: everything under
// recordTarget/patientRole (ids, addresses, telecoms, names, birth and
// death times, guardian and birthplace). Authors, performers and
// custodians are providers, not the patient.
func readCCDA(data []byte) []Field {
	var fs fields
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	dec.AutoClose = xml.HTMLAutoClose
	dec.Entity = xml.HTMLEntity
	var stack []string
	inside := -1 // depth of the patientRole element, -1 outside
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
			n := len(stack)
			if t.Name.Local == "patientRole" && inside < 0 {
				inside = n
			}
			if inside > 0 {
				ccdaAttrs(data, prev, off, t, stack[inside-1:], &fs)
			}
			if len(stack) > maxDepth {
				return fs
			}
		case xml.EndElement:
			if len(stack) > 0 {
				if len(stack) == inside {
					inside = -1
				}
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			if inside > 0 && len(stack) > 0 {
				el := stack[len(stack)-1]
				reason := "C-CDA recordTarget/" + strings.Join(stack[inside-1:], "/")
				switch el {
				case "given", "family":
					fs.add(data, prev, off, Name, reason)
				case "streetAddressLine":
					fs.add(data, prev, off, Street, reason)
				case "city":
					fs.add(data, prev, off, City, reason)
				case "county":
					fs.add(data, prev, off, County, reason)
				case "postalCode":
					fs.add(data, prev, off, ZIP, reason)
				}
			}
		}
		prev = off
	}
	return fs
}

func ccdaAttrs(data []byte, s, e int, t xml.StartElement, path []string, fs *fields) {
	reason := "C-CDA recordTarget/" + strings.Join(path, "/")
	attr := func(name string) (int, int, string) {
		for _, a := range t.Attr {
			if a.Name.Local == name {
				raw := data[s:e]
				for _, q := range []string{`"`, `'`} {
					if i := bytes.Index(raw, []byte(name+"="+q)); i >= 0 {
						vs := s + i + len(name) + 2
						if j := bytes.IndexByte(data[vs:e], q[0]); j >= 0 {
							return vs, vs + j, a.Value
						}
					}
				}
			}
		}
		return 0, 0, ""
	}
	switch t.Name.Local {
	case "id":
		if len(path) != 2 {
			return // ids of the patient role itself, not of nested acts
		}
		vs, ve, _ := attr("extension")
		if ve > vs {
			_, _, root := attr("root")
			typ := MRN
			if root == ssnOID {
				typ = SSN
			}
			fs.addID(data, vs, ve, typ, reason+"[@root="+root+"]")
		}
	case "telecom":
		vs, ve, v := attr("value")
		for _, p := range []struct {
			scheme string
			t      Type
		}{{"tel:", Phone}, {"fax:", Fax}, {"mailto:", Email}, {"http", URL}} {
			if strings.HasPrefix(v, p.scheme) {
				if p.t != URL {
					vs += len(p.scheme)
				}
				fs.add(data, vs, ve, p.t, reason)
			}
		}
	case "birthTime":
		if vs, ve, _ := attr("value"); ve > vs {
			fs.add(data, vs, ve, DOB, reason)
		}
	case "deceasedTime":
		if vs, ve, _ := attr("value"); ve > vs {
			fs.add(data, vs, ve, Death, reason)
		}
	}
}
