package rules

import (
	"regexp"
	"strings"
	"sync"
)

// lazyRegexp compiles pattern on first use. Package-level regexes compiled
// at init cost every start of the binary (pretense version included) their
// compile time and ~150 KB of fresh memory, though a scan of a few clean
// files never consults them.
func lazyRegexp(pattern string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(pattern) })
}

// The global allowlists: values that look like secrets but are documented
// examples, placeholders, references to the environment, or lockfile
// integrity hashes. They apply to every secret and PHI rule.
var (
	// AWS, Stripe, Slack and others publish example credentials; by
	// convention they contain EXAMPLE, and nobody issues a real key so.
	exampleValue = lazyRegexp(`(?i)example|sample[-_]?key|not[-_]?a[-_]?real|fake[-_]?(?:key|token|secret|password)`)
	// Placeholders: <your-token>, ${VAR}, {{ var }}, %(var)s, $VAR,
	// xxxx…, ****, changeme, and friends.
	placeholderValue = lazyRegexp(`(?i)^(?:\$\{[^}]*\}?|\$\(|\{\{.*|%\(|\$[A-Za-z_][A-Za-z0-9_]*$|<[^>]*>?$)|<[a-z0-9_ -]+>|(?-i:xxxx|XXXX)|\*{3,}|\.{3,}|change[-_]?me|changeit|placeholder|replace[-_]?(?:me|with|this)|your[-_ ]?(?:api[-_ ]?)?(?:key|token|secret|password|pass)|insert[-_ ]?(?:your|key|token)|redacted|dummy|^(?:null|none|nil|undefined|true|false|password|secret|token)$`)
	// References to the environment or a secret store instead of a value.
	envReference = lazyRegexp(`(?i)os\.environ|os\.getenv|process\.env|System\.getenv|Environment\.GetEnvironmentVariable|ENV\[|ENV\.fetch|getenv\(|env\(|\bsecrets\.[A-Za-z_]|\bvars\.[A-Za-z_]|\$\{\{|\$\{[A-Za-z_]|vault:|ssm:|secretsmanager`)
	// Keys published in vendor documentation for local emulators, matched
	// by a prefix long enough to be unique: the Azurite / Azure Storage
	// Emulator account key is the same on every machine.
	publicKeyPrefixes = []string{"Eby8vdM02xNOcqFlqUwJPLlm"}
	// Subresource-integrity and module checksums in lockfiles.
	// A printf verb (%s, %d, %c, %v, %q, %x) followed by a non-alphanumeric
	// byte or the end: the value is a format string filled in at run time
	// ("%c^wz9…", "key=%s"), not a secret. A digit before the letter is a
	// percent escape (%2c), not a verb, so it is not matched.
	formatVerb   = lazyRegexp(`%[-+# ]?[sdcvqx](?:[^A-Za-z0-9]|$)`)
	lockfileHash = lazyRegexp(`^(?:sha1|sha256|sha384|sha512)-[A-Za-z0-9+/]{20,}={0,2}$|^h1:[A-Za-z0-9+/]{43}=$`)
)

// globallyAllowed reports whether value (or the whole regex match around
// it) is one of the known non-secrets.
func globallyAllowed(value string, whole []byte) bool {
	for _, p := range publicKeyPrefixes {
		if strings.HasPrefix(value, p) {
			return true
		}
	}
	if repeatedChar(value) || sequentialRun(value) || steppedFiller(value) {
		return true
	}
	// Only the regexes whose hints the value holds can match it
	// (allowhints.go).
	h := allowHintsOf(value)
	if h&hintFormat != 0 && formatVerb().MatchString(value) ||
		h&hintExample != 0 && exampleValue().MatchString(value) ||
		h&hintPlaceholder != 0 && placeholderValue().MatchString(value) ||
		h&hintEnv != 0 && envReference().MatchString(value) ||
		h&hintLockfile != 0 && lockfileHash().MatchString(value) {
		return true
	}
	// An assignment whose right-hand side reads the environment
	// (password = os.environ["DB_PASSWORD"]) holds no secret, even when the
	// regex captured the variable name as the value.
	if len(whole) > len(value) && allowHintsOf(whole)&hintEnv != 0 && envReference().Match(whole) {
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

// HandTyped reports values typed by hand as stand-ins for a key: one
// character or a short unit repeated, a long ascending run, or stepped
// filler. tools/secretbench uses it to set such samples aside.
func HandTyped(v string) bool {
	return repeatedChar(v) || sequentialRun(v) || steppedFiller(v)
}

// steppedFiller reports hand-typed filler built from short ascending runs
// ("abc123def456ghi789jkl012", "a1b2c3d4e5f6g7h8"): a value of 12 or more
// bytes in which at least half of the adjacent pairs of the same class
// are successor steps (b after a, 2 after 1, 0 after 9), counting pairs
// one apart and, for interleaved runs, two apart. Generated keys have
// about one such pair in 36.
func steppedFiller(v string) bool {
	if len(v) < 12 {
		return false
	}
	best := 0.0
	for gap := 1; gap <= 2; gap++ {
		steps, pairs := 0, 0
		for i := gap; i < len(v); i++ {
			a, b := v[i-gap], v[i]
			switch {
			case isDigit(a) && isDigit(b):
				pairs++
				if b == a+1 || a == '9' && b == '0' {
					steps++
				}
			case isLetter(a) && isLetter(b) && isLower(a) == isLower(b):
				pairs++
				if b == a+1 {
					steps++
				}
			}
		}
		if pairs >= 8 {
			best = max(best, float64(steps)/float64(len(v)-gap))
		}
	}
	return best >= 0.5
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLower(c byte) bool  { return c >= 'a' && c <= 'z' }
func isLetter(c byte) bool { return isLower(c) || c >= 'A' && c <= 'Z' }
