package proxy

import (
	"io"
	"runtime/debug"
	"strings"
	"sync"
	"time"
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

// mutateText mutates t, in pieces when it is large.
func mutateText(s *mutate.Session, t string, lang mutate.Lang) string {
	if len(t) <= mutateChunk {
		return s.Mutate(t, lang)
	}
	var b strings.Builder
	changed := false
	for rest := t; rest != ""; {
		n := len(rest)
		if n > mutateChunk {
			n = mutateChunk
			if i := strings.LastIndexByte(rest[:n], '\n'); i > 0 {
				n = i + 1
			}
		}
		piece := rest[:n]
		out := s.Mutate(piece, lang)
		if !changed && out != piece {
			changed = true
			b.Grow(len(t) + len(t)/16)
			b.WriteString(t[:len(t)-len(rest)])
		}
		if changed {
			b.WriteString(out)
		}
		rest = rest[n:]
	}
	if !changed {
		return t
	}
	return b.String()
}

// bytesOf views s as bytes without copying. The rules never modify what
// they scan (rules.Ruleset.Scan's contract).
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// stringOf views b as a string without copying; b must not change after.
func stringOf(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// scanInPlace is the size from which a text is scanned on its own, in
// place, instead of being copied into the joined buffer.
const scanInPlace = 1 << 20

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

// progressReader resets the idle timer each time the upstream takes part
// of the request body.
type progressReader struct {
	r     io.Reader
	timer *time.Timer
	d     time.Duration
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.timer.Reset(p.d)
	}
	return n, err
}
