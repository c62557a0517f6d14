package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// ProjectFileName is the project configuration file at the repository root.
const ProjectFileName = ".pretense.yaml"

// IgnoreFileName lists paths scan skips, in .gitignore syntax.
const IgnoreFileName = ".pretenseignore"

// UserFileName is the user configuration file inside PRETENSE_HOME.
const UserFileName = "config.yaml"

// Flag is a value given on the command line for a key.
type Flag struct {
	Key   string // dotted key name, e.g. "phi-mode"
	Value string // lists comma-separated
	Name  string // the flag as typed, for messages: "--phi-mode"
}

// Inputs are the layers Resolve merges.
type Inputs struct {
	Flags []Flag
	// Env looks up an environment variable (os.LookupEnv); nil means no
	// environment layer.
	Env func(string) (string, bool)
	// ProjectFile is the project file; "" means none. A missing file is
	// skipped unless ProjectExplicit (it was named with --config).
	ProjectFile     string
	ProjectExplicit bool
	// UserFile is $PRETENSE_HOME/config.yaml; "" or missing means none.
	UserFile string
}

// Settings are the effective values of every key and where each came from.
type Settings struct {
	Project *File // nil when there is no project file
	User    *File // nil when there is no user file
	values  map[string]Value
}

// Resolve merges the layers: flag > environment > project > user > default.
// Every layer is validated; the first mistake is returned as an *Error.
func Resolve(in Inputs) (*Settings, error) {
	s := &Settings{values: map[string]Value{}}
	for _, k := range keys() {
		v := Value{Key: k.Name, IsList: k.List, Source: SourceDefault, Origin: "built-in"}
		if k.List {
			v.List = splitList(k.Default)
		} else {
			v.Str = k.Default
		}
		s.values[k.Name] = v
	}
	var err error
	if in.UserFile != "" {
		if s.User, err = loadOptional(in.UserFile, SourceUser, false); err != nil {
			return nil, err
		}
	}
	if in.ProjectFile != "" {
		if s.Project, err = loadOptional(in.ProjectFile, SourceProject, in.ProjectExplicit); err != nil {
			return nil, err
		}
	}
	for _, f := range []*File{s.User, s.Project} {
		if f != nil {
			for name, v := range f.Values {
				s.values[name] = v
			}
		}
	}
	if in.Env != nil {
		for _, k := range keys() {
			if k.Env == "" {
				continue
			}
			raw, ok := in.Env(k.Env)
			if !ok || raw == "" {
				continue
			}
			v, err := parseRaw(k, raw, "environment variable "+k.Env)
			if err != nil {
				return nil, err
			}
			v.Source, v.Origin = SourceEnv, k.Env
			s.values[k.Name] = v
		}
	}
	for _, fl := range in.Flags {
		k, ok := Lookup(fl.Key)
		if !ok {
			return nil, &Error{Origin: "flag " + fl.Name, Key: fl.Key, Err: ErrUnknownKey, Choices: strings.Join(KeyNames(), ", ")}
		}
		v, err := parseRaw(k, fl.Value, "flag "+fl.Name)
		if err != nil {
			return nil, err
		}
		v.Source, v.Origin = SourceFlag, fl.Name
		s.values[k.Name] = v
	}
	return s, nil
}

func loadOptional(path string, src Source, required bool) (*File, error) {
	f, err := Load(path, src)
	if errors.Is(err, fs.ErrNotExist) && !required {
		return nil, nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &Error{File: path, Err: ErrMalformed, Detail: "the file does not exist"}
	}
	return f, err
}

// errNotUTF8 is the detail for a value with an invalid UTF-8 byte.
var errNotUTF8 = errors.New("not valid UTF-8")

// parseRaw validates a value given as text (environment or flag); list
// values are comma-separated.
func parseRaw(k Key, raw, origin string) (Value, error) {
	v := Value{Key: k.Name, IsList: k.List}
	bad := func(val string, err error) error {
		return &Error{Origin: origin, Key: k.Name, Value: val, Choices: k.ValidChoices(), Err: ErrBadValue, Detail: err.Error()}
	}
	if !utf8.ValidString(raw) {
		// YAML would store U+FFFD in place of the bad byte: a different
		// value from the one given, so it is refused, not repaired.
		return v, bad(raw, fmt.Errorf("%q is %w", raw, errNotUTF8))
	}
	if k.List {
		for _, item := range splitList(raw) {
			if err := k.Check(item); err != nil {
				return v, bad(item, err)
			}
			v.List = append(v.List, item)
		}
		return v, nil
	}
	raw = strings.TrimSpace(raw)
	if err := k.Check(raw); err != nil {
		return v, bad(raw, err)
	}
	v.Str = raw
	return v, nil
}

// Get returns the effective value of a key.
func (s *Settings) Get(name string) (Value, error) {
	v, ok := s.values[name]
	if !ok {
		e := &Error{Key: name, Err: ErrUnknownKey, Choices: strings.Join(KeyNames(), ", ")}
		if c := closest(name, KeyNames()); c != "" {
			e.Detail = fmt.Sprintf("did you mean %q?", c)
		}
		return Value{}, e
	}
	return v, nil
}

