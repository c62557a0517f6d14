package rules

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/pretense/pretense/finding"
	"github.com/pretense/pretense/internal/testgen"
)

// secretSet compiles the built-in rules without PHI: these tests are about
// the secret rules only.
func secretSet(t testing.TB) *Ruleset {
	t.Helper()
	rs, err := Compile(Builtin(), Options{})
	if err != nil {
		t.Fatalf("compile built-in rules: %v", err)
	}
	return rs
}

func secretRules(rs *Ruleset) []*Rule {
	var out []*Rule
	for _, r := range rs.Rules() {
		if r.Kind == finding.KindSecret {
			out = append(out, r)
		}
	}
	return out
}

// TestSecretSamplesAsCorpus holds the samples to what the planted-secret
// corpus (internal/testgen/corpusgen) assumes of them: a true positive is
// reported on the first line of its sample and nowhere else, by its own
// rule, and no value twice; a false positive is a decoy that no secret rule
// reports.
func TestSecretSamplesAsCorpus(t *testing.T) {
	rs := secretSet(t)
	for _, r := range secretRules(rs) {
		t.Run(r.ID, func(t *testing.T) {
			if len(r.Samples.FP) == 0 {
				t.Errorf("rule has no false-positive samples")
			}
			for seed := range uint64(4) {
				rng := rand.New(rand.NewPCG(seed, 7))
				for _, tmpl := range r.Samples.TP {
					s := mustExpand(t, tmpl, rng)
					ms := rs.Scan([]byte(s))
					for i := 1; i < len(ms); i++ {
						if ms[i].Start < ms[i-1].End {
							t.Errorf("one value reported twice, by %s and %s: %q", ms[i-1].Rule.ID, ms[i].Rule.ID, s)
						}
					}
					own := false
					for _, m := range ms {
						if line := 1 + strings.Count(s[:m.Start], "\n"); line != 1 {
							t.Errorf("%s reported on line %d of a true-positive sample (want line 1): %q", m.Rule.ID, line, s)
						}
						own = own || m.Rule.ID == r.ID
					}
					if !own {
						t.Errorf("true positive not reported by its rule: %q", s)
					}
				}
				for _, tmpl := range r.Samples.FP {
					s := mustExpand(t, tmpl, rng)
					for _, m := range rs.Scan([]byte(s)) {
						t.Errorf("decoy reported by %s (value %q): %q", m.Rule.ID, m.Value, s)
					}
				}
			}
		})
	}
}

// TestSecretSamplesInCorpusFiles plants every sample in every corpus
// wrapper (testgen.SecretWrappers, the ones corpusgen uses): a true positive is reported by its rule and every finding is on
// its line; a decoy yields none.
func TestSecretSamplesInCorpusFiles(t *testing.T) {
	rs := secretSet(t)
	for _, r := range secretRules(rs) {
		// A stream per rule: adding a rule or a sample does not redraw
		// every other rule's samples.
		rng := rand.New(rand.NewPCG(21, ruleStream(r.ID)))
		for _, w := range testgen.SecretWrappers {
			line := w.Line()
			for _, tmpl := range r.Samples.TP {
				src := w.Before + mustExpand(t, tmpl, rng) + w.After
				own := false
				for _, m := range rs.Scan([]byte(src)) {
					if l := 1 + strings.Count(src[:m.Start], "\n"); l != line {
						t.Errorf("%s: %s reported on line %d, want only line %d: %q", r.ID, m.Rule.ID, l, line, src)
					}
					own = own || m.Rule.ID == r.ID
				}
				if !own {
					t.Errorf("%s: not reported by its rule: %q", r.ID, src)
				}
			}
			for _, tmpl := range r.Samples.FP {
				src := w.Before + mustExpand(t, tmpl, rng) + w.After
				for _, m := range rs.Scan([]byte(src)) {
					t.Errorf("%s decoy: %s reported %q in %q", r.ID, m.Rule.ID, m.Value, src)
				}
			}
		}
	}
}

// TestSecretRuleMetadata keeps every built-in secret rule complete enough
// for reports and SARIF.
func TestSecretRuleMetadata(t *testing.T) {
	rs := secretSet(t)
	rules := secretRules(rs)
	if len(rules) < 60 {
		t.Fatalf("only %d secret rules compiled", len(rules))
	}
	for _, r := range rules {
		if r.Description == "" || r.Entity == "" || len(r.Tags) == 0 {
			t.Errorf("%s: description, entity and tags are required", r.ID)
		}
	}
}

// TestGitHubChecksum builds tokens with a correct CRC32 tail the way GitHub
// and npm issue them, and checks the check raises confidence for them and
// lowers it for a token whose tail is wrong.
func TestGitHubChecksum(t *testing.T) {
	rs := secretSet(t)
	rng := rand.New(rand.NewPCG(5, 5))
	for _, prefix := range []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "npm_"} {
		body := mustExpand(t, "{alnum:30}", rng)
		good := prefix + body + githubCRC(body)
		bad := prefix + body + flipLast(githubCRC(body))
		for _, tc := range []struct {
			tok  string
			conf float64
		}{{good, 0.99}, {bad, 0.75}} {
			ms := rs.Scan([]byte("token = " + tc.tok + "\n"))
			if len(ms) != 1 || ms[0].Value != tc.tok {
				t.Fatalf("%s: got %+v", tc.tok, ms)
			}
			if ms[0].Confidence != tc.conf {
				t.Errorf("%s: confidence %v, want %v (reasons %v)", tc.tok, ms[0].Confidence, tc.conf, ms[0].Reasons)
			}
		}
	}
	// Reference value: CRC32/IEEE("123456789") is 0xCBF43926, which is
	// "3jZRME" in base62 with the 0-9A-Za-z alphabet (computed with
	// Python's binascii.crc32 and the base62 package's default charset).
	if got := githubCRC("123456789"); got != "3jZRME" {
		t.Errorf("githubCRC(123456789) = %q, want 3jZRME", got)
	}
}

func flipLast(s string) string {
	b := []byte(s)
	if b[len(b)-1] == 'a' {
		b[len(b)-1] = 'b'
	} else {
		b[len(b)-1] = 'a'
	}
	return string(b)
}

