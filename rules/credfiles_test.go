package rules

import (
	"encoding/base64"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestCredentialFiles scans whole credential files, laid out the way their
// tools write them, with generated values. A value between « and » must be
// reported by the rule named in want (in order of appearance) and nothing
// else may be reported; the negatives hold the placeholders people commit
// instead of a credential.
func TestCredentialFiles(t *testing.T) {
	tests := []struct {
		name string
		file string
		want []string
	}{
		{".pypirc password and token", "[distutils]\nindex-servers =\n    pypi\n    testpypi\n    internal\n\n" +
			"[pypi]\nusername = alice\npassword = «{alnum:14}7Qz»\n\n" +
			"[testpypi]\nrepository = https://test.pypi.org/legacy/\nusername = __token__\npassword = «pypi-AgENdGVzdC5weXBpLm9yZw{b64url:120}»\n\n" +
			"[internal]\nrepository: https://pypi.internal.test/\nusername: ci\npassword: «{alnum:8}#{alnum:6}»\n",
			[]string{"pypirc-password", "pypi-upload-token", "pypirc-password"}},
		{".pypirc placeholders", "[distutils]\nindex-servers =\n    pypi\n    testpypi\n\n" +
			"[pypi]\nusername = __token__\npassword = ${PYPI_TOKEN}\n\n" +
			"[testpypi]\nusername = __token__\npassword = <your-token>\n\n[other]\npassword = changeme\n", nil},
		{".npmrc tokens", "registry=https://npm.internal.test/\n" +
			"//npm.internal.test/:_authToken=«{alnum:40}»\n" +
			"//npm.pkg.internal.test/:_password=«{b64:28}»\n" +
			"//registry.npmjs.org/:_authToken=«npm_{alnum:36}»\nalways-auth=true\n",
			[]string{"npmrc-auth-token", "npmrc-auth-token", "npm-access-token"}},
		{".npmrc placeholders", "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n//npm.internal.test/:_authToken=<your-token>\n_auth=changeme\n", nil},
		{".git-credentials", "https://alice:«{alnum:16}9x»@git.internal.test\nhttps://x-access-token:«ghp_{alnum:36}»@github.com\n",
			[]string{"url-credentials", "github-pat-classic"}},
		{".git-credentials placeholders", "https://alice:${GIT_TOKEN}@git.internal.test\nhttps://user:changeme@git.internal.test\n", nil},
		{"pip.conf index URL", "[global]\nindex-url = https://deploy:«{alnum:18}4Q»@pypi.internal.test/simple\nextra-index-url = https://pypi.org/simple\n",
			[]string{"url-credentials"}},
		{"pip.conf placeholders", "[global]\nindex-url = https://deploy:${PIP_PASSWORD}@pypi.internal.test/simple\n", nil},
		{"Docker config.json", "{\n  \"auths\": {\n    \"registry.internal.test\": {\n      \"auth\": \"«Y2k6{b64:24}»\"\n    }\n  }\n}\n",
			[]string{"docker-config-auth"}},
		{"Maven settings.xml", "<settings>\n  <servers>\n    <server>\n      <id>releases</id>\n      <username>deployer</username>\n" +
			"      <password>«{alnum:18}3Kx»</password>\n    </server>\n    <server>\n      <id>snapshots</id>\n" + // pretense:allow (a template)
			"      <password>${env.SNAPSHOT_PASSWORD}</password>\n    </server>\n  </servers>\n</settings>\n",
			[]string{"maven-settings-password"}},
		{"Maven settings.xml placeholders", "<servers>\n  <server>\n    <id>central</id>\n    <password>changeme</password>\n  </server>\n" +
			"  <server>\n    <id>b</id>\n    <password><your-password></password>\n  </server>\n</servers>\n", nil},
		{"gradle.properties", "org.gradle.jvmargs=-Xmx2g\nmavenCentralUsername=deployer\nmavenCentralPassword=«{alnum:12}4Q{alnum:4}»\n" +
			"signing.keyId=24875D73\nsigning.password=«{alnum:10}!7{alnum:3}»\ngradle.publish.key=«{alnum:32}»\n",
			[]string{"gradle-properties-password", "gradle-properties-password", "gradle-properties-password"}},
		{"gradle.properties placeholders", "ossrhPassword=${OSSRH_PASSWORD}\nsigning.password=changeme\nmavenCentralPassword=<your-token>\n", nil},
		{"NuGet.Config", "<configuration>\n <packageSourceCredentials>\n  <internal>\n   <add key=\"Username\" value=\"ci\" />\n" +
			"   <add key=\"ClearTextPassword\" value=\"«{alnum:20}»\" />\n  </internal>\n </packageSourceCredentials>\n</configuration>\n",
			[]string{"nuget-cleartext-password"}},
		{"NuGet.Config placeholders", "<add key=\"ClearTextPassword\" value=\"%FEED_PASSWORD%\" />\n<add key=\"ClearTextPassword\" value=\"<your-token>\" />\n", nil},
		{".s3cfg for an S3-compatible store", "[default]\naccess_key = «{upalnum:20}»\nbucket_location = US\nhost_base = nyc3.digitaloceanspaces.com\n" +
			"host_bucket = %(bucket)s.nyc3.digitaloceanspaces.com\nsecret_key = «{b64:43}»\nsignature_v2 = False\n",
			// The access key id is no secret, but the generic assignment
			// rule cannot tell it from one; the secret key is named.
			[]string{"generic-secret-assignment", "s3cfg-secret-key"}},
		{".s3cfg placeholders", "[default]\naccess_key = \nhost_base = s3.wasabisys.com\nsecret_key = <your-secret-key>\n", nil},
		{"rclone.conf", "[backup]\ntype = sftp\nhost = files.internal.test\nuser = bob\npass = «{b64url:40}»\n\n" +
			"[vault]\ntype = crypt\nremote = backup:vault\npassword = «{b64url:48}»\npassword2 = «{b64url:44}»\n",
			[]string{"rclone-config-password", "rclone-config-password", "rclone-config-password"}},
		{"rclone.conf without passwords", "[backup]\ntype = sftp\nhost = files.internal.test\nuser = bob\nkey_file = ~/.ssh/id_ed25519\n", nil},
		{"AWS credentials", "[default]\naws_access_key_id = «AKIAQZ7{upper:13}»\naws_secret_access_key = «{b64:40}»\n",
			[]string{"aws-access-key-id", "aws-secret-access-key"}},
		{".netrc", "machine api.internal.test\n  login deploy\n  password «{alnum:16}7Q»\n", []string{"netrc-password"}},
		{".netrc placeholders", "machine api.internal.test login deploy password changeme\n", nil},
	}
	rs := secretSet(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { scanMarked(t, rs, tc.file, tc.want, 13) })
	}
}

