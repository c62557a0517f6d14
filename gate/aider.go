package gate

import (
	"fmt"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// parseYAMLMap decodes a YAML mapping; an empty document is an empty map.
func parseYAMLMap(b []byte) (map[string]any, error) {
	var m map[string]any
	if err := yaml.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	if m == nil {
		m = map[string]any{}
	}
	return m, nil
}

// yamlStrings turns a scalar or a list of scalars into strings.
func yamlStrings(v any) []string {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, yamlStrings(e)...)
		}
		return out
	case string:
		return []string{x}
	default:
		return []string{fmt.Sprint(x)}
	}
}

// aiderOptionEnv maps Aider options to the variables Aider exports for
// LiteLLM when they are set.
var aiderOptionEnv = map[string]string{
	"openai-api-base":    "OPENAI_API_BASE",
	"openai-api-key":     "OPENAI_API_KEY",
	"anthropic-api-key":  "ANTHROPIC_API_KEY",
	"openai-api-version": "OPENAI_API_VERSION",
}

// aider resolves Aider. Options come from .aider.conf.yml in the home
// directory, the repository root and the working directory (later wins),
// then AIDER_* variables (env beats config files in configargparse). Aider
// loads .env files with override, then applies set-env and the key and
// base options on top, and LiteLLM finally picks OPENAI_BASE_URL before
// OPENAI_API_BASE and ANTHROPIC_API_BASE before ANTHROPIC_BASE_URL.
func (d *discovery) aider() {
	var files []string
	for _, p := range []string{d.homePath(".aider.conf.yml"), d.repoPath(".aider.conf.yml"), filepath.Join(d.opts.WorkDir, ".aider.conf.yml")} {
		if p != "" && !contains(files, p) {
			files = append(files, p)
		}
	}
	opts := map[string]setting{}
	configured := false
	for _, path := range files {
		b, ok := d.readConfig(ToolAider, path)
		if !ok {
			continue
		}
		configured = true
		m, err := parseYAMLMap(b)
		if err != nil {
			d.configError(ToolAider, path, fmt.Errorf("parse: %w", err))
			continue
		}
		for k, v := range m {
			opts[k] = setting{name: k, value: strings.Join(yamlStrings(v), "\n"), source: path}
		}
	}
	for _, k := range sortedKeys(d.opts.Env) {
		if !strings.HasPrefix(k, "AIDER_") || strings.TrimSpace(d.opts.Env[k]) == "" {
			continue
		}
		configured = true
		name := strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(k, "AIDER_"), "_", "-"))
		opts[name] = setting{name: k, value: d.opts.Env[k], source: "environment"}
	}
	if !configured {
		return
	}

	view := d.env
	for _, dir := range []string{d.opts.Home, d.repo, d.opts.WorkDir} {
		if dir == "" {
			continue
		}
		p := filepath.Join(dir, ".env")
		if l, ok := d.dotenvLayer(ToolAider, p); ok && !d.hasLayer(view, p) {
			l.dotenv = false // Aider loads it with override: it wins
			view = view.with(l)
		}
	}
	setEnv := layer{source: "aider set-env", vars: map[string]string{}}
	if s, ok := opts["set-env"]; ok {
		setEnv.source = aiderSource(s)
		for _, kv := range strings.Split(s.value, "\n") {
			if k, v, ok := strings.Cut(kv, "="); ok {
				setEnv.vars[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
		}
	}
	view = view.with(setEnv)
	optLayer := layer{source: "aider options", vars: map[string]string{}}
	for _, opt := range sortedKeys(aiderOptionEnv) {
		if s, ok := opts[opt]; ok {
			view = view.with(layer{source: aiderSource(s), vars: map[string]string{aiderOptionEnv[opt]: s.value}})
		}
	}
	if s, ok := opts["api-key"]; ok {
		for _, kv := range strings.Split(s.value, "\n") {
			if prov, key, ok := strings.Cut(kv, "="); ok && strings.TrimSpace(key) != "" {
				optLayer.vars[strings.ToUpper(strings.TrimSpace(prov))+"_API_KEY"] = key
			}
		}
		optLayer.source = aiderSource(s)
	}
	view = view.with(optLayer)

	openaiFix := func(name, src string) string {
		return fmt.Sprintf("set openai-api-base: %s in .aider.conf.yml (or AIDER_OPENAI_API_BASE)%s", d.proxyBase(styleOpenAI), removeHint(name, src, "OPENAI_API_BASE"))
	}
	anthropicFix := func(name, src string) string {
		return fmt.Sprintf("add set-env: [ANTHROPIC_API_BASE=%s] to .aider.conf.yml%s", d.proxyBase(styleAnthropic), removeHint(name, src, "ANTHROPIC_API_BASE"))
	}
	a := d.checkProvider(provider{
		tool: ToolAider, baseVars: []string{"OPENAI_BASE_URL", "OPENAI_API_BASE"},
		keyVars: []string{"OPENAI_API_KEY"}, vendor: "https://api.openai.com/v1", style: styleOpenAI,
		anyBaseServes: true, fixText: openaiFix,
	}, view)
	b := d.checkProvider(provider{
		tool: ToolAider, baseVars: []string{"ANTHROPIC_API_BASE", "ANTHROPIC_BASE_URL"},
		keyVars: []string{"ANTHROPIC_API_KEY"}, vendor: "https://api.anthropic.com", style: styleAnthropic,
		anyBaseServes: true, fixText: anthropicFix,
	}, view)
	if !a && !b {
		d.add(Check{Tool: ToolAider, Verdict: Unused, Reason: "configured, but no endpoint or key for OpenAI or Anthropic"})
	}
}

// aiderSource names where an Aider option came from.
func aiderSource(s setting) string {
	if s.source == "environment" {
		return "environment (" + s.name + ")"
	}
	return s.source + " (" + s.name + ")"
}

// removeHint adds "and remove X from Y" when the offending value is not the
// option the fix sets, since it would still win.
func removeHint(name, src, fixed string) string {
	if name == "" || name == fixed {
		return ""
	}
	return fmt.Sprintf(", and remove %s from %s", name, src)
}

func (d *discovery) hasLayer(v envView, source string) bool {
	for _, l := range v {
		if l.source == source {
			return true
		}
	}
	return false
}

// repoPath joins elems under the repository root, "" outside a repository.
func (d *discovery) repoPath(elems ...string) string {
	if d.repo == "" {
		return ""
	}
	return filepath.Join(append([]string{d.repo}, elems...)...)
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// yamlUnmarshal decodes YAML into v.
func yamlUnmarshal(b []byte, v any) error { return yaml.Unmarshal(b, v) }