func TestSecretChecks(t *testing.T) {
	snowflake := base64.RawStdEncoding.EncodeToString([]byte("123456789012345678"))
	letters := base64.RawStdEncoding.EncodeToString([]byte("abcdefghijklmnopqr"))
	sig32 := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0xa5, 0x17}, 16))
	sig48 := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0xa5}, 48))
	tests := []struct {
		name  string
		check CheckFunc
		data  string
		value string
		want  bool
	}{
		{"word-start at input start", checkWordStart, "SKabc", "SKabc", true},
		{"word-start after space", checkWordStart, "x SKabc", "SKabc", true},
		{"word-start inside identifier", checkWordStart, "TASKabc", "SKabc", false},
		{"word-start after underscore", checkWordStart, "run_npm_abc", "npm_abc", false},
		{"aws key name", checkAWSContext, "aws_secret_access_key = V", "V", true},
		{"aws json name", checkAWSContext, `"SecretAccessKey": "V"`, "V", true},
		{"aws nearby", checkAWSContext, "# aws prod\nsecret_key = V", "V", true},
		{"no aws", checkAWSContext, "secret_key = V", "V", false},
		{"discord snowflake", checkDiscordSnowflake, "t=" + snowflake + ".abcdef.xyz", snowflake + ".abcdef.xyz", true},
		{"discord letters", checkDiscordSnowflake, "t=" + letters + ".abcdef.xyz", letters + ".abcdef.xyz", false},
		{"discord no dot", checkDiscordSnowflake, "t=" + snowflake, snowflake, false},
		{"sas 32 bytes", checkAzureSASSignature, "sig=" + sig32, sig32, true},
		{"sas url-encoded", checkAzureSASSignature, "sig=" + strings.ReplaceAll(sig32, "=", "%3D"), strings.ReplaceAll(sig32, "=", "%3D"), true},
		{"sas 48 bytes", checkAzureSASSignature, "sig=" + sig48, sig48, false},
		{"sas bad escape", checkAzureSASSignature, "sig=%zz", "%zz", false},
		// The other fields of the query must hold values Azure documents.
		{"sas service fields", checkAzureSASSignature, "SAS=sp=racwdl&st=2025-03-04T07:24:52Z&se=2025-04-04T15%3A24%3A52Z&sip=168.1.6.50-168.1.6.80&spr=https&sv=2022-11-02&sr=c&sig=" + sig32, sig32, true},
		{"sas account fields", checkAzureSASSignature, "u = \"https://a.blob.core.windows.net/?sv=2022-11-02&ss=bfqt&srt=sco&sp=rwdlacupiytfx&se=2030-01-01&spr=https,http&sig=" + sig32 + "\"", sig32, true},
		{"sas permission q", checkAzureSASSignature, "SAS=sp=rqx&st=2025-03-04T07:24:52Z&sv=2022-11-02&sr=c&sig=" + sig32, sig32, false},
		{"sas resource z", checkAzureSASSignature, "?sv=2022-11-02&sr=z&sp=r&sig=" + sig32, sig32, false},
		{"sas ip truncated", checkAzureSASSignature, "?sv=2022-11-02&sip=168.1.6&sp=r&sig=" + sig32, sig32, false},
		{"sas version not a date", checkAzureSASSignature, "?sv=latest&sp=r&sig=" + sig32, sig32, false},
		{"sas services w", checkAzureSASSignature, "?sv=2022-11-02&ss=bw&sp=r&sig=" + sig32, sig32, false},
		{"sas protocol ftp", checkAzureSASSignature, "?sv=2022-11-02&spr=ftp&sp=r&sig=" + sig32, sig32, false},
		{"sas unknown field ignored", checkAzureSASSignature, "?sv=2022-11-02&sp=r&skoid=Zz9&sig=" + sig32, sig32, true},
		{"key name plain", checkGenericKeyName, `db_password = "V"`, "V", true},
		{"key name url", checkGenericKeyName, `token_url = "V"`, "V", false},
		{"key name camel", checkGenericKeyName, `"nextPageToken": "V"`, "V", false},
		{"decoy name non-matching", checkGenericKeyName, `nonMatchingToken := "V"`, "V", false},
		{"decoy name invalid", checkGenericKeyName, `INVALID_API_KEY = "V"`, "V", false},
		{"decoy name wrong", checkGenericKeyName, `wrong_password: V`, "V", false},
		{"real name kept", checkGenericKeyName, `matchingToken := "V"`, "V", true},
		{"key name expiresAt", checkGenericKeyName, `tokenExpiresAt: V`, "V", false},
		{"key name android", checkGenericKeyName, `secret_android = "V"`, "V", true},
		{"key name python raw", checkGenericKeyName, `api_secret = r"V"`, "V", true},
		{"key name public", checkGenericKeyName, `public_key: "V"`, "V", false},
		{"key name none", checkGenericKeyName, `V`, "V", true},
		{"expression", checkCodeExpression, `n = queueDepth+maxConcurrency`, "queueDepth+maxConcurrency", false},
		{"quoted expression-like", checkCodeExpression, `t = "queueDepth+maxConcurrency"`, "queueDepth+maxConcurrency", true},
		{"base64 with plus", checkCodeExpression, `t = Zx9kQ2+mP7vL4wR/aB3`, "Zx9kQ2+mP7vL4wR/aB3", true},
		{"single word", checkCodeExpression, `t = maxConcurrency`, "maxConcurrency", true},
		{"password percent-encoded", checkPlaceholderPassword, "u:pa%2Fssword@", "pa%2Fssword", false},
		{"password l33t", checkPlaceholderPassword, "u:P@ssw0rd@", "P@ssw0rd", false},
		{"rfc example", checkPlaceholderPassword, "aladdin:opensesame@", "opensesame", false},
		{"real password", checkPlaceholderPassword, "u:Xk9vQ2mZr7@", "Xk9vQ2mZr7", true},
		{"slug", checkReadableValue, `t = "client-valid-token-1"`, "client-valid-token-1", false},
		{"header names", checkReadableValue, `k = "Proxy-Authorization"`, "Proxy-Authorization", false},
		{"one word", checkReadableValue, `k = "Authorization"`, "Authorization", true},
		{"words with edge digits", checkReadableValue, "`contentful-token`, `1password-token`", "1password-token", false},
		{"base64 split at plus", checkReadableValue, "Basic OQ+iqPXCqskfaMGWTTWrAKpLhKJDr7=", "OQ+iqPXCqskfaMGWTTWrAKpLhKJDr7=", true},
		{"generated", checkReadableValue, `k = "django-insecure-x9k2q"`, "django-insecure-x9k2q", true},
		{"ado.net", checkConnectionString, "Server=db;User Id=a;Password=V", "V", true},
		{"jdbc", checkConnectionString, "jdbc:sqlserver://h:1433;user=a;password=V", "V", true},
		{"no connection string", checkConnectionString, "sslmode=disable;password=V", "V", false},
		{"server on previous line", checkConnectionString, "Server=db\n;Password=V", "V", false},
		{"basic placeholder", checkBasicAuth, "Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA==", false},
		{"basic same user and password", checkBasicAuth, "Basic YWRtaW46YWRtaW4=", "YWRtaW46YWRtaW4=", false},
		{"basic real", checkBasicAuth, "Basic c3ZjOlhrOXZRMm1acjc=", "c3ZjOlhrOXZRMm1acjc=", true},
		{"bearer not base64 pair", checkBasicAuth, "Bearer abc.def", "abc.def", true},
		{"api key bare percent", checkPercentDecoded, "[DEBUG] Used API_KEY=WAgP6m4gYc1qe%HnjWAAF5HBKL%i6kwrsbD", "WAgP6m4gYc1qe%HnjWAAF5HBKL%i6kwrsbD", false},
		{"token bare percent", checkPercentDecoded, `accessToken: "Zk29xQ%vRt81LmPq%w7Yb"`, "Zk29xQ%vRt81LmPq%w7Yb", false},
		{"api key escaped", checkPercentDecoded, "API_KEY=Zk29xQ%2BvRt81LmPq%2Fw7Yb", "Zk29xQ%2BvRt81LmPq%2Fw7Yb", true},                               // pretense:allow
		{"password bare percent", checkPercentDecoded, "DB_PASSWORD=WAgP6m4gYc1qe%HnjWAAF5HBKL%i6kwrsbD", "WAgP6m4gYc1qe%HnjWAAF5HBKL%i6kwrsbD", true}, // pretense:allow
		{"secret key bare percent", checkPercentDecoded, "SECRET_KEY = 'x9!k2%q@v7#m1^z8&w3*r5(t6)y4'", "x9!k2%q@v7#m1^z8&w3*r5(t6)y4", true},
		{"encryption key bare percent", checkPercentDecoded, "encryption_key: Tq8%vLm2!xZr9#Kw4$", "Tq8%vLm2!xZr9#Kw4$", true},
		{"scheme plain", checkURIScheme, "DATABASE_URL=postgres://app:Xk9vQ2mZr7@db:5432/app", "Xk9vQ2mZr7", true},   // pretense:allow
		{"scheme quoted", checkURIScheme, "'postgres://app:Xk9vQ2mZr7@db'", "Xk9vQ2mZr7", true},                      // pretense:allow
		{"scheme with plus", checkURIScheme, "pip install git+https://ci:Xk9vQ2mZr7@git.test/r", "Xk9vQ2mZr7", true}, // pretense:allow
		{"scheme commented", checkURIScheme, "#redis://:Xk9vQ2mZr7@cache:6379", "Xk9vQ2mZr7", true},                  // pretense:allow
		{"scheme at input start", checkURIScheme, "amqp://u:Xk9vQ2mZr7@mq", "Xk9vQ2mZr7", true},                      // pretense:allow
		{"scheme after question mark", checkURIScheme, "postgres token - '?ostgres://sN19x:d7N8bs@1.2.3.4:5432'", "d7N8bs", false},
		{"scheme after ampersand", checkURIScheme, "a=1&ostgres://u:Xk9vQ2mZr7@db", "Xk9vQ2mZr7", false},
		{"scheme after percent", checkURIScheme, "%70ostgres://u:Xk9vQ2mZr7@db", "Xk9vQ2mZr7", false},
		{"scheme starts with digit", checkURIScheme, "x 9ostgres://u:Xk9vQ2mZr7@db", "Xk9vQ2mZr7", false},
		{"no scheme", checkURIScheme, "x ://u:Xk9vQ2mZr7@db", "Xk9vQ2mZr7", false},
		{"bad escape kept", checkPlaceholderPassword, "u:Xk9%zzQ2mZr7@", "Xk9%zzQ2mZr7", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := strings.LastIndex(tt.data, tt.value)
			c := &CheckContext{Data: []byte(tt.data), Start: start, End: start + len(tt.value), Value: tt.value, Confidence: 0.9}
			if got := tt.check(c); got != tt.want {
				t.Errorf("got %v, want %v (reasons %v)", got, tt.want, c.Reasons)
			}
		})
	}
}