// scanMarked expands a marked template with eight seeds and requires the
// findings to be exactly want, on exactly the marked values, in order.
func scanMarked(t *testing.T, rs *Ruleset, file string, want []string, stream uint64) {
	t.Helper()
	for seed := range uint64(8) {
		src, values := expandMarked(t, file, rand.New(rand.NewPCG(seed, stream)))
		var got, gotValues []string
		for _, m := range rs.Scan([]byte(src)) {
			got = append(got, m.Rule.ID)
			gotValues = append(gotValues, m.Value)
		}
		if !slices.Equal(got, want) || !slices.Equal(gotValues, values) {
			t.Fatalf("got rules %v values %q\nwant rules %v values %q\nin %q", got, gotValues, want, values, src)
		}
	}
}

// expandMarked expands a sample template and returns it without its «»
// markers, with the marked values in order.
func expandMarked(t *testing.T, tmpl string, rng *rand.Rand) (string, []string) {
	t.Helper()
	// Braces in the file itself (JSON) are written single here; double
	// them for ExpandSample unless they open a placeholder.
	var b strings.Builder
	for i := 0; i < len(tmpl); i++ {
		c := tmpl[i]
		switch {
		case c == '{' && !placeholderAt(tmpl[i:]):
			b.WriteString("{{")
		case c == '}' && !closesPlaceholder(tmpl[:i]):
			b.WriteString("}}")
		default:
			b.WriteByte(c)
		}
	}
	s := mustExpand(t, b.String(), rng)
	var out strings.Builder
	var values []string
	for {
		i := strings.Index(s, "«")
		if i < 0 {
			out.WriteString(s)
			return out.String(), values
		}
		j := strings.Index(s[i:], "»")
		if j < 0 {
			t.Fatalf("unclosed « in %q", tmpl)
		}
		out.WriteString(s[:i])
		v := s[i+len("«") : i+j]
		out.WriteString(v)
		values = append(values, v)
		s = s[i+j+len("»"):]
	}
}

