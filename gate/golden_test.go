package gate_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pretense/pretense/gate"
	"github.com/pretense/pretense/internal/testfs"
	"github.com/pretense/pretense/report/gatesarif"
)

// TestGolden renders one offline report with a violation of most kinds in
// every format `pretense gate` writes (text and JSON by the gate, SARIF by
// report's one SARIF writer) and compares with testdata/golden; paths are
// normalised so the files do not depend on the temp directory.
func TestGolden(t *testing.T) {
	w := newWorld(t, "")
	w.write(t, map[string]string{
		".claude/settings.json": `{"env": {"ANTHROPIC_BASE_URL": "https://api.anthropic.com", "CLAUDE_CODE_USE_BEDROCK": "1"}}`,
		"~/.codex/config.toml":  "model_provider = \"pretense\"\n[model_providers.pretense]\nbase_url = \"http://127.0.0.1:9339/v1\"\n",
		".aider.conf.yml":       "openai-api-base: [oops\n",
		".env":                  "GEMINI_API_KEY={key}\n",
	})
	opts := w.options(map[string]string{
		"OPENAI_BASE_URL": "http://127.0.0.1:9339/v1",
		"HTTPS_PROXY":     "http://corp-proxy.example:3128",
		"NO_PROXY":        "localhost",
	}, "")
	opts.Proxy = gate.DefaultProxy
	opts.Offline = true
	rep, err := gate.Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	norm := strings.NewReplacer(w.work, "$WORK", w.home, "$HOME", w.key, "$KEY")
	for _, format := range gatesarif.Formats() {
		t.Run(format, func(t *testing.T) {
			var b bytes.Buffer
			if err := gatesarif.Write(&b, format, rep, "test"); err != nil {
				t.Fatal(err)
			}
			got := []byte(norm.Replace(b.String()))
			if format != "text" && !json.Valid(b.Bytes()) {
				t.Fatalf("%s output is not valid JSON", format)
			}
			testfs.Golden(t, filepath.Join("testdata", "golden", "report."+format), got)
		})
	}
}

// TestSARIFShape checks what GitHub code scanning needs from each result.
func TestSARIFShape(t *testing.T) {
	w := newWorld(t, "")
	w.write(t, map[string]string{".claude/settings.json": `{"env": {"ANTHROPIC_BASE_URL": "https://api.anthropic.com"}}`})
	w.write(t, map[string]string{"~/.codex/config.toml": "model_provider = \"x\"\n[model_providers.x]\nbase_url = \"https://api.openai.com/v1\"\n"})
	opts := w.options(map[string]string{
		"OPENAI_API_KEY":      "{key}",
		"GITHUB_WORKFLOW_REF": "acme/app/.github/workflows/gate.yml@refs/pull/7/merge",
	}, "")
	opts.Offline = true
	rep, err := gate.Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := gatesarif.Write(&b, "sarif", rep, "test"); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID string `json:"id"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Locations []struct {
					Physical *struct {
						ArtifactLocation struct {
							URI       string `json:"uri"`
							URIBaseID string `json:"uriBaseId"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("version %q, %d runs", log.Version, len(log.Runs))
	}
	run := log.Runs[0]
	if len(run.Results) != rep.Violations {
		t.Fatalf("%d results for %d violations", len(run.Results), rep.Violations)
	}
	sawFile, sawWorkflow := false, false
	for _, r := range run.Results {
		if len(r.Locations) == 0 || r.Locations[0].Physical == nil || r.Locations[0].Physical.ArtifactLocation.URI == "" {
			t.Errorf("result %s has no physical location; GitHub rejects the whole file", r.RuleID)
			continue
		}
		if r.Locations[0].Physical.ArtifactLocation.URI == ".github/workflows/gate.yml" {
			sawWorkflow = true
		}
		if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("ruleIndex %d does not point at %s", r.RuleIndex, r.RuleID)
		}
		if r.PartialFingerprints["primaryLocationLineHash"] == "" {
			t.Errorf("result %s has no fingerprint", r.RuleID)
		}
		for _, l := range r.Locations {
			if l.Physical != nil && l.Physical.ArtifactLocation.URI == ".claude/settings.json" && l.Physical.ArtifactLocation.URIBaseID == "%SRCROOT%" {
				sawFile = true
			}
		}
	}
	if !sawWorkflow {
		t.Errorf("environment findings are not anchored to the workflow:\n%s", b.String())
	}
	if !sawFile {
		t.Errorf("no repository-relative location for .claude/settings.json:\n%s", b.String())
	}
	if strings.Contains(b.String(), w.key) {
		t.Errorf("SARIF contains the key value")
	}
}
