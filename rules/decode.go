package rules

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"math/bits"
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/pretense/pretense/internal/bytemask"
)

// Decoding: a secret hidden in a base64, hex or percent-encoded string
// (a Kubernetes Secret, a basic-auth header, an escaped URL) is found by
// decoding the string and scanning the result with the same rules.
//
// Cost is kept to one table-driven pass over the input: only runs of the
// encoding's alphabet of bounded length are candidates, and a candidate is
// decoded only when it looks like an encoding (mixed classes for base64,
// digits and letters for hex, several %XX escapes); the result is scanned
// only when it is text. Decoding recurses (base64 of a percent-encoded
// URL, …) at most maxDecodeDepth levels, and at most maxDecodedBytes are
// decoded per scanned input.
const (
	maxDecodeDepth  = 3
	minEncodedRun   = 24
	maxEncodedRun   = 8 << 10
	maxDecodedBytes = 1 << 20
)

// Byte classes for candidate runs.
const (
	clB64 = 1 << iota // base64 and base64url alphabet
	clHex
	clPct // percent-encoded text: unreserved and common URL characters, '%'
	clUpper
	clLower
	clDigit
	clPad // '=': base64's padding, which ends a piece
	clURL // '-' and '_', base64url's
	clStd // '+' and '/', standard base64's
)

// decodeClasses holds a byte's classes, or the union of a run's.
type decodeClasses uint16

var decodeClass = func() (t [256]decodeClasses) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		switch {
		case b >= 'A' && b <= 'Z':
			t[c] |= clB64 | clPct | clUpper
			if b <= 'F' {
				t[c] |= clHex
			}
		case b >= 'a' && b <= 'z':
			t[c] |= clB64 | clPct | clLower
			if b <= 'f' {
				t[c] |= clHex
			}
		case b >= '0' && b <= '9':
			t[c] |= clB64 | clPct | clHex | clDigit
		case b == '=':
			t[c] |= clB64 | clPct | clPad
		case b == '-' || b == '_':
			t[c] |= clB64 | clPct | clURL
		case b == '+' || b == '/':
			t[c] |= clB64 | clPct | clStd
		case b == '%' || b == '.' || b == '~' || b == ':' || b == '@' || b == '&' || b == '?' || b == '!' || b == '*' || b == ',' || b == ';':
			t[c] |= clPct
		}
	}
	return t
}()

// appendDecoded scans the decodable strings of data and appends their
// matches to out. A match's Start and End are those of the encoded string
// in data (the only place a reader can find); Value is the decoded secret,
// so its fingerprint is the same as if it had been written plainly.
//
// marks are those of the keyword pass over data (marks.go): whether data
// holds an allow marker is known without searching it again.
func (rs *Ruleset) appendDecoded(data []byte, marks uint8, out []Match) []Match {
	st := decodePool.Get().(*decodeState)
	st.left = maxDecodedBytes
	out = rs.decodeMarked(data, !rs.noMarkers && marks&markAllow != 0, out, 1, "", st)
	decodePool.Put(st)
	return out
}

// decodeState is one appendDecoded call's: left is its budget of decoded
// bytes, buf the buffer candidates are decoded into. Most candidates of
// source code (a long identifier, a path, a hash) decode to binary and
// are dropped; only text is copied out of buf and scanned. Decoding into
// fresh memory (base64's DecodeString and the string conversions around
// it, two allocations per %XX escape) was ~70,000 allocations per scan of
// $GOROOT/src.
type decodeState struct {
	left int
	buf  []byte
	// splits holds decodeRun's masks, one per depth: a level's split
	// goes on after the levels below it have decoded. Here, not on the
	// stack, so that no call zeroes 2 KB.
	splits [maxDecodeDepth + 1]splitRun
}

var decodePool = sync.Pool{New: func() any { return new(decodeState) }}

// scratch returns st.buf with room for n bytes, empty.
func (st *decodeState) scratch(n int) []byte {
	if cap(st.buf) < n {
		st.buf = make([]byte, 0, max(n, 256))
	}
	return st.buf[:0]
}

func (rs *Ruleset) decodeLevel(data []byte, out []Match, depth int, chain string, st *decodeState) []Match {
	// Most inputs hold no allow marker: one search here spares every
	// candidate run a look along its line (8 KB on a minified file).
	marked := !rs.noMarkers && bytes.Contains(data, []byte(AllowMarker))
	return rs.decodeMarked(data, marked, out, depth, chain, st)
}

