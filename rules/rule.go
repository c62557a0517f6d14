// Package rules turns rule definitions into an immutable, concurrency-safe
// Ruleset that finds secrets and PHI in any byte slice: a file, a diff hunk,
// an API request body. Directory scans, git scans and the proxy share it.
//
// # How a scan runs
//
// One Aho-Corasick automaton holds every keyword of every rule (ASCII
// case-insensitive). A scan runs it once over the input; each keyword hit
// opens a window of bytes around it for the rules that own the keyword, the
// windows of one rule are merged, and only then does that rule's regex run,
// inside its windows. A rule's regex therefore never runs over a whole file,
// and a file with no keyword costs one automaton pass.
//
// After a regex matches: the `pretense:allow` marker on the line, the
// capture group, the global allowlists (documented example keys,
// placeholders, environment references, lockfile hashes), the rule's own
// allowlist and stopwords, the entropy floor, and finally the rule's named
// checks (checksums, context) run, cheapest first.
//
// Only this package compiles regular expressions.
package rules

import (
	"github.com/pretense/pretense/finding"
)

// Rule is one detection definition. Built-in rules are YAML documents
// embedded in the binary (builtin/*.yaml); users add their own in
// .pretense.yaml with the same fields.
type Rule struct {
	ID          string           `yaml:"id"`
	Description string           `yaml:"description"`
	Kind        finding.Kind     `yaml:"kind"`
	Severity    finding.Severity `yaml:"severity"`
	// Category and Entity describe PHI findings (Safe Harbor category,
	// entity type) and may name the credential type for secrets.
	Category string `yaml:"category"`
	Entity   string `yaml:"entity"`
	// Keywords gate the rule: its regex runs only near one of them. Matched
	// ASCII case-insensitively. Every rule needs at least one.
	Keywords []string `yaml:"keywords"`
	// Pattern is an RE2 regular expression.
	Pattern string `yaml:"pattern"`
	// SecretGroup is the capture group holding the value (0 = whole match).
	SecretGroup int `yaml:"secretGroup"`
	// Entropy is the Shannon entropy floor (bits per byte) of the value.
	Entropy float64 `yaml:"entropy"`
	// Window overrides the bytes looked at on each side of a keyword hit
	// (default 512); private keys need more.
	Window int `yaml:"window"`
	// Allow lists regexes; a value matching any of them is not reported.
	Allow []string `yaml:"allow"`
	// Stopwords are substrings that, found in the value (case-insensitive),
	// mark it as a placeholder.
	Stopwords []string `yaml:"stopwords"`
	// Checks name Go validators run after the regex (see RegisterCheck).
	Checks []string `yaml:"checks"`
	// Confidence is the starting confidence of a match (default 0.9).
	Confidence float64 `yaml:"confidence"`
	// MinMode is the PHI mode a PHI rule needs (standard or strict).
	MinMode Mode     `yaml:"minMode"`
	Tags    []string `yaml:"tags"`
	// NoGenericOverlap marks generic rules: their finding is dropped when a
	// specific rule found the same value.
	Generic bool `yaml:"generic"`
	// Prefilter opens windows that need no keyword. "digits" opens one
	// around every run of at least MinDigits digits (single - . / or space
	// separators allowed), for PHI values whose context sits far away (a
	// CSV header, an INSERT column list) or that need none (a formatted
	// SSN). When the rule needs context in the current mode and none of
	// its keywords occurs in the input, the prefilter is skipped: the
	// value could not pass the context check anyway.
	Prefilter string `yaml:"prefilter"`
	MinDigits int    `yaml:"minDigits"`
	// MaxDigits, when set, skips longer runs (a ten-digit run is no SSN).
	MaxDigits int `yaml:"maxDigits"`
	// Context tells a PHI rule which labels, field names and column names
	// make a value PHI, and what happens without one (see phi_context.go).
	Context *Context `yaml:"context"`
	// Remediation links to the provider's page on revoking or rotating
	// the credential.
	Remediation string `yaml:"remediation"`
	// Owns lists names (matched inside an assigned name, case-insensitive)
	// whose values this provider rule decides about: a value it rejected
	// under such a name is not reported by a generic rule either.
	Owns []string `yaml:"owns"`
	// Samples are checked by the rule tests: every true positive must be
	// found by this rule, no false positive may be.
	Samples Samples `yaml:"samples"`

	// AsWritten runs a rule the way a gitleaks rule runs (set by Go code
	// that translates another tool's rules, never by YAML): its regex runs
	// over the whole input once any keyword occurs, or always when it has
	// no keywords, and the built-in allowlists of placeholders and
	// documented examples do not apply, so it reports what its author's
	// tool reports.
	AsWritten bool `yaml:"-"`
	// Filter, when set, runs after the allowlists and before Checks; like
	// a check it may narrow the value or drop the match. Go code only.
	Filter CheckFunc `yaml:"-"`
}

// Samples hold test inputs for a rule. Entries are templates expanded by
// ExpandSample, so the repository holds no secret-shaped literal.
type Samples struct {
	TP []string `yaml:"tp"`
	FP []string `yaml:"fp"`
}

// Mode is the PHI detection level.
type Mode string

const (
	ModeOff      Mode = "off"
	ModeStandard Mode = "standard"
	ModeStrict   Mode = "strict"
)

// ParseMode validates a phi-mode value.
func ParseMode(s string) (Mode, bool) {
	switch Mode(s) {
	case ModeOff, ModeStandard, ModeStrict:
		return Mode(s), true
	case "":
		return ModeOff, true
	}
	return "", false
}

func (m Mode) rank() int {
	switch m {
	case ModeStandard:
		return 1
	case ModeStrict:
		return 2
	}
	return 0
}

// Options select and tune the rules compiled into a Ruleset.
type Options struct {
	// PHIMode adds the PHI rules (off by default).
	PHIMode Mode
	// Disable lists rule ids to leave out.
	Disable []string
	// AllowValues are extra regexes for values never to report.
	AllowValues []string
}

// Match is one value a rule found in the scanned bytes.
type Match struct {
	Rule *Rule
	// Start and End are byte offsets of the value in the scanned input.
	Start, End int
	Value      string
	Confidence float64
	// Reasons say which checks and context decided the match.
	Reasons []string
	// Decoded names the encodings peeled off to reach the value.
	Decoded string
}
