package proxy

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"unicode/utf16"
	"unicode/utf8"
)

// The proxy rewrites a handful of string values inside request and response
// bodies and must leave every other byte exactly as the client sent it:
// prompt caching is an exact-prefix match, and unknown fields (new API
// features) must survive. encoding/json round trips reorder keys and rewrite
// numbers, so this file holds a small JSON parser that records where every
// value sits in the source, and an edit list that splices new string values
// into the original bytes.

type jkind uint8

const (
	jNull jkind = iota
	jBool
	jNum
	jStr
	jArr
	jObj
)

// jnode is one value. For members of an object keyStart/keyEnd span the key's
// quoted raw bytes. Children form a singly linked list through next.
type jnode struct {
	kind   jkind
	hasEsc bool
	// nesc is the number of escapes of a string (a surrogate pair counts
	// once; saturates), which sizes its escape table (jdoc.str).
	nesc             uint32
	start, end       int // raw span of the value (strings include quotes)
	keyStart, keyEnd int
	first, next      int // child list; -1 when none
}

// jdoc is a parsed document: nodes[0] is the root.
type jdoc struct {
	src   []byte
	nodes []jnode
	big   map[int]bigStr // decoded large strings with escapes
	// lease, when not nil, lends the buffers large strings are decoded
	// into (bufpool.go): every string read from the document is then the
	// request's until its lease is released, as src is.
	lease *lease
	// lone is 1 + the offset of the first \uXXXX escape that is half of a
	// UTF-16 surrogate pair without the other half (in a value or a key);
	// 0 when there is none. JSON allows it; the strict request check
	// refuses it (checkStrict).
	lone int
}

// maxJSONDepth bounds nesting so hostile input cannot exhaust the stack.
const maxJSONDepth = 512

// errJSON is wrapped by every parse error.
var errJSON = errors.New("invalid JSON")

type jparser struct {
	src   []byte
	pos   int
	nodes []jnode
	lone  int // jdoc.lone
	max   int // most nodes the document may have; 0: no limit, < 0: none
}

// maxRequestValues bounds the JSON values (strings, numbers, literals,
// objects, arrays) of one request, its top-level body and the JSON text
// inside its strings together. Each costs a 64-byte node and, when
// scanned, a text entry: a 64 MB body of tiny values ("[0,0,…]", 32
// million of them) took ~1.5 GB to parse and scan, and is refused (413)
// before that instead. A long agent session's request holds tens of
// thousands; 2^20 allow 64 MB of nodes at most.
const maxRequestValues = 1 << 20

// valuesLeft is the parseJSONLimit limit for a budget of n values.
func valuesLeft(n int) int {
	if n <= 0 {
		return -1
	}
	return n
}

// errTooManyValues is wrapped by a parse that met its node limit.
var errTooManyValues = fmt.Errorf("%w: too many JSON values", errTooLarge)

// parseJSON parses a copy of src: the caller may reuse src as soon as it
// returns (a frame decoder's payload, a pooled buffer). Use it unless the
// buffer is the caller's to give away; then parseJSONOwned saves the copy.
func parseJSON(src []byte) (*jdoc, error) { return parseJSONOwned(bytes.Clone(src)) }

// parseJSONOwned parses src as one JSON value surrounded by optional
// whitespace, taking src: the document and every string read from it
// (str, strAt, raw; unescaped strings are not copied, stringOf) alias src,
// so src must never change again. A large request body is parsed this way
// so it is not held twice.
func parseJSONOwned(src []byte) (*jdoc, error) { return parseJSONLimit(src, 0) }

// parseJSONLimit is parseJSONOwned with at most max nodes (none when max
// < 0, any number when 0): past them it stops with errTooManyValues,
// before allocating more.
func parseJSONLimit(src []byte, max int) (*jdoc, error) {
	p := &jparser{src: src, nodes: make([]jnode, 0, 16+len(src)/1024), max: max}
	p.ws()
	if _, err := p.value(0); err != nil {
		return nil, err
	}
	p.ws()
	if p.pos != len(src) {
		return nil, p.errf("unexpected data after the top-level value")
	}
	return &jdoc{src: src, nodes: p.nodes, lone: p.lone}, nil
}

func (p *jparser) errf(format string, a ...any) error {
	return fmt.Errorf("%w at byte %d: %s", errJSON, p.pos, fmt.Sprintf(format, a...))
}

func (p *jparser) ws() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *jparser) add(n jnode) int {
	p.nodes = append(p.nodes, n)
	return len(p.nodes) - 1
}

