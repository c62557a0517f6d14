package rules

import (
	"bytes"
	"cmp"
	"fmt"
	"go/build"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pretense/pretense/internal/testtool"
)

type kwHit struct{ kw, start, end int }

func (m *kwMatcher) hits(data []byte) []kwHit {
	var out []kwHit
	m.each(data, func(k, s, e int) { out = append(out, kwHit{k, s, e}) })
	return out
}

// sparseHits are the hits of the trie walk, whatever the budget.
func (m *kwMatcher) sparseHits(data []byte) []kwHit {
	var out []kwHit
	m.eachSparse(data, func(k, s, e int) { out = append(out, kwHit{k, s, e}) })
	return out
}

// withDFA builds m's DFA now, so each walks it from the first input.
func withDFA(m *kwMatcher) *kwMatcher {
	m.ensureDFA()
	return m
}

// lowerASCII folds only A-Z, as the matcher does: strings.ToLower would
// change the length of non-ASCII text and move every offset after it.
func lowerASCII(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		out[i] = foldASCII(c)
	}
	return out
}

// naiveHits is the reference: every occurrence of every keyword in the
// folded text, ordered by end offset, longest keyword first at one end.
func naiveHits(keywords []string, data []byte) []kwHit {
	low := lowerASCII(data)
	var out []kwHit
	for k, kw := range keywords {
		pat := lowerASCII([]byte(kw))
		for i := 0; i+len(pat) <= len(low); i++ {
			if bytes.HasPrefix(low[i:], pat) {
				out = append(out, kwHit{k, i, i + len(pat)})
			}
		}
	}
	slices.SortFunc(out, func(a, b kwHit) int {
		if a.end != b.end {
			return a.end - b.end
		}
		return (b.end - b.start) - (a.end - a.start)
	})
	return out
}

func builtinKeywords(t testing.TB) []string {
	rs, err := Compile(Builtin(), Options{PHIMode: ModeStrict})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var kws []string
	for _, r := range rs.rules {
		for _, k := range r.def.Keywords {
			k = strings.ToLower(k)
			if !seen[k] {
				seen[k] = true
				kws = append(kws, k)
			}
		}
	}
	return kws
}

func TestKWMatcher(t *testing.T) {
	tests := []struct {
		name     string
		keywords []string
		text     string
		want     []kwHit
	}{
		{"none", []string{"abc"}, "xyz", nil},
		{"case folded", []string{"token"}, "a TOKEN and a ToKeN", []kwHit{{0, 2, 7}, {0, 14, 19}}},
		{"overlapping, longest first", []string{"he", "she", "hers", "his"}, "ushers",
			[]kwHit{{1, 1, 4}, {0, 2, 4}, {2, 2, 6}}},
		{"self-overlap", []string{"aa"}, "aaaa", []kwHit{{0, 0, 2}, {0, 1, 3}, {0, 2, 4}}},
		{"keyword inside keyword", []string{"secret_key", "secret", "key"}, "SECRET_KEY=",
			[]kwHit{{1, 0, 6}, {0, 0, 10}, {2, 7, 10}}},
		{"punctuation and digits", []string{"pid|", "://", "sk-ant-api03-"}, "PID|1 http://x sk-ant-api03-y",
			[]kwHit{{0, 0, 4}, {1, 10, 13}, {2, 15, 28}}},
		{"non-ASCII bytes are not folded", []string{"é"}, "É é", []kwHit{{0, 3, 5}}},
		{"no keywords", nil, "anything", nil},
		{"empty text", []string{"a"}, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newKWMatcher(tt.keywords)
			if got := m.hits([]byte(tt.text)); !slices.Equal(got, tt.want) {
				t.Errorf("hits = %v, want %v", got, tt.want)
			}
			if m.dfaReady.Load() {
				t.Errorf("a short text built the DFA")
			}
			if got := withDFA(m).hits([]byte(tt.text)); !slices.Equal(got, tt.want) {
				t.Errorf("DFA hits = %v, want %v", got, tt.want)
			}
			if ref := naiveHits(tt.keywords, []byte(tt.text)); !slices.Equal(ref, tt.want) {
				t.Errorf("reference = %v, want %v (test table wrong)", ref, tt.want)
			}
		})
	}
}

