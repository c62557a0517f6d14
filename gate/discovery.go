package gate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/joho/godotenv"
)

// maxConfigSize caps what the gate reads from any one config file; tool
// configs are a few KB, and the gate must not stall on a stray huge file.
const maxConfigSize = 4 << 20

// apiStyle is how a tool builds request URLs from its base URL, which
// decides the path the canary takes.
type apiStyle int

const (
	styleAnthropic apiStyle = iota // base is the root; client appends /v1/...
	styleOpenAI                    // base includes /v1; client appends /models
	styleAzure                     // resource root; client appends /openai/...
	styleGemini                    // root; client appends /v1beta/...
	styleBedrock                   // root; client appends /model/... (cloud.go)
	styleVertex                    // root + /v1; client appends /projects/...
)

// discovery collects checks for one gate run.
type discovery struct {
	opts    Options
	proxy   proxyAddr
	env     envView // the process environment, one layer
	dotenv  []layer // repository dotenv files, highest precedence first
	repo    string  // repository root ("" when not in one)
	checks  []Check
	seen    map[string]bool
	claude  string // Claude Code config dir
	badFile map[string]bool
}

func newDiscovery(opts Options, px proxyAddr) *discovery {
	d := &discovery{
		opts:    opts,
		proxy:   px,
		env:     envView{{source: "environment", vars: opts.Env}},
		seen:    map[string]bool{},
		badFile: map[string]bool{},
	}
	d.repo = findRepoRoot(opts.WorkDir)
	d.dotenv = d.loadDotenv()
	return d
}

// add records a check once; the same setting from the same source can
// reach several code paths (e.g. proxy variables seen by every tool).
func (d *discovery) add(c Check) {
	key := strings.Join([]string{c.Tool, c.Rule, c.Setting, c.Source, c.Endpoint, string(c.Verdict)}, "\x00")
	if d.seen[key] {
		return
	}
	d.seen[key] = true
	d.checks = append(d.checks, c)
}

// sorted returns the checks grouped by tool in report order, keeping
// discovery order within a tool, and an "unused" row for silent tools.
func (d *discovery) sorted() []Check {
	byTool := map[string][]Check{}
	for _, c := range d.checks {
		byTool[c.Tool] = append(byTool[c.Tool], c)
	}
	var out []Check
	for _, t := range toolOrder {
		if t == ToolProxy {
			continue // added by the probe
		}
		cs := byTool[t]
		delete(byTool, t)
		if len(cs) == 0 {
			cs = []Check{{Tool: t, Verdict: Unused, Reason: "nothing configures it"}}
		}
		out = append(out, cs...)
	}
	// A row for a tool missing from toolOrder must still count.
	for _, t := range sortedKeys(byTool) {
		out = append(out, byTool[t]...)
	}
	return out
}

// readConfig reads a tool config file. A missing file is (nil, false,
// nil); anything else that stops the gate from reading it is a violation
// row naming the file, because an unread file may hold an endpoint.
func (d *discovery) readConfig(tool, path string) ([]byte, bool) {
	info, err := os.Stat(path)
	// Missing means missing; anything else (permissions, I/O) is reported,
	// because the file might hold an endpoint the gate cannot see.
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil, false
	}
	if err == nil && info.IsDir() {
		d.configError(tool, path, errors.New("read: is a directory"))
		return nil, false
	}
	if err == nil && info.Size() > maxConfigSize {
		d.configError(tool, path, fmt.Errorf("read: larger than %d bytes", maxConfigSize))
		return nil, false
	}
	var b []byte
	if err == nil {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		d.configError(tool, path, fmt.Errorf("read: %w", err))
		return nil, false
	}
	return b, true
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// configError records a file the gate could not read or parse.
func (d *discovery) configError(tool, path string, err error) {
	d.badFile[path] = true
	d.add(Check{
		Tool: tool, Rule: RuleUnreadableConfig, Source: path, Verdict: Violation,
		Reason: fmt.Sprintf("%s: %v", path, err),
		Fix:    "fix the file so it parses (the tool itself may ignore or reject it), then rerun the gate",
	})
}