func TestSplitWords(t *testing.T) {
	tests := map[string]string{
		"nextPageToken":        "next page token",
		"DB_PASSWORD":          "db password",
		"x-api-key":            "x api key",
		"spring.datasource.pw": "spring datasource pw",
		"APIKey":               "apikey",
		"":                     "",
	}
	for in, want := range tests {
		if got := strings.Join(splitWords([]byte(in)), " "); got != want {
			t.Errorf("splitWords(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSequentialRun(t *testing.T) {
	tests := map[string]bool{
		"ghp_0123456789abcdefghijABCDEFGHIJ012345": true,
		"xxabcdefghxx":      true,
		"ABCDEFGH":          true,
		"0123456":           false,
		"Zx9kQ2mP7vL4wRaB3": false,
		"9abcdefg":          false, // a digit and a letter are not a run
	}
	for v, want := range tests {
		if got := sequentialRun(v); got != want {
			t.Errorf("sequentialRun(%q) = %v, want %v", v, got, want)
		}
	}
}

// TestLineEndingsAndIndentation: CRLF files and keys embedded in YAML
// block scalars are found like LF files.
func TestLineEndingsAndIndentation(t *testing.T) {
	rs := secretSet(t)
	rng := rand.New(rand.NewPCG(8, 9))
	body := mustExpand(t, "{b64:64}\n{b64:64}\n{b64:20}==", rng)
	pem := "-----BEGIN RSA PRIVATE KEY-----\n" + body + "\n-----END RSA PRIVATE KEY-----"
	tok := mustExpand(t, "ghp_{alnum:36}", rng)
	pw := mustExpand(t, "{alnum:20}7Qz", rng)
	tests := []struct {
		name, src, rule string
	}{
		{"pem lf", pem + "\n", "private-key"},
		{"pem crlf", strings.ReplaceAll(pem, "\n", "\r\n") + "\r\n", "private-key"},
		{"pem yaml block", "tls.key: |\n  " + strings.ReplaceAll(pem, "\n", "\n  ") + "\n", "private-key"},
		{"token crlf", "a=1\r\nGITHUB_TOKEN=" + tok + "\r\nb=2\r\n", "github-pat-classic"},
		{"password crlf", "a=1\r\nDB_PASSWORD=" + pw + "\r\nb=2\r\n", "generic-secret-assignment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := rs.Scan([]byte(tt.src))
			if len(ms) != 1 || ms[0].Rule.ID != tt.rule || strings.ContainsAny(ms[0].Value, "\r") && tt.rule != "private-key" {
				t.Fatalf("got %+v, want one %s", ms, tt.rule)
			}
		})
	}
}

// TestPublicEmulatorKeyAllowed: the Azurite account key is published in
// Microsoft's documentation and identical on every machine.
func TestPublicEmulatorKeyAllowed(t *testing.T) {
	rs := secretSet(t)
	cs := "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" // pretense:allow
	// The marker is on the literal's line; scan the value on a line of
	// its own so the marker does not decide the test.
	_, key, _ := strings.Cut(cs, "AccountKey=")
	key = strings.TrimSuffix(key, ";")
	if ms := rs.Scan([]byte("AccountKey=" + key + ";\n")); len(ms) != 0 {
		t.Fatalf("emulator key reported: %+v", ms)
	}
}

// TestDecoyCorpus: a realistic corpus of code, configuration, lockfiles,
// hashes, UUIDs, image data and documented example credentials, generated
// at test time, must produce no finding at all.
func TestDecoyCorpus(t *testing.T) {
	rs := secretSet(t)
	for seed := range uint64(5) {
		rng := rand.New(rand.NewPCG(seed, 31))
		for _, f := range decoyFiles(rng) {
			for _, m := range rs.Scan(f.data) {
				line := 1 + bytes.Count(f.data[:m.Start], []byte("\n"))
				lo := bytes.LastIndexByte(f.data[:m.Start], '\n') + 1
				hi := m.End + max(0, bytes.IndexByte(f.data[m.End:], '\n'))
				t.Errorf("seed %d %s:%d: %s reported %q in %q", seed, f.name, line, m.Rule.ID, m.Value, f.data[lo:min(hi, lo+300)])
			}
		}
	}
}

// TestPlantedSecretsFound: secrets planted in the same generated source
// are all found, each by the rule that planted it.
func TestPlantedSecretsFound(t *testing.T) {
	rs := secretSet(t)
	rng := rand.New(rand.NewPCG(11, 13))
	data, planted := benchCorpus(t, rs, rng, 2<<20, false)
	found := map[int]string{}
	for _, m := range rs.Scan(data) {
		found[1+bytes.Count(data[:m.Start], []byte("\n"))] = m.Rule.ID
	}
	for _, p := range planted {
		if got := found[p.line]; got != p.rule {
			t.Errorf("planted %s on line %d: found %q", p.rule, p.line, got)
		}
	}
	if len(found) != len(planted) {
		t.Errorf("%d lines with findings, %d planted", len(found), len(planted))
	}
}

// BenchmarkScan scans ~10 MB of generated source: ordinary Go, Python,
// JavaScript and Java code, with the decoy files (lockfiles, fixtures,
// CI configuration) making up one byte in five, and a planted secret
// every ~100 KB.
//
//	go test -run '^$' -bench BenchmarkScan -benchtime 5x ./rules/
func BenchmarkScan(b *testing.B) {
	benchScan(b, false)
}

// BenchmarkScanDecoyHeavy scans ~10 MB made only of the decoy files, in
// which nearly every line names a password, token or secret: the worst
// case for the keyword prefilter.
func BenchmarkScanDecoyHeavy(b *testing.B) {
	benchScan(b, true)
}

func benchScan(b *testing.B, decoysOnly bool) {
	rs := secretSet(b)
	rng := rand.New(rand.NewPCG(1, 2))
	data, planted := benchCorpus(b, rs, rng, 10<<20, decoysOnly)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		n = len(rs.Scan(data))
	}
	b.ReportMetric(float64(n), "findings")
	if n < len(planted) {
		b.Fatalf("found %d, planted %d", n, len(planted))
	}
}

type plant struct {
	line int
	rule string
}

// benchCorpus concatenates generated files until size bytes, planting one
// true-positive sample line between files every ~100 KB. Without
// decoysOnly, four bytes in five are ordinary source code.
func benchCorpus(tb testing.TB, rs *Ruleset, rng *rand.Rand, size int, decoysOnly bool) ([]byte, []plant) {
	tb.Helper()
	type sample struct{ rule, tmpl string }
	var samples []sample
	for _, r := range secretRules(rs) {
		for _, tp := range r.Samples.TP {
			samples = append(samples, sample{r.ID, tp})
		}
	}
	var buf bytes.Buffer
	var planted []plant
	next := 0
	for buf.Len() < size {
		files := decoyFiles(rng)
		if !decoysOnly {
			// Four bytes of ordinary code for every byte of decoy file.
			g := gen{rng}
			var mixed []decoyFile
			for _, d := range files {
				mixed = append(mixed, d)
				for n := 0; n < 4*len(d.data); {
					for _, p := range []decoyFile{{"a.go", g.plainGo()}, {"a.py", g.plainPy()}, {"a.js", g.plainJS()}, {"A.java", g.plainJava()}} {
						mixed = append(mixed, p)
						n += len(p.data)
					}
				}
			}
			files = mixed
		}
		for _, f := range files {
			buf.Write(f.data)
			if !bytes.HasSuffix(f.data, []byte("\n")) {
				buf.WriteByte('\n')
			}
			if buf.Len() >= next {
				s := samples[len(planted)%len(samples)]
				line := 1 + bytes.Count(buf.Bytes(), []byte("\n"))
				buf.WriteString(mustExpand(tb, s.tmpl, rng))
				buf.WriteString("\n\n")
				planted = append(planted, plant{line, s.rule})
				next = buf.Len() + 100<<10
			}
		}
	}
	return buf.Bytes(), planted
}

type decoyFile struct {
	name string
	data []byte
}

// decoyFiles generates one of each kind of file that commonly trips secret
// scanners, filled from rng. None holds a secret.
func decoyFiles(rng *rand.Rand) []decoyFile {
	g := gen{rng}
	return []decoyFile{
		{"service.go", g.goSource()},
		{"settings.py", g.pySource()},
		{"app.min.js", g.minifiedJS()},
		{"package-lock.json", g.packageLock()},
		{"yarn.lock", g.yarnLock()},
		{"go.sum", g.goSum()},
		{"Cargo.lock", g.cargoLock()},
		{"poetry.lock", g.poetryLock()},
		{"styles.css", g.css()},
		{"index.html", g.html()},
		{"deploy.yaml", g.k8s()},
		{".github/workflows/ci.yml", g.workflow()},
		{".env.example", g.envExample()},
		{"fixtures_test.py", g.fixtures()},
		{"CHANGELOG.md", g.changelog()},
		{"Dockerfile", g.dockerfile()},
		{"schema.sql", g.sql()},
	}
}

type gen struct{ rng *rand.Rand }

func (g gen) s(tmpl string) string {
	out, err := ExpandSample(tmpl, g.rng)
	if err != nil {
		panic(err)
	}
	return out
}

func (g gen) pick(xs ...string) string { return xs[g.rng.IntN(len(xs))] }

func (g gen) uuid() string { return g.s("{hex:8}-{hex:4}-4{hex:3}-a{hex:3}-{hex:12}") }

func (g gen) ident() string {
	return g.pick("user", "order", "invoice", "session", "request", "account", "item", "cart", "event", "report") +
		g.pick("", "ID", "Count", "Store", "Handler", "Service", "Repo", "Cache", "Index", "List")
}

func (g gen) goSource() []byte {
	var b strings.Builder
	b.WriteString("package service\n\nimport (\n\t\"context\"\n\t\"crypto/sha256\"\n\t\"os\"\n)\n\n")
	for i := range 40 {
		id := g.ident()
		fmt.Fprintf(&b, "// %s handles %s; see commit %s.\n", id, g.pick("retries", "tokens", "secrets rotation", "password resets"), g.s("{hex:40}"))
		fmt.Fprintf(&b, "func (s *Server) %s%d(ctx context.Context, req *Request) (*Response, error) {\n", id, i)
		fmt.Fprintf(&b, "\ttoken := req.Header.Get(\"Authorization\")\n")
		fmt.Fprintf(&b, "\tpassword := os.Getenv(\"DB_PASSWORD\")\n")
		fmt.Fprintf(&b, "\tsecret, err := s.vault.Read(ctx, \"kv/data/%s\")\n", g.s("{lower:8}"))
		fmt.Fprintf(&b, "\tif err != nil {\n\t\treturn nil, fmt.Errorf(\"read secret: %%w\", err)\n\t}\n")
		fmt.Fprintf(&b, "\tid := %q // request id\n", g.uuid())
		fmt.Fprintf(&b, "\tsum := sha256.Sum256([]byte(%q))\n", g.s("{alnum:24}"))
		fmt.Fprintf(&b, "\tconst digest = \"sha256:%s\"\n", g.s("{hex:64}"))
		fmt.Fprintf(&b, "\ts.log.Info(\"ok\", \"token_len\", len(token), \"secret\", secret != nil, \"pw\", password != \"\", \"id\", id, \"sum\", sum)\n")
		fmt.Fprintf(&b, "\treturn &Response{ETag: %q, MaxTokens: %d}, nil\n}\n\n", g.s("W/\"{hex:16}\""), 256<<g.rng.IntN(5))
	}
	return []byte(b.String())
}

func (g gen) pySource() []byte {
	var b strings.Builder
	b.WriteString("import os\nfrom pathlib import Path\n\nBASE_DIR = Path(__file__).resolve().parent\n")
	b.WriteString("SECRET_KEY = os.environ[\"DJANGO_SECRET_KEY\"]\n")
	b.WriteString("DATABASE_PASSWORD = os.getenv(\"DATABASE_PASSWORD\", \"\")\n")
	b.WriteString("AWS_SECRET_ACCESS_KEY = env(\"AWS_SECRET_ACCESS_KEY\")\n")
	b.WriteString("STRIPE_API_KEY = settings.STRIPE_API_KEY\n")
	b.WriteString("PASSWORD_HASHERS = [\"django.contrib.auth.hashers.Argon2PasswordHasher\"]\n")
	b.WriteString("AUTH_PASSWORD_VALIDATORS = [{\"NAME\": \"django.contrib.auth.password_validation.MinimumLengthValidator\"}]\n")
	b.WriteString("SESSION_COOKIE_NAME = \"sessionid\"\nCSRF_COOKIE_NAME = \"csrftoken\"\n\n")
	for i := range 40 {
		fmt.Fprintf(&b, "def %s_%d(request, token=None):\n", strings.ToLower(g.ident()), i)
		fmt.Fprintf(&b, "    \"\"\"Return the %s for the current user.\"\"\"\n", g.pick("password reset link", "API token scopes", "secret metadata"))
		fmt.Fprintf(&b, "    token = token or request.headers.get(\"X-Api-Key\")\n")
		fmt.Fprintf(&b, "    password = request.POST[\"password\"]\n")
		fmt.Fprintf(&b, "    secret_name = f\"prod/{request.tenant}/db\"\n")
		fmt.Fprintf(&b, "    cache_key = \"%s\"\n", g.s("user:{digits:6}:profile"))
		fmt.Fprintf(&b, "    object_id = \"%s\"\n", g.uuid())
		fmt.Fprintf(&b, "    checksum = \"%s\"\n", g.s("{hex:64}"))
		fmt.Fprintf(&b, "    return render(request, \"%s.html\", {\"token_expires_in\": %d})\n\n", g.s("{lower:8}"), g.rng.IntN(86400))
	}
	return []byte(b.String())
}

func (g gen) minifiedJS() []byte {
	var b strings.Builder
	b.WriteString("!function(e,t){\"object\"==typeof exports?module.exports=t():e.App=t()}(this,function(){\"use strict\";")
	for range 400 {
		a, c := g.s("{lower:1}{alnum:2}"), g.s("{lower:1}{alnum:1}")
		fmt.Fprintf(&b, "var %s=function(%s){return %s.token||%s.apiKey||null},", a, c, c, c)
		fmt.Fprintf(&b, "%s=\"%s\",", g.s("{lower:1}{alnum:2}"), g.s("{alnum:8}"))
		fmt.Fprintf(&b, "%s={id:\"%s\",hash:\"%s\",key:\"%s\"};", g.s("{lower:2}"), g.uuid(), g.s("{hex:20}"), g.s("{lower:6}"))
	}
	b.WriteString("return{}});\n//# sourceMappingURL=app.min.js.map\n")
	return []byte(b.String())
}

func (g gen) packageLock() []byte {
	var b strings.Builder
	b.WriteString("{\n  \"name\": \"web\",\n  \"lockfileVersion\": 3,\n  \"packages\": {\n")
	for range 60 {
		name := g.s("{lower:7}")
		v := g.s("{digits:1}.{digits:2}.{digits:1}")
		fmt.Fprintf(&b, "    \"node_modules/%s\": {\n      \"version\": %q,\n", name, v)
		fmt.Fprintf(&b, "      \"resolved\": \"https://registry.npmjs.org/%s/-/%s-%s.tgz\",\n", name, name, v)
		fmt.Fprintf(&b, "      \"integrity\": \"sha512-%s==\",\n      \"dev\": true\n    },\n", g.s("{b64:86}"))
	}
	b.WriteString("  }\n}\n")
	return []byte(b.String())
}

func (g gen) yarnLock() []byte {
	var b strings.Builder
	for range 60 {
		name := g.s("{lower:6}")
		fmt.Fprintf(&b, "%s@^1.0.0:\n  version \"1.%d.0\"\n", name, g.rng.IntN(30))
		fmt.Fprintf(&b, "  resolved \"https://registry.yarnpkg.com/%s/-/%s-1.0.0.tgz#%s\"\n", name, name, g.s("{hex:40}"))
		fmt.Fprintf(&b, "  integrity sha512-%s==\n\n", g.s("{b64:86}"))
	}
	return []byte(b.String())
}

func (g gen) goSum() []byte {
	var b strings.Builder
	for range 80 {
		mod := "github.com/" + g.s("{lower:6}/{lower:8}")
		v := g.s("v{digits:1}.{digits:1}.{digits:1}")
		fmt.Fprintf(&b, "%s %s h1:%s=\n", mod, v, g.s("{b64:43}"))
		fmt.Fprintf(&b, "%s %s/go.mod h1:%s=\n", mod, v, g.s("{b64:43}"))
	}
	return []byte(b.String())
}

func (g gen) cargoLock() []byte {
	var b strings.Builder
	for range 50 {
		fmt.Fprintf(&b, "[[package]]\nname = %q\nversion = \"0.%d.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = %q\n\n",
			g.s("{lower:6}"), g.rng.IntN(20), g.s("{hex:64}"))
	}
	return []byte(b.String())
}

func (g gen) poetryLock() []byte {
	var b strings.Builder
	for range 40 {
		name := g.s("{lower:6}")
		fmt.Fprintf(&b, "[[package]]\nname = %q\nversion = \"2.%d\"\nfiles = [\n", name, g.rng.IntN(9))
		fmt.Fprintf(&b, "    {file = \"%s-2.0-py3-none-any.whl\", hash = \"sha256:%s\"},\n]\n\n", name, g.s("{hex:64}"))
	}
	return []byte(b.String())
}

func (g gen) css() []byte {
	var b strings.Builder
	b.WriteString(":root{--token-color-primary:#1d4ed8;--token-radius:4px}\n")
	for range 200 {
		fmt.Fprintf(&b, ".css-%s{color:#%s;background:url(/static/img/%s.%s.png)}", g.s("{lowalnum:7}"), g.s("{hex:6}"), g.s("{lower:5}"), g.s("{hex:8}"))
		fmt.Fprintf(&b, ".sc-%s{margin:%dpx}\n", g.s("{alnum:6}"), g.rng.IntN(40))
	}
	return []byte(b.String())
}

func (g gen) html() []byte {
	var b strings.Builder
	b.WriteString("<!doctype html><html><head><meta name=\"csrf-token\" content=\"{{ csrf_token }}\">\n")
	fmt.Fprintf(&b, "<link rel=\"stylesheet\" href=\"/app.css\" integrity=\"sha384-%s\" crossorigin=\"anonymous\">\n", g.s("{b64:64}"))
	fmt.Fprintf(&b, "<script src=\"https://cdn.test/lib.js\" integrity=\"sha256-%s=\"></script>\n", g.s("{b64:43}"))
	fmt.Fprintf(&b, "</head><body><img alt=\"logo\" src=\"data:image/png;base64,iVBORw0KGgo%s\">\n", g.s("{b64:4000}"))
	fmt.Fprintf(&b, "<input type=\"password\" name=\"password\" autocomplete=\"current-password\" placeholder=\"Password\">\n")
	b.WriteString("</body></html>\n")
	return []byte(b.String())
}

func (g gen) k8s() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  annotations:\n    checksum/config: %s\n", g.s("{hex:64}"))
	fmt.Fprintf(&b, "spec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: registry.internal.test/api@sha256:%s\n", g.s("{hex:64}"))
	b.WriteString("          env:\n            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: db-credentials\n                  key: password\n")
	b.WriteString("            - name: API_TOKEN\n              value: ${API_TOKEN}\n")
	b.WriteString("            - name: REDIS_URL\n              value: redis://redis:6379/0\n")
	b.WriteString("            - name: DATABASE_URL\n              value: postgres://$(DB_USER):$(DB_PASSWORD)@postgres:5432/app\n")
	return []byte(b.String())
}