// FuzzKWMatcher checks the automaton, its trie walk and its DFA, against
// the naive reference, once with the built-in keywords and once with
// keywords taken from the input.
//
//	go test ./rules -run '^$' -fuzz '^FuzzKWMatcher$' -fuzztime 3m -parallel 1
func FuzzKWMatcher(f *testing.F) {
	f.Add([]byte("aws_secret_access_key = \"x\"\nPatient: Jane Doe, DOB unknown"), "he,she,hers")
	f.Add([]byte("ghp_xxxx sk-ant-api03-y PID|1|||MRN^^^"), "aa,a,aaa")
	f.Add([]byte("Authorization: Bearer eyJhbGciOi xoxb-1 \x00\xff\xc3\xa9"), ",;, ,,x")
	f.Add([]byte("INSERT INTO p (name, mrn) VALUES ('A', 1), ('B', 2);\ninsert into q (x) values (3)"), "insert")
	// As Compile builds it with PHI rules: the statement keyword last.
	builtin := append(builtinKeywords(f), sqlInsert)
	bm := withDFA(newKWMatcher(builtin))
	f.Fuzz(func(t *testing.T, data []byte, list string) {
		hits := bm.hits(data)
		want := naiveHits(builtin, data)
		if !slices.Equal(hits, want) {
			t.Fatalf("builtin keywords: hits %v, want %v", hits, want)
		}
		if sp := bm.sparseHits(data); !slices.Equal(sp, want) {
			t.Fatalf("builtin keywords: trie walk %v, want %v", sp, want)
		}
		// The statement offsets answer sqlColumn as reading data does.
		sc := &scanState{}
		for _, h := range hits {
			if h.kw == len(builtin)-1 {
				sc.inserts = append(sc.inserts, h.start)
			}
		}
		for pos := 0; pos <= len(data); pos += 1 + len(data)/16 {
			k1, ok1 := sqlColumn(data, pos, sc)
			k2, ok2 := sqlColumn(data, pos, nil)
			if k1 != k2 || ok1 != ok2 {
				t.Fatalf("sqlColumn at %d: %q %v with the automaton's offsets, %q %v reading", pos, k1, ok1, k2, ok2)
			}
		}
		kws := keywordList(list)
		m := newKWMatcher(kws)
		want = naiveHits(kws, data)
		if got := m.sparseHits(data); !slices.Equal(got, want) {
			t.Fatalf("keywords %q: trie walk %v, want %v", kws, got, want)
		}
		if got := withDFA(m).hits(data); !slices.Equal(got, want) {
			t.Fatalf("keywords %q: hits %v, want %v", kws, got, want)
		}
	})
}

// A matcher walks its trie until kwSparseBudget bytes are spent, then
// builds its DFA; an input longer than the budget builds it at once. The
// hits are the same either way.
func TestKWSparseBudget(t *testing.T) {
	src := benchSource(t)
	kws := append(builtinKeywords(t), sqlInsert)
	chunk := src[:min(len(src), 64<<10)]
	ref := withDFA(newKWMatcher(kws)).hits(chunk)
	m := newKWMatcher(kws)
	for spent := 0; spent+len(chunk) <= kwSparseBudget; spent += len(chunk) {
		if got := m.hits(chunk); !slices.Equal(got, ref) {
			t.Fatalf("trie walk after %d bytes: %d hits, DFA %d", spent, len(got), len(ref))
		}
		if m.dfaReady.Load() {
			t.Fatalf("DFA built after %d bytes, budget %d", spent+len(chunk), kwSparseBudget)
		}
	}
	for range 2 {
		if got := m.hits(chunk); !slices.Equal(got, ref) {
			t.Fatalf("past the budget: %d hits, DFA %d", len(got), len(ref))
		}
	}
	if !m.dfaReady.Load() || m.trans == nil {
		t.Fatal("past the budget and no DFA")
	}
	big := make([]byte, kwSparseBudget+1)
	copy(big, chunk)
	m = newKWMatcher(kws)
	if got, want := len(m.hits(big)), len(ref); got != want {
		t.Errorf("long input: %d hits, want %d", got, want)
	}
	if !m.dfaReady.Load() {
		t.Error("an input past the budget was walked over the trie")
	}
}

