package suppress

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"
)

// Baseline is the set of finding fingerprints of a previous report: the
// findings a team has accepted (or not yet fixed) and does not want
// reported again. It reads both formats pretense writes, JSON and SARIF,
// so the report CI already keeps can serve as the baseline.
type Baseline struct {
	// Fingerprints in the order the report listed them, without repeats.
	Fingerprints []string
	// Format is "json" or "sarif".
	Format string
}

// ErrBaselineFormat marks input that is neither a pretense JSON report nor
// a SARIF log.
var ErrBaselineFormat = errors.New("not a pretense JSON report or a SARIF log")

// ParseBaseline reads a JSON report (--format json) or a SARIF log
// (--format sarif, or another tool's SARIF carrying pretense fingerprints).
// For SARIF the fingerprint is the result's "fingerprint" property, else
// its primaryLocationLineHash without the ":N" occurrence suffix.
func ParseBaseline(data []byte) (*Baseline, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		return nil, ErrBaselineFormat
	}
	var probe struct {
		Runs     json.RawMessage `json:"runs"`
		Findings json.RawMessage `json:"findings"`
		Schema   string          `json:"schemaVersion"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBaselineFormat, err)
	}
	b := &Baseline{}
	seen := map[string]bool{}
	add := func(fp string) {
		fp = strings.TrimSpace(fp)
		if fp != "" && !seen[fp] {
			seen[fp] = true
			b.Fingerprints = append(b.Fingerprints, fp)
		}
	}
	switch {
	case probe.Runs != nil:
		b.Format = "sarif"
		rep, err := sarif.FromBytes(data)
		if err != nil {
			return nil, fmt.Errorf("sarif baseline: %w", err)
		}
		for _, run := range rep.Runs {
			for _, r := range run.Results {
				if r == nil {
					continue
				}
				if v, ok := r.Properties["fingerprint"].(string); ok {
					add(v)
					continue
				}
				if v, ok := r.PartialFingerprints["primaryLocationLineHash"].(string); ok {
					if i := strings.LastIndexByte(v, ':'); i > 0 {
						v = v[:i]
					}
					add(v)
				}
			}
		}
	case probe.Findings != nil || probe.Schema != "":
		b.Format = "json"
		var doc struct {
			Findings []struct {
				Fingerprint string `json:"fingerprint"`
			} `json:"findings"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			return nil, fmt.Errorf("json baseline: %w", err)
		}
		for _, f := range doc.Findings {
			add(f.Fingerprint)
		}
	default:
		return nil, ErrBaselineFormat
	}
	return b, nil
}
