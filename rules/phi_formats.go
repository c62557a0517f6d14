package rules

import (
	"slices"
	"strings"

	"github.com/pretense/pretense/finding"
	"github.com/pretense/pretense/rules/phiformat"
)

// Structured PHI: the readers of package phiformat know what a field of an
// HL7 v2 message, a FHIR resource, a C-CDA document or a patients table
// holds, so their fields become findings without the label and context
// checks the text rules need. A reader's type maps to the built-in rule of
// that identifier where one exists (so baselines and `disable:` keep
// working) and otherwise to one of the rules below, which only readers
// emit.

// readerConfidence is the confidence of a reader's finding: the format
// itself says what the value is.
const readerConfidence = 0.95

var readerRules = []*Rule{
	{ID: "phi-city", Description: "City of a patient's address", Category: "B. Geographic subdivisions smaller than a state", Entity: "city", Severity: finding.SeverityMedium},
	{ID: "phi-county", Description: "County of a patient's address", Category: "B. Geographic subdivisions smaller than a state", Entity: "county", Severity: finding.SeverityMedium},
	{ID: "phi-geo", Description: "Geocode (latitude/longitude) of a patient's address", Category: "B. Geographic subdivisions smaller than a state", Entity: "geocode", Severity: finding.SeverityMedium},
	{ID: "phi-death-date", Description: "Date of death of a patient", Category: "C. Dates (except year) and ages over 89", Entity: "date of death", Severity: finding.SeverityHigh},
	{ID: "phi-record-date", Description: "Admission, discharge or service date of a patient record", Category: "C. Dates (except year) and ages over 89", Entity: "record date", Severity: finding.SeverityMedium},
	{ID: "phi-fax", Description: "Fax number of a patient", Category: "E. Fax numbers", Entity: "fax", Severity: finding.SeverityHigh},
	{ID: "phi-drivers-license", Description: "Driver's licence number of a patient", Category: "K. Certificate/license numbers", Entity: "driver's licence", Severity: finding.SeverityHigh},
	{ID: "phi-url", Description: "Web URL of a patient", Category: "N. Web URLs", Entity: "URL", Severity: finding.SeverityMedium},
	{ID: "phi-passport", Description: "Passport number of a patient", Category: "R. Any other unique identifying number", Entity: "passport", Severity: finding.SeverityHigh},
	{ID: "phi-patient-id", Description: "Other identifier of a patient (record id, UUID, guarantor number)", Category: "R. Any other unique identifying number", Entity: "patient identifier", Severity: finding.SeverityMedium},
}

// readerRuleIDs maps reader types to rule ids.
var readerRuleIDs = map[phiformat.Type]string{
	phiformat.Name: "phi-patient-name", phiformat.SSN: "phi-ssn", phiformat.MRN: "phi-mrn",
	phiformat.Member: "phi-health-plan-member-id", phiformat.Account: "phi-account-number",
	phiformat.DOB: "phi-date-of-birth", phiformat.Phone: "phi-phone", phiformat.Email: "phi-email",
	phiformat.Street: "phi-street-address", phiformat.ZIP: "phi-zip",
	phiformat.City: "phi-city", phiformat.County: "phi-county", phiformat.Geo: "phi-geo",
	phiformat.Death: "phi-death-date", phiformat.Date: "phi-record-date", phiformat.Fax: "phi-fax",
	phiformat.DL: "phi-drivers-license", phiformat.URL: "phi-url", phiformat.Passport: "phi-passport",
	phiformat.PatientID: "phi-patient-id",
}

// quietRules are the text rules whose findings inside a directory (a
// providers table, an Organization resource) are public contact data.
var quietRules = map[string]bool{
	"phi-patient-name": true, "phi-phone": true, "phi-email": true, "phi-street-address": true,
	"phi-zip": true, "phi-ip-address": true,
}

// formatRules resolves reader types to the rules of a set.
type formatRules map[phiformat.Type]*Rule

