package mutate

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/pretense/pretense/internal/testtool"
)

// genTypeScript builds a realistic TypeScript file of about size bytes:
// interfaces, classes, functions, comments, strings and template literals,
// with PHI-adjacent names mixed into ordinary ones.
func genTypeScript(size int, seed uint64) string {
	r := rand.New(rand.NewPCG(seed, seed))
	phi := []string{"patient", "mrn", "dateOfBirth", "diagnosis", "insurance", "member", "claim", "provider", "encounter", "admission", "prescription", "physician"}
	plain := []string{"invoice", "ledger", "order", "cart", "shipment", "widget", "report", "session", "cache", "queue", "price", "account"}
	suffix := []string{"Id", "Code", "List", "Count", "Date", "Status", "Total", "Ref", "Map", "Name"}
	name := func() string {
		w := plain
		if r.IntN(3) == 0 {
			w = phi
		}
		return w[r.IntN(len(w))] + suffix[r.IntN(len(suffix))]
	}
	title := func(s string) string { return strings.ToUpper(s[:1]) + s[1:] }
	var b strings.Builder
	for i := 0; b.Len() < size; i++ {
		n1, n2, n3 := name(), name(), name()
		fmt.Fprintf(&b, "// %s keeps the %s and %s for each record (block %d).\n", title(n1), n2, n3, i)
		fmt.Fprintf(&b, "export interface %s%d {\n  %s: string;\n  %s?: number;\n  %s: string[];\n}\n\n", title(n1), i, n1, n2, n3)
		fmt.Fprintf(&b, "export class %sService%d {\n  private readonly items = new Map<string, %s%d>();\n\n", title(n2), i, title(n1), i)
		fmt.Fprintf(&b, "  async get%s(%s: string): Promise<%s%d | undefined> {\n", title(n1), n2, title(n1), i)
		fmt.Fprintf(&b, "    const label = `lookup ${%s} for %s`;\n    console.log(label, 'loading %s');\n", n2, n3, n1)
		fmt.Fprintf(&b, "    if (this.items.size > %d) { return undefined; }\n    return this.items.get(%s);\n  }\n}\n\n", r.IntN(1000), n2)
	}
	return b.String()[:size]
}

// benchAnswer is a model answer of about size bytes that quotes the
// mutated code, derives names from synthetics and adds prose.
func benchAnswer(mutated string, pairs map[string]string, size int) string {
	var b strings.Builder
	syns := make([]string, 0, len(pairs))
	for s := range pairs {
		syns = append(syns, s)
	}
	i := 0
	for b.Len() < size {
		s := syns[i%len(syns)]
		fmt.Fprintf(&b, "Rename get%s to fetch it lazily, and keep %sList in sync. ", s, s)
		if i%4 == 0 {
			start := (i * 997) % (len(mutated) - 400)
			b.WriteString("\n```ts\n" + mutated[start:start+400] + "\n```\n")
		}
		i++
	}
	return b.String()
}

func benchSetup(b *testing.B, pol Policy) (*Mutator, string, string) {
	m, err := New(testKey, pol)
	if err != nil {
		b.Fatal(err)
	}
	src := genTypeScript(100<<10, 1)
	s := m.NewSession()
	mutated := s.Mutate(src, LangTS)
	return m, src, benchAnswer(mutated, s.Pairs(), 20<<10)
}

// BenchmarkMutateAndReverse: mutate a 100 KB TypeScript file and reverse a
// 20 KB answer in a fresh session — one proxied request's work.
func BenchmarkMutateAndReverse(b *testing.B) {
	for _, pol := range []Policy{PolicyPHI, PolicyAll} {
		b.Run(string(pol), func(b *testing.B) {
			m, src, answer := benchSetup(b, pol)
			kb := float64(len(src)+len(answer)) / 1024
			b.SetBytes(int64(len(src) + len(answer)))
			b.ReportAllocs()
			var ms0, ms1 runtime.MemStats
			runtime.ReadMemStats(&ms0)
			cpu0 := testtool.ProcessCPU()
			var fid Fidelity
			for b.Loop() {
				s := m.NewSession()
				s.Mutate(src, LangTS)
				_, fid = s.Reverse(answer)
			}
			cpu := testtool.ProcessCPU() - cpu0
			runtime.ReadMemStats(&ms1)
			if cpu > 0 {
				// CPU time, GC included: steadier than ns/op on a busy machine.
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
			}
			if fid.Ratio() != 1 {
				b.Fatalf("fidelity %+v", fid)
			}
			b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(b.N)/kb, "allocs/KB")
		})
	}
}

