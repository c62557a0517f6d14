// Package finding is the shared vocabulary of pretense: what a finding is,
// where it was found, how severe it is, its stable keyed fingerprint and its
// redacted preview. It is a leaf package: every engine speaks it, it imports
// nothing of ours.
package finding

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Kind separates credentials from protected health information, so reports,
// SARIF tags and the proxy's error messages can tell them apart.
type Kind string

const (
	KindSecret Kind = "secret"
	KindPHI    Kind = "phi"
)

// Severity orders findings for reports and for SARIF's security-severity.
type Severity string

const (
	SeverityLow      Severity = "low"
	SeverityMedium   Severity = "medium"
	SeverityHigh     Severity = "high"
	SeverityCritical Severity = "critical"
)

// Rank gives severities an order (higher is worse); unknown values rank 0.
func (s Severity) Rank() int {
	switch s {
	case SeverityLow:
		return 1
	case SeverityMedium:
		return 2
	case SeverityHigh:
		return 3
	case SeverityCritical:
		return 4
	}
	return 0
}

// SecurityScore is the CVSS-like number GitHub code scanning ranks alerts by.
func (s Severity) SecurityScore() string {
	switch s {
	case SeverityCritical:
		return "9.5"
	case SeverityHigh:
		return "8.0"
	case SeverityMedium:
		return "5.5"
	default:
		return "3.0"
	}
}

// ValidSeverity reports whether s is one of the four names.
func ValidSeverity(s string) bool { return Severity(s).Rank() > 0 }

// Finding is one detected secret or PHI value at one place.
//
// Secret holds the raw value in memory only: it is tagged json:"-" so no
// writer can serialise it by accident; writers show Redacted unless the user
// asked for --no-redact, in which case they read Secret explicitly.
type Finding struct {
	RuleID      string   `json:"ruleId"`
	Kind        Kind     `json:"kind"`
	Description string   `json:"description"`
	Severity    Severity `json:"severity"`
	// Confidence is between 0 and 1: how sure the rule and its validators
	// are that this value is real.
	Confidence float64 `json:"confidence"`
	// Category is the HIPAA Safe Harbor identifier category for PHI
	// (45 CFR 164.514(b)(2)), empty for secrets.
	Category string `json:"category,omitempty"`
	// Entity is the kind of value, e.g. "SSN", "NPI", "AWS access key".
	Entity string `json:"entity,omitempty"`
	// Reasons say which validators and context words decided the finding.
	Reasons []string `json:"reasons,omitempty"`
	Tags    []string `json:"tags,omitempty"`

	Path      string `json:"path"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"endLine"`
	EndColumn int    `json:"endColumn"`

	// Commit, Author date and source mode are set when the bytes came from git.
	Commit string `json:"commit,omitempty"`
	Date   string `json:"date,omitempty"`

	// Decoded names the encodings peeled off to reach the value,
	// outermost first (e.g. "base64", "base64>percent").
	Decoded string `json:"decoded,omitempty"`

	Redacted    string `json:"redacted"`
	Fingerprint string `json:"fingerprint"`

	Secret string `json:"-"`
}

// Redact masks a value, keeping at most a short prefix so a reader can tell
// which credential it was without the value being recoverable. PHI keeps no
// characters at all: even four digits of an SSN are sensitive.
func Redact(kind Kind, value string) string {
	if kind == KindPHI {
		return strings.Repeat("*", min(len(value), 8)) + "[REDACTED]"
	}
	keep := 0
	switch {
	case len(value) >= 24:
		keep = 6
	case len(value) >= 12:
		keep = 3
	}
	// Never cut a multi-byte character in half.
	for keep > 0 && keep < len(value) && !isBoundary(value, keep) {
		keep--
	}
	return value[:keep] + "…[REDACTED]"
}

func isBoundary(s string, i int) bool { return s[i]&0xC0 != 0x80 }

// Fingerprinter computes stable, keyed identities for findings. The key keeps
// fingerprints of low-entropy values (an SSN has a billion possibilities)
// from being reversed by enumeration when a report leaves the machine.
type Fingerprinter struct{ key []byte }

// DefaultFingerprintKey is used when the team has not set PRETENSE_KEY. It
// keeps fingerprints stable across machines (so a committed baseline works in
// CI) but, being public, only protects high-entropy values; setting a shared
// PRETENSE_KEY protects PHI fingerprints too.
const DefaultFingerprintKey = "pretense-fingerprint-v1"

// NewFingerprinter returns a Fingerprinter keyed with key.
func NewFingerprinter(key []byte) Fingerprinter {
	if len(key) == 0 {
		key = []byte(DefaultFingerprintKey)
	}
	return Fingerprinter{key: append([]byte(nil), key...)}
}

// Of returns the fingerprint of value under ruleID: 32 hex characters of
// HMAC-SHA256(key, ruleID NUL value). It never contains the value.
func (f Fingerprinter) Of(ruleID, value string) string {
	m := hmac.New(sha256.New, f.key)
	m.Write([]byte(ruleID))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// Skipped records an input that was not scanned, and why; reports show it
// so nothing is passed over silently.
type Skipped struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}
