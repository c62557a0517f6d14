package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func envMap(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestPrecedence(t *testing.T) {
	dir := t.TempDir()
	user := writeFile(t, dir, "user.yaml", "phi-mode: standard\nmutation-policy: all\nproxy:\n  listen: 127.0.0.1:7000\naudit:\n  retention: 2y\n")
	project := writeFile(t, dir, "project.yaml", "# project\nphi-mode: strict\nproxy:\n  listen: 127.0.0.1:8000\nrules:\n  disable: [generic-api-key]\n")
	type want struct {
		value  string
		source Source
		origin string
	}
	for _, tc := range []struct {
		name    string
		flags   []Flag
		env     map[string]string
		project string
		user    string
		key     string
		want    want
	}{
		{"default only", nil, nil, "", "", "phi-mode", want{"off", SourceDefault, "built-in"}},
		{"user over default", nil, nil, "", user, "phi-mode", want{"standard", SourceUser, user + ":1"}},
		{"project over user", nil, nil, project, user, "phi-mode", want{"strict", SourceProject, project + ":2"}},
		{"env over project", nil, map[string]string{"PRETENSE_PHI_MODE": "off"}, project, user, "phi-mode", want{"off", SourceEnv, "PRETENSE_PHI_MODE"}},
		{"flag over env", []Flag{{Key: "phi-mode", Value: "standard", Name: "--phi-mode"}}, map[string]string{"PRETENSE_PHI_MODE": "off"}, project, user, "phi-mode", want{"standard", SourceFlag, "--phi-mode"}},
		{"empty env ignored", nil, map[string]string{"PRETENSE_PHI_MODE": ""}, project, user, "phi-mode", want{"strict", SourceProject, project + ":2"}},
		{"user key project lacks", nil, nil, project, user, "mutation-policy", want{"all", SourceUser, user + ":2"}},
		{"nested project over user", nil, nil, project, user, "proxy.listen", want{"127.0.0.1:8000", SourceProject, project + ":4"}},
		{"nested env", nil, map[string]string{"PRETENSE_LISTEN": "127.0.0.1:9000"}, project, user, "proxy.listen", want{"127.0.0.1:9000", SourceEnv, "PRETENSE_LISTEN"}},
		{"user-only section", nil, nil, project, user, "audit.retention", want{"2y", SourceUser, user + ":6"}},
		{"list from project", nil, nil, project, user, "rules.disable", want{"generic-api-key", SourceProject, project + ":6"}},
		{"list from env", nil, map[string]string{"PRETENSE_RULES_DISABLE": "a-rule, b-rule"}, project, user, "rules.disable", want{"a-rule,b-rule", SourceEnv, "PRETENSE_RULES_DISABLE"}},
		{"list flag", []Flag{{Key: "rules.disable", Value: "x", Name: "--disable-rule"}}, nil, project, "", "rules.disable", want{"x", SourceFlag, "--disable-rule"}},
		{"upstream env", nil, map[string]string{"PRETENSE_ANTHROPIC_UPSTREAM": "http://127.0.0.1:1234"}, "", "", "proxy.anthropic-upstream", want{"http://127.0.0.1:1234", SourceEnv, "PRETENSE_ANTHROPIC_UPSTREAM"}},
		{"missing project file skipped", nil, nil, filepath.Join(dir, "nope.yaml"), user, "phi-mode", want{"standard", SourceUser, user + ":1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Resolve(Inputs{Flags: tc.flags, Env: envMap(tc.env), ProjectFile: tc.project, UserFile: tc.user})
			if err != nil {
				t.Fatal(err)
			}
			v, err := s.Get(tc.key)
			if err != nil {
				t.Fatal(err)
			}
			if got := (want{v.String(), v.Source, v.Origin}); got != tc.want {
				t.Fatalf("got %+v want %+v", got, tc.want)
			}
		})
	}
}

func TestConfigStruct(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, ".pretense.yaml", "scan:\n  max-file-size: 2MB\nallowlist:\n  values: ['^EXAMPLE[0-9]+$']\n  paths:\n    - testdata/synthetic/\n")
	s, err := Resolve(Inputs{ProjectFile: p})
	if err != nil {
		t.Fatal(err)
	}
	c := s.Config()
	if c.Scan.MaxFileSize != 2<<20 || c.PHIMode != "off" || c.MutationPolicy != "phi" || c.Proxy.Listen != "127.0.0.1:9339" ||
		c.Audit.Retention != "13mo" || c.Audit.Sink != "file" || len(c.Allowlist.Values) != 1 || c.Allowlist.Paths[0] != "testdata/synthetic/" {
		t.Fatalf("config: %+v", c)
	}
	if got := s.AuditDir("/h"); got != "/h/audit" {
		t.Fatalf("audit dir: %s", got)
	}
	if len(s.Values()) != len(Keys()) {
		t.Fatal("Values does not list every key")
	}
}

