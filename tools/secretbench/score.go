package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/pretense/pretense/finding"
	"github.com/pretense/pretense/rules"
)

type runOpts struct {
	samples                    []string
	work, gitleaks, trufflehog string
	misses, config             string
}

// hit is one value a tool reported in a sample.
type hit struct {
	rule    string
	value   string
	generic bool
	// encoded is the text a decoded value was read from ("" when the
	// value was not decoded).
	encoded string
}

type tool struct {
	name     string
	measured bool
	hits     map[int][]hit // sample index -> findings
}

func loadSamples(paths []string) ([]sample, error) {
	var all []sample
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for sc.Scan() {
			var s sample
			if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
				f.Close()
				return nil, fmt.Errorf("%s: %w", p, err)
			}
			all = append(all, s)
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
	}
	return all, nil
}

func samplePath(work string, i int, s sample) string {
	return filepath.Join(work, s.Src, s.Kind, strconv.Itoa(i)+".txt")
}

func run(o runOpts, w io.Writer) error {
	all, err := loadSamples(o.samples)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(o.work); err != nil {
		return err
	}
	byPath := map[string]int{}
	for i, s := range all {
		p := samplePath(o.work, i, s)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(s.Text), 0o644); err != nil {
			return err
		}
		abs, _ := filepath.Abs(p)
		byPath[abs] = i
	}
	pre, err := runPretense(all, o.config)
	if err != nil {
		return err
	}
	tools := []*tool{pre}
	if o.gitleaks != "" {
		t, err := runGitleaks(o.gitleaks, o.work, byPath)
		if err != nil {
			return err
		}
		tools = append(tools, t)
	}
	if o.trufflehog != "" {
		t, err := runTrufflehog(o.trufflehog, o.work, byPath)
		if err != nil {
			return err
		}
		tools = append(tools, t)
	}
	report(w, all, tools)
	if o.misses != "" {
		return writeMisses(o.misses, all, pre, tools)
	}
	return nil
}

func runPretense(all []sample, extra string) (*tool, error) {
	defs := rules.Builtin()
	if extra != "" {
		raw, err := os.ReadFile(extra)
		if err != nil {
			return nil, err
		}
		more, err := rules.ParseRules(raw)
		if err != nil {
			return nil, err
		}
		defs = append(defs, more...)
	}
	rs, err := rules.Compile(defs, rules.Options{})
	if err != nil {
		return nil, err
	}
	t := &tool{name: "pretense", measured: true, hits: map[int][]hit{}}
	for i, s := range all {
		for _, m := range rs.Scan([]byte(s.Text)) {
			if m.Rule.Kind != finding.KindSecret {
				continue
			}
			h := hit{rule: m.Rule.ID, value: m.Value, generic: m.Rule.Generic}
			// A value found by decoding (a private key inside a base64
			// registry auth) is also located by its encoded span.
			if m.Decoded != "" && m.Start >= 0 && m.End <= len(s.Text) && m.Start < m.End {
				h.encoded = s.Text[m.Start:m.End]
			}
			t.hits[i] = append(t.hits[i], h)
		}
	}
	return t, nil
}

func runGitleaks(bin, work string, byPath map[string]int) (*tool, error) {
	report := filepath.Join(filepath.Dir(filepath.Clean(work)), "gitleaks-report.json")
	cmd := exec.Command(bin, "dir", work, "--no-banner", "--exit-code", "0", "--report-format", "json", "--report-path", report, "--log-level", "error")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("gitleaks: %w", err)
	}
	raw, err := os.ReadFile(report)
	if err != nil {
		return nil, err
	}
	var fs []struct {
		RuleID, Secret, File string
	}
	if err := json.Unmarshal(raw, &fs); err != nil {
		return nil, fmt.Errorf("gitleaks report: %w", err)
	}
	t := &tool{name: "gitleaks", measured: true, hits: map[int][]hit{}}
	for _, f := range fs {
		abs, _ := filepath.Abs(f.File)
		if i, ok := byPath[abs]; ok {
			t.hits[i] = append(t.hits[i], hit{rule: f.RuleID, value: f.Secret, generic: f.RuleID == "generic-api-key"})
		}
	}
	return t, nil
}