// Goroutines sharing a matcher (a Ruleset's workers) see the same hits
// while one of them spends the budget and builds the DFA; run under -race
// it checks the switch publishes the table safely.
func TestKWSparseBudgetConcurrent(t *testing.T) {
	src := benchSource(t)
	kws := append(builtinKeywords(t), sqlInsert)
	chunk := src[:min(len(src), 48<<10)]
	ref := withDFA(newKWMatcher(kws)).hits(chunk)
	m := newKWMatcher(kws)
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 2 * kwSparseBudget / len(chunk) / 4 {
				if got := m.hits(chunk); !slices.Equal(got, ref) {
					errs <- fmt.Sprintf("%d hits, want %d", len(got), len(ref))
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if !m.dfaReady.Load() {
		t.Error("twice the budget walked and no DFA")
	}
}

// BenchmarkKWSparse is the trie walk alone (what a start-up's first
// megabyte costs), to compare with BenchmarkKWMatcher:
//
//	go test ./rules -run '^$' -bench 'KW(Sparse|Matcher)$'
func BenchmarkKWSparse(b *testing.B) {
	data := benchSource(b)
	data = data[:min(len(data), kwSparseBudget)]
	m := newKWMatcher(builtinKeywords(b))
	b.SetBytes(int64(len(data)))
	n := 0
	for b.Loop() {
		n = 0
		m.eachSparse(data, func(int, int, int) { n++ })
	}
	b.ReportMetric(float64(n), "hits")
}

// BenchmarkKWBuild is building the automaton: the trie (every start), and
// the DFA (a start that scans more than kwSparseBudget bytes).
func BenchmarkKWBuild(b *testing.B) {
	kws := builtinKeywords(b)
	b.Run("trie", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			newKWMatcher(kws)
		}
	})
	b.Run("dfa", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			withDFA(newKWMatcher(kws))
		}
	})
}

// BenchmarkKWMatcher is the prefilter alone over a generated source tree,
// whole and cut into inputs of a few sizes (a scan walks each file, the
// proxy each request, on its own); cpu-MB/s is process CPU, steadier than
// the wall time on a shared machine:
//
//	go test ./rules -run '^$' -bench KWMatcher
func BenchmarkKWMatcher(b *testing.B) {
	data := benchSource(b)
	m := withDFA(newKWMatcher(builtinKeywords(b)))
	for _, size := range []int{0, 64, 128, 256, 1 << 10, 4 << 10, 64 << 10} {
		name := "whole"
		if size > 0 {
			name = fmt.Sprintf("%dB", size)
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			n := 0
			cpu0 := testtool.ProcessCPU()
			for b.Loop() {
				n = 0
				for in := range slices.Chunk(data, cmp.Or(size, len(data))) {
					m.each(in, func(int, int, int) { n++ })
				}
			}
			if cpu := testtool.ProcessCPU() - cpu0; cpu > 0 {
				b.ReportMetric(float64(len(data))*float64(b.N)/cpu.Seconds()/1e6, "cpu-MB/s")
			}
			b.ReportMetric(float64(n), "hits")
		})
	}
}

// benchSource is real code to scan: the files under $PRETENSE_BENCH_TREE
// (a checkout such as SQLAlchemy) or else a few standard-library
// packages, capped at 16 MB.
func benchSource(b testing.TB) []byte {
	root := os.Getenv("PRETENSE_BENCH_TREE")
	if root == "" {
		root = filepath.Join(build.Default.GOROOT, "src", "net")
	}
	var buf []byte
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || len(buf) >= 16<<20 {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" || d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		buf = append(buf, data...)
		return nil
	})
	if err != nil || len(buf) == 0 {
		b.Skipf("no source under %s: %v", root, err)
	}
	return buf
}

// oneStream is m's single walk, the reference for the seven walks.
func (m *kwMatcher) oneStream(data []byte) []kwHit {
	m.ensureDFA()
	var out []kwHit
	m.eachFrom(data, 0, 0, func(k, s, e int) { out = append(out, kwHit{k, s, e}) })
	return out
}

