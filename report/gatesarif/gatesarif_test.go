package gatesarif_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/pretense/pretense/gate"
	"github.com/pretense/pretense/report"
	"github.com/pretense/pretense/report/gatesarif"
)

// TestGateSARIFSameDialect: the gate's SARIF and scan's come from one
// writer, so they name the same schema and version; an unknown format is
// the gate's usage error (exit 2), not a runtime one.
func TestGateSARIFSameDialect(t *testing.T) {
	rep, err := gate.Run(context.Background(), gate.Options{
		Env:     map[string]string{"ANTHROPIC_BASE_URL": "https://api.anthropic.com"},
		WorkDir: t.TempDir(),
		Offline: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	var g, s bytes.Buffer
	if err := gatesarif.Write(&g, "sarif", rep, "test"); err != nil {
		t.Fatal(err)
	}
	if err := report.Write(&s, "sarif", report.Input{Version: "test"}); err != nil {
		t.Fatal(err)
	}
	type head struct {
		Schema  string `json:"$schema"`
		Version string `json:"version"`
		Runs    []struct {
			Results []json.RawMessage `json:"results"`
		} `json:"runs"`
	}
	var gh, sh head
	if err := json.Unmarshal(g.Bytes(), &gh); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(s.Bytes(), &sh); err != nil {
		t.Fatal(err)
	}
	if gh.Schema != sh.Schema || gh.Version != sh.Version {
		t.Errorf("gate SARIF %s %s, scan SARIF %s %s", gh.Schema, gh.Version, sh.Schema, sh.Version)
	}
	if len(gh.Runs) != 1 || len(gh.Runs[0].Results) != rep.Violations || rep.Violations == 0 {
		t.Errorf("want one run with %d results (>0):\n%s", rep.Violations, g.String())
	}
	if err := gatesarif.Write(&g, "xml", rep, "test"); !errors.Is(err, gate.ErrUsage) {
		t.Errorf("unknown format: %v, want gate.ErrUsage", err)
	}
}
