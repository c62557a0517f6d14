package proxy

import (
	"errors"
	"io"
	"runtime/debug"
	"strings"
	"sync"
	"unsafe"

	"github.com/pretense/pretense/mutate"
)

// Large requests. The proxy holds a request about twice at most: the body
// as read, plus the decoded text of its fields. The helpers here keep the
// other copies away: decoded strings alias the body where they can, large
// texts are scanned in place rather than joined, and the mutation engine
// (whose per-call tables grow with the text: a lexer span per ~8 bytes)
// sees a very large text in pieces.

// mutateChunk is the largest piece of text handed to the mutation engine
// in one call. Pieces end at a line break; the session carries selected
// names from piece to piece, so a name chosen in one is replaced in all.
// A code fence that spans two pieces is lexed as prose in the second one,
// which mutates only names already selected and PHI words there.
const mutateChunk = 1 << 20

// mutateText mutates t, in pieces when it is large. The result is t plus
// the replacements, not a second copy of t (mtext).
func mutateText(s *mutate.Session, t string, lang mutate.Lang) mtext {
	if len(t) <= mutateChunk {
		return mtext{base: t, reps: s.Replacements(t, lang, nil)}
	}
	var reps []mutate.Replacement
	for off := 0; off < len(t); {
		n := len(t) - off
		if n > mutateChunk {
			n = mutateChunk
			if i := strings.LastIndexByte(t[off:off+n], '\n'); i > 0 {
				n = i + 1
			}
		}
		k := len(reps)
		reps = s.Replacements(t[off:off+n], lang, reps)
		for i := k; i < len(reps); i++ {
			reps[i].Start += off
			reps[i].End += off
		}
		off += n
	}
	return mtext{base: t, reps: reps}
}

// mtext is a mutated text: base with reps applied. A request's large
// field is sent from this form (reqBody), so the proxy holds the field's
// text once, not once as read and once as mutated.
type mtext struct {
	base string
	reps []mutate.Replacement
	// quoted, when not empty, is the whole mutated text already quoted as
	// a JSON string (the memo's form), and then stands for base and reps.
	quoted string
	// splices, when not nil, are the memo's form of a text it knows by its
	// JSON string as sent, raw (quotes included; this request's bytes):
	// the mutated text is raw with them applied, and stands for base and
	// reps.
	splices *spliceSet
	raw     []byte
	// keep: the memo knows the text mutates to itself; the client's bytes
	// are sent. base may then be empty, the text never read (a resent
	// field, rewriteRequest).
	keep bool
}

// String returns the mutated text itself.
func (m mtext) String() string {
	if m.quoted != "" {
		s, err := unquote([]byte(m.quoted))
		if err != nil {
			panic("proxy: the memo holds a malformed JSON string: " + err.Error())
		}
		return s
	}
	if m.splices != nil {
		s, err := unquote(applySplices(nil, m.raw, m.splices))
		if err != nil {
			panic("proxy: a spliced JSON string is malformed: " + err.Error())
		}
		return s
	}
	return mutate.Apply(m.base, m.reps)
}

// unchanged reports whether mutating left the text as it was (base is
// always the text mutated, when it was read).
func (m mtext) unchanged() bool {
	return m.keep || m.quoted == "" && m.splices == nil && len(m.reps) == 0
}

// quotedLen is len(appendQuote(nil, m.String())).
func (m mtext) quotedLen() int {
	if m.quoted != "" {
		return len(m.quoted)
	}
	if m.splices != nil {
		return len(m.raw) + splicedDelta(m.splices)
	}
	n, last := 2, 0
	for _, r := range m.reps {
		n += quotedBodyLen(m.base[last:r.Start]) + quotedBodyLen(r.Synthetic)
		last = r.End
	}
	return n + quotedBodyLen(m.base[last:])
}

