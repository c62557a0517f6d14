package gate

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
)

// DefaultProxy is where `pretense proxy` listens unless told otherwise.
const DefaultProxy = "http://127.0.0.1:9339"

// proxyAddr is the parsed address of the Pretense proxy the gate expects.
type proxyAddr struct {
	base *url.URL // scheme://host:port, no path
	port string
}

func parseProxy(raw string) (proxyAddr, error) {
	if raw == "" {
		raw = DefaultProxy
	}
	u, err := url.Parse(raw)
	if err != nil {
		return proxyAddr{}, fmt.Errorf("proxy address %q: %w", raw, err)
	}
	if u.Scheme != "http" {
		return proxyAddr{}, fmt.Errorf("proxy address %q: scheme must be http (the proxy listens on plain loopback http)", raw)
	}
	if !isLoopbackHost(u.Hostname()) {
		return proxyAddr{}, fmt.Errorf("proxy address %q: host must be a loopback address", raw)
	}
	return proxyAddr{base: &url.URL{Scheme: "http", Host: u.Host}, port: portOf(u)}, nil
}

func (p proxyAddr) String() string { return p.base.String() }

// portOf returns the explicit port of u or the scheme's default.
func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch u.Scheme {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}

// isLoopbackHost reports whether host names this machine: localhost (and
// names under .localhost, which resolvers map to loopback) or a loopback IP.
func isLoopbackHost(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// routing is the static verdict on one base URL.
type routing int

const (
	routeDirect    routing = iota // leaves the machine (or cannot be parsed)
	routeProxy                    // loopback http on the proxy's port
	routeOtherLoop                // loopback, but not the proxy's port or scheme
)

// classify decides whether raw, an endpoint a tool will use, goes through
// the proxy, and says why not when it does not.
func (p proxyAddr) classify(raw string) (routing, string) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return routeDirect, fmt.Sprintf("%q is not an http(s) URL", redactURL(raw))
	}
	if !isLoopbackHost(u.Hostname()) {
		return routeDirect, fmt.Sprintf("goes straight to %s, not through the proxy", u.Hostname())
	}
	if u.Scheme != "http" {
		return routeOtherLoop, "uses https on loopback; the Pretense proxy speaks plain http"
	}
	if portOf(u) != p.port {
		return routeOtherLoop, fmt.Sprintf("loopback port %s is not the Pretense proxy (port %s)", portOf(u), p.port)
	}
	return routeProxy, "routed through the Pretense proxy"
}

// redactURL drops userinfo, query and fragment from a URL before it is
// printed: base URLs sometimes embed keys (?key=…, user:token@host).
func redactURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		if len(raw) > 60 {
			return raw[:60] + "…"
		}
		return raw
	}
	u.User = nil
	u.RawQuery = ""
	u.Fragment = ""
	return u.String()
}

// noProxyCovers reports whether a NO_PROXY value exempts host:port from the
// HTTP proxy. It accepts the union of what common stacks understand ("*",
// exact names and IPs, leading-dot and bare domain suffixes, host:port,
// CIDR), because the question is whether the value covers loopback at all;
// a stack that understands less would fail too, so the fix text asks for
// the plain names.
func noProxyCovers(value, host, port string) bool {
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	ip, ipErr := netip.ParseAddr(host)
	for _, entry := range strings.FieldsFunc(value, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		entry = strings.ToLower(strings.TrimSpace(entry))
		if entry == "*" {
			return true
		}
		if strings.Contains(entry, "/") {
			if pfx, err := netip.ParsePrefix(entry); err == nil && ipErr == nil && pfx.Contains(ip.Unmap()) {
				return true
			}
			continue
		}
		h, p := entry, ""
		if sh, sp, err := net.SplitHostPort(entry); err == nil {
			h, p = sh, sp
		}
		h = strings.Trim(h, "[]")
		if p != "" && p != port {
			continue
		}
		if h == host {
			return true
		}
		suffix := strings.TrimPrefix(strings.TrimPrefix(h, "*"), ".")
		if suffix != "" && ipErr != nil && strings.HasSuffix(host, "."+suffix) {
			return true
		}
		if hip, err := netip.ParseAddr(h); err == nil && ipErr == nil && hip.Unmap() == ip.Unmap() {
			return true
		}
	}
	return false
}

// joinPath appends elem to the path of base, keeping one slash between.
func joinPath(base, elem string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil {
		return "", err
	}
	u.RawQuery, u.Fragment, u.User = "", "", nil
	return u.JoinPath(elem).String(), nil
}

func parseURL(raw string) (*url.URL, error) { return url.Parse(strings.TrimSpace(raw)) }
