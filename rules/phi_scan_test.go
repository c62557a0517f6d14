package rules

import (
	"bytes"
	"slices"
	"testing"
)

// refRunsAfter is runsAfter by definition: of all the digit runs in data,
// those that start on a hit's line, after it, within the label reach.
func refRunsAfter(data []byte, hits []int, minDigits int) []digitRun {
	var out []digitRun
	for _, r := range digitRuns(data, minDigits) {
		for _, h := range hits {
			if h < r.start && r.start-h <= labelLookback+digitMargin && bytes.IndexByte(data[h:r.start], '\n') < 0 {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// checkRunsAfter: runsAfter finds every run the definition asks for, each
// exactly as a whole-input pass finds it, and no run a whole-input pass
// would not find.
func checkRunsAfter(t *testing.T, data []byte, hits []int, minDigits int) {
	t.Helper()
	got := runsAfter(data, slices.Clone(hits), minDigits)
	all := digitRuns(data, minDigits)
	for _, r := range got {
		if !slices.Contains(all, r) {
			t.Fatalf("run %+v is not a run of the whole input %q (hits %v)", r, data, hits)
		}
	}
	for _, r := range refRunsAfter(data, hits, minDigits) {
		if !slices.Contains(got, r) {
			t.Fatalf("missed run %+v in %q (hits %v): got %+v", r, data, hits, got)
		}
	}
}

func TestRunsAfter(t *testing.T) {
	cases := []struct {
		in   string
		hits []int
	}{
		{"license 2009 and D1234-5678", []int{0}},
		{"// Copyright 2009\n// license\nno digits here", []int{21}},
		{"dl: 12 34 56 78 and more 99999999", []int{0}},
		{"zip 12345\nzip 67890", []int{0, 10}},
		{"member " + string(bytes.Repeat([]byte("x"), 150)) + " 12345678", []int{0}},
		{"member 1234-" + string(bytes.Repeat([]byte("5"), 200)), []int{0}},
		{"a 1111 b 2222 c 3333", []int{0, 2, 7}},
	}
	for _, c := range cases {
		for _, md := range []int{4, 5, 7} {
			checkRunsAfter(t, []byte(c.in), c.hits, md)
		}
	}
}

func FuzzRunsAfter(f *testing.F) {
	f.Add([]byte("license 2009 and D1234-5678\nzip 12345"), uint8(0), uint8(28), uint8(4))
	f.Add([]byte("a 1111 b 2222-33.44/55 66"), uint8(0), uint8(7), uint8(5))
	f.Fuzz(func(t *testing.T, data []byte, h1, h2, md uint8) {
		if len(data) == 0 {
			return
		}
		hits := []int{int(h1) % len(data), int(h2) % len(data)}
		for _, h := range hits {
			if isDigitByte(data[h]) || bytes.IndexByte([]byte("-./ "), data[h]) >= 0 {
				return // hits are keywords: they start with a letter
			}
		}
		checkRunsAfter(t, data, hits, 1+int(md)%10)
	})
}

// onlyKeyTail is len(bytes.Trim(b, keyTail bytes)) == 0, the test it
// replaced in structuralHit: every single byte, and a few lines' tails.
func TestOnlyKeyTail(t *testing.T) {
	const cutset = "\"'`:=[{( \t\r"
	check := func(b []byte) {
		if got, want := onlyKeyTail(b), len(bytes.Trim(b, cutset)) == 0; got != want {
			t.Errorf("onlyKeyTail(%q) = %v, want %v", b, got, want)
		}
	}
	for c := range 256 {
		check([]byte{byte(c)})
		check([]byte{':', ' ', byte(c), '{'})
	}
	for _, s := range []string{"", `": [`, "= {\r", ": 42", "\t(\t", "'`x"} {
		check([]byte(s))
	}
}
