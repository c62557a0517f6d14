package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// workflowFiles are every workflow of the project and of its docs.
func workflowFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pattern := range []string{".github/workflows/*.yml", ".github/workflows/*.yaml", "docs/workflows/*.yml", "docs/workflows/*.yaml"} {
		m, err := filepath.Glob(filepath.Join(env.root, pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 4 {
		t.Fatalf("found only %d workflows: %v", len(files), files)
	}
	return files
}

// TestActionlintWorkflows runs actionlint (with shellcheck on every run:
// script) over every workflow, the project's and the documented examples.
func TestActionlintWorkflows(t *testing.T) {
	al := goTool(t, "actionlint")
	need(t, "shellcheck", "apt-get install shellcheck")
	files := workflowFiles(t)
	res := run(t, env.root, os.Environ(), al, append([]string{"-color=false"}, files...)...)
	if res.code != 0 {
		t.Fatalf("actionlint: exit %d\n%s", res.code, res.out)
	}
}

// TestActionlintAction lints action.yml's steps. actionlint checks
// workflows, not action metadata, so the composite steps are wrapped in a
// reusable workflow whose inputs are the action's: every expression, every
// pinned `uses:` and every `run:` script (through shellcheck) is checked
// as it would be in a workflow.
func TestActionlintAction(t *testing.T) {
	al := goTool(t, "actionlint")
	need(t, "shellcheck", "apt-get install shellcheck")
	raw, err := os.ReadFile(filepath.Join(env.root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var action struct {
		Inputs map[string]struct {
			Description string `yaml:"description"`
			Default     string `yaml:"default"`
		} `yaml:"inputs"`
		Runs struct {
			Steps []yaml.Node `yaml:"steps"`
		} `yaml:"runs"`
	}
	if err := yaml.Unmarshal(raw, &action); err != nil {
		t.Fatal(err)
	}
	inputs := map[string]any{}
	for name, in := range action.Inputs {
		inputs[name] = map[string]any{"description": in.Description, "type": "string", "required": false, "default": in.Default}
	}
	wf := map[string]any{
		"name": "action.yml steps",
		"on":   map[string]any{"workflow_call": map[string]any{"inputs": inputs}},
		"permissions": map[string]any{
			"contents":        "read",
			"security-events": "write",
		},
		"jobs": map[string]any{
			"action": map[string]any{
				"runs-on": "ubuntu-latest",
				"steps":   action.Runs.Steps,
			},
		},
	}
	out, err := yaml.Marshal(wf)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	f := filepath.Join(dir, "action-steps.yml")
	write(t, f, string(out))
	res := run(t, dir, os.Environ(), al, "-color=false", f)
	if res.code != 0 {
		t.Fatalf("actionlint on action.yml's steps: exit %d\n%s\n--- generated workflow:\n%s", res.code, res.out, out)
	}
}

// TestShellcheckScripts lints the action's step script.
func TestShellcheckScripts(t *testing.T) {
	sc := need(t, "shellcheck", "apt-get install shellcheck")
	files, err := filepath.Glob(filepath.Join(env.root, "scripts", "*.sh"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts/*.sh: %v", err)
	}
	res := run(t, env.root, os.Environ(), sc, append([]string{"--severity=style"}, files...)...)
	if res.code != 0 {
		t.Fatalf("shellcheck: exit %d\n%s", res.code, res.out)
	}
}

// TestWorkflowsPinnedAndLeastPrivilege checks what actionlint does not:
// every third-party action pinned to a commit SHA, and a permissions block
// at the top of every workflow.
func TestWorkflowsPinnedAndLeastPrivilege(t *testing.T) {
	for _, f := range workflowFiles(t) {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var wf struct {
			Permissions any `yaml:"permissions"`
		}
		if err := yaml.Unmarshal(raw, &wf); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		rel, _ := filepath.Rel(env.root, f)
		if wf.Permissions == nil {
			t.Errorf("%s: no top-level permissions", rel)
		}
		if p, ok := wf.Permissions.(map[string]any); ok {
			for k, v := range p {
				if v == "write" {
					t.Errorf("%s: top-level permission %s: write; grant it in the job that needs it", rel, k)
				}
			}
		}
		for i, line := range strings.Split(string(raw), "\n") {
			_, ref, ok := strings.Cut(line, "uses: ")
			if !ok || strings.HasPrefix(strings.TrimSpace(ref), "./") {
				continue
			}
			ref = strings.TrimSpace(ref)
			name, version, _ := strings.Cut(ref, "@")
			if strings.HasPrefix(name, "pretense/pretense") && (strings.HasPrefix(rel, "docs") || strings.HasSuffix(rel, "pretense-reusable.yml")) {
				// The examples use the reader's own choice of release; the
				// reusable workflow runs the action of its own major release.
				continue
			}
			sha, comment, _ := strings.Cut(version, " # ")
			if len(sha) != 40 || strings.Trim(sha, "0123456789abcdef") != "" || comment == "" {
				t.Errorf("%s:%d: %s is not pinned to a commit SHA with a version comment", rel, i+1, ref)
			}
		}
	}
}

// TestPreCommitManifest validates .pre-commit-hooks.yaml with pre-commit
// itself and checks the fields pre-commit 3.0.4 (Debian) must accept.
func TestPreCommitManifest(t *testing.T) {
	pc := need(t, "pre-commit", "apt-get install pre-commit")
	manifest := filepath.Join(env.root, ".pre-commit-hooks.yaml")
	res := run(t, env.root, cleanEnv(t), pc, "validate-manifest", manifest)
	if res.code != 0 {
		t.Fatalf("pre-commit validate-manifest: exit %d\n%s", res.code, res.out)
	}
	raw, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	var hooks []struct {
		ID            string   `yaml:"id"`
		Entry         string   `yaml:"entry"`
		Language      string   `yaml:"language"`
		PassFilenames *bool    `yaml:"pass_filenames"`
		Stages        []string `yaml:"stages"`
	}
	if err := yaml.Unmarshal(raw, &hooks); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"pretense":     "pretense-scan --staged",
		"pretense-phi": "pretense-scan --staged --phi-mode",
	}
	for _, h := range hooks {
		entry, ok := want[h.ID]
		if !ok {
			continue
		}
		delete(want, h.ID)
		if h.Entry != entry || h.Language != "golang" || h.PassFilenames == nil || *h.PassFilenames {
			t.Errorf("hook %s: entry %q, language %q, pass_filenames %v", h.ID, h.Entry, h.Language, h.PassFilenames)
		}
		for _, s := range h.Stages {
			// 3.2 renamed the stages; Debian's 3.0.4 rejects the new names.
			if strings.HasPrefix(s, "pre-") || s == "post-commit" {
				t.Errorf("hook %s: stage %q needs pre-commit >= 3.2", h.ID, s)
			}
		}
	}
	for id := range want {
		t.Errorf("hook %s missing", id)
	}
}
