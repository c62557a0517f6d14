// Package gate finds every LLM endpoint a build environment will use and
// proves that each one goes through the Pretense proxy.
//
// Discovery resolves each tool's own precedence from the inputs it is given
// (an environment map, a home directory, a working directory and the files
// under them), never from the process that runs it, so tests and the CLI
// decide what the gate sees. The live probe then asks the proxy's /health
// who it is and sends a canary through every routed base URL; the proxy
// answers canaries itself, so no prompt and no credential leaves the
// machine.
package gate

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Verdict is the outcome for one row of the report.
type Verdict string

const (
	// Routed: the endpoint goes through the Pretense proxy.
	Routed Verdict = "routed"
	// Violation: traffic can leave the machine without the proxy, or the
	// gate could not establish that it cannot.
	Violation Verdict = "violation"
	// Local: a local model server on loopback; nothing leaves the machine.
	Local Verdict = "local"
	// Unused: nothing configures this tool, so it sends nothing.
	Unused Verdict = "unused"
	// OK: a setting that is present and not a problem by itself (proxy
	// variables whose loopback coverage is checked per tool).
	OK Verdict = "ok"
)

// Rule identifiers, stable for JSON consumers and SARIF.
const (
	RuleUnroutedEndpoint = "gate/unrouted-endpoint"
	RuleKeyWithoutRoute  = "gate/key-without-routing"
	RuleBypassSwitch     = "gate/bypass-switch"
	RuleProxyVarLoopback = "gate/proxy-var-no-loopback"
	RuleProxyVarTunnel   = "gate/proxy-var-tunnel"
	RuleUnreadableConfig = "gate/unreadable-config"
	RuleUnverifiable     = "gate/unverifiable-endpoint"
	RuleProxyHealth      = "gate/proxy-health"
	RuleCanary           = "gate/canary"
)

// Tool names, in the order the report lists them.
const (
	ToolClaudeCode   = "claude-code"
	ToolAnthropicSDK = "anthropic-sdk"
	ToolOpenAISDK    = "openai-sdk"
	ToolAzureOpenAI  = "azure-openai"
	ToolGemini       = "gemini"
	ToolCodex        = "codex"
	ToolAider        = "aider"
	ToolContinue     = "continue"
	ToolCopilotCLI   = "copilot-cli"
	ToolDotenv       = "dotenv"
	ToolProxyEnv     = "proxy-variables"
	ToolProxy        = "pretense-proxy"
)

// Tools lists every tool the gate knows, in report order.
var toolOrder = []string{
	ToolProxy, ToolClaudeCode, ToolAnthropicSDK, ToolOpenAISDK, ToolAzureOpenAI,
	ToolGemini, ToolCodex, ToolAider, ToolContinue, ToolCopilotCLI, ToolDotenv, ToolProxyEnv,
}

// ErrUsage marks options the caller got wrong (CLI exit 2).
var ErrUsage = errors.New("invalid gate option")

// ErrProbe marks a live probe that could not run at all (CLI exit 3), as
// opposed to a probe that ran and found the path broken (a violation).
var ErrProbe = errors.New("gate probe could not run")

// Options are everything the gate reads. Nothing else is consulted.
type Options struct {
	// Env is the environment the tools would inherit.
	Env map[string]string
	// Home is the user's home directory; "" skips every per-user file.
	Home string
	// WorkDir is the project directory the tools would run in.
	WorkDir string
	// ManagedSettings are Claude Code managed-settings files, highest
	// precedence first (the CLI passes the platform's default path).
	ManagedSettings []string
	// ClaudeSettings is the equivalent of `claude --settings`: a file path
	// (relative to WorkDir) or inline JSON.
	ClaudeSettings string
	// Proxy is the Pretense proxy's address; "" means DefaultProxy.
	Proxy string
	// RequirePHIMode, when set, is the lowest phi mode /health may report
	// (off < standard < strict).
	RequirePHIMode string
	// RequireMutationPolicy, when set, is the lowest mutation policy /health
	// may report (phi < all).
	RequireMutationPolicy string
	// Offline skips the live probe.
	Offline bool
	// Client sends the probes; nil means a client without environment
	// proxies. Redirects are never followed whatever the client says.
	Client *http.Client
	// Timeout bounds each probe request; 0 means 3s.
	Timeout time.Duration
}