// The seven walks report what one walk reports, whatever the input's
// length relative to the sevenths and the keywords that cross their
// boundaries.
func TestKWStreams(t *testing.T) {
	builtin := append(builtinKeywords(t), sqlInsert)
	bm := withDFA(newKWMatcher(builtin))
	src := benchSource(t)
	for _, byClass := range []bool{false, true} {
		bm.byClass = byClass
		for _, n := range []int{0, 1, bm.maxLen + 6, bm.maxLen + 7, 8*bm.maxLen - 1, 8 * bm.maxLen, 8*bm.maxLen + 3, streamMin - 1, streamMin, 7*kwChunk + bm.maxLen + 6, 7*kwChunk + bm.maxLen + 7, 100003, len(src)} {
			data := src[:min(n, len(src))]
			if got, want := bm.hits(data), bm.oneStream(data); !slices.Equal(got, want) {
				t.Errorf("byClass %v, %d bytes: %d hits, one walk %d", byClass, len(data), len(got), len(want))
			}
		}
	}
	// A keyword at every offset around the sevenths' boundaries, and
	// sevenths shorter than the warm-ups.
	m := withDFA(newKWMatcher([]string{"secret_access_key", "key", "ke", "y_s"}))
	m.streamMin = 0
	kws := []string{"secret_access_key", "key", "ke", "y_s"}
	for _, byClass := range []bool{false, true} {
		m.byClass = byClass
		for n := 17; n < 200; n++ {
			for at := 0; at+17 <= n; at++ {
				data := bytes.Repeat([]byte{'.'}, n)
				copy(data[at:], "secret_access_key")
				if got, want := m.hits(data), naiveHits(kws, data); !slices.Equal(got, want) {
					t.Fatalf("byClass %v, n %d, keyword at %d: hits %v, want %v", byClass, n, at, got, want)
				}
			}
		}
		// Around the classes' chunks (kwChunk steps) in every seventh.
		n := 7*(2*kwChunk+100) + 16
		q := (n - (m.maxLen - 1)) / kwWalks
		for k := range kwWalks {
			for _, c := range []int{kwChunk, 2 * kwChunk} {
				for at := k*q + c - 20; at <= k*q+c+3 && at+17 <= n; at++ {
					data := bytes.Repeat([]byte{'.'}, n)
					copy(data[at:], "secret_access_key")
					if got, want := m.hits(data), naiveHits(kws, data); !slices.Equal(got, want) {
						t.Fatalf("byClass %v, n %d, keyword at %d: hits %v, want %v", byClass, n, at, got, want)
					}
				}
			}
		}
	}
}

// FuzzKWStreams checks the seven walks against the single walk, with
// them used from the shortest input on, so the boundaries fall
// everywhere.
//
//	go test ./rules -run '^$' -fuzz '^FuzzKWStreams$' -fuzztime 2m -parallel 1
func FuzzKWStreams(f *testing.F) {
	f.Add([]byte("aws_secret_access_key = \"x\"\nPatient: Jane Doe, DOB unknown, insert into t"), "he,she,hers")
	f.Add([]byte("ghp_xxxx sk-ant-api03-y PID|1|||MRN^^^ password=hunter"), "aa,a,aaa")
	builtin := append(builtinKeywords(f), sqlInsert)
	bm := withDFA(newKWMatcher(builtin))
	bm.streamMin = 0
	f.Fuzz(func(t *testing.T, data []byte, list string) {
		if got, want := bm.hits(data), bm.oneStream(data); !slices.Equal(got, want) {
			t.Fatalf("builtin keywords: hits %v, one walk %v", got, want)
		}
		kws := keywordList(list)
		m := withDFA(newKWMatcher(kws))
		m.streamMin = 0
		if got, want := m.hits(data), naiveHits(kws, data); !slices.Equal(got, want) {
			t.Fatalf("keywords %q: hits %v, want %v", kws, got, want)
		}
	})
}