// decodeMarked is decodeLevel; marked says data holds an allow marker
// somewhere (and markers count).
func (rs *Ruleset) decodeMarked(data []byte, marked bool, out []Match, depth int, chain string, st *decodeState) []Match {
	eachLongRun(data, func(s, j int) {
		// Two '%' make a run a percent-encoding candidate; most runs
		// (identifiers, paths) hold none, which IndexByte finds without
		// a loop over the run here.
		k := bytes.IndexByte(data[s:j], '%')
		escaped := k >= 0 && bytes.IndexByte(data[s+k+1:j], '%') >= 0
		out = rs.decodeRun(data, s, j, escaped, marked, out, depth, chain, st)
	})
	return out
}

// eachLongRun calls f with every maximal run data[s:j] of at least
// minEncodedRun bytes of the widest alphabet (percent-encoded text;
// base64 and hex runs are sub-runs of it), in order: the candidates.
//
// It reads the alphabet masks of 64-byte blocks (pctSet) and finds the
// runs with bit operations on each: a run that goes on from the blocks
// before ends at the block's first zero bit, the runs inside it are
// found by longRunStarts's shifts, and the one it ends with goes on into the
// next. No byte is read twice; the version that probed and walked the
// runs' ends a byte at a time spent ~60% of its instructions there.
func eachLongRun(data []byte, f func(s, j int)) {
	if longRunVector {
		eachLongRunEvents(data, f)
		return
	}
	eachLongRunBlocks(data, f)
}

// eachLongRunBlocks is eachLongRun a block at a time.
func eachLongRunBlocks(data []byte, f func(s, j int)) {
	n := len(data)
	var masks [longRunBlocks]uint64
	run := 0 // data[pos-run:pos] is in the alphabet, data[pos-run-1] not
	pos := 0
	for pos < n {
		nb := min(longRunBlocks, (n-pos)/64)
		if nb > 0 {
			pctSet.Masks(masks[:nb], data[pos:])
		} else {
			// The last bytes, fewer than 64: the bits past the end are
			// zero, so the run there ends with the data.
			masks[0] = pctSet.Tail(data[pos:])
			nb = 1
		}
		for _, w := range masks[:nb] {
			if w == ^uint64(0) {
				run += 64
				pos += 64
				continue
			}
			t := bits.TrailingZeros64(^w) // where the run from before ends
			if run+t >= minEncodedRun {
				f(pos-run, pos+t)
			}
			top := bits.LeadingZeros64(^w) // the run the block ends with
			// Most blocks hold no run of minEncodedRun at all.
			if longRunStarts(w) != 0 {
				// The runs between: bit t and the bit below the top
				// run are zero, so each run of x is the block's own.
				x := w &^ (1<<t - 1) &^ (^uint64(0) << (64 - top))
				for {
					starts := longRunStarts(x)
					if starts == 0 {
						break
					}
					p := bits.TrailingZeros64(starts)
					e := p + bits.TrailingZeros64(^(x >> p))
					f(pos+p, pos+e)
					x &^= 1<<e - 1
				}
			}
			run = top
			pos += 64
		}
	}
	if run >= minEncodedRun {
		f(n-run, n)
	}
}

// longRunBlocks is how many 64-byte blocks eachLongRun classifies at a
// time (2 KB, masks on the stack).
const longRunBlocks = 32

// pctSet is clPct's alphabet, the widest candidate alphabet, as masks of
// 64-byte blocks (bytemask: AVX2 where the processor has it). The table
// version was ~8% of a scan's CPU.
var pctSet = bytemask.New(func(c byte) bool { return decodeClass[c]&clPct != 0 })

// longRunStarts returns the bits j of m such that bits j to j+23
// (minEncodedRun) are all set: after each step bit j says that bits j to
// j+w-1 are, for w = 2, 4, 8, 16 and 16+8.
func longRunStarts(m uint64) uint64 {
	m2 := m & (m >> 1)
	m4 := m2 & (m2 >> 2)
	m8 := m4 & (m4 >> 4)
	m16 := m8 & (m8 >> 8)
	return m16 & (m8 >> 16)
}

// longRunStarts counts 24 ones.
const _ = uint(minEncodedRun-24) + uint(24-minEncodedRun)

