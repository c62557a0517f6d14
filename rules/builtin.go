package rules

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"sync"

	"go.yaml.in/yaml/v3"
)

//go:generate go test -run TestBuiltinTable -update-builtin-table .

//go:embed builtin/*.yaml
var builtinFS embed.FS

// Builtin returns the built-in secret and PHI rule definitions, ordered by
// id. Each call returns a fresh copy the caller may modify.
//
// The definitions come from builtinTable (builtin_table.go), a Go table
// generated from the embedded YAML, so a start does not parse ~430 KB of
// YAML (the largest single start-up cost before). The table records the
// SHA-256 of the YAML it was generated from; when the embedded YAML differs
// (someone edited a rule and did not run `go generate ./rules`), the YAML
// is parsed instead, so a stale table can never change what is detected.
// TestBuiltinTable fails on a stale table.
func Builtin() []Rule {
	defs, err := builtinDefs(builtinFS, builtinSumOnce())
	if err != nil {
		// The files are part of the binary and covered by tests; a parse
		// failure here is a build defect, not a user error.
		panic(err)
	}
	return defs
}

// builtinDefs returns a copy of builtinTable when sum, the builtinSum of
// fsys, is the table's; otherwise it parses the rule files of fsys.
func builtinDefs(fsys fs.FS, sum string) ([]Rule, error) {
	if sum != "" && sum == builtinTableSHA256 {
		return cloneRules(builtinTable), nil
	}
	return loadBuiltin(fsys)
}

// builtinSumOnce is the builtinSum of the embedded rule files, computed
// once per process (~0.2 ms); "" if they cannot be read.
var builtinSumOnce = sync.OnceValue(func() string {
	sum, err := builtinSum(builtinFS)
	if err != nil {
		return ""
	}
	return sum
})

// builtinSum is the hex SHA-256 over the rule files of fsys in name order:
// each file's name, its length and its bytes, so no two file sets share a
// sum by moving bytes between files.
func builtinSum(fsys fs.FS) (string, error) {
	files, err := fs.Glob(fsys, "builtin/*.yaml")
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, name := range files {
		f, err := fsys.Open(name)
		if err != nil {
			return "", err
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return "", fmt.Errorf("%s: %w", name, err)
		}
		fmt.Fprintf(h, "%s\x00%s\x00", name, strconv.FormatInt(st.Size(), 10))
		_, err = io.Copy(h, f) // streamed: no copy of the file in memory
		f.Close()
		if err != nil {
			return "", fmt.Errorf("%s: %w", name, err)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
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