func (p *jparser) value(depth int) (int, error) {
	if depth > maxJSONDepth {
		return -1, p.errf("nesting deeper than %d", maxJSONDepth)
	}
	if p.max != 0 && len(p.nodes) >= max(p.max, 0) {
		return -1, fmt.Errorf("%w (more than %d, at byte %d)", errTooManyValues, p.max, p.pos)
	}
	if p.pos >= len(p.src) {
		return -1, p.errf("unexpected end of input")
	}
	switch c := p.src[p.pos]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		start := p.pos
		nesc, err := p.str()
		if err != nil {
			return -1, err
		}
		return p.add(jnode{kind: jStr, start: start, end: p.pos, first: -1, next: -1, hasEsc: nesc > 0, nesc: nesc}), nil
	case c == 't':
		return p.lit("true", jBool)
	case c == 'f':
		return p.lit("false", jBool)
	case c == 'n':
		return p.lit("null", jNull)
	case c == '-' || (c >= '0' && c <= '9'):
		return p.num()
	default:
		return -1, p.errf("unexpected character %q", c)
	}
}

func (p *jparser) lit(word string, k jkind) (int, error) {
	if len(p.src)-p.pos < len(word) || string(p.src[p.pos:p.pos+len(word)]) != word {
		return -1, p.errf("invalid literal")
	}
	start := p.pos
	p.pos += len(word)
	return p.add(jnode{kind: k, start: start, end: p.pos, first: -1, next: -1}), nil
}

func (p *jparser) digits() int {
	n := 0
	for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
		p.pos++
		n++
	}
	return n
}

func (p *jparser) num() (int, error) {
	start := p.pos
	if p.src[p.pos] == '-' {
		p.pos++
	}
	if p.pos < len(p.src) && p.src[p.pos] == '0' {
		p.pos++
	} else if p.digits() == 0 {
		return -1, p.errf("invalid number")
	}
	if p.pos < len(p.src) && p.src[p.pos] == '.' {
		p.pos++
		if p.digits() == 0 {
			return -1, p.errf("invalid number")
		}
	}
	if p.pos < len(p.src) && (p.src[p.pos] == 'e' || p.src[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.src) && (p.src[p.pos] == '+' || p.src[p.pos] == '-') {
			p.pos++
		}
		if p.digits() == 0 {
			return -1, p.errf("invalid number")
		}
	}
	return p.add(jnode{kind: jNum, start: start, end: p.pos, first: -1, next: -1}), nil
}

// str consumes a quoted string and returns the number of its escapes (a
// surrogate pair counts once; saturating). Surrogate escapes are paired
// here, in the same pass (jparser.lone).
func (p *jparser) str() (uint32, error) {
	p.pos++ // opening quote
	var esc uint32
	src := p.src
	for p.pos < len(src) {
		// Plain text, eight bytes at a time: no quote, backslash or
		// control character in the word. A word with one goes straight
		// to the first such byte (escape-dense text: a line break every
		// 40 bytes is common in code).
		p.pos = plainRun(src, p.pos)
		if p.pos >= len(src) {
			break
		}
		c := src[p.pos]
		switch {
		case c == '"':
			p.pos++
			return esc, nil
		case c == '\\':
			if esc != ^uint32(0) {
				esc++
			}
			if p.pos+1 >= len(src) {
				return 0, p.errf("unterminated string")
			}
			switch src[p.pos+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p.pos += 2
			case 'u':
				r, ok := hex4(src[p.pos+2:])
				if !ok {
					if p.pos+6 > len(src) {
						return 0, p.errf("short unicode escape")
					}
					return 0, p.errf("invalid unicode escape")
				}
				if r >= 0xD800 && r < 0xE000 {
					// Half of a pair: valid only as a high half followed by
					// an escaped low half.
					r2, ok := rune(0), false
					if r < 0xDC00 && p.pos+12 <= len(src) && src[p.pos+6] == '\\' && src[p.pos+7] == 'u' {
						r2, ok = hex4(src[p.pos+8:])
					}
					if ok && r2 >= 0xDC00 && r2 < 0xE000 {
						p.pos += 12
						continue
					}
					if p.lone == 0 {
						p.lone = p.pos + 1
					}
				}
				p.pos += 6
			default:
				return 0, p.errf("invalid escape")
			}
		case c < 0x20:
			return 0, p.errf("control character in string")
		default:
			p.pos++
		}
	}
	return 0, p.errf("unterminated string")
}