// decodeRun tries the encodings a run could be in; escaped says it holds
// two or more '%'. marked says data holds an allow marker somewhere (and
// markers count).
func (rs *Ruleset) decodeRun(data []byte, i, j int, escaped, marked bool, out []Match, depth int, chain string, st *decodeState) []Match {
	if st.left <= 0 || j-i > maxEncodedRun {
		return out
	}
	if escaped {
		if marked && lineHasMarker(data, i, j) {
			return out
		}
		if dec, ok := percentDecode(st.scratch(j-i), data[i:j]); ok {
			out = rs.scanDecoded(dec, i, j, out, depth, chain, "percent", st)
		}
		return out
	}
	// Both decodings below want a digit in the piece (hex digits and
	// letters, base64 upper, lower and digit): a run without one, as most
	// runs of source code are (identifiers, paths), has none to decode,
	// and hasDigit reads it 8 bytes at a time, not a class per byte.
	if !hasDigit(data[i:j]) {
		return out
	}
	// Split the run at characters outside base64, then try each piece.
	// The pieces' bounds are read off masks of the run (splitRun), not
	// a class load and a branch per byte.
	sp := &st.splits[depth]
	n := sp.masks(data, i, j)
	for s := 0; s < n; {
		e1 := firstClear(sp.a[:], s, n) // the piece's end before padding
		// Padding ends a piece; an '=' inside is an assignment
		// (key=value), which splits the run.
		e := e1
		for e < n && data[i+e] == '=' {
			e++
		}
		if e-s >= minEncodedRun {
			piece := data[i+s : i+e]
			cls := letterDigitClasses(data[i+s : i+e1])
			switch {
			case marked && lineHasMarker(data, i+s, i+e):
				// pretense:allow on the line covers what is encoded in it.
			case cls&clDigit != 0 && cls&(clUpper|clLower) != 0 && len(piece)%2 == 0 && isHexRun(piece):
				// The class tests first: most pieces (identifiers) hold
				// no digit, and isHexRun reads the whole piece. A piece
				// whose head decodes to no UTF-8 decodes to no text.
				if hexBinary(piece) {
					break
				}
				dec := st.scratch(len(piece) / 2)[:len(piece)/2]
				if n, err := hex.Decode(dec, piece); err == nil {
					out = rs.scanDecoded(dec[:n], i+s, i+e, out, depth, chain, "hex", st)
				}
			case cls&clUpper != 0 && cls&clLower != 0 && cls&clDigit != 0 && !base64Binary(piece):
				if dec, ok := base64Decode(st.scratch(len(piece)), piece); ok {
					out = rs.scanDecoded(dec, i+s, i+e, out, depth, chain, "base64", st)
				}
			}
		}
		s = nextPiece(sp.a[:], data[i:j], e)
	}
	return out
}

// hasDigit reports whether b holds an ASCII digit. Eight bytes at a
// time: a byte is a digit when it XOR '0' is below 10, and
// (y - 0x0a..0a) &^ y has a byte's high bit set for some byte of y below
// 10 whenever there is one (the borrows that can set other bits come from
// such a byte).
func hasDigit(b []byte) bool {
	const (
		zeros = 0x3030303030303030
		tens  = 0x0a0a0a0a0a0a0a0a
		highs = 0x8080808080808080
	)
	for len(b) >= 8 {
		y := binary.LittleEndian.Uint64(b) ^ zeros
		if (y-tens)&^y&highs != 0 {
			return true
		}
		b = b[8:]
	}
	for _, c := range b {
		if c-'0' < 10 {
			return true
		}
	}
	return false
}

// splitRun holds the mask of a run of at most maxEncodedRun bytes: bit q
// of a is set when the run's byte q is in base64's alphabet without '=';
// bits past the run are zero. ('=' is rare and is looked for byte by
// byte between the pieces.)
type splitRun struct {
	a [maxEncodedRun/64 + 1]uint64
}

// masks fills sp with the masks of data[i:j] and returns j-i. Blocks of
// 64 bytes are read from i on, past j while data lasts, and the bits past
// j are cleared; only a run within 64 bytes of data's end has its last
// bytes classified one at a time.
func (sp *splitRun) masks(data []byte, i, j int) int {
	n := j - i
	nb := (n + 63) / 64
	full := min(nb, (len(data)-i)/64)
	b64Set.Masks(sp.a[:full], data[i:])
	if full < nb {
		sp.a[full] = b64Set.Tail(data[i+64*full : j])
	}
	if r := n - 64*(nb-1); nb > 0 && r < 64 {
		sp.a[nb-1] &= uint64(1)<<r - 1
	}
	return n
}

// firstClear returns the first bit from q on that is clear in m, or n
// when bits q to n-1 are all set.
func firstClear(m []uint64, q, n int) int {
	if q >= n {
		return n
	}
	k := q >> 6
	if w := ^m[k] >> (q & 63); w != 0 {
		return min(q+bits.TrailingZeros64(w), n)
	}
	for k++; k<<6 < n; k++ {
		if w := ^m[k]; w != 0 {
			return min(k<<6+bits.TrailingZeros64(w), n)
		}
	}
	return n
}