// placeholderAt reports whether s starts with a {class:N} placeholder.
func placeholderAt(s string) bool {
	end := strings.IndexByte(s, '}')
	if end < 0 {
		return false
	}
	class, n, ok := strings.Cut(s[1:end], ":")
	_, known := sampleClasses[class]
	return ok && known && n != "" && strings.Trim(n, "0123456789") == ""
}

// closesPlaceholder reports whether the } after before ends a placeholder.
func closesPlaceholder(before string) bool {
	i := strings.LastIndexByte(before, '{')
	return i >= 0 && placeholderAt(before[i:]+"}")
}

// TestNameStart: where the name a value is assigned to begins.
func TestNameStart(t *testing.T) {
	tests := []struct{ line, value, name string }{
		{"kraken key = 'k' secret = 'v'", "v", "secret = 'v'"},
		{"$adafruitToken .= \"v\"", "v", "$adafruitToken .= \"v\""},
		{"brandfetch credentials: v", "v", "credentials: v"},
		{"token=v", "v", "token=v"},
		{"v", "v", "v"},
	}
	for _, tc := range tests {
		start := strings.LastIndex(tc.line, tc.value)
		if got := tc.line[nameStart([]byte(tc.line), start, 0):]; got != tc.name {
			t.Errorf("nameStart(%q) = %q, want %q", tc.line, got, tc.name)
		}
	}
}

// TestProviderContext: a high-entropy assignment on a line just below a
// provider's name is that provider rule's to judge; the generic rule
// reports it only when no owned provider name stands there as a word.
// (The values hold ! and $, which a password may: a bare % would be
// dropped under an API key name on its own, see percent-decoded.)
func TestProviderContext(t *testing.T) {
	tests := []struct {
		name string
		file string
		want []string
	}{
		{"provider named in the log line above", "[INFO] Sending request to the AccuWeather API\n[DEBUG] Using API_KEY={alnum:10}!{alnum:12}$q7\n", nil},
		{"provider named two lines above", "accuweather:\n  region: eu\n  api_key: {alnum:10}!{alnum:12}$q7\n", nil},
		{"provider name inside another word", "collateral settings\napi_key = \"«{alnum:10}!{alnum:12}$q7»\"\n", []string{"generic-secret-assignment"}},
		{"no provider nearby", "[INFO] Sending request\n[DEBUG] Using API_KEY=«{alnum:10}!{alnum:12}$q7»\n", []string{"generic-secret-assignment"}},
		{"provider three lines above", "accuweather:\n\n\n\napi_key = \"«{alnum:10}!{alnum:12}$q7»\"\n", []string{"generic-secret-assignment"}},
		// The value's own line: free text before the assigned name names
		// the provider, the assigned name itself is left to Rule.Owns.
		{"provider before the name on the same line", "kraken key = '{alnum:10}' secret = '{alnum:10}+={alnum:12}=+'\n", nil},
		{"provider words before the name", "brandfetch credentials: {alnum:10}+={alnum:12}q7\n", nil},
		{"provider inside the assigned name is not free text", "$adafruitToken .= \"«{alnum:10}!{alnum:12}$q7»\"\n", []string{"generic-secret-assignment"}},
		{"provider after the value on the same line", "api_key = \"«{alnum:10}!{alnum:12}$q7»\" # for accuweather\n", []string{"generic-secret-assignment"}},
		{"provider glued into another word on the same line", "collateral api_key = \"«{alnum:10}!{alnum:12}$q7»\"\n", []string{"generic-secret-assignment"}},
	}
	rs := secretSet(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { scanMarked(t, rs, tc.file, tc.want, 17) })
	}
}

