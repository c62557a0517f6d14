package rules

import (
	"reflect"
	"testing"

	"github.com/pretense/pretense/rules/phiformat"
)

// FuzzMarks: the format readers given the keyword pass's marks as hints
// return what they return searching the input themselves.
//
//	go test ./rules -run '^$' -fuzz '^FuzzMarks$' -fuzztime 1m -parallel 1
func FuzzMarks(f *testing.F) {
	rs, err := Compile(Builtin(), Options{PHIMode: ModeStandard})
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte("note\nMSH|^~\\&|APP|FAC|||20240101||ADT^A01|1|P|2.5\rPID|1||X1||Sample^Test")) // pretense:allow: synthetic HL7 seed
	f.Add([]byte("prompt: summarise\n{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Sample\"}]}"))
	f.Add([]byte("-- seed\nINSERT INTO patients (name, mrn) VALUES ('Test Sample', 'X-1');"))
	f.Add([]byte("COPY patients (name, mrn) FROM stdin;\nTest Sample\tX-1\n\\.\n"))
	f.Add([]byte("x \"RESOURCETYPE\" ^ ~ insert  into from stdin"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, marks := rs.matchMarks(data)
		got := phiformat.ReadHinted(data, rs.hints(marks))
		if want := phiformat.Read(data); !reflect.DeepEqual(got, want) {
			t.Fatalf("marks %04b: hinted %+v, read %+v", marks, got, want)
		}
	})
}

// Without PHI rules only the allow marker is looked for, and the format
// searches (which do not run then) would all run.
func TestMarksNeedPHIRules(t *testing.T) {
	rs, err := Compile(Builtin(), Options{PHIMode: ModeOff})
	if err != nil {
		t.Fatal(err)
	}
	if rs.hints(0) != phiformat.AllHints {
		t.Errorf("secrets-only set has hints %+v", rs.hints(0))
	}
	if _, marks := rs.matchMarks([]byte(`{"resourceType": "Patient"} insert INTO t -- Pretense:Allow`)); marks != markAllow {
		t.Errorf("secrets only: marks %05b, want only the allow marker", marks)
	}
	std, err := Compile(Builtin(), Options{PHIMode: ModeStandard})
	if err != nil {
		t.Fatal(err)
	}
	if _, marks := std.matchMarks([]byte(`{"resourceType": "Patient"} insert INTO t`)); marks != markFHIR|markInsert {
		t.Errorf("marks %05b, want FHIR and INSERT", marks)
	}
}
