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
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
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
	// MaxRequestValues caps the JSON values of a request (0: 2^20,
	// maxRequestValues); past it the request is refused with 413.
	MaxRequestValues int
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
		defs = rules.BuiltinForScan()
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
		opts: opts, eng: eng, check: newChecker(rs, opts), anthropic: au, openai: ou,
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
