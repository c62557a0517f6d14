package gate

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
)

// continueModel is one model entry of a Continue config (YAML or JSON).
type continueModel struct {
	Name     string `json:"name" yaml:"name"`
	Title    string `json:"title" yaml:"title"`
	Provider string `json:"provider" yaml:"provider"`
	Model    string `json:"model" yaml:"model"`
	APIBase  string `json:"apiBase" yaml:"apiBase"`
	Uses     string `json:"uses" yaml:"uses"`
}

func (m continueModel) label(i int) string {
	for _, s := range []string{m.Name, m.Title, m.Model, m.Uses} {
		if s != "" {
			return s
		}
	}
	return fmt.Sprintf("#%d", i)
}

// continueLocal are providers that talk to a model server on this machine.
var continueLocal = map[string]bool{"ollama": true, "lmstudio": true, "llama.cpp": true, "llamafile": true}

// continueVendor is the default endpoint of a provider with no apiBase.
var continueVendor = map[string]string{
	"openai":    "https://api.openai.com/v1",
	"anthropic": "https://api.anthropic.com/v1",
	"gemini":    "https://generativelanguage.googleapis.com/v1beta",
	"azure":     "https://<resource>.openai.azure.com",
	"mistral":   "https://api.mistral.ai/v1",
	"deepseek":  "https://api.deepseek.com",
}

// parseContinueConfig reads the models of config.yaml (models:) or the
// legacy config.json (models, tabAutocompleteModel).
func parseContinueConfig(b []byte, isJSON bool) ([]continueModel, error) {
	if isJSON {
		var c struct {
			Models []continueModel `json:"models"`
			Tab    json.RawMessage `json:"tabAutocompleteModel"`
		}
		if err := json.Unmarshal(b, &c); err != nil {
			return nil, jsonError(b, err)
		}
		models := c.Models
		if t := strings.TrimSpace(string(c.Tab)); t != "" && t != "null" {
			var one continueModel
			var many []continueModel
			switch {
			case json.Unmarshal(c.Tab, &one) == nil:
				models = append(models, one)
			case json.Unmarshal(c.Tab, &many) == nil:
				models = append(models, many...)
			default:
				return nil, fmt.Errorf("tabAutocompleteModel: want an object or an array")
			}
		}
		return models, nil
	}
	var c struct {
		Models []continueModel `yaml:"models"`
	}
	if err := yamlUnmarshal(b, &c); err != nil {
		return nil, err
	}
	return c.Models, nil
}

// continueDev resolves Continue: ~/.continue/config.yaml (or the legacy
// config.json when there is no YAML) and the workspace blocks in
// .continue/models/*.yaml of the project. Every model must reach its
// provider through the proxy, or be a local model server.
func (d *discovery) continueDev() {
	if dir := d.homePath(".continue"); dir != "" {
		path, isJSON := filepath.Join(dir, "config.yaml"), false
		b, ok := d.readConfig(ToolContinue, path)
		if !ok && !d.badFile[path] {
			path, isJSON = filepath.Join(dir, "config.json"), true
			b, ok = d.readConfig(ToolContinue, path)
		}
		if ok {
			d.continueFile(path, b, isJSON)
		}
	}
	blocks, _ := filepath.Glob(filepath.Join(d.opts.WorkDir, ".continue", "models", "*.yaml"))
	more, _ := filepath.Glob(filepath.Join(d.opts.WorkDir, ".continue", "models", "*.yml"))
	for _, path := range append(blocks, more...) {
		if b, ok := d.readConfig(ToolContinue, path); ok {
			d.continueFile(path, b, false)
		}
	}
}

// continueFile checks the models of one Continue config file or block.
func (d *discovery) continueFile(path string, b []byte, isJSON bool) {
	models, err := parseContinueConfig(b, isJSON)
	if err != nil {
		d.configError(ToolContinue, path, fmt.Errorf("parse: %w", err))
		return
	}
	if len(models) == 0 {
		d.add(Check{Tool: ToolContinue, Source: path, Verdict: Unused, Reason: "config has no models"})
		return
	}
	for i, m := range models {
		d.continueModel(path, i, m)
	}
}

func (d *discovery) continueModel(path string, i int, m continueModel) {
	setting := "models[" + m.label(i) + "]"
	prov := strings.ToLower(m.Provider)
	style := styleOpenAI
	if prov == "anthropic" {
		style = styleAnthropic
	}
	fix := fmt.Sprintf("set apiBase: %s on this model", d.proxyBase(style))
	switch {
	case m.Uses != "":
		d.add(Check{
			Tool: ToolContinue, Rule: RuleUnverifiable, Setting: setting, Source: path, Verdict: Violation,
			Reason: fmt.Sprintf("hub block %q is resolved remotely; its endpoint cannot be checked here", m.Uses),
			Fix:    "define the model inline with provider, model and apiBase pointing at the proxy",
		})
	case strings.Contains(m.APIBase, "${{"):
		d.add(Check{
			Tool: ToolContinue, Rule: RuleUnverifiable, Setting: setting + ".apiBase", Source: path, Verdict: Violation,
			Reason: "apiBase is a template resolved by Continue; its value cannot be checked here",
			Fix:    fix,
		})
	case continueLocal[prov] && (m.APIBase == "" || isLoopbackURL(m.APIBase)):
		d.add(Check{
			Tool: ToolContinue, Setting: setting, Source: path, Endpoint: redactURL(m.APIBase), Verdict: Local,
			Reason: fmt.Sprintf("%s is a local model server", m.Provider),
		})
	case m.APIBase == "":
		vendor := continueVendor[prov]
		if vendor == "" {
			vendor = "the " + m.Provider + " default"
		}
		d.add(Check{
			Tool: ToolContinue, Rule: RuleUnroutedEndpoint, Setting: setting + ".apiBase", Source: path,
			Endpoint: vendor, Verdict: Violation,
			Reason: "no apiBase, so Continue sends requests and the key to the vendor", Fix: fix,
		})
	default:
		d.endpoint(ToolContinue, setting+".apiBase", m.APIBase, path, style, fix)
		d.checkProxyVars(ToolContinue, d.env, m.APIBase)
	}
}

func isLoopbackURL(raw string) bool {
	u, err := parseURL(raw)
	return err == nil && isLoopbackHost(u.Hostname())
}