func (g gen) workflow() []byte {
	return []byte(`name: ci
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@` + g.s("{hex:40}") + `
      - uses: actions/setup-go@` + g.s("{hex:40}") + `
        with:
          token: ${{ secrets.GITHUB_TOKEN }}
      - run: echo "${{ secrets.NPM_TOKEN }}" | npm login --password-stdin
        env:
          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
          AWS_SECRET_ACCESS_KEY: ${{ secrets.AWS_SECRET_ACCESS_KEY }}
          DATABASE_URL: postgres://postgres:postgres@localhost:5432/test
`)
}

func (g gen) envExample() []byte {
	return []byte(`# Copy to .env and fill in
API_KEY=your-api-key-here
SECRET_KEY=changeme
DATABASE_URL=postgres://user:password@localhost:5432/app
REDIS_URL=redis://localhost:6379
STRIPE_SECRET_KEY=sk_test_xxxxxxxxxxxxxxxxxxxxxxxx
SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX
GITHUB_TOKEN=<your-github-token>
OPENAI_API_KEY=sk-...
JWT_SECRET=
SMTP_PASSWORD=********
`)
}

func (g gen) fixtures() []byte {
	var b strings.Builder
	b.WriteString("AWS_FIXTURE = {\"aws_access_key_id\": \"AKIAIOSFODNN7EXAMPLE\", \"aws_secret_access_key\": \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"}\n")
	for range 30 {
		fmt.Fprintf(&b, "def test_%s():\n", g.s("{lower:10}"))
		fmt.Fprintf(&b, "    user = User(id=%q, password=\"test-password\")\n", g.uuid())
		fmt.Fprintf(&b, "    token = make_token(user)  # fake token for tests\n")
		fmt.Fprintf(&b, "    assert token.sha == %q\n", g.s("{hex:40}"))
		fmt.Fprintf(&b, "    assert client.login(username=\"alice\", password=\"hunter2\")\n\n")
	}
	return []byte(b.String())
}

