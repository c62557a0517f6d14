// Routing: which API a path belongs to, what the proxy does with it, and
// the front door (ServeHTTP) that answers health, canary and ops paths
// before a request becomes an exchange.

package proxy

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pretense/pretense/audit"
)

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
