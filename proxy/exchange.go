// The exchange: one proxied request from body read through scan, rewrite,
// forward and the restored response.

package proxy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pretense/pretense/audit"
)

// exchange is one proxied request.
type exchange struct {
	s       *Server
	w       http.ResponseWriter
	r       *http.Request
	rt      route
	reqID   string
	started time.Time

	sess   session
	model  string
	status int
	entry  audit.Entry
}

// fail answers with an error and records the request as failed.
func (x *exchange) fail(k errorKind, msg string) {
	writeError(x.w, x.rt.api, k, "", "pretense: "+msg, x.reqID)
	x.status = k.status
	x.audit(audit.OutcomeFailed, fidelity{})
	x.logLine(audit.OutcomeFailed, msg)
}

func (x *exchange) serve() {
	if !x.scanMeta() {
		return
	}
	var body *reqBody
	if x.rt.rewrite {
		// The body and its large decoded texts are read into lent buffers,
		// given back when the exchange is over; a read of the body after
		// that (the transport may still hold it) fails instead of seeing
		// the buffers' next request (bufpool.go).
		var l lease
		defer func() {
			if body != nil {
				body.release()
			}
			l.release()
		}()
		var ok bool
		body, ok = x.prepare(&l)
		if !ok {
			return
		}
	}
	x.forward(body)
}

// prepare reads, decodes, scans and mutates the request body. It answers
// the client itself and returns false when the request must not go on.
func (x *exchange) prepare(l *lease) (*reqBody, bool) {
	s := x.s
	// A large body lowers the GC target while it is held (bigtext.go).
	var leave func()
	defer func() {
		if leave != nil {
			leave()
		}
	}()
	big := func() {
		if leave == nil {
			leave = enterBigRequest()
		}
	}
	if x.r.ContentLength >= bigRequestBytes {
		big()
	}
	raw, err := readBody(l, http.MaxBytesReader(x.w, x.r.Body, s.opts.MaxBodyBytes), x.r.ContentLength, s.opts.MaxBodyBytes, big)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			x.fail(errKindTooLarge, fmt.Sprintf("request body exceeds the proxy's limit of %d bytes", s.opts.MaxBodyBytes))
			return nil, false
		}
		x.fail(errKindBadRequest, fmt.Sprintf("read request body: %v", err))
		return nil, false
	}
	body, err := decodeBody(raw, x.r.Header.Get("Content-Encoding"), s.opts.MaxBodyBytes)
	switch {
	case errors.Is(err, errTooLarge):
		x.fail(errKindTooLarge, err.Error())
		return nil, false
	case errors.Is(err, errUnsupportedEncoding):
		x.fail(errKindEncoding, err.Error())
		return nil, false
	case err != nil:
		x.fail(errKindBadRequest, err.Error())
		return nil, false
	}
	if len(body) >= bigRequestBytes {
		big()
	}
	x.sess = s.eng.newSession()
	res, err := rewriteLeased(l, body, x.rt.api, x.sess, s.check, s.eng.langFromPath)
	if errors.Is(err, errMutate) {
		x.fail(errKindInternal, fmt.Sprintf("could not mutate the request, so it was not sent: %v", err))
		return nil, false
	}
	if err != nil {
		x.refuseBody(err)
		return nil, false
	}
	x.model = res.model
	if x.model == "" {
		x.model = x.rt.model
	}
	x.entry.Model = x.model
	x.entry.Attachments = res.attachments
	if len(res.hits) > 0 {
		x.block(res.hits)
		return nil, false
	}
	x.entry.Mutations = x.sess.count()
	x.w.Header().Set(HeaderMutations, strconv.Itoa(x.entry.Mutations))
	return res.body, true
}