func (g gen) changelog() []byte {
	var b strings.Builder
	for range 40 {
		fmt.Fprintf(&b, "## %s (%s)\n\n- Rotate API tokens without downtime (#%d, %s)\n- Fix password reset for SSO users\n- Bump lodash to 4.17.%d (%s)\n\n",
			g.s("v{digits:1}.{digits:2}.{digits:1}"), g.s("2024-{digits:2}-{digits:2}"), g.rng.IntN(9000), g.s("{hex:7}"), g.rng.IntN(30), g.s("{hex:40}"))
	}
	return []byte(b.String())
}

func (g gen) dockerfile() []byte {
	return []byte("FROM golang:1.26@sha256:" + g.s("{hex:64}") + " AS build\nARG NPM_TOKEN\nENV API_TOKEN=\"\"\nRUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci\n")
}

func (g gen) sql() []byte {
	var b strings.Builder
	b.WriteString("CREATE TABLE users (id uuid PRIMARY KEY, password_hash text NOT NULL, api_token_hash char(64));\n")
	for range 40 {
		fmt.Fprintf(&b, "INSERT INTO users (id, password_hash, api_token_hash) VALUES ('%s', '$2b$12$%s', '%s');\n", g.uuid(), g.s("{b64:53}"), g.s("{hex:64}"))
	}
	return []byte(b.String())
}

