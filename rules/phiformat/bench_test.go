package phiformat

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkDetectGoSource measures what format detection costs on a code
// tree with no patient data (a slice of Go's own source): it runs on every
// file in --phi-mode, so it must stay a small part of a scan.
func BenchmarkDetectGoSource(b *testing.B) {
	var files [][]byte
	total := 0
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		b.Skipf("go env GOROOT: %v", err)
	}
	root := filepath.Join(strings.TrimSpace(string(out)), "src", "net")
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if data, err := os.ReadFile(p); err == nil {
				files = append(files, data)
				total += len(data)
			}
		}
		return nil
	})
	if len(files) == 0 {
		b.Skip("no Go source tree")
	}
	b.SetBytes(int64(total))
	b.ResetTimer()
	for range b.N {
		for _, f := range files {
			Read(f)
		}
	}
}
