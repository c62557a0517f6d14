package gate

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"
)

// Header names of the proxy contract.
const (
	headerCanary    = "X-Pretense-Canary"
	headerSession   = "X-Pretense-Session"
	headerMutations = "X-Pretense-Mutations"
	serviceName     = "pretense-proxy"
)

// maxProbeBody caps what the gate reads from a probe response.
const maxProbeBody = 64 << 10

// probe is the live pass: /health must identify a Pretense proxy with the
// required policy, and a canary through every routed base URL must come
// back answered by the proxy itself. Canaries carry no credential and no
// prompt, and the proxy never forwards them, so nothing leaves the machine.
func probe(ctx context.Context, opts Options, rep *Report) error {
	// One canary per distinct request a tool would make: the same base
	// URL used Anthropic-style and Gemini-style takes two different paths.
	type target struct {
		base  string
		style apiStyle
	}
	var order []target
	seen := map[target]bool{}
	for _, c := range rep.Checks {
		if c.Verdict == Routed && c.probeURL != "" {
			t := target{c.probeURL, c.style}
			if !seen[t] {
				seen[t] = true
				order = append(order, t)
			}
		}
	}
	p := newProber(opts)
	alts, err := probeOtherPorts(ctx, p, opts, rep)
	if err != nil {
		return err
	}
	// With nothing routed there is nothing to prove, unless the caller
	// asked for a policy: then the proxy itself must be up and say so
	// (a proxy found on another port has had its policy checked).
	if len(order) == 0 && (alts > 0 || opts.RequirePHIMode == "" && opts.RequireMutationPolicy == "") {
		if alts == 0 {
			rep.ProbeNote = "no endpoint is routed to the proxy, so there was nothing to probe"
		}
		rep.count()
		return nil
	}
	rep.Probed = true

	hc := Check{Tool: ToolProxy, Setting: "GET /health", Source: "live probe", Endpoint: rep.Proxy + "/health"}
	h, err := p.health(ctx, rep.Proxy)
	if err := probeAborted(ctx, err); err != nil {
		return err
	}
	rep.Health = h
	if err == nil {
		err = policyError(h, opts)
	}
	if err != nil {
		hc.Verdict, hc.Rule, hc.Reason = Violation, RuleProxyHealth, err.Error()
		hc.Fix = fmt.Sprintf("start the proxy: pretense proxy --listen %s", strings.TrimPrefix(rep.Proxy, "http://"))
		if h != nil && h.Service == serviceName {
			hc.Fix = "restart the proxy with the required policy (phi-mode / mutation-policy in .pretense.yaml or flags)"
		}
	} else {
		hc.Verdict = Routed
		hc.Reason = fmt.Sprintf("Pretense proxy %s, phi mode %s, mutation policy %s", h.Version, orNone(h.PHIMode), orNone(h.MutationPolicy))
		hc.Probe = "health ok"
	}

	results := map[target]error{}
	for _, t := range order {
		nonce, err := newNonce()
		if err != nil {
			return fmt.Errorf("%w: make canary nonce: %w", ErrProbe, err)
		}
		err = p.canary(ctx, t.base, t.style, nonce)
		if err := probeAborted(ctx, err); err != nil {
			return err
		}
		results[t] = err
	}
	for i := range rep.Checks {
		c := &rep.Checks[i]
		if c.Verdict != Routed || c.probeURL == "" {
			continue
		}
		if err := results[target{c.probeURL, c.style}]; err != nil {
			c.Verdict, c.Rule = Violation, RuleCanary
			c.Probe = "canary failed: " + err.Error()
			c.Reason = "set to the proxy address, but the canary was not answered by a Pretense proxy: " + err.Error()
			c.Fix = hc.Fix
			if hc.Verdict == Routed {
				c.Fix = "check that nothing else listens on this address and that the path reaches the proxy"
			}
			continue
		}
		c.Probe = "canary echoed by the proxy"
	}
	rep.Checks = append([]Check{hc}, rep.Checks...)
	rep.count()
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "(not reported)"
	}
	return s
}

// probeAborted turns a cancelled or expired parent context into ErrProbe:
// the probe did not run to the end, which says nothing about routing.
func probeAborted(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("%w: %w", ErrProbe, ctx.Err())
	}
	return nil
}

type prober struct {
	client  *http.Client
	timeout time.Duration
}

