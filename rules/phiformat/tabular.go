package phiformat

import (
	"bytes"
	"strings"
)

// columns maps a normalised column header (lower case, letters and digits
// only) to what its values are. Headers are labels on their own: a table's
// columns say what it holds, whatever words sit around it.
var columns = map[string]Type{
	"first": Name, "firstname": Name, "fname": Name, "given": Name, "givenname": Name,
	"last": Name, "lastname": Name, "lname": Name, "family": Name, "familyname": Name, "surname": Name,
	"middle": Name, "middlename": Name, "maiden": Name, "maidenname": Name, "mothersmaidenname": Name,
	"patientname": Name, "fullname": Name, "name": Name,
	"birthdate": DOB, "dob": DOB, "dateofbirth": DOB, "birthday": DOB, "birthdt": DOB,
	"deathdate": Death, "dod": Death, "dateofdeath": Death, "deceaseddate": Death,
	"admitdate": Date, "admissiondate": Date, "dischargedate": Date, "servicedate": Date,
	"ssn": SSN, "socialsecuritynumber": SSN, "socialsecurity": SSN,
	"drivers": DL, "driverslicense": DL, "driverslicence": DL, "dl": DL, "dlnumber": DL, "driverslicensenumber": DL,
	"passport": Passport, "passportnumber": Passport, "passportno": Passport,
	"address": Street, "address1": Street, "addressline1": Street, "street": Street, "streetaddress": Street, "addr": Street,
	"city": City, "town": City, "county": County, "birthplace": City, "placeofbirth": City,
	"zip": ZIP, "zipcode": ZIP, "postalcode": ZIP, "postcode": ZIP, "zip5": ZIP,
	"phone": Phone, "phonenumber": Phone, "telephone": Phone, "homephone": Phone, "mobile": Phone, "cellphone": Phone, "mobilephone": Phone,
	"fax": Fax, "faxnumber": Fax,
	"email": Email, "emailaddress": Email,
	"mrn": MRN, "medicalrecordnumber": MRN,
	"memberid": Member, "subscriberid": Member, "policynumber": Member, "medicaidid": Member, "medicareid": Member, "mbi": Member,
	"lat": Geo, "lon": Geo, "latitude": Geo, "longitude": Geo,
	"accountnumber": Account,
}

// column reads one header cell.
func column(h []byte) (Type, string) {
	var b strings.Builder
	for _, c := range bytes.TrimSpace(h) {
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			b.WriteByte(c)
		case c >= 'A' && c <= 'Z':
			b.WriteByte(c + 32)
		}
	}
	k := b.String()
	if k == "patientid" || k == "patid" {
		return MRN, k // a patient's record number, as EHR exports name it
	}
	k = strings.TrimPrefix(k, "patient")
	if k == "" {
		k = "patient"
	}
	if t, ok := columns[k]; ok {
		return t, k
	}
	if t, ok := columns[strings.TrimPrefix(b.String(), "pat")]; ok {
		return t, k
	}
	return "", k
}

// table is a header read into column meanings.
type table struct {
	types   []Type
	headers []string
	patient bool
}

// newTable decides what a table holds. It is patient data when its
// columns say so: a person-name column next to a birth date, SSN, MRN or
// death date column. A providers, payers or organizations table (names,
// addresses and phones with none of those) is not.
func newTable(headers [][]byte) table {
	t := table{types: make([]Type, len(headers)), headers: make([]string, len(headers))}
	name, anchor := false, false
	for i, h := range headers {
		t.types[i], _ = column(h)
		t.headers[i] = string(bytes.Trim(bytes.TrimSpace(h), "\"`[]"))
		switch t.types[i] {
		case Name:
			name = true
		case DOB, SSN, MRN, Death:
			anchor = true
		}
	}
	t.patient = name && anchor
	if t.patient {
		// An id column of a patients table is the patient's identifier.
		for i, h := range t.headers {
			if strings.ToLower(h) == "id" {
				t.types[i] = PatientID
			}
		}
	}
	return t
}

func (t table) add(data []byte, fs *fields, col, s, e int, reader string) {
	if !t.patient || col >= len(t.types) || t.types[col] == "" {
		return
	}
	ty := t.types[col]
	if ty == PatientID && !uuidOrID(data[s:e]) {
		return
	}
	fs.add(data, s, e, ty, reader+" column '"+t.headers[col]+"'")
}

func uuidOrID(v []byte) bool {
	v = bytes.Trim(bytes.TrimSpace(v), "'\"")
	_, d := count(v)
	return len(v) >= 6 && d >= 3
}

// tabularHeader reports whether the first line of head reads as the header
// of a delimited table with at least one PHI column.
func tabularHeader(head []byte) bool {
	line := head
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		line = head[:i]
	} else if len(head) == sniff {
		return false
	}
	sep := delimiter(line)
	if sep == 0 {
		return false
	}
	cells := bytes.Split(bytes.TrimRight(line, "\r"), []byte{sep})
	if len(cells) < 3 {
		return false
	}
	hits := 0
	for _, c := range cells {
		c = bytes.TrimSpace(c)
		if len(c) == 0 || len(c) > 40 || bytes.ContainsAny(c, "(){}=;<>") && sep != ';' {
			return false
		}
		if t, _ := column(c); t != "" {
			hits++
		}
	}
	return hits >= 2
}

// delimiter picks the most frequent of , ; tab | in a header line.
func delimiter(line []byte) byte {
	best, n := byte(0), 1
	for _, c := range []byte{',', '\t', ';', '|'} {
		if k := bytes.Count(line, []byte{c}); k > n {
			best, n = c, k
		}
	}
	return best
}

// readTabular reads a CSV/TSV file: header on the first line, RFC 4180
// quoting. Offsets are kept per cell so findings point at the value.
func readTabular(data []byte) ([]Field, []Span) {
	nl := bytes.IndexByte(data, '\n')
	if nl < 0 {
		nl = len(data)
	}
	sep := delimiter(data[:nl])
	var fs fields
	var t table
	row, pos := 0, 0
	for pos < len(data) {
		cells, next := csvRow(data, pos, sep)
		if row == 0 {
			hs := make([][]byte, len(cells))
			for i, c := range cells {
				hs[i] = data[c.Start:c.End]
			}
			t = newTable(hs)
			if !t.patient {
				return nil, []Span{{0, len(data)}}
			}
		} else {
			for i, c := range cells {
				t.add(data, &fs, i, c.Start, c.End, "CSV")
			}
		}
		row++
		pos = next
	}
	return fs, nil
}

// csvRow reads the record starting at pos: cell spans (inside quotes for
// quoted cells) and the offset of the next record.
func csvRow(data []byte, pos int, sep byte) ([]Span, int) {
	var cells []Span
	i := pos
	for {
		if i < len(data) && data[i] == '"' {
			s := i + 1
			j := s
			for j < len(data) {
				if data[j] == '"' {
					if j+1 < len(data) && data[j+1] == '"' {
						j += 2
						continue
					}
					break
				}
				j++
			}
			cells = append(cells, Span{s, j})
			i = min(len(data), j+1)
			for i < len(data) && data[i] != sep && data[i] != '\n' {
				i++
			}
		} else {
			s := i
			for i < len(data) && data[i] != sep && data[i] != '\n' {
				i++
			}
			e := i
			if e > s && data[e-1] == '\r' {
				e--
			}
			cells = append(cells, Span{s, e})
		}
		if i >= len(data) {
			return cells, len(data)
		}
		if data[i] == '\n' {
			return cells, i + 1
		}
		i++ // past the separator
	}
}