// Ordinary source code, the bulk of any repository: identifiers, loops,
// logging, numbers and string literals, with no credential in sight.

func (g gen) plainGo() []byte {
	var b strings.Builder
	b.WriteString("package " + g.s("{lower:6}") + "\n\nimport (\n\t\"fmt\"\n\t\"sort\"\n\t\"strings\"\n)\n\n")
	for range 30 {
		id := g.ident()
		fmt.Fprintf(&b, "// %s returns the %s sorted by %s.\n", id, g.pick("items", "rows", "events"), g.pick("date", "name", "size"))
		fmt.Fprintf(&b, "func %s(xs []%s, limit int) ([]string, error) {\n", id, g.pick("Item", "Row", "Event"))
		b.WriteString("\tout := make([]string, 0, len(xs))\n\tfor i, x := range xs {\n\t\tif i >= limit {\n\t\t\tbreak\n\t\t}\n")
		fmt.Fprintf(&b, "\t\tout = append(out, strings.TrimSpace(fmt.Sprintf(\"%%s-%%d\", x.Name, %d)))\n\t}\n", g.rng.IntN(1000))
		fmt.Fprintf(&b, "\tsort.Strings(out)\n\tif len(out) == 0 {\n\t\treturn nil, fmt.Errorf(\"%s: no %s\")\n\t}\n\treturn out, nil\n}\n\n", strings.ToLower(id), g.pick("rows", "matches"))
	}
	return []byte(b.String())
}

