package phiformat

import (
	"os"
	"path/filepath"
	"testing"
)

// Every reader gets malformed input from the fuzzer: it must return
// fields inside the input, never panic, and finish.
func seed(f *testing.F, pattern string) {
	files, _ := filepath.Glob(filepath.Join("testdata", pattern))
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
}

func checkFields(t *testing.T, data []byte, fs []Field) {
	for _, x := range fs {
		if x.Start < 0 || x.End > len(data) || x.Start >= x.End || x.Type == "" || x.Reason == "" {
			t.Fatalf("bad field %+v for %d bytes", x, len(data))
		}
	}
}

func FuzzHL7(f *testing.F) {
	seed(f, "*.hl7")
	f.Fuzz(func(t *testing.T, data []byte) { checkFields(t, data, readHL7(data)) })
}

func FuzzFHIRJSON(f *testing.F) {
	seed(f, "*json")
	f.Fuzz(func(t *testing.T, data []byte) {
		fs, _ := readFHIRJSON(data)
		checkFields(t, data, fs)
	})
}

func FuzzFHIRXML(f *testing.F) {
	seed(f, "patient.xml")
	f.Fuzz(func(t *testing.T, data []byte) {
		fs, _ := readFHIRXML(data)
		checkFields(t, data, fs)
	})
}

func FuzzCCDA(f *testing.F) {
	seed(f, "ccd.xml")
	f.Fuzz(func(t *testing.T, data []byte) { checkFields(t, data, readCCDA(data)) })
}

func FuzzTabular(f *testing.F) {
	seed(f, "*.csv")
	f.Fuzz(func(t *testing.T, data []byte) {
		fs, _ := readTabular(data)
		checkFields(t, data, fs)
	})
}

func FuzzSQL(f *testing.F) {
	seed(f, "*.sql")
	f.Fuzz(func(t *testing.T, data []byte) {
		fs, _ := readSQL(data)
		checkFields(t, data, fs)
	})
}

func FuzzRead(f *testing.F) {
	seed(f, "*")
	f.Fuzz(func(t *testing.T, data []byte) { checkFields(t, data, Read(data).Fields) })
}
