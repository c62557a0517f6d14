package rules

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"testing"
)

func decodeRules(t testing.TB) *Ruleset {
	t.Helper()
	rs, err := Compile(Builtin(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func TestScanDecoded(t *testing.T) {
	t.Parallel()
	rs := decodeRules(t)
	rng := rand.New(rand.NewPCG(7, 8))
	tok, err := ExpandSample("ghp_{alnum:36}", rng)
	if err != nil {
		t.Fatal(err)
	}
	plain := "github_token: " + tok + "\n"
	b64 := base64.StdEncoding.EncodeToString([]byte(plain))
	b64url := base64.RawURLEncoding.EncodeToString([]byte(plain + "??>>"))
	hexed := hex.EncodeToString([]byte(plain))
	pct := url.QueryEscape("token=" + tok + "&x=1")
	nested := base64.StdEncoding.EncodeToString([]byte("cfg=" + url.QueryEscape("a b&token="+tok)))
	deep := plain
	for range maxDecodeDepth + 1 {
		deep = base64.StdEncoding.EncodeToString([]byte(deep))
	}
	tests := []struct {
		name    string
		input   string
		decoded string // "" = no decoded finding expected
	}{
		{"base64", "data:\n  token: " + b64 + "\n", "base64"},
		{"base64url", "t=" + b64url, "base64"},
		{"hex", "blob = \"" + hexed + "\"", "hex"},
		{"percent", "https://example.invalid/cb?" + pct, "percent"},
		{"nested", "X-Config: " + nested, "base64>percent"},
		{"too-deep", "v: " + deep, ""},
		{"allowed", "token: " + b64 + " # pretense:allow", ""},
		{"random-key", "key: " + base64.StdEncoding.EncodeToString([]byte(strings.Repeat("\x01\x92\xff\x00", 12))), ""},
		{"identifier", "def test_some_long_function_name_with_words(self): pass", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ms := rs.Scan([]byte(tc.input))
			var hit *Match
			for i := range ms {
				if ms[i].Decoded != "" {
					hit = &ms[i]
				}
			}
			if tc.decoded == "" {
				if hit != nil {
					t.Fatalf("unexpected decoded match %+v", *hit)
				}
				return
			}
			if hit == nil {
				t.Fatalf("no decoded match in %q: %+v", tc.input, ms)
			}
			if hit.Decoded != tc.decoded || hit.Value != tok || hit.Rule.ID != "github-pat-classic" {
				t.Errorf("got %s %q decoded %q, want github-pat-classic %q decoded %q", hit.Rule.ID, hit.Value, hit.Decoded, tok, tc.decoded)
			}
			// The span is the encoded string, inside the input.
			if hit.Start < 0 || hit.End > len(tc.input) || hit.Start >= hit.End {
				t.Fatalf("span [%d,%d) outside input of %d bytes", hit.Start, hit.End, len(tc.input))
			}
			enc := tc.input[hit.Start:hit.End]
			if strings.ContainsAny(enc, " \n") {
				t.Errorf("span %q is not one encoded string", enc)
			}
		})
	}
}

func FuzzScanDecoded(f *testing.F) {
	rs := decodeRules(f)
	f.Add([]byte("token: " + base64.StdEncoding.EncodeToString([]byte("github_token: ghp_0123456789abcdefghijABCDEFGHIJ012345"))))
	f.Add([]byte("u=" + url.QueryEscape("postgres://a:b%zz@h/db")))
	f.Add([]byte(strings.Repeat("A1b2", 40) + "%4"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, m := range rs.Scan(data) {
			if m.Start < 0 || m.End > len(data) || m.Start > m.End {
				t.Fatalf("match %q span [%d,%d) outside %d bytes", m.Rule.ID, m.Start, m.End, len(data))
			}
			if m.Decoded != "" && strings.Count(m.Decoded, ">") >= maxDecodeDepth {
				t.Fatalf("decoded deeper than %d: %q", maxDecodeDepth, m.Decoded)
			}
		}
	})
}

// BenchmarkDecodeOverhead measures what decoding adds to a scan of
// ordinary source text (long identifiers, URLs, hashes, no secrets).
func BenchmarkDecodeOverhead(b *testing.B) {
	rs := decodeRules(b)
	var sb strings.Builder
	for i := range 2000 {
		sb.WriteString("def test_connection_pool_recycle_" + strings.Repeat("x", i%7) + "(self, engine_testing_fixture):\n")
		sb.WriteString("    url = \"https://docs.example.invalid/en/latest/core/pooling.html%23disconnect\"\n")
		sb.WriteString("    digest = \"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"\n")
	}
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	b.Run("scan", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			rs.Scan(data)
		}
	})
	b.Run("plain-only", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			rs.scanPlain(data)
		}
	})
}