func newProber(opts Options) prober {
	var c http.Client
	if opts.Client != nil {
		c = *opts.Client
	} else {
		// Probe loopback directly: a forward proxy from the environment
		// must not answer for the proxy (NO_PROXY is checked statically).
		c.Transport = &http.Transport{Proxy: nil, DialContext: (&net.Dialer{Timeout: 2 * time.Second}).DialContext}
	}
	// A redirect could point anywhere; the proxy never redirects a canary.
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	t := opts.Timeout
	if t <= 0 {
		t = 3 * time.Second
	}
	return prober{client: &c, timeout: t}
}

func (p prober) get(ctx context.Context, url string, header http.Header) (*http.Response, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, nil, describeDialError(err, p.timeout)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxProbeBody))
	if err != nil {
		return resp, nil, fmt.Errorf("read response: %w", err)
	}
	return resp, body, nil
}

// describeDialError says in words what a failed request means here.
func describeDialError(err error, timeout time.Duration) error {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return errors.New("proxy is not running (connection refused)")
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("no answer within %s", timeout)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("no answer within %s", timeout)
	}
	return err
}

// health asks the proxy who it is. A nil Health means nothing answered
// that looked like one.
func (p prober) health(ctx context.Context, base string) (*Health, error) {
	resp, body, err := p.get(ctx, base+"/health", nil)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("/health answered %s, not a Pretense proxy", resp.Status)
	}
	var h Health
	if err := json.Unmarshal(body, &h); err != nil {
		return nil, fmt.Errorf("/health did not answer JSON, not a Pretense proxy")
	}
	if h.Service != serviceName {
		return nil, fmt.Errorf("/health service is %q, not %q: something else listens on the proxy address", h.Service, serviceName)
	}
	if resp.Header.Get(headerSession) == "" || resp.Header.Get(headerMutations) == "" {
		return &h, fmt.Errorf("/health lacks the %s and %s headers every Pretense proxy response carries", headerSession, headerMutations)
	}
	return &h, nil
}

// policyError checks the policy /health reported against the minimum.
func policyError(h *Health, opts Options) error {
	if opts.RequirePHIMode != "" && rank(h.PHIMode, phiModes) < rank(opts.RequirePHIMode, phiModes) {
		return fmt.Errorf("proxy runs phi mode %s, gate requires at least %s", orNone(h.PHIMode), opts.RequirePHIMode)
	}
	if opts.RequireMutationPolicy != "" && rank(h.MutationPolicy, mutationPolicies) < rank(opts.RequireMutationPolicy, mutationPolicies) {
		return fmt.Errorf("proxy runs mutation policy %s, gate requires at least %s", orNone(h.MutationPolicy), opts.RequireMutationPolicy)
	}
	return nil
}

// canaryPath is the request a tool with this base URL would make for its
// model list: the route the real traffic takes, answered by the proxy.
func canaryPath(base string, style apiStyle) string {
	if strings.HasSuffix(strings.TrimRight(base, "/"), "/v1") {
		return "models"
	}
	switch style {
	case styleOpenAI:
		return "models"
	case styleAzure:
		return "openai/models"
	case styleGemini:
		return "v1beta/models"
	case styleBedrock:
		// Claude Code's first Bedrock call.
		return "inference-profiles"
	case styleVertex:
		return "projects/pretense-canary/locations/global/publishers/anthropic/models"
	}
	return "v1/models"
}

// canary sends a nonce through base and checks the proxy answered it.
func (p prober) canary(ctx context.Context, base string, style apiStyle, nonce string) error {
	u, err := joinPath(base, canaryPath(base, style))
	if err != nil {
		return err
	}
	resp, body, err := p.get(ctx, u, http.Header{headerCanary: {nonce}})
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s answered %s", u, resp.Status)
	}
	if got := resp.Header.Get(headerCanary); got != nonce {
		return fmt.Errorf("GET %s did not echo the %s header", u, headerCanary)
	}
	if resp.Header.Get(headerSession) == "" {
		return fmt.Errorf("GET %s lacks the %s header", u, headerSession)
	}
	var b struct {
		Pretense bool   `json:"pretense"`
		Canary   string `json:"canary"`
	}
	if err := json.Unmarshal(body, &b); err != nil || !b.Pretense || b.Canary != nonce {
		return fmt.Errorf("GET %s body is not the proxy's canary answer", u)
	}
	return nil
}

// newNonce is a fresh random canary value.
func newNonce() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return "pretense-canary-" + hex.EncodeToString(b[:]), nil
}