func (g gen) plainPy() []byte {
	var b strings.Builder
	b.WriteString("import logging\nfrom dataclasses import dataclass\n\nlog = logging.getLogger(__name__)\n\n")
	for range 30 {
		name := strings.ToLower(g.ident())
		fmt.Fprintf(&b, "@dataclass\nclass %s:\n    name: str\n    size: int = %d\n\n", strings.ToUpper(name[:1])+name[1:], g.rng.IntN(100))
		fmt.Fprintf(&b, "def load_%s(path, *, limit=%d):\n    \"\"\"Load %s records from path.\"\"\"\n", name, g.rng.IntN(500), name)
		b.WriteString("    rows = []\n    with open(path, encoding=\"utf-8\") as fh:\n        for i, line in enumerate(fh):\n            if i >= limit:\n                break\n            rows.append(line.strip().split(\",\"))\n")
		fmt.Fprintf(&b, "    log.info(\"loaded %%d rows from %%s\", len(rows), path)\n    return rows\n\n")
	}
	return []byte(b.String())
}

func (g gen) plainJS() []byte {
	var b strings.Builder
	b.WriteString("import React, { useState, useEffect } from 'react';\n\n")
	for range 30 {
		id := g.ident()
		fmt.Fprintf(&b, "export function %s({ items, onSelect }) {\n  const [page, setPage] = useState(%d);\n", id, g.rng.IntN(5))
		b.WriteString("  useEffect(() => {\n    document.title = `Page ${page}`;\n  }, [page]);\n")
		fmt.Fprintf(&b, "  return (\n    <ul className=\"%s\">\n      {items.map((it) => <li key={it.id} onClick={() => onSelect(it)}>{it.label}</li>)}\n    </ul>\n  );\n}\n\n", g.s("list-{lower:5}"))
	}
	return []byte(b.String())
}

func (g gen) plainJava() []byte {
	var b strings.Builder
	b.WriteString("package com.acme." + g.s("{lower:6}") + ";\n\nimport java.util.List;\nimport java.util.stream.Collectors;\n\npublic final class " + g.ident() + " {\n")
	for range 25 {
		id := g.ident()
		fmt.Fprintf(&b, "    /** Returns the %s whose size exceeds the threshold. */\n", g.pick("orders", "accounts", "reports"))
		fmt.Fprintf(&b, "    public static List<String> filter%s(List<String> xs, int threshold) {\n", id)
		fmt.Fprintf(&b, "        return xs.stream().filter(x -> x.length() > threshold + %d).map(String::trim).collect(Collectors.toList());\n    }\n\n", g.rng.IntN(10))
	}
	b.WriteString("}\n")
	return []byte(b.String())
}

