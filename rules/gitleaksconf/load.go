package gitleaksconf

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/pretense/pretense/finding"
	"github.com/pretense/pretense/rules"
)

// The TOML documents, field for field as gitleaks (v8.30) reads them.
// gitleaks reads through viper, which matches keys case-insensitively
// (secretGroup, secretgroup); BurntSushi/toml does the same when no tag
// matches exactly.
type fileDoc struct {
	Title       string
	Description string
	MinVersion  string `toml:"minVersion"`
	Extend      *extendDoc
	Rules       []ruleDoc
	// Allowlist is the deprecated single global [allowlist].
	Allowlist  *globalAllowDoc
	Allowlists []globalAllowDoc
}

type extendDoc struct {
	Path          string
	URL           string `toml:"url"`
	UseDefault    bool   `toml:"useDefault"`
	DisabledRules []string
}

type ruleDoc struct {
	ID          string `toml:"id"`
	Description string
	Path        string
	Regex       string
	SecretGroup int `toml:"secretGroup"`
	Entropy     float64
	Keywords    []string
	Tags        []string
	// Allowlist is the deprecated [rules.allowlist].
	Allowlist  *allowDoc
	Allowlists []allowDoc
	// Required and SkipReport are decoded only to be refused by name.
	Required   []toml.Primitive
	SkipReport *bool `toml:"skipReport"`
}

type allowDoc struct {
	Description string
	Condition   string
	Commits     []string
	Paths       []string
	RegexTarget string `toml:"regexTarget"`
	Regexes     []string
	StopWords   []string `toml:"stopwords"`
}

// globalAllowDoc is a rule allowlist that may also name the rules it
// applies to; the embedded fields decode at the same level.
type globalAllowDoc struct {
	allowDoc
	TargetRules []string `toml:"targetRules"`
}

func (g *globalAllowDoc) allow() allowDoc { return g.allowDoc }

// maxExtendDepth is gitleaks' limit on chained [extend] path files.
const maxExtendDepth = 2

// Config is a loaded gitleaks configuration, ready for a scan.
type Config struct {
	// Path is the file loaded.
	Path string
	// UseDefault is [extend] useDefault: pretense's built-in rules run
	// beside the file's (gitleaks' own defaults are not copied).
	UseDefault bool
	// DisableBuiltin lists [extend] disabledRules when UseDefault is set:
	// built-in rule ids not to run.
	DisableBuiltin []string

	rules  []*glRule
	byID   map[string]*glRule
	global []*allowlist
	ignore map[string]bool
}

// glRule is one translated rule.
type glRule struct {
	id          string
	description string
	re          *regexp.Regexp
	path        *regexp.Regexp
	secretGroup int
	entropy     float64
	keywords    []string
	tags        []string
	allow       []*allowlist
}

// Load reads a gitleaks TOML file and the files it extends.
func Load(path string) (*Config, error) {
	return load(path, 0)
}

func load(path string, depth int) (*Config, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("gitleaks config: %w", err)
	}
	c, ext, err := parse(raw)
	if err != nil {
		return nil, fmt.Errorf("gitleaks config %s: %w", path, err)
	}
	c.Path = path
	if ext == nil {
		return c, nil
	}
	switch {
	case ext.URL != "":
		return nil, fmt.Errorf("gitleaks config %s: [extend] url is not supported (gitleaks does not implement it either): download the file and use [extend] path", path)
	case ext.Path != "" && ext.UseDefault:
		return nil, fmt.Errorf("gitleaks config %s: [extend] path and useDefault are both set; gitleaks refuses this too", path)
	case ext.UseDefault:
		c.UseDefault = true
		c.DisableBuiltin = slices.Clone(ext.DisabledRules)
	case ext.Path != "":
		if depth+1 >= maxExtendDepth+1 {
			return nil, fmt.Errorf("gitleaks config %s: [extend] chains more than %d files", path, maxExtendDepth)
		}
		// Relative to the extending file, so the pair works from any
		// directory (gitleaks resolves it against the working directory,
		// which is the same when both sit at the repository root).
		basePath := ext.Path
		if !filepath.IsAbs(basePath) {
			basePath = filepath.Join(filepath.Dir(path), basePath)
		}
		base, err := load(basePath, depth+1)
		if err != nil {
			return nil, fmt.Errorf("gitleaks config %s: [extend] path: %w", path, err)
		}
		if err := c.extend(base, ext.DisabledRules); err != nil {
			return nil, fmt.Errorf("gitleaks config %s: %w", path, err)
		}
	case len(ext.DisabledRules) > 0:
		return nil, fmt.Errorf("gitleaks config %s: [extend] disabledRules without useDefault or path disables nothing", path)
	}
	return c, nil
}

