package integration

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// This file runs action.yml the way the runner would, minus the network:
// it reads the composite steps, evaluates their `${{ }}` expressions
// against a simulated event payload and the inputs, runs each `run:` step
// with bash as GitHub does, collects GITHUB_OUTPUT, and checks the SARIF
// file the scan leaves. `uses:` steps (setup-go, upload-sarif) are not run:
// Go is already here, and the upload is checked by what it would receive.

type actionDef struct {
	Inputs map[string]struct {
		Description string `yaml:"description"`
		Default     string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Description string `yaml:"description"`
		Value       string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string    `yaml:"using"`
		Steps []stepDef `yaml:"steps"`
	} `yaml:"runs"`
}

type stepDef struct {
	ID    string            `yaml:"id"`
	Name  string            `yaml:"name"`
	If    string            `yaml:"if"`
	Uses  string            `yaml:"uses"`
	Shell string            `yaml:"shell"`
	Run   string            `yaml:"run"`
	Env   map[string]string `yaml:"env"`
	With  map[string]string `yaml:"with"`
}

func loadAction(t *testing.T) actionDef {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(env.root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a actionDef
	if err := yaml.Unmarshal(b, &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	if a.Runs.Using != "composite" {
		t.Fatalf("action.yml runs.using = %q, want composite", a.Runs.Using)
	}
	return a
}

// exprContext is what `${{ }}` can see.
type exprContext struct {
	event  map[string]any
	github map[string]string
	inputs map[string]string
	steps  map[string]map[string]string
}

var exprRE = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)

// value resolves a property path such as github.event.pull_request.base.sha.
// Only the paths action.yml uses are supported; anything else fails the
// test rather than quietly becoming "".
func (c *exprContext) value(path string) (string, error) {
	parts := strings.Split(path, ".")
	switch {
	case parts[0] == "inputs" && len(parts) == 2:
		v, ok := c.inputs[parts[1]]
		if !ok {
			return "", fmt.Errorf("unknown input %q", parts[1])
		}
		return v, nil
	case parts[0] == "steps" && len(parts) == 4 && parts[2] == "outputs":
		return c.steps[parts[1]][parts[3]], nil
	case parts[0] == "github" && len(parts) >= 2 && parts[1] == "event":
		var cur any = c.event
		for _, p := range parts[2:] {
			m, ok := cur.(map[string]any)
			if !ok {
				return "", nil
			}
			cur = m[p]
		}
		switch v := cur.(type) {
		case nil:
			return "", nil
		case string:
			return v, nil
		case bool:
			return strconv.FormatBool(v), nil
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64), nil
		}
		return "", fmt.Errorf("%s is an object", path)
	case parts[0] == "github" && len(parts) == 2:
		v, ok := c.github[parts[1]]
		if !ok {
			return "", fmt.Errorf("unsupported github property %q", parts[1])
		}
		return v, nil
	}
	return "", fmt.Errorf("unsupported expression %q", path)
}

func (c *exprContext) interpolate(s string) (string, error) {
	var err error
	out := exprRE.ReplaceAllStringFunc(s, func(m string) string {
		v, e := c.value(exprRE.FindStringSubmatch(m)[1])
		if e != nil && err == nil {
			err = e
		}
		return v
	})
	return out, err
}

// cond evaluates an `if:` made of `path == 'lit'` / `path != 'lit'`
// clauses joined by &&, the only form action.yml uses.
func (c *exprContext) cond(expr string) (bool, error) {
	if expr == "" {
		return true, nil
	}
	expr = strings.TrimSpace(expr)
	if m := exprRE.FindStringSubmatch(expr); m != nil && m[0] == expr {
		expr = m[1]
	}
	for _, clause := range strings.Split(expr, "&&") {
		clause = strings.TrimSpace(clause)
		op := "=="
		lhs, rhs, ok := strings.Cut(clause, " == ")
		if !ok {
			op = "!="
			lhs, rhs, ok = strings.Cut(clause, " != ")
		}
		if !ok || len(rhs) < 2 || rhs[0] != '\'' || rhs[len(rhs)-1] != '\'' {
			return false, fmt.Errorf("unsupported condition %q", clause)
		}
		v, err := c.value(strings.TrimSpace(lhs))
		if err != nil {
			return false, err
		}
		if (v == rhs[1:len(rhs)-1]) != (op == "==") {
			return false, nil
		}
	}
	return true, nil
}

