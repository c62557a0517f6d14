package rules

import (
	"bytes"
	"fmt"
	"slices"

	"go.yaml.in/yaml/v3"
)

//go:generate go test -run TestBuiltinTable -update-builtin-table .

// Builtin returns the built-in secret and PHI rule definitions, ordered by
// id. Each call returns a fresh copy the caller may modify.
//
// The definitions come from builtinTable (builtin_table.go), Go source
// generated from builtin/*.yaml, so a start parses no YAML and reads no
// rule file: the YAML is the source the generator reads, not part of the
// binary. TestBuiltinTable fails when the table is not what the YAML
// generates (run `go generate ./rules`), and scripts/release.sh runs it
// before it builds, so no release carries a stale table. Until the
// previous release a start hashed the embedded ~750 KB of YAML to check
// the table against it: ~1 ms of every commit hook's start-up, for a
// mistake the test already catches.
func Builtin() []Rule {
	return cloneRules(builtinTable)
}

// cloneRules copies defs deeply enough that changing any field, slice
// element or context of the copy leaves defs as it was
// (TestCloneRulesDeep checks every field).
func cloneRules(defs []Rule) []Rule {
	out := slices.Clone(defs)
	for i := range out {
		r := &out[i]
		r.Keywords = slices.Clone(r.Keywords)
		r.Allow = slices.Clone(r.Allow)
		r.Stopwords = slices.Clone(r.Stopwords)
		r.Checks = slices.Clone(r.Checks)
		r.Tags = slices.Clone(r.Tags)
		r.Owns = slices.Clone(r.Owns)
		r.Samples.TP = slices.Clone(r.Samples.TP)
		r.Samples.FP = slices.Clone(r.Samples.FP)
		if r.Context != nil {
			c := *r.Context
			c.Words = slices.Clone(c.Words)
			c.Weak = slices.Clone(c.Weak)
			c.Near = slices.Clone(c.Near)
			r.Context = &c
		}
	}
	return out
}

// ruleFile is the YAML shape of a rule file: a list under `rules:`.
type ruleFile struct {
	Rules []Rule `yaml:"rules"`
}

// ParseRules decodes a YAML rule file, rejecting unknown fields so a typo
// in a rule definition is an error rather than a silently ignored setting.
func ParseRules(raw []byte) ([]Rule, error) {
	var rf ruleFile
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&rf); err != nil {
		return nil, fmt.Errorf("parse rules: %w", err)
	}
	return rf.Rules, nil
}