// readBody reads r whole into a buffer of l, sized by the declared length
// so a large body is not copied again and again as it grows.
func readBody(l *lease, r io.Reader, declared, limit int64, onBig func()) ([]byte, error) {
	if declared <= 0 || declared > limit {
		// No length (chunked): see readChunked.
		return readChunked(r, onBig)
	}
	// Room for the read that finds the end.
	buf := l.get(int(declared) + bytes.MinRead)
	for {
		if len(buf) == cap(buf) {
			// A body longer than declared: net/http stops it at the
			// declared length, so never expected; grown as io.ReadAll.
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// block refuses a request that carries secrets or PHI values. The message
// names rule ids and places, never a value.
func (x *exchange) block(hits []hit) {
	var secrets, phi int
	ids := make([]string, 0, len(hits))
	seen := map[string]bool{}
	parts := make([]string, 0, len(hits))
	for _, h := range hits {
		if h.kind == "phi" {
			phi++
		} else {
			secrets++
		}
		if !seen[h.ruleID] {
			seen[h.ruleID] = true
			ids = append(ids, h.ruleID)
		}
		parts = append(parts, h.String())
	}
	x.entry.SecretsBlocked = secrets
	x.entry.PHIPatternsDetected = phi
	x.entry.Rules = ids
	msg := blockMessage(parts)
	x.w.Header().Set(HeaderBlocked, strings.Join(ids, ","))
	writeError(x.w, x.rt.api, errKindBlocked, "pretense_blocked", msg, x.reqID)
	x.status = errKindBlocked.statusFor(x.rt.api)
	x.audit(audit.OutcomeBlocked, fidelity{})
	x.logLine(audit.OutcomeBlocked, strings.Join(ids, ","))
}

// blockMessage is the refusal text a client shows its user: the places
// and rule ids, never a value.
func blockMessage(parts []string) string {
	return fmt.Sprintf("pretense blocked this request before it left the machine: it carries %d sensitive value(s): %s. Remove them and retry (a false positive is allowed only by the proxy's configuration: allowlist or disabled rules).", len(parts), strings.Join(parts, "; "))
}

// clientMisreads are phrases a client reads in an error message as a
// different failure. Claude Code shows "Not logged in · Please run /login"
// instead of the message when it contains "x-api-key" anywhere (a rule id
// such as telnyx-api-key, or a JSON key of that name in a tool input did),
// so the user never learnt why the request was refused. errorBody applies
// it to every message the proxy writes, since several name request fields.
var clientMisreads = []string{"x-api-key"}

// clientSafe writes each misread phrase with a non-breaking hyphen (U+2011)
// for its last hyphen: it reads the same, and the exact ids stay in the
// X-Pretense-Blocked header and the audit entry.
func clientSafe(msg string) string {
	lower := asciiLower(msg)
	for _, p := range clientMisreads {
		if !strings.Contains(lower, p) {
			continue
		}
		var b strings.Builder
		for {
			i := strings.Index(lower, p)
			if i < 0 {
				break
			}
			j := i + strings.LastIndexByte(p, '-')
			b.WriteString(msg[:j])
			b.WriteString("\u2011")
			msg, lower = msg[j+1:], lower[j+1:]
		}
		b.WriteString(msg)
		msg = b.String()
		lower = asciiLower(msg)
	}
	return msg
}

// asciiLower lowers A-Z only, so offsets in it are offsets in s (the
// phrases are ASCII; strings.ToLower changes the length of some runes).
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// audit appends the request's entry; it reports whether the entry is durable.
func (x *exchange) audit(outcome string, f fidelity) bool {
	if x.s.opts.Audit == nil {
		return true
	}
	e := x.entry
	e.Timestamp = time.Now().UTC()
	e.Outcome = outcome
	e.RoundTripFidelity = f.ratio()
	if err := x.s.opts.Audit.Append(e); err != nil {
		x.s.log.Error("audit append failed", "request_id", x.reqID, "err", err)
		return false
	}
	return true
}

func (x *exchange) logLine(outcome, detail string) {
	x.s.log.Info("request",
		"request_id", x.reqID, "method", x.r.Method, "path", x.logPath(),
		"model", x.model, "status", x.status, "outcome", outcome,
		"mutations", x.entry.Mutations, "detail", x.logDetail(detail),
		"duration", time.Since(x.started).Round(time.Microsecond))
}

// hopHeaders are never copied between the two connections.
var hopHeaders = []string{
	"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade",
}

func copyHeaders(dst, src http.Header, skip ...string) {
	for k, vs := range src {
		dst[k] = append([]string(nil), vs...)
	}
	for _, c := range src.Values("Connection") {
		for _, f := range strings.Split(c, ",") {
			dst.Del(strings.TrimSpace(f))
		}
	}
	for _, k := range hopHeaders {
		dst.Del(k)
	}
	for _, k := range skip {
		dst.Del(k)
	}
}

// errIdle is the cancellation cause when the upstream goes quiet.
var errIdle = errors.New("upstream idle")

// idleReader resets the idle timer on every read that returns data: the
// upstream's answer as it arrives, and the request body as the upstream
// takes it.
type idleReader struct {
	rc    io.ReadCloser
	timer *time.Timer
	d     time.Duration
}

func (r *idleReader) Read(p []byte) (int, error) {
	n, err := r.rc.Read(p)
	if n > 0 {
		r.timer.Reset(r.d)
	}
	return n, err
}

func (r *idleReader) Close() error { return r.rc.Close() }

// forward sends body (nil: the client's body, for GET routes) upstream and
// relays the response.
func (x *exchange) forward(body *reqBody) {
	s := x.s
	ctx, cancel := context.WithCancelCause(x.r.Context())
	defer cancel(nil)
	defer s.watchDrain(cancel)()
	idle := time.AfterFunc(s.opts.IdleTimeout, func() { cancel(errIdle) })
	defer idle.Stop()

	target := *x.rt.upstream
	target.Path = x.rt.upstream.Path + x.r.URL.Path
	if rp := x.r.URL.RawPath; rp != "" {
		// Keep the client's escaping (Bedrock model ids: ':' vs %3A); a
		// signature covers the path exactly as sent.
		target.RawPath = x.rt.upstream.Path + rp
	}
	target.RawQuery = x.r.URL.RawQuery
	var rd io.Reader = http.NoBody
	if body != nil {
		// The upstream taking the body counts as the upstream talking: a
		// large body on a slow link is not "idle".
		rd = &idleReader{rc: io.NopCloser(body.Reader()), timer: idle, d: s.opts.IdleTimeout}
	}
	out, err := http.NewRequestWithContext(ctx, x.r.Method, target.String(), rd)
	if err != nil {
		x.fail(errKindInternal, fmt.Sprintf("build upstream request: %v", err))
		return
	}
	copyHeaders(out.Header, x.r.Header, "Host", "Content-Length", "Content-Encoding", "Accept-Encoding",
		HeaderCanary, "Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto")
	if body != nil {
		out.ContentLength = body.Len()
	}
	if x.rt.auth != nil {
		if err := x.rt.auth.authorize(ctx, out, body); err != nil {
			x.fail(errKindNoCreds, err.Error())
			return
		}
	}
	resp, err := s.transport.RoundTrip(out)
	if err != nil {
		if errors.Is(context.Cause(ctx), errIdle) {
			x.fail(errKindTimeout, fmt.Sprintf("upstream %s sent nothing for %s", x.rt.upstream.Host, s.opts.IdleTimeout))
			return
		}
		if x.r.Context().Err() != nil {
			x.status = 499
			x.audit(audit.OutcomeFailed, fidelity{})
			x.logLine(audit.OutcomeFailed, "client went away")
			return
		}
		x.fail(errKindUpstream, fmt.Sprintf("upstream %s: %v", x.rt.upstream.Host, err))
		return
	}
	resp.Body = &idleReader{rc: resp.Body, timer: idle, d: s.opts.IdleTimeout}
	defer resp.Body.Close()
	x.status = resp.StatusCode

	ct := resp.Header.Get("Content-Type")
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(ct)), "text/event-stream") && x.sess != nil {
		x.stream(ctx, resp)
		return
	}
	if isEventStream(ct) && x.sess != nil {
		x.eventStream(ctx, resp)
		return
	}
	x.relay(ctx, resp)
}

// relay restores a complete (non-streaming) response.
func (x *exchange) relay(ctx context.Context, resp *http.Response) {
	s := x.s
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err == nil && len(raw) > maxResponseBytes {
		err = fmt.Errorf("response larger than %d bytes", maxResponseBytes)
	}
	if err != nil {
		x.upstreamFailed(ctx, err)
		return
	}
	if !resp.Uncompressed {
		if raw, err = decodeBody(raw, resp.Header.Get("Content-Encoding"), maxResponseBytes); err != nil {
			x.fail(errKindUpstream, fmt.Sprintf("upstream response: %v", err))
			return
		}
	}
	f := fidelity{}
	if x.sess != nil {
		r := &restorer{sess: x.sess}
		raw = r.restoreJSON(raw)
		f = r.fid
	}
	if !x.audit(audit.OutcomeForwarded, f) {
		// The response is held back: every answered request is on record.
		writeError(x.w, x.rt.api, errKindInternal, "", "pretense: the audit log could not be written; the response was withheld", x.reqID)
		x.logLine(audit.OutcomeFailed, "audit append failed")
		return
	}
	h := x.w.Header()
	copyHeaders(h, resp.Header, "Content-Length", "Content-Encoding")
	h.Set(HeaderSession, s.session)
	h.Set(HeaderMutations, strconv.Itoa(x.entry.Mutations))
	h.Set(HeaderRequestID, x.reqID)
	h.Set("Content-Length", strconv.Itoa(len(raw)))
	x.w.WriteHeader(resp.StatusCode)
	_, _ = x.w.Write(raw)
	x.logLine(audit.OutcomeForwarded, "")
}

// upstreamFailed answers for an upstream that failed before a response
// could be relayed.
func (x *exchange) upstreamFailed(ctx context.Context, err error) {
	switch {
	case errors.Is(context.Cause(ctx), errIdle):
		x.fail(errKindTimeout, fmt.Sprintf("upstream %s sent nothing for %s", x.rt.upstream.Host, x.s.opts.IdleTimeout))
	case x.r.Context().Err() != nil:
		x.status = 499
		x.audit(audit.OutcomeFailed, fidelity{})
		x.logLine(audit.OutcomeFailed, "client went away")
	default:
		x.fail(errKindUpstream, fmt.Sprintf("upstream %s: read response: %v", x.rt.upstream.Host, err))
	}
}
