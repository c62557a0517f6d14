package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestSetKeepsCommentsAndOrder checks the exact text after each edit: only
// the value changes, everything else (comments, blank lines, order,
// quoting, line endings) stays byte for byte.
func TestSetKeepsCommentsAndOrder(t *testing.T) {
	for _, tc := range []struct {
		name, before, key, value, after string
	}{
		{"scalar with comments",
			"# Team settings\nversion: 1\n\n# PHI detection\nphi-mode: off # was off\n\nmutation-policy: phi\n",
			"phi-mode", "strict",
			"# Team settings\nversion: 1\n\n# PHI detection\nphi-mode: strict # was off\n\nmutation-policy: phi\n"},
		{"quoted scalar",
			"proxy:\n  listen: \"127.0.0.1:9339\"   # loopback only\n  openai-upstream: 'https://api.openai.com'\n",
			"proxy.openai-upstream", "http://127.0.0.1:8080",
			"proxy:\n  listen: \"127.0.0.1:9339\"   # loopback only\n  openai-upstream: http://127.0.0.1:8080\n"},
		{"nested scalar keeps siblings",
			"proxy:\n  # where\n  listen: 127.0.0.1:9339\n\n  anthropic-upstream: https://api.anthropic.com\naudit:\n  retention: 13mo\n",
			"proxy.listen", "127.0.0.1:9400",
			"proxy:\n  # where\n  listen: 127.0.0.1:9400\n\n  anthropic-upstream: https://api.anthropic.com\naudit:\n  retention: 13mo\n"},
		{"new key at end of its section",
			"proxy:\n  listen: 127.0.0.1:9339 # here\n\n# audit below\naudit:\n  retention: 13mo\n",
			"proxy.openai-upstream", "https://example.test",
			"proxy:\n  listen: 127.0.0.1:9339 # here\n  openai-upstream: https://example.test\n\n# audit below\naudit:\n  retention: 13mo\n"},
		{"new section appended",
			"# only this\nphi-mode: standard\n",
			"audit.retention", "90d",
			"# only this\nphi-mode: standard\naudit:\n  retention: 90d\n"},
		{"new top-level key without trailing newline",
			"phi-mode: standard",
			"mutation-policy", "all",
			"phi-mode: standard\nmutation-policy: all\n"},
		{"uncomments template line",
			"# PHI detection\n# phi-mode: off\n\nproxy:\n  # listen here\n  # listen: 127.0.0.1:9339\n",
			"phi-mode", "strict",
			"# PHI detection\nphi-mode: strict\n\nproxy:\n  # listen here\n  # listen: 127.0.0.1:9339\n"},
		{"uncomments in an all-commented section",
			"proxy:\n  # listen here\n  # listen: 127.0.0.1:9339\n\naudit:\n  # retention: 13mo\n",
			"proxy.listen", "127.0.0.1:1",
			"proxy:\n  # listen here\n  listen: 127.0.0.1:1\n\naudit:\n  # retention: 13mo\n"},
		{"uncomments in a section with other keys",
			"audit:\n  sink: file\n  # retention: 13mo\n  # comment after\nphi-mode: off\n",
			"audit.retention", "1y",
			"audit:\n  sink: file\n  retention: 1y\n  # comment after\nphi-mode: off\n"},
		{"flow list",
			"rules:\n  disable: [a-rule] # noisy\n",
			"rules.disable", "a-rule,b-rule",
			"rules:\n  disable: [a-rule, b-rule] # noisy\n"},
		{"block list",
			"rules:\n  # off for now\n  disable:\n    - a-rule # first\n    - b-rule\n  # enable next\n  enable: []\n",
			"rules.disable", "c-rule",
			"rules:\n  # off for now\n  disable:\n    - c-rule\n  # enable next\n  enable: []\n"},
		{"clear a list",
			"rules:\n  disable: [a, b]\n",
			"rules.disable", "",
			"rules:\n  disable: []\n"},
		{"regex list is quoted",
			"allowlist:\n  values: []\n",
			"allowlist.values", "^EXAMPLE[0-9]{4}$",
			"allowlist:\n  values: [\"^EXAMPLE[0-9]{4}$\"]\n"},
		{"dotted key at top level",
			"proxy.listen: 127.0.0.1:1 # dotted\n",
			"proxy.listen", "127.0.0.1:2",
			"proxy.listen: 127.0.0.1:2 # dotted\n"},
		{"crlf file",
			"# windows\r\nphi-mode: off\r\n",
			"phi-mode", "standard",
			"# windows\r\nphi-mode: standard\r\n"},
		{"fixes a bad value of the same key",
			"phi-mode: extreme # typo\n",
			"phi-mode", "strict",
			"phi-mode: strict # typo\n"},
		{"empty file",
			"",
			"phi-mode", "strict",
			"phi-mode: strict\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), ".pretense.yaml")
			os.WriteFile(p, []byte(tc.before), 0o640)
			if err := Set(p, tc.key, tc.value); err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(p)
			if string(got) != tc.after {
				t.Fatalf("after set:\n%s\nwant:\n%s", got, tc.after)
			}
			if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o640 {
				t.Errorf("mode changed to %v", fi.Mode().Perm())
			}
			s, err := Resolve(Inputs{ProjectFile: p})
			if err != nil {
				t.Fatal(err)
			}
			if v, _ := s.Get(tc.key); v.String() != tc.value {
				t.Fatalf("reads back %q", v.String())
			}
		})
	}
}

