package rules

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"strings"
)

// Named checks of the provider rules (builtin/secrets-providers.yaml).

// checkVaultContext keeps a UUID assigned to secret_id only when Vault or
// AppRole is named nearby: secret_id alone names many things.
func checkVaultContext(c *CheckContext) bool {
	if nearAny(c.Data, c.Start, c.End, 256, "vault", "approle") {
		c.Reasons = append(c.Reasons, "Vault named nearby")
		return true
	}
	return false
}

// checkAtlassianDCPAT requires a Jira/Confluence Data Center personal
// access token to decode (base64) to 33 bytes that start with the token's
// numeric id, as the server issues them.
func checkAtlassianDCPAT(c *CheckContext) bool {
	raw, err := base64.StdEncoding.DecodeString(c.Value)
	if err != nil || len(raw) != 33 {
		return false
	}
	for _, b := range raw[:6] {
		if b < '0' || b > '9' {
			return false
		}
	}
	c.Reasons = append(c.Reasons, "decodes to a numeric token id")
	return true
}

// checkDockerAuth requires a registry "auth" value to decode to
// user:password with a password that is not a placeholder.
func checkDockerAuth(c *CheckContext) bool {
	raw, err := base64.StdEncoding.DecodeString(c.Value)
	if err != nil {
		return false
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	if !ok || user == "" || len(pass) < 4 || !printable(user) {
		return false
	}
	// Google's registries (gcr.io, pkg.dev) log in as _json_key with a
	// service account key file as the password: a JSON document the
	// password heuristics below would read as prose.
	if user == "_json_key" || user == "_json_key_base64" {
		if !serviceAccountKeyJSON(user, pass) {
			return false
		}
		c.Reasons = append(c.Reasons, "decodes to a Google service account key login")
		return true
	}
	if printable(pass) && (!checkPlaceholderPassword(&CheckContext{Value: pass}) || pass == user) {
		return false
	}
	if !printable(pass) && len(pass) < 8 {
		return false
	}
	c.Reasons = append(c.Reasons, "decodes to user:password")
	return true
}

// serviceAccountKeyJSON reports whether the password of a _json_key
// (or _json_key_base64, base64 first) registry login is a service account
// key file: a JSON object holding "type" and "private_key" members. Any
// other password under that user name (a short string, prose, a bare
// object) is not a key file, and the _json_key user name alone is not
// evidence of one.
func serviceAccountKeyJSON(user, pass string) bool {
	if user == "_json_key_base64" {
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(pass))
		if err != nil {
			return false
		}
		pass = string(raw)
	}
	pass = strings.TrimSpace(pass)
	return len(pass) >= 100 && pass[0] == '{' &&
		strings.Contains(pass, `"type"`) && strings.Contains(pass, `"private_key"`)
}

// checkNamePart requires one of the rule's keywords to begin a word of the
// name the value is assigned to. A name the grammar cannot find (a value
// on the line after its XML start tag) passes.
func checkNamePart(c *CheckContext) bool {
	if c.Rule == nil {
		return true
	}
	name := assignedName(c.Data, c.Start)
	if len(name) == 0 {
		return true
	}
	if namesProvider(name, c.Rule.Keywords) {
		return true
	}
	// "Twitch token = …", "Squarespace API key: …": the grammar read the
	// provider's name as a word of its own before a credential word; the
	// identifier the match starts in must start with it the same way.
	if c.MatchEnd > c.MatchStart && c.MatchStart < c.Start {
		i, j := c.MatchStart, c.MatchStart
		for i > 0 && isNameByte(c.Data[i-1]) {
			i--
		}
		for j < c.Start && isNameByte(c.Data[j]) {
			j++
		}
		return j > i && namesProvider(c.Data[i:j], c.Rule.Keywords)
	}
	return false
}

