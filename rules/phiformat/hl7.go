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
		2: {hl7CX, MRN}, 3: {hl7CX, MRN}, 4: {hl7CX, MRN},
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
// the delimiters come from each MSH (MSH-1, MSH-2), not assumed. When the
// input does not start with a header segment the messages sit inside
// other text (string literals of a test, a prompt): segments then also end
// at the escapes \r and \n and at the quote that opened them.
func readHL7(data []byte) []Field {
	var fs fields
	embedded := !hl7Start(bytes.TrimLeft(data[:min(len(data), 64)], " \t\r\n\x0b\xef\xbb\xbf"))
	d := hl7Delims{'|', '^', '~', '&'}
	var quote byte
	for pos := 0; pos < len(data); {
		var s, end, next int
		s, end, next, quote = hl7Segment(data, pos, embedded, quote)
		seg := data[s:end]
		if len(seg) >= 8 && hl7Start(seg) {
			d = hl7Delims{seg[3], '^', '~', '&'}
			enc := seg[4:]
			if i := bytes.IndexByte(enc, d.field); i >= 0 {
				enc = enc[:i]
			}
			if embedded {
				enc = bytes.ReplaceAll(enc, []byte(`\\`), []byte(`\`))
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
				readSegment(data, s, end, string(seg[:3]), m, d, &fs)
			}
		}
		pos = next
	}
	return fs
}

func hl7Start(seg []byte) bool {
	return len(seg) > 3 && (bytes.HasPrefix(seg, []byte("MSH")) || bytes.HasPrefix(seg, []byte("FHS")) || bytes.HasPrefix(seg, []byte("BHS"))) && seg[3] > ' ' && seg[3] < 0x7f && !isAlnum(seg[3])
}

// segName reports whether b starts with a segment name and a separator.
func segName(b []byte) bool {
	return len(b) > 4 && b[0] >= 'A' && b[0] <= 'Z' && isAlnum(b[1]) && isAlnum(b[2]) && !isAlnum(b[3]) && b[3] > ' ' && b[3] < 0x7f
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// hl7Segment returns the segment at pos: its bounds, where the next one
// may start and, for embedded messages, the quote of the string literal
// still open (a segment that ended at a \r escape continues the string).
func hl7Segment(data []byte, pos int, embedded bool, quote byte) (s, e, next int, open byte) {
	s = pos
	if !embedded {
		e = s
		for e < len(data) && data[e] != '\r' && data[e] != '\n' {
			e++
		}
		return s, e, e + 1, 0
	}
	if quote == 0 {
		for s < len(data) && (data[s] == ' ' || data[s] == '\t' || data[s] == '\x0b') {
			s++
		}
		if s < len(data) && (data[s] == '"' || data[s] == '\'' || data[s] == '`') {
			quote = data[s]
			s++
		} else if !segName(data[s:]) {
			// Code before the literal (`msg = "MSH|…`): start at a quote
			// that opens a segment, if one does on this line.
			for i := s; i < len(data) && data[i] != '\n' && data[i] != '\r'; i++ {
				if (data[i] == '"' || data[i] == '\'' || data[i] == '`') && segName(data[i+1:]) {
					quote, s = data[i], i+1
					break
				}
			}
		}
	}
	for e = s; e < len(data); e++ {
		switch c := data[e]; {
		case c == '\r' || c == '\n':
			return s, e, e + 1, 0
		case c == '\\' && e+1 < len(data) && (data[e+1] == 'r' || data[e+1] == 'n'):
			return s, e, e + 2, quote
		case c == '\\':
			e++ // an escaped character, e.g. \" inside a string
		case quote != 0 && c == quote:
			return s, e, e + 1, 0
		}
	}
	return s, e, e + 1, 0
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
		// PID-2/3/4 are the patient's identifiers (PID-3 the identifier
		// list), and a CX that names its assigning authority (component 4)
		// or type is an identifier by its own structure, numeric or not.
		if label == "PID-2" || label == "PID-3" || label == "PID-4" || code != "" || len(c) >= 4 && c[3].End > c[3].Start {
			id := comp(1)
			fs.addID(data, id.Start, id.End, t, reason)
		} else {
			add(comp(1), t, reason)
		}
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
