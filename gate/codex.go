package gate

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"
)

// codexConfig is the part of Codex's config.toml the gate reads.
type codexConfig struct {
	ModelProvider       string                   `toml:"model_provider"`
	Profile             string                   `toml:"profile"`
	OpenAIBaseURL       string                   `toml:"openai_base_url"`
	ForcedLoginMethod   string                   `toml:"forced_login_method"`
	PreferredAuthMethod string                   `toml:"preferred_auth_method"`
	ModelProviders      map[string]codexProvider `toml:"model_providers"`
	Profiles            map[string]codexProfile  `toml:"profiles"`
}

type codexProvider struct {
	Name    string `toml:"name"`
	BaseURL string `toml:"base_url"`
	EnvKey  string `toml:"env_key"`
	WireAPI string `toml:"wire_api"`
}

type codexProfile struct {
	ModelProvider string `toml:"model_provider"`
}

// parseCodexConfig decodes config.toml; BurntSushi's errors carry the line.
func parseCodexConfig(b []byte) (codexConfig, error) {
	var c codexConfig
	if _, err := toml.Decode(string(b), &c); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return c, fmt.Errorf("line %d: %s", pe.Position.Line, pe.Message)
		}
		return c, err
	}
	return c, nil
}

// codexBuiltin are provider ids Codex reserves; a [model_providers.<id>]
// table with one of these names does not replace the built-in.
var codexBuiltin = map[string]string{
	"openai":   "",
	"ollama":   "http://localhost:11434/v1",
	"lmstudio": "http://localhost:1234/v1",
	"oss":      "http://localhost:11434/v1",
}

// codex resolves Codex CLI from $CODEX_HOME/config.toml (default
// ~/.codex): the selected provider (profile > model_provider > openai),
// and every custom provider, because `-c model_provider=…` or --profile can
// select any of them at run time.
func (d *discovery) codex() {
	home := ""
	if v, _, ok := d.env.lookup("CODEX_HOME"); ok {
		home = v
		if !filepath.IsAbs(home) {
			home = filepath.Join(d.opts.WorkDir, home)
		}
	} else if h := d.homePath(".codex"); h != "" {
		home = h
	}
	if home == "" {
		return
	}
	cfgPath := filepath.Join(home, "config.toml")
	var cfg codexConfig
	b, haveCfg := d.readConfig(ToolCodex, cfgPath)
	if haveCfg {
		var err error
		if cfg, err = parseCodexConfig(b); err != nil {
			d.configError(ToolCodex, cfgPath, fmt.Errorf("parse: %w", err))
			return
		}
	}
	auth, haveAuth := d.codexAuth(filepath.Join(home, "auth.json"))
	if !haveCfg && !haveAuth {
		return
	}

	selected, selSrc := "openai", "default"
	if cfg.ModelProvider != "" {
		selected, selSrc = cfg.ModelProvider, cfgPath+" (model_provider)"
	}
	if cfg.Profile != "" {
		if p, ok := cfg.Profiles[cfg.Profile]; ok && p.ModelProvider != "" {
			selected, selSrc = p.ModelProvider, fmt.Sprintf("%s (profiles.%s.model_provider)", cfgPath, cfg.Profile)
		}
	}

	for _, id := range sortedKeys(cfg.ModelProviders) {
		p := cfg.ModelProviders[id]
		if _, builtin := codexBuiltin[id]; builtin {
			d.add(Check{
				Tool: ToolCodex, Rule: RuleUnroutedEndpoint, Setting: "model_providers." + id, Source: cfgPath,
				Endpoint: redactURL(p.BaseURL), Verdict: Violation,
				Reason: fmt.Sprintf("%q is a built-in provider id; Codex ignores this table and uses its built-in endpoint", id),
				Fix:    fmt.Sprintf(`rename the table to [model_providers.pretense] with base_url = "%s" and set model_provider = "pretense"`, d.proxyBase(styleOpenAI)),
			})
			continue
		}
		setting := fmt.Sprintf("model_providers.%s.base_url", id)
		if id == selected {
			setting += " (selected)"
		}
		fix := fmt.Sprintf(`set base_url = "%s" in [model_providers.%s]`, d.proxyBase(styleOpenAI), id)
		if strings.TrimSpace(p.BaseURL) == "" {
			d.add(Check{
				Tool: ToolCodex, Rule: RuleUnroutedEndpoint, Setting: setting, Source: cfgPath, Verdict: Violation,
				Reason: "provider has no base_url", Fix: fix,
			})
			continue
		}
		d.endpoint(ToolCodex, setting, p.BaseURL, cfgPath, styleOpenAI, fix)
		d.checkProxyVars(ToolCodex, d.env, p.BaseURL)
	}

	if _, custom := cfg.ModelProviders[selected]; custom {
		if _, builtin := codexBuiltin[selected]; !builtin {
			return
		}
	}
	switch selected {
	case "openai":
		d.codexOpenAI(cfg, cfgPath, auth, selSrc)
	case "ollama", "lmstudio", "oss":
		d.add(Check{
			Tool: ToolCodex, Setting: "model_provider", Source: selSrc, Endpoint: codexBuiltin[selected],
			Verdict: Local, Reason: fmt.Sprintf("built-in %s provider is a local model server on loopback", selected),
		})
	default:
		d.add(Check{
			Tool: ToolCodex, Setting: "model_provider", Source: selSrc, Verdict: Unused,
			Reason: fmt.Sprintf("model_provider %q is not defined, so Codex refuses to start", selected),
		})
	}
}