func TestBadConfig(t *testing.T) {
	for _, tc := range []struct {
		name  string
		body  string
		env   map[string]string
		flags []Flag
		kind  error
		line  int
		key   string
		inMsg []string
	}{
		{name: "unknown top-level key", body: "version: 1\nphi_mode: strict\n", kind: ErrUnknownKey, line: 2, key: "phi_mode",
			inMsg: []string{`unknown key "phi_mode"`, `did you mean "phi-mode"`, "valid: phi-mode, mutation-policy"}},
		{name: "unknown nested key", body: "proxy:\n  listen: 127.0.0.1:1\n  upstream: x\n", kind: ErrUnknownKey, line: 3, key: "proxy.upstream",
			inMsg: []string{"valid: proxy.listen, proxy.anthropic-upstream, proxy.openai-upstream"}},
		{name: "bad enum", body: "\n\nphi-mode: extreme\n", kind: ErrBadValue, line: 3, key: "phi-mode",
			inMsg: []string{`"extreme" is not a valid choice`, "valid: off, standard, strict"}},
		{name: "bad url", body: "proxy:\n  openai-upstream: ftp://x\n", kind: ErrBadValue, line: 2, key: "proxy.openai-upstream", inMsg: []string{"http or https URL"}},
		{name: "bad listen", body: "proxy:\n  listen: 9339\n", kind: ErrBadValue, line: 2, key: "proxy.listen", inMsg: []string{"host:port"}},
		{name: "bad size", body: "scan:\n  max-file-size: huge\n", kind: ErrBadValue, line: 2, key: "scan.max-file-size", inMsg: []string{"10MB"}},
		{name: "bad retention", body: "audit:\n  retention: 13\n", kind: ErrBadValue, line: 2, key: "audit.retention", inMsg: []string{"13mo, 90d"}},
		{name: "bad regexp", body: "allowlist:\n  values:\n    - ok\n    - '(unclosed'\n", kind: ErrBadValue, line: 4, key: "allowlist.values", inMsg: []string{"not a valid regular expression"}},
		{name: "list expected", body: "rules:\n  disable: some-rule\n", kind: ErrBadValue, line: 2, key: "rules.disable", inMsg: []string{"want a list"}},
		{name: "scalar expected", body: "phi-mode: [strict]\n", kind: ErrBadValue, line: 1, key: "phi-mode", inMsg: []string{"want a single value"}},
		{name: "section as scalar", body: "proxy: 127.0.0.1:9339\n", kind: ErrBadValue, line: 1, key: "proxy", inMsg: []string{"is a section"}},
		{name: "malformed yaml", body: "phi-mode: strict\n  bad: indent\n", kind: ErrMalformed, line: 2, inMsg: []string{"malformed"}},
		{name: "duplicate key", body: "phi-mode: strict\nphi-mode: off\n", kind: ErrMalformed, line: 2, key: "phi-mode", inMsg: []string{"already defined"}},
		{name: "duplicate nested and dotted", body: "proxy:\n  listen: 127.0.0.1:1\nproxy.listen: 127.0.0.1:2\n", kind: ErrMalformed, line: 3, key: "proxy.listen", inMsg: []string{"already defined at"}},
		{name: "top level list", body: "- a\n", kind: ErrMalformed, line: 1, inMsg: []string{"mapping"}},
		{name: "bad version", body: "version: 2\n", kind: ErrBadValue, line: 1, key: "version", inMsg: []string{"valid: 1"}},
		{name: "bad env", env: map[string]string{"PRETENSE_MUTATION_POLICY": "some"}, kind: ErrBadValue, key: "mutation-policy",
			inMsg: []string{"environment variable PRETENSE_MUTATION_POLICY", "valid: phi, all"}},
		{name: "bad flag", flags: []Flag{{Key: "audit.sink", Value: "syslog", Name: "--audit-sink"}}, kind: ErrBadValue, key: "audit.sink",
			inMsg: []string{"flag --audit-sink", "valid: file, stdout, both"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := Inputs{Env: envMap(tc.env), Flags: tc.flags}
			var path string
			if tc.body != "" {
				path = writeFile(t, t.TempDir(), ".pretense.yaml", tc.body)
				in.ProjectFile = path
			}
			_, err := Resolve(in)
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("want *Error, got %v", err)
			}
			if !errors.Is(err, tc.kind) || ce.Line != tc.line || ce.Key != tc.key {
				t.Fatalf("got kind=%v line=%d key=%q: %v", ce.Err, ce.Line, ce.Key, err)
			}
			msg := err.Error()
			if path != "" && !strings.HasPrefix(msg, path+":") {
				t.Errorf("message does not start with the file: %s", msg)
			}
			for _, s := range tc.inMsg {
				if !strings.Contains(msg, s) {
					t.Errorf("message %q lacks %q", msg, s)
				}
			}
		})
	}
}

func TestExplicitMissingProjectFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "missing.yaml")
	_, err := Resolve(Inputs{ProjectFile: p, ProjectExplicit: true})
	var ce *Error
	if !errors.As(err, &ce) || ce.File != p {
		t.Fatalf("want an error naming %s, got %v", p, err)
	}
}

func TestEmptyAndCommentOnlyFiles(t *testing.T) {
	for _, body := range []string{"", "# nothing\n", "---\n", "proxy:\n  # listen: x\n"} {
		p := writeFile(t, t.TempDir(), "c.yaml", body)
		if _, err := Resolve(Inputs{ProjectFile: p}); err != nil {
			t.Errorf("%q: %v", body, err)
		}
	}
}

func TestGetUnknownKey(t *testing.T) {
	s, _ := Resolve(Inputs{})
	_, err := s.Get("phi-mod")
	if !errors.Is(err, ErrUnknownKey) || !strings.Contains(err.Error(), `did you mean "phi-mode"`) {
		t.Fatalf("got %v", err)
	}
}

func TestFindProject(t *testing.T) {
	root := t.TempDir()
	os.Mkdir(filepath.Join(root, ".git"), 0o755)
	sub := filepath.Join(root, "a", "b")
	os.MkdirAll(sub, 0o755)
	if got := FindProject(sub); got != "" {
		t.Fatalf("found %q in an empty repo", got)
	}
	p := writeFile(t, root, ".pretense.yaml", "phi-mode: strict\n")
	if got := FindProject(sub); got != p {
		t.Fatalf("got %q want %q", got, p)
	}
	if got := ProjectRoot(sub); got != root {
		t.Fatalf("root %q", got)
	}
}

func TestInit(t *testing.T) {
	dir := t.TempDir()
	res, err := Init(dir, false)
	if err != nil || len(res.Written) != 2 {
		t.Fatalf("init: %+v %v", res, err)
	}
	// The template parses, every key is present (commented) and documented.
	tmpl, _ := os.ReadFile(filepath.Join(dir, ProjectFileName))
	f, err := Parse("t", SourceProject, tmpl)
	if err != nil || len(f.Values) != 0 || f.Version != 1 {
		t.Fatalf("template: %+v %v", f, err)
	}
	for _, k := range Keys() {
		name := k.Name[strings.LastIndexByte(k.Name, '.')+1:]
		if !strings.Contains(string(tmpl), "# "+name+":") {
			t.Errorf("template lacks %s", k.Name)
		}
	}
	// Never overwrite without --force.
	os.WriteFile(filepath.Join(dir, ProjectFileName), []byte("phi-mode: strict\n"), 0o644)
	res, err = Init(dir, false)
	if !errors.Is(err, fs.ErrExist) || len(res.Kept) != 2 {
		t.Fatalf("second init: %+v %v", res, err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, ProjectFileName)); string(b) != "phi-mode: strict\n" {
		t.Fatal("init overwrote without force")
	}
	os.Remove(filepath.Join(dir, IgnoreFileName))
	res, err = Init(dir, false)
	if err != nil || len(res.Written) != 1 || len(res.Kept) != 1 {
		t.Fatalf("partial init: %+v %v", res, err)
	}
	res, err = Init(dir, true)
	if err != nil || len(res.Written) != 2 {
		t.Fatalf("forced init: %+v %v", res, err)
	}
	pats, err := ReadIgnore(filepath.Join(dir, IgnoreFileName))
	if err != nil || len(pats) == 0 || pats[0] != "node_modules/" {
		t.Fatalf("ignore patterns: %v %v", pats, err)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"10MB": 10 << 20, "512kb": 512 << 10, "1048576": 1 << 20, "2 GiB": 2 << 30, "7B": 7} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "0", "-1MB", "ten", "1.5MB", "99999999999999999999"} {
		if _, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) accepted", in)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(string(ProjectTemplate())))
	f.Add([]byte("phi-mode: strict\nproxy:\n  listen: 127.0.0.1:1\nrules:\n  disable: [a]\n"))
	f.Add([]byte("proxy.listen: 127.0.0.1:2\n"))
	f.Add([]byte("- a\n"))
	f.Add([]byte("phi-mode: strict\nallowlist:\n  values: [\"ab\x93\"]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("f.yaml", SourceProject, data)
		if err == nil && !utf8.Valid(data) {
			t.Fatal("a file with invalid UTF-8 parsed")
		}
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error is not *Error: %v", err)
			}
			return
		}
		for name, v := range file.Values {
			k, ok := Lookup(name)
			if !ok {
				t.Fatalf("unknown key %q accepted", name)
			}
			for _, item := range append([]string{v.Str}, v.List...) {
				if !utf8.ValidString(item) {
					t.Fatalf("%s holds invalid UTF-8: %q", name, item)
				}
			}
			if !k.List {
				if err := k.Check(v.Str); err != nil {
					t.Fatalf("invalid value accepted for %s: %v", name, err)
				}
			}
		}
	})
}
