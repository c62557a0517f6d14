package phigen

import (
	"fmt"
	"strings"
)

// Source generates a source tree of about size bytes for benchmarks: Go,
// TypeScript and Python files full of the numbers ordinary code holds
// (ports, timeouts, epoch timestamps, hashes, versions, dates in logs, test
// ids) and, one file in twenty, a healthcare fixture from Corpus, so a
// benchmark sees both the common case and files dense with PHI context.
func (g *Gen) Source(size int) []File {
	var files []File
	total := 0
	for i := 0; total < size; i++ {
		var f File
		if i%20 == 19 {
			c := g.Corpus(1)
			f = c.Files[i%len(c.Files)]
			f.Path = fmt.Sprintf("pkg%03d/%s", i/100, f.Path)
		} else {
			f = g.codeFile(i)
		}
		files = append(files, f)
		total += len(f.Content)
	}
	return files
}

var identWords = []string{"user", "order", "cache", "request", "handler", "store", "event", "queue", "config",
	"token", "session", "record", "item", "batch", "worker", "index", "client", "buffer", "metric", "route"}

func (g *Gen) ident() string {
	a, b := g.pick(identWords), g.pick(identWords)
	return a + strings.ToUpper(b[:1]) + b[1:]
}

func (g *Gen) hex(n int) string {
	const h = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = h[g.r.IntN(16)]
	}
	return string(b)
}

func (g *Gen) codeFile(i int) File {
	var b strings.Builder
	lines := 150 + g.r.IntN(250)
	switch i % 3 {
	case 0:
		fmt.Fprintf(&b, "package pkg%d\n\nimport (\n\t\"context\"\n\t\"time\"\n)\n\n", i)
		for range lines / 6 {
			id := g.ident()
			fmt.Fprintf(&b, "// %s handles the %s flow; see issue #%d.\n", id, g.pick(identWords), 1000+g.r.IntN(9000))
			fmt.Fprintf(&b, "func %s(ctx context.Context, id int64) (int, error) {\n", id)
			fmt.Fprintf(&b, "\tconst maxRetries, port = %d, %d\n", 1+g.r.IntN(9), 1024+g.r.IntN(60000))
			fmt.Fprintf(&b, "\tdeadline := time.Unix(%s, 0).Add(%d * time.Millisecond)\n", g.Timestamp(), g.r.IntN(5000))
			fmt.Fprintf(&b, "\tsum := %q // sha256 of the fixture, build %s\n", g.hex(64), g.Version())
			fmt.Fprintf(&b, "\treturn s.store.Get(ctx, %q, id*%d, deadline)\n}\n\n", g.pick(identWords), g.r.IntN(100000))
		}
	case 1:
		fmt.Fprintf(&b, "import { %s } from \"./%s\";\n\n", g.ident(), g.pick(identWords))
		for range lines / 5 {
			id := g.ident()
			fmt.Fprintf(&b, "export async function %s(req: Request): Promise<number> {\n", id)
			fmt.Fprintf(&b, "  const created = new Date(\"%s\"); // %s\n", g.ISOTime(), g.pick(identWords))
			fmt.Fprintf(&b, "  const id = \"%s-%s-%s\";\n", g.hex(8), g.hex(4), g.hex(12))
			fmt.Fprintf(&b, "  return fetch(`/api/v%d/%s/${req.id}?limit=%d&ts=%s`).then((r) => r.status);\n}\n\n", 1+g.r.IntN(3), g.pick(identWords), 10+g.r.IntN(990), g.Timestamp())
		}
	default:
		fmt.Fprintf(&b, "\"\"\"Module %d: %s helpers.\"\"\"\nimport logging\n\nlog = logging.getLogger(__name__)\n\n", i, g.pick(identWords))
		for range lines / 5 {
			fmt.Fprintf(&b, "def %s(self, count=%d):\n", strings.ToLower(g.ident()), g.r.IntN(1000))
			fmt.Fprintf(&b, "    log.info(\"processed %%d %s at %s\", count)\n", g.pick(identWords), g.ISOTime())
			fmt.Fprintf(&b, "    self.assertEqual(self.total(), %d.%02d)  # order %s\n", g.r.IntN(100000), g.r.IntN(100), g.Order())
			fmt.Fprintf(&b, "    return self.client.get(\"/v2/%s/%d\", timeout=%d)\n\n", g.pick(identWords), g.r.IntN(1000000), 5+g.r.IntN(60))
		}
	}
	ext := []string{"go", "ts", "py"}[i%3]
	return File{Path: fmt.Sprintf("pkg%03d/file_%d.%s", i/100, i, ext), Content: b.String()}
}
