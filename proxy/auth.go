package proxy

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pretense/pretense/audit"
	"github.com/pretense/pretense/internal/tokens"
)

// HeaderToken carries a client's proxy token. It is never forwarded.
const HeaderToken = "X-Pretense-Token"

// ErrNoAuth is returned for a non-loopback listener without a client
// authentication method.
var ErrNoAuth = errors.New("a listener other machines can reach needs client authentication")

// TeamOptions configure a proxy shared by a team: who may use it, which
// upstream credentials it holds, and how it shuts down.
type TeamOptions struct {
	// Tokens is the token store clients authenticate against (nil: none).
	Tokens *tokens.Watcher
	// RequireAuth refuses unauthenticated requests on loopback too.
	RequireAuth bool
	// AnthropicKey and OpenAIKey, when set, replace the client's
	// credential upstream: developers never hold the organisation's key,
	// and their x-api-key / Authorization: Bearer may carry their proxy
	// token instead. Never logged.
	AnthropicKey string
	OpenAIKey    string
	// TLS, when set, serves HTTPS. With ClientCAs and a verified client
	// certificate, the certificate's identity is the user (mTLS).
	TLS *tls.Config
	// DrainTimeout is how long a shutdown waits for open requests and
	// streams before it ends them with the API's error event (default 30s).
	DrainTimeout time.Duration
}

// DefaultDrainTimeout is the shutdown grace period.
const DefaultDrainTimeout = 30 * time.Second

// authEnabled reports whether some client authentication method is set up.
func (t *TeamOptions) authEnabled() bool {
	return t.Tokens != nil || t.TLS != nil && t.TLS.ClientCAs != nil && t.TLS.ClientAuth >= tls.VerifyClientCertIfGiven
}

// checkRemoteAuth refuses a listener others can reach without a way to
// tell who is calling.
func checkRemoteAuth(listen string, t *TeamOptions) error {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("listen address %q: %w", listen, err)
	}
	if isLoopbackHost(host) || t.authEnabled() {
		return nil
	}
	return fmt.Errorf("%w: %q accepts connections from other machines, so anyone who reaches it could use the upstream credentials; create tokens (pretense proxy token create --user NAME) or set --client-ca", ErrNoAuth, listen)
}

func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// connInfo is what the proxy knows about one client connection.
type connInfo struct {
	loopback bool
	local    netip.AddrPort
	remote   netip.AddrPort

	once sync.Once
	uid  string // "local:<uid>" or "local:unknown", filled lazily
}

type connKey struct{}

// connContext records the connection's addresses for authentication.
func connContext(ctx context.Context, c net.Conn) context.Context {
	ci := &connInfo{}
	if ra, err := netip.ParseAddrPort(c.RemoteAddr().String()); err == nil {
		ci.remote = netip.AddrPortFrom(ra.Addr().Unmap(), ra.Port())
		ci.loopback = ci.remote.Addr().IsLoopback()
	}
	if la, err := netip.ParseAddrPort(c.LocalAddr().String()); err == nil {
		ci.local = netip.AddrPortFrom(la.Addr().Unmap(), la.Port())
	}
	return context.WithValue(ctx, connKey{}, ci)
}

func requestConnInfo(r *http.Request) *connInfo {
	ci := &connInfo{}
	if ra, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		ci.remote = netip.AddrPortFrom(ra.Addr().Unmap(), ra.Port())
		ci.loopback = ci.remote.Addr().IsLoopback()
	}
	if la, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		if ap, err := netip.ParseAddrPort(la.String()); err == nil {
			ci.local = netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
		}
	}
	return ci
}

// localUser names the local account behind a loopback connection: the OS
// tells it for the client's socket (Linux: /proc/net/tcp), else unknown.
func (ci *connInfo) localUser() string {
	ci.once.Do(func() {
		ci.uid = "local:unknown"
		if uid, ok := loopbackPeerUID(ci.remote, ci.local); ok {
			ci.uid = "local:" + strconv.Itoa(uid)
		}
	})
	return ci.uid
}

// caller is who sent a request, as the audit entry records it.
type caller struct {
	user   string
	method string // token, mtls, loopback
}

type callerKey struct{}

// errKindAuth is a missing, invalid or revoked credential.
var errKindAuth = errorKind{http.StatusUnauthorized, "authentication_error", "invalid_request_error"}

// authenticate decides who sent r. It reads headers only: a refused
// request's body is never read (the connection is closed instead of
// drained), nothing is forwarded, and the refusal is audited. On success
// it strips the proxy token, puts the organisation's upstream key in place
// of the client's credential when the proxy holds one, and returns r with
// the caller in its context.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, reqID string) (*http.Request, bool) {
	t := &s.opts.Team
	rt, _ := s.routeFor(r)
	upKey := t.AnthropicKey
	if rt.api != apiAnthropic {
		upKey = t.OpenAIKey
	}
	var c caller
	if r.TLS != nil && len(r.TLS.VerifiedChains) > 0 && len(r.TLS.VerifiedChains[0]) > 0 {
		if u := certUser(r.TLS.VerifiedChains[0][0]); u != "" {
			c = caller{user: u, method: "mtls"}
		}
	}
	tok := r.Header.Get(HeaderToken)
	if tok == "" && upKey != "" {
		// The proxy holds the real key, so the client's own credential
		// slot may carry its proxy token (SDKs send it without extra
		// configuration).
		if k := r.Header.Get("X-Api-Key"); strings.HasPrefix(k, tokens.Prefix) {
			tok = k
		} else if b, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && strings.HasPrefix(b, tokens.Prefix) {
			tok = b
		}
	}
	if tok != "" && c.user == "" {
		user, ok, err := lookupToken(t, tok)
		if !ok {
			msg := "pretense: the proxy token is not valid (unknown or revoked); ask your administrator for a new one"
			if err != nil {
				s.log.Error("token file unreadable; refusing token logins", "request_id", reqID, "err", err)
				msg = "pretense: the proxy cannot check tokens right now (its token file is unreadable)"
			}
			s.refuse(w, r, rt, reqID, "invalid_token", msg)
			return nil, false
		}
		c = caller{user: user, method: "token"}
	}
	ci, _ := r.Context().Value(connKey{}).(*connInfo)
	if ci == nil {
		// Served by a handler stack other than Serve (httptest, an
		// embedding program): learn the addresses from the request.
		ci = requestConnInfo(r)
	}
	if c.user == "" {
		if t.RequireAuth || ci == nil || !ci.loopback {
			s.refuse(w, r, rt, reqID, "missing_token", "pretense: this proxy needs a token: send it in the X-Pretense-Token header (Claude Code: ANTHROPIC_CUSTOM_HEADERS=\"X-Pretense-Token: <token>\")")
			return nil, false
		}
		c = caller{user: ci.localUser(), method: "loopback"}
	}
	r.Header.Del(HeaderToken)
	if upKey != "" {
		r.Header.Del("X-Api-Key")
		r.Header.Del("Authorization")
		if rt.api == apiAnthropic {
			r.Header.Set("X-Api-Key", upKey)
		} else {
			r.Header.Set("Authorization", "Bearer "+upKey)
		}
	}
	return withRouteLabel(r.WithContext(context.WithValue(r.Context(), callerKey{}, c))), true
}

// refuse answers 401 in the API's format without reading the body, and
// closes the connection so the server does not drain the body either.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, rt route, reqID, reason, msg string) {
	w.Header().Set("Connection", "close")
	code := ""
	if rt.api != apiAnthropic {
		code = "invalid_api_key"
	}
	writeError(w, rt.api, errKindAuth, code, msg, reqID)
	s.ops.met.authFailures.WithLabelValues(reason).Inc()
	if s.opts.Audit != nil {
		e := audit.Entry{
			Timestamp: time.Now().UTC(), Session: s.session, RequestID: reqID,
			Endpoint: "http://" + s.opts.Listen + " -> " + rt.upstream.Host,
			User:     "unauthenticated", Client: clientName(r.UserAgent()), Route: routeName(r.URL.Path),
			Outcome: audit.OutcomeFailed,
		}
		if err := s.opts.Audit.Append(e); err != nil {
			s.log.Error("audit append failed", "request_id", reqID, "err", err)
		}
	}
	s.log.Warn("request refused", "request_id", reqID, "method", r.Method, "path", r.URL.Path, "status", http.StatusUnauthorized, "reason", reason, "remote", r.RemoteAddr)
}

// identify fills the audit entry's caller, client tool and route.
func identify(e *audit.Entry, r *http.Request) {
	if c, ok := r.Context().Value(callerKey{}).(caller); ok {
		e.User = c.user
	}
	e.Client = clientName(r.UserAgent())
	e.Route = routeName(r.URL.Path)
}

// certUser is the identity a verified client certificate names: an e-mail
// SAN, else a URI SAN, else a DNS SAN, else the subject's common name.
func certUser(c *x509.Certificate) string {
	var cands []string
	cands = append(cands, c.EmailAddresses...)
	for _, u := range c.URIs {
		cands = append(cands, u.String())
	}
	cands = append(cands, c.DNSNames...)
	cands = append(cands, c.Subject.CommonName)
	for _, u := range cands {
		if tokens.ValidUser(u) == nil {
			return u
		}
	}
	return ""
}

// routeName is the audit and metrics name of a path.
func routeName(p string) string {
	switch {
	case p == "/v1/messages":
		return "anthropic-messages"
	case p == "/v1/messages/count_tokens":
		return "anthropic-count-tokens"
	case p == "/v1/chat/completions":
		return "openai-chat"
	case p == "/v1/responses":
		return "openai-responses"
	case p == "/v1/models" || strings.HasPrefix(p, "/v1/models/"):
		return "models"
	}
	return "unknown"
}