// plainRunWords is plainRun eight bytes a word (without AVX2, under
// -tags purego and off amd64; and FuzzPlainRun's reference): it returns
// the position of the first quote, backslash or control character of src
// at or after i, or a position within the last eight bytes of src from
// which the caller reads on byte by byte. Sixteen bytes a loop (two words, each mask's lowest bit exact on its own), the
// position in a register: a resent 64 KB request is parsed in full (a
// field is known by its fingerprint only once it is delimited), and this
// loop was most of the parse.
func plainRunWords(src []byte, i int) int {
	for i+16 <= len(src) {
		w := src[i : i+16]
		m0 := specialMask(binary.LittleEndian.Uint64(w))
		m1 := specialMask(binary.LittleEndian.Uint64(w[8:]))
		if m0 != 0 {
			return i + bits.TrailingZeros64(m0)/8
		}
		if m1 != 0 {
			return i + 8 + bits.TrailingZeros64(m1)/8
		}
		i += 16
	}
	for i+8 <= len(src) {
		if m := specialMask(binary.LittleEndian.Uint64(src[i:])); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
		i += 8
	}
	return i
}

// specialMask has the high bit set in the bytes of w (eight string bytes,
// little-endian) that may be a quote, a backslash or a control character
// (below 0x20), and is zero when there is none. The lowest set bit is
// exact (the subtractions borrow only upwards from a byte that matches),
// so it names the first such byte; bits above it may be false alarms.
func specialMask(w uint64) uint64 {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	quote := w ^ (lo * '"')
	bslash := w ^ (lo * '\\')
	return ((quote-lo)&^quote | (bslash-lo)&^bslash | (w-lo*0x20)&^w) & hi
}

// hex4 decodes the four hex digits at the start of b: a table load per
// digit and one test of the four together, where a switch per digit was
// ~56 instructions (encoding/json writes a \u003c or \u003e for every <
// and >, and each is read by the parse and again by the decoding).
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	d0, d1, d2, d3 := hexVal[b[0]], hexVal[b[1]], hexVal[b[2]], hexVal[b[3]]
	if (d0|d1|d2|d3)&0x10 != 0 {
		return 0, false
	}
	return rune(d0)<<12 | rune(d1)<<8 | rune(d2)<<4 | rune(d3), true
}

