package rules

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"

	"go.yaml.in/yaml/v3"
)

//go:embed builtin/*.yaml
var builtinFS embed.FS

// Builtin returns the built-in secret and PHI rule definitions, parsed from
// the YAML files embedded in the binary, ordered by id. Each call returns a
// fresh copy the caller may modify.
func Builtin() []Rule {
	defs, err := loadBuiltin(builtinFS)
	if err != nil {
		// The files are part of the binary and covered by tests; a parse
		// failure here is a build defect, not a user error.
		panic(err)
	}
	return defs
}

func loadBuiltin(fsys fs.FS) ([]Rule, error) {
	files, err := fs.Glob(fsys, "builtin/*.yaml")
	if err != nil {
		return nil, err
	}
	var all []Rule
	for _, f := range files {
		raw, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		defs, err := ParseRules(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path.Base(f), err)
		}
		all = append(all, defs...)
	}
	slices.SortFunc(all, func(a, b Rule) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return all, nil
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
