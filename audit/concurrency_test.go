package audit

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestConcurrentAppendsFromGoroutines(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	const workers, each = 16, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if err := l.Append(testEntry(w*1000 + i)); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	l.Close()
	res := mustVerify(t, dir)
	if !res.OK() || res.Entries != workers*each {
		t.Fatalf("after concurrent appends: ok=%v entries=%d problem=%v", res.OK(), res.Entries, res.Problem)
	}
}

// TestHelperAppendProcess is the child side of the two-process test: it
// runs only when re-executed with PRETENSE_AUDIT_CHILD_DIR set.
func TestHelperAppendProcess(t *testing.T) {
	dir := os.Getenv("PRETENSE_AUDIT_CHILD_DIR")
	if dir == "" {
		return // not a child: nothing to do
	}
	id, _ := strconv.Atoi(os.Getenv("PRETENSE_AUDIT_CHILD_ID"))
	n, _ := strconv.Atoi(os.Getenv("PRETENSE_AUDIT_CHILD_N"))
	l, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for i := range n {
		e := testEntry(id*100000 + i)
		e.Session = fmt.Sprintf("process-%d", id)
		if err := l.Append(e); err != nil {
			t.Fatal(err)
		}
	}
}

func TestConcurrentAppendsFromTwoProcesses(t *testing.T) {
	dir := t.TempDir()
	const n = 300
	var cmds []*exec.Cmd
	for id := range 2 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperAppendProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(),
			"PRETENSE_AUDIT_CHILD_DIR="+dir,
			"PRETENSE_AUDIT_CHILD_ID="+strconv.Itoa(id+1),
			"PRETENSE_AUDIT_CHILD_N="+strconv.Itoa(n))
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	// This process appends too, so three writers interleave.
	l, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if err := l.Append(testEntry(i)); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("child: %v", err)
		}
	}
	res := mustVerify(t, dir)
	if !res.OK() || res.Entries != 3*n {
		t.Fatalf("after two-process appends: ok=%v entries=%d problem=%v", res.OK(), res.Entries, res.Problem)
	}
	perSession := map[string]int{}
	if _, err := Scan(dir, Filter{}, func(e Entry) error { perSession[e.Session]++; return nil }); err != nil {
		t.Fatal(err)
	}
	if perSession["process-1"] != n || perSession["process-2"] != n {
		t.Fatalf("entries per process: %v", perSession)
	}
	interleaved := false
	lines := readLines(t, filepath.Join(dir, mustSegments(t, dir)[0]))
	last := ""
	switches := 0
	for _, ln := range lines[1:] {
		if len(ln) == 0 {
			continue
		}
		e := decodeEntry(t, ln)
		if last != "" && e.Session != last && (e.Session == "process-1" || e.Session == "process-2") {
			switches++
		}
		last = e.Session
	}
	interleaved = switches > 2
	t.Logf("writer switches in the segment: %d (interleaved=%v)", switches, interleaved)
}

func mustSegments(t *testing.T, dir string) []string {
	t.Helper()
	segs, err := listSegments(dir)
	if err != nil || len(segs) == 0 {
		t.Fatalf("segments: %v %v", segs, err)
	}
	return segs
}

