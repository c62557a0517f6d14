package rules

import (
	"regexp"
	"strings"
)

// The global allowlists: values that look like secrets but are documented
// examples, placeholders, references to the environment, or lockfile
// integrity hashes. They apply to every secret and PHI rule.
var (
	// AWS, Stripe, Slack and others publish example credentials; by
	// convention they contain EXAMPLE, and nobody issues a real key so.
	exampleValue = regexp.MustCompile(`(?i)example|sample[-_]?key|not[-_]?a[-_]?real|fake[-_]?(?:key|token|secret|password)`)
	// Placeholders: <your-token>, ${VAR}, {{ var }}, %(var)s, $VAR,
	// xxxx…, ****, changeme, and friends.
	placeholderValue = regexp.MustCompile(`(?i)^(?:\$\{[^}]*\}?|\$\(|\{\{.*|%\(|\$[A-Za-z_][A-Za-z0-9_]*$|<[^>]*>?$)|<[a-z0-9_ -]+>|(?-i:xxxx|XXXX)|\*{3,}|\.{3,}|change[-_]?me|changeit|placeholder|replace[-_]?(?:me|with|this)|your[-_ ]?(?:api[-_ ]?)?(?:key|token|secret|password|pass)|insert[-_ ]?(?:your|key|token)|redacted|dummy|^(?:null|none|nil|undefined|true|false|password|secret|token)$`)
	// References to the environment or a secret store instead of a value.
	envReference = regexp.MustCompile(`(?i)os\.environ|os\.getenv|process\.env|System\.getenv|Environment\.GetEnvironmentVariable|ENV\[|ENV\.fetch|getenv\(|env\(|\bsecrets\.[A-Za-z_]|\bvars\.[A-Za-z_]|\$\{\{|\$\{[A-Za-z_]|vault:|ssm:|secretsmanager`)
	// Keys published in vendor documentation for local emulators, matched
	// by a prefix long enough to be unique: the Azurite / Azure Storage
	// Emulator account key is the same on every machine.
	publicKeyPrefixes = []string{"Eby8vdM02xNOcqFlqUwJPLlm"}
	// Subresource-integrity and module checksums in lockfiles.
	lockfileHash = regexp.MustCompile(`^(?:sha1|sha256|sha384|sha512)-[A-Za-z0-9+/]{20,}={0,2}$|^h1:[A-Za-z0-9+/]{43}=$`)
)

// globallyAllowed reports whether value (or the whole regex match around
// it) is one of the known non-secrets.
func globallyAllowed(value string, whole []byte) bool {
	for _, p := range publicKeyPrefixes {
		if strings.HasPrefix(value, p) {
			return true
		}
	}
	if repeatedChar(value) || sequentialRun(value) || exampleValue.MatchString(value) || placeholderValue.MatchString(value) ||
		envReference.MatchString(value) || lockfileHash.MatchString(value) {
		return true
	}
	// An assignment whose right-hand side reads the environment
	// (password = os.environ["DB_PASSWORD"]) holds no secret, even when the
	// regex captured the variable name as the value.
	if len(whole) > len(value) && envReference.Match(whole) {
		return true
	}
	return false
}

// repeatedChar reports values made of one repeated character or a short
// repeated unit ("0000…", "abcabcabc"), never a real key.
func repeatedChar(v string) bool {
	if len(v) < 4 {
		return false
	}
	for unit := 1; unit <= 4 && unit*2 <= len(v); unit++ {
		if strings.Repeat(v[:unit], len(v)/unit+1)[:len(v)] == v {
			return true
		}
	}
	return false
}

// sequentialRun reports values holding an ascending run of at least eight
// digits or letters (0123456789, abcdefgh) or a descending run of digits
// (87654321): hand-typed stand-ins such as
// ghp_0123456789abcdefghij…, never generated keys.
func sequentialRun(v string) bool {
	run := 1
	for i := 1; i < len(v); i++ {
		a, b := v[i-1], v[i]
		if b == a+1 && (a >= '0' && b <= '9' || a >= 'a' && b <= 'z' || a >= 'A' && b <= 'Z') ||
			a == b+1 && b >= '0' && a <= '9' {
			run++
			if run >= 8 {
				return true
			}
			continue
		}
		run = 1
	}
	return false
}
