package integration

import (
	"encoding/json"
	"fmt"
	"go/build"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pretense/pretense/internal/testtool"
	"github.com/pretense/pretense/rules"
)

const gitleaksInstall = "go install github.com/zricethezav/gitleaks/v8@v8.30.1"

// gitleaksConfig exercises what pretense maps from gitleaks: keywords and
// a keyword-less rule, secretGroup (set, and unset with groups), entropy,
// a rule path, the deprecated [rules.allowlist] and [[rules.allowlists]]
// with condition AND and regexTarget line, stopwords, global allowlists
// (paths; targetRules with regexTarget match).
const gitleaksConfig = `title = "test rules"

[[rules]]
id = "acme-api-key"
description = "Acme API key"
regex = '''acme_[a-z0-9]{32}'''
keywords = ["acme_"]
tags = ["acme"]

[[rules]]
id = "zeta-secret"
description = "Zeta secret"
regex = '''(?i)zeta[_-]?secret\s*[:=]\s*["']?([A-Za-z0-9+/]{40})["']?'''
secretGroup = 1
entropy = 3.5
keywords = ["zeta"]
  [rules.allowlist]
  regexes = ['''^AAAA''']
  stopwords = ["sample"]

[[rules]]
id = "omega-token"
description = "Omega token"
regex = '''omg-[0-9A-F]{24}'''
path = '''\.(?:env|cfg)$'''
  [[rules.allowlists]]
  condition = "AND"
  paths = ['''^config/''']
  regexTarget = "line"
  regexes = ['''LEGACY''']

[[rules]]
id = "kappa-key"
regex = '''kappa:([a-z0-9]{20})|kappa=([a-z0-9]{20})'''
keywords = ["kappa"]

[[allowlists]]
description = "vendored code"
paths = ['''^vendor/''']

[[allowlists]]
targetRules = ["acme-api-key"]
regexTarget = "match"
regexes = ['''^acme_0000''']
`

// glFinding is what both tools must agree on.
type glFinding struct {
	Rule, File string
	Line       int
	Secret     string
	Commit     string
}

func (f glFinding) String() string {
	return fmt.Sprintf("%s %s:%d %s %.8s", f.Rule, f.File, f.Line, f.Secret, f.Commit)
}