// hexVal is a hex digit's value, 0x10 for any other byte.
var hexVal = func() (t [256]uint8) {
	for c := range t {
		switch {
		case c >= '0' && c <= '9':
			t[c] = uint8(c - '0')
		case c >= 'a' && c <= 'f':
			t[c] = uint8(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			t[c] = uint8(c - 'A' + 10)
		default:
			t[c] = 0x10
		}
	}
	return t
}()

func (p *jparser) object(depth int) (int, error) {
	idx := p.add(jnode{kind: jObj, start: p.pos, first: -1, next: -1})
	p.pos++
	p.ws()
	if p.pos < len(p.src) && p.src[p.pos] == '}' {
		p.pos++
		p.nodes[idx].end = p.pos
		return idx, nil
	}
	last := -1
	for {
		p.ws()
		if p.pos >= len(p.src) || p.src[p.pos] != '"' {
			return -1, p.errf("expected object key")
		}
		ks := p.pos
		if _, err := p.str(); err != nil {
			return -1, err
		}
		ke := p.pos
		p.ws()
		if p.pos >= len(p.src) || p.src[p.pos] != ':' {
			return -1, p.errf("expected ':'")
		}
		p.pos++
		p.ws()
		child, err := p.value(depth + 1)
		if err != nil {
			return -1, err
		}
		p.nodes[child].keyStart, p.nodes[child].keyEnd = ks, ke
		if last < 0 {
			p.nodes[idx].first = child
		} else {
			p.nodes[last].next = child
		}
		last = child
		p.ws()
		if p.pos >= len(p.src) {
			return -1, p.errf("unterminated object")
		}
		if p.src[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.src[p.pos] == '}' {
			p.pos++
			p.nodes[idx].end = p.pos
			return idx, nil
		}
		return -1, p.errf("expected ',' or '}'")
	}
}

func (p *jparser) array(depth int) (int, error) {
	idx := p.add(jnode{kind: jArr, start: p.pos, first: -1, next: -1})
	p.pos++
	p.ws()
	if p.pos < len(p.src) && p.src[p.pos] == ']' {
		p.pos++
		p.nodes[idx].end = p.pos
		return idx, nil
	}
	last := -1
	for {
		p.ws()
		child, err := p.value(depth + 1)
		if err != nil {
			return -1, err
		}
		if last < 0 {
			p.nodes[idx].first = child
		} else {
			p.nodes[last].next = child
		}
		last = child
		p.ws()
		if p.pos >= len(p.src) {
			return -1, p.errf("unterminated array")
		}
		if p.src[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.src[p.pos] == ']' {
			p.pos++
			p.nodes[idx].end = p.pos
			return idx, nil
		}
		return -1, p.errf("expected ',' or ']'")
	}
}

// kind returns the kind of node i; -1 (absent) reads as null.
func (d *jdoc) kind(i int) jkind {
	if i < 0 {
		return jNull
	}
	return d.nodes[i].kind
}

// get returns the member of object i named key, or -1.
func (d *jdoc) get(i int, key string) int {
	if i < 0 || d.nodes[i].kind != jObj {
		return -1
	}
	for c := d.nodes[i].first; c >= 0; c = d.nodes[c].next {
		if d.keyIs(c, key) {
			return c
		}
	}
	return -1
}

// keyIs reports whether member c's key equals key.
func (d *jdoc) keyIs(c int, key string) bool {
	n := &d.nodes[c]
	raw := d.src[n.keyStart+1 : n.keyEnd-1]
	if len(raw) == len(key) && string(raw) == key {
		return true
	}
	for _, b := range raw {
		if b == '\\' {
			k, err := unquote(d.src[n.keyStart:n.keyEnd])
			return err == nil && k == key
		}
	}
	return false
}

// key returns member c's decoded key.
func (d *jdoc) key(c int) string {
	n := &d.nodes[c]
	k, err := unquote(d.src[n.keyStart:n.keyEnd])
	if err != nil {
		return ""
	}
	return k
}

// keyView is key aliasing the source when the key has no escapes (as str
// does for a value): for a key compared or scanned while the request is
// read, never kept past it (the source may be a buffer given back then).
func (d *jdoc) keyView(c int) string {
	n := &d.nodes[c]
	raw := d.src[n.keyStart+1 : n.keyEnd-1]
	if bytes.IndexByte(raw, '\\') < 0 {
		return stringOf(raw)
	}
	return d.key(c)
}

// str returns the decoded value of string node i ("" for anything else).
func (d *jdoc) str(i int) string {
	if i < 0 || d.nodes[i].kind != jStr {
		return ""
	}
	n := &d.nodes[i]
	if !n.hasEsc {
		// src is never modified once parsed (parseJSONOwned): alias it.
		return stringOf(d.src[n.start+1 : n.end-1])
	}
	if n.end-n.start >= bigString {
		// Decoded once: a large field is read by the scan, the payload
		// check and the rewrite.
		if b, ok := d.big[i]; ok {
			return b.s
		}
	}
	q := d.src[n.start:n.end]
	var b bigStr
	var err error
	if n.end-n.start >= bigString && d.lease != nil {
		// Decoded text is never longer than its escaped form. The
		// escape table (escTable) goes after it in the same buffer, when
		// it is small next to the string and the text may be short
		// enough for the memo to keep it (an escape decodes to at least
		// its length as sent less 8 bytes), which is what it is for.
		body := q[1 : len(q)-1]
		tn := escEntry * int(n.nesc)
		if tn > len(body)/2 || len(body)-8*int(n.nesc) > maxMemoText {
			tn = 0
		}
		buf := d.lease.get(len(body) + tn)
		var esc []byte
		if tn > 0 {
			esc = buf[len(body) : len(body)+tn : len(body)+tn]
		}
		b.s, b.esc, err = unquoteEsc(buf[:0:len(body)], body, esc)
	} else {
		b.s, err = unquote(q)
	}
	if err != nil {
		return ""
	}
	if n.end-n.start >= bigString {
		if d.big == nil {
			d.big = map[int]bigStr{}
		}
		d.big[i] = b
	}
	return b.s
}

// bigStr is a decoded large string and its escape table (nil if none).
type bigStr struct {
	s   string
	esc escTable
}

// escapes is the escape table of string node i, read (str) into a lent
// buffer; nil when there is none (a short string, none kept, not read).
func (d *jdoc) escapes(i int) escTable {
	if i < 0 || i >= len(d.nodes) {
		return nil
	}
	return d.big[i].esc
}

// bigString is the size from which a decoded string is kept (jdoc.big)
// and decoded into a lent buffer (jdoc.lease).
const bigString = minPooledBuf

// strAt is get followed by str.
func (d *jdoc) strAt(i int, key string) string { return d.str(d.get(i, key)) }

// raw returns the source bytes of node i.
func (d *jdoc) raw(i int) []byte { return d.src[d.nodes[i].start:d.nodes[i].end] }

// each calls fn for every child of object or array i, in source order.
func (d *jdoc) each(i int, fn func(c int)) {
	if i < 0 || (d.nodes[i].kind != jObj && d.nodes[i].kind != jArr) {
		return
	}
	for c := d.nodes[i].first; c >= 0; c = d.nodes[c].next {
		fn(c)
	}
}

// unquote decodes a quoted JSON string that the parser already validated.
func unquote(q []byte) (string, error) {
	if len(q) < 2 || q[0] != '"' || q[len(q)-1] != '"' {
		return "", fmt.Errorf("%w: not a string", errJSON)
	}
	return unquoteBody(q[1 : len(q)-1])
}

// unquoteBody decodes the inside of a quoted JSON string (or a piece of it
// that starts and ends on escape boundaries).
func unquoteBody(s []byte) (string, error) { return unquoteBodyTo(make([]byte, 0, len(s)), s) }

// appendPlainIndex is appendPlain by IndexByte and append (without AVX2,
// for the last bytes of s, and where out has no room for the rest).
func appendPlainIndex(out, s []byte, i int) ([]byte, int) {
	j := bytes.IndexByte(s[i:], '\\')
	if j < 0 {
		j = len(s) - i
	}
	return append(out, s[i:i+j]...), i + j
}

// unquoteBodyTo is unquoteBody appending to out, which must be empty and
// hold len(s) bytes (what s decodes to at most): the string returned is
// out's bytes.
func unquoteBodyTo(out, s []byte) (string, error) {
	for i := 0; i < len(s); {
		if s[i] != '\\' {
			// Copy the run up to the next escape in one go.
			out, i = appendPlain(out, s, i)
			continue
		}
		if i+1 >= len(s) {
			return "", fmt.Errorf("%w: trailing backslash", errJSON)
		}
		c, ok := simpleEscape(s[i+1])
		if !ok {
			if s[i+1] != 'u' {
				return "", fmt.Errorf("%w: invalid escape", errJSON)
			}
			r, n, err := decodeU(s[i:])
			if err != nil {
				return "", err
			}
			out = utf8.AppendRune(out, r)
			i += n
			continue
		}
		out = append(out, c)
		i += 2
	}
	return stringOf(out), nil // out is not touched again
}

// simpleEscape is the byte a two-byte escape \c stands for; ok is false
// for \u and for what is not an escape.
func simpleEscape(c byte) (byte, bool) {
	switch c {
	case '"', '\\', '/':
		return c, true
	case 'b':
		return '\b', true
	case 'f':
		return '\f', true
	case 'n':
		return '\n', true
	case 'r':
		return '\r', true
	case 't':
		return '\t', true
	}
	return 0, false
}

// unquoteEsc is unquoteBodyTo that also records the escapes of s in esc
// (escEntry bytes of capacity per escape; its length does not matter) as
// an escTable. The table is nil when esc is, when it runs out of room or
// when s is longer than an entry can place (maxEscOffset).
func unquoteEsc(out, s, esc []byte) (string, escTable, error) {
	if esc == nil || len(s) > maxEscOffset {
		t, err := unquoteBodyTo(out, s)
		return t, nil, err
	}
	esc = esc[:cap(esc)]
	ne, full := 0, false
	for i := 0; i < len(s); {
		if s[i] != '\\' {
			out, i = appendPlain(out, s, i)
			continue
		}
		if i+1 >= len(s) {
			return "", nil, fmt.Errorf("%w: trailing backslash", errJSON)
		}
		// The entry: offset << 8 | bytes as sent << 4 | bytes decoded.
		var e uint32
		if c, ok := simpleEscape(s[i+1]); ok {
			out = append(out, c)
			e = uint32(i)<<8 | 2<<4 | 1
		} else if s[i+1] == 'u' {
			r, n, err := decodeU(s[i:])
			if err != nil {
				return "", nil, err
			}
			k := len(out)
			out = utf8.AppendRune(out, r)
			e = uint32(i)<<8 | uint32(n)<<4 | uint32(len(out)-k)
		} else {
			return "", nil, fmt.Errorf("%w: invalid escape", errJSON)
		}
		if ne+escEntry <= len(esc) {
			binary.LittleEndian.PutUint32(esc[ne:], e)
			ne += escEntry
		} else {
			full = true // more escapes than the parser counted: no table
		}
		i += int(e >> 4 & 0xf)
	}
	if full {
		return stringOf(out), nil, nil
	}
	return stringOf(out), escTable(esc[:ne]), nil // out is not touched again
}

// decodeU decodes \uXXXX (and a following low surrogate) at the start of s.
func decodeU(s []byte) (rune, int, error) {
	if len(s) < 6 {
		return 0, 0, fmt.Errorf("%w: short unicode escape", errJSON)
	}
	// hex4, not strconv.ParseUint(string(...)): JSON from encoding/json
	// has a \u003c or \u003e for every < and >, 1,250 in a 64 KB file of
	// code, each decoded when the text is read and when the memo maps it
	// (rawCursor).
	r, ok := hex4(s[2:6])
	if !ok {
		return 0, 0, fmt.Errorf("%w: invalid unicode escape", errJSON)
	}
	if utf16.IsSurrogate(r) {
		if len(s) >= 12 && s[6] == '\\' && s[7] == 'u' {
			if r2, ok := hex4(s[8:12]); ok {
				if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
					return d, 12, nil
				}
			}
		}
		return utf8.RuneError, 6, nil
	}
	return r, 6, nil
}

const hexDigits = "0123456789abcdef"

// appendQuote appends s as a JSON string. Like encoding/json it replaces
// invalid UTF-8 with U+FFFD and escapes U+2028/U+2029, but it leaves <, >
// and & alone so text reads the same on both sides.
func appendQuote(dst []byte, s string) []byte {
	dst = append(dst, '"')
	dst = appendQuoteBody(dst, s)
	return append(dst, '"')
}

// appendQuoteBody is appendQuote without the quotes. Each rune is escaped
// on its own, so s may be quoted in pieces split anywhere but before a
// UTF-8 continuation byte (quoteSplit) with the same result.
func appendQuoteBody(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		// Plain ASCII, eight bytes at a time, as the reader does
		// (jparser.str): a word with a byte to escape or a non-ASCII one
		// goes straight to the first such byte.
		for i+8 <= len(s) {
			if m := quoteMask(load64(s, i)); m != 0 {
				i += bits.TrailingZeros64(m) / 8
				break
			}
			i += 8
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(dst, s[start:]...)
}

// quoteMask is specialMask plus the bytes of w from 0x80 up (UTF-8 that
// must be checked); its lowest set bit is exact, as specialMask's.
func quoteMask(w uint64) uint64 { return specialMask(w) | w&0x8080808080808080 }

// load64 is the little-endian word of s[i:i+8] (one load once compiled).
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// quotedBodyLen is len(appendQuoteBody(nil, s)), without building it.
func quotedBodyLen(s string) int {
	n := 0
	for i := 0; i < len(s); {
		// Plain ASCII, eight bytes at a time, as appendQuoteBody: each
		// such byte is written as it is.
		for i+8 <= len(s) {
			if m := quoteMask(load64(s, i)); m != 0 {
				k := bits.TrailingZeros64(m) / 8
				i, n = i+k, n+k
				break
			}
			i, n = i+8, n+8
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c >= 0x20 && c != '"' && c != '\\':
				n++
			case c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t':
				n += 2
			default:
				n += 6
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1, r == '\u2028', r == '\u2029':
			n += 6
		default:
			n += size
		}
		i += size
	}
	return n
}

// quoteSplit returns where to end a piece of s of about n bytes so that
// quoting the pieces one by one equals quoting s: never before a UTF-8
// continuation byte.
func quoteSplit(s string, n int) int {
	if n >= len(s) {
		return len(s)
	}
	for n < len(s) && s[n]&0xc0 == 0x80 {
		n++
	}
	return n
}

// edit replaces src[start:end] with repl.
type edit struct {
	start, end int
	repl       []byte

	// quote, when quoted is set, is written JSON-quoted in place of repl,
	// straight into the output (no intermediate copy of a large text).
	quote  mtext
	quoted bool

	// splices, when not nil, are applied to src[start:end] (a JSON string
	// as sent) in place of repl: the memo's form of a text (rawSplices).
	splices *spliceSet
}

// size is the exact number of bytes the edit writes.
func (e edit) size() int {
	if e.quoted {
		return e.quote.quotedLen()
	}
	if e.splices != nil {
		return e.end - e.start + splicedDelta(e.splices)
	}
	return len(e.repl)
}

// applyEdits splices edits (sorted by start, non-overlapping) into src.
func applyEdits(src []byte, edits []edit) []byte {
	if len(edits) == 0 {
		return src
	}
	out := make([]byte, 0, splicedLen(src, edits))
	prev := 0
	for _, e := range edits {
		out = append(out, src[prev:e.start]...)
		switch {
		case e.quoted:
			out = appendMQuote(out, e.quote)
		case e.splices != nil:
			out = applySplices(out, src[e.start:e.end], e.splices)
		default:
			out = append(out, e.repl...)
		}
		prev = e.end
	}
	return append(out, src[prev:]...)
}

// splicedLen is len(applyEdits(src, edits)).
func splicedLen(src []byte, edits []edit) int {
	n := len(src)
	for _, e := range edits {
		n += e.size() - (e.end - e.start)
	}
	return n
}

// appendMQuote appends m's text as a JSON string.
func appendMQuote(dst []byte, m mtext) []byte {
	if m.quoted != "" {
		return append(dst, m.quoted...)
	}
	if m.splices != nil {
		return applySplices(dst, m.raw, m.splices)
	}
	dst = append(dst, '"')
	last := 0
	for _, r := range m.reps {
		dst = appendQuoteBody(dst, m.base[last:r.Start])
		dst = appendQuoteBody(dst, r.Synthetic)
		last = r.End
	}
	dst = appendQuoteBody(dst, m.base[last:])
	return append(dst, '"')
}

// rawSplice replaces raw[start:end] of a JSON string as sent (quotes
// included) with its synthetic, quoted as a JSON string's inside: the
// bytes syns[syn0:syn1] of its spliceSet.
type rawSplice struct {
	start, end int32
	syn0, syn1 int32
}

// spliceSet is a text's splices (rawSplices) and their synthetics, back
// to back in one string. The memo keeps thousands of these: without a
// string in every splice the collector scans one pointer a set, not one a
// replacement.
type spliceSet struct {
	sp   []rawSplice
	syns string
}

// syn is splice k's synthetic as written.
func (s *spliceSet) syn(k int) string { return s.syns[s.sp[k].syn0:s.sp[k].syn1] }

// rawSplices returns m's replacements as splices of raw, the JSON string
// as sent (quotes included) that m.base was decoded from: the mutated
// text's JSON string is raw with them applied (applySplices), the client's
// bytes between replacements, escapes included, kept as they were. The
// decoded value is the same: mutate.Apply(m.base, m.reps). ok is false
// when raw is not a quoted string, a replacement does not begin and end
// between two characters of raw (never expected: replacements are whole
// words), or raw does not decode to as many bytes as m.base; then the
// caller quotes m.base (appendMQuote). esc, when not nil, is raw's escape
// table, recorded as m.base was decoded from it (jdoc.escapes): the
// replacements are then placed by it instead of by walking raw's escapes
// again.
//
// A text the memo keeps is kept this way, as splices of the bytes it was
// sent as, and not as a copy of its mutated JSON string: remembering a
// never-seen 64 KB prompt copied it (the proxy's own largest cost after
// quoting it was made a copy, 0.05 cpu-ms of a request), and a resent one
// is written from the request's own bytes either way.
func rawSplices(raw []byte, esc escTable, m mtext) (_ *spliceSet, ok bool) {
	if m.quoted != "" || m.splices != nil || len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' || len(raw) > math.MaxInt32 {
		return nil, false
	}
	body := raw[1 : len(raw)-1]
	out := make([]rawSplice, 0, len(m.reps))
	n := 0
	for _, r := range m.reps {
		n += len(r.Synthetic)
	}
	syns := make([]byte, 0, n)
	var seek func(t int) (int, bool)
	if esc != nil {
		c := escCursor{t: esc, n: len(body)}
		seek = c.seek
	} else {
		c := rawCursor{s: body, next: -1}
		seek = c.seek
	}
	for _, r := range m.reps {
		a, okA := seek(r.Start)
		b, okB := seek(r.End)
		if !okA || !okB {
			return nil, false
		}
		s0 := len(syns)
		syns = appendQuoteBody(syns, r.Synthetic)
		if len(syns) > math.MaxInt32 {
			return nil, false
		}
		out = append(out, rawSplice{start: int32(1 + a), end: int32(1 + b), syn0: int32(s0), syn1: int32(len(syns))})
	}
	if end, ok := seek(len(m.base)); !ok || end != len(body) {
		return nil, false
	}
	return &spliceSet{sp: out, syns: stringOf(syns)}, true // syns is not written again
}

// applySplices appends raw with splices (sorted, apart) applied.
func applySplices(dst, raw []byte, splices *spliceSet) []byte {
	last := 0
	for _, s := range splices.sp {
		dst = append(dst, raw[last:s.start]...)
		dst = append(dst, splices.syns[s.syn0:s.syn1]...)
		last = int(s.end)
	}
	return append(dst, raw[last:]...)
}

// splicedDelta is len(applySplices(nil, raw, splices)) - len(raw).
func splicedDelta(splices *spliceSet) int {
	n := 0
	for _, s := range splices.sp {
		n += int(s.syn1-s.syn0) - int(s.end-s.start)
	}
	return n
}

// rawCursor walks the inside of a JSON string as sent (s, validated by the
// parser) and its decoded text (unquoteBody's) side by side.
type rawCursor struct {
	s        []byte
	raw, dec int // the same place in s and in the decoded text
	next     int // the first backslash of s at or after raw; -1 not known yet
}

// seek moves to decoded offset t, at or after the cursor, and returns the
// offset in s there. ok is false when t is behind the cursor, beyond the
// text, or inside the decoded form of one escape.
func (c *rawCursor) seek(t int) (int, bool) {
	for c.dec < t {
		if c.next < c.raw {
			c.next = len(c.s)
			if j := bytes.IndexByte(c.s[c.raw:], '\\'); j >= 0 {
				c.next = c.raw + j
			}
		}
		if plain := c.next - c.raw; plain > 0 {
			// Plain bytes decode to themselves.
			if c.dec+plain >= t {
				c.raw += t - c.dec
				c.dec = t
				break
			}
			c.raw, c.dec = c.next, c.dec+plain
			continue
		}
		if c.raw >= len(c.s) {
			return 0, false
		}
		rawN, decN, ok := escapeLen(c.s[c.raw:])
		if !ok || c.dec+decN > t {
			return 0, false
		}
		c.raw, c.dec = c.raw+rawN, c.dec+decN
	}
	return c.raw, c.dec == t
}

// escapeLen is the length of the escape at the start of s as sent and as
// unquoteBody decodes it.
func escapeLen(s []byte) (rawN, decN int, ok bool) {
	if len(s) < 2 {
		return 0, 0, false
	}
	switch s[1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2, 1, true
	case 'u':
		r, n, err := decodeU(s)
		if err != nil {
			return 0, 0, false
		}
		if l := utf8.RuneLen(r); l > 0 {
			return n, l, true
		}
		return n, len(string(utf8.RuneError)), true
	}
	return 0, 0, false
}

// An escTable lists the escapes of the inside of a JSON string as sent,
// in order, as unquoteEsc met them while decoding it: escEntry bytes
// each, a little-endian uint32 holding the escape's offset << 8, the
// bytes it takes as sent << 4 and the bytes it decodes to. Between two
// escapes a decoded offset and a raw one differ by what the escapes
// before saved, so a replacement of the decoded text is placed without
// reading the string again (rawSplices).
type escTable []byte

const (
	escEntry = 4
	// maxEscOffset: a longer string has no table (offsets fill 24 bits).
	maxEscOffset = 1<<24 - 1
)

// escCursor is rawCursor over a string's escTable: seek moves through
// the table, not the string.
type escCursor struct {
	t    escTable
	n    int // length of the string as sent
	k    int // next entry
	skip int // raw - decoded offset before entry k
	last int // the last offset sought
}

// seek is rawCursor.seek.
func (c *escCursor) seek(t int) (int, bool) {
	if t < c.last {
		return 0, false
	}
	c.last = t
	for c.k+escEntry <= len(c.t) {
		e := binary.LittleEndian.Uint32(c.t[c.k:])
		off, rawN, decN := int(e>>8), int(e>>4&0xf), int(e&0xf)
		dec := off - c.skip // the escape's decoded offset
		if t <= dec {
			break
		}
		if t < dec+decN {
			return 0, false // inside the escape's decoded form
		}
		c.skip += rawN - decN
		c.k += escEntry
	}
	if r := t + c.skip; r <= c.n {
		return r, true
	}
	return 0, false
}