// namesProvider reports whether one of the keywords starts a word (or a
// camelCase part) of name (as splitWords splits it), the rest of the name
// and the keyword compared without case and without the separators - _
// and . (API_KEY and api-key both start with apikey). name is an assigned
// name, ASCII; it runs on every candidate of a keyed rule, so it compares
// in place instead of building the lower-case words and their tails.
func namesProvider(name []byte, keywords []string) bool {
	for s, ch := range name {
		if isNameSep(ch) || s > 0 && !isNameSep(name[s-1]) && !(isUpperASCII(ch) && isLowerASCII(name[s-1])) {
			continue // not the start of a word
		}
		for _, kw := range keywords {
			if !isASCII(kw) {
				// A rule's own keyword may lower-case to ASCII (the
				// Kelvin sign to k): lower it as strings.ToLower does.
				kw = strings.ToLower(kw)
			}
			if hasPrefixFoldSep(name[s:], kw) {
				return true
			}
		}
	}
	return false
}

// isNameSep reports the separators of a name's words that a keyword is
// compared without.
func isNameSep(b byte) bool { return b == '-' || b == '_' || b == '.' }

// hasPrefixFoldSep reports whether b starts with kw when ASCII letters are
// compared without case and the separators - _ and . are dropped from
// both; a keyword of separators only starts nothing.
func hasPrefixFoldSep(b []byte, kw string) bool {
	j, n := 0, 0
	for i := 0; i < len(kw); i++ {
		k := kw[i]
		if isNameSep(k) {
			continue
		}
		for j < len(b) && isNameSep(b[j]) {
			j++
		}
		if j == len(b) || foldByte(b[j]) != foldByte(k) {
			return false
		}
		j++
		n++
	}
	return n > 0
}

func foldByte(b byte) byte {
	if isUpperASCII(b) {
		return b + ('a' - 'A')
	}
	return b
}

func checkHasDigit(c *CheckContext) bool {
	return strings.ContainsAny(c.Value, "0123456789")
}

// publishedKeys are SHA-256 digests (hex) of API keys published as test
// fixtures in public SDK repositories (Firebase's Android SDK ships
// google-services.json files with real-format keys that anyone can read).
// Stored as digests so the repository holds no key-shaped literal.
var publishedKeys = map[string]bool{
	"27a9a42931dff7eb2f8434e20a9bce976ea364e7bee49187f19d5cfeca9c7045": true,
	"49f777db995e8260da7ca9ffdf0c08d66f0453e97ec967018baf2cdfe3b582d0": true,
	"a6c814bc555ae62c7bd8b58ec07bf559c7ed3a009976a1e0acc9cef0d4473b41": true,
	"8731261cb72d86267a32a532ebd3df429e2144e5e4ced7e13568bc9e6c8fb1b1": true,
	"37f8f09bdf12c2f2eae4ead7273a62ddb0c23459cbf902892f282b57f7ed6619": true,
	"eb540d2b6ee2a0a47c5779bc8a0141784c6b753840d4c6f4e2428a6e86e9e0b1": true,
	"2037abcaffb2b77785da716cf7ccff4ff4d00c4ea930db0167b7d71f50af7eb4": true,
	"3a8b61d0f636b007840c0d40ba12bcf48465dc054cdc1a68704a33521d84b665": true,
	"4c98242dcadc8b29005c6b4aad526552d5ea1842149154c0694adeec75847583": true,
	"ea9bb1082cf95663f5faca23b8b15ef2aa0fce0a5c6df9c32dcb85b2e0a4513d": true,
	"3f370c9dd8225c63b5c77de1f785edc9712958f18bb612d5fa2e0ae33aeca682": true,
	"a19f89ab3555eac10c40741f6df79ecf0935998f15569f8db9d67bce0181fff6": true,
	"e4a5542bb7fd7b67e943c71ad29c34b5972c9840597e7eda53e666f44d5da0b9": true,
	"dc0fcf046c61640cbd1e8b999ada3262d722c2ca4bf42dceac999020ffdbb614": true,
	"f56e323494a6ffc2064e7a955908957d84f0755e5f975dabd64328d0359a8f7c": true,
	"0b476bdf9acf2123d547b5ae76f1e59884d8ec9553ee0c47e9f31fd4768f3f3c": true,
}

