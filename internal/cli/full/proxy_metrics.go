package full

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"time"

	"github.com/pretense/pretense/internal/cli"
	"github.com/pretense/pretense/proxy"
)

// checkMetricsListen validates --metrics-listen, the separate listener
// for /metrics, /health and /ready without credentials (Prometheus and
// probes), before anything is bound or opened. Like the API listener, an
// address other machines can reach needs --allow-remote: what it serves is
// counts, never a user or a value, but which rules block how often is
// still the team's business.
func (c *teamFlags) checkMetricsListen(allowRemote bool) error {
	if c.MetricsListen == "" {
		return nil
	}
	host, _, err := net.SplitHostPort(c.MetricsListen)
	if err != nil {
		return cli.UsageError(fmt.Errorf("--metrics-listen %q: %w", c.MetricsListen, err))
	}
	if ip, perr := netip.ParseAddr(host); !allowRemote && host != "localhost" && (perr != nil || !ip.Unmap().IsLoopback()) {
		return cli.WithHint(cli.UsageErrorf("--metrics-listen %q would serve metrics to other machines without credentials", c.MetricsListen),
			"add --allow-remote if the scraper runs elsewhere (and restrict the port to it), or use 127.0.0.1:PORT")
	}
	return nil
}

// listenMetrics binds --metrics-listen (nil, nil when it is not set).
func (c *teamFlags) listenMetrics(ctx context.Context) (net.Listener, error) {
	if c.MetricsListen == "" {
		return nil, nil
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", c.MetricsListen)
	if err != nil {
		return nil, cli.RuntimeError(fmt.Errorf("--metrics-listen: listen on %s: %w", c.MetricsListen, err))
	}
	return ln, nil
}

// serveMetrics serves srv's operations endpoints on ln until the returned
// stop is called; stop runs after the proxy has drained, so /ready keeps
// saying "not ready" to the probes for the whole drain.
func serveMetrics(ln net.Listener, srv *proxy.Server, log *slog.Logger) (stop func()) {
	hs := &http.Server{
		Handler:           srv.OpsHandler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics listener stopped", "err", err)
		}
	}()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := hs.Shutdown(ctx); err != nil {
			_ = hs.Close()
		}
		<-done
	}
}
