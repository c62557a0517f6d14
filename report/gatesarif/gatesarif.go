// Package gatesarif writes `pretense gate` reports: the gate's own text and
// JSON, and SARIF through go-sarif like scan results. It lives apart from
// report so that scanning does not link the gate, whose probes pull in
// net/http: the lean scan binary (cmd/pretense-scan) imports report only.
package gatesarif

import (
	"fmt"
	"io"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/pretense/pretense/gate"
	"github.com/pretense/pretense/report"
)

// Formats lists the formats `pretense gate` writes: the gate's own
// text and JSON, and SARIF from here.
func Formats() []string { return append(gate.Formats(), "sarif") }

// Write renders a gate report in format. SARIF goes through the same
// go-sarif writer as scan results, so code scanning sees one dialect from
// both commands; text and JSON are the gate's own.
func Write(w io.Writer, format string, r *gate.Report, version string) error {
	switch format {
	case "sarif":
		return writeGateSARIF(w, r, version)
	case "", "text", "json":
		return r.Write(w, format)
	}
	return fmt.Errorf("%w: unknown format %q: want one of %s", gate.ErrUsage, format, strings.Join(Formats(), ", "))
}

// gateTags and gateSeverity are the same for every gate rule: each one is
// a path by which prompts can leave the machine unscanned.
var gateTags = []string{"security", "llm-routing"}

const gateSeverity = "8.0"

// writeGateSARIF writes the gate's violations as SARIF 2.1.0: every gate
// rule, one error-level result per violation with the gate's anchor (a
// repository file, else the workflow or .pretense.yaml with the real
// source as a logical location) and its stable fingerprint.
func writeGateSARIF(w io.Writer, r *gate.Report, version string) error {
	rep, err := sarif.New(sarif.Version210)
	if err != nil {
		return fmt.Errorf("sarif: %w", err)
	}
	run := sarif.NewRunWithInformationURI("pretense-gate", report.InfoURI)
	run.Tool.Driver.WithVersion(version)
	index := map[string]int{}
	for i, doc := range gate.RuleDocs() {
		index[doc.ID] = i
		d := run.AddRule(doc.ID).
			WithName(doc.Name).
			WithShortDescription(sarif.NewMultiformatMessageString(doc.Short)).
			WithFullDescription(sarif.NewMultiformatMessageString(doc.Short + ".")).
			WithHelp(sarif.NewMultiformatMessageString(doc.Help)).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel("error"))
		pb := sarif.NewPropertyBag()
		pb.Add("tags", gateTags)
		pb.Add("security-severity", gateSeverity)
		d.AttachPropertyBag(pb)
	}
	for _, c := range r.Checks {
		if c.Verdict != gate.Violation {
			continue
		}
		res := run.CreateResultForRule(c.Rule).
			WithRuleIndex(index[c.Rule]).
			WithLevel("error").
			WithMessage(sarif.NewTextMessage(c.Message()))
		res.WithPartialFingerPrints(map[string]interface{}{"primaryLocationLineHash": r.Fingerprint(c)})
		a := r.Anchor(c)
		phys := sarif.NewPhysicalLocation().
			WithArtifactLocation(sarif.NewSimpleArtifactLocation(a.URI).WithUriBaseId("%SRCROOT%")).
			WithRegion(sarif.NewRegion().WithStartLine(1))
		loc := sarif.NewLocationWithPhysicalLocation(phys)
		if a.LogicalName != "" {
			loc.WithLogicalLocations([]*sarif.LogicalLocation{sarif.NewLogicalLocation().WithName(a.LogicalName).WithKind(a.LogicalKind)})
		}
		res.AddLocation(loc)
		pb := sarif.NewPropertyBag()
		pb.Add("tool", c.Tool)
		pb.Add("setting", c.Setting)
		pb.Add("endpoint", c.Endpoint)
		res.AttachPropertyBag(pb)
	}
	rep.AddRun(run)
	if err := rep.PrettyWrite(w); err != nil {
		return fmt.Errorf("write sarif: %w", err)
	}
	return nil
}