func BenchmarkMutate100KB(b *testing.B) {
	m, src, _ := benchSetup(b, PolicyPHI)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		m.NewSession().Mutate(src, LangTS)
	}
}

func BenchmarkReverse20KB(b *testing.B) {
	m, src, answer := benchSetup(b, PolicyPHI)
	s := m.NewSession()
	s.Mutate(src, LangTS)
	b.SetBytes(int64(len(answer)))
	b.ReportAllocs()
	for b.Loop() {
		s.Reverse(answer)
	}
}

func BenchmarkStreamReverse20KB(b *testing.B) {
	m, src, answer := benchSetup(b, PolicyPHI)
	s := m.NewSession()
	s.Mutate(src, LangTS)
	b.SetBytes(int64(len(answer)))
	b.ReportAllocs()
	for b.Loop() {
		r := s.NewStreamReverser()
		for i := 0; i < len(answer); i += 16 { // token-sized deltas
			r.Write(answer[i:min(i+16, len(answer))])
		}
		r.Flush()
	}
}

// requestText is the text of the proxy's 64 KB benchmark request
// (proxy/bench_test.go benchBody): a prompt around a fenced TypeScript
// file, 200 PHI-named functions and ~600 lines each naming a new local.
func requestText() string {
	var code strings.Builder
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&code, "export function getPatientRecord%d(input: Input%d): Output { return transform(input, %d); }\n", i, i, i)
	}
	for i := 0; code.Len() < 63<<10; i++ {
		fmt.Fprintf(&code, "const total%d = items.reduce((acc, item) => acc + item.amount * %d, 0); // running sum\n", i, i)
	}
	return "Review this file (nonce 0000000000):\n```ts\n" + code.String() + "```"
}

// BenchmarkRequest64KB: what a never-seen 64 KB request costs mutate, the
// lexer alone and Replacements in a new session on a warm Mutator, in
// process CPU per text (cpu-us/op; the collector included).
//
//	go test ./mutate -run '^$' -bench Request64KB -benchtime 2000x
func BenchmarkRequest64KB(b *testing.B) {
	text := requestText()
	cpuPerOp := func(b *testing.B, run func()) {
		b.SetBytes(int64(len(text)))
		b.ReportAllocs()
		run()
		runtime.GC()
		cpu0 := testtool.ProcessCPU()
		for b.Loop() {
			run()
		}
		b.ReportMetric(float64(testtool.ProcessCPU()-cpu0)/1e3/float64(b.N), "cpu-us/op")
	}
	b.Run("lex", func(b *testing.B) {
		var spans []span
		cpuPerOp(b, func() { spans = lex(text, LangText, spans[:0]) })
	})
	b.Run("replacements", func(b *testing.B) {
		m, err := New(testKey, PolicyPHI)
		if err != nil {
			b.Fatal(err)
		}
		var reps []Replacement
		cpuPerOp(b, func() {
			s := m.NewSession()
			reps = s.Replacements(text, LangText, reps[:0])
			if len(reps) < 200 {
				b.Fatalf("%d replacements", len(reps))
			}
			s.DoneMutating()
		})
	})
	b.Run("pairset", func(b *testing.B) {
		// What the proxy's memo takes of a never-seen text: the pair set
		// of its replacements (one synthetic per replacement).
		m, err := New(testKey, PolicyPHI)
		if err != nil {
			b.Fatal(err)
		}
		s := m.NewSession()
		reps := s.Replacements(text, LangText, nil)
		syns := make([]string, len(reps))
		for i, r := range reps {
			syns[i] = r.Synthetic
		}
		cpuPerOp(b, func() {
			if _, err := s.PairSetOf(syns); err != nil {
				b.Fatal(err)
			}
		})
	})
}