// findRepoRoot walks up from dir to the directory holding .git.
func findRepoRoot(dir string) string {
	dir = filepath.Clean(dir)
	for {
		if exists(filepath.Join(dir, ".git")) {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// projectDirs are the directories from WorkDir up to the repository root,
// closest first; just WorkDir outside a repository.
func (d *discovery) projectDirs() []string {
	dir := filepath.Clean(d.opts.WorkDir)
	if d.repo == "" {
		return []string{dir}
	}
	var dirs []string
	for {
		dirs = append(dirs, dir)
		if dir == d.repo {
			return dirs
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return dirs
		}
		dir = parent
	}
}

// loadDotenv reads the dotenv files of the project (.env, .env.local,
// .env.production, …; not examples or templates, which no loader reads).
func (d *discovery) loadDotenv() []layer {
	var layers []layer
	for _, dir := range d.projectDirs() {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		var names []string
		for _, e := range entries {
			if isDotenvName(e.Name()) && !e.IsDir() {
				names = append(names, e.Name())
			}
		}
		// More specific files (.env.local, .env.production.local) win
		// over .env in the loaders that layer them.
		sort.Slice(names, func(i, j int) bool {
			if len(names[i]) != len(names[j]) {
				return len(names[i]) > len(names[j])
			}
			return names[i] < names[j]
		})
		for _, n := range names {
			p := filepath.Join(dir, n)
			if l, ok := d.dotenvLayer(ToolDotenv, p); ok {
				layers = append(layers, l)
				d.add(Check{
					Tool: ToolDotenv, Source: p, Verdict: OK,
					Reason: fmt.Sprintf("read (%d variables); SDK-style tools see them below the environment, checked per tool", len(l.vars)),
				})
			}
		}
	}
	return layers
}

func isDotenvName(n string) bool {
	if n != ".env" && !strings.HasPrefix(n, ".env.") {
		return false
	}
	for _, skip := range []string{"example", "sample", "template", "dist", "defaults", "schema"} {
		if strings.Contains(strings.ToLower(n), skip) {
			return false
		}
	}
	return true
}

// dotenvLayer parses one dotenv file.
func (d *discovery) dotenvLayer(tool, path string) (layer, bool) {
	b, ok := d.readConfig(tool, path)
	if !ok {
		return layer{}, false
	}
	vars, err := parseDotenv(b)
	if err != nil {
		d.configError(tool, path, fmt.Errorf("parse: %w", err))
		return layer{}, false
	}
	return layer{source: path, vars: vars, dotenv: true}, true
}

// parseDotenv parses dotenv text; godotenv handles export, quotes, escapes
// and comments the way the common loaders do.
func parseDotenv(b []byte) (map[string]string, error) {
	vars, err := godotenv.UnmarshalBytes(b)
	if err != nil {
		return nil, err
	}
	return vars, nil
}

// sdkView is the environment an SDK-style tool sees: the process
// environment, then dotenv files below it (python-dotenv and godotenv do
// not override by default).
func (d *discovery) sdkView() envView {
	v := d.env
	for _, l := range d.dotenv {
		v = v.under(l)
	}
	return v
}

// provider describes one API family as a tool reaches it through env vars.
type provider struct {
	tool     string
	baseVars []string // every variable some client reads, winning first
	keyVars  []string // credentials that make the tool send requests
	vendor   string   // the default endpoint when no base is set
	style    apiStyle
	fixVar   string // the variable the fix text tells people to set
	fixValue string
	// anyBaseServes: the tool uses whichever base variable is set (Aider
	// via LiteLLM). Otherwise a key needs baseVars[0], the one the
	// official SDK reads, whatever frameworks read besides.
	anyBaseServes bool
	// fixText, when set, words the fix in the tool's own terms; name and
	// src are the offending variable and its source ("" for a missing one).
	fixText func(name, src string) string
}

// checkProvider resolves one provider in view: every base URL variable that
// is set must be routed (different clients read different names), and a
// credential with no base URL set goes to the vendor.
func (d *discovery) checkProvider(p provider, view envView) (configured bool) {
	anyBase := false
	for _, name := range p.baseVars {
		v, src, ok := view.lookup(name)
		if !ok {
			continue
		}
		anyBase, configured = true, true
		d.endpoint(p.tool, name, v, src, p.style, p.fixIn(name, src))
		for _, s := range view.shadowed(name) {
			if r, _ := d.proxy.classify(s.value); r == routeProxy {
				continue
			}
			d.add(Check{
				Tool: p.tool, Rule: RuleUnroutedEndpoint, Setting: name, Source: s.source,
				Endpoint: redactURL(s.value), Verdict: Violation,
				Reason: fmt.Sprintf("shadowed here by %s, but loaders that override the environment (Aider, dotenv override=True) use it", src),
				Fix:    fmt.Sprintf("set %s=%s in %s or remove it", name, p.fixValue, s.source),
			})
		}
		d.checkProxyVars(p.tool, view, v)
	}
	_, _, primarySet := view.lookup(p.baseVars[0])
	if anyBase && (primarySet || p.anyBaseServes) {
		return configured
	}
	for _, k := range p.keyVars {
		if _, src, ok := view.lookup(k); ok {
			reason := fmt.Sprintf("%s is set but no base URL is, so requests go to the vendor", k)
			if anyBase {
				reason = fmt.Sprintf("%s is set but %s is not: the official SDK sends to the vendor (the other variables are read only by some frameworks)", k, p.baseVars[0])
			}
			d.add(Check{
				Tool: p.tool, Rule: RuleKeyWithoutRoute, Setting: k, Source: src,
				Endpoint: p.vendor, Verdict: Violation, Reason: reason, Fix: p.fix(),
			})
			return true
		}
	}
	return configured
}

// fixIn tells how to fix variable name where it was found.
func (p provider) fixIn(name, src string) string {
	if p.fixText != nil {
		return p.fixText(name, src)
	}
	if src == "environment" {
		return fmt.Sprintf("export %s=%s (or unset it)", name, p.fixValue)
	}
	return fmt.Sprintf("set %s to %s in %s", name, p.fixValue, src)
}

func (p provider) fix() string {
	if p.fixText != nil {
		return p.fixText("", "")
	}
	return fmt.Sprintf("set %s=%s (or unset the key if the tool is not used here)", p.fixVar, p.fixValue)
}

// endpoint records the verdict on one configured base URL.
func (d *discovery) endpoint(tool, setting, raw, source string, style apiStyle, fix string) {
	r, why := d.proxy.classify(raw)
	c := Check{Tool: tool, Setting: setting, Source: source, Endpoint: redactURL(raw), Reason: why}
	switch r {
	case routeProxy:
		c.Verdict, c.style, c.probeURL = Routed, style, redactURL(raw)
	case routeOtherLoop:
		c.Verdict, c.Rule, c.Fix = Violation, RuleUnroutedEndpoint, fix
		if u, err := parseURL(raw); err == nil && u.Scheme == "http" {
			// A Pretense proxy may listen there; the live probe finds out.
			c.style, c.probeURL, c.alt = style, redactURL(raw), true
			c.Reason += "; the live probe checks whether a Pretense proxy answers there"
		}
	default:
		c.Verdict, c.Rule, c.Fix = Violation, RuleUnroutedEndpoint, fix
	}
	d.add(c)
}

// proxyBase returns the routed base URL for a style, for fix texts.
func (d *discovery) proxyBase(style apiStyle) string {
	if style == styleOpenAI {
		return d.proxy.String() + "/v1"
	}
	return d.proxy.String()
}

// proxyVars are the forward-proxy variables, both cases, as stacks differ
// in which they read.
var proxyVars = []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"}

// checkProxyVars flags a loopback base URL that a forward proxy variable
// could capture: not every stack special-cases loopback the way Go does, so
// NO_PROXY (every case that is set) must cover the host.
func (d *discovery) checkProxyVars(tool string, view envView, base string) {
	d.checkTunnel(tool, view)
	r, _ := d.proxy.classify(base)
	if r == routeDirect {
		return
	}
	var setVars []string
	src := ""
	for _, n := range proxyVars {
		if _, s, ok := view.lookup(n); ok {
			setVars = append(setVars, n)
			if src == "" {
				src = s
			}
		}
	}
	if len(setVars) == 0 {
		return
	}
	host, port := hostPort(base)
	var uncovered []string
	anyNoProxy := false
	for _, n := range []string{"NO_PROXY", "no_proxy"} {
		v, _, ok := view.lookup(n)
		if !ok {
			continue
		}
		anyNoProxy = true
		if !noProxyCovers(v, host, port) {
			uncovered = append(uncovered, n)
		}
	}
	if anyNoProxy && len(uncovered) == 0 {
		return
	}
	reason := fmt.Sprintf("%s is set and NO_PROXY is not, so a client that does not special-case loopback sends %s to the forward proxy", strings.Join(setVars, ", "), host)
	if anyNoProxy {
		reason = fmt.Sprintf("%s is set and %s does not cover %s", strings.Join(setVars, ", "), strings.Join(uncovered, ", "), host)
	}
	d.add(Check{
		Tool: tool, Rule: RuleProxyVarLoopback, Setting: strings.Join(setVars, ","), Source: src,
		Endpoint: redactURL(base), Verdict: Violation, Reason: reason,
		Fix: "add localhost,127.0.0.1,::1 to both NO_PROXY and no_proxy",
	})
}

// tunnelVars are the variables an https client uses for CONNECT tunnels.
var tunnelVars = []string{"HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"}

// checkTunnel flags a forward-proxy variable aimed at the Pretense proxy:
// that is a CONNECT tunnel carrying TLS the proxy cannot read, not routing.
func (d *discovery) checkTunnel(tool string, view envView) {
	for _, n := range tunnelVars {
		for _, l := range view {
			v := strings.TrimSpace(l.vars[n])
			if v == "" {
				continue
			}
			if !strings.Contains(v, "://") {
				v = "http://" + v
			}
			if r, _ := d.proxy.classify(v); r != routeProxy {
				continue
			}
			t := tool
			if l.source == "environment" || l.dotenv {
				t = ToolProxyEnv // one row for the shared environment
			}
			d.add(Check{
				Tool: t, Rule: RuleProxyVarTunnel, Setting: n, Source: l.source,
				Endpoint: redactURL(v), Verdict: Violation,
				Reason: fmt.Sprintf("%s points at the Pretense proxy: clients open a TLS tunnel through it, which it cannot inspect; that is not routing", n),
				Fix:    fmt.Sprintf("unset %s and set the tool's base URL (e.g. ANTHROPIC_BASE_URL=%s) instead", n, d.proxy.String()),
			})
		}
	}
}

func hostPort(raw string) (string, string) {
	u, err := parseURL(raw)
	if err != nil {
		return "", ""
	}
	return u.Hostname(), portOf(u)
}
