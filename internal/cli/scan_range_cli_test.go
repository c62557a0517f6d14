package cli

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/pretense/pretense/internal/testtool"
	"github.com/pretense/pretense/report"
	"github.com/pretense/pretense/rules"
)

// A pull request that adds suppression configuration next to a secret is
// scanned the same way in SHA-1 and SHA-256 repositories written by the
// git command: the range base's configuration applies, the secret and the
// configuration change are reported, and the two reports are identical
// apart from the commit ids.
func TestRangeBaseConfigBothFormats(t *testing.T) {
	cases := []struct {
		name    string
		cfgPath string
		// change writes the PR's configuration change and returns the
		// line that holds the secret.
		change func(g *testtool.GitRepo, secretLine string) string
	}{
		{"pretenseignore", ".pretenseignore", func(g *testtool.GitRepo, s string) string {
			g.Write(".pretenseignore", "app/\n")
			return s
		}},
		{"nested pretenseignore", "app/.pretenseignore", func(g *testtool.GitRepo, s string) string {
			g.Write("app/.pretenseignore", "main.py\n")
			return s
		}},
		{"config allowlist", ".pretense.yaml", func(g *testtool.GitRepo, s string) string {
			g.Write(".pretense.yaml", "allowlist:\n  values: [\".*\"]\n")
			return s
		}},
		{"config path allowlist", ".pretense.yaml", func(g *testtool.GitRepo, s string) string {
			g.Write(".pretense.yaml", "allowlist:\n  paths: [\"app/\"]\n")
			return s
		}},
		{"allow marker", "app/main.py", func(g *testtool.GitRepo, s string) string {
			return s + "  # pretense" + ":allow"
		}},
	}
	rng := rand.New(rand.NewPCG(11, 12))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			isolateEnv(t)
			secret, err := rules.ExpandSample("ghp_{alnum:36}", rng)
			if err != nil {
				t.Fatal(err)
			}
			var reports []string
			for _, format := range []string{"sha1", "sha256"} {
				g := testtool.NewGitRepo(t, format)
				// The PR forks from main before main adds a
				// .pretenseignore of its own: the base (main) has it, the
				// PR's change from the merge base does not touch it.
				g.Write("app/main.py", "import os\n")
				g.Commit("init")
				g.Run("branch", "pr")
				g.Write("docs/.pretenseignore", "*.md\n")
				base := g.Commit("main: docs ignore")
				g.Run("checkout", "-q", "pr")
				line := tc.change(g, "token = '"+secret+"'")
				g.Write("app/main.py", "import os\n"+line+"\n")
				tip := g.Commit("pr")

				code, out, errOut := runScan(t, "--range", "main..pr", "--path", g.Dir, "--format", "json")
				if code != ExitFindings {
					t.Fatalf("%s: exit %d, want 1; stderr:\n%s\n%s", format, code, errOut, out)
				}
				doc := decodeReport(t, out)
				var got []string
				for _, f := range doc.Findings {
					if f.Commit != tip {
						t.Errorf("%s: finding %s at %s has commit %q, want the tip %s", format, f.RuleID, f.Path, f.Commit, tip)
					}
					got = append(got, fmt.Sprintf("%s %s:%d:%d-%d:%d %s %q date=%s", f.RuleID, f.Path, f.Line, f.Column, f.EndLine, f.EndColumn, f.Severity, f.Description, f.Date))
				}
				if !slices.ContainsFunc(doc.Findings, func(f report.JSONFinding) bool {
					return f.RuleID == "github-pat-classic" && f.Path == "app/main.py" && f.Line == 2
				}) {
					t.Errorf("%s: the secret is not reported:\n%s", format, out)
				}
				if !slices.ContainsFunc(doc.Findings, func(f report.JSONFinding) bool { return f.RuleID == "config-change" && f.Path == tc.cfgPath }) {
					t.Errorf("%s: no config-change at %s:\n%s", format, tc.cfgPath, out)
				}
				if slices.ContainsFunc(doc.Findings, func(f report.JSONFinding) bool { return f.Path == "docs/.pretenseignore" }) {
					t.Errorf("%s: main's own change (not the PR's) is reported:\n%s", format, out)
				}
				// --since-commit A is A..HEAD: the same report.
				code, out2, errOut := runScan(t, "--since-commit", base, "--path", g.Dir, "--format", "json")
				if code != ExitFindings || !reflect.DeepEqual(decodeReport(t, out2).Findings, doc.Findings) {
					t.Errorf("%s: --since-commit %s: exit %d, findings differ from --range main..pr\n%s\n%s", format, base, code, out2, errOut)
				}
				sum := doc.Summary
				reports = append(reports, fmt.Sprintf("summary findings=%d secrets=%d suppressed=%d files=%d\n%v", sum.Findings, sum.Secrets, sum.Suppressed, sum.FilesScanned, got))
			}
			if reports[0] != reports[1] {
				t.Errorf("SHA-1 and SHA-256 reports differ:\nsha1:   %s\nsha256: %s", reports[0], reports[1])
			}
		})
	}
}
