// Package proxy is pretense's local LLM proxy. It speaks the Anthropic
// Messages API (with count_tokens) and the OpenAI Chat Completions and
// Responses APIs. Before a request leaves the machine it scans every
// text-bearing field with the shared rule engine and refuses the request if
// a secret or PHI value is in it; otherwise it replaces sensitive
// identifiers with keyed synthetics. Responses, JSON and SSE streams alike,
// get the originals back, so the developer's workflow does not change.
//
// The proxy keeps no state between requests: a request carries everything
// its response needs to be reversed, and synthetics are an HMAC of the name
// under the project key. Replicas that share a key behind any load balancer
// produce the same synthetics and need no shared store.
//
// It fails closed: a request it cannot parse, decode, scan or mutate is
// refused and nothing is sent upstream.
package proxy

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pretense/pretense/audit"
	"github.com/pretense/pretense/rules"
)

// Defaults.
const (
	DefaultListen            = "127.0.0.1:9339"
	DefaultAnthropicUpstream = "https://api.anthropic.com"
	DefaultOpenAIUpstream    = "https://api.openai.com"
	// DefaultMaxBodyBytes is above Anthropic's 32 MB request limit so the
	// API, not the proxy, decides what is too large for it.
	DefaultMaxBodyBytes = 64 << 20
	// DefaultIdleTimeout is how long an upstream may send nothing at all
	// (before its headers or between stream events). Reasoning models can
	// be silent for minutes; Anthropic pings streams every few seconds.
	DefaultIdleTimeout = 10 * time.Minute
	// scanCacheEntries bounds the clean-text cache (about 100 bytes each).
	scanCacheEntries = 16384
	// maxResponseBytes caps a non-streaming upstream body.
	maxResponseBytes = 256 << 20
)

// Header names the proxy adds to every response, and the canary probe.
const (
	HeaderSession   = "X-Pretense-Session"
	HeaderMutations = "X-Pretense-Mutations"
	HeaderRequestID = "X-Pretense-Request-Id"
	HeaderCanary    = "X-Pretense-Canary"
	HeaderBlocked   = "X-Pretense-Blocked"
)

// ErrRemoteListen is returned for a non-loopback listen address without
// AllowRemote.
var ErrRemoteListen = errors.New("listen address is not loopback")

// Options configure a Server. The zero value of every field but Key means
// the documented default; the CLI fills them from flags, environment and
// configuration files.
type Options struct {
	// Listen is the address ListenAndServe binds and the audit log names.
	Listen string
	// AllowRemote permits a non-loopback Listen address.
	AllowRemote bool
	// AnthropicUpstream and OpenAIUpstream are base URLs (scheme, host,
	// optional path prefix; an OpenAI base ending in /v1 is accepted).
	AnthropicUpstream string
	OpenAIUpstream    string
	// PHIMode selects the PHI rules that block requests (default standard).
	PHIMode rules.Mode
	// Policy is the mutation policy: "phi" (default) or "all".
	Policy string
	// Key is the project mutation key (mutate.LoadKey). Required.
	Key []byte
	// Rules are the rule definitions (default rules.Builtin()); DisableRules
	// and AllowValues tune them as in the scanner.
	Rules        []rules.Rule
	DisableRules []string
	AllowValues  []string
	// Audit receives one entry per request. Nil drops them (tests, probes).
	Audit audit.Sink
	// IdleTimeout ends an upstream exchange that sends nothing for this
	// long; it never limits a stream that keeps talking.
	IdleTimeout time.Duration
	// MaxBodyBytes caps a request body, compressed and decoded.
	MaxBodyBytes int64
	// Transport carries upstream requests (default: a tuned clone of
	// http.DefaultTransport).
	Transport http.RoundTripper
	// Logger receives one line per request: never a header value, body or
	// matched value.
	Logger *slog.Logger
	// Session names this proxy instance in headers, /health and the audit
	// log (default: random).
	Session string
	// Version is reported by /health.
	Version string
	// Cloud upstream overrides (cloud.go). Empty: the region's or
	// location's endpoint; Azure has no default.
	BedrockUpstream     string
	VertexUpstream      string
	AzureOpenAIUpstream string
	GeminiUpstream      string
	// AWSRegion overrides the region of the AWS default chain.
	AWSRegion string
	// Attachments is what happens to images and audio in a request, which
	// cannot be scanned: "pass" (default; counted in the audit entry) or
	// "block" (the request is refused).
	Attachments string
	// Team configures authentication, upstream keys, TLS and draining
	// for a shared proxy (auth.go).
	Team TeamOptions
}

