package report

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/pretense/pretense/finding"
	"github.com/pretense/pretense/rules"
)

// InfoURI is the tool information URI in pretense's SARIF runs (scan and gate).
const InfoURI = "https://github.com/pretense/pretense"

// writeSARIF writes SARIF 2.1.0 as GitHub code scanning reads it: every
// rule that ran, with descriptions, help, default level and
// security-severity; results with ruleIndex, level, a message without the
// value (unless --no-redact), a repo-relative URI, a full region and a
// stable partialFingerprints.primaryLocationLineHash. Commit and decoding
// details go in the result's property bag, never in the fingerprint.
func writeSARIF(w io.Writer, in Input) error {
	rep, err := sarif.New(sarif.Version210)
	if err != nil {
		return fmt.Errorf("sarif: %w", err)
	}
	run := sarif.NewRunWithInformationURI("pretense", InfoURI)
	run.Tool.Driver.WithVersion(in.Version)
	run.WithColumnKind("unicodeCodePoints")

	// All rules that ran, sorted by id, plus any rule a finding names that
	// is not among them (a finding from a rule set the caller did not pass).
	byID := map[string]*rules.Rule{}
	for _, r := range in.Rules {
		byID[r.ID] = r
	}
	for _, f := range in.Findings {
		if _, ok := byID[f.RuleID]; !ok {
			byID[f.RuleID] = &rules.Rule{ID: f.RuleID, Description: f.Description, Kind: f.Kind, Severity: f.Severity, Category: f.Category}
		}
	}
	ids := make([]string, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	index := map[string]int{}
	for i, id := range ids {
		r := byID[id]
		index[id] = i
		d := run.AddRule(id).
			WithName(ruleName(id)).
			WithShortDescription(sarif.NewMultiformatMessageString(r.Description)).
			WithFullDescription(sarif.NewMultiformatMessageString(fullDescription(r))).
			WithHelp(sarif.NewMultiformatMessageString(helpText(r)).WithMarkdown(helpText(r))).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(level(r.Severity)))
		pb := sarif.NewPropertyBag()
		pb.Add("tags", ruleTags(r))
		pb.Add("security-severity", r.Severity.SecurityScore())
		pb.Add("precision", "high")
		if r.Category != "" {
			pb.Add("hipaa-category", r.Category)
		}
		d.AttachPropertyBag(pb)
	}

	occurrence := map[string]int{}
	for _, f := range in.Findings {
		res := run.CreateResultForRule(f.RuleID).
			WithRuleIndex(index[f.RuleID]).
			WithLevel(level(f.Severity)).
			WithMessage(sarif.NewTextMessage(message(f, in.Redact)))
		// GitHub keys alerts on this hash; two equal values in one file are
		// told apart by occurrence, as GitHub's own line hashes are.
		key := f.Path + "\x00" + f.Fingerprint
		occurrence[key]++
		res.WithPartialFingerPrints(map[string]interface{}{
			"primaryLocationLineHash": fmt.Sprintf("%s:%d", f.Fingerprint, occurrence[key]),
		})
		region := sarif.NewRegion().
			WithStartLine(f.Line).WithStartColumn(f.Column).
			WithEndLine(f.EndLine).WithEndColumn(f.EndColumn)
		loc := sarif.NewPhysicalLocation().
			WithArtifactLocation(sarif.NewSimpleArtifactLocation(f.Path)).
			WithRegion(region)
		res.AddLocation(sarif.NewLocationWithPhysicalLocation(loc))
		pb := sarif.NewPropertyBag()
		pb.Add("kind", string(f.Kind))
		pb.Add("confidence", f.Confidence)
		pb.Add("fingerprint", f.Fingerprint)
		tags := []string{string(f.Kind)}
		if f.Category != "" {
			pb.Add("hipaa-category", f.Category)
			tags = append(tags, CategoryTag(f.Category))
		}
		if f.Entity != "" {
			pb.Add("entity", f.Entity)
		}
		if f.Commit != "" {
			pb.Add("commit", f.Commit)
			pb.Add("date", f.Date)
		}
		if f.Decoded != "" {
			pb.Add("decoded", f.Decoded)
		}
		if len(f.Reasons) > 0 {
			pb.Add("reasons", f.Reasons)
		}
		pb.Add("tags", tags)
		res.AttachPropertyBag(pb)
	}
	rep.AddRun(run)
	if err := rep.PrettyWrite(w); err != nil {
		return fmt.Errorf("write sarif: %w", err)
	}
	return nil
}

func level(s finding.Severity) string {
	switch s {
	case finding.SeverityCritical, finding.SeverityHigh:
		return "error"
	case finding.SeverityMedium:
		return "warning"
	}
	return "note"
}

// ruleName turns an id into the PascalCase name SARIF viewers show.
func ruleName(id string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(id, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func ruleTags(r *rules.Rule) []string {
	tags := []string{"security", string(r.Kind)}
	if r.Kind == finding.KindPHI {
		tags = append(tags, "hipaa", "CWE-359")
		if r.Category != "" {
			tags = append(tags, CategoryTag(r.Category))
		}
	} else {
		tags = append(tags, "CWE-798")
	}
	for _, t := range r.Tags {
		if !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	return tags
}

func fullDescription(r *rules.Rule) string {
	if r.Kind == finding.KindPHI {
		return fmt.Sprintf("%s. Protected health information, HIPAA Safe Harbor category %s.", r.Description, r.Category)
	}
	return r.Description + ". A credential committed to source control or sent to an LLM API must be treated as exposed."
}

func helpText(r *rules.Rule) string {
	if r.Kind == finding.KindPHI {
		return "Remove the value or replace it with synthetic data. If the value is synthetic already, add `pretense:allow` on the line or list its fingerprint in `.pretenseignore` as `fingerprint:<fp>`."
	}
	return "Revoke and rotate the credential, then remove it from the code and its history. Load it from the environment or a secret manager instead. For a false positive, add `pretense:allow` on the line or list its fingerprint in `.pretenseignore`."
}

func message(f finding.Finding, redact bool) string {
	msg := fmt.Sprintf("%s: %s", f.Description, value(f, redact))
	if f.Decoded != "" {
		msg += " (decoded from " + f.Decoded + ")"
	}
	return msg
}

// CategoryTag turns a Safe Harbor category ("G. Social Security numbers")
// into a tag code scanning can filter on without quoting:
// "phi-g-social-security-numbers".
func CategoryTag(category string) string {
	var b strings.Builder
	b.WriteString("phi")
	dash := true
	for _, r := range strings.ToLower(category) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}