func runTrufflehog(bin, work string, byPath map[string]int) (*tool, error) {
	cmd := exec.Command(bin, "filesystem", work, "--json", "--no-verification", "--no-update", "--log-level=-1")
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("trufflehog: %w", err)
	}
	t := &tool{name: "trufflehog", measured: true, hits: map[int][]hit{}}
	sc := bufio.NewScanner(&out)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var r struct {
			DetectorName   string
			Raw            string
			SourceMetadata struct {
				Data struct {
					Filesystem struct{ File string } `json:"Filesystem"`
				} `json:"Data"`
			}
		}
		if json.Unmarshal(sc.Bytes(), &r) != nil {
			continue
		}
		abs, _ := filepath.Abs(r.SourceMetadata.Data.Filesystem.File)
		if i, ok := byPath[abs]; ok {
			t.hits[i] = append(t.hits[i], hit{rule: r.DetectorName, value: r.Raw})
		}
	}
	return t, sc.Err()
}

// found reports whether a tool found the sample's secret: any finding for
// a gitleaks sample (one secret per line), a finding overlapping one of
// the wanted values (or a part of a composite id:secret value) for a
// trufflehog sample.
func found(s sample, hs []hit) bool {
	if len(hs) == 0 {
		return false
	}
	if len(s.Want) == 0 {
		return true
	}
	for _, h := range hs {
		if h.encoded != "" && found(s, []hit{{value: h.encoded}}) {
			return true
		}
		if len(h.value) < 4 {
			continue
		}
		for _, want := range s.Want {
			if strings.Contains(want, h.value) || strings.Contains(h.value, want) {
				return true
			}
			for _, part := range strings.FieldsFunc(want, func(r rune) bool { return r == ':' || r == ';' || r == '|' || r == ',' }) {
				if len(part) >= 8 && strings.Contains(h.value, part) {
					return true
				}
			}
		}
	}
	return false
}