func TestSetOnInitTemplate(t *testing.T) {
	dir := t.TempDir()
	if _, err := Init(dir, false); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, ProjectFileName)
	before, _ := os.ReadFile(p)
	for _, kv := range [][2]string{{"phi-mode", "strict"}, {"proxy.listen", "127.0.0.1:9400"}, {"rules.disable", "x-rule"}, {"audit.dir", "/var/tmp/a"}} {
		if err := Set(p, kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	after, _ := os.ReadFile(p)
	// Same number of lines: each set turned one commented line into a setting.
	if strings.Count(string(before), "\n") != strings.Count(string(after), "\n") {
		t.Fatalf("line count changed:\n%s", after)
	}
	s, err := Resolve(Inputs{ProjectFile: p})
	if err != nil {
		t.Fatal(err)
	}
	c := s.Config()
	if c.PHIMode != "strict" || c.Proxy.Listen != "127.0.0.1:9400" || c.Rules.Disable[0] != "x-rule" || c.Audit.Dir != "/var/tmp/a" {
		t.Fatalf("config after sets: %+v", c)
	}
	if !strings.Contains(string(after), "# PHI detection for scans") {
		t.Fatal("comments lost")
	}
}

func TestSetRejects(t *testing.T) {
	for _, tc := range []struct {
		name, before, kv string
		kind             error
		inMsg            string
	}{
		{"unknown key", "phi-mode: off\n", "phi-mod=strict", ErrUnknownKey, `did you mean "phi-mode"`},
		{"bad value", "phi-mode: off\n", "phi-mode=extreme", ErrBadValue, "valid: off, standard, strict"},
		{"malformed file", "phi-mode: [\n", "phi-mode=strict", ErrMalformed, "c.yaml:1: malformed"},
		{"other bad key remains", "phi-mode: off\nbogus: 1\n", "phi-mode=strict", ErrUnknownKey, ":2:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "c.yaml")
			os.WriteFile(p, []byte(tc.before), 0o644)
			k, v, _ := strings.Cut(tc.kv, "=")
			err := Set(p, k, v)
			if !errors.Is(err, tc.kind) || !strings.Contains(err.Error(), tc.inMsg) {
				t.Fatalf("got %v", err)
			}
			if b, _ := os.ReadFile(p); string(b) != tc.before {
				t.Fatal("file changed on error")
			}
		})
	}
}

