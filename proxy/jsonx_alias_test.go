package proxy

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"strconv"
	"strings"
	"testing"
)

// parseJSON's strings stay what they were when the caller reuses its
// buffer (a frame decoder does); parseJSONOwned is for buffers given away.
func TestParseJSONSurvivesBufferReuse(t *testing.T) {
	src := []byte(`{"plain":"lookupPatientRecord","esc":"a\nb","k\u0065y":"v","n":[1,"x"]}`)
	buf := bytes.Clone(src)
	d, err := parseJSON(buf)
	if err != nil {
		t.Fatal(err)
	}
	plain, esc, key, inner := d.strAt(0, "plain"), d.strAt(0, "esc"), d.key(d.get(0, "key")), d.str(d.nodes[d.nodes[d.get(0, "n")].first].next)
	raw := d.raw(d.get(0, "plain"))
	for i := range buf {
		buf[i] = 'X' // the next frame overwrites the buffer
	}
	if plain != "lookupPatientRecord" || esc != "a\nb" || key != "key" || string(raw) != `"lookupPatientRecord"` {
		t.Errorf("strings changed with the caller's buffer: %q %q %q %q", plain, esc, key, raw)
	}
	if inner != "x" || d.strAt(0, "plain") != "lookupPatientRecord" {
		t.Errorf("document changed with the caller's buffer")
	}
}

// An event built from a frame's payload owns its bytes: the decoder reuses
// the payload for the next frame while the event is still held back.
func TestEventForOwnsItsData(t *testing.T) {
	for _, payload := range []string{
		`{"contentBlockDelta":{"delta":{"text":"lookupPatientRecord"}}}`,
		"{\"a\":\n\"two lines\"}",
		``,
	} {
		buf := []byte(payload)
		ev := eventFor("contentBlockDelta", buf)
		for i := range buf {
			buf[i] = 'X'
		}
		if string(ev.data) != payload {
			t.Errorf("event data %q, want %q", ev.data, payload)
		}
		if name, data := parseRendered(ev.raw); name != "contentBlockDelta" || string(data) != payload {
			t.Errorf("rendered event reads back as %q %q", name, data)
		}
	}
}

// TestSpecialMask: the lowest byte specialMask flags is the first quote,
// backslash or control byte of the word, for every byte value in every
// position (the rest of the word plain, or holding a later special byte).
func TestSpecialMask(t *testing.T) {
	special := func(c byte) bool { return c == '"' || c == '\\' || c < 0x20 }
	first := func(w [8]byte) int {
		for i, c := range w {
			if special(c) {
				return i
			}
		}
		return 8
	}
	for _, fill := range []byte{'a', 0x80, 0xff, ' ', 0x7f} {
		for pos := range 8 {
			for c := range 256 {
				for _, later := range []int{-1, 7} {
					var w [8]byte
					for i := range w {
						w[i] = fill
					}
					w[pos] = byte(c)
					if later > pos {
						w[later] = '"'
					}
					want := first(w)
					m := specialMask(binary.LittleEndian.Uint64(w[:]))
					got := 8
					if m != 0 {
						got = bits.TrailingZeros64(m) / 8
					}
					if got != want {
						t.Fatalf("word %q: first special byte %d, mask says %d", w, want, got)
					}
				}
			}
		}
	}
}

// FuzzPlainRun: plainRun stops at the first quote, backslash or control
// character, as a byte-by-byte scan does, or before it within the last
// eight bytes.
func FuzzPlainRun(f *testing.F) {
	for _, s := range []string{"", "plain text that runs on and on and on", "0123456789abcde\"", "0123456789abcdef0123\\n",
		"\x01", "0123456\x1f89abcdef", "é is fine but \" is not",
		// 32 bytes a loop, then the last ones in an overlapping load.
		strings.Repeat("plain ", 12) + "\x7f\x80\xff \" tail", strings.Repeat("0123456789abcdef", 4) + "x\\y", strings.Repeat("y", 40) + "\x00",
		strings.Repeat("z", 10) + "\\" + strings.Repeat("z", 70), strings.Repeat("z", 20) + "\"" + strings.Repeat("z", 70),
		strings.Repeat("z", 5) + "\x1f" + strings.Repeat("z", 70)} {
		f.Add([]byte(s), uint8(0))
	}
	f.Fuzz(func(t *testing.T, src []byte, at uint8) {
		i := int(at) % (len(src) + 1)
		got := plainRun(src, i)
		want := i
		for want < len(src) && src[want] != '"' && src[want] != '\\' && src[want] >= 0x20 {
			want++
		}
		// Short of the first such byte only where fewer than eight bytes
		// are left, which the caller reads one at a time.
		if got < i || got > want || got != want && got+8 <= len(src) {
			t.Fatalf("plainRun(%q, %d) = %d, want %d", src, i, got, want)
		}
		if got := plainRunWords(src, i); got < i || got > want || got != want && got+8 <= len(src) {
			t.Fatalf("plainRunWords(%q, %d) = %d, want %d", src, i, got, want)
		}
	})
}

// TestHex4: the table decoding agrees with strconv on every byte at each
// of the four places, the other three being each hex digit in turn.
func TestHex4(t *testing.T) {
	const digits = "0123456789abcdefABCDEF"
	for place := 0; place < 4; place++ {
		for c := 0; c < 256; c++ {
			for _, d := range []byte(digits) {
				b := []byte{d, d, d, d}
				b[place] = byte(c)
				want, err := strconv.ParseUint(string(b), 16, 16)
				got, ok := hex4(b)
				if ok != (err == nil) || ok && got != rune(want) {
					t.Fatalf("hex4(%q) = %x, %v; want %x, %v", b, got, ok, want, err == nil)
				}
			}
		}
	}
	if _, ok := hex4([]byte("abc")); ok {
		t.Fatal("hex4 of three bytes: ok")
	}
}