// nextPiece returns where the next piece of run starts from q on: its
// first byte of base64 (a's next set bit) or '=' (an '=' after a byte
// outside base64 starts a piece of padding alone), or len(run).
func nextPiece(a []uint64, run []byte, q int) int {
	n := len(run)
	if q >= n {
		return n
	}
	next := n
	k := q >> 6
	if w := a[k] >> (q & 63); w != 0 {
		next = q + bits.TrailingZeros64(w)
	} else {
		for k++; k<<6 < n; k++ {
			if w := a[k]; w != 0 {
				next = k<<6 + bits.TrailingZeros64(w)
				break
			}
		}
	}
	// The bytes between are most often one separator ('.', ':', '%').
	for ; q < next; q++ {
		if run[q] == '=' {
			return q
		}
	}
	return next
}

// letterDigitClasses is the union of b's classes clUpper, clLower and
// clDigit, all the tests of a piece ask for. b is base64 without '='
// (a piece before its padding), whose bytes are told apart by bits 6, 5
// and 4: 0x6_ and 0x7_ lower, 0x4_ and 0x5_ upper but '_' (0x5f), 0x3_
// digits, 0x2_ '+', '-' and '/'. So eight bytes are classified together,
// not loaded from a table one at a time, and the loop stops once all
// three are in (most long pieces hold the three early).
func letterDigitClasses(b []byte) decodeClasses {
	const (
		all   = clUpper | clLower | clDigit
		sixes = 0x4040404040404040
	)
	var cls decodeClasses
	for len(b) > 0 {
		var x uint64
		if len(b) >= 8 {
			x = binary.LittleEndian.Uint64(b)
			b = b[8:]
		} else {
			// Repeating a byte of b changes no class in the union.
			var w [8]byte
			for k := range w {
				w[k] = b[min(k, len(b)-1)]
			}
			x = binary.LittleEndian.Uint64(w[:])
			b = nil
		}
		b6, b5, b4 := x&sixes, x<<1&sixes, x<<2&sixes
		low := x & (x >> 1) & (x >> 2) & (x >> 3) << 6 & sixes // low nibble 0xf
		if b6&b5 != 0 {
			cls |= clLower
		}
		if b6&^b5&^(b4&low) != 0 {
			cls |= clUpper
		}
		if b5&b4&^b6 != 0 {
			cls |= clDigit
		}
		if cls == all {
			break
		}
	}
	return cls
}

// b64Set is base64's alphabet without '=', as masks (bytemask):
// splitRun's.
var b64Set = bytemask.New(func(c byte) bool { return decodeClass[c]&(clB64|clPad) == clB64 })

func isHexRun(b []byte) bool {
	for _, c := range b {
		if decodeClass[c]&clHex == 0 {
			return false
		}
	}
	return true
}

// scanDecoded scans decoded bytes when they are text, recursing into
// encodings inside them, and maps the matches onto the encoded run. dec
// may be st's buffer: it is copied before it is scanned.
func (rs *Ruleset) scanDecoded(dec []byte, start, end int, out []Match, depth int, chain, enc string, st *decodeState) []Match {
	if len(dec) == 0 || !isText(dec) {
		return out
	}
	dec = bytes.Clone(dec) // the levels below decode into st.buf again
	st.left -= len(dec)
	name := enc
	if chain != "" {
		name = chain + ">" + enc
	}
	ms := rs.scanPlain(dec)
	if depth < maxDecodeDepth {
		ms = rs.decodeLevel(dec, ms, depth+1, name, st)
	}
	for _, m := range ms {
		if m.Decoded == "" {
			m.Decoded = name
		}
		m.Start, m.End = start, end
		out = append(out, m)
	}
	return out
}

// scanPlain is Scan without decoding: the keyword windows, the rules, the
// overlap filters.
func (rs *Ruleset) scanPlain(data []byte) []Match { return rs.settle(rs.match(data)) }

// base64Decode decodes standard or URL-safe base64, padded or not, into
// dst's spare capacity when it is large enough. A piece holding both
// alphabets' own bytes ('+' or '/', '-' or '_') is neither: the standard
// decoding fails on '-' and '_', the URL-safe one on '+' and '/', so
// trying one and then the other decides it without a pass over b for its
// classes (the split reads only enough of a piece for its letters and
// digits).
func base64Decode(dst, b []byte) ([]byte, bool) {
	s := bytes.TrimRight(b, "=")
	if len(s)%4 == 1 {
		return nil, false
	}
	n := base64.RawStdEncoding.DecodedLen(len(s))
	dec := slices.Grow(dst[:0], n)[:n]
	if k, err := base64.RawStdEncoding.Decode(dec, s); err == nil {
		return dec[:k], true
	}
	k, err := base64.RawURLEncoding.Decode(dec, s)
	return dec[:k], err == nil
}

