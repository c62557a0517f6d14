package config

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Sentinel errors wrapped by *Error.
var (
	ErrUnknownKey = errors.New("unknown key")
	ErrBadValue   = errors.New("bad value")
	ErrMalformed  = errors.New("malformed file")
)

// Error is a configuration mistake, located precisely enough to fix: the
// file and line (or the variable or flag), the key, the value and the valid
// choices. The CLI maps it to exit 2.
type Error struct {
	File    string // path, or "" when the value came from Origin
	Line    int    // 1-based; 0 when unknown
	Origin  string // "environment variable PRETENSE_X" or "flag --x" when File is ""
	Key     string
	Value   string
	Choices string // the valid values, in words
	Err     error  // ErrUnknownKey, ErrBadValue or ErrMalformed
	Detail  string
}

func (e *Error) Error() string {
	var b strings.Builder
	switch {
	case e.File != "" && e.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", e.File, e.Line)
	case e.File != "":
		fmt.Fprintf(&b, "%s: ", e.File)
	case e.Origin != "":
		fmt.Fprintf(&b, "%s: ", e.Origin)
	}
	switch {
	case errors.Is(e.Err, ErrUnknownKey):
		fmt.Fprintf(&b, "unknown key %q", e.Key)
	case errors.Is(e.Err, ErrMalformed):
		b.WriteString("malformed configuration")
	default:
		fmt.Fprintf(&b, "bad value for %s", e.Key)
	}
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	if e.Choices != "" {
		fmt.Fprintf(&b, " (valid: %s)", e.Choices)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Source says which layer a value came from.
type Source string

// Layers, highest precedence first.
const (
	SourceFlag    Source = "flag"
	SourceEnv     Source = "env"
	SourceProject Source = "project"
	SourceUser    Source = "user"
	SourceDefault Source = "default"
)

// Value is one setting's value and where it came from.
type Value struct {
	Key    string
	Str    string   // scalar keys
	List   []string // list keys
	IsList bool
	Source Source
	Origin string // "/repo/.pretense.yaml:4", "PRETENSE_PHI_MODE", "--phi-mode", "built-in"
}

// String is the value as config get prints it: lists comma-separated.
func (v Value) String() string {
	if v.IsList {
		return strings.Join(v.List, ",")
	}
	return v.Str
}

// File is one parsed configuration file.
type File struct {
	Path    string
	Source  Source
	Version int
	Values  map[string]Value
}

// Load reads and parses a configuration file. A missing file is reported as
// an error wrapping fs.ErrNotExist so callers can treat it as absent.
func Load(path string, src Source) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(path, src, data)
}

// sections are the mapping keys that group dotted keys.
func sections() map[string]bool {
	out := map[string]bool{}
	for _, k := range keys() {
		if i := strings.IndexByte(k.Name, '.'); i > 0 {
			out[k.Name[:i]] = true
		}
	}
	return out
}

// Parse parses a configuration file's bytes. Keys may be nested
// (proxy: {listen: …}) or dotted at the top level (proxy.listen: …).
func Parse(path string, src Source, data []byte) (*File, error) {
	f := &File{Path: path, Source: src, Values: map[string]Value{}}
	if line, col, ok := firstInvalidUTF8(data); !ok {
		return nil, &Error{File: path, Line: line, Err: ErrMalformed,
			Detail: fmt.Sprintf("byte %d of the line is not valid UTF-8 (the file must be UTF-8)", col)}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, malformed(path, err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return f, nil // empty file
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return f, nil // only comments
	}
	if root.Kind != yaml.MappingNode {
		return nil, &Error{File: path, Line: root.Line, Err: ErrMalformed, Detail: "the top level must be a mapping of keys to values"}
	}
	if err := f.walk(root, ""); err != nil {
		return nil, err
	}
	return f, nil
}

// firstInvalidUTF8 finds the first byte that is not valid UTF-8: its
// 1-based line and byte column. ok is true when there is none.
func firstInvalidUTF8(data []byte) (line, col int, ok bool) {
	if utf8.Valid(data) {
		return 0, 0, true
	}
	line, start := 1, 0
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return line, i - start + 1, false
		}
		if data[i] == '\n' {
			line, start = line+1, i+1
		}
		i += n
	}
	return 0, 0, true
}

func malformed(path string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if i := strings.IndexByte(rest, ':'); i > 0 {
			if n, err := strconv.Atoi(rest[:i]); err == nil {
				line, msg = n, strings.TrimSpace(rest[i+1:])
			}
		}
	}
	return &Error{File: path, Line: line, Err: ErrMalformed, Detail: msg}
}