// naiveLongRuns is eachLongRun's reference: every maximal run of clPct
// bytes of at least minEncodedRun, found byte by byte.
func naiveLongRuns(data []byte) [][2]int {
	var out [][2]int
	for i := 0; i < len(data); {
		if decodeClass[data[i]]&clPct == 0 {
			i++
			continue
		}
		j := i
		for j < len(data) && decodeClass[data[j]]&clPct != 0 {
			j++
		}
		if j-i >= minEncodedRun {
			out = append(out, [2]int{i, j})
		}
		i = j
	}
	return out
}

func longRunsOf(each func([]byte, func(s, j int)), data []byte) [][2]int {
	var out [][2]int
	each(data, func(s, j int) { out = append(out, [2]int{s, j}) })
	return out
}

// checkLongRuns holds eachLongRun and both its versions, the block loop
// and the marked blocks (longRunEvents: AVX2 where the processor has
// it), to the byte-by-byte reference.
func checkLongRuns(t *testing.T, data []byte) {
	t.Helper()
	want := naiveLongRuns(data)
	for name, each := range map[string]func([]byte, func(s, j int)){
		"eachLongRun": eachLongRun, "blocks": eachLongRunBlocks, "events": eachLongRunEvents,
	} {
		if got := longRunsOf(each, data); !slices.Equal(got, want) {
			t.Fatalf("%s: runs %v, want %v", name, got, want)
		}
	}
}

func TestEachLongRun(t *testing.T) {
	run := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct {
		name string
		data string
	}{
		{"empty", ""},
		{"short", run(23)},
		{"exact", run(24)},
		{"spaces", run(23) + " " + run(24) + " " + run(23)},
		{"ends a block", strings.Repeat(" ", 40) + run(24)},
		{"crosses blocks", strings.Repeat(" ", 50) + run(30) + strings.Repeat(" ", 100)},
		{"block of ones", run(64) + " " + run(64)},
		{"runs of 23 across blocks", strings.Repeat(run(23)+" ", 20)},
		{"long", run(300) + "(" + run(10) + ")" + run(25)},
		{"two inside a block", " " + run(24) + " " + run(25) + " " + run(12)},
		{"ends at a block's end", strings.Repeat(" ", 40) + run(88)},
		{"crosses the blocks classified together", strings.Repeat(" ", 64*longRunBlocks-8) + run(30) + " "},
		{"longer than the blocks classified together", run(64*longRunBlocks*2 + 64*3 + 5)},
		{"tail only", " " + run(30)},
		{"source", "import \"github.com/pretense/pretense/rules/gitleaksconf\"\n\turl := \"https://example.invalid/a/b/c?x=1&y=2\"\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLongRuns(t, []byte(tt.data))
		})
	}
}

// FuzzLongRuns checks eachLongRun (64-byte masks, runs found by bit
// operations) against
// the byte-by-byte reference.
//
//	go test ./rules -run '^$' -fuzz '^FuzzLongRuns$' -fuzztime 2m -parallel 1
func FuzzLongRuns(f *testing.F) {
	f.Add([]byte(strings.Repeat("abc", 30)))
	f.Add([]byte(strings.Repeat("x", 23) + " " + strings.Repeat("y", 70) + "\n" + strings.Repeat("%2F", 9)))
	f.Add([]byte(strings.Repeat(" ", 64*longRunBlocks-20) + strings.Repeat("Zm9v", 40) + " " + strings.Repeat("a", 64*longRunBlocks*2+3)))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkLongRuns(t, data)
	})
}

// FuzzLongRunEvents checks longRunEvents (AVX2 where the processor has
// it) against longRunEventsGo for any masks and any count of blocks.
//
//	go test ./rules -run '^$' -fuzz '^FuzzLongRunEvents$' -fuzztime 2m -parallel 1
func FuzzLongRunEvents(f *testing.F) {
	f.Add(uint64(1), uint8(32))
	f.Add(uint64(0xfffffffffff00000), uint8(5))
	f.Fuzz(func(t *testing.T, seed uint64, n uint8) {
		r := rand.New(rand.NewPCG(seed, seed>>3))
		var buf [longRunBlocks + 4]uint64
		for k := range buf {
			// Runs of every length: words of ones with a few holes.
			switch r.IntN(3) {
			case 0:
				buf[k] = r.Uint64()
			case 1:
				buf[k] = ^uint64(0)
			default:
				buf[k] = ^(uint64(1) << r.IntN(64)) &^ (uint64(1) << r.IntN(64))
			}
		}
		nb := 1 + int(n)%longRunBlocks
		if got, want := longRunEvents(&buf, nb), longRunEventsGo(buf[:nb+1]); got != want {
			t.Fatalf("%d blocks %x: %032b, want %032b", nb, buf[:nb+1], got, want)
		}
	})
}

// base64DecodeRef and percentDecodeRef are the decoders as they were
// before they decoded into a reused buffer, the reference FuzzDecoders
// compares them with.
func base64DecodeRef(b []byte) ([]byte, bool) {
	s := strings.TrimRight(string(b), "=")
	enc := base64.RawStdEncoding
	if strings.ContainsAny(s, "-_") {
		if strings.ContainsAny(s, "+/") {
			return nil, false
		}
		enc = base64.RawURLEncoding
	}
	if len(s)%4 == 1 {
		return nil, false
	}
	dec, err := enc.DecodeString(s)
	return dec, err == nil
}

