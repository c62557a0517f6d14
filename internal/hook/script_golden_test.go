package hook

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden hook scripts in testdata/")

// TestScriptGolden pins the hook text, so any change to what runs before
// every commit shows up in review as a diff of testdata/*.golden.
func TestScriptGolden(t *testing.T) {
	tests := []struct {
		name string
		opts Options
	}{
		{"default", Options{Binary: "/usr/local/bin/pretense"}},
		{"phi-strict-baseline", Options{Binary: "/home/dev/go/bin/pretense", PHIMode: "strict", Baseline: "ci/pretense-baseline.json"}},
		{"path-fallback", Options{PHIMode: "off"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Script(tt.opts)
			golden := filepath.Join("testdata", tt.name+".golden")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/hook -run TestScriptGolden -update)", err)
			}
			if string(got) != string(want) {
				t.Errorf("hook script changed; if intended, rerun with -update\n--- got\n%s\n--- want\n%s", got, want)
			}
		})
	}
}
