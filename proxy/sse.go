package proxy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// maxEventBytes caps one SSE event. Tool results and reasoning can make a
// single data line megabytes long (bufio.Scanner's 64 KiB default is a known
// stream killer), but an unbounded event is a memory hazard.
const maxEventBytes = 16 << 20

// errBrokenSSE is wrapped by every framing error.
var errBrokenSSE = errors.New("malformed event stream")

// sseEvent is one event as framed from the wire: its raw bytes (forwarded
// verbatim when nothing in it changes) and the fields the proxy reads.
type sseEvent struct {
	raw     []byte // every line with its terminator, blank line included
	lines   []span // line contents (terminators excluded), blank line excluded
	name    string // the event field
	data    []byte // data lines joined with \n
	hasData bool
}

type span struct{ start, end int }

// sseReader frames events from an upstream body. Lines end in \n, \r\n or
// a lone \r, as the SSE specification allows. It reads into its own buffer
// (no line-length limit but maxEventBytes) so a lone \r at the end of one
// read can wait for the next byte.
type sseReader struct {
	r   io.Reader
	buf []byte
	off int
	err error
}

func newSSEReader(r io.Reader) *sseReader {
	return &sseReader{r: r, buf: make([]byte, 0, 32<<10)}
}

// buffered reports whether more bytes are already waiting, so the caller can
// delay a flush until the next read would block.
func (r *sseReader) buffered() bool { return len(r.buf) > r.off }

// fill reads more bytes, compacting the buffer first.
func (r *sseReader) fill() error {
	if r.err != nil {
		return r.err
	}
	if r.off > 0 {
		n := copy(r.buf, r.buf[r.off:])
		r.buf = r.buf[:n]
		r.off = 0
	}
	if len(r.buf) == cap(r.buf) {
		r.buf = append(r.buf, make([]byte, cap(r.buf))...)[:len(r.buf)]
	}
	n, err := r.r.Read(r.buf[len(r.buf):cap(r.buf)])
	r.buf = r.buf[:len(r.buf)+n]
	if err != nil {
		r.err = err
		if n > 0 {
			return nil
		}
	}
	return err
}

// next returns the next event. At a clean end of stream it returns io.EOF;
// a stream that ends inside an event returns io.ErrUnexpectedEOF.
func (r *sseReader) next() (*sseEvent, error) {
	ev := &sseEvent{}
	for {
		line, err := r.readLine(ev)
		if err != nil {
			if errors.Is(err, io.EOF) {
				if len(bytes.TrimSpace(ev.raw)) == 0 {
					return nil, io.EOF
				}
				return nil, io.ErrUnexpectedEOF
			}
			return nil, err
		}
		if line.start == line.end {
			if len(ev.lines) == 0 {
				// Blank lines between events carry nothing.
				ev.raw = ev.raw[:0]
				continue
			}
			return ev, nil
		}
		ev.lines = append(ev.lines, line)
		field, value := splitField(ev.raw[line.start:line.end])
		switch string(field) {
		case "event":
			ev.name = string(value)
		case "data":
			if ev.hasData {
				ev.data = append(ev.data, '\n')
			}
			ev.data = append(ev.data, value...)
			ev.hasData = true
		}
	}
}

// readLine appends one line and its terminator to ev.raw and returns the
// span of its content.
func (r *sseReader) readLine(ev *sseEvent) (span, error) {
	scanned := r.off
	for {
		pending := r.buf[scanned:]
		if i := bytes.IndexAny(pending, "\r\n"); i >= 0 {
			end := scanned + i
			term := 1
			if r.buf[end] == '\r' {
				if end+1 == len(r.buf) && r.err == nil {
					// Is the \r followed by \n? Read on to find out.
					rel := end - r.off
					_ = r.fill() // errors surface through r.err below
					scanned = r.off + rel
					continue
				}
				if end+1 < len(r.buf) && r.buf[end+1] == '\n' {
					term = 2
				}
			}
			start := len(ev.raw)
			ev.raw = append(ev.raw, r.buf[r.off:end+term]...)
			if len(ev.raw) > maxEventBytes {
				return span{}, fmt.Errorf("%w: event larger than %d bytes", errBrokenSSE, maxEventBytes)
			}
			content := span{start, start + (end - r.off)}
			r.off = end + term
			return content, nil
		}
		if len(r.buf)-r.off+len(ev.raw) > maxEventBytes {
			return span{}, fmt.Errorf("%w: event larger than %d bytes", errBrokenSSE, maxEventBytes)
		}
		if r.err != nil {
			if !errors.Is(r.err, io.EOF) {
				return span{}, r.err
			}
			if len(r.buf) > r.off {
				// A final line without terminator: the event was cut off.
				r.off = len(r.buf)
				return span{}, io.ErrUnexpectedEOF
			}
			return span{}, r.err
		}
		rel := len(r.buf) - r.off
		_ = r.fill() // errors surface through r.err on the next pass
		scanned = r.off + rel
	}
}

// splitField splits "field: value" (one optional space after the colon).
// A line starting with ':' is a comment and has an empty field name.
func splitField(line []byte) (field, value []byte) {
	i := bytes.IndexByte(line, ':')
	if i < 0 {
		return line, nil
	}
	field, value = line[:i], line[i+1:]
	if len(value) > 0 && value[0] == ' ' {
		value = value[1:]
	}
	return field, value
}

// eol is the line terminator ev was framed with. A re-rendered event keeps
// it: some clients (google.golang.org/genai) split events on the first
// "\n\n" or "\r\n\r\n" they find and break on a stream that mixes them.
func (ev *sseEvent) eol() string {
	if len(ev.lines) == 0 {
		return "\n"
	}
	t := ev.raw[ev.lines[0].end:]
	switch {
	case len(t) >= 2 && t[0] == '\r' && t[1] == '\n':
		return "\r\n"
	case len(t) >= 1 && t[0] == '\r':
		return "\r"
	}
	return "\n"
}

// withData re-renders ev with its data replaced, keeping every other line
// (event name, id, retry, comments) and the line terminator in place. Data
// containing newlines becomes several data lines, which a client joins back.
func (ev *sseEvent) withData(data []byte) []byte {
	eol := ev.eol()
	out := make([]byte, 0, len(data)+64)
	wrote := false
	for _, l := range ev.lines {
		line := ev.raw[l.start:l.end]
		field, _ := splitField(line)
		if string(field) == "data" {
			if wrote {
				continue
			}
			wrote = true
			out = appendDataLinesEOL(out, data, eol)
			continue
		}
		out = append(out, line...)
		out = append(out, eol...)
	}
	if !wrote {
		out = appendDataLinesEOL(out, data, eol)
	}
	return append(out, eol...)
}

func appendDataLines(out, data []byte) []byte { return appendDataLinesEOL(out, data, "\n") }

func appendDataLinesEOL(out, data []byte, eol string) []byte {
	for {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			break
		}
		out = append(out, "data: "...)
		out = append(out, bytes.TrimSuffix(data[:i], []byte("\r"))...)
		out = append(out, eol...)
		data = data[i+1:]
	}
	out = append(out, "data: "...)
	out = append(out, data...)
	return append(out, eol...)
}

// renderEvent builds a fresh event with a name (may be empty) and data.
func renderEvent(name string, data []byte) []byte {
	out := make([]byte, 0, len(name)+len(data)+24)
	if name != "" {
		out = append(out, "event: "...)
		out = append(out, name...)
		out = append(out, '\n')
	}
	out = appendDataLines(out, data)
	return append(out, '\n')
}