// Server is the proxy. It is an http.Handler and safe for concurrent use.
type Server struct {
	opts      Options
	eng       engine
	check     *checker
	anthropic *url.URL
	openai    *url.URL
	clouds    *clouds
	transport http.RoundTripper
	log       *slog.Logger
	session   string
	health    []byte
	ops       *ops // metrics, readiness, reload, drain (lifecycle.go)
}

// New validates opts and builds a Server.
func New(opts Options) (*Server, error) {
	if opts.Listen == "" {
		opts.Listen = DefaultListen
	}
	if err := checkListen(opts.Listen, opts.AllowRemote); err != nil {
		return nil, err
	}
	if opts.AnthropicUpstream == "" {
		opts.AnthropicUpstream = DefaultAnthropicUpstream
	}
	if opts.OpenAIUpstream == "" {
		opts.OpenAIUpstream = DefaultOpenAIUpstream
	}
	au, err := parseUpstream(opts.AnthropicUpstream, "")
	if err != nil {
		return nil, fmt.Errorf("anthropic upstream: %w", err)
	}
	ou, err := parseUpstream(opts.OpenAIUpstream, "/v1")
	if err != nil {
		return nil, fmt.Errorf("openai upstream: %w", err)
	}
	if opts.PHIMode == "" {
		opts.PHIMode = rules.ModeStandard
	}
	if _, ok := rules.ParseMode(string(opts.PHIMode)); !ok {
		return nil, fmt.Errorf("phi mode %q: want off, standard or strict", opts.PHIMode)
	}
	if opts.Policy == "" {
		opts.Policy = "phi"
	}
	eng, err := newMutateEngine(opts.Key, opts.Policy)
	if err != nil {
		return nil, err
	}
	defs := opts.Rules
	if defs == nil {
		defs = rules.Builtin()
	}
	rs, err := rules.Compile(defs, rules.Options{PHIMode: opts.PHIMode, Disable: opts.DisableRules, AllowValues: opts.AllowValues})
	if err != nil {
		return nil, fmt.Errorf("compile rules: %w", err)
	}
	// Prompt text is attacker-controlled: an inline pretense:allow in it
	// must not switch the check off, and look-alike characters must not
	// hide a token.
	rs = rs.WithoutInlineMarkers().Normalizing()
	if opts.Attachments == "" {
		opts.Attachments = AttachmentsPass
	}
	if opts.Attachments != AttachmentsPass && opts.Attachments != AttachmentsBlock {
		return nil, fmt.Errorf("attachments %q: want pass or block", opts.Attachments)
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = DefaultIdleTimeout
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opts.Session == "" {
		opts.Session = "px_" + randomHex(8)
	}
	if opts.Version == "" {
		opts.Version = "dev"
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	tr := opts.Transport
	if tr == nil {
		tr = defaultTransport()
	}
	cl, err := newClouds(opts)
	if err != nil {
		return nil, err
	}
	s := &Server{
		opts: opts, eng: eng, check: &checker{
			rs: rs, cache: newCleanCache(scanCacheEntries),
			blockAttachments: opts.Attachments == AttachmentsBlock, payloadBudget: opts.MaxBodyBytes,
		}, anthropic: au, openai: ou,
		transport: tr, log: log, session: opts.Session,
	}
	s.clouds = cl
	s.health = s.healthBody()
	if err := s.initOps(); err != nil {
		return nil, err
	}
	return s, nil
}

// Session returns the id this instance puts in X-Pretense-Session.
func (s *Server) Session() string { return s.session }

// Handler returns the proxy as an http.Handler (the Server itself).
func (s *Server) Handler() http.Handler { return s }

// Close releases idle upstream connections.
func (s *Server) Close() error {
	if t, ok := s.transport.(interface{ CloseIdleConnections() }); ok {
		t.CloseIdleConnections()
	}
	return nil
}

// ListenAndServe binds opts.Listen and serves until ctx ends.
func (s *Server) ListenAndServe(ctx context.Context) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.opts.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.opts.Listen, err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx ends, then shuts down gracefully: running
// requests get the drain timeout to finish before they are cut (shutdown).
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		// No ReadTimeout or WriteTimeout: they would cut long generations.
		IdleTimeout:    2 * time.Minute,
		MaxHeaderBytes: 1 << 20,
		ErrorLog:       slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		Protocols:      h2cProtocols(), // HTTP/1.1 and h2c: the AWS JS SDK speaks h2c to an http:// endpoint
		ConnContext:    connContext,
	}
	ln = s.wrapListener(ln)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		s.Close()
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	err := s.shutdown(ctx, hs)
	<-errc
	s.Close()
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

func checkListen(addr string, allowRemote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("listen address %q: %w", addr, err)
	}
	if allowRemote {
		return nil
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%w: %q would accept connections from other machines; pass --allow-remote to mean it", ErrRemoteListen, addr)
}

// parseUpstream validates a base URL and drops a trailing API-version
// segment the routes add themselves.
func parseUpstream(raw, dropSuffix string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("parse %q: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("%q: scheme must be http or https", raw)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%q: no host", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.Path = strings.TrimSuffix(u.Path, dropSuffix)
	u.RawQuery, u.Fragment, u.User = "", "", nil
	return u, nil
}

func defaultTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 256
	t.MaxIdleConnsPerHost = 128
	t.IdleConnTimeout = 90 * time.Second
	// No ResponseHeaderTimeout: a non-streaming generation sends its
	// headers only when it is done. The idle timer covers a dead upstream.
	t.ResponseHeaderTimeout = 0
	return t
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Server) healthBody() []byte {
	var b []byte
	b = append(b, `{"service":"pretense-proxy","version":`...)
	b = appendQuote(b, s.opts.Version)
	b = append(b, `,"phiMode":`...)
	b = appendQuote(b, string(s.opts.PHIMode))
	b = append(b, `,"mutationPolicy":`...)
	b = appendQuote(b, s.opts.Policy)
	b = append(b, `,"session":`...)
	b = appendQuote(b, s.session)
	b = append(b, `,"anthropicUpstream":`...)
	b = appendQuote(b, s.anthropic.String())
	b = append(b, `,"openaiUpstream":`...)
	b = appendQuote(b, s.openai.String())
	return append(b, "}\n"...)
}

// route is what the proxy does with a path.
type route struct {
	api      api
	method   string
	upstream *url.URL
	rewrite  bool // parse, scan and mutate the body
	// Cloud routes (cloud.go): how the upstream request is authenticated
	// (nil: the client's headers go as they are), the model named in the
	// path, and why a refused cloud path is refused.
	auth       upstreamAuth
	model      string
	reason     string
	reasonKind errorKind // how a refused cloud path is answered (zero: 404)
}

// routeFor picks the route for a request; ok is false for paths the proxy
// does not serve.
func (s *Server) routeFor(r *http.Request) (route, bool) {
	if rt, ok, served := s.cloudRoute(r); served {
		return rt, ok
	}
	switch p := r.URL.Path; p {
	case "/v1/messages", "/v1/messages/count_tokens":
		return route{api: apiAnthropic, method: http.MethodPost, upstream: s.anthropic, rewrite: true}, true
	case "/v1/chat/completions":
		return route{api: apiChat, method: http.MethodPost, upstream: s.openai, rewrite: true}, true
	case "/v1/responses":
		return route{api: apiResponses, method: http.MethodPost, upstream: s.openai, rewrite: true}, true
	default:
		if p == "/v1/models" || strings.HasPrefix(p, "/v1/models/") && !strings.Contains(p[len("/v1/models/"):], "/") {
			a := guessAPI(r)
			up := s.openai
			if a == apiAnthropic {
				up = s.anthropic
			}
			return route{api: a, method: http.MethodGet, upstream: up}, true
		}
	}
	a := guessAPI(r)
	if a == apiAnthropic {
		return route{api: a, upstream: s.anthropic}, false
	}
	return route{api: a, upstream: s.openai}, false
}

// guessAPI tells the two API families apart for paths they share and for
// errors on unknown paths: Anthropic clients send anthropic-version or
// x-api-key.
func guessAPI(r *http.Request) api {
	if r.Header.Get("anthropic-version") != "" || r.Header.Get("x-api-key") != "" || strings.HasPrefix(r.URL.Path, "/v1/messages") {
		return apiAnthropic
	}
	return apiChat
}

// ServeHTTP routes one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s = s.live()
	if s.serveOps(w, r) {
		return
	}
	s.ops.met.inflight.Inc()
	defer s.ops.met.inflight.Dec()
	h := w.Header()
	h.Set(HeaderSession, s.session)
	h.Set(HeaderMutations, "0")
	reqID := "req_" + randomHex(12)
	h.Set(HeaderRequestID, reqID)

	if nonce := r.Header.Get(HeaderCanary); nonce != "" {
		s.canary(w, nonce)
		return
	}
	if r.URL.Path == "/health" {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			writeError(w, apiChat, errKindMethod, "", "pretense: /health answers GET", reqID)
			return
		}
		h.Set("Content-Type", "application/json")
		h.Set("Content-Length", strconv.Itoa(len(s.health)))
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			_, _ = w.Write(s.health)
		}
		return
	}
	r, ok := s.authenticate(w, r, reqID)
	if !ok {
		return
	}
	rt, ok := s.routeFor(r)
	x := &exchange{s: s, w: w, r: r, rt: rt, reqID: reqID, started: time.Now()}
	x.entry = audit.Entry{
		Session:   s.session,
		RequestID: reqID,
		Endpoint:  "http://" + s.opts.Listen + " -> " + rt.upstream.Host,
	}
	identify(&x.entry, r)
	// Refusals below are audited too: a client trying a path the proxy does
	// not mutate (files, batches) is worth a record.
	if !ok && rt.reason != "" {
		k := rt.reasonKind
		if k.status == 0 {
			k = errKindNotFound
		}
		x.fail(k, rt.reason)
		return
	}
	if !ok {
		// Never forwarded: an unknown path could carry anything, unmutated.
		x.fail(errKindNotFound, fmt.Sprintf("%s %s is not a route this proxy serves (it serves /v1/messages, /v1/messages/count_tokens, /v1/chat/completions, /v1/responses and /v1/models)", r.Method, r.URL.Path))
		return
	}
	if r.Method != rt.method {
		h.Set("Allow", rt.method)
		x.fail(errKindMethod, fmt.Sprintf("%s %s: use %s", r.Method, r.URL.Path, rt.method))
		return
	}
	if r.Header.Get("Upgrade") != "" {
		// A WebSocket would carry frames past the mutation; clients such as
		// Codex fall back to HTTP on 426.
		x.fail(errKindUpgrade, "protocol upgrades are not proxied; use HTTP")
		return
	}
	x.serve()
}

