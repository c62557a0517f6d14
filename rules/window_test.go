package rules

import (
	"bytes"
	"strings"
	"testing"
)

// expandEndRef is expandEnd as the byte loop it was before window.go
// (expandStartRef, in lastnl_test.go, is expandStart's).
func expandEndRef(data []byte, e int) int {
	if e >= len(data) {
		return len(data)
	}
	hi := min(len(data), e+256)
	if i := bytes.IndexByte(data[e:hi], '\n'); i >= 0 {
		return e + i
	}
	stop := min(len(data), e+tokenReach)
	for i := e; i < stop; i++ {
		if isDelim(data[i]) {
			return i
		}
	}
	return stop
}

// FuzzWindowEdges checks lastNewline against bytes.LastIndexByte, and
// expandStart and expandEnd against their byte loops (lastDelim and
// firstDelim's masks), at offsets of the
// input (repeated so that it reaches past tokenReach when asked).
//
//	go test ./rules -run '^$' -fuzz '^FuzzWindowEdges$' -fuzztime 2m -parallel 1
func FuzzWindowEdges(f *testing.F) {
	f.Add([]byte("a := f(x)\n\tb = \"q\"\r\n"), uint16(1))
	f.Add([]byte(strings.Repeat("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo", 3)+"\x19\x1a\x1d\t\x0a\x80\xff"), uint16(300))
	f.Add([]byte("x\ny"), uint16(0))
	f.Fuzz(func(t *testing.T, unit []byte, reps uint16) {
		data := bytes.Repeat(unit, 1+int(reps)%300)
		if len(data) > 3*tokenReach {
			data = data[:3*tokenReach]
		}
		// Every offset of a short input; of a long one (up to the
		// walks' full reach, tokenReach), every 37th and the last 80.
		step := 1
		if len(data) > 2048 {
			step = 37
		}
		for i := 0; i <= len(data); i += step {
			if i < len(data)-80 && i+step > len(data)-80 {
				step = 1
			}
			if got, want := lastNewline(data[:i]), bytes.LastIndexByte(data[:i], '\n'); got != want {
				t.Fatalf("lastNewline of %d bytes: %d, want %d", i, got, want)
			}
			if got, want := expandStart(data, i), expandStartRef(data, i); got != want {
				t.Fatalf("expandStart(%d) of %d bytes: %d, want %d", i, len(data), got, want)
			}
			if got, want := expandEnd(data, i), expandEndRef(data, i); got != want {
				t.Fatalf("expandEnd(%d) of %d bytes: %d, want %d", i, len(data), got, want)
			}
		}
	})
}
