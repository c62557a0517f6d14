package rules

import (
	"bytes"
	"encoding/base64"
	"hash/crc32"
	"net/netip"
	"net/url"
	"strings"
)

// Named checks used by the built-in secret rules (see secretChecks in
// checks.go). Each one looks at one regex match and answers what a regex
// cannot: a checksum, a decoding, the words around the value.

// checkWordStart drops a match whose value continues a longer identifier
// (MASK... for a Twilio SK..., run_npm_... for npm_...). Prefixed token
// rules use it instead of a leading \b so their pattern starts with a
// literal, which Go's regexp finds with a fast byte search.
func checkWordStart(c *CheckContext) bool {
	if c.Start == 0 {
		return true
	}
	return !isWordByte(c.Data[c.Start-1])
}

// checkGluedChecksum is word-start for checksummed tokens (GitHub, npm):
// a token run together with letters on either side ("xghp_…abc", pasted
// without a separator or hidden inside a longer string) is still a token
// when its CRC32 tail is valid; a glued match with a wrong checksum is a
// longer identifier that happens to contain the prefix (sghp_…, ghp_ + 40
// characters), as word boundaries used to decide. A token standing alone
// is kept either way (github-checksum sets its confidence).
func checkGluedChecksum(c *CheckContext) bool {
	glued := c.Start > 0 && isWordByte(c.Data[c.Start-1]) || c.End < len(c.Data) && isWordByte(c.Data[c.End])
	return !glued || githubChecksumValid(c.Value)
}

// githubChecksumValid reports whether v (prefix_ + 30 characters + 6
// checksum characters) carries a valid CRC32 tail.
func githubChecksumValid(v string) bool {
	i := strings.IndexByte(v, '_')
	if i < 0 || len(v)-i-1 != 36 {
		return false
	}
	return githubCRC(v[i+1:len(v)-6]) == v[len(v)-6:]
}

func isWordByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b|0x20 >= 'a' && b|0x20 <= 'z'
}

// isNameByte reports whether b may be part of an assigned name:
// a word byte, or the - and . of api-key and config.secret.
func isNameByte(b byte) bool {
	return isWordByte(b) || b == '-' || b == '.'
}

// base62 is the alphabet GitHub and npm use for the checksum tail of their
// tokens.
const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// checkGitHubChecksum verifies the CRC32 that GitHub (ghp_, gho_, ghu_,
// ghs_, ghr_) and npm (npm_) put in the last six characters of a token:
// the IEEE CRC32 of the 30 random characters after the prefix, in base62.
// A valid checksum makes the match near-certain; a wrong one usually
// means a hand-made test token or a truncated copy, which is still worth
// reporting, but with less confidence. It never drops a match.
func checkGitHubChecksum(c *CheckContext) bool {
	v := c.Value
	if i := strings.IndexByte(v, '_'); i < 0 || len(v)-i-1 != 36 {
		return true // ghr_ tokens may be longer; they carry no checksum we know
	}
	if githubChecksumValid(v) {
		c.Confidence = max(c.Confidence, 0.99)
		c.Reasons = append(c.Reasons, "token checksum valid")
	} else {
		c.Confidence = min(c.Confidence, 0.75)
		c.Reasons = append(c.Reasons, "token checksum does not match (test or truncated token?)")
	}
	return true
}

// githubCRC returns the six-character base62 checksum of body.
func githubCRC(body string) string {
	n := crc32.ChecksumIEEE([]byte(body))
	var out [6]byte
	for i := 5; i >= 0; i-- {
		out[i] = base62[n%62]
		n /= 62
	}
	return string(out[:])
}

// checkAWSContext accepts a 40-character AWS secret when the key name says
// AWS (aws_secret_access_key, SecretAccessKey) or, for a bare secret_key,
// when "aws" or "amazon" appears within awsContextRadius bytes: a generic
// secret_key = <40 chars> elsewhere is left to the generic rule.
func checkAWSContext(c *CheckContext) bool {
	lineStart := c.Start
	for lineStart > 0 && c.Start-lineStart < 160 && c.Data[lineStart-1] != '\n' {
		lineStart--
	}
	key := bytes.ToLower(c.Data[lineStart:c.Start])
	if bytes.Contains(key, []byte("aws")) || bytes.Contains(key, []byte("secretaccesskey")) ||
		bytes.Contains(key, []byte("secret_access_key")) || bytes.Contains(key, []byte("secret-access-key")) {
		return true
	}
	if awsKeyIDIn(c.Data[max(0, c.MatchStart):c.Start]) {
		return true // the secret follows its access key id (a constructor's arguments)
	}
	if nearAny(c.Data, c.Start, c.End, awsContextRadius, "aws", "amazon") {
		c.Reasons = append(c.Reasons, "AWS named nearby")
		return true
	}
	return false
}