// Parse decodes one gitleaks TOML document, strictly: a key gitleaks
// does not know, or one pretense cannot honour, is an error naming it.
// [extend] path is not followed (Load follows it).
func Parse(raw []byte) (*Config, error) {
	c, ext, err := parse(raw)
	if err != nil {
		return nil, err
	}
	if ext != nil && ext.UseDefault {
		c.UseDefault = true
		c.DisableBuiltin = slices.Clone(ext.DisabledRules)
	}
	return c, nil
}

func parse(raw []byte) (*Config, *extendDoc, error) {
	var doc fileDoc
	md, err := toml.Decode(string(raw), &doc)
	if err != nil {
		return nil, nil, err
	}
	var names []string
	for _, k := range md.Undecoded() {
		if len(k) > 1 && k[0] == "rules" && k[1] == "required" {
			continue // refused with the rule's id below
		}
		names = append(names, k.String())
	}
	if len(names) > 0 {
		slices.Sort(names)
		names = slices.Compact(names)
		return nil, nil, fmt.Errorf("unsupported fields: %s (pretense reads gitleaks v8 configurations; a field it cannot honour is refused rather than ignored)", strings.Join(names, ", "))
	}
	c := &Config{byID: map[string]*glRule{}}
	// Every rule is checked, so one run names everything to change.
	var errs []error
	for i := range doc.Rules {
		r, err := translateRule(&doc.Rules[i])
		switch {
		case err != nil:
			errs = append(errs, err)
		case c.byID[r.id] != nil:
			errs = append(errs, fmt.Errorf("rule %q: defined twice", r.id))
		default:
			c.byID[r.id] = r
			c.rules = append(c.rules, r)
		}
	}
	if len(errs) > 0 {
		return nil, nil, errors.Join(errs...)
	}
	if doc.Allowlist != nil && len(doc.Allowlists) > 0 {
		return nil, nil, errors.New("[allowlist] is deprecated, it cannot be used alongside [[allowlists]]")
	}
	globals := doc.Allowlists
	if doc.Allowlist != nil {
		globals = append(globals, *doc.Allowlist)
	}
	for i := range globals {
		g := &globals[i]
		a, err := compileAllowlist(g.allow())
		if err != nil {
			return nil, nil, fmt.Errorf("[[allowlists]] %w", err)
		}
		if len(g.TargetRules) == 0 {
			c.global = append(c.global, a)
			continue
		}
		for _, id := range g.TargetRules {
			r := c.byID[id]
			if r == nil {
				return nil, nil, fmt.Errorf("[[allowlists]] target rule ID %q does not exist", id)
			}
			r.allow = append(r.allow, a)
		}
	}
	return c, doc.Extend, nil
}