var (
	checksumToken = regexp.MustCompile(`\b(?:gh[pousr]|npm)_([A-Za-z0-9]{36})\b`)
	placeholder   = regexp.MustCompile(`EXAMPLE|xxxxx|XXXXX|\*\*\*\*|\$\{[A-Za-z_]|<your|12345678`)
	// identifierRule: gitleaks rules for values that are public or
	// identifiers by the provider's design (client ids, publishable keys,
	// Mapbox pk. tokens, Discord application public keys): not credentials.
	identifierRule = regexp.MustCompile(`client-id$|access-id$|api-id$|-pub-|public-key$|^mapbox-api-token$|^discord-api-token$|^sendbird-access-id$`)
	// documentedShape: providers whose token format is documented; a
	// sample carrying the prefix but not the shape is not a real token.
	documentedShape = []struct{ prefix, shape *regexp.Regexp }{
		{regexp.MustCompile(`github_pat_`), regexp.MustCompile(`github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}`)},
		{regexp.MustCompile(`\bSG\.`), regexp.MustCompile(`SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}`)},
		{regexp.MustCompile(`dt0c01\.`), regexp.MustCompile(`dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}`)},
	}
	// detectorShape: for a trufflehog detector whose provider documents
	// the token's alphabet, the shape every wanted value must have to be a
	// credential that provider could have issued. A sample outside it is
	// the test's stand-in (a UUID spelled with letters past f, an AWS key
	// id holding 0, 1, 8 or 9), not a plausible credential.
	detectorShape = map[string]*regexp.Regexp{
		// AWS key ids are a four-letter type prefix and 16 base32
		// characters (A-Z, 2-7).
		"aws/access_keys":  regexp.MustCompile(`^(?:AKIA|ABIA|ACCA|ASIA)[A-Z2-7]{16}:`),
		"aws/session_keys": regexp.MustCompile(`^(?:AKIA|ABIA|ACCA|ASIA)[A-Z2-7]{16}:`),
		// Agora App IDs and App Certificates are 32 hexadecimal digits.
		"agora": regexp.MustCompile(`^(?:[0-9a-fA-F]{32})+$`),
		// LaunchDarkly access tokens and SDK keys: api-/sdk-/mob- and a UUID.
		"launchdarkly": regexp.MustCompile(`^(?:api|sdk|mob)-` + hexUUID + `$`),
		// Bugsnag and Runscope (BlazeMeter API Monitoring) keys are
		// hexadecimal (32 digits, or a UUID).
		"bugsnag":    regexp.MustCompile(`^(?:[0-9a-f]{32}|` + hexUUID + `)$`),
		"blazemeter": regexp.MustCompile(`^(?:[0-9a-f]{32}|` + hexUUID + `)$`),
		// Facebook app secrets are 32 hexadecimal digits (want: app id +
		// secret).
		"facebookoauth": regexp.MustCompile(`^[0-9]{15,16}[0-9a-f]{32}$`),
		// Mapbox secret tokens are sk. followed by a base64url JWT-like body.
		"mapbox": regexp.MustCompile(`^sk\.eyJ`),
		// PubNub keys are pub-c-/sub-c- and a UUID.
		"pubnubpublishkey": regexp.MustCompile(`^pub-c-` + hexUUID + `/sub-c-` + hexUUID + `$`),
		// Teams incoming webhooks: webhookb2/<uuid>@<uuid>/IncomingWebhook/<32 hex>/<uuid>.
		"microsoftteamswebhook/v1": regexp.MustCompile(`/webhookb2/` + hexUUID + `@` + hexUUID + `/IncomingWebhook/[0-9a-f]{32}/` + hexUUID),
		// Zapier catch hooks: /hooks/catch/<numeric account id>/<hook id>.
		"zapierwebhook": regexp.MustCompile(`/hooks/catch/[0-9]+/[A-Za-z0-9]+`),
		// Buildkite API access tokens: bkua_ and 40 hexadecimal digits.
		"buildkite/v2": regexp.MustCompile(`^bkua_[a-f0-9]{40}$`),
		// OpenWeather API keys are 32 hexadecimal digits.
		"openweather": regexp.MustCompile(`^[0-9a-f]{32}$`),
		// Postmark server and account tokens are UUIDs.
		"postmark": regexp.MustCompile(`^` + hexUUID + `$`),
		// Percy project tokens are 64 lowercase hexadecimal digits (a
		// mixed-case run is not hex output).
		"percy": regexp.MustCompile(`^[0-9a-f]{64}$`),
		// CircleCI legacy personal tokens are 40 lowercase hexadecimal
		// digits (current ones start CCIPAT_).
		"circleci/v1": regexp.MustCompile(`^(?:[0-9a-f]{40}|CCIPAT_\S+)$`),
		// Algolia application ids are 10 upper-case letters and digits,
		// API keys 32 hexadecimal digits (want: id:key).
		"algoliaadminkey": regexp.MustCompile(`^[A-Z0-9]{10}:[a-f0-9]{32}$`),
		// Azure API Management subscription keys are 32 hexadecimal
		// digits (want: gateway URL:key).
		"azureapimanagementsubscriptionkey": regexp.MustCompile(`:[0-9a-f]{32}$`),
		// Azure Batch account keys are 64 bytes in base64 (88 characters,
		// == at the end; want: account URL and key).
		"azure_batch": regexp.MustCompile(`\.batch\.azure\.com[A-Za-z0-9+/]{86}==$`),
		// Twitter bearer tokens are URL-encoded: every % starts an escape
		// of two hexadecimal digits.
		"twitter/v1": regexp.MustCompile(`^(?:[A-Za-z0-9_-]|%[0-9A-Fa-f]{2})+$`),
		"twitter/v2": regexp.MustCompile(`^(?:[A-Za-z0-9_-]|%[0-9A-Fa-f]{2})+$`),
		// Cloudflare Origin CA keys: v1.0-<24 hex>-<146 hex>.
		"cloudflarecakey": regexp.MustCompile(`^v1\.0-[0-9a-f]{24}-[0-9a-f]{146}$`),
		// SalesCookie API keys are 32 letters and digits; trufflehog's class
		// [a-zA-z0-9] admits [ \ ] ^ _ and the backtick only through its
		// A-z range.
		"salescookie": regexp.MustCompile(`^[A-Za-z0-9]{32}$`),
		// tru.ID client secrets are letters, digits, '.', '_' and '-';
		// trufflehog's [0-9a-zA-Z.-_] admits ] and the other characters
		// between '.' and '_' only through its .-_ range (want: client id
		// and secret).
		"tru": regexp.MustCompile(`^[0-9a-z-]{36}[0-9A-Za-z._-]{26}$`),
		// Eden AI API keys are JWTs (three base64url segments joined by
		// dots); trufflehog's pattern writes the dots as an unescaped '.'.
		"edenai": regexp.MustCompile(`^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$`),
		// CloudConvert API keys are JWTs (trufflehog's own pattern is
		// BuildRegexJWT).
		"cloudconvert": regexp.MustCompile(`^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$`),
		// Loggly customer tokens are UUIDs (hexadecimal; want: account
		// host:token).
		"loggly": regexp.MustCompile(`:` + hexUUID + `$`),
		// ClickSend API keys are UUIDs, shown in upper-case hexadecimal
		// (want: key and account e-mail).
		"clicksendsms": regexp.MustCompile(`^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}`),
		// Twilio SIDs are two letters and 32 hexadecimal digits (API key
		// SIDs start SK; want: SID and secret).
		"twilioapikey": regexp.MustCompile(`^SK[0-9a-f]{32}`),
	}
	// detectorDecoded: detectors whose wanted value is an encoding of the
	// credential; the decoded form must have the provider's shape.
	// Mailjet's Basic credentials are base64 of "<API key>:<secret key>",
	// both 32 hexadecimal digits.
	detectorDecoded = map[string]func(string) bool{
		"mailjetbasicauth": func(w string) bool {
			raw, err := base64.StdEncoding.DecodeString(w)
			return err == nil && mailjetPair.Match(raw)
		},
		"azuresastoken": func(w string) bool {
			m := sasSig.FindStringSubmatch(w)
			if m == nil {
				return false
			}
			sig, err := url.QueryUnescape(m[1])
			if err != nil {
				return false
			}
			raw, err := base64.StdEncoding.DecodeString(sig)
			return err == nil && len(raw) == 32
		},
		// Azure Cache for Redis access keys are 32 random bytes in base64
		// (43 characters and '='); a wanted rediss:// URI on an Azure
		// cache host must hold one as its password. Other Redis URIs are
		// not judged here.
		"redis": func(w string) bool {
			m := azureRedisWant.FindStringSubmatch(w)
			return m == nil || azureRedisKey.MatchString(m[1])
		},
		// Discord bot tokens are three dot-joined segments, the first the
		// base64 of the bot's numeric user id (the rules' discord-snowflake
		// check; want: token and id).
		"discordbottoken": func(w string) bool {
			first, _, ok := strings.Cut(w, ".")
			if !ok {
				return false
			}
			raw, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(first, "="))
			if err != nil || len(raw) == 0 {
				return false
			}
			for _, b := range raw {
				if b < '0' || b > '9' {
					return false
				}
			}
			return true
		},
	}
	azureRedisWant = regexp.MustCompile(`^rediss?://[^:@]*:([^@]*)@[^/]*\.redis\.cache\.windows\.net`)
	azureRedisKey  = regexp.MustCompile(`^[A-Za-z0-9+/]{43}=$`)
	mailjetPair    = regexp.MustCompile(`^[0-9a-fA-F]{32}:[0-9a-fA-F]{32}$`)
	// sasSig: the signature of an Azure SAS token is the base64 of an
	// HMAC-SHA256 digest (32 bytes), percent-encoded in the URL.
	sasSig = regexp.MustCompile(`[?&]?sig=([^&\s]+)`)
	// accountOnly: a wanted value that is only an e-mail address
	// (trufflehog reports the account, not the password, for these
	// detectors): not a credential. A local part holding a run of 16 or
	// more letters and digits is a key glued to an address
	// (<key><user>@example.com), which is.
	accountOnly = regexp.MustCompile(`^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$`)
	keyRun      = regexp.MustCompile(`[A-Za-z0-9]{16}`)
)

