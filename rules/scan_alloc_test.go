package rules

import "testing"

// A scan whose rules run but find nothing allocates nothing: the pass's
// scanState and the CheckContext each candidate is judged with live in
// the pooled window scratch (they were one heap object per input and
// one per rule run: 1 and 5 allocations for the inputs below).
func TestScanNoMatchAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("under -race sync.Pool drops a share of what is put back, so the scratch is made again")
	}
	rs := builtinSet(t)
	for _, s := range []string{
		"nothing here at all\n",
		"password = os.environ['X']\n",
	} {
		data := []byte(s)
		if ms := rs.Scan(data); len(ms) != 0 {
			t.Fatalf("%q: %d matches, want none", s, len(ms))
		}
		if n := testing.AllocsPerRun(20, func() { rs.Scan(data) }); n != 0 {
			t.Errorf("%q: %.0f allocations a scan, want 0", s, n)
		}
	}
}
