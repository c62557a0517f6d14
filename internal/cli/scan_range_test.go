package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A pull request cannot configure its own check: suppression config
// added within the scanned range does not hide what the range adds, and
// the change itself is a finding, unless --trust-range-config.
func TestRangeUsesBaseConfig(t *testing.T) {
	type pr struct {
		name string
		// change writes the PR's suppression change beside the secret
		// line it returns; baseline names a --baseline file, if any.
		change   func(t *testing.T, f *gitRepoFixture, secretLine string) (line string, baseline string)
		cfgPath  string                                // the config-change finding's path
		baseSide func(t *testing.T, f *gitRepoFixture) // config already in the base
		wantBase int                                   // exit code under base config
		wantCfg  bool                                  // expect config-change
	}
	cases := []pr{
		{name: "pretenseignore", cfgPath: ".pretenseignore", wantBase: ExitFindings, wantCfg: true,
			change: func(t *testing.T, f *gitRepoFixture, s string) (string, string) {
				f.write(t, ".pretenseignore", "*.py\n")
				return s, ""
			}},
		{name: "nested pretenseignore", cfgPath: "app/.pretenseignore", wantBase: ExitFindings, wantCfg: true,
			change: func(t *testing.T, f *gitRepoFixture, s string) (string, string) {
				f.write(t, "app/.pretenseignore", "main.py\n")
				return s, ""
			}},
		{name: "config allowlist", cfgPath: ".pretense.yaml", wantBase: ExitFindings, wantCfg: true,
			change: func(t *testing.T, f *gitRepoFixture, s string) (string, string) {
				f.write(t, ".pretense.yaml", "allowlist:\n  values: [\".*\"]\n")
				return s, ""
			}},
		{name: "config path allowlist", cfgPath: ".pretense.yaml", wantBase: ExitFindings, wantCfg: true,
			change: func(t *testing.T, f *gitRepoFixture, s string) (string, string) {
				f.write(t, ".pretense.yaml", "allowlist:\n  paths: [\"app/\"]\n")
				return s, ""
			}},
		{name: "baseline", cfgPath: "baseline.json", wantBase: ExitFindings, wantCfg: true,
			change: func(t *testing.T, f *gitRepoFixture, s string) (string, string) {
				// The baseline is a real report of the PR's own secret.
				f.write(t, "app/main.py", "import os\n"+s+"\n")
				code, out, errOut := runScan(t, "--path", filepath.Join(f.dir, "app"), "--format", "json")
				if code != ExitFindings {
					t.Fatalf("baseline scan: exit %d: %s", code, errOut)
				}
				f.write(t, "baseline.json", out)
				return s, filepath.Join(f.dir, "baseline.json")
			}},
		{name: "allow marker", cfgPath: "app/main.py", wantBase: ExitFindings, wantCfg: true,
			change: func(t *testing.T, f *gitRepoFixture, s string) (string, string) {
				return s + "  # pretense" + ":allow", ""
			}},
		{name: "ignore already in base", wantBase: ExitClean,
			baseSide: func(t *testing.T, f *gitRepoFixture) { f.write(t, ".pretenseignore", "*.py\n") },
			change:   func(t *testing.T, f *gitRepoFixture, s string) (string, string) { return s, "" }},
		{name: "marker already in base", wantBase: ExitClean,
			baseSide: func(t *testing.T, f *gitRepoFixture) {
				f.write(t, "app/main.py", "import os\nplaceholder = 1  # pretense"+":allow\n")
			},
			change: func(t *testing.T, f *gitRepoFixture, s string) (string, string) {
				// Same marked line moved to hold the secret: the old marker
				// text changes, so this is an added marker line...
				return s + "  # pretense" + ":allow", ""
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newGitRepoFixture(t)
			if tc.baseSide != nil {
				tc.baseSide(t, f)
				f.commit(t, "base config")
			}
			base := f.commits[len(f.commits)-1].String()
			secretLine := "token = '" + f.secret(t) + "'"
			line, baseline := tc.change(t, f, secretLine)
			f.write(t, "app/main.py", "import os\n"+line+"\n")
			f.commit(t, "pr")
			args := []string{"--range", base + "..HEAD", "--path", f.dir, "--format", "json"}
			if baseline != "" {
				args = append(args, "--baseline", baseline)
			}
			t.Chdir(f.dir)

			code, out, errOut := runScan(t, args...)
			want := tc.wantBase
			if tc.name == "marker already in base" {
				want = ExitFindings // the marker line is new text at that place
			}
			if code != want {
				t.Fatalf("exit %d, want %d; stderr:\n%s\n%s", code, want, errOut, out)
			}
			rulesAt := map[string][]string{}
			for _, fd := range decodeReport(t, out).Findings {
				rulesAt[fd.Path] = append(rulesAt[fd.Path], fd.RuleID)
			}
			if want == ExitFindings {
				if !slices.ContainsFunc(rulesAt["app/main.py"], func(r string) bool { return r != "config-change" }) {
					t.Errorf("the secret is not reported: %v", rulesAt)
				}
			}
			if tc.wantCfg && !slices.Contains(rulesAt[tc.cfgPath], "config-change") {
				t.Errorf("no config-change at %s: %v", tc.cfgPath, rulesAt)
			}
			// Today's git scans read only the work tree's root
			// .pretenseignore, so a nested one does not apply when trusted.
			if tc.wantCfg && tc.name != "nested pretenseignore" {
				code, out, errOut = runScan(t, append(args, "--trust-range-config")...)
				if code != ExitClean || strings.Contains(out, "config-change") {
					t.Errorf("--trust-range-config: exit %d, want 0 (the PR's own config applies)\n%s\n%s", code, out, errOut)
				}
			}
		})
	}
}

// A --config file inside the repository is read at the base too; one the
// range adds cannot configure the scan.
func TestRangeConfigFlagFromBase(t *testing.T) {
	f := newGitRepoFixture(t)
	base := f.commits[len(f.commits)-1].String()
	f.write(t, "ci/pretense.yaml", "allowlist:\n  values: [\".*\"]\n")
	f.write(t, "app/main.py", "token = '"+f.secret(t)+"'\n")
	f.commit(t, "pr")
	t.Chdir(f.dir)
	code, _, errOut := run(t, "--config", "ci/pretense.yaml", "scan", "--range", base+"..HEAD")
	if code != ExitUsage || !strings.Contains(errOut, "not in the range base") {
		t.Fatalf("exit %d, want 2; stderr:\n%s", code, errOut)
	}
	if code, _, errOut := run(t, "--config", "ci/pretense.yaml", "scan", "--range", base+"..HEAD", "--trust-range-config"); code != ExitClean {
		t.Fatalf("--trust-range-config: exit %d; stderr:\n%s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(f.dir, "ci", "pretense.yaml")); err != nil {
		t.Fatal(err)
	}
}
