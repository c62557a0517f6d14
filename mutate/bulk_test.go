package mutate

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestBulkClassify holds the bulk path's gathered classes to the
// byte-by-byte definitions, for every language: random blocks of any
// bytes, classified whole and as the source's last bytes, block by block
// (classify) and read off the masks of the source (classifyMasked).
func TestBulkClassify(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, lang := range Langs() {
		b := bulkTableOf(lang)
		want := func(c byte) (word, stop bool) {
			dollar := lang == LangTS || lang == LangJS
			word = c < 0x80 && (isWordByte(c) || c == '$' && dollar)
			stop = c >= 0x80 || classesOf(lang)[c]&classSpecial != 0 || c == '#' && lang == LangRust
			return word, stop
		}
		for iter := 0; iter < 8000; iter++ {
			var buf [200]byte
			for i := range buf {
				buf[i] = byte(r.IntN(256))
				if r.IntN(4) > 0 {
					const common = "az_AZ09$ /\"'`#@{}.\x80"
					buf[i] = common[r.IntN(len(common))]
				}
			}
			src := string(buf[:r.IntN(len(buf)+1)])
			pos := r.IntN(len(src) + 1)
			if pos == len(src) {
				continue
			}
			word, stop, digit, n := b.classify(src, pos)
			// The masks of the source from any base up to pos, the AVX2
			// pass's where this machine has it, read at pos, say the same.
			base := r.IntN(pos + 1)
			m := bulkMasks(b, src[base:], nil)
			if m == nil {
				m = b.bulkMasksGeneric(src[base:])
			}
			w2, s2, d2, n2 := classifyMasked(m, base, src, pos)
			if w2 != word || s2 != stop || d2 != digit || n2 != n {
				t.Fatalf("%s %q at %d from %d: masked %x %x %x %d, classify %x %x %x %d", lang, src, pos, base, w2, s2, d2, n2, word, stop, digit, n)
			}
			// Up to and including the first eight bytes with a stop byte,
			// at most 64.
			first := -1
			for i := pos; i < len(src) && i < pos+64; i++ {
				if _, s := want(src[i]); s {
					first = i - pos
					break
				}
			}
			wantN := min(64, len(src)-pos)
			if first >= 0 {
				wantN = min(first/8*8+8, len(src)-pos)
			}
			if n != wantN {
				t.Fatalf("%s %q at %d: n %d, want %d", lang, src, pos, n, wantN)
			}
			for i := 0; i < 64; i++ {
				w, s := false, false
				if i < n {
					w, s = want(src[pos+i])
				}
				if got := word>>i&1 != 0; got != w {
					t.Fatalf("%s %q at %d: byte %d word %v, want %v", lang, src, pos, i, got, w)
				}
				if got := stop>>i&1 != 0; got != s {
					t.Fatalf("%s %q at %d: byte %d stop %v, want %v", lang, src, pos, i, got, s)
				}
				if got, want := digit>>i&1 != 0, i < n && isDigit(src[pos+i]); got != want {
					t.Fatalf("%s %q at %d: byte %d digit %v, want %v", lang, src, pos, i, got, want)
				}
			}
		}
	}
}

// TestWordKeys: two words have the same keys and length exactly when
// they are the same word (up to 16 bytes), wherever they stand in the
// text, its first and last bytes included.
func TestWordKeys(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for iter := 0; iter < 200000; iter++ {
		n1, n2 := 1+r.IntN(16), 1+r.IntN(16)
		if r.IntN(2) == 0 {
			n2 = n1
		}
		word := func(n int) string {
			b := make([]byte, n)
			for i := range b {
				b[i] = "ab\x00\xff"[r.IntN(4)]
			}
			return string(b)
		}
		w1, w2 := word(n1), word(n2)
		pad1, pad2 := strings.Repeat("-", r.IntN(10)), strings.Repeat("+", r.IntN(10))
		text := pad1 + w1 + pad2 + w2 + pad1
		a1, a2 := len(pad1), len(pad1)+n1+len(pad2)
		k0, k1 := wordKeys(text, a1, a1+n1)
		j0, j1 := wordKeys(text, a2, a2+n2)
		same := k0 == j0 && k1 == j1 && n1 == n2
		if same != (w1 == w2) {
			t.Fatalf("%q at %d and %q at %d in %q: same keys %v", w1, a1, w2, a2, text, same)
		}
	}
}

// FuzzBulkMasks holds the AVX2 masks of a source (bulkMasks, where this
// machine has it) to the table's, byte by byte, for every language.
func FuzzBulkMasks(f *testing.F) {
	f.Add(strings.Repeat("const x1 = a$b + é中 // c\n", 8))
	f.Add(strings.Repeat("\x00\x7f\x80\xff_09azAZ$#'\"`/{}", 10))
	f.Fuzz(func(t *testing.T, src string) {
		for _, lang := range Langs() {
			b := bulkTableOf(lang)
			got := bulkMasks(b, src, nil)
			if got == nil {
				t.Skip("no AVX2 masks on this machine")
			}
			if want := b.bulkMasksGeneric(src); !slices.Equal(got, want) {
				t.Fatalf("%s %q:\n got %x\nwant %x", lang, src, got, want)
			}
		}
	})
}