const hexUUID = `[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// implausible says why a true-positive sample is not a plausible
// credential, or "" when it is: a public identifier by the provider's
// design; a placeholder in the secret (EXAMPLE, xxxxx, ****, ${VAR},
// <your…>, the hand-typed run 12345678, one character repeated 16 times,
// stepped filler such as abc123def456ghi789 — rules.HandTyped);
// a token with a documented prefix but not the documented shape
// (github_pat_, SG., dt0c01.); or a GitHub/npm token whose CRC32 tail
// (the provider's own checksum) does not match its body.
func implausible(s sample) string {
	target := s.Text
	if len(s.Want) > 0 {
		target = strings.Join(s.Want, "\n")
	}
	if s.Src == "gitleaks" && identifierRule.MatchString(s.Rule) {
		return "identifier"
	}
	if len(s.Want) > 0 && !slices.ContainsFunc(s.Want, func(w string) bool {
		local, _, _ := strings.Cut(w, "@")
		return !accountOnly.MatchString(w) || keyRun.MatchString(local)
	}) {
		return "identifier"
	}
	if placeholder.MatchString(target) || fakeWord(target) || longRun(target, 16) {
		return "placeholder"
	}
	if s.Src == "trufflehog" && noRealPassword(s.Want) {
		return "placeholder"
	}
	// Hand-typed stand-ins (abc123def456ghi789…, 0123456789…) in any
	// alphanumeric part of 12 or more characters: the rules' own filler
	// definition (rules.HandTyped).
	for _, part := range strings.FieldsFunc(target, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) {
		if len(part) >= 12 && rules.HandTyped(part) {
			return "placeholder"
		}
	}
	if ok, has := detectorDecoded[s.Rule]; has && s.Src == "trufflehog" {
		for _, w := range s.Want {
			if !ok(w) {
				return "shape"
			}
		}
	}
	if shape, ok := detectorShape[s.Rule]; ok && s.Src == "trufflehog" {
		for _, w := range s.Want {
			if !shape.MatchString(w) {
				return "shape"
			}
		}
	}
	for _, d := range documentedShape {
		if d.prefix.MatchString(target) && !d.shape.MatchString(target) {
			return "shape"
		}
	}
	if s.Src == "gitleaks" && (s.Rule == "jwt" || s.Rule == "jwt-base64") && !signedJWT(target) {
		return "shape"
	}
	for _, m := range checksumToken.FindAllStringSubmatch(target, -1) {
		body, tail := m[1][:30], m[1][30:]
		n := crc32.ChecksumIEEE([]byte(body))
		var out [6]byte
		for i := 5; i >= 0; i-- {
			out[i] = base62[n%62]
			n /= 62
		}
		if string(out[:]) != tail {
			return "checksum"
		}
	}
	return ""
}

func pct(a, b int) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%% (%d/%d)", 100*float64(a)/float64(b), a, b)
}

func report(w io.Writer, all []sample, tools []*tool) {
	srcs := map[string]bool{}
	for _, s := range all {
		srcs[s.Src] = true
	}
	var names []string
	for s := range srcs {
		names = append(names, s)
	}
	sort.Strings(names)
	byTool := map[string]*tool{}
	for _, t := range tools {
		byTool[t.name] = t
	}
	fmt.Fprintf(w, "| samples | measure |")
	for _, t := range tools {
		fmt.Fprintf(w, " %s |", t.name)
	}
	fmt.Fprintf(w, "\n|---|---|")
	for range tools {
		fmt.Fprintf(w, "---|")
	}
	fmt.Fprintln(w)
	for _, src := range names {
		var tp, plaus, fp, clean []int
		excl := map[string]int{}
		for i, s := range all {
			if s.Src != src {
				continue
			}
			switch s.Kind {
			case "tp":
				tp = append(tp, i)
				if why := implausible(s); why != "" {
					excl[why]++
				} else {
					plaus = append(plaus, i)
				}
			case "fp":
				fp = append(fp, i)
				if bothClean(i, s, byTool) {
					clean = append(clean, i)
				}
			}
		}
		row := func(label string, f func(t *tool) string) {
			fmt.Fprintf(w, "| %s | %s |", src, label)
			for _, t := range tools {
				fmt.Fprintf(w, " %s |", f(t))
			}
			fmt.Fprintln(w)
		}
		count := func(t *tool, idx []int, pred func(i int) bool) int {
			n := 0
			for _, i := range idx {
				if pred(i) {
					n++
				}
			}
			return n
		}
		row("recall, all true positives", func(t *tool) string {
			return pct(count(t, tp, func(i int) bool { return found(all[i], t.hits[i]) }), len(tp))
		})
		row(fmt.Sprintf("recall, plausible (excluded %v)", excl), func(t *tool) string {
			return pct(count(t, plaus, func(i int) bool { return found(all[i], t.hits[i]) }), len(plaus))
		})
		row("flagged, all false-positive samples", func(t *tool) string {
			return pct(count(t, fp, func(i int) bool { return len(t.hits[i]) > 0 }), len(fp))
		})
		row("flagged, FP samples both peers leave alone", func(t *tool) string {
			return pct(count(t, clean, func(i int) bool { return len(t.hits[i]) > 0 }), len(clean))
		})
		row("findings from provider rules (TP samples)", func(t *tool) string {
			prov, n := 0, 0
			for _, i := range tp {
				for _, h := range t.hits[i] {
					n++
					if !h.generic {
						prov++
					}
				}
			}
			return pct(prov, n)
		})
	}
	if byTool["trufflehog"] == nil {
		fmt.Fprintln(w, "\ntrufflehog not run: its verdict on a trufflehog sample is its own test's (a false-positive case wants no result); on a gitleaks sample it is unknown and counted as clean.")
	}
	if byTool["gitleaks"] == nil {
		fmt.Fprintln(w, "\ngitleaks not run: its verdict on a gitleaks sample is its own test's; on a trufflehog sample it is unknown and counted as clean.")
	}
}

// bothClean reports whether neither peer flags false-positive sample i:
// measured when the peer ran, else the peer's own test verdict on its own
// samples (which wants no result), else unknown (counted as clean).
func bothClean(i int, s sample, byTool map[string]*tool) bool {
	for _, peer := range []string{"gitleaks", "trufflehog"} {
		if t := byTool[peer]; t != nil && len(t.hits[i]) > 0 {
			return false
		}
	}
	return true
}

func writeMisses(path string, all []sample, pre *tool, tools []*tool) error {
	byTool := map[string]*tool{}
	for _, t := range tools {
		byTool[t.name] = t
	}
	var b strings.Builder
	for i, s := range all {
		short := s.Text
		if len(short) > 300 {
			short = short[:300] + "…"
		}
		short = strings.ReplaceAll(short, "\n", "⏎")
		switch {
		case s.Kind == "tp" && implausible(s) == "" && !found(s, pre.hits[i]):
			others := ""
			for _, t := range tools[1:] {
				if found(s, t.hits[i]) {
					others += " " + t.name
				}
			}
			fmt.Fprintf(&b, "MISS\t%s\t%s\tpeers:%s\twant=%q\tgot=%s\t%s\n", s.Src, s.Rule, others, s.Want, hitList(pre.hits[i]), short)
		case s.Kind == "tp" && implausible(s) == "" && allGeneric(pre.hits[i]):
			// Found, but only by a catch-all rule: the provider's name,
			// severity and remediation are lost (the provider-share row).
			fmt.Fprintf(&b, "GENERIC\t%s\t%s\twant=%q\tgot=%s\t%s\n", s.Src, s.Rule, s.Want, hitList(pre.hits[i]), short)
		case s.Kind == "fp" && len(pre.hits[i]) > 0:
			tag := "FP-peer-flagged"
			if bothClean(i, s, byTool) {
				tag = "FP"
			}
			fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\n", tag, s.Src, s.Rule, hitList(pre.hits[i]), short)
		}
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// hitList formats findings on one line: rule=value, values quoted.
func hitList(hs []hit) string {
	parts := make([]string, len(hs))
	for i, h := range hs {
		parts[i] = fmt.Sprintf("%s=%q", h.rule, h.value)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// allGeneric reports whether there are findings and all came from
// generic (catch-all) rules.
func allGeneric(hs []hit) bool {
	for _, h := range hs {
		if !h.generic {
			return false
		}
	}
	return len(hs) > 0
}

var (
	// uriWant: the whole wanted value is one connection URI whose
	// credential is its password (a database, broker, directory or file
	// transfer scheme first, no space), or a web URL with user:password@;
	// not a token with a URL glued after it, and not a URL whose secret is
	// its path or query (webhooks, SAS tokens).
	uriWant       = regexp.MustCompile(`^(?:jdbc:[a-z0-9]+:|(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|s?ftps?|ldaps?|sqlserver|mssql|oracle)://|https?://[^/@\s]*:[^@\s]*@)[^\s]*$`)
	uriPassword   = regexp.MustCompile(`://([^:@/\s]*):([^@\s]*)@`)
	paramPassword = regexp.MustCompile(`(?i)[?&;]password=([^&;\s]*)`)
)

// noRealPassword reports wanted values that are all connection URIs or
// registry logins (JSON with a base64 "auth") holding no password, or only
// passwords the rules call placeholders (rules.PlaceholderPassword:
// password, P@ssw0rd, user123:pass456, testpassword, a registry login
// whose password repeats its user, as in 123:123): a JDBC URL naming only
// a host and database, or a documentation login, is not a credential.
func noRealPassword(wants []string) bool {
	if len(wants) == 0 {
		return false
	}
	for _, w := range wants {
		var pws []string
		switch {
		case strings.HasPrefix(w, `{"registry"`):
			var reg struct{ Auth string }
			if json.Unmarshal([]byte(w), &reg) != nil {
				return false
			}
			raw, err := base64.StdEncoding.DecodeString(reg.Auth)
			if err != nil {
				return false
			}
			user, pass, ok := strings.Cut(string(raw), ":")
			if !ok {
				return false
			}
			if pass == user {
				continue
			}
			pws = append(pws, pass)
		case uriWant.MatchString(w):
			for _, m := range uriPassword.FindAllStringSubmatch(w, -1) {
				pws = append(pws, m[2])
			}
			for _, m := range paramPassword.FindAllStringSubmatch(w, -1) {
				pws = append(pws, m[1])
			}
		default:
			return false
		}
		for _, pw := range pws {
			if pw != "" && !rules.PlaceholderPassword(pw) {
				return false
			}
		}
	}
	return true
}

// fakeWord reports "fake" standing as a word of its own in s — between
// non-alphanumerics ('fake', fake-value@, trufflesecurity-fake.documents)
// or as a camelCase part (myFakeKey, fakeToken, FAKE_KEY) — which marks a
// stand-in. "fake" inside a run of random letters and digits
// (SKbddcfb88fake8f7…, FakeeP35zY…, CCIPAT_FAKEd5q…) is not a word: such
// a value is judged like any other, since a random string may hold it.
func fakeWord(s string) bool {
	alnum := func(b byte) bool { return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }
	lower := strings.ToLower(s)
	for off := 0; ; {
		k := strings.Index(lower[off:], "fake")
		if k < 0 {
			return false
		}
		i := off + k
		off = i + 1
		w := s[i : i+4]
		camel := w == "fake" || w == "Fake"
		left := i == 0 || !alnum(s[i-1]) ||
			w == "Fake" && (s[i-1] >= 'a' && s[i-1] <= 'z' || s[i-1] >= '0' && s[i-1] <= '9')
		right := i+4 == len(s) || !alnum(s[i+4]) ||
			camel && s[i+4] >= 'A' && s[i+4] <= 'Z' && i+5 < len(s) && s[i+5] >= 'a' && s[i+5] <= 'z'
		if (w == "fake" || w == "Fake" || w == "FAKE") && left && right {
			return true
		}
	}
}

// longRun reports n or more copies of one character in a row.
func longRun(s string, n int) bool {
	run := 1
	for i := 1; i < len(s); i++ {
		if s[i] == s[i-1] {
			run++
			if run >= n {
				return true
			}
		} else {
			run = 1
		}
	}
	return false
}

var (
	jwtToken  = regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*`)
	jwtBase64 = regexp.MustCompile(`ZXlK[A-Za-z0-9+/]+={0,2}`)
)

// signedJWT reports whether text holds a JSON Web Token that is a
// credential: its header decodes to a JSON object naming the signing
// algorithm ("alg" is required by RFC 7515 §4.1.1; a token without it is
// rejected by every verifier) and the algorithm is not "none" with an
// empty signature (an unsigned token proves nothing and can be forged by
// anyone). A base64-wrapped token (ZXlK…, gitleaks' jwt-base64) is
// unwrapped first. The header is read by rules.DecodeJOSEHeader, as the
// jwt rule reads it; the cut adds the unsigned-none case, which the rule's
// pattern (a signature of 10 or more characters) never matches.
func signedJWT(text string) bool {
	tok := jwtToken.FindString(text)
	if tok == "" {
		if w := jwtBase64.FindString(text); w != "" {
			raw, err := base64.StdEncoding.DecodeString(w + strings.Repeat("=", (4-len(w)%4)%4))
			if err != nil {
				raw, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(w, "="))
			}
			if err == nil {
				tok = jwtToken.FindString(string(raw))
			}
		}
	}
	if tok == "" {
		return false
	}
	h, ok := rules.DecodeJOSEHeader(tok)
	alg := h.Alg()
	if !ok || alg == "" {
		return false
	}
	_, rest, _ := strings.Cut(tok, ".")
	_, sig, _ := strings.Cut(rest, ".")
	return !strings.EqualFold(alg, "none") || sig != ""
}