func (f *File) walk(m *yaml.Node, prefix string) error {
	secs := sections()
	seen := map[string]int{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		kn, vn := m.Content[i], m.Content[i+1]
		if kn.Kind != yaml.ScalarNode {
			return &Error{File: f.Path, Line: kn.Line, Err: ErrMalformed, Detail: "keys must be plain names"}
		}
		name := prefix + kn.Value
		if at, dup := seen[kn.Value]; dup {
			return &Error{File: f.Path, Line: kn.Line, Key: name, Err: ErrMalformed,
				Detail: fmt.Sprintf("key %q is already defined at line %d", kn.Value, at)}
		}
		seen[kn.Value] = kn.Line
		if prefix == "" && name == "version" {
			if vn.Kind != yaml.ScalarNode || vn.Value != "1" {
				return &Error{File: f.Path, Line: vn.Line, Key: "version", Value: vn.Value, Choices: "1", Err: ErrBadValue, Detail: "unsupported schema version"}
			}
			if f.Version != 0 {
				return &Error{File: f.Path, Line: kn.Line, Key: "version", Err: ErrMalformed, Detail: `key "version" is already defined`}
			}
			f.Version = 1
			continue
		}
		if prefix == "" && secs[name] {
			if vn.Kind != yaml.MappingNode {
				if vn.Kind == yaml.ScalarNode && vn.Tag == "!!null" {
					continue // "proxy:" with everything under it commented out
				}
				return &Error{File: f.Path, Line: vn.Line, Key: name, Err: ErrBadValue,
					Detail: name + " is a section: put its keys under it", Choices: strings.Join(sectionKeys(name), ", ")}
			}
			if err := f.walk(vn, name+"."); err != nil {
				return err
			}
			continue
		}
		k, ok := Lookup(name)
		if !ok {
			return unknownKey(f.Path, kn.Line, name, prefix)
		}
		v, err := nodeValue(f.Path, k, vn)
		if err != nil {
			return err
		}
		if prior, dup := f.Values[name]; dup {
			return &Error{File: f.Path, Line: kn.Line, Key: name, Err: ErrMalformed,
				Detail: fmt.Sprintf("key %q is already defined at %s", name, prior.Origin)}
		}
		v.Source = f.Source
		v.Origin = fmt.Sprintf("%s:%d", f.Path, vn.Line)
		f.Values[name] = v
	}
	return nil
}

func sectionKeys(section string) []string {
	var out []string
	for _, n := range KeyNames() {
		if strings.HasPrefix(n, section+".") {
			out = append(out, n)
		}
	}
	return out
}

// unknownKey builds the error for a key that does not exist, listing the
// keys valid at that level and the closest one.
func unknownKey(path string, line int, name, prefix string) error {
	valid := KeyNames()
	if prefix != "" {
		valid = sectionKeys(strings.TrimSuffix(prefix, "."))
	}
	e := &Error{File: path, Line: line, Key: name, Err: ErrUnknownKey, Choices: strings.Join(valid, ", ")}
	if s := closest(name, KeyNames()); s != "" {
		e.Detail = fmt.Sprintf("did you mean %q?", s)
	}
	return e
}

// closest returns the known key nearest to name by edit distance, if near.
func closest(name string, names []string) string {
	best, bestD := "", 4
	norm := strings.NewReplacer("_", "-", " ", "-").Replace(strings.ToLower(name))
	for _, n := range names {
		if d := editDistance(norm, n); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// nodeValue validates a YAML value node for key k.
func nodeValue(path string, k Key, vn *yaml.Node) (Value, error) {
	bad := func(line int, val, detail string) error {
		return &Error{File: path, Line: line, Key: k.Name, Value: val, Choices: k.ValidChoices(), Err: ErrBadValue, Detail: detail}
	}
	v := Value{Key: k.Name, IsList: k.List}
	if k.List {
		switch {
		case vn.Kind == yaml.SequenceNode:
			for _, item := range vn.Content {
				if item.Kind != yaml.ScalarNode {
					return v, bad(item.Line, "", "list items must be plain strings")
				}
				if err := k.Check(item.Value); err != nil {
					return v, bad(item.Line, item.Value, err.Error())
				}
				v.List = append(v.List, item.Value)
			}
		case vn.Kind == yaml.ScalarNode && vn.Tag == "!!null":
		default:
			return v, bad(vn.Line, vn.Value, "want a list, e.g. [a, b] or one '- item' per line")
		}
		return v, nil
	}
	if vn.Kind != yaml.ScalarNode || vn.Tag == "!!null" {
		return v, bad(vn.Line, "", "want a single value")
	}
	if err := k.Check(vn.Value); err != nil {
		return v, bad(vn.Line, vn.Value, err.Error())
	}
	v.Str = vn.Value
	return v, nil
}
