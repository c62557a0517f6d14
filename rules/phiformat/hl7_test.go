package phiformat

import (
	"fmt"
	"strings"
	"testing"
)

// hl7Msg builds a one-patient ADT message around a PID segment. The header
// is put together at run time so that this file holds no MSH segment that
// pretense's own scan would read as a message.
func hl7Msg(pid string) []byte {
	msh := "MSH|" + "^~\\&|APP|FAC|RCV|FAC|20240105083000||ADT^A01|M1|P|2.5.1"
	return []byte(msh + "\rPID|1|" + pid + "\rPV1|1|I\r")
}

// TestHL7TypedIdentifiers pins how CX identifiers are read: PID-2, PID-3
// and PID-4 are the patient's identifiers whatever their shape, the type
// code (CX-5, HL7 table 0203) decides SSN, licence and passport, a value
// in such a slot without that identifier's shape is still reported as
// another patient identifier, and template placeholders and null markers
// are never reported.
func TestHL7TypedIdentifiers(t *testing.T) {
	type want struct {
		typ    Type
		value  string
		reason string
	}
	cases := []struct {
		name string
		pid  string // PID-2|PID-3|PID-4
		want []want
	}{
		{"numeric MR", "|7730021^^^QHOSP^MR|",
			[]want{{MRN, "7730021", "HL7 PID-3 (MR)"}}}, // pretense:allow (synthetic)
		{"non-numeric MR", "|CIPNUM^^^CAEX^MR|",
			[]want{{MRN, "CIPNUM", "HL7 PID-3 (MR)"}}},
		{"untyped id with authority", "|AB-77Q^^^QHOSP|",
			[]want{{MRN, "AB-77Q", "HL7 PID-3"}}},
		{"bare PID-3", "|K77^^^^|",
			[]want{{MRN, "K77", "HL7 PID-3"}}},
		{"PID-2 external id", "E-88120||",
			[]want{{MRN, "E-88120", "HL7 PID-2"}}}, // pretense:allow (synthetic)
		{"PID-4 alternate id", "||ALT9921^^^OLD",
			[]want{{MRN, "ALT9921", "HL7 PID-4"}}},
		{"SS with SSN shape", "|999-12-3456^^^SSA^SS|",
			[]want{{SSN, "999-12-3456", "HL7 PID-3 (SS)"}}},
		{"SS with eight digits", "|99912345^^^SSA^SS|",
			[]want{{PatientID, "99912345", "HL7 PID-3 (SS)"}}}, // pretense:allow (synthetic)
		{"SS with letters", "|SSN-UNVERIFIED-7^^^SSA^SS|",
			[]want{{PatientID, "SSN-UNVERIFIED-7", "HL7 PID-3 (SS)"}}},
		{"DL", "|Q2231907^^^NY^DL|",
			[]want{{DL, "Q2231907", "HL7 PID-3 (DL)"}}},
		{"DL without licence shape", "|QX7^^^NY^DL|",
			[]want{{PatientID, "QX7", "HL7 PID-3 (DL)"}}},
		{"PPN", "|X99120034^^^USA^PPN|",
			[]want{{Passport, "X99120034", "HL7 PID-3 (PPN)"}}}, // pretense:allow (synthetic)
		{"PPN without passport shape", "|P-1^^^USA^PPN|",
			[]want{{PatientID, "P-1", "HL7 PID-3 (PPN)"}}},
		{"unknown type code keeps slot type", "|H55012^^^QHOSP^XX|",
			[]want{{MRN, "H55012", "HL7 PID-3 (XX)"}}}, // pretense:allow (synthetic)
		{"repetitions each typed", "|7730021^^^QHOSP^MR~999-12-3456^^^SSA^SS~Q2231907^^^NY^DL~X99120034^^^USA^PPN|",
			[]want{
				{MRN, "7730021", "HL7 PID-3 (MR)"}, // pretense:allow (synthetic)
				{SSN, "999-12-3456", "HL7 PID-3 (SS)"},
				{DL, "Q2231907", "HL7 PID-3 (DL)"},
				{Passport, "X99120034", "HL7 PID-3 (PPN)"}, // pretense:allow (synthetic)
			}},
		{"printf placeholder", "|%s^^^QHOSP^MR|", nil},
		{"printf placeholder in SS", "|%09d^^^SSA^SS|", nil},
		{"mustache placeholder", "|{{mrn}}^^^QHOSP^MR|", nil},
		{"shell placeholder", "${PID2}|${mrn}^^^QHOSP^MR|${alt}", nil},
		{"angle placeholder", "|<mrn>^^^QHOSP^MR|", nil},
		{"null marker", "|NULL^^^QHOSP^MR|", nil},
		{"unknown marker", "|UNK^^^SSA^SS|", nil},
		{"repeated digit SSN", "|000-00-0000^^^SSA^SS|", nil},
		{"single character", "|7^^^QHOSP^MR|", nil},
		{"empty identifier with type", "|^^^QHOSP^MR|", nil},
		{"date in identifier slot", "|19880229^^^QHOSP^SS|", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := hl7Msg(c.pid)
			var got []want
			for _, f := range readHL7(data) {
				got = append(got, want{f.Type, string(data[f.Start:f.End]), f.Reason})
			}
			if g, w := fmt.Sprint(got), fmt.Sprint(c.want); g != w {
				t.Errorf("PID %q:\n got  %s\n want %s", c.pid, g, w)
			}
		})
	}
}

// TestHL7CXOutsidePID: outside PID-2/3/4 an untyped CX without an
// assigning authority needs the identifier's own shape (digits), a typed
// one or one with an authority is read by structure.
func TestHL7CXOutsidePID(t *testing.T) {
	pv1 := "PV1|1|I" + strings.Repeat("|", 17) // up to PV1-19, the visit number
	cases := []struct {
		seg  string
		want string // "type value reason;" per field
	}{
		{pv1 + "V100234^^^QHOSP^VN", "account V100234 HL7 PV1-19 (VN);"},
		{pv1 + "VISIT", ""},
		{pv1 + "V100234", "account V100234 HL7 PV1-19;"},
		{pv1 + "VX^^^QHOSP", "account VX HL7 PV1-19;"},
		{pv1 + "%s^^^QHOSP", ""},
		{"MRG|7730001^^^QHOSP^MR", "mrn 7730001 HL7 MRG-1 (MR);"}, // pretense:allow (synthetic)
		{"MRG|{{old_mrn}}^^^QHOSP^MR", ""},
		{"IN2|EMP-4^^^ACME", "patient-id EMP-4 HL7 IN2-1;"},
	}
	for _, c := range cases {
		data := []byte("MSH|" + "^~\\&|APP|FAC|RCV|FAC|20240105083000||ADT^A01|M1|P|2.5.1\n" + c.seg + "\n")
		var b strings.Builder
		for _, f := range readHL7(data) {
			fmt.Fprintf(&b, "%s %s %s;", f.Type, data[f.Start:f.End], f.Reason)
		}
		if b.String() != c.want {
			t.Errorf("%s:\n got  %s\n want %s", c.seg, b.String(), c.want)
		}
	}
}