// actionRun is one simulated run of the action.
type actionRun struct {
	workspace string
	event     string
	payload   map[string]any
	ref       string
	with      map[string]string
	binary    string   // reuse a binary from an earlier build step
	actionRef string   // github.action_ref: the ref in `uses: pretense/pretense@REF`
	extraEnv  []string // the job's environment, e.g. for the gate
}

// actionResult is what a run left.
type actionResult struct {
	steps    map[string]result // by step id (or name)
	outputs  map[string]string // the action's outputs
	uploaded map[string]string // upload-sarif's evaluated `with`, when it would run
	stepOut  map[string]map[string]string
	failed   string // the step that failed, "" if none
}

func runAction(t *testing.T, a actionDef, ar actionRun) actionResult {
	t.Helper()
	need(t, "bash", "apt-get install bash")
	tmp := t.TempDir()
	eventPath := filepath.Join(tmp, "event.json")
	b, err := json.Marshal(ar.payload)
	if err != nil {
		t.Fatal(err)
	}
	write(t, eventPath, string(b))
	// The steps read the payload through action.yml's env mapping, so
	// evaluate expressions against the same file the runner would.
	var event map[string]any
	if err := json.Unmarshal(b, &event); err != nil {
		t.Fatal(err)
	}
	inputs := map[string]string{}
	for name, in := range a.Inputs {
		inputs[name] = in.Default
	}
	for name, v := range ar.with {
		if _, ok := a.Inputs[name]; !ok {
			t.Fatalf("action.yml has no input %q", name)
		}
		inputs[name] = v
	}
	runnerTemp := filepath.Join(tmp, "runner-temp")
	if err := os.MkdirAll(runnerTemp, 0o755); err != nil {
		t.Fatal(err)
	}
	c := &exprContext{
		event: event,
		github: map[string]string{
			"event_name":  ar.event,
			"ref":         ar.ref,
			"action_path": env.root,
			"action_ref":  ar.actionRef,
			"token":       "",
			"workspace":   ar.workspace,
		},
		inputs: inputs,
		steps:  map[string]map[string]string{},
	}
	if ar.binary != "" {
		c.steps["install"] = map[string]string{"binary": ar.binary, "need-go": "false"}
	}
	res := actionResult{steps: map[string]result{}, stepOut: c.steps}
	base := append(cleanEnv(t),
		"CI=true",
		"GITHUB_ACTIONS=true",
		"GITHUB_WORKSPACE="+ar.workspace,
		"GITHUB_EVENT_NAME="+ar.event,
		"GITHUB_EVENT_PATH="+eventPath,
		"GITHUB_REF="+ar.ref,
		"GITHUB_ACTION_PATH="+env.root,
		"RUNNER_TEMP="+runnerTemp,
		"GITHUB_STEP_SUMMARY="+filepath.Join(tmp, "summary.md"),
	)
	base = append(base, ar.extraEnv...)
	for i, s := range a.Runs.Steps {
		key := s.ID
		if key == "" {
			key = s.Name
		}
		ok, err := c.cond(s.If)
		if err != nil {
			t.Fatalf("step %q if: %v", key, err)
		}
		if !ok {
			continue
		}
		with := map[string]string{}
		for k, v := range s.With {
			if with[k], err = c.interpolate(v); err != nil {
				t.Fatalf("step %q with.%s: %v", key, k, err)
			}
		}
		if s.Uses != "" {
			if strings.Contains(s.Uses, "upload-sarif") {
				res.uploaded = with
			}
			continue
		}
		if ar.binary != "" && (s.ID == "release" || s.ID == "install" || s.ID == "build") {
			continue
		}
		if s.Shell != "bash" {
			t.Fatalf("step %q: shell %q, want bash", key, s.Shell)
		}
		stepEnv := append([]string(nil), base...)
		for k, v := range s.Env {
			val, err := c.interpolate(v)
			if err != nil {
				t.Fatalf("step %q env.%s: %v", key, k, err)
			}
			stepEnv = append(stepEnv, k+"="+val)
		}
		outFile := filepath.Join(tmp, fmt.Sprintf("output-%d", i))
		write(t, outFile, "")
		script := filepath.Join(tmp, fmt.Sprintf("step-%d.sh", i))
		write(t, script, s.Run)
		stepEnv = append(stepEnv, "GITHUB_OUTPUT="+outFile)
		// What the runner runs for `shell: bash`.
		r := run(t, ar.workspace, stepEnv, "bash", "--noprofile", "--norc", "-eo", "pipefail", script)
		res.steps[key] = r
		outs := readOutputs(t, outFile)
		if s.ID != "" {
			c.steps[s.ID] = outs
		}
		if r.code != 0 {
			res.failed = key
			break
		}
	}
	res.outputs = map[string]string{}
	for name, o := range a.Outputs {
		v, err := c.interpolate(o.Value)
		if err != nil {
			t.Fatalf("output %s: %v", name, err)
		}
		res.outputs[name] = v
	}
	return res
}

