package report

import (
	"encoding/json"
	"io"

	"github.com/pretense/pretense/finding"
)

// JSONSchemaVersion is bumped on any incompatible change to the JSON report.
const JSONSchemaVersion = "1"

// JSONReport is the --format json document. Its field names are part of
// pretense's interface (baselines read it back), so every one is explicit.
type JSONReport struct {
	Schema   string            `json:"schemaVersion"`
	Tool     JSONTool          `json:"tool"`
	Target   string            `json:"target,omitempty"`
	PHIMode  string            `json:"phiMode"`
	Summary  JSONSummary       `json:"summary"`
	Findings []JSONFinding     `json:"findings"`
	Skipped  []finding.Skipped `json:"skipped"`
	Stale    []string          `json:"staleEntries,omitempty"`
}

// JSONTool names the producer.
type JSONTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// JSONSummary holds the counts.
type JSONSummary struct {
	Findings     int   `json:"findings"`
	Secrets      int   `json:"secrets"`
	PHI          int   `json:"phi"`
	Suppressed   int   `json:"suppressed"`
	FilesScanned int   `json:"filesScanned"`
	BytesScanned int64 `json:"bytesScanned"`
	Skipped      int   `json:"skipped"`
}

// JSONFinding is a finding plus, only with --no-redact, its raw value.
type JSONFinding struct {
	finding.Finding
	Secret string `json:"secret,omitempty"`
}

func writeJSON(w io.Writer, in Input) error {
	secrets, phi := Summary(in.Findings)
	doc := JSONReport{
		Schema:  JSONSchemaVersion,
		Tool:    JSONTool{Name: "pretense", Version: in.Version},
		Target:  in.Target,
		PHIMode: string(in.PHIMode),
		Summary: JSONSummary{
			Findings: len(in.Findings), Secrets: secrets, PHI: phi, Suppressed: in.Suppressed,
			FilesScanned: in.FilesScanned, BytesScanned: in.BytesScanned, Skipped: len(in.Skipped),
		},
		Findings: make([]JSONFinding, 0, len(in.Findings)),
		Skipped:  in.Skipped,
		Stale:    in.Stale,
	}
	if doc.PHIMode == "" {
		doc.PHIMode = "off"
	}
	if doc.Skipped == nil {
		doc.Skipped = []finding.Skipped{}
	}
	for _, f := range in.Findings {
		jf := JSONFinding{Finding: f}
		if !in.Redact {
			jf.Secret = f.Secret
		}
		doc.Findings = append(doc.Findings, jf)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