func percentDecodeRef(b []byte) ([]byte, bool) {
	out := make([]byte, 0, len(b))
	n := 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '%' {
			if i+2 >= len(b) {
				return nil, false
			}
			v, err := hex.DecodeString(string(b[i+1 : i+3]))
			if err != nil {
				return nil, false
			}
			out = append(out, v[0])
			i += 2
			n++
			continue
		}
		out = append(out, c)
	}
	return out, n > 0
}

// FuzzDecoders: the decoders that write into a reused buffer (of any
// capacity, holding anything) agree with the allocating reference ones.
func FuzzDecoders(f *testing.F) {
	f.Add([]byte("c2VjcmV0LXZhbHVlLXRoYXQtaXMtbG9uZw=="), 0)
	f.Add([]byte("a-b_c+d/e"), 3)
	f.Add([]byte("p%41ss%2Fw%zz"), 64)
	f.Add([]byte("%4"), 1)
	f.Add([]byte("0123456789abcdefABCDEF0"), 5)
	f.Fuzz(func(t *testing.T, in []byte, capacity int) {
		capacity = min(max(capacity, 0), 256)
		dst := slices.Repeat([]byte{0xAA}, capacity)[:0]
		got, ok := base64Decode(dst, in)
		want, wantOK := base64DecodeRef(in)
		if ok != wantOK || ok && string(got) != string(want) {
			t.Fatalf("base64Decode(%q) = %q, %v; want %q, %v", in, got, ok, want, wantOK)
		}
		got, ok = percentDecode(slices.Grow(dst, len(in)), in)
		want, wantOK = percentDecodeRef(in)
		if ok != wantOK || ok && string(got) != string(want) {
			t.Fatalf("percentDecode(%q) = %q, %v; want %q, %v", in, got, ok, want, wantOK)
		}
		st := &decodeState{buf: dst}
		hx := st.scratch(len(in) / 2)[:len(in)/2]
		n, err := hex.Decode(hx, in)
		wantHex, wantErr := hex.DecodeString(string(in))
		if (err == nil) != (wantErr == nil) || err == nil && string(hx[:n]) != string(wantHex) {
			t.Fatalf("hex into scratch (%q) = %q, %v; want %q, %v", in, hx[:n], err, wantHex, wantErr)
		}
	})
}

// Candidate runs that decode to binary (long identifiers, hashes, paths:
// most of those in source code) are dropped without an allocation each.
func TestDecodeCandidatesDoNotAllocate(t *testing.T) {
	rs := decodeRules(t)
	var sb strings.Builder
	for i := range 200 {
		// Base64-alphabet runs with upper, lower and digits that decode
		// to bytes that are not text; and even-length hex runs.
		sb.WriteString("x := lookupTable" + strings.Repeat("Zq9", 8+i%5) + "Wx7Yk2\n")
		sb.WriteString("h := \"" + strings.Repeat("9f86D081884c7d65", 2) + "\"\n")
	}
	data := []byte(sb.String())
	rs.Scan(data)
	allocs := testing.AllocsPerRun(20, func() { rs.appendDecoded(data, 0, nil) })
	if allocs > 10 {
		t.Fatalf("decoding 400 binary candidates allocated %.0f times per scan", allocs)
	}
}

// FuzzHasDigit checks the eight-bytes-at-a-time digit test against a loop.
//
//	go test ./rules -run '^$' -fuzz '^FuzzHasDigit$' -fuzztime 1m -parallel 1
func FuzzHasDigit(f *testing.F) {
	f.Add([]byte("abcdefgh/ijk.lmn_opq"))
	f.Add([]byte("abcdefgh9"))
	f.Add([]byte("\x00\xff/:0123456789"))
	f.Fuzz(func(t *testing.T, data []byte) {
		want := slices.ContainsFunc(data, func(c byte) bool { return '0' <= c && c <= '9' })
		if got := hasDigit(data); got != want {
			t.Fatalf("hasDigit(%q) = %v, want %v", data, got, want)
		}
	})
}

func TestHasDigit(t *testing.T) {
	// Every byte value at every position of a word and its tail, among
	// bytes that are no digits: the borrow of one must not fake another.
	for c := 0; c < 256; c++ {
		for n := 1; n <= 17; n++ {
			for at := 0; at < n; at++ {
				b := bytes.Repeat([]byte{'/'}, n)
				if at > 0 {
					b[at-1] = 0x3a // ':' just above '9', 0x0a after the XOR
				}
				b[at] = byte(c)
				want := '0' <= c && c <= '9'
				if got := hasDigit(b); got != want {
					t.Fatalf("hasDigit(%q) = %v, want %v", b, got, want)
				}
			}
		}
	}
}