// bytesOf views s as bytes without copying. The rules never modify what
// they scan (rules.Ruleset.Scan's contract).
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// stringOf views b as a string without copying; b must not change after.
func stringOf(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// scanInPlace is the size from which a text is scanned on its own, in
// place, instead of being copied into the joined buffer. Joining saves one
// Scan call per short text; a text this long costs more to copy than its
// call (a 64 KB prompt was copied on every never-seen request).
const scanInPlace = 16 << 10

// Garbage collection while a large request is in flight. A large request
// is held about twice (the body and its decoded text); with the default
// GOGC of 100 the heap may grow to twice its live size before the
// collector runs, so the garbage of scanning and mutating it would double
// the peak again. While any request over bigRequestBytes is being
// prepared, the collector runs at bigRequestGCPercent instead: more GC
// cycles for the rare large request, a bounded peak for the process.
const (
	bigRequestBytes     = 8 << 20
	bigRequestGCPercent = 10
)

var bigGC struct {
	mu      sync.Mutex
	n       int
	restore int
}

// enterBigRequest lowers the GC target until the returned func is called.
func enterBigRequest() func() {
	bigGC.mu.Lock()
	defer bigGC.mu.Unlock()
	if bigGC.n == 0 {
		prev := debug.SetGCPercent(bigRequestGCPercent)
		if prev >= 0 && prev < bigRequestGCPercent {
			debug.SetGCPercent(prev) // the operator asked for less: keep it
		}
		bigGC.restore = prev
	}
	bigGC.n++
	return func() {
		bigGC.mu.Lock()
		defer bigGC.mu.Unlock()
		bigGC.n--
		if bigGC.n == 0 {
			debug.SetGCPercent(bigGC.restore)
		}
	}
}

// readChunked reads a body of unknown length in fixed blocks and joins
// them once at the end: a doubling buffer would hold up to twice the body
// and leave the unused half allocated for the whole request.
func readChunked(r io.Reader, onBig func()) ([]byte, error) {
	const block = 256 << 10
	var blocks [][]byte
	total := 0
	for {
		b := make([]byte, block)
		n, err := io.ReadFull(r, b)
		if n > 0 {
			blocks = append(blocks, b[:n])
			total += n
			if total >= bigRequestBytes && total-n < bigRequestBytes && onBig != nil {
				onBig()
			}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if len(blocks) == 1 {
		return blocks[0], nil
	}
	out := make([]byte, 0, total)
	for i, b := range blocks {
		out = append(out, b...)
		blocks[i] = nil
	}
	if total >= bigRequestBytes {
		// The blocks are scattered and cannot hold the decoded text that
		// comes next: hand them back now rather than at the scavenger's
		// pace, so the process holds the body about twice, not three times.
		blocks = nil
		debug.FreeOSMemory()
	}
	return out, nil
}

// reqBody is a rewritten request body: the client's bytes with the
// rewritten fields spliced in (applyEdits), written out as it is read
// rather than built first. Building it would hold a large request a third
// time: the body as read, its decoded text (which the mutated text is
// written from) and the new body.
type reqBody struct {
	src   []byte
	edits []edit // sorted by start, non-overlapping
	size  int64

	// released: src and the texts of the edits may be lent buffers given
	// back (bufpool.go); a reader still held (the upstream transport may
	// read after its exchange is over) must not read them.
	mu       sync.Mutex
	released bool
}

// errBodyReleased is what a read of a request body gets once the request
// is over: its buffers may hold another request's bytes by then.
var errBodyReleased = errors.New("proxy: request body read after its request ended")

// release ends every read of b: once it returns, no reader touches b's
// bytes again.
func (b *reqBody) release() {
	b.mu.Lock()
	b.released = true
	b.mu.Unlock()
}

func newReqBody(src []byte, edits []edit) *reqBody {
	return &reqBody{src: src, edits: edits, size: int64(splicedLen(src, edits))}
}

// Len is the exact length of the body.
func (b *reqBody) Len() int64 { return b.size }

// Bytes builds the whole body (small bodies and tests).
func (b *reqBody) Bytes() []byte { return applyEdits(b.src, b.edits) }

// Reader returns a new reader of the body from its start.
func (b *reqBody) Reader() io.Reader { return &reqBodyReader{b: b} }

// reqBodyReader writes the body piece by piece: a run of the client's
// bytes (handed out as they are, no copy), an edit's bytes, or up to about
// quotePiece bytes of a quoted mutated text, written into scratch.
type reqBodyReader struct {
	b       *reqBody
	buf     []byte // the piece being read
	scratch []byte
	prev    int // next source byte not yet emitted
	ei      int // next edit
	// While a quoted edit is being written: in is set, rep is its next
	// replacement and at the position in its base.
	in      bool
	rep, at int
	// sp is the next splice of a spliced edit being written (edit.splices).
	sp int
}

// quotePiece is how much of a mutated text is quoted at a time.
const quotePiece = 64 << 10

func (r *reqBodyReader) Read(p []byte) (int, error) {
	r.b.mu.Lock()
	defer r.b.mu.Unlock()
	if r.b.released {
		return 0, errBodyReleased
	}
	// p is filled from as many pieces as it takes: a spliced text is a
	// few hundred short ones.
	n := 0
	for n < len(p) {
		for len(r.buf) == 0 {
			if !r.fill() {
				if n == 0 {
					return 0, io.EOF
				}
				return n, nil
			}
		}
		k := copy(p[n:], r.buf)
		r.buf = r.buf[k:]
		n += k
	}
	return n, nil
}

// fill sets buf to the next piece; false at the end of the body.
func (r *reqBodyReader) fill() bool {
	src, edits := r.b.src, r.b.edits
	if r.in {
		m := edits[r.ei].quote
		r.buf = r.quotedPiece(m, r.scratch[:0])
		r.scratch = r.buf[:0]
		if r.at == len(m.base) && r.rep == len(m.reps) {
			r.buf = append(r.buf, '"')
			r.in = false
			r.prev = edits[r.ei].end
			r.ei++
		}
		return true
	}
	if r.ei == len(edits) {
		if r.prev == len(src) {
			return false
		}
		r.buf = src[r.prev:]
		r.prev = len(src)
		return true
	}
	e := edits[r.ei]
	if r.prev < e.start {
		r.buf = src[r.prev:e.start]
		r.prev = e.start
		return true
	}
	if e.splices != nil && len(e.splices.sp) == 0 {
		// Nothing spliced: the string as sent follows with the next run.
		r.ei++
		return true
	}
	if e.splices != nil {
		// The client's bytes up to the next splice, then its synthetic;
		// past the last one the rest of the string is the client's too.
		s := e.splices.sp[r.sp]
		if at := e.start + int(s.start); r.prev < at {
			r.buf = src[r.prev:at]
			r.prev = at
			return true
		}
		r.buf = bytesOf(e.splices.syn(r.sp))
		r.prev = e.start + int(s.end)
		if r.sp++; r.sp == len(e.splices.sp) {
			r.sp = 0
			r.ei++
		}
		return true
	}
	if !e.quoted {
		r.buf = e.repl
		r.prev = e.end
		r.ei++
		return true
	}
	if r.scratch == nil {
		r.scratch = make([]byte, 0, quotePiece+quotePiece/4)
	}
	r.buf = append(r.scratch[:0], '"')
	r.scratch = r.buf[:0]
	r.in, r.rep, r.at = true, 0, 0
	return true
}

// quotedPiece appends to dst the next part of m, quoted: text up to about
// quotePiece bytes, replacements as they come.
func (r *reqBodyReader) quotedPiece(m mtext, dst []byte) []byte {
	for len(dst) < quotePiece && (r.at < len(m.base) || r.rep < len(m.reps)) {
		end := len(m.base)
		if r.rep < len(m.reps) {
			end = m.reps[r.rep].Start
		}
		if r.at < end {
			n := quoteSplit(m.base[r.at:end], quotePiece)
			dst = appendQuoteBody(dst, m.base[r.at:r.at+n])
			r.at += n
			continue
		}
		dst = appendQuoteBody(dst, m.reps[r.rep].Synthetic)
		r.at = m.reps[r.rep].End
		r.rep++
	}
	return dst
}
