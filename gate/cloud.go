package gate

import (
	"context"
	"fmt"
)

// Claude Code's cloud modes. CLAUDE_CODE_USE_BEDROCK / _VERTEX send every
// request to the cloud, ignoring ANTHROPIC_BASE_URL. They are routed when
// the mode's own base URL (Claude Code's "LLM gateway" set-up) is the
// proxy, which serves the Bedrock and Vertex routes and authenticates to
// the cloud itself; without that base URL they go straight to the cloud.
type cloudMode struct {
	switchVar, baseVar, skipVar, what, suffix string
	style                                     apiStyle
}

var claudeCloudModes = []cloudMode{
	{"CLAUDE_CODE_USE_BEDROCK", "ANTHROPIC_BEDROCK_BASE_URL", "CLAUDE_CODE_SKIP_BEDROCK_AUTH", "Amazon Bedrock", "", styleBedrock},
	{"CLAUDE_CODE_USE_VERTEX", "ANTHROPIC_VERTEX_BASE_URL", "CLAUDE_CODE_SKIP_VERTEX_AUTH", "Google Vertex AI", "/v1", styleVertex},
}

// claudeCloud checks the cloud modes that are on and reports whether any
// is; then the first-party settings are not what Claude Code uses.
func (d *discovery) claudeCloud(view envView) (on bool) {
	for _, m := range claudeCloudModes {
		v, src, ok := view.lookup(m.switchVar)
		if !ok || !truthy(v) {
			continue
		}
		on = true
		gateway := d.proxy.String() + m.suffix
		base, bsrc, ok := view.lookup(m.baseVar)
		if !ok {
			d.add(Check{
				Tool: ToolClaudeCode, Rule: RuleBypassSwitch, Setting: m.switchVar, Source: src,
				Verdict: Violation,
				Reason:  fmt.Sprintf("%s=%s sends requests to %s and %s is not set, so they do not go through the proxy", m.switchVar, v, m.what, m.baseVar),
				Fix:     fmt.Sprintf("set %s=%s and %s=1 (the proxy authenticates to %s), or unset %s in %s", m.baseVar, gateway, m.skipVar, m.what, m.switchVar, src),
			})
			continue
		}
		d.endpoint(ToolClaudeCode, m.baseVar, base, bsrc, m.style, fmt.Sprintf("set %s to %s in %s", m.baseVar, gateway, bsrc))
		if sv, _, ok := view.lookup(m.skipVar); !ok || !truthy(sv) {
			c := &d.checks[len(d.checks)-1]
			if c.Verdict == Routed || c.alt {
				c.Reason += fmt.Sprintf("; %s is not set, so Claude Code also authenticates itself and needs %s credentials locally (the proxy replaces them with its own)", m.skipVar, m.what)
			}
		}
	}
	return on
}

// probeOtherPorts probes loopback base URLs on another port than the
// proxy's. One where /health identifies a Pretense proxy (with the
// required policy) and the canary comes back is routed, and the report
// says that proxy.listen differs. It returns how many were probed.
func probeOtherPorts(ctx context.Context, p prober, opts Options, rep *Report) (int, error) {
	type result struct {
		health *Health
		err    error
	}
	done := map[string]result{}
	n := 0
	for i := range rep.Checks {
		c := &rep.Checks[i]
		if !c.alt || c.Verdict != Violation {
			continue
		}
		n++
		rep.Probed = true
		u, err := parseURL(c.probeURL)
		if err != nil {
			continue
		}
		origin := "http://" + u.Host
		key := origin + " " + c.probeURL + fmt.Sprint(c.style)
		r, ok := done[key]
		if !ok {
			h, err := p.health(ctx, origin)
			if err := probeAborted(ctx, err); err != nil {
				return n, err
			}
			if err == nil {
				err = policyError(h, opts)
			}
			if err == nil {
				var nonce string
				if nonce, err = newNonce(); err != nil {
					return n, fmt.Errorf("%w: make canary nonce: %w", ErrProbe, err)
				}
				err = p.canary(ctx, c.probeURL, c.style, nonce)
				if err := probeAborted(ctx, err); err != nil {
					return n, err
				}
			}
			r = result{h, err}
			done[key] = r
		}
		if r.err != nil {
			c.Probe = "no Pretense proxy answers there: " + r.err.Error()
			continue
		}
		if rep.Health == nil {
			rep.Health = r.health
		}
		c.Verdict, c.Rule, c.Fix = Routed, "", ""
		c.Probe = "canary echoed by the Pretense proxy on " + origin
		c.Reason = fmt.Sprintf("routed through a Pretense proxy on %s; proxy.listen (%s) differs: set proxy.listen (or the gate's --proxy) to %s so every tool and the gate agree", origin, rep.Proxy, origin)
	}
	return n, nil
}