// Check is one row of the report: one setting of one tool.
type Check struct {
	Tool     string  `json:"tool"`
	Rule     string  `json:"rule,omitempty"`
	Setting  string  `json:"setting,omitempty"`
	Source   string  `json:"source,omitempty"`
	Endpoint string  `json:"endpoint,omitempty"`
	Verdict  Verdict `json:"verdict"`
	Reason   string  `json:"reason"`
	Fix      string  `json:"fix,omitempty"`
	Probe    string  `json:"probe,omitempty"`

	// style picks the canary path for a routed base URL.
	style apiStyle
	// probeURL is the routed base URL to send the canary through.
	probeURL string
	// alt marks a loopback base URL on another port than the proxy's: it
	// is routed only if the live probe finds a Pretense proxy there.
	alt bool
}

// Health is what the proxy's /health said about itself.
type Health struct {
	Service        string `json:"service"`
	Version        string `json:"version,omitempty"`
	PHIMode        string `json:"phiMode,omitempty"`
	MutationPolicy string `json:"mutationPolicy,omitempty"`
	Session        string `json:"session,omitempty"`
}

// Report is the gate's result.
type Report struct {
	SchemaVersion int     `json:"schemaVersion"`
	Proxy         string  `json:"proxy"`
	Offline       bool    `json:"offline"`
	Probed        bool    `json:"probed"`
	ProbeNote     string  `json:"probeNote,omitempty"`
	Health        *Health `json:"health,omitempty"`
	Checks        []Check `json:"checks"`
	Violations    int     `json:"violations"`

	workDir, home string // for display and SARIF paths
	anchor        string // SARIF location for environment findings
}

// Passed reports whether every endpoint is routed (or unused or local).
func (r *Report) Passed() bool { return r.Violations == 0 }

// Run discovers the endpoints and, unless opts.Offline, probes them.
// The error is non-nil only for bad options (ErrUsage) or a probe that
// could not run (ErrProbe); violations are in the report.
func Run(ctx context.Context, opts Options) (*Report, error) {
	rep, err := Discover(opts)
	if err != nil {
		return nil, err
	}
	if opts.Offline {
		rep.ProbeNote = "live probe skipped (--offline): routing shown by settings only, not proven"
		return rep, nil
	}
	if err := probe(ctx, opts, rep); err != nil {
		return rep, err
	}
	return rep, nil
}

// Discover is the static pass: it resolves every tool's effective endpoint
// without touching the network.
func Discover(opts Options) (*Report, error) {
	px, err := parseProxy(opts.Proxy)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUsage, err)
	}
	if opts.WorkDir == "" {
		return nil, fmt.Errorf("%w: working directory is required", ErrUsage)
	}
	if err := checkLevel("phi mode", opts.RequirePHIMode, phiModes); err != nil {
		return nil, err
	}
	if err := checkLevel("mutation policy", opts.RequireMutationPolicy, mutationPolicies); err != nil {
		return nil, err
	}
	d := newDiscovery(opts, px)
	d.claudeCode()
	d.anthropicSDK()
	d.openAISDK()
	d.azureOpenAI()
	d.gemini()
	d.codex()
	d.aider()
	d.continueDev()
	d.copilotCLI()
	d.proxyVariables()
	rep := &Report{SchemaVersion: 1, Proxy: px.String(), Offline: opts.Offline, Checks: d.sorted(), workDir: opts.WorkDir, home: opts.Home}
	rep.anchor = workflowPath(opts.Env["GITHUB_WORKFLOW_REF"])
	rep.count()
	return rep, nil
}

func (r *Report) count() {
	r.Violations = 0
	for _, c := range r.Checks {
		if c.Verdict == Violation {
			r.Violations++
		}
	}
}

var (
	phiModes         = []string{"off", "standard", "strict"}
	mutationPolicies = []string{"phi", "all"}
)

func checkLevel(what, v string, levels []string) error {
	if v == "" || rank(v, levels) >= 0 {
		return nil
	}
	return fmt.Errorf("%w: required %s %q: want one of %s", ErrUsage, what, v, strings.Join(levels, ", "))
}

// rank is v's position in levels, -1 when unknown.
func rank(v string, levels []string) int {
	for i, l := range levels {
		if strings.EqualFold(v, l) {
			return i
		}
	}
	return -1
}