// readOutputs parses a GITHUB_OUTPUT file (name=value and heredoc forms).
func readOutputs(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	lines := strings.Split(string(b), "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if line == "" {
			continue
		}
		if k, delim, ok := strings.Cut(line, "<<"); ok && !strings.Contains(k, "=") {
			var val []string
			for i++; i < len(lines) && lines[i] != delim; i++ {
				val = append(val, lines[i])
			}
			out[k] = strings.Join(val, "\n")
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("GITHUB_OUTPUT line %q is neither name=value nor a heredoc", line)
		}
		out[k] = v
	}
	return out
}

// sarifLog is the part of SARIF the checks read.
type sarifLog struct {
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name  string `json:"name"`
				Rules []struct {
					ID string `json:"id"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			Level     string `json:"level"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI string `json:"uri"`
					} `json:"artifactLocation"`
					Region struct {
						StartLine int `json:"startLine"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
		} `json:"results"`
	} `json:"runs"`
}

// finding is one SARIF result as "uri:line rule".
func readSARIF(t *testing.T, path string, raw ...string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("SARIF file: %v", err)
	}
	for _, r := range raw {
		if strings.Contains(string(b), r) {
			t.Errorf("SARIF file holds a raw value")
		}
	}
	var log sarifLog
	if err := json.Unmarshal(b, &log); err != nil {
		t.Fatalf("SARIF file does not parse: %v", err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || log.Runs[0].Tool.Driver.Name != "pretense" {
		t.Fatalf("SARIF: version %q, %d runs", log.Version, len(log.Runs))
	}
	var got []string
	for _, r := range log.Runs[0].Results {
		if len(r.Locations) == 0 {
			t.Fatalf("SARIF result %s has no location", r.RuleID)
		}
		if r.PartialFingerprints["primaryLocationLineHash"] == "" {
			t.Errorf("SARIF result %s has no primaryLocationLineHash", r.RuleID)
		}
		loc := r.Locations[0].PhysicalLocation
		got = append(got, fmt.Sprintf("%s:%d %s", loc.ArtifactLocation.URI, loc.Region.StartLine, r.RuleID))
	}
	sort.Strings(got)
	return got
}

// historyRepo is a repository shaped like a real project's: main holds a
// secret that was committed and later removed, and a feature branch adds
// one file. It returns the repository, the SHAs, and the raw tokens.
type historyRepo struct {
	*repo
	base, oldSecret, feature string // main tip, the commit that added the old secret, feature tip
	tokens                   []string
}

func newHistoryRepo(t *testing.T, featureFile, featureContent string) *historyRepo {
	t.Helper()
	g := rng(t)
	r := newRepo(t)
	h := &historyRepo{repo: r}
	old, tok := secretFile(t, g)
	h.tokens = append(h.tokens, tok)
	write(t, filepath.Join(r.dir, "old", "legacy.py"), old)
	r.git("add", ".")
	r.git("commit", "-q", "-m", "legacy module")
	h.oldSecret = r.head()
	r.git("rm", "-q", "old/legacy.py")
	r.git("commit", "-q", "-m", "remove legacy module")
	h.base = r.head()
	r.git("checkout", "-q", "-b", "feature")
	write(t, filepath.Join(r.dir, "docs", "notes.md"), "notes\n")
	r.git("add", ".")
	r.git("commit", "-q", "-m", "notes")
	write(t, filepath.Join(r.dir, featureFile), featureContent)
	r.git("add", ".")
	r.git("commit", "-q", "-m", "feature")
	h.feature = r.head()
	return h
}

const zeroSHA = "0000000000000000000000000000000000000000"

func prPayload(base, head string) map[string]any {
	return map[string]any{
		"action":     "synchronize",
		"number":     7,
		"repository": map[string]any{"default_branch": "main", "full_name": "acme/app"},
		"pull_request": map[string]any{
			"number": 7,
			"base":   map[string]any{"sha": base, "ref": "main"},
			"head":   map[string]any{"sha": head, "ref": "feature"},
		},
	}
}

func pushPayload(before, after string, extra map[string]any) map[string]any {
	p := map[string]any{
		"before":     before,
		"after":      after,
		"forced":     false,
		"deleted":    false,
		"created":    before == zeroSHA,
		"repository": map[string]any{"default_branch": "main", "full_name": "acme/app"},
	}
	for k, v := range extra {
		p[k] = v
	}
	return p
}

// TestActionSteps runs the action's steps against temporary repositories
// with simulated pull_request, push, schedule and shallow-clone events.
func TestActionSteps(t *testing.T) {
	a := loadAction(t)
	g := rng(t)
	secret, _ := secretFile(t, g)

	// One real build through the action's own build step; the cases reuse
	// its binary.
	buildRepo := newRepo(t)
	built := runAction(t, a, actionRun{workspace: buildRepo.dir, event: "workflow_dispatch", payload: map[string]any{}, ref: "refs/heads/main", with: map[string]string{"fail-on-findings": "false"}})
	bin := built.stepOut["build"]["binary"]
	if r, ok := built.steps["build"]; !ok || r.code != 0 || bin == "" {
		t.Fatalf("build step: %+v (binary %q)", built.steps["build"], bin)
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("build step output binary: %v", err)
	}

	cases := []struct {
		name        string
		featureFile string
		content     string
		run         func(h *historyRepo) actionRun
		// what the scan leaves
		wantScanCode int
		wantFindings []string // SARIF results, "uri:line rule-prefix"
		wantRange    string   // in the range output; BASE and HEAD stand for the SHAs
		wantVerdict  int      // exit of the verdict step; -1 = must not run
		wantLog      []string // in the scan step's output
		wantUpload   bool
		wantGate     string // gate-exit-code output; "" = the gate must not run
	}{
		{
			name:        "pull request adding a secret",
			featureFile: "app/creds.py", content: secret,
			run: func(h *historyRepo) actionRun {
				return actionRun{event: "pull_request", payload: prPayload(h.base, h.feature), ref: "refs/pull/7/merge"}
			},
			wantFindings: []string{"app/creds.py:2 github-pat-classic"},
			wantRange:    "..", wantVerdict: 1,
			wantLog: []string{"::error file=app/creds.py,line=2,", "github-pat-classic"},
		},
		{
			name:        "clean pull request passes although history holds a secret",
			featureFile: "app/main.py", content: "print('hello')\n",
			run: func(h *historyRepo) actionRun {
				return actionRun{event: "pull_request", payload: prPayload(h.base, h.feature), ref: "refs/pull/7/merge"}
			},
			wantFindings: nil, wantRange: "..", wantVerdict: 0,
		},
		{
			name:        "fail-on-findings false reports without failing, and uploads",
			featureFile: "app/creds.py", content: secret,
			run: func(h *historyRepo) actionRun {
				return actionRun{event: "pull_request", payload: prPayload(h.base, h.feature), ref: "refs/pull/7/merge",
					with: map[string]string{"fail-on-findings": "false", "upload-sarif": "true", "category": "pretense-pr", "format": "report"}}
			},
			wantFindings: []string{"app/creds.py:2 github-pat-classic"},
			wantVerdict:  0, wantUpload: true,
		},
		{
			name:        "push: before..after",
			featureFile: "app/creds.py", content: secret,
			run: func(h *historyRepo) actionRun {
				return actionRun{event: "push", payload: pushPayload(h.base, h.feature, nil), ref: "refs/heads/feature"}
			},
			wantFindings: []string{"app/creds.py:2 github-pat-classic"},
			wantRange:    "BASE..HEAD", wantVerdict: 1,
		},
		{
			name:        "push of a new branch is scanned from the default branch",
			featureFile: "app/creds.py", content: secret,
			run: func(h *historyRepo) actionRun {
				return actionRun{event: "push", payload: pushPayload(zeroSHA, h.feature, nil), ref: "refs/heads/feature"}
			},
			wantFindings: []string{"app/creds.py:2 github-pat-classic"},
			wantVerdict:  1,
		},
		{
			name:        "push deleting a branch scans nothing",
			featureFile: "app/creds.py", content: secret,
			run: func(h *historyRepo) actionRun {
				return actionRun{event: "push", payload: pushPayload(h.feature, zeroSHA, map[string]any{"deleted": true}), ref: "refs/heads/gone"}
			},
			wantFindings: nil, wantRange: "nothing", wantVerdict: 0,
		},
		{
			name:        "schedule scans the full history",
			featureFile: "app/main.py", content: "print('hello')\n",
			run: func(h *historyRepo) actionRun {
				return actionRun{event: "schedule", payload: map[string]any{"schedule": "17 3 * * *"}, ref: "refs/heads/main"}
			},
			wantFindings: []string{"old/legacy.py:2 github-pat-classic"},
			wantRange:    "full history", wantVerdict: 1,
		},
		{
			name:        "full-history input on a pull request",
			featureFile: "app/creds.py", content: secret,
			run: func(h *historyRepo) actionRun {
				return actionRun{event: "pull_request", payload: prPayload(h.base, h.feature), ref: "refs/pull/7/merge",
					with: map[string]string{"full-history": "true"}}
			},
			wantFindings: []string{"app/creds.py:2 github-pat-classic", "old/legacy.py:2 github-pat-classic"},
			wantRange:    "full history", wantVerdict: 1,
		},
		{
			name:        "phi-mode input finds a PHI fixture in a pull request",
			featureFile: "fixtures/patient.yaml", content: phiFile(g),
			run: func(h *historyRepo) actionRun {
				return actionRun{event: "pull_request", payload: prPayload(h.base, h.feature), ref: "refs/pull/7/merge",
					with: map[string]string{"phi-mode": "standard"}}
			},
			wantFindings: []string{"fixtures/patient.yaml:3 phi-ssn", "fixtures/patient.yaml:4 phi-npi"},
			wantRange:    "BASE..HEAD", wantVerdict: 1,
		},
		{
			name:        "without phi-mode the same fixture passes",
			featureFile: "fixtures/patient.yaml", content: phiFile(g),
			run: func(h *historyRepo) actionRun {
				return actionRun{event: "pull_request", payload: prPayload(h.base, h.feature), ref: "refs/pull/7/merge"}
			},
			wantVerdict: 0,
		},
		{
			name:        "config input: phi-mode from a config file",
			featureFile: "fixtures/patient.yaml", content: phiFile(g),
			run: func(h *historyRepo) actionRun {
				write(t, filepath.Join(h.dir, "ci", "pretense.yaml"), "phi-mode: strict\n")
				return actionRun{event: "pull_request", payload: prPayload(h.base, h.feature), ref: "refs/pull/7/merge",
					with: map[string]string{"config": "ci/pretense.yaml"}}
			},
			wantFindings: []string{"fixtures/patient.yaml:3 phi-ssn", "fixtures/patient.yaml:4 phi-npi"},
			wantVerdict:  1,
		},
		{
			name:        "merge queue: base_sha..head_sha",
			featureFile: "app/creds.py", content: secret,
			run: func(h *historyRepo) actionRun {
				return actionRun{event: "merge_group", payload: map[string]any{"merge_group": map[string]any{"base_sha": h.base, "head_sha": h.feature}}, ref: "refs/heads/gh-readonly-queue/main/pr-7"}
			},
			wantFindings: []string{"app/creds.py:2 github-pat-classic"},
			wantRange:    "BASE..HEAD", wantVerdict: 1,
		},
		{
			name:        "forced push whose old tip is gone is scanned from the default branch",
			featureFile: "app/creds.py", content: secret,
			run: func(h *historyRepo) actionRun {
				return actionRun{event: "push", payload: pushPayload(strings.Repeat("5", 40), h.feature, map[string]any{"forced": true}), ref: "refs/heads/feature"}
			},
			wantFindings: []string{"app/creds.py:2 github-pat-classic"},
			wantRange:    "BASE..HEAD", wantVerdict: 1,
		},
		{
			name:        "run-gate passes when no LLM endpoint is configured",
			featureFile: "app/main.py", content: "print('hello')\n",
			run: func(h *historyRepo) actionRun {
				return actionRun{event: "pull_request", payload: prPayload(h.base, h.feature), ref: "refs/pull/7/merge",
					with: map[string]string{"run-gate": "true"}}
			},
			wantVerdict: 0, wantGate: "0",
		},
		{
			name:        "run-gate fails the job when an endpoint bypasses the proxy",
			featureFile: "app/main.py", content: "print('hello')\n",
			run: func(h *historyRepo) actionRun {
				return actionRun{event: "pull_request", payload: prPayload(h.base, h.feature), ref: "refs/pull/7/merge",
					with: map[string]string{"run-gate": "true"}, extraEnv: []string{"ANTHROPIC_BASE_URL=http://127.0.0.1:1"}}
			},
			wantVerdict: 1, wantGate: "1",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHistoryRepo(t, tc.featureFile, tc.content)
			ar := tc.run(h)
			ar.workspace, ar.binary = h.dir, bin
			res := runAction(t, a, ar)
			scan := res.steps["scan"]
			if scan.code != tc.wantScanCode {
				t.Fatalf("scan step exit %d, want %d\n%s", scan.code, tc.wantScanCode, scan.out)
			}
			sarif := res.outputs["sarif-file"]
			if sarif == "" {
				t.Fatalf("no sarif-file output; scan log:\n%s", scan.out)
			}
			got := readSARIF(t, sarif, h.tokens...)
			if strings.Join(got, "\n") != strings.Join(tc.wantFindings, "\n") {
				t.Errorf("SARIF results:\n%s\nwant:\n%s\nscan log:\n%s", strings.Join(got, "\n"), strings.Join(tc.wantFindings, "\n"), scan.out)
			}
			if res.outputs["findings"] != strconv.Itoa(len(tc.wantFindings)) {
				t.Errorf("findings output %q, want %d", res.outputs["findings"], len(tc.wantFindings))
			}
			wantRange := strings.NewReplacer("BASE", h.base, "HEAD", h.feature).Replace(tc.wantRange)
			if !strings.Contains(res.outputs["range"], wantRange) {
				t.Errorf("range output %q lacks %q", res.outputs["range"], wantRange)
			}
			if strings.Contains(scan.out, "git LFS") {
				t.Errorf("a repository without LFS attributes had its LFS content fetched:\n%s", scan.out)
			}
			for _, w := range tc.wantLog {
				if !strings.Contains(scan.out, w) {
					t.Errorf("scan log lacks %q:\n%s", w, scan.out)
				}
			}
			verdict, ran := res.steps["verdict"]
			if !ran || verdict.code != tc.wantVerdict {
				t.Errorf("verdict step ran=%v exit %d, want %d\n%s", ran, verdict.code, tc.wantVerdict, verdict.out)
			}
			if tc.wantVerdict == 1 && !strings.Contains(verdict.out, "::error") {
				t.Errorf("failing verdict printed no ::error:\n%s", verdict.out)
			}
			if _, ran := res.steps["gate"]; ran != (tc.wantGate != "") || res.outputs["gate-exit-code"] != tc.wantGate {
				t.Errorf("gate ran=%v, gate-exit-code %q, want %q\n%s", ran, res.outputs["gate-exit-code"], tc.wantGate, res.steps["gate"].out)
			}
			if tc.wantUpload {
				if res.uploaded == nil {
					t.Fatal("upload-sarif step did not run")
				}
				if res.uploaded["sarif_file"] != sarif || res.uploaded["category"] != ar.with["category"] {
					t.Errorf("upload-sarif would get %v", res.uploaded)
				}
			} else if res.uploaded != nil {
				t.Errorf("upload-sarif ran although upload-sarif is off: %v", res.uploaded)
			}
		})
	}

	t.Run("shallow checkout lacking the base is a clear error", func(t *testing.T) {
		h := newHistoryRepo(t, "app/creds.py", secret)
		shallow := filepath.Join(t.TempDir(), "shallow")
		r := run(t, t.TempDir(), h.env, "git", "clone", "-q", "--depth", "1", "--branch", "feature", "file://"+h.dir, shallow)
		if r.code != 0 {
			t.Fatalf("shallow clone: %s", r.out)
		}
		res := runAction(t, a, actionRun{workspace: shallow, event: "pull_request", payload: prPayload(h.base, h.feature), ref: "refs/pull/7/merge", binary: bin})
		scan := res.steps["scan"]
		if scan.code != 2 || !strings.Contains(scan.out, "fetch-depth: 0") || !strings.Contains(scan.out, "::error") {
			t.Fatalf("scan on a shallow clone: exit %d, want 2 with fetch-depth advice\n%s", scan.code, scan.out)
		}
		if res.failed != "scan" {
			t.Errorf("failed step %q, want scan", res.failed)
		}
	})

	t.Run("bad inputs are usage errors", func(t *testing.T) {
		h := newHistoryRepo(t, "app/main.py", "x = 1\n")
		for name, with := range map[string]map[string]string{
			"phi-mode":          {"phi-mode": "loud"},
			"format":            {"format": "xml"},
			"baseline":          {"baseline": "missing.json"},
			"working-directory": {"working-directory": "nope"},
		} {
			res := runAction(t, a, actionRun{workspace: h.dir, event: "pull_request", payload: prPayload(h.base, h.feature), ref: "refs/pull/7/merge", binary: bin, with: with})
			if scan := res.steps["scan"]; scan.code != 2 || !strings.Contains(scan.out, "::error") {
				t.Errorf("%s: scan exit %d, want 2 with ::error\n%s", name, scan.code, scan.out)
			}
		}
	})
}

// TestActionPinsAndWiring checks action.yml's promises that need no run:
// every `uses:` pinned to a full commit SHA with a version comment, every
// input described with a default, and no expression inside a run script.
func TestActionPinsAndWiring(t *testing.T) {
	a := loadAction(t)
	raw, err := os.ReadFile(filepath.Join(env.root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	pinned := regexp.MustCompile(`(?m)^\s*(?:-\s+)?uses:\s+([\w.-]+/[\w./-]+)@([0-9a-f]{40}) # v\d+(\.\d+)*\s*$`)
	uses := 0
	for _, s := range a.Runs.Steps {
		if s.Uses != "" {
			uses++
		}
		if strings.Contains(s.Run, "${{") {
			t.Errorf("step %q splices an expression into its script; pass it through env", s.Name)
		}
	}
	if n := len(pinned.FindAllSubmatch(raw, -1)); n != uses || uses == 0 {
		t.Errorf("%d of %d uses: lines are pinned to a commit SHA with a version comment", n, uses)
	}
	for _, want := range []string{"phi-mode", "config", "baseline", "format", "sarif-file", "upload-sarif", "category", "fail-on-findings", "run-gate", "full-history", "working-directory"} {
		in, ok := a.Inputs[want]
		if !ok {
			t.Errorf("input %s missing", want)
			continue
		}
		if strings.TrimSpace(in.Description) == "" {
			t.Errorf("input %s has no description", want)
		}
	}
	for _, want := range []string{"findings", "sarif-file"} {
		if o, ok := a.Outputs[want]; !ok || o.Description == "" || o.Value == "" {
			t.Errorf("output %s missing or undocumented", want)
		}
	}
}

// TestActionFetchesLFS: a pull request whose two commits change a data
// extract kept in git LFS, scanned by the action in a clone that has none
// of the LFS content (cloned without the smudge filter; actions/checkout
// with lfs: true would have the head's version only). The scan step
// fetches the range's LFS objects from origin itself, so both versions are
// scanned: the token the first commit added (and the second removed) and
// the one the second added; an LFS file the range leaves alone is not
// fetched (its content is not in the clone after the scan). Without git-lfs (one that fails, first in
// PATH) it warns and the scan fails closed (exit 3) naming the pointer, as
// before. A repository without LFS attributes fetches nothing (the other
// cases of TestActionSteps).
func TestActionFetchesLFS(t *testing.T) {
	need(t, "git-lfs", "apt-get install git-lfs")
	a := loadAction(t)
	src := newRepo(t)
	src.git("lfs", "install", "--local")
	src.git("lfs", "track", "*.csv")
	// An LFS file the range does not change: its content is not fetched.
	old := "id,note\n1,an extract the range leaves alone\n"
	write(t, filepath.Join(src.dir, "archive", "old.csv"), old)
	src.git("add", ".gitattributes", "archive/old.csv")
	src.git("commit", "-q", "-m", "keep extracts in LFS")
	base := src.head()
	src.git("checkout", "-q", "-b", "feature")
	g := rng(t)
	first, second := githubToken(t, g), githubToken(t, g)
	v1, v2 := "id,note\n1,token="+first+"\n", "id,note\n1,rotated\n2,token="+second+"\n"
	write(t, filepath.Join(src.dir, "data", "extract.csv"), v1)
	src.git("add", "data/extract.csv")
	src.git("commit", "-q", "-m", "extract")
	write(t, filepath.Join(src.dir, "data", "extract.csv"), v2)
	// A name with a comma, a space and wildcard characters, which git
	// lfs fetch -I would read as two patterns and a character class.
	odd := "id,note\n1,quarterly\n"
	write(t, filepath.Join(src.dir, "data", "q1, q2 [final]*.csv"), odd)
	src.git("add", "data/extract.csv", "data/q1, q2 [final]*.csv")
	src.git("commit", "-q", "-m", "extract, rotated")
	head := src.head()
	if ptr := src.git("cat-file", "-p", head+":data/extract.csv"); !strings.HasPrefix(ptr, "version https://git-lfs.github.com/spec/v1") {
		t.Fatalf("git-lfs did not commit a pointer:\n%s", ptr)
	}

	clone := func(t *testing.T) string {
		dir := filepath.Join(t.TempDir(), "clone")
		if r := run(t, t.TempDir(), append(src.env, "GIT_LFS_SKIP_SMUDGE=1"), "git", "clone", "-q", "--branch", "feature", "file://"+src.dir, dir); r.code != 0 {
			t.Fatalf("clone: %s", r.out)
		}
		if _, err := os.Stat(filepath.Join(dir, ".git", "lfs", "objects")); err == nil {
			t.Fatal("the clone holds LFS content already: the test would not show the action fetching it")
		}
		return dir
	}
	pr := func(dir string, extraEnv ...string) actionResult {
		return runAction(t, a, actionRun{workspace: dir, event: "pull_request", payload: prPayload(base, head), ref: "refs/pull/7/merge", binary: env.bin, extraEnv: extraEnv})
	}

	t.Run("fetched", func(t *testing.T) {
		dir := clone(t)
		res := pr(dir)
		scan := res.steps["scan"]
		if scan.code != 0 || !strings.Contains(scan.out, "fetching the git LFS content of "+base+".."+head) {
			t.Fatalf("scan step exit %d, want 0 after fetching the LFS content:\n%s", scan.code, scan.out)
		}
		// Only the content of the paths the range changed is fetched.
		for _, c := range []struct {
			content string
			want    bool
		}{{v1, true}, {v2, true}, {odd, true}, {old, false}} {
			oid := fmt.Sprintf("%x", sha256.Sum256([]byte(c.content)))
			_, err := os.Stat(filepath.Join(dir, ".git", "lfs", "objects", oid[:2], oid[2:4], oid))
			if got := err == nil; got != c.want {
				t.Errorf("LFS object %.12s (%q) in the clone: %v, want %v\n%s", oid, c.content[:20], got, c.want, scan.out)
			}
		}
		got := readSARIF(t, res.outputs["sarif-file"], first, second)
		want := []string{"data/extract.csv:2 github-pat-classic", "data/extract.csv:3 github-pat-classic"}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("SARIF results %q, want %q\n%s", got, want, scan.out)
		}
		if v := res.steps["verdict"]; v.code != 1 {
			t.Errorf("verdict exit %d, want 1", v.code)
		}
	})

	t.Run("without git-lfs", func(t *testing.T) {
		fake := t.TempDir()
		writeExec(t, filepath.Join(fake, "git-lfs"), "#!/bin/sh\necho \"git: 'lfs' is not a git command.\" >&2\nexit 1\n")
		res := pr(clone(t), "PATH="+fake+string(os.PathListSeparator)+os.Getenv("PATH"))
		scan := res.steps["scan"]
		if scan.code != 3 || !strings.Contains(scan.out, "git-lfs is not installed") || !strings.Contains(scan.out, "data/extract.csv: git LFS pointer") {
			t.Fatalf("scan step exit %d, want 3 with a warning and the pointer named:\n%s", scan.code, scan.out)
		}
	})

	// When the pointers cannot be listed (git cat-file --batch fails),
	// nothing is fetched, and the scan does not pass: it fails on the
	// pointers it cannot read.
	t.Run("listing fails", func(t *testing.T) {
		realGit := need(t, "git", "apt-get install git")
		fake := t.TempDir()
		writeExec(t, filepath.Join(fake, "git"), "#!/bin/sh\nif [ \"$1 $2\" = \"cat-file --batch\" ]; then\n\texit 128\nfi\nexec "+realGit+" \"$@\"\n")
		res := pr(clone(t), "PATH="+fake+string(os.PathListSeparator)+os.Getenv("PATH"))
		scan := res.steps["scan"]
		if scan.code != 3 || !strings.Contains(scan.out, "could not list the git LFS pointers") || !strings.Contains(scan.out, "data/extract.csv: git LFS pointer") {
			t.Fatalf("scan step exit %d, want 3 with a warning and the pointer named:\n%s", scan.code, scan.out)
		}
	})
}