func (s *Server) canary(w http.ResponseWriter, nonce string) {
	body := append([]byte(`{"pretense":true,"canary":`), appendQuote(nil, nonce)...)
	body = append(body, "}\n"...)
	h := w.Header()
	h.Set(HeaderCanary, nonce)
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

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
	var body []byte
	if x.rt.rewrite {
		var ok bool
		body, ok = x.prepare()
		if !ok {
			return
		}
	}
	x.forward(body)
}

// prepare reads, decodes, scans and mutates the request body. It answers
// the client itself and returns false when the request must not go on.
func (x *exchange) prepare() ([]byte, bool) {
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
	raw, err := readBody(http.MaxBytesReader(x.w, x.r.Body, s.opts.MaxBodyBytes), x.r.ContentLength, s.opts.MaxBodyBytes, big)
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
	res, err := rewriteRequest(body, x.rt.api, x.sess, s.check, s.eng.langFromPath)
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

// readBody reads r whole, sized by the declared length so a large body is
// not copied again and again as it grows.
func readBody(r io.Reader, declared, limit int64, onBig func()) ([]byte, error) {
	if declared <= 0 || declared > limit {
		// No length (chunked): see readChunked.
		return readChunked(r, onBig)
	}
	var buf bytes.Buffer
	buf.Grow(int(declared) + bytes.MinRead)
	_, err := buf.ReadFrom(r)
	return buf.Bytes(), err
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
	msg := fmt.Sprintf("pretense blocked this request before it left the machine: it carries %d sensitive value(s): %s. Remove them and retry (a false positive is allowed only by the proxy's configuration: allowlist or disabled rules).", len(hits), strings.Join(parts, "; "))
	x.w.Header().Set(HeaderBlocked, strings.Join(ids, ","))
	writeError(x.w, x.rt.api, errKindBlocked, "pretense_blocked", msg, x.reqID)
	x.status = errKindBlocked.statusFor(x.rt.api)
	x.audit(audit.OutcomeBlocked, fidelity{})
	x.logLine(audit.OutcomeBlocked, strings.Join(ids, ","))
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

// idleReader resets the idle timer on every read that returns data.
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
func (x *exchange) forward(body []byte) {
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
		rd = &progressReader{r: bytes.NewReader(body), timer: idle, d: s.opts.IdleTimeout}
	}
	out, err := http.NewRequestWithContext(ctx, x.r.Method, target.String(), rd)
	if err != nil {
		x.fail(errKindInternal, fmt.Sprintf("build upstream request: %v", err))
		return
	}
	copyHeaders(out.Header, x.r.Header, "Host", "Content-Length", "Content-Encoding", "Accept-Encoding",
		HeaderCanary, "Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto")
	if body != nil {
		out.ContentLength = int64(len(body))
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
		if !rd.buffered() {
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
