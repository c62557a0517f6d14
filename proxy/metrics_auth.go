package proxy

import (
	"net/http"
	"strings"

	"github.com/pretense/pretense/internal/tokens"
)

// The operations endpoints and who may read them.
//
// /health and /ready stay open on every listener: load balancers and
// Kubernetes probes call them without credentials, and they say nothing
// but "up" and "ready". /metrics says more (request and block counts by
// route and rule, upstream error rates, the process's memory), so on the
// API listener it follows the API's rule: loopback peers read it freely
// unless --require-auth, anyone else needs a valid client token (a
// dedicated one, e.g. for user "prometheus", sent as Prometheus sends
// credentials: Authorization: Bearer) or a verified client certificate.
// A deployment that wants the common Prometheus setup instead serves the
// three endpoints on a separate listener (OpsHandler, --metrics-listen),
// reachable only from where the scraper runs.

// metricsAuthorized reports whether r may read /metrics on the API
// listener; if not, it has answered 401.
func (s *Server) metricsAuthorized(w http.ResponseWriter, r *http.Request) bool {
	t := &s.opts.Team
	if r.TLS != nil && len(r.TLS.VerifiedChains) > 0 && len(r.TLS.VerifiedChains[0]) > 0 && certUser(r.TLS.VerifiedChains[0][0]) != "" {
		return true
	}
	tok := r.Header.Get(HeaderToken)
	if tok == "" {
		tok, _ = strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	}
	reason := "missing_token"
	if tok != "" {
		if _, ok, _ := lookupToken(t, tok); ok {
			return true
		}
		reason = "invalid_token"
	} else if !t.RequireAuth {
		ci, _ := r.Context().Value(connKey{}).(*connInfo)
		if ci == nil {
			ci = requestConnInfo(r)
		}
		if ci.loopback {
			return true
		}
	}
	s.ops.met.authFailures.WithLabelValues(reason).Inc()
	w.Header().Set("WWW-Authenticate", `Bearer realm="pretense metrics"`)
	w.Header().Set("Connection", "close")
	writeError(w, apiChat, errKindAuth, "invalid_api_key", "pretense: /metrics needs a valid proxy token from clients that are not on this machine: send it as Authorization: Bearer <token> (Prometheus: authorization.credentials_file), or scrape the --metrics-listen address", "")
	s.log.Warn("metrics scrape refused", "reason", reason, "remote", r.RemoteAddr)
	return false
}

// lookupToken returns the user a presented token belongs to. err is set
// when the token file cannot be read, so nothing authenticates.
func lookupToken(t *TeamOptions, tok string) (string, bool, error) {
	if t.Tokens == nil || !strings.HasPrefix(tok, tokens.Prefix) {
		return "", false, nil
	}
	set, err := t.Tokens.Current()
	user, ok := set.Lookup(tok)
	return user, ok, err
}

// OpsHandler serves /metrics, /health and /ready without authentication,
// and nothing else (404), for a listener of its own (--metrics-listen):
// the usual way to let Prometheus scrape a service whose API port needs
// credentials. It never proxies a request.
func (s *Server) OpsHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cur := s.live()
		switch r.URL.Path {
		case "/metrics", "/ready":
			cur.serveOpsEndpoint(w, r)
		case "/health":
			cur.ServeHTTP(w, r)
		default:
			http.NotFound(w, r)
		}
	})
}
