// Package config reads pretense's settings: the project file .pretense.yaml,
// the user file $PRETENSE_HOME/config.yaml, PRETENSE_* environment variables
// and flag values, merged with one precedence:
//
//	flag > environment (PRETENSE_*) > project > user > built-in default
//
// Every value remembers where it came from (file and line, variable or
// flag), so `pretense config list` can show it and errors can name it. An
// unknown key, a bad value or a malformed file is an *Error naming the file,
// line, key and the valid choices. Set edits a file in place, keeping its
// comments and key order. The package holds plain data and has no behaviour
// beyond parsing, validating and editing.
package config

import (
	"fmt"
	"net"
	"net/url"
	"regexp/syntax"
	"strconv"
	"strings"
)

// Key describes one setting.
type Key struct {
	Name    string   // dotted name as used by config get/set: "proxy.listen"
	Env     string   // environment variable, "" when the key has none
	Flag    string   // the command-line flag that overrides it, for docs
	Help    string   // one line for config list, init and docs
	Choices []string // the valid values of an enumeration
	Default string   // built-in default; lists are comma-separated
	List    bool     // a list of strings (YAML sequence; comma-separated in env)
	check   func(string) error
}

// ValidChoices describes the valid values for error messages.
func (k Key) ValidChoices() string {
	switch {
	case len(k.Choices) > 0:
		return strings.Join(k.Choices, ", ")
	case k.check != nil:
		return k.format()
	}
	return "any string"
}

// format describes non-enumerated values.
func (k Key) format() string {
	switch k.Name {
	case "proxy.listen":
		return "host:port, e.g. 127.0.0.1:9339"
	case "proxy.anthropic-upstream", "proxy.openai-upstream":
		return "an http or https URL, e.g. https://api.anthropic.com"
	case "audit.retention":
		return "a count with a unit d, w, mo or y (e.g. 13mo, 90d), or forever"
	case "scan.max-file-size":
		return "a size such as 10MB, 512KB or 1048576"
	case "rules.enable", "rules.disable":
		return "rule ids: letters, digits, '-', '_' and '.'"
	case "allowlist.values":
		return "regular expressions (RE2 syntax)"
	case "allowlist.paths":
		return "gitignore-style path patterns"
	case "rules.files":
		return "paths of YAML rule files"
	}
	return "a non-empty value"
}

// keys is the table of every setting, in the order init and list show them.
func keys() []Key {
	return []Key{
		{Name: "phi-mode", Env: "PRETENSE_PHI_MODE", Flag: "--phi-mode", Default: "off",
			Choices: []string{"off", "standard", "strict"},
			Help:    "PHI detection for scans and the proxy: off, standard (the PHI rules) or strict (lower thresholds)"},
		{Name: "mutation-policy", Env: "PRETENSE_MUTATION_POLICY", Flag: "--policy", Default: "phi",
			Choices: []string{"phi", "all"},
			Help:    "which identifiers the proxy and mutate rewrite: phi (PHI-adjacent names) or all (every proprietary name)"},
		{Name: "proxy.listen", Env: "PRETENSE_LISTEN", Flag: "--listen", Default: "127.0.0.1:9339", check: checkHostPort,
			Help: "address the proxy listens on (loopback)"},
		{Name: "proxy.anthropic-upstream", Env: "PRETENSE_ANTHROPIC_UPSTREAM", Flag: "--anthropic-upstream", Default: "https://api.anthropic.com", check: checkURL,
			Help: "where the proxy forwards Anthropic Messages API requests"},
		{Name: "proxy.openai-upstream", Env: "PRETENSE_OPENAI_UPSTREAM", Flag: "--openai-upstream", Default: "https://api.openai.com", check: checkURL,
			Help: "where the proxy forwards OpenAI Chat Completions requests"},
		{Name: "audit.retention", Env: "PRETENSE_AUDIT_RETENTION", Default: "13mo", check: checkRetention,
			Help: "how long audit entries are kept; whole segments older than this are pruned"},
		{Name: "audit.dir", Env: "PRETENSE_AUDIT_DIR", Default: "", check: checkNonEmpty,
			Help: "audit log directory (default $PRETENSE_HOME/audit); ~/ is your home directory"},
		{Name: "audit.sink", Env: "PRETENSE_AUDIT_SINK", Flag: "--audit-sink", Default: "file",
			Choices: []string{"file", "stdout", "both"},
			Help:    "where the proxy writes audit entries: file (the chained log), stdout (JSON lines for a log pipeline) or both"},
		{Name: "scan.max-file-size", Env: "PRETENSE_MAX_FILE_SIZE", Flag: "--max-file-size", Default: "10MB", check: checkSize,
			Help: "files larger than this are skipped (and reported) by scan"},
		{Name: "scan.fail-on-unscanned", Env: "PRETENSE_FAIL_ON_UNSCANNED", Flag: "--fail-on-unscanned", Default: "true",
			Choices: []string{"false", "true"},
			Help:    "true (the default): a scan that leaves text unscanned (git LFS files whose content is not in the clone, text files over scan.max-file-size; binary files do not count) exits 3; false lists them as skipped and exits by the findings"},
		{Name: "rules.enable", Env: "PRETENSE_RULES_ENABLE", List: true, check: checkRuleID,
			Help: "rule ids to turn on in addition to the defaults"},
		{Name: "rules.disable", Env: "PRETENSE_RULES_DISABLE", List: true, check: checkRuleID,
			Help: "rule ids to turn off"},
		{Name: "rules.files", Env: "PRETENSE_RULES_FILES", List: true, check: checkNonEmpty,
			Help: "YAML files of custom rules (same fields as the built-in ones), relative to the file that names them"},
		{Name: "allowlist.values", List: true, check: checkRegexp,
			Help: "regular expressions; a match whose value matches one is not reported"},
		{Name: "allowlist.paths", List: true, check: checkNonEmpty,
			Help: "gitignore-style patterns of paths whose findings are not reported"},
	}
}

