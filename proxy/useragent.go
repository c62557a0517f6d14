package proxy

import "strings"

// knownClients maps a User-Agent product name (lower case) to the name the
// audit trail records. Only names from this table, plus a version made of
// digits and dots, ever reach an audit entry: a User-Agent is
// client-controlled text and could carry anything, a token included.
var knownClients = map[string]string{
	"claude-cli":        "claude-cli",
	"claude-code":       "claude-code",
	"codex_cli_rs":      "codex",
	"codex":             "codex",
	"codex_exec":        "codex",
	"cursor":            "cursor",
	"aider":             "aider",
	"cline":             "cline",
	"continue":          "continue",
	"litellm":           "litellm",
	"langchain":         "langchain",
	"curl":              "curl",
	"python-requests":   "python-requests",
	"python-httpx":      "python-httpx",
	"go-http-client":    "Go-http-client",
	"node-fetch":        "node-fetch",
	"axios":             "axios",
	"undici":            "undici",
	"pretense":          "pretense",
	"anthropic/python":  "Anthropic/Python",
	"anthropic/go":      "Anthropic/Go",
	"anthropic/js":      "Anthropic/JS",
	"anthropic/java":    "Anthropic/Java",
	"anthropic/ruby":    "Anthropic/Ruby",
	"anthropic/csharp":  "Anthropic/CSharp",
	"openai/python":     "OpenAI/Python",
	"openai/go":         "OpenAI/Go",
	"openai/js":         "OpenAI/JS",
	"openai/java":       "OpenAI/Java",
	"openai/ruby":       "OpenAI/Ruby",
	"openai/dotnet":     "OpenAI/DotNet",
	"anthropic-bedrock": "Anthropic/Bedrock",
}

// maxUAScan bounds how much of a User-Agent is looked at.
const maxUAScan = 512

// clientName names the client tool from its User-Agent, e.g.
// "claude-cli/2.1.197 (external, cli)" → "claude-cli/2.1.197",
// "Anthropic/Python 0.40.0" → "Anthropic/Python/0.40.0",
// "codex_cli_rs/0.30.0 (Mac OS 15.5.0; arm64)" → "codex/0.30.0".
// An empty User-Agent is "", one it does not know is "other".
func clientName(ua string) string {
	ua = strings.TrimSpace(ua)
	if ua == "" {
		return ""
	}
	if len(ua) > maxUAScan {
		ua = ua[:maxUAScan]
	}
	// The SDKs write "Anthropic/Python 0.40.0": product/language, then the
	// version as the next word. Everything else is product/version.
	first, rest, _ := strings.Cut(ua, " ")
	lower := strings.ToLower(first)
	if name, ok := knownClients[lower]; ok && strings.Contains(lower, "/") {
		next, _, _ := strings.Cut(strings.TrimSpace(rest), " ")
		if v := version(next); v != "" {
			return name + "/" + v
		}
		return name
	}
	prod, ver, _ := strings.Cut(first, "/")
	name, ok := knownClients[strings.ToLower(prod)]
	if !ok {
		return "other"
	}
	if v := version(ver); v != "" {
		return name + "/" + v
	}
	return name
}

// version keeps v when it is a plain dotted version (digits, dots and a
// short pre-release tail of letters, digits and hyphens), else "".
func version(v string) string {
	v = strings.TrimPrefix(v, "v")
	if v == "" || len(v) > 24 || v[0] < '0' || v[0] > '9' {
		return ""
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= '0' && c <= '9' || c == '.' || c == '-' || c >= 'a' && c <= 'z') {
			return ""
		}
	}
	// Letters only after a hyphen (1.2.3-beta1): a run of letters and
	// digits right after the digits could be anything.
	if i := strings.IndexAny(v, "abcdefghijklmnopqrstuvwxyz"); i >= 0 {
		h := strings.IndexByte(v, '-')
		if h < 0 || h > i || len(v)-h > 12 {
			return ""
		}
	}
	return v
}
