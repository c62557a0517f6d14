package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A commit cannot configure its own pre-commit check: a suppression the
// staged change adds (a pretense:allow marker on a staged line, a staged
// .pretenseignore or .pretense.yaml) is a config-change finding, and what
// an added marker hides is reported, unless --trust-config (alias of
// --trust-range-config) or PRETENSE_TRUST_CONFIG=1 accepts it.
func TestStagedSuppressionsAreFindings(t *testing.T) {
	cases := []struct {
		name string
		// stage writes the change beside the secret line s and returns
		// app/main.py's content.
		stage      func(t *testing.T, f *gitRepoFixture, s string) string
		committed  func(t *testing.T, f *gitRepoFixture) // in HEAD before the change
		cfgPath    string                                // where config-change must be; "" for none
		wantSecret bool                                  // the secret itself is reported
		want       int
	}{
		{name: "allow marker on the secret", cfgPath: "app/main.py", wantSecret: true, want: ExitFindings,
			stage: func(t *testing.T, f *gitRepoFixture, s string) string {
				return "import os\n" + s + "  # pretense" + ":allow\n"
			}},
		{name: "pretenseignore", cfgPath: ".pretenseignore", want: ExitFindings,
			stage: func(t *testing.T, f *gitRepoFixture, s string) string {
				f.write(t, ".pretenseignore", "*.py\n")
				return "import os\n" + s + "\n"
			}},
		{name: "config allowlist", cfgPath: ".pretense.yaml", want: ExitFindings,
			stage: func(t *testing.T, f *gitRepoFixture, s string) string {
				f.write(t, ".pretense.yaml", "allowlist:\n  values: [\".*\"]\n")
				return "import os\n" + s + "\n"
			}},
		// The staged scan reads .pretenseignore from the work tree: an
		// edit there that is not staged hides what is staged.
		{name: "pretenseignore edited but not staged", cfgPath: ".pretenseignore", want: ExitFindings,
			stage: func(t *testing.T, f *gitRepoFixture, s string) string {
				if err := os.WriteFile(filepath.Join(f.dir, ".pretenseignore"), []byte("*.py\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				return "import os\n" + s + "\n"
			}},
		{name: "marker on a clean line", want: ExitClean,
			stage: func(t *testing.T, f *gitRepoFixture, s string) string {
				return "import os\nplaceholder = 1  # pretense" + ":allow\n"
			}},
		{name: "marker already committed", want: ExitClean,
			committed: func(t *testing.T, f *gitRepoFixture) {
				f.write(t, "app/main.py", "import os\nplaceholder = 1  # pretense"+":allow\n")
			},
			stage: func(t *testing.T, f *gitRepoFixture, s string) string {
				return "import os\nplaceholder = 1  # pretense" + ":allow\nprint(os.name)\n"
			}},
		{name: "ignore already committed", want: ExitClean,
			committed: func(t *testing.T, f *gitRepoFixture) { f.write(t, ".pretenseignore", "*.py\n") },
			stage: func(t *testing.T, f *gitRepoFixture, s string) string {
				return "import os\n" + s + "\n"
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newGitRepoFixture(t)
			if tc.committed != nil {
				tc.committed(t, f)
				f.commit(t, "committed config")
			}
			f.write(t, "app/main.py", tc.stage(t, f, "token = '"+f.secret(t)+"'"))
			t.Chdir(f.dir)
			args := []string{"--staged", "--path", f.dir, "--format", "json"}
			code, out, errOut := runScan(t, args...)
			if code != tc.want {
				t.Fatalf("exit %d, want %d; stderr:\n%s\n%s", code, tc.want, errOut, out)
			}
			rulesAt := map[string][]string{}
			for _, fd := range decodeReport(t, out).Findings {
				rulesAt[fd.Path] = append(rulesAt[fd.Path], fd.RuleID)
				if fd.RuleID == "config-change" && !strings.Contains(fd.Description, "PRETENSE_TRUST_CONFIG") {
					t.Errorf("config-change does not say how to accept it: %q", fd.Description)
				}
			}
			if got := slices.ContainsFunc(rulesAt["app/main.py"], func(r string) bool { return r != "config-change" }); got != tc.wantSecret {
				t.Errorf("secret reported %v, want %v: %v", got, tc.wantSecret, rulesAt)
			}
			if tc.cfgPath != "" && !slices.Contains(rulesAt[tc.cfgPath], "config-change") {
				t.Errorf("no config-change at %s: %v", tc.cfgPath, rulesAt)
			}
			if tc.cfgPath == "" && strings.Contains(out, "config-change") {
				t.Errorf("config-change without a staged suppression:\n%s", out)
			}
			if tc.cfgPath == "" {
				return
			}
			// Accepted: by the flag, its alias, or the environment (a
			// hook passes no flags).
			for _, accept := range [][]string{{"--trust-range-config"}, {"--trust-config"}, nil} {
				if accept == nil {
					t.Setenv("PRETENSE_TRUST_CONFIG", "1")
				}
				code, out, errOut = runScan(t, append(args, accept...)...)
				if code != ExitClean || strings.Contains(out, "config-change") {
					t.Errorf("accepted with %v: exit %d, want 0\n%s\n%s", accept, code, out, errOut)
				}
			}
		})
	}
}

// gitleaks' own marker hides the findings of a gitleaks configuration's
// rules: one the staged change adds is reported like pretense:allow, and
// so is a staged .gitleaksignore.
func TestStagedGitleaksSuppressions(t *testing.T) {
	const conf = "[[rules]]\nid = \"acme-key\"\ndescription = \"Acme key\"\nregex = '''acme_[a-z0-9]{24}'''\n"
	value := "acme_" + strings.Repeat("k3x9", 6)
	for _, tc := range []struct {
		name, path, content, cfgPath string
	}{
		{"gitleaks:allow", "app/keys.py", "KEY = '" + value + "'  # gitleaks" + ":allow\n", "app/keys.py"},
		{".gitleaksignore", ".gitleaksignore", "app/keys.py:acme-key:1\n", ".gitleaksignore"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newGitRepoFixture(t)
			f.write(t, ".gitleaks.toml", conf)
			f.commit(t, "gitleaks config")
			if tc.path != "app/keys.py" {
				f.write(t, "app/keys.py", "KEY = '"+value+"'\n")
			}
			f.write(t, tc.path, tc.content)
			t.Chdir(f.dir)
			args := []string{"--staged", "--path", f.dir, "--config", ".gitleaks.toml", "--format", "json"}
			code, out, errOut := runScan(t, args...)
			if code != ExitFindings {
				t.Fatalf("exit %d, want 1\n%s\n%s", code, out, errOut)
			}
			var cfg, secret bool
			for _, fd := range decodeReport(t, out).Findings {
				cfg = cfg || (fd.RuleID == "config-change" && fd.Path == tc.cfgPath)
				secret = secret || (fd.RuleID != "config-change" && fd.Path == "app/keys.py")
			}
			if !cfg || (tc.name == "gitleaks:allow" && !secret) {
				t.Errorf("config-change at %s %v, hidden value reported %v:\n%s", tc.cfgPath, cfg, secret, out)
			}
			if code, out, _ := runScan(t, append(args, "--trust-config")...); code != ExitClean {
				t.Errorf("--trust-config: exit %d\n%s", code, out)
			}
		})
	}
}

// The hook's --baseline may be a local, untracked file: it configures the
// scan by the user's choice and is not reported as unstaged.
func TestStagedUntrackedBaselineAccepted(t *testing.T) {
	f := newGitRepoFixture(t)
	f.write(t, "app/main.py", "import os\n")
	t.Chdir(f.dir)
	if err := os.WriteFile(filepath.Join(f.dir, "local-baseline.json"), []byte(`{"findings":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runScan(t, "--staged", "--path", f.dir, "--baseline", "local-baseline.json"); code != ExitClean {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
}
