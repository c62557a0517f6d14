// The streaming half of an exchange: SSE and event-stream responses are
// restored event by event as they arrive.

package proxy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/pretense/pretense/audit"
)

// startStream sends a streamed response's headers at once (SSE and AWS
// event streams alike): a client waits for the first event as a sign of life.
func (x *exchange) startStream(resp *http.Response) *http.ResponseController {
	h := x.w.Header()
	copyHeaders(h, resp.Header, "Content-Length", "Content-Encoding")
	h.Set(HeaderSession, x.s.session)
	h.Set(HeaderMutations, strconv.Itoa(x.entry.Mutations))
	h.Set(HeaderRequestID, x.reqID)
	h.Set("X-Accel-Buffering", "no")
	x.w.WriteHeader(resp.StatusCode)
	rc := http.NewResponseController(x.w)
	_ = rc.Flush()
	return rc
}

// stream relays an SSE response event by event, restoring synthetics.
func (x *exchange) stream(ctx context.Context, resp *http.Response) {
	s := x.s
	rc := x.startStream(resp)

	var body io.Reader = resp.Body
	if !resp.Uncompressed && resp.Header.Get("Content-Encoding") != "" {
		// Rare: an upstream that compresses a stream unasked. Decoding a
		// stream needs a streaming decoder; refuse rather than pass bytes
		// the restorer cannot read.
		x.streamFailed(x.newStreamer(), "upstream compressed the event stream; cannot restore it")
		return
	}
	rd := newSSEReader(body)
	var writeErr error
	st := x.newStreamer()
	st.emit = func(b []byte) error {
		if writeErr != nil {
			return writeErr
		}
		if _, err := x.w.Write(b); err != nil {
			writeErr = err
			return err
		}
		if !rd.buffered() || st.ending {
			if err := rc.Flush(); err != nil {
				writeErr = err
				return err
			}
		}
		return nil
	}
	err := pump(rd, st)
	switch {
	case err == nil:
		_ = rc.Flush()
		x.streamDone(st)
	case st.ended:
		// The terminator reached the client, which may leave at once (the
		// OpenAI SDKs stop reading at [DONE]); what failed after it (the
		// client's context cancelling the upstream read, an idle or drain
		// cut, trailing bytes) cost the client nothing.
		x.streamDoneAfterEnd(st, err)
	case errors.Is(context.Cause(ctx), errDraining):
		x.streamFailed(st, "the proxy is shutting down and its drain timeout ran out; retry the request")
	case writeErr != nil || x.r.Context().Err() != nil:
		// The client went away; its context cancels the upstream request.
		x.audit(audit.OutcomeFailed, st.r.fid)
		x.logLine(audit.OutcomeFailed, "client went away mid-stream")
	case errors.Is(context.Cause(ctx), errIdle):
		x.streamFailed(st, fmt.Sprintf("upstream %s sent nothing for %s; stream cut", x.rt.upstream.Host, s.opts.IdleTimeout))
	case errors.Is(err, io.ErrUnexpectedEOF):
		x.streamFailed(st, fmt.Sprintf("upstream %s closed the stream mid-event", x.rt.upstream.Host))
	case errors.Is(err, errBrokenSSE):
		x.streamFailed(st, fmt.Sprintf("upstream %s sent a malformed event stream: %v", x.rt.upstream.Host, err))
	default:
		x.streamFailed(st, fmt.Sprintf("upstream %s stream failed: %v", x.rt.upstream.Host, err))
	}
}

// pump moves events from rd through st until the upstream ends. A clean
// end flushes every slot and returns nil.
func pump(rd *sseReader, st *streamer) error {
	for {
		ev, err := rd.next()
		if err == io.EOF {
			return st.flushAll()
		}
		if err != nil {
			return err
		}
		if err := st.handle(ev); err != nil {
			return err
		}
	}
}

func (x *exchange) newStreamer() *streamer {
	return newStreamer(x.rt.api, &restorer{sess: x.sess}, func([]byte) error { return nil })
}

// streamDone records a stream that ended cleanly.
func (x *exchange) streamDone(st *streamer) {
	x.audit(audit.OutcomeForwarded, st.r.fid)
	x.logLine(audit.OutcomeForwarded, "stream")
}

// streamDoneAfterEnd records a stream whose terminator was delivered
// before err: forwarded, with err in the log line.
func (x *exchange) streamDoneAfterEnd(st *streamer, err error) {
	x.audit(audit.OutcomeForwarded, st.r.fid)
	x.logLine(audit.OutcomeForwarded, fmt.Sprintf("stream; after its end: %v", err))
}

// streamFailed flushes what the slots hold, tells the client in its API's
// terms that the stream broke, and records the failure.
func (x *exchange) streamFailed(st *streamer, msg string) {
	_ = st.flushAll()
	if _, err := x.w.Write(terminalError(x.rt.api, "pretense: "+msg)); err == nil {
		_ = http.NewResponseController(x.w).Flush()
	}
	x.audit(audit.OutcomeFailed, st.r.fid)
	x.logLine(audit.OutcomeFailed, msg)
}