// base64Binary reports that b, base64 (padded or not), does not decode
// to UTF-8, from its first 16 bytes alone: most base64-shaped pieces of
// source code (identifiers with digits) decode to bytes that are not
// UTF-8 within the first few, and isText would refuse them after the
// whole piece was decoded. The prefix decodes as the whole would in
// either alphabet it can be in; when it is in neither, neither decoding
// of the whole succeeds. b holds base64 bytes of either alphabet and '='
// only (a piece of decodeRun's split).
//
// The prefix is decoded here by b64Values, both alphabets at once (a
// prefix with bytes of only one decodes as that one does, a prefix with
// bytes of both in neither): encoding/base64's Decode, called for each
// alphabet, cost ~500 instructions a piece, 2% of a directory scan.
// base64BinaryRef in the tests is that version, which FuzzBase64Binary
// compares.
func base64Binary(b []byte) bool {
	b = bytes.TrimRight(b, "=")
	if len(b) < 16 {
		return false
	}
	var buf [12]byte
	var seen uint16 // the OR of the bytes' b64Values
	for q := 0; q < 16; q += 4 {
		x0, x1, x2, x3 := b64Values[b[q]], b64Values[b[q+1]], b64Values[b[q+2]], b64Values[b[q+3]]
		seen |= x0 | x1 | x2 | x3
		v := uint32(x0&0x3f)<<18 | uint32(x1&0x3f)<<12 | uint32(x2&0x3f)<<6 | uint32(x3&0x3f)
		k := q / 4 * 3
		buf[k], buf[k+1], buf[k+2] = byte(v>>16), byte(v>>8), byte(v)
	}
	if seen&b64Invalid != 0 || seen&(b64StdOnly|b64URLOnly) == b64StdOnly|b64URLOnly {
		return true
	}
	return notUTF8Prefix(buf[:])
}

// notUTF8Prefix reports that v, the first bytes of a decoding, is no
// prefix of valid UTF-8: a sequence in it is invalid, not merely cut
// short at its end, so the whole decoding is not UTF-8 and isText
// refuses it.
func notUTF8Prefix(v []byte) bool {
	for len(v) > 0 {
		if v[0] < utf8.RuneSelf {
			v = v[1:]
			continue
		}
		r, size := utf8.DecodeRune(v)
		if r == utf8.RuneError && size == 1 {
			// Invalid, unless more bytes could complete it.
			return utf8.FullRune(v)
		}
		v = v[size:]
	}
	return false
}

// hexBinary is base64Binary for hex: b, hex digits, does not decode to
// UTF-8, as its first 16 digits tell. Most hex pieces of source code
// (hashes, test vectors) decode to bytes that are not UTF-8 within the
// first few, and decoding them whole for isText to refuse was ~8 M
// instructions of a directory scan of $GOROOT/src.
func hexBinary(b []byte) bool {
	var buf [8]byte
	if len(b) < 16 {
		return false
	}
	if _, err := hex.Decode(buf[:], b[:16]); err != nil {
		return false // not hex: the caller's decoding says so
	}
	return notUTF8Prefix(buf[:])
}

// b64Values holds each byte's 6-bit value in base64 (low bits), with
// b64StdOnly or b64URLOnly for the bytes of one alphabet only ('+' and
// '/', '-' and '_'), or b64Invalid.
var b64Values = func() (t [256]uint16) {
	for c := range t {
		t[c] = b64Invalid
	}
	const std = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	for v := range len(std) {
		t[std[v]] = uint16(v)
	}
	t['+'], t['/'] = 62|b64StdOnly, 63|b64StdOnly
	t['-'], t['_'] = 62|b64URLOnly, 63|b64URLOnly
	return t
}()

const (
	b64StdOnly = 1 << 6
	b64URLOnly = 1 << 7
	b64Invalid = 1 << 8
)

// percentDecode decodes %XX escapes (and '+' as space, as forms do); ok is
// false when nothing was escaped or an escape is malformed.
func percentDecode(dst, b []byte) ([]byte, bool) {
	out := dst[:0]
	n := 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '%' {
			if i+2 >= len(b) {
				return nil, false
			}
			var v [1]byte
			if _, err := hex.Decode(v[:], b[i+1:i+3]); err != nil {
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

// isText reports decoded bytes that are worth scanning: valid UTF-8 with
// few control characters (random key material decodes to binary).
func isText(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	ctrl := 0
	for _, c := range b {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' {
			ctrl++
		}
	}
	return ctrl*20 <= len(b)
}