// denseKeywords turns a fuzz input into text dense in keywords: a byte
// below 0x20 stands for the keyword (of kws) its value and the next
// byte's pick, written in the case the byte after that chooses; every
// other byte is itself.
func denseKeywords(kws []string, in []byte) []byte {
	var out []byte
	for i := 0; i < len(in); i++ {
		b := in[i]
		if b >= 0x20 || len(kws) == 0 {
			out = append(out, b)
			continue
		}
		pick := int(b)
		if i+1 < len(in) {
			i++
			pick = pick<<8 | int(in[i])
		}
		kw := []byte(kws[pick%len(kws)])
		if i+1 < len(in) && in[i+1]&1 != 0 {
			i++
			kw = bytes.ToUpper(kw)
		}
		out = append(out, kw...)
	}
	return out
}

// kwLookup is naiveHits for many keywords: at every end offset, a map
// lookup of the folded text of each keyword length, longest first.
type kwLookup struct {
	ids  map[string]int
	lens []int // distinct keyword lengths, longest first
}

func newKWLookup(kws []string) *kwLookup {
	l := &kwLookup{ids: map[string]int{}}
	for k, kw := range kws {
		l.ids[string(lowerASCII([]byte(kw)))] = k
		if !slices.Contains(l.lens, len(kw)) {
			l.lens = append(l.lens, len(kw))
		}
	}
	slices.Sort(l.lens)
	slices.Reverse(l.lens)
	return l
}

func (l *kwLookup) hits(data []byte) []kwHit {
	low := lowerASCII(data)
	var out []kwHit
	for end := 1; end <= len(low); end++ {
		for _, n := range l.lens {
			if n <= end {
				if k, ok := l.ids[string(low[end-n:end])]; ok {
					out = append(out, kwHit{k, end - n, end})
				}
			}
		}
	}
	return out
}

// FuzzKWAgree checks the DFA's seven walks over bytes (kwwalk_amd64.s,
// or its Go version with -tags purego) and over classes (kwclass_amd64.s,
// or its Go version), whichever each uses by default and the other,
// against the matcher they replaced, the one DFA walk, and against the
// trie walk and a naive search, which share no code with them: on the
// input as it is and on text dense in the built-in keywords and the
// format markers, whatever its length (the walks from the shortest input
// on). It also checks kwClasses (kwClassesVBMI where the processor has
// it) against kwClassesGo on the input, with a table that tells every
// byte apart.
//
//	go test ./rules -run '^$' -fuzz '^FuzzKWAgree$' -fuzztime 2m -parallel 1
//	go test -tags purego ./rules -run '^$' -fuzz '^FuzzKWAgree$' -fuzztime 2m -parallel 1
func FuzzKWAgree(f *testing.F) {
	f.Add([]byte("aws_secret_access_key = \"x\"\nPatient: Jane Doe, DOB unknown, insert into t"))
	f.Add([]byte("\x01\x02\x03\x04\x05\x06x\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15"))
	f.Add(bytes.Repeat([]byte("\x00\x01 \x1f\x7f\x02"), 40))
	f.Add(bytes.Repeat([]byte("\xe1\xf4\x80token\xff"), 1200))
	kws := builtinKeywords(f)
	for _, mk := range markerKeywords {
		if !slices.Contains(kws, mk.kw) {
			kws = append(kws, mk.kw)
		}
	}
	if !slices.Contains(kws, allowKeyword) {
		kws = append(kws, allowKeyword)
	}
	m := withDFA(newKWMatcher(kws))
	m.streamMin = 0
	other := withDFA(newKWMatcher(kws)) // the walks each does not use by default
	other.streamMin = 0
	other.byClass = !m.byClass
	dflt := withDFA(newKWMatcher(kws))
	ref := newKWLookup(kws)
	var tab [256]uint8
	for b := range tab {
		tab[b] = uint8(b*167 + 13) // a bijection
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, data := range [][]byte{in, denseKeywords(kws, in)} {
			got := m.hits(data)
			if want := m.oneStream(data); !slices.Equal(got, want) {
				t.Fatalf("%q: hits %v, one walk %v", data, got, want)
			}
			if want := other.hits(data); !slices.Equal(got, want) {
				t.Fatalf("%q: hits %v, walks over classes %v: %v", data, got, other.byClass, want)
			}
			if want := m.sparseHits(data); !slices.Equal(got, want) {
				t.Fatalf("%q: hits %v, trie walk %v", data, got, want)
			}
			if def := dflt.hits(data); !slices.Equal(got, def) {
				t.Fatalf("%q: hits %v, with the default streamMin %v", data, got, def)
			}
			if want := ref.hits(data); !slices.Equal(got, want) {
				t.Fatalf("%q: hits %v, naive search %v", data, got, want)
			}
		}
		checkKWClasses(t, in, &tab)
	})
}

