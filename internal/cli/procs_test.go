package cli

import (
	"os"
	"runtime"
	"testing"
)

// limitProcs caps GOMAXPROCS at -j below the processors, leaves it when
// -j is unset, not below, or GOMAXPROCS is set, and restores it.
func TestLimitProcs(t *testing.T) {
	orig := runtime.GOMAXPROCS(4)
	defer runtime.GOMAXPROCS(orig)
	for _, tt := range []struct {
		name string
		env  string // GOMAXPROCS, "" unset
		jobs int
		want int
	}{
		{"-j 1", "", 1, 1},
		{"-j 3", "", 3, 3},
		{"-j unset", "", 0, 4},
		{"-j 4", "", 4, 4},
		{"-j above the processors", "", 9, 4},
		{"GOMAXPROCS set", "4", 1, 4},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("GOMAXPROCS", tt.env)
			if tt.env == "" {
				os.Unsetenv("GOMAXPROCS")
			}
			restore := limitProcs(tt.jobs)
			if got := runtime.GOMAXPROCS(0); got != tt.want {
				t.Errorf("during the scan GOMAXPROCS = %d, want %d", got, tt.want)
			}
			restore()
			if got := runtime.GOMAXPROCS(0); got != 4 {
				t.Errorf("after the scan GOMAXPROCS = %d, want 4 restored", got)
			}
		})
	}
}