// Values returns every key's effective value in table order.
func (s *Settings) Values() []Value {
	var out []Value
	for _, n := range KeyNames() {
		out = append(out, s.values[n])
	}
	return out
}

func (s *Settings) str(name string) string    { return s.values[name].Str }
func (s *Settings) list(name string) []string { return append([]string(nil), s.values[name].List...) }

// paths returns a list key's items as paths, relative ones resolved against
// the directory of the file the value came from.
func (s *Settings) paths(name string) []string {
	v := s.values[name]
	base := ""
	switch v.Source {
	case SourceProject:
		if s.Project != nil {
			base = filepath.Dir(s.Project.Path)
		}
	case SourceUser:
		if s.User != nil {
			base = filepath.Dir(s.User.Path)
		}
	}
	out := make([]string, 0, len(v.List))
	for _, p := range v.List {
		if !filepath.IsAbs(p) && base != "" {
			p = filepath.Join(base, p)
		}
		out = append(out, p)
	}
	return out
}

// Config is the effective configuration as plain values, for the CLI to
// translate into each engine's options.
type Config struct {
	PHIMode        string // off, standard, strict
	MutationPolicy string // phi, all
	Proxy          struct {
		Listen            string
		AnthropicUpstream string
		OpenAIUpstream    string
	}
	Audit struct {
		Retention string // as written; audit.ParseRetention reads it
		Dir       string // "" means $PRETENSE_HOME/audit
		Sink      string // file, stdout, both
	}
	Scan struct {
		MaxFileSize int64 // bytes
		// FailOnUnscanned: text left unscanned (LFS content not in the
		// clone, text over MaxFileSize) makes the scan incomplete (exit
		// 3); true by default.
		FailOnUnscanned bool
	}
	Rules struct {
		Enable, Disable []string
		// Files are custom rule files, made absolute against the directory
		// of the config file that named them (or the working directory for
		// a flag or variable).
		Files []string
	}
	Allowlist struct {
		Values []string // regular expressions
		Paths  []string // gitignore patterns
	}
}

// Config returns the effective values as a plain struct.
func (s *Settings) Config() Config {
	var c Config
	c.PHIMode = s.str("phi-mode")
	c.MutationPolicy = s.str("mutation-policy")
	c.Proxy.Listen = s.str("proxy.listen")
	c.Proxy.AnthropicUpstream = s.str("proxy.anthropic-upstream")
	c.Proxy.OpenAIUpstream = s.str("proxy.openai-upstream")
	c.Audit.Retention = s.str("audit.retention")
	c.Audit.Dir = s.str("audit.dir")
	c.Audit.Sink = s.str("audit.sink")
	c.Scan.MaxFileSize, _ = ParseSize(s.str("scan.max-file-size")) // validated on the way in
	c.Scan.FailOnUnscanned = s.str("scan.fail-on-unscanned") == "true"
	c.Rules.Enable = s.list("rules.enable")
	c.Rules.Disable = s.list("rules.disable")
	c.Rules.Files = s.paths("rules.files")
	c.Allowlist.Values = s.list("allowlist.values")
	c.Allowlist.Paths = s.list("allowlist.paths")
	return c
}

// AuditDir is where the audit log lives: audit.dir (with ~/ expanded) or
// <home>/audit.
func (s *Settings) AuditDir(home string) string {
	d := s.str("audit.dir")
	if d == "" {
		return filepath.Join(home, "audit")
	}
	if rest, ok := strings.CutPrefix(d, "~/"); ok {
		if h, err := os.UserHomeDir(); err == nil {
			return filepath.Join(h, rest)
		}
	}
	return d
}

// Home is PRETENSE_HOME, defaulting to ~/.pretense.
func Home(getenv func(string) string) (string, error) {
	if h := getenv("PRETENSE_HOME"); h != "" {
		return h, nil
	}
	h, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("cannot find a home directory (set PRETENSE_HOME): %w", err)
	}
	return filepath.Join(h, ".pretense"), nil
}

// FindProject returns the .pretense.yaml that applies in dir: the nearest
// one in dir or a parent, not looking above the enclosing git repository's
// root. It returns "" when there is none.
func FindProject(dir string) string {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		p := filepath.Join(dir, ProjectFileName)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p
		}
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// ProjectRoot is where a new .pretense.yaml belongs for dir: the root of
// the enclosing git repository, or dir itself outside one.
func ProjectRoot(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return dir
	}
	for d := abs; ; {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return abs
		}
		d = parent
	}
}

// Standard builds the usual Inputs for a command run in dir: the project
// file named by --config/PRETENSE_CONFIG (explicit) or found from dir, the
// user file in PRETENSE_HOME, the process environment, and flags.
func Standard(dir, configFlag string, lookupEnv func(string) (string, bool), flags []Flag) (Inputs, error) {
	getenv := func(k string) string { v, _ := lookupEnv(k); return v }
	home, err := Home(getenv)
	if err != nil {
		return Inputs{}, err
	}
	in := Inputs{Flags: flags, Env: lookupEnv, UserFile: filepath.Join(home, UserFileName)}
	if configFlag != "" {
		in.ProjectFile, in.ProjectExplicit = configFlag, true
	} else {
		in.ProjectFile = FindProject(dir)
	}
	return in, nil
}
