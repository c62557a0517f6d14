package full

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pretense/pretense/config"
	"github.com/pretense/pretense/internal/cli"
	"github.com/pretense/pretense/internal/version"
	"github.com/pretense/pretense/mutate"
	"github.com/pretense/pretense/proxy"
	"github.com/pretense/pretense/rules"
)

type proxyCmd struct {
	Listen            string          `help:"Address to listen on (default 127.0.0.1:9339; config proxy.listen, env PRETENSE_LISTEN)." placeholder:"HOST:PORT"`
	AllowRemote       bool            `name:"allow-remote" help:"Allow a listen address that is not loopback (a shared team proxy)."`
	AnthropicUpstream string          `name:"anthropic-upstream" help:"Anthropic API base URL (default https://api.anthropic.com; env PRETENSE_ANTHROPIC_UPSTREAM)." placeholder:"URL"`
	OpenAIUpstream    string          `name:"openai-upstream" help:"OpenAI API base URL (default https://api.openai.com; env PRETENSE_OPENAI_UPSTREAM)." placeholder:"URL"`
	PHIMode           cli.PHIModeFlag `name:"phi-mode" help:"Block requests carrying PHI values: off, standard or strict (bare --phi-mode means standard). The proxy uses standard unless configured." placeholder:"MODE"`
	Policy            string          `help:"Which identifiers to mutate: phi (PHI-adjacent names) or all. Default phi." placeholder:"phi|all"`
	AuditSink         string          `name:"audit-sink" help:"Where audit entries go: file ($PRETENSE_HOME/audit or audit.dir), stdout, or both." enum:"file,stdout,both," default:"" placeholder:"SINK"`
	IdleTimeout       time.Duration   `name:"idle-timeout" help:"Give up on an upstream that sends nothing for this long, before its headers or between stream events. A stream that keeps talking is never cut." default:"10m" env:"PRETENSE_IDLE_TIMEOUT"`
	MaxBodySize       cli.SizeFlag    `name:"max-body-size" help:"Largest request body accepted, compressed or decoded (default 64MB)." default:"64MB" placeholder:"SIZE"`
	Attachments       string          `help:"Images and audio in requests cannot be scanned: pass them (counted in the audit entry) or block the request." enum:"pass,block" default:"pass" env:"PRETENSE_ATTACHMENTS"`
	// Cloud routes (docs/proxy.md): Bedrock, Vertex AI, Azure OpenAI, Gemini API.
	BedrockUpstream     string `name:"bedrock-upstream" help:"Bedrock runtime base URL (default https://bedrock-runtime.REGION.amazonaws.com)." env:"PRETENSE_BEDROCK_UPSTREAM" placeholder:"URL"`
	VertexUpstream      string `name:"vertex-upstream" help:"Vertex AI base URL (default https://LOCATION-aiplatform.googleapis.com)." env:"PRETENSE_VERTEX_UPSTREAM" placeholder:"URL"`
	AzureOpenAIUpstream string `name:"azure-openai-upstream" help:"Azure OpenAI resource endpoint, e.g. https://NAME.openai.azure.com (the /openai/ routes need it)." env:"PRETENSE_AZURE_OPENAI_UPSTREAM" placeholder:"URL"`
	GeminiUpstream      string `name:"gemini-upstream" help:"Gemini API base URL (default https://generativelanguage.googleapis.com)." env:"PRETENSE_GEMINI_UPSTREAM" placeholder:"URL"`
	AWSRegion           string `name:"aws-region" help:"AWS region of the Bedrock endpoint and signature (default: AWS_REGION or the AWS profile's region)." placeholder:"REGION"`
	teamFlags
}

func (c *proxyCmd) Help() string {
	return `Runs the local LLM proxy. Point your tools at it and keep working:

  export ANTHROPIC_BASE_URL=http://127.0.0.1:9339      # Claude Code, Anthropic SDKs
  export OPENAI_BASE_URL=http://127.0.0.1:9339/v1      # OpenAI SDKs, Codex

Every request is scanned: one that carries a secret or a PHI value is refused
before any byte leaves the machine. PHI-adjacent identifiers (PatientRecord,
mrn, dateOfBirth, ...) are replaced by keyed synthetics on the way out and
restored in responses, streams included. API keys pass through untouched and
are never logged. One audit entry per request goes to the audit log.

The mutation key is $PRETENSE_KEY or $PRETENSE_HOME/key (created on first use).
Replicas sharing one key produce the same synthetics, so a team can run
several behind a load balancer (--listen 0.0.0.0:9339 --allow-remote). A
listener other machines reach needs client authentication: tokens
('pretense proxy token create --user NAME') or mTLS (--client-ca). See
docs/team.md.`
}

