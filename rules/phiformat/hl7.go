package phiformat

import (
	"bytes"
	"strconv"
)

// HL7 v2 field meanings (v2.5.1 chapter 3 and 6), by segment and field
// number. Data types say how to read the field: XPN names, XAD addresses,
// XTN phones, CX identifiers, TS dates.
type hl7Kind int

const (
	hl7ID    hl7Kind = iota // first component is the identifier
	hl7CX                   // identifier, typed by component 5 (PID-3)
	hl7Name                 // XPN: family, given, middle
	hl7Addr                 // XAD: street, other, city, state, zip, country, type, other geo, county
	hl7Phone                // XTN: number, use, equipment, email, country, area, local
	hl7Date                 // TS / DTM
	hl7Whole                // the whole field (ST: SSN, DL number)
)

type hl7Field struct {
	kind hl7Kind
	typ  Type // for hl7ID, hl7Date, hl7Whole
}

var hl7Fields = map[string]map[int]hl7Field{
	"PID": {
		2: {hl7ID, MRN}, 3: {hl7CX, MRN}, 4: {hl7ID, MRN},
		5: {hl7Name, Name}, 6: {hl7Name, Name}, 7: {hl7Date, DOB}, 9: {hl7Name, Name},
		11: {hl7Addr, Street}, 13: {hl7Phone, Phone}, 14: {hl7Phone, Phone},
		18: {hl7ID, Account}, 19: {hl7Whole, SSN}, 20: {hl7ID, DL}, 21: {hl7CX, PatientID},
		29: {hl7Date, Death},
	},
	"NK1": {2: {hl7Name, Name}, 4: {hl7Addr, Street}, 5: {hl7Phone, Phone}, 6: {hl7Phone, Phone},
		16: {hl7Date, DOB}, 30: {hl7Name, Name}, 31: {hl7Phone, Phone}, 32: {hl7Addr, Street}, 33: {hl7CX, PatientID},
		37: {hl7Whole, SSN}},
	"GT1": {2: {hl7CX, PatientID}, 3: {hl7Name, Name}, 4: {hl7Name, Name}, 5: {hl7Addr, Street},
		6: {hl7Phone, Phone}, 7: {hl7Phone, Phone}, 8: {hl7Date, DOB}, 12: {hl7Whole, SSN}},
	"IN1": {16: {hl7Name, Name}, 18: {hl7Date, DOB}, 19: {hl7Addr, Street}, 36: {hl7ID, Member}, 49: {hl7CX, Member}},
	"IN2": {1: {hl7CX, PatientID}, 2: {hl7Whole, SSN}, 6: {hl7ID, Member}, 8: {hl7ID, Member}},
	"PV1": {19: {hl7CX, Account}, 44: {hl7Date, Date}, 45: {hl7Date, Date}},
	"MRG": {1: {hl7CX, MRN}, 2: {hl7CX, MRN}, 3: {hl7CX, Account}, 4: {hl7CX, MRN}, 7: {hl7Name, Name}},
}

// cxTypes reads PID-3's identifier type code (component 5, HL7 table 0203).
var cxTypes = map[string]Type{
	"SS": SSN, "SSN": SSN, "DL": DL, "PPN": Passport, "AN": Account, "AAN": Account,
	"MB": Member, "MA": Member, "MC": Member, "MI": Member, "SN": Member,
	"MR": MRN, "MRN": MRN, "PI": MRN, "PT": MRN, "PN": MRN,
}

type hl7Delims struct{ field, comp, rep, sub byte }

// readHL7 reads every message in data: segments end at CR, LF or CRLF;
// the delimiters come from each MSH (MSH-1, MSH-2), not assumed.
func readHL7(data []byte) []Field {
	var fs fields
	d := hl7Delims{'|', '^', '~', '&'}
	for pos := 0; pos < len(data); {
		end := pos
		for end < len(data) && data[end] != '\r' && data[end] != '\n' {
			end++
		}
		seg := data[pos:end]
		if len(seg) >= 8 && (bytes.HasPrefix(seg, []byte("MSH")) || bytes.HasPrefix(seg, []byte("FHS")) || bytes.HasPrefix(seg, []byte("BHS"))) {
			d = hl7Delims{seg[3], '^', '~', '&'}
			enc := seg[4:]
			if i := bytes.IndexByte(enc, d.field); i >= 0 {
				enc = enc[:i]
			}
			if len(enc) > 0 {
				d.comp = enc[0]
			}
			if len(enc) > 1 {
				d.rep = enc[1]
			}
			if len(enc) > 3 {
				d.sub = enc[3]
			}
		} else if len(seg) > 4 && seg[3] == d.field {
			if m, ok := hl7Fields[string(seg[:3])]; ok {
				readSegment(data, pos, end, string(seg[:3]), m, d, &fs)
			}
		}
		pos = end + 1
	}
	return fs
}

func readSegment(data []byte, s, e int, name string, m map[int]hl7Field, d hl7Delims, fs *fields) {
	n := 0
	for fstart := s; fstart <= e; {
		fend := fstart
		for fend < e && data[fend] != d.field {
			fend++
		}
		if def, ok := m[n]; ok && fend > fstart {
			label := name + "-" + strconv.Itoa(n)
			for _, r := range splitSpans(data, fstart, fend, d.rep) {
				readValue(data, r, def, label, d, fs)
			}
		}
		n++
		fstart = fend + 1
	}
}

func readValue(data []byte, r Span, def hl7Field, label string, d hl7Delims, fs *fields) {
	c := splitSpans(data, r.Start, r.End, d.comp)
	comp := func(i int) Span { // 1-based component, first subcomponent
		if i > len(c) {
			return Span{r.End, r.End}
		}
		sc := splitSpans(data, c[i-1].Start, c[i-1].End, d.sub)
		return sc[0]
	}
	add := func(sp Span, t Type, reason string) { fs.add(data, sp.Start, sp.End, t, reason) }
	switch def.kind {
	case hl7ID:
		add(comp(1), def.typ, "HL7 "+label)
	case hl7Whole:
		add(r, def.typ, "HL7 "+label)
	case hl7Date:
		add(comp(1), def.typ, "HL7 "+label)
	case hl7CX:
		t := def.typ
		code := ""
		if len(c) >= 5 {
			code = string(bytes.TrimSpace(data[c[4].Start:c[4].End]))
			if ct, ok := cxTypes[code]; ok {
				t = ct
			}
		}
		reason := "HL7 " + label
		if code != "" {
			reason += " (" + code + ")"
		}
		add(comp(1), t, reason)
	case hl7Name:
		for i := 1; i <= 3; i++ {
			add(comp(i), Name, "HL7 "+label)
		}
	case hl7Addr:
		add(comp(1), Street, "HL7 "+label)
		add(comp(3), City, "HL7 "+label)
		add(comp(5), ZIP, "HL7 "+label)
		add(comp(9), County, "HL7 "+label)
	case hl7Phone:
		n := comp(1)
		if n.End > n.Start {
			add(n, Phone, "HL7 "+label)
		} else if len(c) >= 7 {
			add(Span{c[5].Start, c[6].End}, Phone, "HL7 "+label)
		}
		add(comp(4), Email, "HL7 "+label)
	}
}

// splitSpans splits data[s:e] at sep into spans (always at least one).
func splitSpans(data []byte, s, e int, sep byte) []Span {
	var out []Span
	start := s
	for i := s; i < e; i++ {
		if data[i] == sep {
			out = append(out, Span{start, i})
			start = i + 1
		}
	}
	return append(out, Span{start, e})
}
