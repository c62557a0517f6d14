package gate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// claudeSettings is the part of a Claude Code settings file the gate reads.
type claudeSettings struct {
	Env          map[string]json.RawMessage `json:"env"`
	APIKeyHelper string                     `json:"apiKeyHelper"`
}

// parseClaudeSettings decodes one settings file. Errors carry the line and
// column so the message points at the mistake.
func parseClaudeSettings(b []byte) (vars map[string]string, keyHelper bool, err error) {
	var s claudeSettings
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&s); err != nil {
		return nil, false, jsonError(b, err)
	}
	if dec.More() {
		return nil, false, errors.New("unexpected data after the settings object")
	}
	vars = make(map[string]string, len(s.Env))
	for k, raw := range s.Env {
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, false, fmt.Errorf("env.%s: %w", k, err)
		}
		switch x := v.(type) {
		case string:
			vars[k] = x
		case float64:
			vars[k] = strconv.FormatFloat(x, 'f', -1, 64)
		case bool:
			vars[k] = strconv.FormatBool(x)
		case nil:
		default:
			return nil, false, fmt.Errorf("env.%s: want a string, got %s", k, jsonKind(v))
		}
	}
	return vars, strings.TrimSpace(s.APIKeyHelper) != "", nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return fmt.Sprintf("%T", v)
}

// jsonError adds a line:column position to a JSON decoding error.
func jsonError(b []byte, err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset - 1 // Offset is just past the offending byte
		if off < 0 {
			off = 0
		}
	case errors.As(err, &te):
		if te.Field != "" {
			return fmt.Errorf("%s: want %s, got %s", te.Field, te.Type, te.Value)
		}
		off = te.Offset
	}
	if off < 0 {
		return err
	}
	line, col := lineCol(b, off)
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}

func lineCol(b []byte, off int64) (int, int) {
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	line := 1 + bytes.Count(b[:off], []byte("\n"))
	col := int(off) - bytes.LastIndexByte(b[:off], '\n')
	return line, col
}

// claudeLayer is one settings source, named for the report.
type claudeLayer struct {
	source string
	path   string // "" for inline JSON
	inline []byte
}

// claudeLayers lists Claude Code's settings sources, highest precedence
// first: managed > --settings > local project > shared project > user.
func (d *discovery) claudeLayers() []claudeLayer {
	var ls []claudeLayer
	for _, p := range d.opts.ManagedSettings {
		ls = append(ls, claudeLayer{source: p, path: p})
	}
	if s := strings.TrimSpace(d.opts.ClaudeSettings); s != "" {
		if strings.HasPrefix(s, "{") {
			ls = append(ls, claudeLayer{source: "--claude-settings (inline JSON)", inline: []byte(s)})
		} else {
			p := s
			if !filepath.IsAbs(p) {
				p = filepath.Join(d.opts.WorkDir, p)
			}
			ls = append(ls, claudeLayer{source: p, path: p})
		}
	}
	proj := filepath.Join(d.opts.WorkDir, ".claude")
	ls = append(ls,
		claudeLayer{source: filepath.Join(proj, "settings.local.json"), path: filepath.Join(proj, "settings.local.json")},
		claudeLayer{source: filepath.Join(proj, "settings.json"), path: filepath.Join(proj, "settings.json")},
	)
	if d.claude != "" {
		p := filepath.Join(d.claude, "settings.json")
		ls = append(ls, claudeLayer{source: p, path: p})
	}
	return ls
}