// Keys returns every setting in documentation order.
func Keys() []Key { return keys() }

// Lookup finds a key by its dotted name.
func Lookup(name string) (Key, bool) {
	for _, k := range keys() {
		if k.Name == name {
			return k, true
		}
	}
	return Key{}, false
}

// KeyNames lists every key name.
func KeyNames() []string {
	var out []string
	for _, k := range keys() {
		out = append(out, k.Name)
	}
	return out
}

// Check validates one value for the key. For a list key, raw is one item.
func (k Key) Check(raw string) error {
	if len(k.Choices) > 0 {
		for _, c := range k.Choices {
			if raw == c {
				return nil
			}
		}
		return fmt.Errorf("%q is not a valid choice", raw)
	}
	if k.check != nil {
		return k.check(raw)
	}
	return nil
}

func checkNonEmpty(s string) error {
	if strings.TrimSpace(s) == "" {
		return fmt.Errorf("empty value")
	}
	return nil
}

func checkHostPort(s string) error {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return fmt.Errorf("%q is not host:port", s)
	}
	if host == "" {
		return fmt.Errorf("%q has no host; use 127.0.0.1:%s", s, port)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("%q: port must be 1-65535", s)
	}
	return nil
}

func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http or https URL", s)
	}
	return nil
}

// checkRetention checks a retention value: N followed by d, w, mo or y, or
// "forever". The audit package interprets it; this only validates.
func checkRetention(s string) error {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "forever" || s == "never" {
		return nil
	}
	for _, unit := range []string{"mo", "y", "w", "d"} {
		if num, ok := strings.CutSuffix(s, unit); ok {
			if n, err := strconv.Atoi(num); err == nil && n > 0 {
				return nil
			}
			break
		}
	}
	return fmt.Errorf("%q is not a retention period", s)
}

func checkSize(s string) error {
	_, err := ParseSize(s)
	return err
}

// ParseSize reads a byte size: a whole number with an optional unit B, K,
// KB, KiB, M, MB, MiB, G, GB or GiB (all binary: 1 KB = 1024 bytes, as scan
// --max-file-size reads it).
func ParseSize(v string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(v))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		m      int64
	}{{"GIB", 1 << 30}, {"MIB", 1 << 20}, {"KIB", 1 << 10}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if rest, ok := strings.CutSuffix(t, u.suffix); ok {
			t, mult = strings.TrimSpace(rest), u.m
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("size %q: want a positive number with an optional unit (KB, MB, GB)", v)
	}
	return n * mult, nil
}

func checkRuleID(s string) error {
	if s == "" {
		return fmt.Errorf("empty rule id")
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return fmt.Errorf("%q is not a rule id", s)
		}
	}
	return nil
}

// checkRegexp parses the pattern's syntax without compiling a matcher (the
// rules package compiles allowlists).
func checkRegexp(s string) error {
	if s == "" {
		return fmt.Errorf("empty pattern")
	}
	if _, err := syntax.Parse(s, syntax.Perl); err != nil {
		return fmt.Errorf("%q is not a valid regular expression: %v", s, err)
	}
	return nil
}

// splitList splits a comma-separated list (env and flag form), dropping
// empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
