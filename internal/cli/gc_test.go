package cli

import (
	"context"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
)

// PauseGC holds collection off until a command has set up, then gives
// back the setting it found x firstGCScale until a collection has run, and
// the setting itself after that, for every command.
func TestPauseGC(t *testing.T) {
	defer func() { resumeGC = func() {} }()
	orig := debug.SetGCPercent(150)
	defer debug.SetGCPercent(orig)
	for _, args := range [][]string{{"version"}, {"scan", "--stdin", "-q"}, {"config", "list"}} {
		PauseGC()
		if got := gcPercent(); got != -1 {
			t.Fatalf("%v: GC percent %d after PauseGC, want -1", args, got)
		}
		t.Setenv("PRETENSE_HOME", t.TempDir())
		Run(context.Background(), args, eofReader{}, io.Discard, io.Discard)
		if got, want := gcPercent(), 150*firstGCScale; got != want {
			t.Errorf("%v: GC percent %d after the command, want %d until a collection", args, got, want)
		}
		if got := percentAfterGC(t); got != 150 {
			t.Errorf("%v: GC percent %d after a collection, want 150 back", args, got)
		}
	}
}

// A directory scan resumes at dirScanGCPercent with its first goal
// scaled by dirScanFirstGCScale, unless GOGC is set in the environment;
// other scans at the setting found, scaled by firstGCScale.
func TestPauseGCDirScan(t *testing.T) {
	defer func() { resumeGC, resumeGCAt = func() {}, func(int, int) {} }()
	orig := debug.SetGCPercent(150)
	defer debug.SetGCPercent(orig)
	dir := t.TempDir()
	for _, tt := range []struct {
		name  string
		env   string // GOGC, "" unset
		args  []string
		want  int
		scale int // of the first goal
	}{
		{"directory", "", []string{"scan", "-q", dir}, dirScanGCPercent, dirScanFirstGCScale},
		{"directory, GOGC set", "150", []string{"scan", "-q", dir}, 150, firstGCScale},
		{"stdin", "", []string{"scan", "--stdin", "-q"}, 150, firstGCScale},
	} {
		if tt.env != "" {
			t.Setenv("GOGC", tt.env)
		} else {
			// t.Setenv restores the variable at the end; unset it here.
			t.Setenv("GOGC", "")
			os.Unsetenv("GOGC")
		}
		debug.SetGCPercent(150)
		PauseGC()
		t.Setenv("PRETENSE_HOME", t.TempDir())
		Run(context.Background(), tt.args, eofReader{}, io.Discard, io.Discard)
		if got, want := gcPercent(), tt.want*tt.scale; got != want {
			t.Errorf("%s: GC percent %d after the command, want %d until a collection", tt.name, got, want)
		}
		if got := percentAfterGCFrom(t, tt.want*tt.scale); got != tt.want {
			t.Errorf("%s: GC percent %d after a collection, want %d", tt.name, got, tt.want)
		}
	}
}

// GOGC=off (and 0) is given back as it was, with no first-goal scaling.
func TestResumeAfterSetupOff(t *testing.T) {
	orig := debug.SetGCPercent(100)
	defer debug.SetGCPercent(orig)
	for _, prev := range []int{-1, 0} {
		debug.SetGCPercent(-1)
		resumeAfterSetup(prev, firstGCScale)
		if got := gcPercent(); got != prev {
			t.Errorf("resume with %d: GC percent %d", prev, got)
		}
	}
}

// gcPercent reads the GC percent without setting it (so without racing
// the finalizer that sets it back); GOGC=off reads as -1.
func gcPercent() int {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		panic("no /gc/gogc:percent metric")
	}
	// The runtime reports off as its internal -1 in a uint64.
	return int(int64(s[0].Value.Uint64()))
}

// percentAfterGC runs collections until the sentinel's finalizer has had
// its chance to run, and returns the GC percent then.
func percentAfterGC(t *testing.T) int {
	t.Helper()
	return percentAfterGCFrom(t, 150*firstGCScale)
}

// percentAfterGCFrom is percentAfterGC for a command that resumed at
// scaled.
func percentAfterGCFrom(t *testing.T, scaled int) int {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
		if p := gcPercent(); p != scaled || time.Now().After(deadline) {
			return p
		}
	}
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }
