package rules

import "sync"

// CheckContext is what a named check sees of one regex match. A check may
// lower or raise Confidence and append Reasons; returning false drops the
// match. It is valid for the call only: a scan reuses one for the next
// match.
type CheckContext struct {
	// Data is the whole input being scanned; Start and End locate the value.
	Data       []byte
	Start, End int
	Value      string
	Mode       Mode
	Confidence float64
	Reasons    []string
	// Rule is the rule being checked (nil in unit tests of a check).
	Rule *Rule
	// MatchStart and MatchEnd locate the whole regex match, of which the
	// value is a capture group.
	MatchStart, MatchEnd int
	// scan is what the keyword pass found in Data (nil in unit tests).
	scan *scanState
	// owned is the Ruleset's provider-owned names (grammar.go); nil in
	// unit tests of a check, where the built-in rules' names apply.
	owned *ownedNames
	// reasonBuf backs Reasons while a scan judges a candidate: most
	// candidates gain a reason and are then dropped, and a slice of
	// their own was one allocation each. A match takes a copy.
	reasonBuf [4]string
}

// ownedNames returns the lower-case names the scanning Ruleset's provider
// rules own, or, in a unit test of a check, those of the built-in rules.
func (c *CheckContext) ownedNames() [][]byte {
	return c.ownedSet().names
}

// ownedSet is ownedNames with its index (nil when there are none).
func (c *CheckContext) ownedSet() *ownedNames {
	if c.owned != nil {
		return c.owned
	}
	return builtinOwned()
}

// builtinOwned is the built-in rules' ownership, computed once (tests only:
// a scan passes its Ruleset's).
var builtinOwned = sync.OnceValue(func() *ownedNames {
	var crs []*compiledRule
	for _, r := range Builtin() {
		crs = append(crs, &compiledRule{def: &r})
	}
	return newOwnedNames(crs)
})

// CheckFunc validates a match beyond what a regex can say (checksums,
// issued ranges, surrounding context).
type CheckFunc func(c *CheckContext) bool

// lookupCheck finds a named check among the built-in ones. The maps are
// package-level literals and never written after initialisation, so a
// compiled Ruleset stays safe for concurrent use.
func lookupCheck(name string) (CheckFunc, bool) {
	if f, ok := secretChecks[name]; ok {
		return f, true
	}
	f, ok := phiChecks[name]
	return f, ok
}

// CheckNames lists every named check, for error messages.
func CheckNames() []string {
	var names []string
	for n := range secretChecks {
		names = append(names, n)
	}
	for n := range phiChecks {
		names = append(names, n)
	}
	return names
}

var secretChecks = map[string]CheckFunc{
	// jwt requires the header segment to decode to a JSON object naming an
	// algorithm, which random "eyJ..." strings in minified code do not.
	"jwt": checkJWT,
	// not-all-same-class drops values made of one character class only
	// (all lowercase words, all digits), typical of identifiers and counters.
	"mixed-classes": checkMixedClasses,
	// generic-value drops right-hand sides that are code, not literals:
	// identifiers without digits, dotted paths, function calls.
	"generic-value": checkGenericValue,
	// word-start drops a prefixed token that continues a longer identifier;
	// it lets token patterns start with a literal instead of \b.
	"word-start": checkWordStart,
	// glued-checksum is word-start for GitHub and npm tokens, except that a
	// glued token with a valid checksum is kept.
	"glued-checksum": checkGluedChecksum,
	// github-checksum verifies the CRC32 tail of GitHub and npm tokens and
	// raises or lowers confidence; it never drops a match.
	"github-checksum": checkGitHubChecksum,
	// aws-context keeps a 40-character secret only when its key name or
	// the text around it names AWS.
	"aws-context": checkAWSContext,
	// discord-snowflake requires a bot token's first segment to decode to
	// a numeric Discord id.
	"discord-snowflake": checkDiscordSnowflake,
	// azure-sas-signature requires sig= to decode to a 32-byte HMAC.
	"azure-sas-signature": checkAzureSASSignature,
	// generic-key-name drops assignments to names that describe a secret
	// instead of holding one (token_url, secret_name, nextPageToken).
	"generic-key-name": checkGenericKeyName,
	// pair-key-name is generic-key-name for a name/value pair: the name is
	// the field before "value" (- name: API_TOKEN / value: v).
	"pair-key-name": checkPairKeyName,
	// pair-key-name-after is pair-key-name for a record whose value comes
	// first: the name is the field after the value.
	"pair-key-name-after": checkPairKeyNameAfter,
	// plaintext-flag keeps a ConvertTo-SecureString argument only when the
	// line says it is plain text (-AsPlainText).
	"plaintext-flag": checkPlaintextFlag,
	// code-expression drops unquoted values that are expressions over
	// identifiers (queueDepth+maxConcurrency), not literals.
	"code-expression": checkCodeExpression,
	// placeholder-password drops documentation passwords in URIs and
	// connection strings after percent-decoding and l33t folding.
	"placeholder-password": checkPlaceholderPassword,
	// readable-value drops values made of plain words and numbers joined
	// by separators (client-valid-token-1, Proxy-Authorization).
	"readable-value": checkReadableValue,
	// connection-string keeps ;Password= only after Server=, Data Source=,
	// Host= or jdbc: on the same line.
	"connection-string": checkConnectionString,
	// basic-auth drops Basic credentials whose password is a placeholder.
	"basic-auth": checkBasicAuth,
	// vault-context keeps an AppRole secret_id only near "vault"/"approle".
	"vault-context": checkVaultContext,
	// atlassian-dc-pat requires the base64 of a numeric id and random bytes.
	"atlassian-dc-pat": checkAtlassianDCPAT,
	// docker-auth requires base64 of user:password with a real password.
	"docker-auth": checkDockerAuth,
	// name-part requires the rule's keyword to start a word of the
	// assigned name (etsy_key, myEtsyToken), not to sit inside another
	// word (SetSysctl, CameraKit).
	"name-part": checkNamePart,
	// has-digit drops values without a digit: identifiers, not tokens.
	"has-digit": checkHasDigit,
	// published-key drops keys published in public SDK test fixtures.
	"published-key": checkPublishedKey,
	// percent-decoded judges entropy and readability after decoding
	// valid %XX escapes.
	"percent-decoded": checkPercentDecoded,
	// uri-scheme requires a well-formed URI scheme where a URI can start
	// (not ?ostgres://u:p@host).
	"uri-scheme": checkURIScheme,
	// kube-data-value requires a Secret's data value to decode to a real
	// password (printable, not a placeholder) or to key material.
	"kube-data-value": checkKubeDataValue,
}