func checkPublishedKey(c *CheckContext) bool {
	if len(publishedKeys) == 0 {
		return true
	}
	sum := sha256.Sum256([]byte(c.Value))
	return !publishedKeys[hex.EncodeToString(sum[:])]
}

// checkPercentDecoded judges a value with %XX escapes as what it stands
// for: the valid escapes are decoded and the entropy floor (at least 3.0
// bits) and the readability test run on the result, so an escaped demo
// value (someuser%3BPORT%3D50001, kx%40jj5%2Fg) is not mistaken for a
// random one. A value with an invalid escape is not a URL-encoded string:
// its raw form is judged the same way (a real password may hold a %:
// 3Io…%nvv… is reported, b%zz is not).
func checkPercentDecoded(c *CheckContext) bool {
	v := c.Value
	if strings.IndexByte(v, '%') < 0 {
		return true
	}
	d, err := url.PathUnescape(v)
	if err != nil {
		// Not URL-encoded: the raw value is what a client would send. A
		// password may hold a bare %; a key or token a service issued
		// may not: it travels in URLs and headers, so issuers draw it
		// from URL-safe alphabets (hex, base64, base62), and an API key
		// with a bare % is mistyped or a decoy.
		if issuedKeyName(splitWords(assignedName(c.Data, c.Start))) {
			return false
		}
		d = v
	}
	floor := 3.0
	if c.Rule != nil && c.Rule.Entropy > floor {
		floor = c.Rule.Entropy
	}
	if shannon(d) < floor || readableWords(d) {
		return false
	}
	c.Reasons = append(c.Reasons, "judged after percent-decoding")
	return true
}

// readableWords reports text made of at least two words and numbers
// between any punctuation (someuser;PORT=50001, apples/oranges).
func readableWords(s string) bool {
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	})
	words := 0
	for _, p := range parts {
		switch {
		case allBytes(p, func(b byte) bool { return b >= '0' && b <= '9' }):
		case wordLike(p):
			words++
		default:
			return false
		}
	}
	return words >= 2
}

// checkKubeDataValue decodes a Kubernetes Secret data value: printable
// text must be a password that is not a placeholder (admin, password);
// binary must be at least 12 bytes (key material). Values that do not
// decode (metadata names, types) are dropped.
func checkKubeDataValue(c *CheckContext) bool {
	if !inSecretDoc(c.Data, c.Start) || kubeEntryNotSecret(kubeEntryName(c.Data, c.Start)) {
		return false
	}
	raw, err := base64.StdEncoding.DecodeString(c.Value)
	if err != nil {
		return false
	}
	text := strings.TrimRight(string(raw), "\r\n")
	if printable(text) {
		if len(text) < 4 || !checkPlaceholderPassword(&CheckContext{Value: text}) || readableWords(text) {
			return false
		}
		c.Reasons = append(c.Reasons, "decodes to a password")
		return true
	}
	if len(raw) < 12 {
		return false
	}
	c.Reasons = append(c.Reasons, "decodes to key material")
	return true
}