// FuzzSecretChecks runs every named secret check on arbitrary input and
// match positions: none may panic or read outside the input.
func FuzzSecretChecks(f *testing.F) {
	// Split so this file holds no credential-shaped literal.
	f.Add([]byte(`db_password = "Zx9!kQ2#`+`mP7vL4wR"`), 15, 31)
	f.Add([]byte("sig=%zz"), 4, 7)
	f.Add([]byte("t=MTIz.abcdef.x"), 2, 15)
	f.Fuzz(func(t *testing.T, data []byte, start, end int) {
		if start < 0 || end > len(data) || start > end {
			return
		}
		for name, check := range secretChecks {
			// Without a match around the value, and with the whole input
			// as the match (the pair-key-name checks read the match's
			// text before or after the value).
			for _, whole := range []bool{false, true} {
				c := &CheckContext{Data: data, Start: start, End: end, Value: string(data[start:end]), Confidence: 0.9}
				if whole {
					c.MatchStart, c.MatchEnd = 0, len(data)
				}
				check(c)
				if c.Confidence < 0 || c.Confidence > 1 {
					t.Fatalf("%s: confidence %v", name, c.Confidence)
				}
			}
		}
	})
}

// A GitHub or npm token glued to letters on both sides (pasted without a
// separator, or hidden inside a longer string) is found when its checksum
// is valid; the same shape with a wrong checksum stays a longer identifier.
func TestGluedChecksummedTokens(t *testing.T) {
	rs := builtinSet(t)
	rng := rand.New(rand.NewPCG(11, 13))
	for _, tc := range []struct{ prefix, rule string }{
		{"ghp_", "github-pat-classic"},
		{"gho_", "github-oauth-token"},
		{"ghu_", "github-app-token"},
		{"ghs_", "github-app-token"},
		{"npm_", "npm-access-token"},
	} {
		body := mustExpand(t, "{alnum:30}", rng)
		valid := tc.prefix + body + githubCRC(body)
		wrong := tc.prefix + body + "000000"
		if githubCRC(body) == "000000" {
			t.Fatal("generated body has checksum 000000; pick another seed")
		}
		for _, glue := range []struct{ before, after string }{{"x", "abc"}, {"x", ""}, {"", "abc"}, {"token=", "Z9"}} {
			if in := glue.before + valid + glue.after; !found(rs, in, tc.rule) {
				t.Errorf("%s: valid token glued as %q not found", tc.rule, in)
			}
			if in := glue.before + wrong + glue.after; found(rs, in, tc.rule) {
				t.Errorf("%s: glued identifier %q with a wrong checksum reported", tc.rule, in)
			}
		}
		if !found(rs, "key: "+wrong, tc.rule) {
			t.Errorf("%s: a standalone token with a wrong checksum (a test token) is no longer reported", tc.rule)
		}
	}
}

// ruleStream derives a random stream number from a rule id (FNV-1a).
func ruleStream(id string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(id); i++ {
		h ^= uint64(id[i])
		h *= 1099511628211
	}
	return h
}

// FuzzSASAndScheme: the SAS field parser and the URI scheme check read
// any text around any offset without panicking, and judge it the same way
// twice.
func FuzzSASAndScheme(f *testing.F) {
	f.Add("SAS=sp=rqx&st=2025-03-04T07:24:52Z&sv=2022-11-02&sr=c&sig=abc", 58)
	f.Add("?sv=2022-11-02&sip=168.1.6.50-168.1.6&spr=https,http&sig=x", 55)
	f.Add("postgres token - '?ostgres://sN19x:d7N8bs@1.2.3.4:5432'", 37)
	f.Add("://:x@h", 4)
	f.Fuzz(func(t *testing.T, data string, start int) {
		if len(data) == 0 || len(data) > 4096 {
			return
		}
		start = ((start % len(data)) + len(data)) % len(data)
		b := []byte(data)
		first := sasFieldsValid(b, start)
		if again := sasFieldsValid(b, start); again != first {
			t.Fatal("sasFieldsValid is not deterministic")
		}
		scheme := checkURIScheme(&CheckContext{Data: b, Start: start, End: len(b), Value: data[start:]})
		if again := checkURIScheme(&CheckContext{Data: b, Start: start, End: len(b), Value: data[start:]}); again != scheme {
			t.Fatal("checkURIScheme is not deterministic")
		}
		for part := range strings.SplitSeq(data, "&") {
			if name, value, ok := sasField(part); ok {
				sasValueValid(name, value)
			}
		}
	})
}

// checkPairKeyNameAfter reads the name after a record's value: a secret's
// name passes, a name that describes a secret or holds a URL's does not,
// and a comment line between the fields does not stand in for the name.
func TestPairKeyNameAfter(t *testing.T) {
	for _, tc := range []struct {
		rest string
		want bool
	}{
		{`", "name": "STRIPE_WEBHOOK_SECRET"}`, true},
		{"\"\n  # the password rotates\n  name = \"DB_PASSWORD\"", true},
		{"\"\n  # name = DB_PASSWORD\n  name = \"TOKEN_URL\"", false},
		{`", "name": "VAULT_SECRET_NAME"}`, false},
		{`", "label": "DB_PASSWORD"}`, false},
		{`", "name": "RENAMED_PASSWORD"}`, true},
		{`", "Name" : "SERVICE_TOKEN"}`, true},
	} {
		data := []byte(`{"value": "v` + tc.rest)
		start := len(`{"value": "`)
		c := &CheckContext{Data: data, Start: start, End: start + 1, MatchStart: 0, MatchEnd: len(data)}
		if got := checkPairKeyNameAfter(c); got != tc.want {
			t.Errorf("%q: %v, want %v", tc.rest, got, tc.want)
		}
	}
}

// inSecretDoc reads the YAML document around an offset: the one between
// the last "---" line before it and the next one.
func TestInSecretDoc(t *testing.T) {
	const (
		secret    = "kind: Secret\ndata:\n  k: AAAA\n"
		configMap = "kind: ConfigMap\ndata:\n  k: AAAA\n"
	)
	for _, tt := range []struct {
		name string
		docs []string // joined by "\n---\n"; the offset is the last doc's "AAAA"
		want bool
	}{
		{"one secret", []string{secret}, true},
		{"one config map", []string{configMap}, false},
		{"config map after a secret", []string{secret, configMap}, false},
		{"secret after config maps", []string{configMap, configMap, secret}, true},
		{"config map after secrets", []string{secret, secret, configMap}, false},
		{"secret store", []string{"kind: SecretStore\ndata:\n  k: AAAA\n"}, false},
	} {
		data := strings.Join(tt.docs, "\n---\n")
		i := strings.LastIndex(data, "AAAA")
		if got := inSecretDoc([]byte(data), i); got != tt.want {
			t.Errorf("%s: inSecretDoc = %v, want %v", tt.name, got, tt.want)
		}
	}
}