const awsContextRadius = 512

// awsKeyIDIn reports whether b holds an access key id: AKIA or ASIA and
// 16 base32 characters.
func awsKeyIDIn(b []byte) bool {
	for i := 0; i+20 <= len(b); i++ {
		if b[i] != 'A' || b[i+2] != 'I' || b[i+3] != 'A' || (b[i+1] != 'K' && b[i+1] != 'S') {
			continue
		}
		ok := true
		for _, x := range b[i+4 : i+20] {
			if !(x >= 'A' && x <= 'Z' || x >= '2' && x <= '7') {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// nearAny reports whether one of words (lowercase ASCII) occurs within
// radius bytes of data[start:end], case-insensitively.
func nearAny(data []byte, start, end, radius int, words ...string) bool {
	lo, hi := max(0, start-radius), min(len(data), end+radius)
	region := bytes.ToLower(data[lo:hi])
	for _, w := range words {
		if bytes.Contains(region, []byte(w)) {
			return true
		}
	}
	return false
}

// checkDiscordSnowflake requires the first segment of a Discord bot token
// to be the base64 of the bot's numeric id (a 17-20 digit snowflake).
// Random dotted base64 in minified code or test data does not decode to
// digits, so this removes nearly every accidental match.
func checkDiscordSnowflake(c *CheckContext) bool {
	seg, _, ok := strings.Cut(c.Value, ".")
	if !ok {
		return false
	}
	seg = strings.TrimRight(seg, "=")
	raw, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		raw, err = base64.RawStdEncoding.DecodeString(seg)
	}
	if err != nil || len(raw) < 17 || len(raw) > 20 {
		return false
	}
	for _, b := range raw {
		if b < '0' || b > '9' {
			return false
		}
	}
	c.Reasons = append(c.Reasons, "first segment decodes to a Discord id")
	return true
}

// checkAzureSASSignature requires the sig= value of a SAS URL to decode to
// a 32-byte HMAC-SHA256, the only signature Azure issues. Other sig=
// parameters (hex digests, short nonces) fail.
func checkAzureSASSignature(c *CheckContext) bool {
	v, err := url.PathUnescape(c.Value)
	if err != nil {
		return false
	}
	raw, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(raw) != 32 {
		return false
	}
	if !sasFieldsValid(c.Data, c.Start) {
		return false
	}
	c.Reasons = append(c.Reasons, "signature decodes to an HMAC-SHA256")
	return true
}

// sasFieldsValid checks the other fields of the SAS query that holds the
// signature at data[sig:] against the values Azure documents for them
// (service and account SAS): a token whose permissions hold a letter no
// service grants (sp=rqx), whose resource is not one Azure names (sr=z),
// whose version is not a date, or whose IP range is not an address was
// not issued by Azure, whatever its signature looks like. Fields that are
// absent or that Azure may add later are not judged.
func sasFieldsValid(data []byte, sig int) bool {
	lo := sig
	for lo > 0 && sig-lo < 2048 && strings.IndexByte(" \t\r\n\"'`<>", data[lo-1]) < 0 {
		lo--
	}
	q := string(data[lo:sig])
	if i := strings.LastIndexByte(q, '?'); i >= 0 {
		q = q[i+1:]
	}
	for part := range strings.SplitSeq(q, "&") {
		name, value, ok := sasField(part)
		if ok && !sasValueValid(name, value) {
			return false
		}
	}
	return true
}

// sasField finds the SAS field in one &-separated part of a query: the
// last name=value whose name is a run of lower-case letters standing
// alone (AZURE_SAS_TOKEN=sp=r gives sp, r).
func sasField(part string) (name, value string, ok bool) {
	for i := len(part) - 1; i > 0; i-- {
		if part[i] != '=' {
			continue
		}
		j := i
		for j > 0 && isLowerASCII(part[j-1]) {
			j--
		}
		if j < i && (j == 0 || !isWordByte(part[j-1])) {
			return part[j:i], part[i+1:], true
		}
	}
	return "", "", false
}

// sasValueValid judges one SAS field by Azure's documented values.
func sasValueValid(name, v string) bool {
	v = strings.ReplaceAll(strings.ReplaceAll(v, "%3A", ":"), "%3a", ":")
	v = strings.ReplaceAll(strings.ReplaceAll(v, "%2C", ","), "%2c", ",")
	switch name {
	case "sp": // signedPermissions, every service and account SAS
		return v != "" && allBytes(v, func(b byte) bool { return strings.IndexByte("racwdxyltfmeopiu", b) >= 0 })
	case "srt": // signedResourceTypes: service, container, object
		return v != "" && allBytes(v, func(b byte) bool { return strings.IndexByte("sco", b) >= 0 })
	case "ss": // signedServices: blob, file, queue, table
		return v != "" && allBytes(v, func(b byte) bool { return strings.IndexByte("bfqt", b) >= 0 })
	case "sr": // signedResource
		switch v {
		case "b", "c", "d", "bv", "bs", "f", "s":
			return true
		}
		return false
	case "spr": // signedProtocol
		return v == "https" || v == "https,http" || v == "http,https"
	case "sv": // signedVersion: a date
		return sasDate(v) == len(v)
	case "st", "se": // start and expiry: ISO 8601 UTC, date or date and time
		n := sasDate(v)
		return n == len(v) || n > 0 && v[n] == 'T' && strings.HasSuffix(v, "Z")
	case "sip": // signedIp: an address or a range
		from, to, isRange := strings.Cut(v, "-")
		return ipv4(from) && (!isRange || ipv4(to))
	}
	return true
}

// sasDate returns the length of the YYYY-MM-DD date v starts with, or 0.
func sasDate(v string) int {
	if len(v) < 10 || v[4] != '-' || v[7] != '-' {
		return 0
	}
	for _, i := range []int{0, 1, 2, 3, 5, 6, 8, 9} {
		if v[i] < '0' || v[i] > '9' {
			return 0
		}
	}
	return 10
}

// ipv4 reports a dotted-quad IPv4 address.
func ipv4(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is4()
}

// checkGenericKeyName looks at the name the value is assigned to and drops
// names that hold metadata about a secret rather than the secret:
// token_url, secret_name, password_field, nextPageToken, csrf_token,
// public_key, is_secret, max_tokens; and names of test decoys
// (invalidToken, wrong_password, nonMatchingToken).
func checkGenericKeyName(c *CheckContext) bool {
	raw := assignedName(c.Data, c.Start)
	call := callArgument(c.Data, c.Start)
	if call >= 0 {
		// The first argument of a call is named by the callee
		// (setApiKey("v")), without its receiver.
		n := call
		for n > 0 && isWordByte(c.Data[n-1]) {
			n--
		}
		raw = c.Data[n:call]
	}
	if bytes.HasPrefix(raw, []byte("_auth")) || bytes.HasPrefix(raw, []byte("_password")) {
		return false // an .npmrc credential: npmrc-auth-token reports it
	}
	words := splitWords(raw)
	if len(words) == 0 {
		return true
	}
	if randomName(words) {
		// The "name" is a slice of base64 or a hash that happens to hold
		// a keyword (…pwd… in a bcrypt string), not an identifier.
		return false
	}
	if nonSecretFirstWords[words[0]] || nonSecretLastWords[words[len(words)-1]] {
		return false
	}
	if call >= 0 && !setterName(words) {
		// hashPassword("…"), verifyToken("…"), getSecret("…"): the call
		// reads or checks a value, it does not store a credential.
		return false
	}
	return true
}

// checkPairKeyName judges the name of a name/value pair the way
// generic-key-name judges an assigned name: the match starts at the
// pair's name field (name:, key=), whose value is the setting's name.
func checkPairKeyName(c *CheckContext) bool {
	if c.MatchStart < 0 || c.MatchStart > c.Start || c.Start > len(c.Data) {
		return false
	}
	return secretPairName(pairName(c.Data[c.MatchStart:c.Start]))
}

// secretPairName judges the setting name of a name/value pair as
// generic-key-name judges an assigned name.
func secretPairName(name []byte) bool {
	words := splitWords(name)
	if len(words) == 0 || randomName(words) {
		return false
	}
	return !nonSecretFirstWords[words[0]] && !nonSecretLastWords[words[len(words)-1]]
}

// checkPairKeyNameAfter is checkPairKeyName for a record whose value comes
// before its name (generic-secret-value-name): the name is the field after
// the value, read from the last "name" in the rest of the match (a comment
// line between the two fields may say anything).
func checkPairKeyNameAfter(c *CheckContext) bool {
	if c.End < 0 || c.End > c.MatchEnd || c.MatchEnd > len(c.Data) {
		return false
	}
	rest := c.Data[c.End:c.MatchEnd]
	i := lastNameField(rest)
	if i < 0 {
		return false
	}
	return secretPairName(pairName(rest[i:]))
}

// lastNameField returns where the last `name` field of b begins: the word
// followed (after a closing quote or bracket and blanks) by ':' or '=',
// not "name" inside a value such as RENAMED_PASSWORD; -1 if none.
func lastNameField(b []byte) int {
	for i := len(b) - len("name"); i >= 0; i-- {
		i = lastIndexFold(b[:i+len("name")], "name")
		if i < 0 {
			return -1
		}
		j := i + len("name")
		for j < len(b) && strings.IndexByte("\"']", b[j]) >= 0 {
			j++
		}
		for j < len(b) && (b[j] == ' ' || b[j] == '\t') {
			j++
		}
		if j < len(b) && (b[j] == ':' || b[j] == '=') {
			return i
		}
	}
	return -1
}

// pairName returns the setting name in a name/value pair's text before
// the value: the identifier after the first ':' or '=' (and a quote).
func pairName(m []byte) []byte {
	i := bytes.IndexAny(m, ":=")
	if i < 0 {
		return nil
	}
	i++
	for i < len(m) && strings.IndexByte(" \t\"'", m[i]) >= 0 {
		i++
	}
	j := i
	for j < len(m) && isNameByte(m[j]) {
		j++
	}
	return m[i:j]
}

// callArgument returns where the "(" of a call whose first argument is
// the literal at start stands, or -1 when the literal follows no "(".
func callArgument(data []byte, start int) int {
	i := start
	if i > 0 && strings.IndexByte("\"'`", data[i-1]) >= 0 {
		i--
	}
	if i > 0 && strings.IndexByte("rbfuRBFU", data[i-1]) >= 0 {
		i--
	}
	for i > 0 && (data[i-1] == ' ' || data[i-1] == '\t') {
		i--
	}
	if i > 0 && data[i-1] == '(' {
		return i - 1
	}
	return -1
}

// setterName reports a callee that stores a credential: a setter or a
// builder method (setApiKey, withToken, put_password) or a name made only
// of credential words (.apiKey("…"), .password("…")).
func setterName(words []string) bool {
	rest := words
	switch words[0] {
	case "set", "with", "put":
		rest = words[1:]
	}
	if len(rest) == 0 {
		return false
	}
	for _, w := range rest {
		if !credentialWords[w] {
			return false
		}
	}
	return true
}

var credentialWords = wordSet("api key apikey token secret password passwd pwd access auth client " +
	"bearer credential credentials private accesstoken authtoken accesskey secretkey")

// Words of an assigned name (split at _ - . and camelCase humps, lower
// case) that mark it as metadata rather than a credential.
var (
	nonSecretFirstWords = wordSet("public publishable csrf xsrf authenticity next page continuation cursor resume " +
		"sync is has use show hide toggle max min num total enable disable require allow " +
		// A name that says its value is not a working credential holds a
		// test decoy: invalidToken, wrong_password, nonMatchingToken.
		"invalid wrong bad incorrect fake mock dummy non")
	nonSecretLastWords = wordSet("name names url uri urls endpoint path file filename dir type types " +
		"field fields label length len size count limit header prefix suffix format version regex " +
		"pattern template hint ttl expiry expires expiration timeout mode policy id ids hash digest " +
		"placeholder description desc message msg text title error param params env var ref arn store " +
		"manager provider class location bucket table column index scope scopes audience issuer " +
		"algorithm alg method encoding kind source status enabled required valid validator strength " +
		"rotation date time at selector input button icon color style " +
		// A tokenizer (--tokenizer=google/gemma-3-1b-pt) splits text into
		// tokens; it holds no credential.
		"tokenizer tokenizers")
)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// randomName reports identifiers no one writes: very long, or with three
// or more separate runs of digits (Xy9pwdA3bC7 from a base64 string).
func randomName(words []string) bool {
	n, runs := 0, 0
	for _, w := range words {
		n += len(w)
		for i := 0; i < len(w); i++ {
			if w[i] >= '0' && w[i] <= '9' && (i == 0 || w[i-1] < '0' || w[i-1] > '9') {
				runs++
			}
		}
	}
	return n > 64 || runs >= 3
}

// assignedName returns the identifier left of the assignment that ends
// just before value start (db_password in db_password = "v"), or nil when
// it cannot tell.
func assignedName(data []byte, start int) []byte {
	lo := max(0, start-120)
	i := start
	// Skip an opening quote with its string prefix (r"", b'', f""), spaces,
	// the operator, then the closing quote of a quoted key.
	for i > lo && i > start-2 && strings.IndexByte("\"'`rbf", data[i-1]) >= 0 {
		i--
	}
	for i > lo && (data[i-1] == ' ' || data[i-1] == '\t') {
		i--
	}
	// A value on the line after its name (YAML "api_key:", a block
	// scalar "secret: |-", an XML start tag): step back over the line
	// break and the block indicator to the operator ending the line above.
	if j := valueLineBreak(data, i, lo); j < i {
		i = j
	}
	for i > lo && strings.IndexByte(":=>,", data[i-1]) >= 0 {
		i--
	}
	for i > lo && strings.IndexByte(" \t\"'`", data[i-1]) >= 0 {
		i--
	}
	end := i
	for i > lo && isNameByte(data[i-1]) {
		i--
	}
	// A declared type stands between name and operator in Go (var k
	// string = v), Kotlin/Swift/TypeScript (k: String = v) and Rust
	// (k: &str = v): the name is the word before it.
	if typeNames[string(data[i:end])] {
		j := i
		for j > lo && strings.IndexByte(" \t:&", data[j-1]) >= 0 {
			j--
		}
		if j < i {
			end = j
			i = j
			for i > lo && isNameByte(data[i-1]) {
				i--
			}
		}
	}
	return data[i:end]
}

var typeNames = wordSet("string String str Str")

// valueLineBreak returns where the operator line of a value that starts a
// line (at i, after its indentation) ends: before the line break, the
// spaces and a YAML block indicator (| > |- >+) that follow an operator
// (: = >). It returns i when the line above ends otherwise: the value
// then has no name of its own.
func valueLineBreak(data []byte, i, lo int) int {
	if i <= lo || data[i-1] != '\n' {
		return i
	}
	j := i - 1
	if j > lo && data[j-1] == '\r' {
		j--
	}
	k := j
	for k > lo && (data[k-1] == ' ' || data[k-1] == '\t') {
		k--
	}
	if k > lo && (data[k-1] == '+' || data[k-1] == '-') && k-1 > lo && (data[k-2] == '|' || data[k-2] == '>') {
		k--
	}
	if k > lo && (data[k-1] == '|' || data[k-1] == '>') && k-1 > lo {
		// A block indicator follows the operator and a space; a '>' alone
		// ends an XML start tag (the operator itself).
		if b := bytes.TrimRight(data[lo:k-1], " \t"); len(b) > 0 && b[len(b)-1] == ':' {
			k = lo + len(b)
		}
	}
	for k > lo && (data[k-1] == ' ' || data[k-1] == '\t') {
		k--
	}
	if k > lo && strings.IndexByte(":=>", data[k-1]) >= 0 {
		return k
	}
	return i
}

// splitWords splits an identifier at separators and lower-to-upper case
// changes, and lower-cases the words.
func splitWords(id []byte) []string {
	var words []string
	cur := []byte{}
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	for j, ch := range id {
		switch {
		case ch == '_' || ch == '-' || ch == '.':
			flush()
		case ch >= 'A' && ch <= 'Z' && j > 0 && id[j-1] >= 'a' && id[j-1] <= 'z':
			flush()
			cur = append(cur, ch)
		default:
			cur = append(cur, ch)
		}
	}
	flush()
	return words
}

// checkCodeExpression drops an unquoted value that is an expression over
// identifiers (queueDepth+maxConcurrency, limit-offset): code assigned to a
// variable named token or secret, not a literal. A quoted value is always a
// literal; base64 with + and / keeps digits or mixed case in its parts and
// is not mistaken for words.
func checkCodeExpression(c *CheckContext) bool {
	if c.Start > 0 && strings.IndexByte("\"'`", c.Data[c.Start-1]) >= 0 {
		return true
	}
	parts := strings.FieldsFunc(c.Value, func(r rune) bool { return strings.ContainsRune("+-/.%", r) })
	if len(parts) < 2 {
		return true
	}
	for _, p := range parts {
		if !identifierWord(p) {
			return true
		}
	}
	return false
}

// identifierWord reports a camelCase or snake_case identifier without
// digits (maxConcurrency, queue_depth), the parts of a code expression.
func identifierWord(p string) bool {
	if len(p) < 2 {
		return false
	}
	for i := 0; i < len(p); i++ {
		b := p[i]
		if !(b == '_' || b|0x20 >= 'a' && b|0x20 <= 'z') {
			return false
		}
	}
	return true
}

// checkPlaceholderPassword drops passwords in URIs and connection strings
// that are documentation stand-ins once percent-decoding and l33t
// spelling are undone: My%20Pass, p@ssw0rd, pa%2Fssword, opensesame.
func checkPlaceholderPassword(c *CheckContext) bool {
	v := c.Value
	if u, err := url.PathUnescape(v); err == nil {
		v = u
	}
	var b strings.Builder
	for _, r := range strings.ToLower(v) {
		switch r {
		case '@', '4':
			b.WriteRune('a')
		case '0':
			b.WriteRune('o')
		case '$', '5':
			b.WriteRune('s')
		case '3':
			b.WriteRune('e')
		case '1', '!':
			b.WriteRune('i')
		default:
			if r >= 'a' && r <= 'z' {
				b.WriteRune(r)
			}
		}
	}
	n := b.String()
	if placeholderPasswords[n] {
		return false
	}
	// Documentation passwords are words: tiger, apples, some_pass, PS. A
	// password made only of words in one case shape joined by separators
	// is a stand-in; generated and real ones mix classes.
	if parts := strings.FieldsFunc(v, func(r rune) bool { return r == '_' || r == '-' || r == '.' }); len(parts) > 0 {
		words := true
		for _, p := range parts {
			if !wordLike(p) && !(len(p) < 2 && allBytes(p, func(b byte) bool { return b|0x20 >= 'a' && b|0x20 <= 'z' })) {
				words = false
				break
			}
		}
		if words {
			return false
		}
	}
	for _, w := range demoPasswordWords {
		if strings.Contains(n, w) {
			return false
		}
	}
	// Documentation addresses the reader: yourStrong(!)Password (the SQL
	// Server container docs), your_db_password, yourSecretHere.
	if strings.HasPrefix(n, "your") {
		return false
	}
	for _, w := range []string{"password", "passwd", "yourpass", "mypass", "changeme", "secret"} {
		if strings.Contains(n, w) && len(n) <= len(w)+6 {
			return false
		}
	}
	return true
}

// demoPasswordWords mark the passwords of famous demo accounts (Oracle's
// scott/tiger, SQLAlchemy's apples/oranges) even inside longer values.
var demoPasswordWords = []string{"tiger", "scott", "apples", "oranges"}

// placeholderPasswords are normalised (lower case, letters only, l33t
// undone) passwords seen in documentation and examples.
var placeholderPasswords = wordSet("pass pasword password passwd pwd pw secret root admin administrator " +
	"test testing user username mypass mypassword yourpassword guest default anonymous letmein " +
	"foo bar baz foobar qwerty opensesame hunter sesame changeit changeme example sample dummy " +
	"postgres postgresql mysql mariadb mongo mongodb redis rabbitmq dbpass dbpassword sa s")

// checkReadableValue drops values made of plain words and numbers joined
// by separators (client-valid-token-1, Proxy-Authorization,
// synthetic-secret-password): names and labels, not generated secrets.
// Generated secrets mix letters and digits inside their segments.
func checkReadableValue(c *CheckContext) bool {
	parts := strings.FieldsFunc(c.Value, func(r rune) bool { return strings.ContainsRune("-_.+/=:~", r) })
	words := 0
	for _, p := range parts {
		switch {
		case allBytes(p, func(b byte) bool { return b >= '0' && b <= '9' }):
		case wordLike(p):
			words++
		default:
			return true
		}
	}
	return words < 2
}

// wordLike reports a word: letters in one case shape (token, Token,
// TOKEN) with digits at most at its ends (1password, sha256, v2), unlike
// generated text (x9k2q, iqPXCqskfaMG).
func wordLike(p string) bool {
	core := strings.Trim(p, "0123456789")
	if len(core) < 2 {
		return false
	}
	lower := func(b byte) bool { return b >= 'a' && b <= 'z' }
	upper := func(b byte) bool { return b >= 'A' && b <= 'Z' }
	return allBytes(core, lower) || allBytes(core, upper) || upper(core[0]) && allBytes(core[1:], lower)
}

func allBytes(s string, f func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !f(s[i]) {
			return false
		}
	}
	return s != ""
}

// checkConnectionString keeps a ;Password= only in a connection string:
// Server=, Data Source=, Host=, Address= or a jdbc: URL earlier on the
// same line (within connStringLookback bytes).
func checkConnectionString(c *CheckContext) bool {
	lo := c.Start
	for lo > 0 && c.Start-lo < connStringLookback && c.Data[lo-1] != '\n' {
		lo--
	}
	line := bytes.ToLower(c.Data[lo:c.Start])
	for _, k := range [][]byte{[]byte("server="), []byte("server ="), []byte("data source"), []byte("host="),
		[]byte("hostname="), []byte("address="), []byte("addr="), []byte("jdbc:")} {
		if bytes.Contains(line, k) {
			return true
		}
	}
	return false
}

const connStringLookback = 512

// checkPlaintextFlag keeps a value only when its line holds the
// -AsPlainText switch: PowerShell reads the string as the password itself
// only then (otherwise it is an encrypted standard string).
func checkPlaintextFlag(c *CheckContext) bool {
	lo, hi := lineStart(c.Data, c.Start, max(0, c.Start-connStringLookback)), c.End
	for hi < len(c.Data) && hi-c.End < connStringLookback && c.Data[hi] != '\n' {
		hi++
	}
	return bytes.Contains(bytes.ToLower(c.Data[lo:hi]), []byte("-asplaintext"))
}

// checkBasicAuth looks inside a Basic credential: when the value is the
// base64 of user:password, a placeholder password (user:password,
// admin:admin) is not reported. Other values pass unchanged.
func checkBasicAuth(c *CheckContext) bool {
	raw, err := base64.StdEncoding.DecodeString(c.Value)
	if err != nil {
		return true
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	if !ok || !printable(user) || !printable(pass) {
		return true
	}
	if pass == "" {
		return false // user name only: no credential
	}
	pc := &CheckContext{Value: pass}
	if !checkPlaceholderPassword(pc) || pass == user {
		return false
	}
	c.Reasons = append(c.Reasons, "basic credential user:password")
	return true
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// checkURIScheme requires the URL a credential was read from to start
// where a URI can: its scheme is a letter followed by letters, digits,
// + - or . (RFC 3986), and it is not glued to a character that only
// occurs inside a URL or a query (?ostgres://u:p@host, &dbx://…,
// %70ostgres://…: a mangled or embedded fragment, not a URL a client would
// open). Anything before the scheme that can delimit one (a space, a
// quote, =, :, a bracket, a comment's # or //) passes.
func checkURIScheme(c *CheckContext) bool {
	lo := max(0, c.Start-256)
	i := bytes.LastIndex(c.Data[lo:c.Start], []byte("://"))
	if i < 0 {
		return true // not read from a URL
	}
	i += lo
	j := i
	for j > 0 && (isWordByte(c.Data[j-1]) && c.Data[j-1] != '_' || c.Data[j-1] == '+' || c.Data[j-1] == '-' || c.Data[j-1] == '.') {
		j--
	}
	if j == i || !isUpperASCII(c.Data[j]) && !isLowerASCII(c.Data[j]) {
		return false // no scheme, or one that starts with a digit or a sign
	}
	if j > 0 && strings.IndexByte("?&%~^", c.Data[j-1]) >= 0 {
		return false
	}
	return true
}
