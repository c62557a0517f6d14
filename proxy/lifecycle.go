package proxy

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/pretense/pretense/rules"
)

// ops is the state a Server shares with the snapshots Reload makes of it:
// metrics, readiness, draining and the live snapshot itself.
type ops struct {
	cur      atomic.Pointer[Server]
	met      *metrics
	sink     *meteredSink
	draining atomic.Bool
	// drain is cancelled when the drain timeout runs out: every exchange
	// still talking to an upstream is then cut and its client told why.
	drain       context.Context
	cancelDrain context.CancelFunc
}

// errDraining is the cancellation cause for exchanges cut at shutdown.
var errDraining = errors.New("proxy shutting down")

// initOps wires metrics, readiness and reloading into a new Server.
func (s *Server) initOps() error {
	if err := checkRemoteAuth(s.opts.Listen, &s.opts.Team); err != nil {
		return err
	}
	if s.opts.Team.DrainTimeout <= 0 {
		s.opts.Team.DrainTimeout = DefaultDrainTimeout
	}
	o := &ops{met: newMetrics()}
	o.drain, o.cancelDrain = context.WithCancel(context.Background())
	o.sink = &meteredSink{inner: s.opts.Audit, m: o.met}
	s.opts.Audit = o.sink
	s.transport = &meteredTransport{inner: s.transport, m: o.met}
	s.ops = o
	o.cur.Store(s)
	return nil
}

// live is the Server snapshot requests use now: Reload swaps in a new one
// with new rules, while requests already running finish on theirs.
func (s *Server) live() *Server {
	if c := s.ops.cur.Load(); c != nil {
		return c
	}
	return s
}

// ReloadOptions are what SIGHUP may change without a restart.
type ReloadOptions struct {
	PHIMode      rules.Mode
	Rules        []rules.Rule
	DisableRules []string
	AllowValues  []string
}

// Reload recompiles the rules and allowlists and rereads the token file.
// Requests running keep the rules they started with; no connection is
// dropped. On error nothing changes.
func (s *Server) Reload(ro ReloadOptions) error {
	err := s.reload(ro)
	result := "ok"
	if err != nil {
		result = "error"
	}
	s.ops.met.reloads.WithLabelValues(result).Inc()
	return err
}

func (s *Server) reload(ro ReloadOptions) error {
	cur := s.live()
	mode := ro.PHIMode
	if mode == "" {
		mode = cur.opts.PHIMode
	}
	defs := ro.Rules
	if defs == nil {
		defs = rules.BuiltinForScan()
	}
	rs, err := rules.Compile(defs, rules.Options{PHIMode: mode, Disable: ro.DisableRules, AllowValues: ro.AllowValues})
	if err != nil {
		return fmt.Errorf("compile rules: %w", err)
	}
	if t := cur.opts.Team.Tokens; t != nil {
		if err := t.Reload(); err != nil {
			return fmt.Errorf("reload tokens: %w", err)
		}
	}
	next := *cur
	next.opts.PHIMode, next.opts.Rules, next.opts.DisableRules, next.opts.AllowValues = mode, ro.Rules, ro.DisableRules, ro.AllowValues
	next.check = newChecker(rs, next.opts)
	next.health = next.healthBody()
	s.ops.cur.Store(&next)
	return nil
}

// Ready reports whether the proxy can serve: not shutting down, the audit
// sink took its last entry, and the token file (if any) loaded. The key and
// upstream credentials are loaded before a Server exists at all.
func (s *Server) Ready() error {
	switch {
	case s.ops.draining.Load():
		return errors.New("shutting down")
	case s.ops.sink.bad.Load():
		return errors.New("the last audit entry could not be written")
	}
	if t := s.opts.Team.Tokens; t != nil {
		if err := t.Err(); err != nil {
			return fmt.Errorf("token file: %w", err)
		}
	}
	return nil
}

// serveOps answers /ready and /metrics on the API listener; it reports
// whether it did. /metrics needs a credential there from clients that are
// not on this machine (metrics_auth.go).
func (s *Server) serveOps(w http.ResponseWriter, r *http.Request) bool {
	switch r.URL.Path {
	case "/metrics":
		if s.metricsAuthorized(w, r) {
			s.serveOpsEndpoint(w, r)
		}
		return true
	case "/ready":
		s.serveOpsEndpoint(w, r)
		return true
	}
	return false
}

// serveOpsEndpoint answers /metrics or /ready without checking who asks.
func (s *Server) serveOpsEndpoint(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/metrics":
		s.ops.met.handler().ServeHTTP(w, r)
	case "/ready":
		body := []byte("{\"ready\":true}\n")
		status := http.StatusOK
		if err := s.Ready(); err != nil {
			body = append(append([]byte(`{"ready":false,"reason":`), appendQuote(nil, err.Error())...), "}\n"...)
			status = http.StatusServiceUnavailable
		}
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		if r.Method != http.MethodHead {
			_, _ = w.Write(body)
		}
	}
}

// wrapListener adds TLS when configured.
func (s *Server) wrapListener(ln net.Listener) net.Listener {
	if s.opts.Team.TLS == nil {
		return ln
	}
	return tls.NewListener(ln, s.opts.Team.TLS)
}

// watchDrain cancels an exchange's upstream context with errDraining when
// the drain timeout runs out; call the returned func when the exchange ends.
func (s *Server) watchDrain(cancel context.CancelCauseFunc) func() bool {
	return context.AfterFunc(s.ops.drain, func() { cancel(errDraining) })
}

// shutdown stops accepting, marks the proxy not ready, waits up to the
// drain timeout for open requests and streams, then ends those still open
// with the API's error event and closes what remains.
func (s *Server) shutdown(ctx context.Context, hs *http.Server) error {
	s.ops.draining.Store(true)
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.Team.DrainTimeout)
	defer cancel()
	err := hs.Shutdown(dctx)
	if err == nil {
		return nil
	}
	s.log.Warn("drain timeout reached; ending open requests", "drain_timeout", s.opts.Team.DrainTimeout.String())
	s.ops.cancelDrain()
	// The cut exchanges write their error events and return; give them a
	// moment, then close whatever is left.
	gctx, gcancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer gcancel()
	if err := hs.Shutdown(gctx); err != nil {
		_ = hs.Close()
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return nil
	}
	return err
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
