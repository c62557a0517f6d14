package cli

import (
	"context"
	"io"
	"runtime/debug"
	"testing"
)

// PauseGC holds collection off until a command has set up, then gives
// back the setting it found, for every command.
func TestPauseGC(t *testing.T) {
	defer func() { resumeGC = func() {} }()
	orig := debug.SetGCPercent(150)
	defer debug.SetGCPercent(orig)
	for _, args := range [][]string{{"version"}, {"scan", "--stdin", "-q"}, {"config", "list"}} {
		PauseGC()
		if got := debug.SetGCPercent(-1); got != -1 {
			t.Fatalf("%v: GC percent %d after PauseGC, want -1", args, got)
		}
		t.Setenv("PRETENSE_HOME", t.TempDir())
		Run(context.Background(), args, eofReader{}, io.Discard, io.Discard)
		if got := debug.SetGCPercent(150); got != 150 {
			t.Errorf("%v: GC percent %d after the command, want 150 back", args, got)
		}
	}
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }
