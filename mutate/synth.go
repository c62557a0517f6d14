package mutate

import (
	"encoding/binary"
	"hash"
	"hash/fnv"
)

// The synthetic alphabet: lowercase letters and digits without the easily
// confused l, o, 0 and 1. 32 symbols, five bits each.
const (
	alphabet   = "abcdefghijkmnpqrstuvwxyz23456789"
	letters    = "abcdefghijkmnpqrstuvwxyz" // first body symbol: always a letter, so it can carry case
	hashChars  = 9                          // symbols drawn from the HMAC
	checkChars = 2                          // checksum symbols
	bodyLen    = hashChars + checkChars
	// maxSynthLen is the longest synthetic (_cls + body).
	maxSynthLen = 4 + bodyLen
)

// kind is the role a name plays, chosen from the name alone so that one name
// gets one synthetic wherever it appears.
type kind uint8

const (
	kindVar kind = iota
	kindFn
	kindCls
)

func (k kind) prefix() string {
	switch k {
	case kindCls:
		return "_cls"
	case kindFn:
		return "_fn"
	}
	return "_v"
}

// shape is the capitalisation pattern of a name, carried into the body.
type shape uint8

const (
	shapeLower shape = iota // patientId, mrn
	shapeTitle              // PatientRecord, GetPatient
	shapeUpper              // PATIENT_LIMIT
)

// alphaIndex maps a byte (either case) to its lowercase alphabet symbol, 0
// when the byte is not in the alphabet.
var alphaIndex = func() (t [256]byte) {
	for i := 0; i < len(alphabet); i++ {
		c := alphabet[i]
		t[c] = c
		if c >= 'a' && c <= 'z' {
			t[c-32] = c
		}
	}
	return t
}()

// checksum returns the two check symbols of a canonical (lowercase)
// prefix+hash string. It is unkeyed on purpose: anyone may recognise a
// synthetic; only the key holder can mint one for a given name.
func checksum(canon []byte) (byte, byte) {
	h := fnv.New32a()
	h.Write(canon)
	s := h.Sum32()
	return alphabet[s&31], alphabet[(s>>5)&31]
}

// canonical computes the lowercase synthetic for name at the given attempt.
// entropy, when between 1 and hashChars-1, keeps only that many hash symbols
// and fixes the rest: a test knob that makes collisions frequent.
func canonical(mac hash.Hash, scratch *[]byte, k kind, name string, attempt uint32, entropy int) string {
	mac.Reset()
	// Message: kind, 0, attempt (4 bytes, big-endian), name.
	msg := append((*scratch)[:0], byte(k), 0)
	msg = binary.BigEndian.AppendUint32(msg, attempt)
	msg = append(msg, name...)
	mac.Write(msg)
	d := mac.Sum(msg[:0])
	*scratch = msg

	var buf [maxSynthLen]byte
	p := copy(buf[:], k.prefix())
	body := buf[p : p+bodyLen]
	body[0] = letters[int(d[0])%len(letters)]
	for i := 1; i < hashChars; i++ {
		body[i] = alphabet[d[i]&31]
	}
	if entropy > 0 && entropy < hashChars {
		for i := entropy; i < hashChars; i++ {
			body[i] = 'a'
		}
	}
	body[hashChars], body[hashChars+1] = checksum(buf[:p+hashChars])
	return string(buf[:p+bodyLen])
}

// applyShape returns the issued form of a canonical synthetic.
func applyShape(canon string, k kind, sh shape) string {
	if sh == shapeLower {
		return canon
	}
	b := []byte(canon)
	p := len(k.prefix())
	if sh == shapeTitle {
		b[p] -= 32 // body[0] is always a letter
		return string(b)
	}
	for i := p; i < len(b); i++ {
		if b[i] >= 'a' && b[i] <= 'z' {
			b[i] -= 32
		}
	}
	return string(b)
}

// synthAt reports whether a synthetic-shaped token starts at t[i] (which
// must be '_'). It returns the token length when one is complete and valid,
// or partial=true when t ends before the question can be decided.
func synthAt(t string, i int) (n int, partial bool) {
	if i+1 >= len(t) {
		return 0, true
	}
	var pfx string
	switch t[i+1] | 0x20 {
	case 'v':
		pfx = "_v"
	case 'c':
		pfx = "_cls"
	case 'f':
		pfx = "_fn"
	default:
		return 0, false
	}
	for k := 2; k < len(pfx); k++ {
		if i+k >= len(t) {
			return 0, true
		}
		if t[i+k]|0x20 != pfx[k] {
			return 0, false
		}
	}
	b := i + len(pfx)
	for k := 0; k < bodyLen; k++ {
		if b+k >= len(t) {
			return 0, true
		}
		c := alphaIndex[t[b+k]]
		if c == 0 || (k == 0 && c < 'a') {
			return 0, false
		}
	}
	var canon [maxSynthLen]byte
	n = len(pfx) + bodyLen
	lowerInto(canon[:], t[i:i+n])
	c1, c2 := checksum(canon[:len(pfx)+hashChars])
	if canon[n-2] != c1 || canon[n-1] != c2 {
		return 0, false
	}
	return n, false
}

// lowerInto writes the ASCII-lowercased s into dst.
func lowerInto(dst []byte, s string) {
	if n := len(s); n >= 8 && n <= 16 && len(dst) >= n {
		// A synthetic's length: two overlapping words, eight bytes
		// lowercased at once (PairSetOf lowercases one per pair).
		binary.LittleEndian.PutUint64(dst[n-8:], lower8(load64(s, n-8)))
		binary.LittleEndian.PutUint64(dst, lower8(load64(s, 0)))
		return
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 32
		}
		dst[i] = c
	}
}

// lower8 is x's eight bytes ASCII-lowercased: 0x20 added to each byte in
// 'A'-'Z' (seven-bit sums, so no byte carries into the next; bytes from
// 0x80 up are left alone).
func lower8(x uint64) uint64 {
	const ones = 0x0101010101010101
	h := x &^ (0x80 * ones)
	ge := h + (0x80-'A')*ones   // high bit: h >= 'A'
	gt := h + (0x80-'Z'-1)*ones // high bit: h > 'Z'
	return x | (ge&^gt&^x)&(0x80*ones)>>2
}

// shapeOf classifies the capitalisation of a name.
func shapeOf(name string) shape {
	upper, lower := 0, 0
	first := byte(0)
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z':
			lower++
		case c >= 'A' && c <= 'Z':
			upper++
		default:
			continue
		}
		if first == 0 {
			first = c
		}
	}
	switch {
	case upper >= 2 && lower == 0:
		return shapeUpper
	case first >= 'A' && first <= 'Z':
		return shapeTitle
	}
	return shapeLower
}