// codexOpenAI resolves the built-in openai provider: OPENAI_BASE_URL or
// openai_base_url, both honoured only by some Codex versions, and the
// ChatGPT login, which goes to chatgpt.com whatever the base URL says.
func (d *discovery) codexOpenAI(cfg codexConfig, cfgPath string, auth codexAuthFile, selSrc string) {
	chatgpt := auth.chatGPT || strings.EqualFold(cfg.ForcedLoginMethod, "chatgpt") || strings.EqualFold(cfg.PreferredAuthMethod, "chatgpt")
	if chatgpt {
		d.add(Check{
			Tool: ToolCodex, Rule: RuleBypassSwitch, Setting: "ChatGPT login", Source: auth.sourceOr(cfgPath),
			Endpoint: "https://chatgpt.com/backend-api/codex", Verdict: Violation,
			Reason: "ChatGPT-login mode sends requests to chatgpt.com over its own transport, around any base URL",
			Fix:    "log out (codex logout) and use a custom provider pointed at the proxy with an API key",
		})
	}
	fix := fmt.Sprintf(`add [model_providers.pretense] with base_url = "%s", set model_provider = "pretense"`, d.proxyBase(styleOpenAI))
	name, v, src, ok := d.env.first("OPENAI_BASE_URL")
	if !ok && cfg.OpenAIBaseURL != "" {
		name, v, src, ok = "openai_base_url", cfg.OpenAIBaseURL, cfgPath, true
	}
	if ok {
		r, why := d.proxy.classify(v)
		c := Check{Tool: ToolCodex, Setting: name + " (built-in openai provider)", Source: src, Endpoint: redactURL(v)}
		if r == routeProxy {
			c.Verdict, c.style, c.probeURL = Routed, styleOpenAI, redactURL(v)
			c.Reason = why + "; note: some Codex versions ignore it for the built-in provider"
			c.Fix = fix
		} else {
			c.Verdict, c.Rule, c.Reason, c.Fix = Violation, RuleUnroutedEndpoint, why, fix
		}
		d.add(c)
		d.checkProxyVars(ToolCodex, d.env, v)
		return
	}
	keySrc := auth.keySource
	if _, s, ok := d.env.lookup("OPENAI_API_KEY"); ok {
		keySrc = s + " (OPENAI_API_KEY)"
	}
	if keySrc != "" && !chatgpt {
		d.add(Check{
			Tool: ToolCodex, Rule: RuleKeyWithoutRoute, Setting: "model_provider = openai", Source: selSrc + "; key from " + keySrc,
			Endpoint: "https://api.openai.com/v1", Verdict: Violation,
			Reason: "the built-in openai provider has a key and no base URL, so requests go to the vendor",
			Fix:    fix,
		})
	}
}

// codexAuthFile is what ~/.codex/auth.json says about the login.
type codexAuthFile struct {
	path      string
	keySource string // where an API key comes from, "" without one
	chatGPT   bool
}

func (a codexAuthFile) sourceOr(s string) string {
	if a.path != "" && a.chatGPT {
		return a.path
	}
	return s
}

func (d *discovery) codexAuth(path string) (codexAuthFile, bool) {
	b, ok := d.readConfig(ToolCodex, path)
	if !ok {
		return codexAuthFile{}, false
	}
	var raw struct {
		APIKey   *string         `json:"OPENAI_API_KEY"`
		Tokens   json.RawMessage `json:"tokens"`
		AuthMode string          `json:"auth_mode"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		d.configError(ToolCodex, path, fmt.Errorf("parse: %w", jsonError(b, err)))
		return codexAuthFile{}, false
	}
	a := codexAuthFile{path: path}
	if raw.APIKey != nil && *raw.APIKey != "" {
		a.keySource = path
	}
	t := strings.TrimSpace(string(raw.Tokens))
	a.chatGPT = (t != "" && t != "null") || strings.EqualFold(raw.AuthMode, "chatgpt")
	return a, true
}
