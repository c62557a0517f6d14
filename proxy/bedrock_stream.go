package proxy

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"

	"github.com/pretense/pretense/audit"
)

// Bedrock streams (InvokeModelWithResponseStream, ConverseStream) are AWS
// event-stream binary frames. The SDK's codec verifies each frame's CRCs on
// the way in and computes them on the way out. Each event goes through the
// same streamer as an SSE event: an InvokeModel "chunk" carries a base64
// Anthropic streaming event, a Converse event is its JSON payload named by
// its :event-type. Whatever the streamer emits becomes one frame again.

// errBrokenEventStream wraps framing and payload errors.
var errBrokenEventStream = errors.New("malformed event stream")

// esReader frames event-stream messages and tells a clean end (no byte of
// a new frame) from a cut one.
type esReader struct {
	r   io.Reader
	n   int64 // bytes read so far
	dec *eventstream.Decoder
	buf []byte
}

func newESReader(r io.Reader) *esReader {
	er := &esReader{dec: eventstream.NewDecoder()}
	er.r = &countReader{r: r, n: &er.n}
	return er
}

type countReader struct {
	r io.Reader
	n *int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += int64(n)
	return n, err
}

// next returns the next message, io.EOF at a clean end, and an error
// wrapping errBrokenEventStream or io.ErrUnexpectedEOF otherwise.
func (er *esReader) next() (eventstream.Message, error) {
	start := er.n
	m, err := er.dec.Decode(er.r, er.buf[:0])
	if err == nil {
		er.buf = m.Payload[:0]
		return m, nil
	}
	if errors.Is(err, io.EOF) && er.n == start {
		return m, io.EOF
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return m, io.ErrUnexpectedEOF
	}
	var ne interface{ Timeout() bool }
	if errors.As(err, &ne) || errors.Is(err, context.Canceled) {
		return m, err
	}
	return m, fmt.Errorf("%w: %v", errBrokenEventStream, err)
}

func headerString(m eventstream.Message, name string) string {
	if v := m.Headers.Get(name); v != nil {
		return v.String()
	}
	return ""
}

// esRelay turns streamer output back into frames.
type esRelay struct {
	a        api
	tmpl     eventstream.Headers // headers of the frame being restored
	enc      *eventstream.Encoder
	w        io.Writer
	flush    func() error
	frameBuf bytes.Buffer
}

// emit is the streamer's output: one SSE-framed event, re-encoded as a
// frame with the template's headers.
func (e *esRelay) emit(sse []byte) error {
	name, data := parseRendered(sse)
	hs := e.tmpl.Clone()
	var payload []byte
	if e.a == apiConverse {
		if name != "" {
			hs.Set(":event-type", eventstream.StringValue(name))
		}
		payload = data
	} else {
		payload = append([]byte(`{"bytes":"`), base64.StdEncoding.AppendEncode(nil, data)...)
		payload = append(payload, `"}`...)
	}
	return e.write(eventstream.Message{Headers: hs, Payload: payload})
}

// toSSE wraps a frame's event for the streamer; ok is false for frames
// that carry no event text (exceptions, unknown types), which are restored
// as JSON and passed on.
func (e *esRelay) toSSE(m eventstream.Message) (*sseEvent, bool, error) {
	if headerString(m, ":message-type") != "event" {
		return nil, false, nil
	}
	typ := headerString(m, ":event-type")
	var data []byte
	switch {
	case e.a == apiConverse:
		// The decoder reuses the payload buffer for the next frame;
		// eventFor copies it into the event.
		data = m.Payload
	case typ == "chunk":
		// A copy (parseJSON): the payload buffer is the decoder's.
		d, err := parseJSON(m.Payload)
		if err != nil {
			return nil, false, fmt.Errorf("%w: chunk payload is not JSON: %v", errBrokenEventStream, err)
		}
		b := d.get(0, "bytes")
		if d.kind(b) != jStr {
			return nil, false, fmt.Errorf("%w: chunk payload has no bytes", errBrokenEventStream)
		}
		data, err = base64.StdEncoding.DecodeString(d.str(b))
		if err != nil {
			return nil, false, fmt.Errorf("%w: chunk bytes are not base64: %v", errBrokenEventStream, err)
		}
	default:
		return nil, false, nil
	}
	return eventFor(typ, data), true, nil
}

// eventFor wraps data as an SSE event named name, as the streamer takes
// it. Its lines end in \n only, which parseRendered reads back. The event
// owns its bytes: data may be reused by the caller once it returns.
func eventFor(name string, data []byte) *sseEvent {
	raw := renderEvent(name, data)
	if bytes.IndexByte(data, '\n') < 0 {
		// One data line, rendered whole: the event's data is that line.
		off := len(raw) - 2 - len(data)
		data = raw[off : off+len(data) : off+len(data)]
	} else {
		data = bytes.Clone(data)
	}
	ev := &sseEvent{raw: raw, name: name, data: data, hasData: true}
	start := 0
	for i, b := range raw {
		if b == '\n' {
			if i > start {
				ev.lines = append(ev.lines, span{start, i})
			}
			start = i + 1
		}
	}
	return ev
}