func (c *proxyCmd) Run(ctx context.Context, io *cli.IO, g *cli.Globals) error {
	var flags []config.Flag
	add := func(key, value, name string) {
		if value != "" {
			flags = append(flags, config.Flag{Key: key, Value: value, Name: name})
		}
	}
	add("proxy.listen", c.Listen, "--listen")
	add("proxy.anthropic-upstream", c.AnthropicUpstream, "--anthropic-upstream")
	add("proxy.openai-upstream", c.OpenAIUpstream, "--openai-upstream")
	add("phi-mode", string(c.PHIMode), "--phi-mode")
	add("mutation-policy", c.Policy, "--policy")
	add("audit.sink", c.AuditSink, "--audit-sink")
	settings, home, err := cli.LoadSettings(g, ".", flags...)
	if err != nil {
		return err
	}
	cfg := settings.Config()

	// The proxy exists to keep PHI in, so unless someone chose a phi-mode
	// it blocks PHI values (standard), whatever the scanner's default.
	phiMode := rules.Mode(cfg.PHIMode)
	if v, err := settings.Get("phi-mode"); err == nil && v.Source == config.SourceDefault {
		phiMode = rules.ModeStandard
	}

	key, err := mutate.LoadKey(home, os.Getenv("PRETENSE_KEY"))
	if err != nil {
		return cli.WithHint(cli.UsageError(err), "set PRETENSE_KEY, or fix the key file: it must be a regular file with mode 0600 (chmod 600 "+filepath.Join(home, mutate.KeyFile)+")")
	}

	level := slog.LevelInfo
	if g.Quiet {
		level = slog.LevelWarn
	}
	logger := c.logger(io.Err, level)
	team, err := c.team(home)
	if err != nil {
		return err
	}
	if err := c.checkMetricsListen(c.AllowRemote); err != nil {
		return err
	}

	opts := proxy.Options{
		Listen:            cfg.Proxy.Listen,
		AllowRemote:       c.AllowRemote,
		AnthropicUpstream: cfg.Proxy.AnthropicUpstream,
		OpenAIUpstream:    cfg.Proxy.OpenAIUpstream,
		PHIMode:           phiMode,
		Policy:            cfg.MutationPolicy,
		Key:               key,
		DisableRules:      cfg.Rules.Disable,
		AllowValues:       cfg.Allowlist.Values,
		IdleTimeout:       c.IdleTimeout,
		MaxBodyBytes:      int64(c.MaxBodySize),
		Attachments:       c.Attachments,
		Logger:            logger,
		Version:           version.String(),

		BedrockUpstream:     c.BedrockUpstream,
		VertexUpstream:      c.VertexUpstream,
		AzureOpenAIUpstream: c.AzureOpenAIUpstream,
		GeminiUpstream:      c.GeminiUpstream,
		AWSRegion:           c.AWSRegion,
		Team:                team,
	}
	// Validate everything before binding or opening the audit log.
	pre, err := proxy.New(opts)
	if err != nil {
		if errors.Is(err, proxy.ErrRemoteListen) {
			return cli.WithHint(cli.UsageError(err), "a proxy on a shared address mutates and forwards anyone's requests; add --allow-remote if that is the plan")
		}
		if errors.Is(err, proxy.ErrNoAuth) {
			return cli.WithHint(cli.UsageError(err), "see docs/team.md: pretense proxy token create --user NAME, or --tls-cert/--tls-key/--client-ca")
		}
		return cli.UsageError(err)
	}
	_ = pre.Close()

	sink, closeSink, err := openAuditSink(settings, home, io.Out)
	if err != nil {
		return err
	}
	defer closeSink()
	opts.Audit = sink

	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", opts.Listen)
	if err != nil {
		return cli.RuntimeError(fmt.Errorf("listen on %s: %w", opts.Listen, err))
	}
	// With port 0 the kernel picks one; name the real address everywhere.
	opts.Listen = ln.Addr().String()
	mln, err := c.listenMetrics(ctx)
	if err != nil {
		ln.Close()
		return err
	}
	srv, err := proxy.New(opts)
	if err != nil {
		ln.Close()
		if mln != nil {
			mln.Close()
		}
		return cli.UsageError(err)
	}
	defer srv.Close()
	if mln != nil {
		defer serveMetrics(mln, srv, logger)()
	}

	if !g.Quiet {
		base, wildcard := baseURL(opts.Listen, team.TLS != nil)
		fmt.Fprintf(io.Err, "pretense proxy %s listening on %s (session %s, phi-mode %s, policy %s)\n", version.String(), strings.SplitN(base, "//", 2)[0]+"//"+opts.Listen, srv.Session(), phiMode, cfg.MutationPolicy)
		fmt.Fprintf(io.Err, "  anthropic -> %s\n  openai    -> %s\n", cfg.Proxy.AnthropicUpstream, cfg.Proxy.OpenAIUpstream)
		if wildcard {
			fmt.Fprintln(io.Err, "  listening on every interface: clients use the address they reach this machine by, e.g.")
		}
		fmt.Fprintf(io.Err, "  export ANTHROPIC_BASE_URL=%s\n  export OPENAI_BASE_URL=%s/v1\n", base, base)
		fmt.Fprintf(io.Err, "  cloud routes: Bedrock %s/model/..., Vertex AI %s/v1/projects/..., Azure OpenAI %s/openai/..., Gemini API %s/v1beta/models/... (docs/proxy.md)\n", base, base, base, base)
		if mln != nil {
			fmt.Fprintf(io.Err, "  metrics: http://%s/metrics (also /health, /ready; no credentials)\n", mln.Addr())
		}
		if team.Tokens != nil || team.RequireAuth {
			fmt.Fprintln(io.Err, "  clients authenticate: X-Pretense-Token: <token> (pretense proxy token create --user NAME)")
		}
	}
	stopHUP := c.reloadOnHUP(ctx, srv, g, flags, logger)
	defer stopHUP()
	if err := srv.Serve(ctx, ln); err != nil {
		return cli.RuntimeError(err)
	}
	return nil
}
