package cli

import (
	"context"
	"io"
	"os"
	"runtime"
	"slices"
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

// Run caps the processors for a directory scan given -j, and only for
// one: a git or stdin scan keeps them all.
func TestRunLimitsProcsForDirScans(t *testing.T) {
	orig := limitProcs
	defer func() { limitProcs = orig }()
	prev := runtime.GOMAXPROCS(4)
	defer runtime.GOMAXPROCS(prev)
	t.Setenv("GOMAXPROCS", "")
	os.Unsetenv("GOMAXPROCS")
	t.Setenv("PRETENSE_HOME", t.TempDir())
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/a.txt", []byte("hello\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		args []string
		want []int // the -j values limitProcs was called with
	}{
		{"directory -j 1", []string{"scan", "-q", "-j", "1", dir}, []int{1}},
		{"directory", []string{"scan", "-q", dir}, []int{0}},
		{"stdin -j 1", []string{"scan", "--stdin", "-q", "-j", "1"}, nil},
	} {
		var calls []int
		limitProcs = func(jobs int) func() {
			calls = append(calls, jobs)
			return orig(jobs)
		}
		Run(context.Background(), tt.args, eofReader{}, io.Discard, io.Discard)
		if !slices.Equal(calls, tt.want) {
			t.Errorf("%s: limitProcs called with %v, want %v", tt.name, calls, tt.want)
		}
		if got := runtime.GOMAXPROCS(0); got != 4 {
			t.Errorf("%s: GOMAXPROCS %d after Run, want 4 restored", tt.name, got)
		}
	}
}