// inSecretDoc reports whether the YAML document holding data[i] (between
// "---" lines, read up to 64 KiB either way) declares kind: Secret, the
// whole word: the rule's keyword also matches kind: SecretStore, and its
// window reaches into the documents around a Secret (a ConfigMap's data).
func inSecretDoc(data []byte, i int) bool {
	lo, hi := max(0, i-65536), min(len(data), i+65536)
	// The last separator before i, found forward: bytes.LastIndex is a
	// Rabin-Karp loop, ~10 instructions a byte of the 64 KiB, where
	// bytes.Index skips to each newline.
	sep := []byte("\n---")
	for j := lo; ; {
		k := bytes.Index(data[j:i], sep)
		if k < 0 {
			break
		}
		j += k + 1
		lo = j + 3
	}
	if j := bytes.Index(data[i:hi], []byte("\n---")); j >= 0 {
		hi = i + j
	}
	for doc := data[lo:hi]; len(doc) > 0; {
		line := doc
		if k := bytes.IndexByte(doc, '\n'); k >= 0 {
			line, doc = doc[:k], doc[k+1:]
		} else {
			doc = nil
		}
		line = bytes.TrimLeft(line, " \t-")
		if v, ok := bytes.CutPrefix(line, []byte("kind:")); ok {
			v = bytes.Trim(v, " \t\r\"'")
			if len(v) == 6 && bytes.EqualFold(v, []byte("secret")) {
				return true
			}
		}
	}
	return false
}

// checkNotKubeData leaves a base64 value inside a Kubernetes Secret's
// data to kubernetes-secret-data, which decodes it: a generic rule would
// judge the encoding (dGVzdC1wYXNzd29yZA== is test-password), not the
// value.
func checkNotKubeData(c *CheckContext) bool {
	if len(c.Value)%4 != 0 || !endsEntry(c.Data, c.End) {
		return true
	}
	if _, err := base64.StdEncoding.DecodeString(c.Value); err != nil {
		return true
	}
	return !inSecretDoc(c.Data, c.Start)
}

// endsEntry reports a value that ends its YAML line the way
// kubernetes-secret-data reads an entry: a closing quote, spaces, a
// comma or a comment may follow it, nothing else (a value followed by
// code, as in a Go string holding a manifest, is not that rule's).
func endsEntry(data []byte, i int) bool {
	if i < len(data) && (data[i] == '"' || data[i] == '\'') {
		i++
	}
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == ',') {
		i++
	}
	return i == len(data) || data[i] == '\n' || data[i] == '\r' || data[i] == '#'
}

// kubeEntryName returns the key of the Secret entry whose value starts at
// start (apiAddress in "  apiAddress: dGNw…").
func kubeEntryName(data []byte, start int) string {
	line := data[lineStart(data, start, max(0, start-200)):start]
	if i := bytes.LastIndexByte(line, ':'); i >= 0 {
		line = line[:i]
	}
	return strings.Trim(string(line), " \t\"'")
}

// kubeEntryNotSecret reports a Secret entry whose name says it holds an
// address or a name, not secret material: the storage account's name
// (azurestorageaccountname), the API's address (apiAddress: tcp://…), a
// user name, a host, a CA certificate (ca.crt; a .pem may hold a key).
// Written glued or split, the name ends with one of these words.
func kubeEntryNotSecret(name string) bool {
	n := strings.ToLower(name)
	if i := strings.LastIndexAny(n, "._-"); i >= 0 && i+1 < len(n) {
		switch n[i+1:] {
		case "crt", "cert", "ca", "id": // not pem: key.pem, tls.pem hold keys
			return true
		}
	}
	for _, w := range []string{"name", "user", "username", "login", "address", "addr", "host", "hostname", "url", "uri",
		"endpoint", "port", "namespace", "region", "email"} {
		if strings.HasSuffix(n, w) {
			return true
		}
	}
	return false
}

func init() {
	// Registered here, next to the provider checks, so rule-format work
	// does not touch the engine's check table.
	secretChecks["whole-literal"] = checkWholeLiteral
	secretChecks["rclone-obscured"] = checkRcloneObscured
	secretChecks["provider-context"] = checkProviderContext
	secretChecks["telegram-token"] = checkTelegramToken
	secretChecks["keyed-literal"] = checkKeyedLiteral
	secretChecks["not-kube-data"] = checkNotKubeData
}