// TestDockerAuthJSONKey: a registry auth that decodes to Google's
// _json_key login carries a service account key file as its password and
// is kept; the password heuristics still judge ordinary user:password.
func TestDockerAuthJSONKey(t *testing.T) {
	keyFile := `{"type": "service_account", "project_id": "demo", "private_key": "-----BEGIN PRIVATE KEY-----\n` + strings.Repeat("QUJD", 20) + `\n-----END PRIVATE KEY-----\n"}`
	tests := []struct {
		name, decoded string
		want          bool
	}{
		{"json key login", "_json_key:" + keyFile, true},
		{"json key base64 login", "_json_key_base64:" + base64.StdEncoding.EncodeToString([]byte(keyFile)), true},
		{"json key user with a short password", "_json_key:{}", false},
		{"json key user with a long non-JSON password", "_json_key:" + strings.Repeat("Vq7xT2mK9pLw4", 9), false},
		{"json key user with JSON that is not a key file", "_json_key:" + `{"name": "` + strings.Repeat("QUJD", 30) + `"}`, false},
		{"json key base64 user with a non-base64 password", "_json_key_base64:" + keyFile, false},
		{"json key base64 user with base64 of prose", "_json_key_base64:" + base64.StdEncoding.EncodeToString([]byte(strings.Repeat("not a key file ", 10))), false},
		{"json key login with a quoting space", "_json_key: " + keyFile, true},
		{"placeholder password", "admin:password", false},
		{"same user and password", "123:123", false},
		{"random password", "ci:" + "Vq7" + "xT2mK9pLw4", true},
	}
	for _, tc := range tests {
		c := &CheckContext{Value: base64.StdEncoding.EncodeToString([]byte(tc.decoded))}
		if got := checkDockerAuth(c); got != tc.want {
			t.Errorf("%s: checkDockerAuth(%q) = %v, want %v", tc.name, tc.decoded, got, tc.want)
		}
	}
}

// TestKeyedLiteral: a keyed value at the start of a quoted literal must
// be the literal, or end at a separator of composite values and URLs.
func TestKeyedLiteral(t *testing.T) {
	key := "qtb537zc8slokbo" + "yekq08tsut9atqa4h"
	tests := []struct {
		name, line string
		want       bool
	}{
		{"whole literal", `sheety token - '` + key + `'`, true},
		{"unquoted", `SHEETY_KEY=` + key + `?x=1`, true},
		{"composite id:key", `'` + key + `:abc'`, true},
		{"url path", `"` + key + `/sheets/1"`, true},
		{"space inside the literal", `"` + key + ` and more"`, true},
		{"question mark inside the literal", `'` + key + `?ewgjsi2olklupy2z4s3wilqorymakjd'`, false},
		{"bang inside the literal", `"` + key + `!x"`, false},
	}
	for _, tc := range tests {
		start := strings.Index(tc.line, key)
		c := &CheckContext{Data: []byte(tc.line), Start: start, End: start + len(key), Value: key}
		if got := checkKeyedLiteral(c); got != tc.want {
			t.Errorf("%s: checkKeyedLiteral(%q) = %v, want %v", tc.name, tc.line, got, tc.want)
		}
	}
}