// Invalid UTF-8 is refused wherever a value enters: config set (key or
// value), the environment, a flag, and the file itself. YAML would replace
// the byte with U+FFFD and store a value nobody gave.
func TestInvalidUTF8Refused(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "c.yaml")
	if err := os.WriteFile(p, []byte("phi-mode: standard\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, key, value string
		want             error
		detail           string
	}{
		{"value", "proxy.openai-upstream", "http://\x93", ErrBadValue, `"http://\x93" is not valid UTF-8`},
		{"list item", "allowlist.values", "ok,a\xffb", ErrBadValue, "not valid UTF-8"},
		{"path", "audit.dir", "/tmp/a\xc3", ErrBadValue, "not valid UTF-8"},
		{"key", "phi-mode\xff", "strict", ErrUnknownKey, "the key is not valid UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Set(p, tc.key, tc.value)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.detail) {
				t.Fatalf("got %v", err)
			}
			if b, _ := os.ReadFile(p); string(b) != "phi-mode: standard\n" {
				t.Fatalf("file changed: %q", b)
			}
		})
	}
	_, err := Resolve(Inputs{Env: func(k string) (string, bool) {
		if k == "PRETENSE_LISTEN" {
			return "127.0.0.1:93\x80", true
		}
		return "", false
	}})
	if !errors.Is(err, ErrBadValue) || !strings.Contains(err.Error(), "PRETENSE_LISTEN") {
		t.Fatalf("env: %v", err)
	}
	if _, err := Resolve(Inputs{Flags: []Flag{{Key: "phi-mode", Value: "str\xffict", Name: "--phi-mode"}}}); !errors.Is(err, ErrBadValue) {
		t.Fatalf("flag: %v", err)
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("# ok\nphi-mode: strict\nallowlist:\n  values: [\"ab\x93\"]\n"), 0o644)
	_, err = Load(bad, SourceProject)
	var ce *Error
	if !errors.As(err, &ce) || !errors.Is(err, ErrMalformed) || ce.Line != 4 || !strings.Contains(err.Error(), "byte 15 of the line is not valid UTF-8") {
		t.Fatalf("file: %v", err)
	}
	if err := Set(bad, "phi-mode", "off"); !errors.Is(err, ErrMalformed) {
		t.Fatalf("set into a file with invalid UTF-8: %v", err)
	}
	// U+FFFD written as such is valid UTF-8 and a valid value.
	if err := Set(p, "audit.dir", "/tmp/\uFFFD"); err != nil {
		t.Fatal(err)
	}
}

func FuzzSet(f *testing.F) {
	f.Add("phi-mode: off\n", "phi-mode", "strict")
	f.Add("proxy:\n  listen: 127.0.0.1:1\n", "proxy.openai-upstream", "http://127.0.0.1:2")
	f.Add("rules:\n  disable:\n    - a\n", "rules.disable", "b,c")
	f.Add("", "proxy.openai-upstream", "http://\x93")
	f.Add("", "phi-mode\xff", "strict")
	f.Fuzz(func(t *testing.T, before, key, value string) {
		p := filepath.Join(t.TempDir(), "c.yaml")
		os.WriteFile(p, []byte(before), 0o644)
		err := Set(p, key, value)
		if err == nil && !(utf8.ValidString(key) && utf8.ValidString(value)) {
			t.Fatalf("set %q=%q accepted invalid UTF-8", key, value)
		}
		if err != nil {
			return
		}
		s, err := Resolve(Inputs{ProjectFile: p})
		if err != nil {
			t.Fatalf("set produced an invalid file: %v", err)
		}
		want, _ := parseRaw(mustKey(t, key), value, "")
		if v, _ := s.Get(key); v.String() != want.String() {
			t.Fatalf("set %s=%q reads back %q", key, value, v.String())
		}
	})
}

func mustKey(t *testing.T, name string) Key {
	k, ok := Lookup(name)
	if !ok {
		t.Fatalf("unknown key %s", name)
	}
	return k
}