// checkKeyedLiteral drops a keyed value that opens a quoted literal the
// key's alphabet stopped reading in the middle of ('<32 characters>?<32
// more>'): the literal is not the key, and its first characters are not a
// key the provider issued. A key followed by the closing quote, a
// space, or a separator of composite values and URLs (key:secret, key,
// id; key|id, key/path, key@host, key&x=, key.sig, key=) still passes.
func checkKeyedLiteral(c *CheckContext) bool {
	if c.Start == 0 || c.End >= len(c.Data) {
		return true
	}
	q := c.Data[c.Start-1]
	if q != '"' && q != '\'' && q != '`' {
		return true
	}
	next := c.Data[c.End]
	return next == q || strings.IndexByte("\\ \t\r\n:,;|/@&.=", next) >= 0
}

// checkTelegramToken keeps a bot token whose secret part starts with the
// A BotFather writes (<bot id>:AA…), and any other <id>:<35 characters>
// only when a Telegram name stands within 60 bytes before it
// ("telegram token = '…'", TELEGRAM_BOT_TOKEN=…): without that name, a
// number, a colon and 35 characters is not a Telegram token.
func checkTelegramToken(c *CheckContext) bool {
	colon := strings.IndexByte(c.Value, ':')
	if colon >= 0 && colon+1 < len(c.Value) && c.Value[colon+1] == 'A' {
		return true
	}
	lo := max(c.Start-60, 0)
	ctx := bytes.ToLower(c.Data[lo:c.Start])
	return bytes.Contains(ctx, []byte("telegram")) || bytes.Contains(ctx, []byte("tg_bot")) || bytes.Contains(ctx, []byte("bot_token"))
}

// checkProviderContext leaves a value to the provider rule whose name
// stands on one of the two lines above it (a log line naming the API, a
// YAML block under the provider's key) or earlier on the value's own line
// ("kraken key = '…' secret = '…'", "sonarcloud token = '…'"). That rule knows
// the provider's key shape; a value it did not report there is a key of
// the wrong length or alphabet, a placeholder or an id, not a credential
// for the generic rule to report under no name. Names must start a word
// (or a camelCase part) so "collateral" does not name Atera.
func checkProviderContext(c *CheckContext) bool {
	lo := c.Start
	for lines := 0; lo > 0 && c.Start-lo < 240; lo-- {
		if c.Data[lo-1] == '\n' {
			if lines == 2 {
				break
			}
			lines++
		}
	}
	// An opening tag or a YAML key alone on the line above (<codecovToken>,
	// apiKey:) names the value the way its assigned name does, which is
	// left to the assigned-name rule (Rule.Owns): it is not context.
	own := lineStart(c.Data, c.Start, lo)
	// On the value's own line only the free text before the assigned name
	// counts ("kraken key = '…' secret = '…'"): the name itself
	// ($adafruitToken .= "…") is the assigned-name rule's to judge.
	ns := nameStart(c.Data, c.Start, own)
	free := c.Data[own:ns]
	if setFlagBefore(free) || bytes.HasPrefix(c.Data[ns:], []byte("--set")) {
		// helm install artifactory --set postgresql.password=…: the
		// release and chart named before the flag, and the other
		// arguments on the lines above, are not the value's context; the
		// --set path is its whole name (a provider it names owns it).
		return true
	}
	above := c.Data[lo:own]
	if prev := bytes.TrimRight(c.Data[lineStart(c.Data, max(own-1, lo), lo):own], " \t\r\n"); len(prev) > 0 && (prev[len(prev)-1] == '>' || prev[len(prev)-1] == ':') {
		// Skip the naming line, keep the lines above it.
		above = c.Data[lo:lineStart(c.Data, max(own-1, lo), lo)]
	}
	// The lines above end with a newline, so no name runs from them into
	// the free text, and the free text's first byte starts a word.
	// Names shorter than 4 bytes are too short to stand for a provider in
	// free text.
	on := c.ownedSet()
	if on.startsWordIn(above, 4) || on.startsWordIn(free, 4) {
		return false
	}
	// A host a provider rule owns, glued before the name in a connection
	// string (<cache>.redis.cache.windows.net:6380,password=…), names the
	// service the password is for as surely as free text does.
	return !on.hostIn(c.Data[ns:c.Start])
}

// setFlagBefore reports free text ending in a flag whose argument is a
// key=value setting (--set, --set-string, --set-file, their = forms):
// what precedes the flag on a command line is other arguments.
func setFlagBefore(free []byte) bool {
	t := bytes.TrimRight(free, " \t=")
	for _, f := range []string{"--set", "--set-string", "--set-file", "--set-json"} {
		if bytes.HasSuffix(t, []byte(f)) && (len(t) == len(f) || t[len(t)-len(f)-1] == ' ' || t[len(t)-len(f)-1] == '\t') {
			return true
		}
	}
	return false
}

// nameStart returns where the name a value at start is assigned to
// begins, not before lo: back over the opening quote, the operator and
// spaces, then over the name and anything glued to it ($, a quote, a
// call's parenthesis).
func nameStart(data []byte, start, lo int) int {
	i := start
	for i > lo && strings.IndexByte(" \t\"'`{:=>,.?+-|", data[i-1]) >= 0 {
		i--
	}
	for i > lo && data[i-1] != ' ' && data[i-1] != '\t' {
		i--
	}
	return i
}

// lineStart returns the start of the line holding data[i], not before lo.
func lineStart(data []byte, i, lo int) int {
	for i > lo && data[i-1] != '\n' {
		i--
	}
	return i
}

func isLowerASCII(b byte) bool { return b >= 'a' && b <= 'z' }
func isUpperASCII(b byte) bool { return b >= 'A' && b <= 'Z' }

// checkRcloneObscured keeps a value only when it decodes the way rclone
// writes an obscured password: unpadded base64url of a 16-byte IV followed
// by the AES-CTR ciphertext of a non-empty password.
func checkRcloneObscured(c *CheckContext) bool {
	raw, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil || len(raw) <= 16 {
		return false
	}
	c.Reasons = append(c.Reasons, "rclone obscured password")
	return true
}

// checkWholeLiteral drops a value read from inside a quoted literal that
// the value's alphabet did not read to its closing quote: in
// 'npm_Ab3…?Kp6…' or "sk_Q7…#P7&@*xC$u" the grammar stops at a character
// it does not read, and the prefix it kept is neither the literal nor a
// token the provider issues. The whole literal is judged by the rules that
// read its alphabet (a provider rule, a password rule), not as a prefix.
// A value followed by whitespace, an escaped quote (\" inside JSON) or
// the end of the line still passes.
func checkWholeLiteral(c *CheckContext) bool {
	if c.Start == 0 || c.End >= len(c.Data) {
		return true
	}
	q := c.Data[c.Start-1]
	if q != '"' && q != '\'' && q != '`' {
		return true
	}
	switch next := c.Data[c.End]; next {
	case q, '\\', ' ', '\t', '\r', '\n':
		return true
	}
	return false
}

// issuedKeyName reports an assigned name (split into lower-case words)
// that holds a key or token a service issues (API_KEY, accessToken,
// auth_token, x-api-key), not a password or a secret a person or a
// framework chose (db_password, SECRET_KEY, encryption_key, passphrase),
// whose alphabet is anyone's.
func issuedKeyName(words []string) bool {
	issued := false
	for i, w := range words {
		switch {
		case strings.HasPrefix(w, "pass"), strings.HasPrefix(w, "pwd"), strings.HasPrefix(w, "secret"),
			strings.HasPrefix(w, "credential"), strings.HasPrefix(w, "phrase"), w == "encryption",
			w == "signing", w == "master", w == "private", w == "cookie", w == "session":
			return false
		case w == "token", w == "apikey", w == "accesstoken", w == "authtoken", w == "accesskey":
			issued = true
		case w == "key" && i > 0 && (words[i-1] == "api" || words[i-1] == "access" || words[i-1] == "auth"):
			issued = true
		}
	}
	return issued
}
