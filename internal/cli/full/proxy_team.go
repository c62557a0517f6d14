package full

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/pretense/pretense/config"
	"github.com/pretense/pretense/internal/cli"
	"github.com/pretense/pretense/internal/tokens"
	"github.com/pretense/pretense/proxy"
	"github.com/pretense/pretense/rules"
)

// teamFlags are the proxy's flags for running it as a shared service.
type teamFlags struct {
	RequireAuth     bool          `name:"require-auth" help:"Refuse requests without a valid token (or client certificate) on loopback too."`
	TokenFile       string        `name:"token-file" help:"Client token file (default $PRETENSE_HOME/proxy-tokens.json; manage it with 'pretense proxy token')." type:"path" env:"PRETENSE_TOKEN_FILE" placeholder:"FILE"`
	UpstreamKeyFile []string      `name:"upstream-key-file" help:"File holding the organisation's API key, used upstream instead of the client's credential: [anthropic=|openai=]FILE (bare FILE: both). Clients may then send their proxy token as their API key." placeholder:"[API=]FILE"`
	TLSCert         string        `name:"tls-cert" help:"Serve HTTPS with this certificate (PEM)." type:"path" placeholder:"FILE"`
	TLSKey          string        `name:"tls-key" help:"Private key of --tls-cert (PEM)." type:"path" placeholder:"FILE"`
	ClientCA        string        `name:"client-ca" help:"Require client certificates signed by these CAs (PEM); the certificate's e-mail, URI or DNS name, else its CN, is the user (mTLS)." type:"path" placeholder:"FILE"`
	DrainTimeout    time.Duration `name:"drain-timeout" help:"On SIGTERM, how long open requests and streams may run before they are ended with the API's error event." default:"30s" env:"PRETENSE_DRAIN_TIMEOUT"`
	MetricsListen   string        `name:"metrics-listen" help:"Also serve /metrics, /health and /ready, without credentials, on this address (e.g. 127.0.0.1:9090 for a local Prometheus; another machine's scraper needs --allow-remote). On the API address /metrics needs a token from other machines." placeholder:"HOST:PORT" env:"PRETENSE_METRICS_LISTEN"`
	LogFormat       string        `name:"log-format" help:"Log format: text or json (structured, one object per line)." enum:"text,json" default:"text" env:"PRETENSE_LOG_FORMAT"`
}

func (c *teamFlags) logger(w io.Writer, level slog.Level) *slog.Logger {
	o := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, o))
	}
	return slog.New(slog.NewTextHandler(w, o))
}

// team loads tokens, upstream keys and TLS material. Anything that cannot
// be loaded is an error before the proxy binds: it must never start
// half-configured.
func (c *teamFlags) team(home string) (proxy.TeamOptions, error) {
	t := proxy.TeamOptions{RequireAuth: c.RequireAuth, DrainTimeout: c.DrainTimeout}
	path := c.TokenFile
	if path == "" {
		path = filepath.Join(home, tokens.FileName)
	}
	if _, err := os.Stat(path); err == nil || c.TokenFile != "" || c.RequireAuth {
		w, err := tokens.NewWatcher(path)
		if err != nil {
			return t, cli.WithHint(cli.UsageError(err), "fix or remove the token file; 'pretense proxy token create' rewrites it")
		}
		t.Tokens = w
	}
	for _, spec := range c.UpstreamKeyFile {
		api, file, ok := strings.Cut(spec, "=")
		if !ok {
			api, file = "", spec
		}
		key, err := readKeyFile(file)
		if err != nil {
			return t, cli.UsageError(fmt.Errorf("--upstream-key-file: %w", err))
		}
		switch api {
		case "anthropic":
			t.AnthropicKey = key
		case "openai":
			t.OpenAIKey = key
		case "":
			t.AnthropicKey, t.OpenAIKey = key, key
		default:
			return t, cli.UsageErrorf("--upstream-key-file %q: API must be anthropic or openai", api)
		}
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return t, cli.UsageErrorf("--tls-cert and --tls-key go together")
	}
	if c.ClientCA != "" && c.TLSCert == "" {
		return t, cli.UsageErrorf("--client-ca needs --tls-cert and --tls-key")
	}
	if c.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(c.TLSCert, c.TLSKey)
		if err != nil {
			return t, cli.UsageError(fmt.Errorf("load --tls-cert/--tls-key: %w", err))
		}
		t.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		if c.ClientCA != "" {
			pem, err := os.ReadFile(c.ClientCA)
			if err != nil {
				return t, cli.UsageError(fmt.Errorf("--client-ca: %w", err))
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return t, cli.UsageErrorf("--client-ca %s: no PEM certificate in it", c.ClientCA)
			}
			t.TLS.ClientCAs = pool
			// Verified if given: a client without a certificate may
			// still authenticate with a token.
			t.TLS.ClientAuth = tls.VerifyClientCertIfGiven
			if t.Tokens == nil {
				t.TLS.ClientAuth = tls.RequireAndVerifyClientCert
			}
		}
	}
	if t.Tokens != nil && !c.RequireAuth && c.TokenFile == "" {
		if s, err := t.Tokens.Current(); err == nil && s.Len() == 0 {
			// An empty default token file (every token revoked) is not
			// an auth method: --allow-remote must then refuse to start.
			t.Tokens = nil
		}
	}
	return t, nil
}

// readKeyFile reads an API key: one line, surrounding space trimmed.
func readKeyFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	k := strings.TrimSpace(string(b))
	if k == "" || strings.ContainsAny(k, "\r\n\t ") {
		return "", fmt.Errorf("%s: want one key on one line", path)
	}
	return k, nil
}

// baseURL is what clients should export. A wildcard listen address is
// never printed as a URL: it names this machine instead, and wildcard
// says so, so the banner can tell users to use the address they reach.
func baseURL(listen string, tlsOn bool) (url string, wildcard bool) {
	scheme := "http://"
	if tlsOn {
		scheme = "https://"
	}
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return scheme + listen, false
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		name, err := os.Hostname()
		if err != nil || name == "" {
			name = "THIS-HOST"
		}
		return scheme + net.JoinHostPort(name, port), true
	}
	return scheme + net.JoinHostPort(host, port), false
}

// reloadOnHUP reloads rules, allowlists and tokens on SIGHUP until ctx
// ends; connections stay open and running requests keep their rules.
func (c *proxyCmd) reloadOnHUP(ctx context.Context, srv *proxy.Server, g *cli.Globals, flags []config.Flag, log *slog.Logger) func() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-ctx.Done():
				return
			case <-ch:
				if err := reloadProxy(srv, g, flags); err != nil {
					log.Error("reload failed; keeping the previous configuration", "err", err)
					continue
				}
				log.Info("configuration reloaded")
			}
		}
	}()
	return func() {
		signal.Stop(ch)
		<-done
	}
}

func reloadProxy(srv *proxy.Server, g *cli.Globals, flags []config.Flag) error {
	settings, _, err := cli.LoadSettings(g, ".", flags...)
	if err != nil {
		return err
	}
	cfg := settings.Config()
	mode := rules.Mode(cfg.PHIMode)
	if v, err := settings.Get("phi-mode"); err == nil && v.Source == config.SourceDefault {
		mode = rules.ModeStandard
	}
	return srv.Reload(proxy.ReloadOptions{PHIMode: mode, DisableRules: cfg.Rules.Disable, AllowValues: cfg.Allowlist.Values})
}