func translateRule(d *ruleDoc) (*glRule, error) {
	id := strings.TrimSpace(d.ID)
	if id == "" {
		return nil, fmt.Errorf("rule |id| is missing or empty (description %q, regex %q)", d.Description, d.Regex)
	}
	if d.Required != nil {
		return nil, fmt.Errorf("rule %q: [[rules.required]] (composite rules) is not supported", id)
	}
	if d.SkipReport != nil {
		return nil, fmt.Errorf("rule %q: skipReport (a rule that only feeds composite rules) is not supported", id)
	}
	if d.Regex == "" && d.Path == "" {
		return nil, fmt.Errorf("rule %q: both |regex| and |path| are empty, this rule will have no effect", id)
	}
	if d.Regex == "" {
		return nil, fmt.Errorf("rule %q: path-only rules (a path without a regex, reporting a file by its name) are not supported", id)
	}
	r := &glRule{id: id, description: d.Description, secretGroup: d.SecretGroup, entropy: d.Entropy, tags: d.Tags}
	var err error
	if r.re, err = regexp.Compile(d.Regex); err != nil {
		return nil, fmt.Errorf("rule %q: regex: %w", id, err)
	}
	if d.Path != "" {
		if r.path, err = regexp.Compile(d.Path); err != nil {
			return nil, fmt.Errorf("rule %q: path: %w", id, err)
		}
	}
	if d.SecretGroup < 0 || d.SecretGroup > r.re.NumSubexp() {
		return nil, fmt.Errorf("rule %q: invalid regex secret group %d, max regex secret group %d", id, d.SecretGroup, r.re.NumSubexp())
	}
	for _, k := range d.Keywords {
		if k = strings.ToLower(k); k != "" {
			r.keywords = append(r.keywords, k)
		}
	}
	if d.Allowlist != nil {
		if len(d.Allowlists) > 0 {
			return nil, fmt.Errorf("rule %q: [rules.allowlist] is deprecated, it cannot be used alongside [[rules.allowlists]]", id)
		}
		d.Allowlists = append(d.Allowlists, *d.Allowlist)
	}
	for _, ad := range d.Allowlists {
		a, err := compileAllowlist(ad)
		if err != nil {
			return nil, fmt.Errorf("rule %q: [[rules.allowlists]] %w", id, err)
		}
		r.allow = append(r.allow, a)
	}
	return r, nil
}

// extend merges base (an [extend] path file) under c, as gitleaks does:
// base rules are added unless disabled; a rule in both keeps base's
// fields where c leaves them unset and gets both's tags, keywords and
// allowlists; global allowlists are appended.
func (c *Config) extend(base *Config, disabled []string) error {
	for _, id := range disabled {
		if base.byID[id] == nil {
			return fmt.Errorf("[extend] disabledRules: %q is not a rule of %s", id, base.Path)
		}
	}
	c.UseDefault = c.UseDefault || base.UseDefault
	c.DisableBuiltin = append(c.DisableBuiltin, base.DisableBuiltin...)
	for _, b := range base.rules {
		if slices.Contains(disabled, b.id) {
			continue
		}
		cur := c.byID[b.id]
		if cur == nil {
			nb := *b
			c.byID[b.id] = &nb
			c.rules = append(c.rules, &nb)
			continue
		}
		merged := *b
		if cur.description != "" {
			merged.description = cur.description
		}
		if cur.entropy != 0 {
			merged.entropy = cur.entropy
		}
		if cur.secretGroup != 0 {
			merged.secretGroup = cur.secretGroup
		}
		merged.re = cur.re // a rule always has a regex here
		if cur.path != nil {
			merged.path = cur.path
		}
		if merged.secretGroup > merged.re.NumSubexp() {
			return fmt.Errorf("rule %q: invalid regex secret group %d, max regex secret group %d", b.id, merged.secretGroup, merged.re.NumSubexp())
		}
		merged.tags = append(slices.Clone(b.tags), cur.tags...)
		merged.keywords = append(slices.Clone(b.keywords), cur.keywords...)
		merged.allow = append(slices.Clone(b.allow), cur.allow...)
		*cur = merged
	}
	c.global = append(c.global, base.global...)
	return nil
}

// Rules returns the file's rules as pretense rules, in file order.
func (c *Config) Rules() []rules.Rule {
	out := make([]rules.Rule, 0, len(c.rules))
	for _, r := range c.rules {
		desc := r.description
		if desc == "" {
			desc = "gitleaks rule " + r.id
		}
		out = append(out, rules.Rule{
			ID:          r.id,
			Description: desc,
			Kind:        finding.KindSecret,
			Severity:    finding.SeverityHigh,
			Keywords:    slices.Clone(r.keywords),
			Pattern:     r.re.String(),
			Tags:        append([]string{"gitleaks"}, r.tags...),
			AsWritten:   true,
			Filter:      c.filterFor(r),
		})
	}
	return out
}

// IDs lists the rule ids the file defines.
func (c *Config) IDs() []string {
	out := make([]string, 0, len(c.rules))
	for _, r := range c.rules {
		out = append(out, r.id)
	}
	return out
}