// parseRendered reads back an event the streamer rendered from one made
// by eventFor: "event: " and "data: " lines ending in \n.
func parseRendered(b []byte) (name string, data []byte) {
	first := true
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			i = len(b)
		}
		line := b[:i]
		b = b[min(i+1, len(b)):]
		switch {
		case bytes.HasPrefix(line, []byte("event: ")):
			name = string(line[len("event: "):])
		case bytes.HasPrefix(line, []byte("data: ")):
			if !first {
				data = append(data, '\n')
			}
			first = false
			data = append(data, line[len("data: "):]...)
		}
	}
	return name, data
}

// eventStream relays a Bedrock event stream frame by frame.
func (x *exchange) eventStream(ctx context.Context, resp *http.Response) {
	s := x.s
	rc := x.startStream(resp)

	var writeErr error
	rel := &esRelay{a: x.rt.api, enc: eventstream.NewEncoder(), w: writerFunc(func(b []byte) (int, error) {
		if writeErr != nil {
			return 0, writeErr
		}
		n, err := x.w.Write(b)
		writeErr = err
		return n, err
	}), flush: func() error {
		if writeErr != nil {
			return writeErr
		}
		writeErr = rc.Flush()
		return writeErr
	}}
	st := newStreamer(x.rt.api, &restorer{sess: x.sess}, rel.emit)
	if !resp.Uncompressed && resp.Header.Get("Content-Encoding") != "" {
		x.esFailed(rel, st, "upstream compressed the event stream; cannot restore it")
		return
	}
	err := pumpEventStream(newESReader(resp.Body), rel, st)
	switch {
	case err == nil:
		x.streamDone(st)
	case st.ended:
		x.streamDoneAfterEnd(st, err) // see stream
	case writeErr != nil || x.r.Context().Err() != nil:
		x.audit(audit.OutcomeFailed, st.r.fid)
		x.logLine(audit.OutcomeFailed, "client went away mid-stream")
	case errors.Is(context.Cause(ctx), errIdle):
		x.esFailed(rel, st, fmt.Sprintf("upstream %s sent nothing for %s; stream cut", x.rt.upstream.Host, s.opts.IdleTimeout))
	case errors.Is(err, io.ErrUnexpectedEOF):
		x.esFailed(rel, st, fmt.Sprintf("upstream %s closed the stream mid-frame", x.rt.upstream.Host))
	default:
		x.esFailed(rel, st, fmt.Sprintf("upstream %s stream failed: %v", x.rt.upstream.Host, err))
	}
}

// pumpEventStream moves frames from rd through st until the upstream
// ends. A clean end flushes every slot and returns nil.
func pumpEventStream(rd *esReader, rel *esRelay, st *streamer) error {
	for {
		m, err := rd.next()
		if err == io.EOF {
			return st.flushAll()
		}
		if err != nil {
			return err
		}
		ev, ok, err := rel.toSSE(m)
		if err != nil {
			return err
		}
		if !ok {
			// Exceptions and unknown frames: restore their JSON, keep their
			// headers; held-back text goes out first.
			if err := st.flushAll(); err != nil {
				return err
			}
			r := restorer{sess: st.r.sess}
			m.Payload = r.restoreJSON(m.Payload)
			st.r.fid.add(r.fid)
			if err := rel.write(m); err != nil {
				return err
			}
			continue
		}
		rel.tmpl = m.Headers
		if err := st.handle(ev); err != nil {
			return err
		}
	}
}

// write encodes m and sends it to the client at once.
func (e *esRelay) write(m eventstream.Message) error {
	e.frameBuf.Reset()
	if err := e.enc.Encode(&e.frameBuf, m); err != nil {
		return fmt.Errorf("encode frame: %w", err)
	}
	if _, err := e.w.Write(e.frameBuf.Bytes()); err != nil {
		return err
	}
	return e.flush()
}

// esFailed flushes what the slots hold and ends the stream with an
// exception frame the AWS SDKs surface as an error.
func (x *exchange) esFailed(rel *esRelay, st *streamer, msg string) {
	_ = st.flushAll()
	var hs eventstream.Headers
	hs.Set(":message-type", eventstream.StringValue("exception"))
	hs.Set(":exception-type", eventstream.StringValue("internalServerException"))
	hs.Set(":content-type", eventstream.StringValue("application/json"))
	payload := appendQuote([]byte(`{"message":`), "pretense: "+msg)
	payload = append(payload, '}')
	_ = rel.write(eventstream.Message{Headers: hs, Payload: payload})
	x.audit(audit.OutcomeFailed, st.r.fid)
	x.logLine(audit.OutcomeFailed, msg)
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }
