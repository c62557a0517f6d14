package rules

import (
	"bytes"
	"strings"
	"testing"
)

var nameSeparators = strings.NewReplacer("-", "", "_", "", ".", "")

// namesProviderRef is namesProvider as first written (split the name
// into lower-case words, join each tail, compare every normalised
// keyword): the reference the allocation-free version must agree with.
func namesProviderRef(name []byte, keywords []string) bool {
	words := splitWords(name)
	for i := range words {
		rest := strings.Join(words[i:], "")
		for _, kw := range keywords {
			k := nameSeparators.Replace(strings.ToLower(kw))
			if k != "" && strings.HasPrefix(rest, k) {
				return true
			}
		}
	}
	return false
}

// providerContextRef is checkProviderContext as first written (one copy
// of the context, lower-cased, searched once per owned name).
func providerContextRef(c *CheckContext) bool {
	lo := c.Start
	for lines := 0; lo > 0 && c.Start-lo < 240; lo-- {
		if c.Data[lo-1] == '\n' {
			if lines == 2 {
				break
			}
			lines++
		}
	}
	own := lineStart(c.Data, c.Start, lo)
	ns := nameStart(c.Data, c.Start, own)
	free := c.Data[own:ns]
	if setFlagBefore(free) || bytes.HasPrefix(c.Data[ns:], []byte("--set")) {
		return true // a --set path names its value alone
	}
	ctx := append(c.Data[lo:own:own], free...)
	if prev := bytes.TrimRight(c.Data[lineStart(c.Data, max(own-1, lo), lo):own], " \t\r\n"); len(prev) > 0 && (prev[len(prev)-1] == '>' || prev[len(prev)-1] == ':') {
		above := lineStart(c.Data, max(own-1, lo), lo)
		ctx = append(c.Data[lo:above:above], free...)
	}
	lower := bytes.ToLower(ctx)
	for _, n := range c.ownedNames() {
		if len(n) < 4 {
			continue
		}
		for off := 0; ; {
			i := bytes.Index(lower[off:], n)
			if i < 0 {
				break
			}
			i += off
			if i == 0 || !isLowerASCII(ctx[i-1]) || isUpperASCII(ctx[i]) {
				return false
			}
			off = i + 1
		}
	}
	// A host suffix an owned name stands for (.redis.cache.windows.net),
	// glued before the name in a connection string.
	glued := bytes.ToLower(c.Data[nameStart(c.Data, c.Start, own):c.Start])
	for _, n := range c.ownedNames() {
		if n[0] == '.' && bytes.Contains(glued, n) {
			return false
		}
	}
	return true
}

// ownsRef is ownedNames.owns as first written.
func ownsRef(on *ownedNames, name []byte) bool {
	lower := bytes.ToLower(name)
	for _, n := range on.names {
		if bytes.Contains(lower, n) {
			return true
		}
	}
	return false
}

// providerCheckCases are candidates as the provider checks meet them: a
// value under comment lines, after free text, below a YAML key, and
// assigned to names that do and do not start with a provider's name.
func providerCheckCases() []struct {
	data     string
	keywords []string
} {
	v := strings.Repeat("q7Zx", 9) // built at run time: no key-shaped literal
	return []struct {
		data     string
		keywords []string
	}{
		{"// client settings for the billing service\n// rotated every ninety days by ops\n    billingServiceApiSecretKey = \"" + v + "\"\n", []string{"kraken", "sonar-cloud", "Adafruit"}},
		{"kraken:\n  apiKey: " + v + "\n", []string{"kraken"}},
		{"log: calling the Kraken API\nsecret = '" + v + "'\n", []string{"kraken"}},
		{"sonarcloud token = '" + v + "'\n", []string{"sonarcloud", "sonar_cloud"}},
		{"collateral_token = " + v + "\n", []string{"atera"}},
		{"<codecovToken>\n" + v + "\n</codecovToken>\n", []string{"codecov"}},
		{"$adafruitIOKey .= \"" + v + "\";\n", []string{"adafruit", "adafruit-io"}},
		{"X_TWITCH_API_TOKEN=" + v + "\n", []string{"twitch"}},
		{"helm install kraken stable/kraken \\\n  --set db.password=" + v + "\n", []string{"kraken"}},
	}
}

func contextOf(data string) *CheckContext {
	b := []byte(data)
	start := bytes.LastIndex(b, []byte("q7Zx")) - 32
	return &CheckContext{Data: b, Start: start, End: start + 36, Value: string(b[start : start+36]), MatchStart: start, MatchEnd: start + 36}
}

// The allocation-free checks answer as the reference versions did.
func TestProviderChecksAgree(t *testing.T) {
	t.Parallel()
	for _, tc := range providerCheckCases() {
		c := contextOf(tc.data)
		name := assignedName(c.Data, c.Start)
		if got, want := namesProvider(name, tc.keywords), namesProviderRef(name, tc.keywords); got != want {
			t.Errorf("namesProvider(%q, %q) = %v, want %v", name, tc.keywords, got, want)
		}
		if got, want := checkProviderContext(c), providerContextRef(contextOf(tc.data)); got != want {
			t.Errorf("checkProviderContext(%q) = %v, want %v", tc.data, got, want)
		}
		if got, want := builtinOwned().owns(name), ownsRef(builtinOwned(), name); got != want {
			t.Errorf("owns(%q) = %v, want %v", name, got, want)
		}
	}
}

// The provider checks run on every candidate a keyed or generic rule
// finds: they must not allocate for it.
func TestProviderChecksDoNotAllocate(t *testing.T) {
	for _, tc := range providerCheckCases() {
		c := contextOf(tc.data)
		name := assignedName(c.Data, c.Start)
		if n := testing.AllocsPerRun(50, func() { namesProvider(name, tc.keywords) }); n != 0 {
			t.Errorf("namesProvider(%q): %v allocations", name, n)
		}
		if n := testing.AllocsPerRun(50, func() { checkProviderContext(c) }); n != 0 {
			t.Errorf("checkProviderContext(%q): %v allocations", tc.data, n)
		}
		if n := testing.AllocsPerRun(50, func() { builtinOwned().owns(name) }); n != 0 {
			t.Errorf("owns(%q): %v allocations", name, n)
		}
	}
}

func FuzzProviderChecks(f *testing.F) {
	for _, tc := range providerCheckCases() {
		f.Add(tc.data, strings.Join(tc.keywords, ","), len(tc.data)/2)
	}
	f.Add("ÄPI_KEY = x\nİstanbul kraken\n", "kRaKen,Äpi", 3)
	f.Add("redis token - 'c1.REDIS.cache.windows.net:6381,password=Xcc3S9d7',ssl=False\n", "redis", 60)
	f.Fuzz(func(t *testing.T, data, kws string, start int) {
		if len(data) == 0 || len(data) > 4096 {
			return
		}
		start = ((start % len(data)) + len(data)) % len(data)
		keywords := strings.Split(kws, ",")
		b := []byte(data)
		name := []byte(data[:start])
		// The fast versions fold ASCII only: their inputs (assigned
		// names, source text) are compared with the references where
		// both define the same thing; elsewhere they must not panic.
		if !isASCII(data) {
			namesProvider(name, keywords)
			checkProviderContext(&CheckContext{Data: b, Start: start, End: len(b)})
			return
		}
		if got, want := namesProvider(name, keywords), namesProviderRef(name, keywords); got != want {
			t.Fatalf("namesProvider(%q, %q) = %v, want %v", name, keywords, got, want)
		}
		if got, want := builtinOwned().owns(name), ownsRef(builtinOwned(), name); got != want {
			t.Fatalf("owns(%q) = %v, want %v", name, got, want)
		}
		c := &CheckContext{Data: b, Start: start, End: len(b)}
		if got, want := checkProviderContext(c), providerContextRef(&CheckContext{Data: b, Start: start, End: len(b)}); got != want {
			t.Fatalf("checkProviderContext(%q at %d) = %v, want %v", data, start, got, want)
		}
	})
}

// BenchmarkProviderChecks runs each check and its reference (the first
// version, old/) on the same candidates in one run.
func BenchmarkProviderChecks(b *testing.B) {
	for _, tc := range providerCheckCases()[:3] {
		c := contextOf(tc.data)
		name := assignedName(c.Data, c.Start)
		on := builtinOwned()
		for _, v := range []struct {
			what string
			run  func()
		}{
			{"namesProvider/new", func() { namesProvider(name, tc.keywords) }},
			{"namesProvider/old", func() { namesProviderRef(name, tc.keywords) }},
			{"checkProviderContext/new", func() { checkProviderContext(c) }},
			{"checkProviderContext/old", func() { providerContextRef(c) }},
			{"owns/new", func() { on.owns(name) }},
			{"owns/old", func() { ownsRef(on, name) }},
		} {
			b.Run(string(name)+"/"+v.what, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					v.run()
				}
			})
		}
	}
}
