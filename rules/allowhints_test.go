package rules

import (
	"regexp"
	"testing"
)

// hintedRegexps pairs each hint with its regex.
var hintedRegexps = []struct {
	hint allowHints
	re   func() *regexp.Regexp
}{
	{hintFormat, formatVerb},
	{hintExample, exampleValue},
	{hintPlaceholder, placeholderValue},
	{hintEnv, envReference},
	{hintLockfile, lockfileHash},
}

// checkHints fails when a regex matches s without its hint.
func checkHints(t *testing.T, s string) {
	t.Helper()
	h := allowHintsOf(s)
	if hb := allowHintsOf([]byte(s)); hb != h {
		t.Fatalf("allowHintsOf(%q): string %b, bytes %b", s, h, hb)
	}
	for _, r := range hintedRegexps {
		if h&r.hint == 0 && r.re().MatchString(s) {
			t.Fatalf("allowHintsOf(%q) = %b: %s matches, yet its hint %b is unset", s, h, r.re(), r.hint)
		}
	}
}

func TestAllowHints(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want allowHints
	}{
		{"hunter2hunter2hunter2", 0},
		{"Zq8vN3kPwR5tY7uB2xLm", 0},
		{"api_key=%s&qwz", hintFormat},
		{"AKIAIOSFODNN7EXAMPLE", hintExample}, // pretense:allow: AWS's documented example
		{"my-Fake_Token-value1", hintExample},
		{"${DATABASE_PASSWORD}", hintPlaceholder | hintEnv},
		{"<your-api-token-here>", hintPlaceholder},
		{"ChangeMe-please-1234", hintPlaceholder},
		{"tiger", hintPlaceholder}, // short: one of the whole words?
		{"os.environ['DB_PASSWORD']", hintEnv},
		{"vault:secret/data/db#pw", hintEnv},
		{"sha512-3q2+7wAAAAAAAAAAAAAAAAAAAAAAAAAAAA==", hintLockfile},
		{"h1:abcdefghijabcdefghijabcdefghijabcdefghijabc=", hintLockfile},
		{"SHA512-qwzlockfilehashvalue", 0}, // case-sensitive prefix
		{"ſecrets.TOKEN_VALUE_HERE", hintAll},
	} {
		if got := allowHintsOf(tt.in); got != tt.want {
			t.Errorf("allowHintsOf(%q) = %05b, want %05b", tt.in, got, tt.want)
		}
		checkHints(t, tt.in)
	}
}

// FuzzAllowHints checks that no global allowlist regex matches a string
// whose hints leave it out, so globallyAllowed's answer is what running
// every regex gives.
//
//	go test ./rules -run '^$' -fuzz '^FuzzAllowHints$' -fuzztime 2m
func FuzzAllowHints(f *testing.F) {
	for _, s := range []string{
		"%d", "%-x", "%q)", "EXAMPLE", "sample-key", "not_a-real", "fake_password", "FAKEKEY",
		"${x}", "$(cmd)", "{{ var }}", "%(name)s", "$HOME", "<tok>", "<a b>", "xxxx", "XXXX", "****", "...",
		"change_me", "changeit", "PLACEHOLDER", "replace-with", "your api key", "insert_token", "REDACTED",
		"dummy", "null", "None", "undefined", "TRUE", "password", "secret", "token",
		"os.environ", "OS.GETENV", "process.env.X", "System.getenv", "Environment.GetEnvironmentVariable",
		"ENV['x']", "ENV.fetch", "getenv(", "env(", "secrets.X", "vars.y", "${{ a }}", "vault:x", "ssm:/p",
		"secretsmanager", "sha1-aaaaaaaaaaaaaaaaaaaaaaaa", "h1:AAAA", "\u212aey", "ſample", "toKen",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkHints(t, s)
	})
}