// checkKWClasses compares kwClasses with kwClassesGo on data cut into
// seven parts of every length up to kwChunk that fits (q from the
// shortest to the longest).
func checkKWClasses(t *testing.T, data []byte, tab *[256]uint8) {
	var got, want [kwWalks * kwChunk]byte
	for _, q := range []int{0, 1, len(data) / kwWalks} {
		for n := 0; n <= kwChunk && (kwWalks-1)*q+n <= len(data); n += 1 + n/7 {
			for i := range got {
				got[i], want[i] = 0xee, 0xee
			}
			kwClasses(&got, data, n, q, tab)
			kwClassesGo(&want, data, n, q, tab)
			if got != want {
				t.Fatalf("%d bytes, q %d, n %d: kwClasses and kwClassesGo differ", len(data), q, n)
			}
		}
	}
}

// kwClasses writes what kwClassesGo does, whatever the parts' lengths and
// bytes (every value, each part's tail under 64 bytes).
func TestKWClasses(t *testing.T) {
	data := make([]byte, 7*kwChunk+100)
	for i := range data {
		data[i] = byte(i*31 + i/256)
	}
	var tab [256]uint8
	for b := range tab {
		tab[b] = uint8(b*167 + 13)
	}
	checkKWClasses(t, data, &tab)
	checkKWClasses(t, data[:200], &tab)
}

// sameTables reports how m's tables (its DFA built) differ from want's,
// or "".
func sameTables(m, want *kwMatcher) string {
	m.ensureDFA()
	switch {
	case m.class != want.class:
		return "class"
	case m.shift != want.shift:
		return "shift"
	case m.matchFrom != want.matchFrom:
		return "matchFrom"
	case !slices.Equal(m.trans, want.trans):
		return "trans"
	case !reflect.DeepEqual(m.out, want.out):
		return "out"
	case !slices.Equal(m.lens, want.lens) || m.maxLen != want.maxLen:
		return "lens"
	}
	return ""
}

// The sparse builder writes the very tables the dense one did: the same
// classes, state numbering, transitions and match lists.
func TestKWBuilderMatchesDense(t *testing.T) {
	lists := map[string][]string{
		"none":      nil,
		"one":       {"a"},
		"ushers":    {"he", "she", "hers", "his"},
		"nested":    {"secret_key", "secret", "key", "et_k", "t"},
		"self":      {"aa", "aaa", "a"},
		"folded":    {"Token", "OKEN", "ke"},
		"non-ASCII": {"é", "\xc3", "x\xa9y"},
		"builtin":   append(builtinKeywords(t), sqlInsert),
	}
	for name, kws := range lists {
		t.Run(name, func(t *testing.T) {
			if d := sameTables(newKWMatcher(kws), newKWMatcherDense(kws)); d != "" {
				t.Errorf("%s differs from the dense builder's", d)
			}
		})
	}
}

// FuzzKWBuilder compares the sparse builder with the dense one on keyword
// lists taken from the input (comma-separated, folded duplicates dropped).
//
//	go test ./rules -run '^$' -fuzz '^FuzzKWBuilder$' -fuzztime 2m -parallel 1
func FuzzKWBuilder(f *testing.F) {
	f.Add("he,she,hers,his")
	f.Add("secret_key,secret,key,et_k,t")
	f.Add("aa,aaa,a,AAAA,b")
	f.Add("\xff\x00,\x00,x\xffy, ,;")
	f.Add(strings.Join(builtinKeywords(f)[:200], ","))
	f.Fuzz(func(t *testing.T, list string) {
		kws := keywordList(list)
		if d := sameTables(newKWMatcher(kws), newKWMatcherDense(kws)); d != "" {
			t.Fatalf("keywords %q: %s differs from the dense builder's", kws, d)
		}
	})
}