func newFormatRules(rs *Ruleset, disable []string) formatRules {
	byID := map[string]*Rule{}
	for _, cr := range rs.rules {
		byID[cr.def.ID] = cr.def
	}
	for _, r := range readerRules {
		if !slices.Contains(disable, r.ID) {
			if _, ok := byID[r.ID]; !ok {
				rr := *r
				rr.Kind = finding.KindPHI
				rr.Confidence = readerConfidence
				rr.Tags = []string{"phi", "structured"}
				byID[r.ID] = &rr
			}
		}
	}
	fr := formatRules{}
	for t, id := range readerRuleIDs {
		if r, ok := byID[id]; ok {
			fr[t] = r
		}
	}
	return fr
}

// readFormats adds the findings of the format readers to out, and drops
// the text rules' contact findings in data the readers found to be no
// patient's.
//
// marks are those of the keyword pass over data: the format detection
// skips the searches for markers it did not see.
func (rs *Ruleset) readFormats(data []byte, marks uint8, out []Match) []Match {
	if len(rs.formats) == 0 {
		return out
	}
	res := phiformat.ReadHinted(data, rs.hints(marks))
	if res.Format == phiformat.None {
		return out
	}
	if len(res.Quiet) > 0 {
		kept := out[:0]
		for _, m := range out {
			if !(quietRules[m.Rule.ID] && inSpans(res.Quiet, m.Start)) {
				kept = append(kept, m)
			}
		}
		out = kept
	}
	// A value a text rule already reports keeps that finding (its rule id
	// and validators) and gains the reader's reason; the reader adds the
	// values no text rule found.
	var phi []int
	for i, m := range out {
		if m.Rule.Kind == finding.KindPHI {
			phi = append(phi, i)
		}
	}
	slices.SortFunc(phi, func(a, b int) int { return out[a].Start - out[b].Start })
	for _, f := range res.Fields {
		r := rs.formats[f.Type]
		if r == nil {
			continue
		}
		value := string(data[f.Start:f.End])
		if lineHasMarker(data, f.Start, f.End) || rs.allowedValue(value) {
			continue
		}
		merged := false
		k, _ := slices.BinarySearchFunc(phi, f.Start, func(i, start int) int { return out[i].Start - start })
		for j := k - 1; j >= 0 && j >= k-4; j-- { // a match starting before the field may cover it
			merged = mergeReason(&out[phi[j]], f) || merged
		}
		for j := k; j < len(phi) && out[phi[j]].Start < f.End; j++ {
			merged = mergeReason(&out[phi[j]], f) || merged
		}
		if merged {
			continue
		}
		out = append(out, Match{
			Rule: r, Start: f.Start, End: f.End, Value: value,
			Confidence: readerConfidence, Reasons: []string{f.Reason},
		})
	}
	return out
}

var reasonPlain = strings.NewReplacer("'", "", " field", "")

// mergeReason adds a reader's reason to a text match that overlaps its field.
func mergeReason(m *Match, f phiformat.Field) bool {
	if m.Start >= f.End || f.Start >= m.End {
		return false
	}
	// "HL7 field 'PID-11'" (a text rule) already says "HL7 PID-11".
	plain := reasonPlain.Replace
	if !slices.ContainsFunc(m.Reasons, func(r string) bool { return strings.HasPrefix(plain(r), plain(f.Reason)) }) {
		m.Reasons = append(slices.Clip(m.Reasons), f.Reason)
	}
	m.Confidence = max(m.Confidence, readerConfidence)
	return true
}

func (rs *Ruleset) allowedValue(v string) bool {
	for _, re := range rs.allow {
		if re.MatchString(v) {
			return true
		}
	}
	return false
}

func inSpans(ss []phiformat.Span, p int) bool {
	for _, s := range ss {
		if p >= s.Start && p < s.End {
			return true
		}
	}
	return false
}

// StructuredRules returns the rules only the format readers emit (city,
// county, geocode, death and record dates, fax, driver's licence, URL,
// passport, other patient identifiers), for reports and docs that list
// every PHI rule. The returned rules must not be modified.
func StructuredRules() []Rule {
	out := make([]Rule, len(readerRules))
	for i, r := range readerRules {
		out[i] = *r
		out[i].Kind = finding.KindPHI
	}
	return out
}
