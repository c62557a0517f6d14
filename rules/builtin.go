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
	return cloneRules(builtinTable, true)
}

// BuiltinForScan is Builtin without the rules' test samples (Rule.Samples
// left empty), for the scan and the proxy, which never read them: a third
// of the table's strings, copied at every start for nothing.
func BuiltinForScan() []Rule {
	return cloneRules(builtinTable, false)
}

// cloneRules copies defs deeply enough that changing any field, slice
// element or context of the copy leaves defs as it was
// (TestCloneRulesDeep checks every field). The copies' string slices are
// cut from one array, each capped at its length so an append moves it out,
// and their contexts from another: Builtin runs at every start, and a
// slice allocated per field of ~700 rules was ~7,000 allocations, 4% of a
// one-file scan.
func cloneRules(defs []Rule, samples bool) []Rule {
	out := slices.Clone(defs)
	n, nctx := 0, 0
	for i := range defs {
		r := &defs[i]
		n += len(r.Keywords) + len(r.Allow) + len(r.Stopwords) + len(r.Checks) + len(r.Tags) + len(r.Owns)
		if samples {
			n += len(r.Samples.TP) + len(r.Samples.FP)
		}
		if c := r.Context; c != nil {
			nctx++
			n += len(c.Words) + len(c.Weak) + len(c.Near)
		}
	}
	pool := make([]string, 0, n)
	take := func(s []string) []string {
		if s == nil {
			return nil
		}
		start := len(pool)
		pool = append(pool, s...)
		return pool[start:len(pool):len(pool)]
	}
	ctxs := make([]Context, nctx)
	for i := range out {
		r := &out[i]
		r.Keywords = take(r.Keywords)
		r.Allow = take(r.Allow)
		r.Stopwords = take(r.Stopwords)
		r.Checks = take(r.Checks)
		r.Tags = take(r.Tags)
		r.Owns = take(r.Owns)
		if samples {
			r.Samples.TP = take(r.Samples.TP)
			r.Samples.FP = take(r.Samples.FP)
		} else {
			r.Samples = Samples{}
		}
		if r.Context != nil {
			c := &ctxs[0]
			ctxs = ctxs[1:]
			*c = *r.Context
			c.Words = take(c.Words)
			c.Weak = take(c.Weak)
			c.Near = take(c.Near)
			r.Context = c
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
