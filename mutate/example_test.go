package mutate_test

import (
	"fmt"
	"strings"

	"github.com/pretense/pretense/mutate"
)

func Example() {
	// A fixed key for a reproducible example; real keys come from LoadKey.
	m, err := mutate.New([]byte("example-key-do-not-use-in-production"), mutate.PolicyPHI)
	if err != nil {
		panic(err)
	}
	s := m.NewSession()
	sent := s.Mutate("interface PatientRecord { mrn: string; total: number } // Medical Record Number", mutate.LangTS)
	fmt.Println(sent)

	// The model answers with the synthetics, and builds a name from one.
	var cls string
	for syn, orig := range s.Pairs() {
		if orig == "PatientRecord" {
			cls = syn
		}
	}
	answer := "Use a " + cls + "List for batches of " + cls + "."
	restored, fid := s.Reverse(answer)
	fmt.Println(restored, fid.Ratio())

	// Streaming: feed deltas as they arrive, emit what is safe.
	r := s.NewStreamReverser()
	var out strings.Builder
	for i := 0; i < len(answer); i += 5 {
		out.WriteString(r.Write(answer[i:min(i+5, len(answer))]))
	}
	out.WriteString(r.Flush())
	fmt.Println(out.String() == restored)
	// Output:
	// interface _clsEsuppxa9uie { _vu6i8s5kvzzd: string; total: number } // _clsAcgm7s855ym _clsZ2qyt4qstep Number
	// Use a PatientRecordList for batches of PatientRecord. 1
	// true
}