// claudeCode resolves Claude Code: the shell environment, overridden by
// the env blocks of every settings layer (a settings env value beats the
// same variable exported in the shell).
func (d *discovery) claudeCode() {
	d.claude = d.claudeDir()
	view := d.env
	configured, credential := false, ""
	layers := d.claudeLayers()
	// Apply lowest first so that each higher layer ends up above it.
	for i := len(layers) - 1; i >= 0; i-- {
		l := layers[i]
		b := l.inline
		if l.path != "" {
			var ok bool
			if b, ok = d.readConfig(ToolClaudeCode, l.path); !ok {
				continue
			}
		}
		configured = true
		vars, helper, err := parseClaudeSettings(b)
		if err != nil {
			d.configError(ToolClaudeCode, l.source, fmt.Errorf("parse: %w", err))
			continue
		}
		if helper {
			credential = l.source + " (apiKeyHelper)"
		}
		view = view.with(layer{source: l.source, vars: vars})
	}

	cloud := d.claudeCloud(view)
	if v, src, ok := view.lookup("ANTHROPIC_UNIX_SOCKET"); ok {
		d.add(Check{
			Tool: ToolClaudeCode, Rule: RuleBypassSwitch, Setting: "ANTHROPIC_UNIX_SOCKET", Source: src,
			Endpoint: "unix:" + v, Verdict: Violation,
			Reason: "ANTHROPIC_UNIX_SOCKET sends the first-party API over a Unix socket, around the proxy",
			Fix:    "unset ANTHROPIC_UNIX_SOCKET in " + src,
		})
	}

	if cloud {
		// Bedrock or Vertex mode: stored first-party credentials are not
		// used. A first-party base URL is still checked, in case the mode
		// is switched off.
		if v, src, ok := view.lookup("ANTHROPIC_BASE_URL"); ok {
			d.endpoint(ToolClaudeCode, "ANTHROPIC_BASE_URL", v, src, styleAnthropic, fmt.Sprintf("set ANTHROPIC_BASE_URL to %s in %s", d.proxyBase(styleAnthropic), src))
		}
		return
	}
	if credential == "" {
		credential = d.claudeLogin()
	}
	p := provider{
		tool: ToolClaudeCode, baseVars: []string{"ANTHROPIC_BASE_URL"},
		keyVars: []string{"ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN"},
		vendor:  "https://api.anthropic.com", style: styleAnthropic,
		fixVar: "ANTHROPIC_BASE_URL", fixValue: d.proxyBase(styleAnthropic),
	}
	if d.checkProvider(p, view) {
		return
	}
	if credential != "" {
		d.add(Check{
			Tool: ToolClaudeCode, Rule: RuleKeyWithoutRoute, Setting: "credential", Source: credential,
			Endpoint: p.vendor, Verdict: Violation,
			Reason: "a credential is configured but ANTHROPIC_BASE_URL is not, so requests go to the vendor",
			Fix:    fmt.Sprintf(`add "env": {"ANTHROPIC_BASE_URL": "%s"} to ~/.claude/settings.json`, p.fixValue),
		})
		return
	}
	if configured {
		d.add(Check{Tool: ToolClaudeCode, Verdict: Unused, Reason: "settings found, but no endpoint or credential is configured"})
	}
}

// claudeLogin finds a stored Claude Code login: .credentials.json in the
// config dir, or an API key or OAuth account in the .claude.json state file
// (in $CLAUDE_CONFIG_DIR, else the home directory).
func (d *discovery) claudeLogin() string {
	if d.claude == "" {
		return ""
	}
	if p := filepath.Join(d.claude, ".credentials.json"); exists(p) {
		return p + " (login)"
	}
	state := d.homePath(".claude.json")
	if _, _, ok := d.env.lookup("CLAUDE_CONFIG_DIR"); ok {
		state = filepath.Join(d.claude, ".claude.json")
	}
	if state == "" {
		return ""
	}
	b, ok := d.readConfig(ToolClaudeCode, state)
	if !ok {
		return ""
	}
	var s struct {
		PrimaryAPIKey string          `json:"primaryApiKey"`
		OAuthAccount  json.RawMessage `json:"oauthAccount"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		d.configError(ToolClaudeCode, state, fmt.Errorf("parse: %w", jsonError(b, err)))
		return ""
	}
	if s.PrimaryAPIKey != "" {
		return state + " (primaryApiKey)"
	}
	if o := strings.TrimSpace(string(s.OAuthAccount)); o != "" && o != "null" && o != "{}" {
		return state + " (oauthAccount)"
	}
	return ""
}

// claudeDir is Claude Code's user config dir: $CLAUDE_CONFIG_DIR or ~/.claude.
func (d *discovery) claudeDir() string {
	if v, _, ok := d.env.lookup("CLAUDE_CONFIG_DIR"); ok {
		if !filepath.IsAbs(v) {
			v = filepath.Join(d.opts.WorkDir, v)
		}
		return v
	}
	if d.opts.Home == "" {
		return ""
	}
	return filepath.Join(d.opts.Home, ".claude")
}
