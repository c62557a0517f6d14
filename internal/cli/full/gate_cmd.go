package full

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/pretense/pretense/config"
	"github.com/pretense/pretense/gate"
	"github.com/pretense/pretense/internal/cli"
	"github.com/pretense/pretense/internal/version"
	"github.com/pretense/pretense/report/gatesarif"
)

// gateCmd proves that every LLM endpoint of this environment goes through
// the Pretense proxy: a static pass over environment and tool configs, then
// a live probe of the proxy and a canary through each routed base URL.
type gateCmd struct {
	Dir             string        `help:"Project directory the tools run in (default .)." type:"path" default:"." placeholder:"DIR"`
	Proxy           string        `help:"Address of the Pretense proxy (default: http:// + proxy.listen from the configuration, else http://127.0.0.1:9339)." env:"PRETENSE_PROXY_URL" placeholder:"URL"`
	Offline         bool          `help:"Skip the live probe; check settings only (and say so)."`
	RequirePHIMode  string        `name:"require-phi-mode" help:"Lowest phi mode the running proxy may report: off, standard or strict." enum:"off,standard,strict," default:"" placeholder:"MODE"`
	RequirePolicy   string        `name:"require-mutation-policy" help:"Lowest mutation policy the running proxy may report: phi or all." enum:"phi,all," default:"" placeholder:"POLICY"`
	ClaudeSettings  string        `name:"claude-settings" help:"What 'claude --settings' gets in this environment: a file or inline JSON." placeholder:"FILE|JSON"`
	ManagedSettings []string      `name:"claude-managed-settings" help:"Claude Code managed-settings files (default: the platform's path)." placeholder:"FILE"`
	Timeout         time.Duration `help:"Timeout for each probe request." default:"3s"`
	Format          string        `short:"f" help:"Output format: text, json or sarif." enum:"text,json,sarif" default:"text"`
	Output          string        `short:"o" help:"Write the report to FILE instead of stdout." placeholder:"FILE"`
}

func (c *gateCmd) Help() string {
	return `Checks Claude Code settings layers, Anthropic/OpenAI/Azure/Gemini SDK
variables, Codex config.toml, Aider, Continue, Copilot CLI BYOK, dotenv files
and HTTP(S)_PROXY/NO_PROXY, then asks the proxy's /health who it is and sends
a canary (answered by the proxy, never forwarded) through each routed base URL.

Exit codes: 0 every endpoint routed, 1 any violation, 2 usage error,
3 the probe could not run.`
}

// defaultManagedSettings is where Claude Code reads managed settings on
// this platform.
func defaultManagedSettings() []string {
	switch runtime.GOOS {
	case "darwin":
		return []string{"/Library/Application Support/ClaudeCode/managed-settings.json"}
	case "windows":
		return []string{`C:\ProgramData\ClaudeCode\managed-settings.json`}
	}
	return []string{"/etc/claude-code/managed-settings.json"}
}

// environ turns os.Environ into a map; the gate package never reads the
// process environment itself.
func environ() map[string]string {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
			env[k] = v
		}
	}
	return env
}

func (c *gateCmd) Run(ctx context.Context, st *cli.IO, g *cli.Globals) error {
	dir, err := filepath.Abs(c.Dir)
	if err != nil {
		return cli.UsageErrorf("--dir %s: %w", c.Dir, err)
	}
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return cli.UsageErrorf("--dir %s: not a directory", c.Dir)
	}
	proxyURL, err := c.proxyAddress(g, dir)
	if err != nil {
		return err
	}
	home, _ := os.UserHomeDir() // no home: per-user files are skipped
	managed := c.ManagedSettings
	if managed == nil {
		managed = defaultManagedSettings()
	}
	opts := gate.Options{
		Env:                   environ(),
		Home:                  home,
		WorkDir:               dir,
		ManagedSettings:       managed,
		ClaudeSettings:        c.ClaudeSettings,
		Proxy:                 proxyURL,
		RequirePHIMode:        c.RequirePHIMode,
		RequireMutationPolicy: c.RequirePolicy,
		Offline:               c.Offline,
		Timeout:               c.Timeout,
	}
	rep, err := gate.Run(ctx, opts)
	switch {
	case errors.Is(err, gate.ErrUsage):
		return cli.UsageError(err)
	case err != nil:
		return cli.WithHint(cli.RuntimeError(err), "the gate could not finish its live probe; rerun, or use --offline to check settings only")
	}
	if err := cli.WriteOutput(c.Output, st.Out, func(w io.Writer) error {
		return gatesarif.Write(w, c.Format, rep, version.String())
	}); err != nil {
		return err
	}
	if c.Output != "" && c.Output != "-" {
		fmt.Fprintf(st.Err, "pretense gate: %d violation(s); report written to %s\n", rep.Violations, c.Output)
	}
	if !rep.Passed() {
		return cli.ErrFindings
	}
	return nil
}

// proxyAddress is where the gate expects the proxy: --proxy (or
// PRETENSE_PROXY_URL), else where `pretense proxy` run with the same
// configuration listens (proxy.listen: PRETENSE_LISTEN > project > user >
// default 127.0.0.1:9339).
func (c *gateCmd) proxyAddress(g *cli.Globals, dir string) (string, error) {
	if c.Proxy != "" {
		return c.Proxy, nil
	}
	in, err := config.Standard(dir, g.Config, os.LookupEnv, nil)
	if err != nil {
		return "", cli.UsageError(err)
	}
	s, err := config.Resolve(in)
	if err != nil {
		return "", cli.UsageError(err)
	}
	return listenURL(s.Config().Proxy.Listen), nil
}

// listenURL turns a listen address into the URL clients use; a wildcard
// host is reached over 127.0.0.1.
func listenURL(listen string) string {
	if listen == "" {
		return gate.DefaultProxy
	}
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "http://" + listen // the gate rejects it with a usage error
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}
