package archtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/pretense/pretense"

// floors is the layering, lowest first; keep it in step with the diagram in
// docs/architecture.md. A package imports only packages on lower floors:
// never sideways, never up.
var floors = [][]string{
	// 0: vocabulary and helpers that know nothing of pretense's jobs.
	{"finding", "internal/version", "internal/luhn", "internal/hugeheap", "internal/bytemask"},
	// 1: engines with one job each, no rules inside.
	// rules/phiformat reads HL7, FHIR, C-CDA and tables into fields.
	{"config", "audit", "mutate", "gate", "internal/gitobj", "internal/tokens", "rules/phiformat"},
	// 2: the rule engine (secret and PHI rules; uses the format readers).
	{"rules"},
	// 3: whether a finding is reported, and why.
	// rules/gitleaksconf reads gitleaks configurations into rules and filters.
	{"suppress", "rules/gitleaksconf"},
	// 4: the jobs: read inputs, run the rules, decide, write results.
	{"scanner", "report", "proxy", "internal/hook"},
	// 5: the scan side's commands, and the gate's report writer (gate +
	// report's SARIF), kept out of report so a scan does not link net/http.
	{"internal/cli", "report/gatesarif"},
	// 6: the whole command line: cli's commands plus proxy, gate, audit.
	{"internal/cli/full"},
	// 7: binaries, which only wire: pretense (everything) and
	// pretense-scan (the commit hook's `pretense scan`, without the proxy's
	// dependencies).
	{"cmd/pretense", "cmd/pretense-scan"},
}

// helpers are imported only by tests (and by tools), never by a package
// that ships in the binary. A trailing slash takes in every package below:
// internal/testgen holds the test-data generators (phigen, corpusgen).
var helpers = []string{"internal/testtool", "internal/testfs", "internal/testgen", "internal/testgen/", "gate/gatetest"}

// outside are programs and suites beside the product: they may import any
// product package, and nothing imports them.
var outside = []string{"integration", "tools/", "bench", "bench/", "deploy", "internal/archtest"}

type pkg struct {
	ImportPath string
	Imports    []string
}

// violations checks a graph against floors, helpers and outside, and
// returns one line per broken arrow or unplaced package, sorted.
func violations(graph map[string][]string) []string {
	floorOf := map[string]int{}
	for i, ps := range floors {
		for _, p := range ps {
			floorOf[p] = i
		}
	}
	under := func(list []string) func(string) bool {
		return func(p string) bool {
			return slices.ContainsFunc(list, func(o string) bool {
				return p == o || strings.HasSuffix(o, "/") && strings.HasPrefix(p, o)
			})
		}
	}
	isOutside, isHelper := under(outside), under(helpers)
	var out []string
	for p, imps := range graph {
		if isOutside(p) {
			continue
		}
		if isHelper(p) {
			for _, imp := range imps {
				if _, ok := graph[imp]; ok && !isHelper(imp) {
					if _, onFloor := floorOf[imp]; !onFloor {
						out = append(out, fmt.Sprintf("test helper %s imports %s, which has no floor", p, imp))
					}
				}
			}
			continue
		}
		f, ok := floorOf[p]
		if !ok {
			out = append(out, fmt.Sprintf("package %s has no floor: give it one in internal/archtest and docs/architecture.md", p))
			continue
		}
		for _, imp := range imps {
			if _, internal := graph[imp]; !internal {
				continue // standard library or a third-party module
			}
			switch g, onFloor := floorOf[imp]; {
			case isHelper(imp):
				out = append(out, fmt.Sprintf("%s imports the test helper %s", p, imp))
			case isOutside(imp):
				out = append(out, fmt.Sprintf("%s imports %s, which is outside the product", p, imp))
			case !onFloor:
				// reported as unplaced on its own
			case g >= f:
				out = append(out, fmt.Sprintf("%s (floor %d) imports %s (floor %d): an import must go down a floor", p, f, imp, g))
			}
		}
	}
	sort.Strings(out)
	return out
}

// moduleGraph lists the module's packages and their non-test imports,
// relative to the module path.
func moduleGraph(t *testing.T) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-json=ImportPath,Imports", module+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	graph := map[string][]string{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		var imps []string
		for _, imp := range p.Imports {
			if r, ok := strings.CutPrefix(imp, module+"/"); ok {
				imps = append(imps, r)
			}
		}
		graph[rel] = imps
	}
	if len(graph) < 10 {
		t.Fatalf("go list found only %d packages", len(graph))
	}
	return graph
}

func TestLayering(t *testing.T) {
	for _, v := range violations(moduleGraph(t)) {
		t.Error(v)
	}
}

// TestLayeringCatchesViolations plants each kind of bad arrow in a copy of
// the real graph, so the check above is known to fail when it should.
func TestLayeringCatchesViolations(t *testing.T) {
	for _, c := range []struct {
		name string
		from string
		to   string
		want string
	}{
		{"upward", "finding", "rules", "finding (floor 0) imports rules (floor 2)"},
		{"sideways", "scanner", "proxy", "scanner (floor 4) imports proxy (floor 4)"},
		{"into the CLI", "proxy", "internal/cli", "proxy (floor 4) imports internal/cli (floor 5)"},
		{"test helper in production", "rules", "internal/testtool", "rules imports the test helper internal/testtool"},
		{"test generator in production", "scanner", "internal/testgen/phigen", "scanner imports the test helper internal/testgen/phigen"},
		{"unplaced package", "newpkg", "finding", "package newpkg has no floor"},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := moduleGraph(t)
			if _, ok := g[c.to]; !ok {
				g[c.to] = nil
			}
			g[c.from] = append(g[c.from], c.to)
			got := strings.Join(violations(g), "\n")
			if !strings.Contains(got, c.want) {
				t.Errorf("planted %s -> %s; violations:\n%s\nwant one containing %q", c.from, c.to, got, c.want)
			}
		})
	}
}
