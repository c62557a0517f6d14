package gitleaksconf

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pretense/pretense/finding"
	"github.com/pretense/pretense/rules"
)

func TestParseRefusesByName(t *testing.T) {
	for _, tc := range []struct {
		name, toml, want string
	}{
		{"unknown rule key", "[[rules]]\nid='a'\nregex='x'\nvalidate='cel'\n", "unsupported fields: rules.validate"},
		{"unknown top key", "foo=1\n[[rules]]\nid='a'\nregex='x'\n", "unsupported fields: foo"},
		{"unknown allowlist key", "[[rules]]\nid='a'\nregex='x'\n[[rules.allowlists]]\nregexes=['y']\nfiles=['z']\n", "rules.allowlists.files"},
		{"required", "[[rules]]\nid='a'\nregex='x'\n[[rules.required]]\nid='b'\n", `rule "a": [[rules.required]]`},
		{"skipReport", "[[rules]]\nid='a'\nregex='x'\nskipReport=true\n", `rule "a": skipReport`},
		{"path only", "[[rules]]\nid='p12'\npath='''\\.p12$'''\n", `rule "p12": path-only rules`},
		{"every bad rule named", "[[rules]]\nid='p1'\npath='a'\n[[rules]]\nid='p2'\npath='b'\n", `rule "p2": path-only`},
		{"no regex no path", "[[rules]]\nid='a'\n", "both |regex| and |path| are empty"},
		{"missing id", "[[rules]]\nregex='x'\n", "rule |id| is missing"},
		{"bad regex", "[[rules]]\nid='a'\nregex='(x'\n", `rule "a": regex: error parsing regexp`},
		{"bad path regex", "[[rules]]\nid='a'\nregex='x'\npath='['\n", `rule "a": path:`},
		{"secret group", "[[rules]]\nid='a'\nregex='(x)'\nsecretGroup=2\n", "invalid regex secret group 2, max regex secret group 1"},
		{"duplicate", "[[rules]]\nid='a'\nregex='x'\n[[rules]]\nid='a'\nregex='y'\n", `rule "a": defined twice`},
		{"condition", "[[rules]]\nid='a'\nregex='x'\n[[rules.allowlists]]\ncondition='XOR'\nregexes=['y']\n", "unknown allowlist |condition| 'XOR'"},
		{"target", "[[allowlists]]\nregexTarget='file'\nregexes=['y']\n", "unknown allowlist |regexTarget| 'file'"},
		{"empty allowlist", "[allowlist]\ndescription='nothing'\n", "must contain at least one check"},
		{"both rule allowlist forms", "[[rules]]\nid='a'\nregex='x'\n[rules.allowlist]\nregexes=['y']\n[[rules.allowlists]]\nregexes=['z']\n", "deprecated"},
		{"both global forms", "[allowlist]\nregexes=['y']\n[[allowlists]]\nregexes=['z']\n", "[allowlist] is deprecated"},
		{"target rule missing", "[[allowlists]]\ntargetRules=['nope']\nregexes=['z']\n", "target rule ID \"nope\" does not exist"},
		{"wrong type", "[[rules]]\nid='a'\nregex='x'\nentropy='high'\n", "entropy"},
		{"not toml", "[[rules]\n", "expected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.toml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestLoadExtend(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("base.toml", `
[[rules]]
id = "one"
regex = '''one_[a-z]{8}'''
keywords = ["one_"]
tags = ["base"]
[[rules]]
id = "two"
regex = '''two_[a-z]{8}'''
keywords = ["two_"]
[[allowlists]]
paths = ['''^skip/''']
`)
	top := write("top.toml", `
[extend]
path = "base.toml"
disabledRules = ["two"]
[[rules]]
id = "one"
description = "one, overridden"
keywords = ["uno"]
regex = '''(?:one|uno)_[a-z]{8}'''
tags = ["top"]
`)
	c, err := Load(top)
	if err != nil {
		t.Fatal(err)
	}
	rs := c.Rules()
	if len(rs) != 1 || rs[0].ID != "one" || rs[0].Description != "one, overridden" ||
		!slices.Equal(rs[0].Keywords, []string{"one_", "uno"}) || !slices.Equal(rs[0].Tags, []string{"gitleaks", "base", "top"}) {
		t.Fatalf("merged rules: %+v", rs)
	}
	if len(c.global) != 1 {
		t.Fatalf("global allowlists: %d, want the base's one", len(c.global))
	}
	bad := write("bad.toml", "[extend]\npath = \"base.toml\"\ndisabledRules = [\"three\"]\n")
	if _, err := Load(bad); err == nil || !strings.Contains(err.Error(), `"three" is not a rule of`) {
		t.Fatalf("unknown disabled rule: %v", err)
	}
	url := write("url.toml", "[extend]\nurl = \"https://example.invalid/x.toml\"\n")
	if _, err := Load(url); err == nil || !strings.Contains(err.Error(), "[extend] url is not supported") {
		t.Fatalf("extend url: %v", err)
	}
	both := write("both.toml", "[extend]\npath = \"base.toml\"\nuseDefault = true\n")
	if _, err := Load(both); err == nil || !strings.Contains(err.Error(), "both set") {
		t.Fatalf("extend path and useDefault: %v", err)
	}
	loop := write("loop.toml", "[extend]\npath = \"loop.toml\"\n")
	if _, err := Load(loop); err == nil || !strings.Contains(err.Error(), "chains more than") {
		t.Fatalf("extend loop: %v", err)
	}
	def := write("def.toml", "[extend]\nuseDefault = true\ndisabledRules = [\"generic-api-key\"]\n")
	if c, err := Load(def); err != nil || !c.UseDefault || !slices.Equal(c.DisableBuiltin, []string{"generic-api-key"}) {
		t.Fatalf("useDefault: %+v, %v", c, err)
	}
}

// scanOne compiles c's rules, scans data as path (in commit, if any) and
// applies the after-scan filter.
func scanOne(t *testing.T, c *Config, path, commit, data string) []string {
	t.Helper()
	rs, err := rules.Compile(c.Rules(), rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fs := rules.Findings([]byte(data), rs.Scan([]byte(data)), path, finding.NewFingerprinter(nil))
	for i := range fs {
		fs[i].Commit = commit
	}
	kept, _ := c.Filter(fs)
	var out []string
	for _, f := range kept {
		out = append(out, f.RuleID+":"+itoa(f.Line)+":"+f.Secret)
		for _, r := range f.Reasons {
			if strings.HasPrefix(r, tagPrefix) {
				t.Errorf("internal mark %q left in the reasons", r)
			}
		}
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestSemantics(t *testing.T) {
	const conf = `
[[rules]]
id = "grp"
regex = '''key(?:=([a-z0-9]{12})|:([a-z0-9]{12}))'''
keywords = ["key"]
entropy = 2.0
  [[rules.allowlists]]
  stopwords = ["test"]
  [[rules.allowlists]]
  condition = "AND"
  regexTarget = "line"
  regexes = ['''LEGACY''']
  paths = ['''^old/''']
  [[rules.allowlists]]
  commits = ["ABCDEF0123"]
[[rules]]
id = "any"
regex = '''tok-[0-9]{6}'''
path = '''\.env$'''
  [[rules.allowlists]]
  regexTarget = "match"
  regexes = ['''^tok-0''']
[[allowlists]]
paths = ['''^vendor/''']
[[allowlists]]
condition = "AND"
regexes = ['''^z''']
stopwords = ["zz"]
`
	c, err := Parse([]byte(conf))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddIgnore([]byte("# c\nign.txt:grp:1\ndeadbeef:x.txt:grp:2\n"), "ignore"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path, commit, data string
		want                     []string
	}{
		{"first non-empty group", "a.txt", "", "x\nkey:abc123def456\n", []string{"grp:2:abc123def456"}},
		{"low entropy", "a.txt", "", "key=aaaaaaaaaaab\n", nil},
		{"stopword", "a.txt", "", "key=abctest12345\n", nil},
		{"gitleaks:allow", "a.txt", "", "key=abc123def456 # gitleaks:allow\n", nil},
		{"AND: line and path", "old/a.txt", "", "key=abc123def456 LEGACY\n", nil},
		{"AND: line only", "new/a.txt", "", "key=abc123def456 LEGACY\n", []string{"grp:1:abc123def456"}},
		{"AND: path only", "old/a.txt", "", "key=abc123def456\n", []string{"grp:1:abc123def456"}},
		{"commit, case-insensitive", "a.txt", "abcdef0123", "key=abc123def456\n", nil},
		{"global path", "vendor/a.txt", "", "key=abc123def456\n", nil},
		{"global AND content: both", "a.txt", "", "key=zzc123def456\n", nil},
		{"global AND content: one", "a.txt", "", "key=zac123def456\n", []string{"grp:1:zac123def456"}},
		{"keywordless, path", "x.env", "", "A=tok-123456\nB=tok-012345\n", []string{"any:1:tok-123456"}},
		{"keywordless, other path", "x.txt", "", "A=tok-123456\n", nil},
		{"ignore file", "ign.txt", "", "key=abc123def456\n", nil},
		{"ignore commit", "x.txt", "deadbeef", "\nkey=abc123def456\n", nil},
		{"ignore commit, other commit", "x.txt", "beefdead", "\nkey=abc123def456\n", []string{"grp:2:abc123def456"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := scanOne(t, c, tc.path, tc.commit, tc.data)
			if !slices.Equal(got, tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestIgnoreFileErrors(t *testing.T) {
	c := &Config{}
	for _, bad := range []string{"just-one-field", "a:b", "a:b:c:d:e", "f:r:notanumber"} {
		if err := c.AddIgnore([]byte(bad+"\n"), ".gitleaksignore"); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	if err := c.AddIgnore([]byte(`dir\f.txt:r:3`+"\n"), "x"); err != nil || !c.ignore["dir/f.txt:r:3"] {
		t.Fatalf("windows path not normalised: %v %v", err, c.ignore)
	}
}

func TestEntropyAgreesWithGitleaks(t *testing.T) {
	// Values from gitleaks' own tests of shannonEntropy.
	for s, want := range map[string]float64{"": 0, "aaaa": 0, "ab": 1, "abcd": 2} {
		if got := Entropy(s); got != want {
			t.Errorf("Entropy(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestLoadGitleaksDefault loads gitleaks' own default configuration when a
// copy is named by PRETENSE_GITLEAKS_DEFAULT (it is peer code, not part of
// this repository): the one path-only rule is the only thing refused.
func TestLoadGitleaksDefault(t *testing.T) {
	p := os.Getenv("PRETENSE_GITLEAKS_DEFAULT")
	if p == "" {
		t.Skip("set PRETENSE_GITLEAKS_DEFAULT to a copy of gitleaks' config/gitleaks.toml")
	}
	_, err := Load(p)
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			if !strings.Contains(line, "path-only rules") {
				t.Errorf("refused for another reason: %s", line)
			}
		}
		t.Logf("refused: %v", err)
	}
	// Without its path-only rules, every rule compiles and runs.
	raw, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(string(raw), "[[rules]]")
	kept := parts[:1]
	for _, part := range parts[1:] {
		if strings.Contains(part, "\nregex =") {
			kept = append(kept, part)
		}
	}
	c, err := Parse([]byte(strings.Join(kept, "[[rules]]")))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := rules.Compile(c.Rules(), rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(rs.Rules()); n < 200 {
		t.Fatalf("%d rules compiled", n)
	}
	t.Logf("%d of gitleaks' default rules compiled", len(rs.Rules()))
	rs.Scan([]byte("token = \"abc\"\naws_secret_access_key = x\n"))
}
