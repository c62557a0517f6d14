package gate

import (
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"strings"
)

// What code scanning needs to know about the gate's rules and violations.
// The SARIF itself is written by package report (the one SARIF writer,
// over go-sarif); the gate only says what its rules mean and where each
// violation is anchored, because only the gate knows its sources.

// RuleDoc describes one gate rule for code-scanning output.
type RuleDoc struct {
	ID, Name string
	// Short is one sentence without a full stop; Help says how to fix it.
	Short, Help string
}

// RuleDocs returns every gate rule, sorted by id.
func RuleDocs() []RuleDoc {
	out := make([]RuleDoc, len(gateRules))
	for i, r := range gateRules {
		out[i] = RuleDoc{ID: r.id, Name: r.name, Short: r.short, Help: r.help}
	}
	return out
}

// gateRules describes every rule, sorted by id.
var gateRules = []struct{ id, name, short, help string }{
	{RuleBypassSwitch, "BypassSwitch", "A switch sends LLM traffic around the proxy",
		"Bedrock/Vertex switches, ANTHROPIC_UNIX_SOCKET, Codex ChatGPT login and similar switches make a tool ignore its base URL. Unset them."},
	{RuleCanary, "CanaryNotAnswered", "A routed base URL did not answer the canary as the Pretense proxy",
		"The setting points at the proxy address, but a request through it was not answered by a Pretense proxy. Start the proxy on that address."},
	{RuleKeyWithoutRoute, "KeyWithoutRouting", "An API key is set for a provider whose endpoint is not routed",
		"With a key and no base URL the tool talks to the vendor directly. Set the base URL to the proxy or remove the key."},
	{RuleProxyHealth, "ProxyHealth", "The Pretense proxy is not running or runs the wrong policy",
		"GET /health must answer as the Pretense proxy with at least the required phi mode and mutation policy."},
	{RuleProxyVarTunnel, "ProxyVarTunnel", "A forward-proxy variable points at the Pretense proxy",
		"HTTPS_PROXY at the proxy port makes clients open TLS tunnels the proxy cannot inspect; set the base URL instead."},
	{RuleProxyVarLoopback, "ProxyVarNoLoopback", "A forward-proxy variable is set and NO_PROXY does not cover loopback",
		"Not every client special-cases loopback; add localhost,127.0.0.1,::1 to NO_PROXY and no_proxy."},
	{RuleUnreadableConfig, "UnreadableConfig", "A tool config file could not be read or parsed",
		"The gate cannot tell where a tool sends traffic when its config does not parse. Fix the file."},
	{RuleUnroutedEndpoint, "UnroutedEndpoint", "An LLM endpoint does not go through the Pretense proxy",
		"Point the base URL at the proxy (http://127.0.0.1:9339 for Anthropic-style, /v1 for OpenAI-style clients)."},
	{RuleUnverifiable, "UnverifiableEndpoint", "An LLM endpoint cannot be verified locally",
		"The endpoint is resolved remotely or from a template. Define it inline, pointing at the proxy."},
}

// Anchor is where a code-scanning result for a violation points.
type Anchor struct {
	// URI is repository-relative and slash-separated; it is always set.
	URI string
	// LogicalName and LogicalKind ("variable", "file", "module") name the
	// real source when URI is only a stand-in for it; both empty otherwise.
	LogicalName, LogicalKind string
}

// Message is what a code-scanning result says about a violation: the tool,
// the reason and the fix.
func (c Check) Message() string {
	msg := c.Tool + ": " + c.Reason
	if c.Fix != "" {
		msg += " Fix: " + c.Fix
	}
	return msg
}

// Fingerprint identifies a violation across runs for code scanning. It is
// built from display paths, not absolute ones, so it is the same on every
// machine and in every checkout.
func (r *Report) Fingerprint(c Check) string {
	fp := sha256.Sum256([]byte(strings.Join([]string{c.Tool, c.Rule, c.Setting, r.display(c.Source), c.Endpoint}, "\x00")))
	return hex.EncodeToString(fp[:16])
}

// Anchor places a violation. GitHub code scanning rejects a whole SARIF
// file when any result lacks a physical location, so a violation that
// comes from a file inside the working directory points at that file, and
// one that comes from the environment or from a file outside the
// repository is anchored to the workflow that set up the job
// (GITHUB_WORKFLOW_REF) or to .pretense.yaml, with the real source as a
// logical location.
func (r *Report) Anchor(c Check) Anchor {
	src := c.Source
	if i := strings.Index(src, " ("); i > 0 {
		src = src[:i] // "path (model_provider)" → path
	}
	if filepath.IsAbs(src) && r.workDir != "" {
		if rel, err := filepath.Rel(r.workDir, src); err == nil && !strings.HasPrefix(rel, "..") {
			return Anchor{URI: filepath.ToSlash(rel)}
		}
	}
	name, kind := c.Setting, "variable"
	if filepath.IsAbs(src) {
		name, kind = r.display(src), "file"
		if c.Setting != "" {
			name += ": " + c.Setting
		}
	}
	if name == "" {
		name, kind = c.Tool, "module"
	}
	anchor := r.anchor
	if anchor == "" {
		anchor = ".pretense.yaml"
	}
	return Anchor{URI: anchor, LogicalName: name, LogicalKind: kind}
}

// workflowPath extracts the workflow file from GITHUB_WORKFLOW_REF
// ("owner/repo/.github/workflows/ci.yml@refs/heads/main").
func workflowPath(ref string) string {
	ref, _, _ = strings.Cut(ref, "@")
	parts := strings.SplitN(ref, "/", 3)
	if len(parts) != 3 || !strings.HasPrefix(parts[2], ".github/") {
		return ""
	}
	return parts[2]
}