// newKWMatcherDense is the builder newKWMatcher replaced, the reference
// for its tables: the trie and failure links as dense tables (-1: no
// edge), turned into the DFA in place, then renumbered.
func newKWMatcherDense(keywords []string) *kwMatcher {
	m, nclass, total := newKWClasses(keywords)
	stride := 1 << m.shift

	// The trie: state 0 is the root; delta starts as the goto function
	// (-1: no edge) and becomes the full DFA below.
	delta := make([]int32, stride, (total+1)*stride)
	for i := range delta {
		delta[i] = -1
	}
	own := []int32{-1} // the keyword a trie state spells, if any
	depth := []int{0}
	for i, kw := range keywords {
		s := int32(0)
		for j := 0; j < len(kw); j++ {
			c := int(m.class[kw[j]])
			next := delta[int(s)*stride+c]
			if next < 0 {
				next = int32(len(own))
				delta[int(s)*stride+c] = next
				own = append(own, -1)
				depth = append(depth, j+1)
				for range stride {
					delta = append(delta, -1)
				}
			}
			s = next
		}
		own[s] = int32(i)
	}
	n := len(own)

	// Failure links in breadth-first order turn the trie into a DFA; a
	// state's matches are its own keyword, then its failure state's.
	fail := make([]int32, n)
	outs := make([][]int32, n)
	queue := make([]int32, 0, n)
	for c := 0; c < nclass; c++ {
		if t := delta[c]; t > 0 {
			fail[t] = 0
			queue = append(queue, t)
		} else {
			delta[c] = 0
		}
	}
	for q := 0; q < len(queue); q++ {
		s := queue[q]
		if own[s] >= 0 {
			outs[s] = append(outs[s], own[s])
		}
		outs[s] = append(outs[s], outs[fail[s]]...)
		row, frow := int(s)*stride, int(fail[s])*stride
		for c := 0; c < nclass; c++ {
			if t := delta[row+c]; t >= 0 {
				fail[t] = delta[frow+c]
				queue = append(queue, t)
			} else {
				delta[row+c] = delta[frow+c]
			}
		}
	}

	// Renumber: states without matches first, then the rest, so one
	// comparison tells a match; within each, by depth, then by id; ids
	// become row offsets.
	order := make([]int, n)
	for s := range order {
		order[s] = s
	}
	key := func(s int) int { return min(len(outs[s]), 1)<<20 | depth[s] }
	slices.SortStableFunc(order, func(a, b int) int { return key(a) - key(b) })
	// Row offsets in bytes; the first matching state's rounded up to a
	// power of two.
	newID := make([]uint32, n)
	first := -1
	for pos, s := range order {
		newID[s] = uint32(pos) << (m.shift + 2)
		if len(outs[s]) > 0 {
			if first < 0 {
				first = pos
			}
			m.out = append(m.out, outs[s])
		}
	}
	if first < 0 {
		first = n
	}
	firstOff := uint32(first) << (m.shift + 2)
	m.matchFrom = 1
	for m.matchFrom < firstOff {
		m.matchFrom *= 2
	}
	for s := range newID {
		if len(outs[s]) > 0 {
			newID[s] += m.matchFrom - firstOff
		}
	}
	m.trans = make([]uint32, int(m.matchFrom)/4+len(m.out)*stride)
	for s := 0; s < n; s++ {
		row := int(newID[s]) / 4
		for c := 0; c < nclass; c++ {
			m.trans[row+c] = newID[delta[s*stride+c]]
		}
	}
	m.dfaReady.Store(true)
	return m
}

// keywordList splits a fuzz input into keywords as newKWMatcher takes
// them: comma-separated, empty ones and ASCII-case-folded duplicates
// dropped.
func keywordList(list string) []string {
	seen := map[string]bool{}
	var kws []string
	for _, k := range strings.Split(list, ",") {
		if f := string(lowerASCII([]byte(k))); k != "" && !seen[f] {
			seen[f] = true
			kws = append(kws, k)
		}
	}
	return kws
}
