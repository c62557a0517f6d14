package gate

import (
	"fmt"
	"path/filepath"
)

// anthropicSDK covers the Anthropic SDKs and the frameworks around them:
// ANTHROPIC_BASE_URL (SDKs), ANTHROPIC_API_URL (LangChain, read first
// there) and ANTHROPIC_API_BASE (LiteLLM, read first there).
func (d *discovery) anthropicSDK() {
	d.checkProvider(provider{
		tool:     ToolAnthropicSDK,
		baseVars: []string{"ANTHROPIC_BASE_URL", "ANTHROPIC_API_URL", "ANTHROPIC_API_BASE"},
		keyVars:  []string{"ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN"},
		vendor:   "https://api.anthropic.com", style: styleAnthropic,
		fixVar: "ANTHROPIC_BASE_URL", fixValue: d.proxyBase(styleAnthropic),
	}, d.sdkView())
}

// openAISDK covers OPENAI_BASE_URL (current SDKs) and the legacy
// OPENAI_API_BASE that Aider, LiteLLM and old SDKs still read.
func (d *discovery) openAISDK() {
	d.checkProvider(provider{
		tool:     ToolOpenAISDK,
		baseVars: []string{"OPENAI_BASE_URL", "OPENAI_API_BASE"},
		keyVars:  []string{"OPENAI_API_KEY"},
		vendor:   "https://api.openai.com/v1", style: styleOpenAI,
		fixVar: "OPENAI_BASE_URL", fixValue: d.proxyBase(styleOpenAI),
	}, d.sdkView())
}

// azureOpenAI covers the AzureOpenAI clients. The proxy answers on any
// path, so an endpoint aimed at it cannot leak; anything else does.
func (d *discovery) azureOpenAI() {
	d.checkProvider(provider{
		tool:     ToolAzureOpenAI,
		baseVars: []string{"AZURE_OPENAI_ENDPOINT"},
		keyVars:  []string{"AZURE_OPENAI_API_KEY"},
		vendor:   "https://<resource>.openai.azure.com", style: styleAzure,
		fixVar: "AZURE_OPENAI_ENDPOINT", fixValue: d.proxyBase(styleAzure),
	}, d.sdkView())
}

// gemini covers google-genai and Gemini CLI, which also loads .gemini/.env
// from the project and the home directory.
func (d *discovery) gemini() {
	view := d.sdkView()
	for _, p := range []string{filepath.Join(d.opts.WorkDir, ".gemini", ".env"), d.homePath(".gemini", ".env")} {
		if p == "" {
			continue
		}
		if l, ok := d.dotenvLayer(ToolGemini, p); ok {
			view = view.under(l)
		}
	}
	if v, src, ok := view.lookup("GOOGLE_GENAI_USE_VERTEXAI"); ok && truthy(v) {
		if _, _, routed := view.lookup("GOOGLE_VERTEX_BASE_URL"); !routed {
			d.add(Check{
				Tool: ToolGemini, Rule: RuleBypassSwitch, Setting: "GOOGLE_GENAI_USE_VERTEXAI", Source: src,
				Endpoint: "https://<region>-aiplatform.googleapis.com", Verdict: Violation,
				Reason: "GOOGLE_GENAI_USE_VERTEXAI sends requests to Vertex AI and GOOGLE_VERTEX_BASE_URL is not set",
				Fix:    "unset GOOGLE_GENAI_USE_VERTEXAI in " + src,
			})
		}
	}
	d.checkProvider(provider{
		tool:     ToolGemini,
		baseVars: []string{"GOOGLE_GEMINI_BASE_URL", "GOOGLE_VERTEX_BASE_URL"},
		keyVars:  []string{"GEMINI_API_KEY", "GOOGLE_API_KEY"},
		vendor:   "https://generativelanguage.googleapis.com", style: styleGemini,
		fixVar: "GOOGLE_GEMINI_BASE_URL", fixValue: d.proxyBase(styleGemini),
	}, view)
}

// copilotCLI covers GitHub Copilot CLI's bring-your-own-key mode.
func (d *discovery) copilotCLI() {
	view := d.sdkView()
	style, vendor := styleOpenAI, "https://api.openai.com/v1"
	if v, _, ok := view.lookup("COPILOT_PROVIDER_TYPE"); ok {
		switch v {
		case "anthropic":
			style, vendor = styleAnthropic, "https://api.anthropic.com"
		case "azure":
			style, vendor = styleAzure, "https://<resource>.openai.azure.com"
		}
	}
	configured := d.checkProvider(provider{
		tool:     ToolCopilotCLI,
		baseVars: []string{"COPILOT_PROVIDER_BASE_URL"},
		keyVars:  []string{"COPILOT_PROVIDER_API_KEY"},
		vendor:   vendor, style: style,
		fixVar: "COPILOT_PROVIDER_BASE_URL", fixValue: d.proxyBase(style),
	}, view)
	if configured {
		return
	}
	if _, src, ok := view.lookup("COPILOT_MODEL"); ok {
		d.add(Check{
			Tool: ToolCopilotCLI, Rule: RuleKeyWithoutRoute, Setting: "COPILOT_MODEL", Source: src,
			Endpoint: "https://api.githubcopilot.com", Verdict: Violation,
			Reason: "COPILOT_MODEL is set without COPILOT_PROVIDER_BASE_URL, so Copilot CLI talks to GitHub's service",
			Fix:    fmt.Sprintf("set COPILOT_PROVIDER_BASE_URL=%s", d.proxyBase(styleOpenAI)),
		})
	}
}

// proxyVariables reports forward-proxy variables aimed at the Pretense
// proxy in the shared environment and dotenv files.
func (d *discovery) proxyVariables() {
	view := d.sdkView()
	d.checkTunnel(ToolProxyEnv, view)
	for _, n := range append(proxyVars, "NO_PROXY", "no_proxy") {
		if v, src, ok := view.lookup(n); ok {
			d.add(Check{
				Tool: ToolProxyEnv, Setting: n, Source: src, Endpoint: redactURL(v), Verdict: OK,
				Reason: "set; whether it captures loopback base URLs is checked per tool",
			})
		}
	}
}

// homePath joins elems under the home directory, "" without one.
func (d *discovery) homePath(elems ...string) string {
	if d.opts.Home == "" {
		return ""
	}
	return filepath.Join(append([]string{d.opts.Home}, elems...)...)
}