// gitleaksFixture writes files with generated secret-shaped values into
// the repository and commits them in two commits; it returns the path
// and line of the finding .gitleaksignore lists by file:rule:line.
func gitleaksFixture(t *testing.T, r *repo, rnd *rand.Rand) {
	t.Helper()
	gen := func(tmpl string) string {
		v, err := rules.ExpandSample(tmpl, rnd)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	lower := func(n int) string {
		const a = "abcdefghijklmnopqrstuvwxyz0123456789"
		b := make([]byte, n)
		for i := range b {
			b[i] = a[rnd.IntN(len(a))]
		}
		return string(b)
	}
	hexU := func(n int) string {
		const a = "0123456789ABCDEF"
		b := make([]byte, n)
		for i := range b {
			b[i] = a[rnd.IntN(len(a))]
		}
		return string(b)
	}
	b64 := func(n int) string { return gen(fmt.Sprintf("{alnum:%d}", n)) }
	files := map[string]string{
		// found: acme twice, zeta (group 1), kappa (second alternative)
		"app/settings.py": "import os\n" +
			"ACME = \"acme_" + lower(32) + "\"\n" +
			"zeta_secret = \"" + b64(40) + "\"\n" +
			"# kappa=" + lower(20) + "\n" +
			"other = \"acme_" + lower(32) + "\" # gitleaks:allow\n" +
			"ZETA-SECRET: " + "AAAA" + b64(36) + "\n" + // rule allowlist regex
			"zetasecret=" + b64(10) + "sample" + b64(24) + "\n" + // stopword
			"zeta_secret = \"" + strings.Repeat("ab", 20) + "\"\n" + // entropy 1.0 <= 3.5
			"acme_0000" + lower(28) + "\n" + // targeted global allowlist, target match
			"kappa:" + lower(20) + "\n",
		// omega: only .env/.cfg paths; keyword-less rule
		"deploy/prod.env":  "TOKEN=omg-" + hexU(24) + "\n\n\nOTHER=omg-" + hexU(24) + "\n",
		"deploy/notes.txt": "omg-" + hexU(24) + "\n",
		// AND allowlist: path ^config/ and LEGACY on the line
		"config/app.cfg": "legacy_token = omg-" + hexU(24) + " # LEGACY\nnew_token = omg-" + hexU(24) + "\n",
		"other/app.cfg":  "legacy_token = omg-" + hexU(24) + " # LEGACY\n",
		// global path allowlist
		"vendor/lib/keys.py": "KEY = \"acme_" + lower(32) + "\"\n",
	}
	for p, c := range files {
		write(t, filepath.Join(r.dir, p), c)
	}
	write(t, filepath.Join(r.dir, ".gitleaks.toml"), gitleaksConfig)
	r.git("add", "-A")
	r.git("commit", "-q", "-m", "add services")
	// A second commit: a finding ignored by its commit fingerprint.
	write(t, filepath.Join(r.dir, "app/extra.py"), "\n\nkappa:"+lower(20)+"\nACME_KEY = 'acme_"+lower(32)+"'\n")
	r.git("add", "-A")
	r.git("commit", "-q", "-m", "extra")
	second := r.head()
	// .gitleaksignore: a file fingerprint (both modes) and a commit one.
	write(t, filepath.Join(r.dir, ".gitleaksignore"),
		"# reviewed\ndeploy/prod.env:omega-token:4\n"+second+":app/extra.py:kappa-key:3\n")
	r.git("add", "-A")
	r.git("commit", "-q", "-m", "ignore reviewed findings")
}

func gitleaksFindings(t *testing.T, raw []byte) []glFinding {
	t.Helper()
	var fs []struct {
		RuleID, File, Secret, Commit string
		StartLine                    int
	}
	if err := json.Unmarshal(raw, &fs); err != nil {
		t.Fatalf("gitleaks report: %v\n%s", err, raw)
	}
	out := make([]glFinding, 0, len(fs))
	for _, f := range fs {
		out = append(out, glFinding{f.RuleID, filepath.ToSlash(strings.TrimPrefix(f.File, "./")), f.StartLine, f.Secret, f.Commit})
	}
	return sortFindings(out)
}

func pretenseFindings(t *testing.T, raw []byte) []glFinding {
	t.Helper()
	var rep struct {
		Findings []struct {
			RuleID, Path, Secret, Commit string
			Line                         int
		}
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatalf("pretense report: %v\n%s", err, raw)
	}
	out := make([]glFinding, 0, len(rep.Findings))
	for _, f := range rep.Findings {
		out = append(out, glFinding{f.RuleID, strings.TrimPrefix(f.Path, "./"), f.Line, f.Secret, f.Commit})
	}
	return sortFindings(out)
}

func sortFindings(fs []glFinding) []glFinding {
	slices.SortFunc(fs, func(a, b glFinding) int { return strings.Compare(a.String(), b.String()) })
	return fs
}

// TestGitleaksConfigSameFindings runs the real gitleaks and pretense with
// the same .gitleaks.toml and .gitleaksignore over the same repository, as
// a directory and as history, and requires the same findings: rule id,
// file, line, secret (and commit in history).
func TestGitleaksConfigSameFindings(t *testing.T) {
	gl := testtool.Need(t, gitleaksInstall, "gitleaks", filepath.Join(build.Default.GOPATH, "bin", "gitleaks"))
	r := newRepo(t)
	gitleaksFixture(t, r, rng(t))
	out := t.TempDir()
	for _, mode := range []string{"dir", "git"} {
		t.Run(mode, func(t *testing.T) {
			glReport := filepath.Join(out, mode+"-gitleaks.json")
			res := run(t, r.dir, r.env, gl, mode, ".", "--config", ".gitleaks.toml", "--no-banner",
				"--report-format", "json", "--report-path", glReport, "--exit-code", "0", "--log-level", "error")
			if res.code != 0 {
				t.Fatalf("gitleaks %s: exit %d\n%s", mode, res.code, res.out)
			}
			raw, err := os.ReadFile(glReport)
			if err != nil {
				t.Fatal(err)
			}
			want := gitleaksFindings(t, raw)

			ptReport := filepath.Join(out, mode+"-pretense.json")
			args := []string{"scan", "--config", ".gitleaks.toml", "--no-redact", "--format", "json", "-o", ptReport, "--exit-code", "0"}
			if mode == "git" {
				args = append(args, "--git")
			}
			res = run(t, r.dir, r.env, env.bin, append(args, ".")...)
			if res.code != 0 {
				t.Fatalf("pretense %s: exit %d\n%s", mode, res.code, res.out)
			}
			if raw, err = os.ReadFile(ptReport); err != nil {
				t.Fatal(err)
			}
			got := pretenseFindings(t, raw)
			// Guard against agreeing on nothing: the fixture has findings
			// of every rule, and each filter drops something.
			if len(want) < 6 {
				t.Fatalf("gitleaks found only %d findings; the fixture is broken:\n%v", len(want), want)
			}
			// ... and every filter did drop what it should, in gitleaks.
			for _, f := range want {
				switch loc := fmt.Sprintf("%s:%d", f.File, f.Line); {
				case strings.HasPrefix(f.File, "vendor/"), loc == "config/app.cfg:1", f.File == "deploy/notes.txt",
					loc == "deploy/prod.env:4", f.File == "app/settings.py" && f.Line >= 5 && f.Line <= 9,
					mode == "git" && loc == "app/extra.py:3":
					t.Errorf("gitleaks reported %v, which the fixture meant to be allowed", f)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("findings differ\ngitleaks:\n%s\npretense:\n%s", lines(want), lines(got))
			}
		})
	}
}

func lines(fs []glFinding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + f.String() + "\n")
	}
	return b.String()
}