// A crash mid-write leaves part of a line. Verify reports it; the next
// writer keeps the bytes, seals them with a recovery record, and the log
// verifies again with the recovery reported.
func TestCrashMidWriteIsDetectedAndSealed(t *testing.T) {
	dir, segs := buildLog(t, 6)
	path := filepath.Join(dir, segs[len(segs)-1])
	// What a crash during write(2) of the next entry leaves behind.
	next := testEntry(6)
	next.Timestamp = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	next.Seq, next.Prev = 99, "x"
	line, _, err := seal(&next)
	if err != nil {
		t.Fatal(err)
	}
	torn := line[:len(line)/2]
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(torn)
	f.Close()
	sizeBefore := fileSize(t, path)

	p := mustVerify(t, dir).Problem
	if p == nil || p.Kind != Torn || p.Segment != segs[len(segs)-1] {
		t.Fatalf("torn write not detected: %v", p)
	}
	n := 0
	skipped, err := Scan(dir, Filter{}, func(Entry) error { n++; return nil })
	if err != nil || skipped.Torn != 1 || n != 6 {
		t.Fatalf("scan of torn log: entries=%d skipped=%+v err=%v", n, skipped, err)
	}

	clk := &fakeClock{t: time.Date(2026, 3, 2, 13, 0, 0, 0, time.UTC)}
	l, err := Open(dir, Options{Period: Daily, Now: clk.Now, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	if rec := l.Recovered(); len(rec) != 1 || rec[0].Offset != sizeBefore-int64(len(torn)) || rec[0].Length != int64(len(torn)) {
		t.Fatalf("recovered: %+v", rec)
	}
	if err := l.Append(testEntry(7)); err != nil {
		t.Fatal(err)
	}
	l.Close()
	data, _ := os.ReadFile(path)
	if !containsBytes(data, torn) {
		t.Fatal("the torn bytes were dropped")
	}
	res := mustVerify(t, dir)
	if !res.OK() || len(res.Recovered) != 1 || res.Entries != 7 {
		t.Fatalf("after recovery: %+v problem=%v", res, res.Problem)
	}
}

// A crash after the whole line but before its newline loses nothing: the
// record is complete and chained, so the next writer just terminates it.
func TestCrashBeforeNewlineKeepsRecord(t *testing.T) {
	dir, segs := buildLog(t, 3)
	path := filepath.Join(dir, segs[len(segs)-1])
	lines := readLines(t, path)
	last := lines[len(lines)-2]
	prev := decodeEntry(t, last)
	e := testEntry(3)
	e.Timestamp = prev.Timestamp.Add(time.Hour)
	e.Seq, e.Prev = prev.Seq+1, prev.Hash
	line, _, _ := seal(&e)
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.Write(line[:len(line)-1])
	f.Close()
	l, err := Open(dir, Options{Period: Daily, NoSync: true, Now: func() time.Time { return e.Timestamp }})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Recovered()) != 0 {
		t.Fatalf("complete record treated as torn: %+v", l.Recovered())
	}
	l.Close()
	res := mustVerify(t, dir)
	if !res.OK() || res.Entries != 4 {
		t.Fatalf("entries=%d problem=%v", res.Entries, res.Problem)
	}
}

func fileSize(t *testing.T, path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

func containsBytes(haystack, needle []byte) bool {
	return len(needle) > 0 && bytes.Contains(haystack, needle)
}

// TestHelperAppendForever is the child of the kill test: it appends until
// killed.
func TestHelperAppendForever(t *testing.T) {
	dir := os.Getenv("PRETENSE_AUDIT_FOREVER_DIR")
	if dir == "" {
		return // not a child
	}
	l, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		if err := l.Append(testEntry(i)); err != nil {
			t.Fatal(err)
		}
		if i == 20 {
			os.WriteFile(filepath.Join(dir, "started"), nil, 0o600)
		}
	}
}

// A writer process killed with SIGKILL mid-stream leaves a log that either
// verifies or has a torn tail; either way the next writer takes over (the
// flock dies with the process) and the chain verifies afterwards.
func TestWriterKilledMidStream(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperAppendForever$", "-test.count=1")
	cmd.Env = append(os.Environ(), "PRETENSE_AUDIT_FOREVER_DIR="+dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(dir, "started")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("child never started appending")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	before := mustVerify(t, dir)
	if !before.OK() && before.Problem.Kind != Torn {
		t.Fatalf("after SIGKILL: %v", before.Problem)
	}
	l, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Append(testEntry(999999)); err != nil {
		t.Fatal(err)
	}
	l.Close()
	after := mustVerify(t, dir)
	if !after.OK() || after.Entries != before.Entries+1 {
		t.Fatalf("next writer: entries %d -> %d, %v", before.Entries, after.Entries, after.Problem)
	}
	t.Logf("child wrote %d entries before SIGKILL", before.Entries)
}

func TestScanCountsSealedTornLineAsTorn(t *testing.T) {
	dir, segs := buildLog(t, 4)
	path := filepath.Join(dir, segs[len(segs)-1])
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.Write([]byte(`{"seq":6,"timestamp":"2026-03-0`))
	f.Close()
	l, err := Open(dir, Options{Period: Daily, NoSync: true, Now: func() time.Time { return time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	n := 0
	stats, err := Scan(dir, Filter{}, func(Entry) error { n++; return nil })
	if err != nil || n != 4 || stats.Torn != 1 || stats.Unreadable != 0 {
		t.Fatalf("entries %d, stats %+v, %v", n, stats, err)
	}
}
