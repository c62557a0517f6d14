package gate

import (
	"net/url"
	"strings"
	"testing"
)

// The parsers read files the gate does not control: none may panic, and
// an error must never come with a partial result that looks valid.

func FuzzParseClaudeSettings(f *testing.F) {
	for _, s := range []string{
		`{"env": {"ANTHROPIC_BASE_URL": "http://127.0.0.1:9339"}}`,
		`{"env": {"A": 1, "B": true, "C": null}, "apiKeyHelper": "x"}`,
		`{"env": []}`, `{"env": {"A": {}}}`, `{} {}`, `{`, ``, `null`, "{\n\"env\": {\"A\": }\n}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		vars, _, err := parseClaudeSettings(b)
		if err != nil && vars != nil {
			t.Fatalf("error %v with vars %v", err, vars)
		}
	})
}

func FuzzParseCodexConfig(f *testing.F) {
	for _, s := range []string{
		"model_provider = \"p\"\n[model_providers.p]\nbase_url = \"http://127.0.0.1:9339/v1\"\n",
		"profile = \"a\"\n[profiles.a]\nmodel_provider = \"b\"\n",
		"[model_providers.x\n", "model_provider = 1\n", "",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = parseCodexConfig(b)
	})
}

func FuzzParseContinueConfig(f *testing.F) {
	f.Add([]byte("models:\n  - name: a\n    provider: openai\n    apiBase: http://127.0.0.1:9339/v1\n"), false)
	f.Add([]byte(`{"models": [{"title": "a"}], "tabAutocompleteModel": [{"title": "t"}]}`), true)
	f.Add([]byte(`{"tabAutocompleteModel": 3}`), true)
	f.Add([]byte("models: 3\n"), false)
	f.Fuzz(func(t *testing.T, b []byte, isJSON bool) {
		_, _ = parseContinueConfig(b, isJSON)
	})
}

func FuzzParseYAMLMap(f *testing.F) {
	f.Add([]byte("openai-api-base: http://127.0.0.1:9339/v1\nset-env:\n  - A=b\n"))
	f.Add([]byte("- a\n- b\n"))
	f.Add([]byte("a: [\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := parseYAMLMap(b)
		if err == nil {
			for _, v := range m {
				_ = yamlStrings(v)
			}
		}
	})
}

func FuzzParseDotenv(f *testing.F) {
	f.Add([]byte("A=1\nexport B=\"two\"\n# c\nC='x y'\n"))
	f.Add([]byte("A"))
	f.Add([]byte("A=\"unterminated\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = parseDotenv(b)
	})
}

func FuzzNoProxyCovers(f *testing.F) {
	f.Add("localhost,127.0.0.1,::1", "127.0.0.1", "9339")
	f.Add("*.local, .example.com 10.0.0.0/8", "localhost", "80")
	f.Add("[::1]:9339", "::1", "9339")
	f.Fuzz(func(t *testing.T, value, host, port string) {
		got := noProxyCovers(value, host, port)
		// "*" anywhere as its own entry covers everything.
		if strings.TrimSpace(value) == "*" && !got {
			t.Fatalf("%q does not cover %q", value, host)
		}
	})
}

func FuzzClassify(f *testing.F) {
	px, err := parseProxy(DefaultProxy)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"http://127.0.0.1:9339", "http://localhost:9339/v1", "https://api.anthropic.com", "http://[::1]:9339", "unix:/x", "http://127.0.0.1:80", "::"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		r, why := px.classify(raw)
		if why == "" {
			t.Fatal("no reason")
		}
		if r == routeProxy {
			u, err := url.Parse(strings.TrimSpace(raw))
			if err != nil || !isLoopbackHost(u.Hostname()) || portOf(u) != "9339" || u.Scheme != "http" {
				t.Fatalf("%q classified as routed", raw)
			}
		}
		_ = redactURL(raw)
	})
}
