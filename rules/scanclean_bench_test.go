package rules_test

import (
	"encoding/json"
	"fmt"
	"go/build"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pretense/pretense/internal/testtool"
	"github.com/pretense/pretense/rules"
)

// BenchmarkScanClean is the rule engine's own throughput on inputs that
// hold nothing to report, the common case both for `scan` (a source tree)
// and for the proxy (a request never seen before): a 64 KB LLM request
// body, a large Go source file and a minified JavaScript file, with the
// secret rules alone and with the PHI rules of standard mode. Besides
// ns/op it reports cpu-MB/s, the bytes scanned per second of this
// process's user+system CPU, which a shared machine disturbs less than
// wall time:
//
//	GOMAXPROCS=1 go test ./rules -run '^$' -bench ScanClean -benchtime 300x
func BenchmarkScanClean(b *testing.B) {
	inputs := []struct {
		name string
		data []byte
	}{
		{"request64KB", requestBody64KB()},
		{"prompt64KB", requestText64KB()},
		{"server.go", readGOROOT(b, "src", "net", "http", "server.go")},
		{"webcomponents.min.js", readGOROOT(b, "src", "internal", "trace", "traceviewer", "static", "webcomponents.min.js")},
	}
	for _, mode := range []rules.Mode{rules.ModeOff, rules.ModeStandard} {
		rs, err := rules.Compile(rules.Builtin(), rules.Options{PHIMode: mode})
		if err != nil {
			b.Fatal(err)
		}
		for _, in := range inputs {
			if in.data == nil {
				continue
			}
			b.Run(fmt.Sprintf("%s/phi=%s", in.name, mode), func(b *testing.B) {
				b.SetBytes(int64(len(in.data)))
				b.ReportAllocs()
				n := 0
				cpu0 := testtool.ProcessCPU()
				for b.Loop() {
					n = len(rs.Scan(in.data))
				}
				if cpu := testtool.ProcessCPU() - cpu0; cpu > 0 {
					b.ReportMetric(float64(len(in.data))*float64(b.N)/cpu.Seconds()/1e6, "cpu-MB/s")
				}
				b.ReportMetric(float64(n), "matches")
			})
		}
	}
}

// readGOROOT reads a file of the Go distribution; nil (the input is
// skipped) when this installation lacks it.
func readGOROOT(b *testing.B, elem ...string) []byte {
	data, err := os.ReadFile(filepath.Join(append([]string{build.Default.GOROOT}, elem...)...))
	if err != nil {
		b.Logf("skipping input: %v", err)
		return nil
	}
	return data
}

// requestText64KB is the user turn of requestBody64KB decoded: the text
// the proxy scans (its BenchmarkRewriteRequest64KB), lines and all.
func requestText64KB() []byte {
	var req struct {
		Messages []struct {
			Content []struct {
				Text string `json:"text"`
			} `json:"content"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(requestBody64KB(), &req); err != nil {
		panic(err)
	}
	return []byte(req.Messages[0].Content[0].Text)
}

// requestBody64KB is a 64 KB Anthropic request whose user turn holds
// ordinary TypeScript, the shape of an agent turn the proxy scans: the
// same body as proxy's BenchmarkRewriteRequest64KB.
func requestBody64KB() []byte {
	words := []string{"Patient", "Mrn", "DateOfBirth", "InsuranceMember", "Diagnosis", "Ssn", "Medication", "Encounter", "Allergy", "Admission"}
	nouns := []string{"Record", "Id", "Lookup", "Cache", "Store", "Index", "Table", "Queue", "View", "Form", "Row", "Key", "Map", "List", "Set", "Entry", "Field", "Value", "Batch", "Report"}
	var code strings.Builder
	i := 0
	for _, w := range words {
		for _, n := range nouns {
			fmt.Fprintf(&code, "export function get%s%s(input: Input%d): Output { return transform(input, %d); }\n", w, n, i, i)
			i++
		}
	}
	for i := 0; code.Len() < 63<<10; i++ {
		fmt.Fprintf(&code, "const total%d = items.reduce((acc, item) => acc + item.amount * %d, 0); // running sum\n", i, i)
	}
	body, err := json.Marshal(map[string]any{
		"model": "claude-test", "max_tokens": 1024,
		"system": "You are a careful reviewer.",
		"messages": []any{map[string]any{"role": "user", "content": []any{
			map[string]any{"type": "text", "text": "Review this file (nonce 0000000000):\n```ts\n" + code.String() + "```"},
		}}},
	})
	if err != nil {
		panic(err)
	}
	return body
}
