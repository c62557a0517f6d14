package audit

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/gofrs/flock"
)

// Sink receives audit entries. Append must not return until the entry is as
// durable as the sink can make it: the request's response waits for it.
type Sink interface {
	Append(e Entry) error
}

// Options tune a Log. The zero value is the production setting: monthly
// segments, 13 months of retention, every append fdatasync'ed.
type Options struct {
	// Retention is how long entries are kept; zero means DefaultRetention.
	Retention Retention
	// Period is the time one segment covers; empty means Monthly.
	Period Period
	// NoSync skips the per-append fdatasync. Only for tests and benchmarks
	// that measure its cost; never for a real log.
	NoSync bool
	// Now is the clock; nil means time.Now. Tests set it.
	Now func() time.Time
}

// ErrClosed is returned by Append after Close.
var ErrClosed = errors.New("audit log is closed")

// Log is the single writer of one audit directory. It is safe for concurrent
// use, and other processes may hold their own Log on the same directory:
// appends are serialised by an exclusive file lock.
//
// Concurrent appends are group-committed: while one goroutine writes and
// fdatasyncs, later entries queue; the next committer writes the whole
// queue with one write(2) and one fdatasync. Every entry is still on disk
// before its Append returns, but N concurrent requests wait for about two
// syncs instead of N.
type Log struct {
	dir  string
	opts Options
	lock *flock.Flock

	qmu        sync.Mutex
	idle       *sync.Cond // signalled when no goroutine is committing
	pending    []*pendingEntry
	committing bool
	closed     bool
	recovered  []Recovery

	// Owned by the one committing goroutine (or Open/Close).
	f       *os.File // current segment, opened O_APPEND
	seg     string   // its name
	segPath string   // its path, for the per-append identity check
	size    int64    // its size after our last write; differs if another process wrote
	seq     uint64   // seq of the last record in the chain
	head    string   // hash of the last record in the chain
}

// pendingEntry is an entry waiting in the group-commit queue.
type pendingEntry struct {
	e    Entry
	done chan commitResult
}

// commitResult tells a waiting Append its entry's fate, or that it must
// commit the queue itself (lead).
type commitResult struct {
	err  error
	lead bool
}

// Recovery describes a torn line found at the end of a segment when a writer
// took over: the bytes were kept and a recovery record appended after them.
type Recovery struct {
	Segment string `json:"segment"`
	Offset  int64  `json:"offset"`
	Length  int64  `json:"length"`
}

// Open opens (creating if needed) the audit log in dir, recovers a torn last
// line left by a crash, and prunes segments older than the retention period.
func Open(dir string, opts Options) (*Log, error) {
	if opts.Period == "" {
		opts.Period = Monthly
	}
	if opts.Period != Monthly && opts.Period != Daily {
		return nil, fmt.Errorf("open audit log: segment period %q is not month or day", opts.Period)
	}
	if opts.Retention.isZero() {
		opts.Retention = DefaultRetention()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open audit log: %w", err)
	}
	l := &Log{
		dir:  dir,
		opts: opts,
		lock: flock.New(filepath.Join(dir, ".lock"), flock.SetPermissions(0o600)),
	}
	l.idle = sync.NewCond(&l.qmu)
	if err := l.lock.Lock(); err != nil {
		return nil, fmt.Errorf("open audit log: lock %s: %w", dir, err)
	}
	err := l.refresh(opts.Now())
	if err == nil {
		err = l.prune(opts.Now())
	}
	if uerr := l.lock.Unlock(); err == nil && uerr != nil {
		err = fmt.Errorf("unlock audit log: %w", uerr)
	}
	if err != nil {
		l.closeFile()
		return nil, err
	}
	return l, nil
}

// Dir is the directory the log writes to.
func (l *Log) Dir() string { return l.dir }

// Recovered lists the torn lines this Log found and sealed.
func (l *Log) Recovered() []Recovery {
	l.qmu.Lock()
	defer l.qmu.Unlock()
	return append([]Recovery(nil), l.recovered...)
}

// Append adds e to the chain and returns once it is on disk. A zero
// Timestamp is set to now; the timestamp is stored in UTC.
func (l *Log) Append(e Entry) error {
	if err := e.Validate(); err != nil {
		return err
	}
	if e.Timestamp.IsZero() {
		e.Timestamp = l.opts.Now()
	}
	e.Timestamp = e.Timestamp.UTC()
	p := &pendingEntry{e: e, done: make(chan commitResult, 1)}
	l.qmu.Lock()
	if l.closed {
		l.qmu.Unlock()
		return ErrClosed
	}
	l.pending = append(l.pending, p)
	if l.committing {
		l.qmu.Unlock()
		r := <-p.done
		if !r.lead {
			return r.err
		}
		l.qmu.Lock() // handed the queue: commit it
	}
	l.committing = true
	batch := l.pending
	l.pending = nil
	l.qmu.Unlock()

	err := l.commit(batch)
	for _, q := range batch {
		if q != p {
			q.done <- commitResult{err: err}
		}
	}

	l.qmu.Lock()
	if len(l.pending) > 0 {
		// Hand the queue to the oldest waiter rather than committing it
		// here, so this request's latency is one commit, not many.
		l.pending[0].done <- commitResult{lead: true}
	} else {
		l.committing = false
		l.idle.Broadcast()
	}
	l.qmu.Unlock()
	return err
}

// commit writes a batch under the file lock with one write and one sync.
func (l *Log) commit(batch []*pendingEntry) error {
	err := l.lock.Lock()
	if errors.Is(err, fs.ErrNotExist) {
		// The directory was removed under us: recreate it so sync can
		// record the loss instead of failing every append from now on.
		if err = os.MkdirAll(l.dir, 0o700); err == nil {
			err = l.lock.Lock()
		}
	}
	if err != nil {
		return fmt.Errorf("append audit entry: lock: %w", err)
	}
	err = l.commitLocked(batch)
	if uerr := l.lock.Unlock(); err == nil && uerr != nil {
		err = fmt.Errorf("append audit entry: unlock: %w", uerr)
	}
	return err
}

func (l *Log) commitLocked(batch []*pendingEntry) error {
	if err := l.sync(l.opts.Now()); err != nil {
		return err
	}
	seq, head := l.seq, l.head
	var buf []byte
	for _, q := range batch {
		e := &q.e
		e.Seq, e.Prev, e.Hash = seq+1, head, ""
		line, sum, err := seal(e)
		if err != nil {
			return fmt.Errorf("append audit entry: %w", err)
		}
		buf = append(buf, line...)
		seq, head = e.Seq, sum
	}
	if err := l.write(buf); err != nil {
		return fmt.Errorf("append audit entry: %w", err)
	}
	l.seq, l.head = seq, head
	return nil
}

// Close waits for a commit in progress, then releases the segment file.
// Appends after Close fail with ErrClosed.
func (l *Log) Close() error {
	l.qmu.Lock()
	defer l.qmu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	for l.committing {
		l.idle.Wait()
	}
	err := l.closeFile()
	if cerr := l.lock.Close(); err == nil && cerr != nil {
		err = cerr
	}
	return err
}

func (l *Log) closeFile() error {
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}

// sync makes l.f, l.seq and l.head describe the real end of the chain. Called
// with the file lock held. The fast path is two stats: if the segment's name
// still refers to the file we hold (same device and inode), it has the size
// we left it at, and the clock still points at it, nobody else wrote.
func (l *Log) sync(now time.Time) error {
	if l.f != nil {
		fi, err := l.f.Stat()
		if err == nil {
			pfi, perr := os.Stat(l.segPath)
			switch {
			case errors.Is(perr, fs.ErrNotExist):
				return l.lost(fi.Size(), breakDeleted, now)
			case perr == nil && !os.SameFile(fi, pfi):
				return l.lost(fi.Size(), breakReplaced, now)
			case perr == nil && fi.Size() < l.size:
				// Writers only append: a shorter file lost its tail.
				return l.truncated(fi.Size(), now)
			case perr == nil && fi.Size() == l.size && !segmentLess(l.seg, l.opts.Period.segmentName(now)):
				return nil
			}
		}
	}
	before := l.seg
	if err := l.refresh(now); err != nil {
		return err
	}
	if l.seg != before && before != "" {
		// A new segment began: the oldest may have left retention.
		return l.prune(now)
	}
	return nil
}

// prune deletes whole segments that ended before the retention cutoff,
// oldest first, never the segment being written. It first appends a prune
// record naming them and the hash the oldest kept anchor links to, so
// verification can tell retention from someone deleting evidence.
func (l *Log) prune(now time.Time) error {
	if l.opts.Retention.Forever {
		return nil
	}
	segs, err := listSegments(l.dir)
	if err != nil {
		return err
	}
	cutoff := l.opts.Retention.cutoff(now)
	var drop []string
	for _, name := range segs[:max(len(segs)-1, 0)] {
		if _, end, _ := segmentSpan(name); end.After(cutoff) || name == l.seg {
			break
		}
		drop = append(drop, name)
	}
	if len(drop) == 0 {
		return nil
	}
	first, err := readFirstLineOf(filepath.Join(l.dir, segs[len(drop)]))
	if err != nil {
		return fmt.Errorf("prune audit log: %w", err)
	}
	b, ok := parseBrief(first, sha256.New())
	if !ok || b.kind != kindAnchor && b.kind != kindBreak {
		return fmt.Errorf("prune audit log: segment %s does not start with an anchor; run 'pretense audit verify'", segs[len(drop)])
	}
	through := ""
	if !b.genesis {
		through = hashString(b.prev)
	}
	m := &marker{Seq: l.seq + 1, Kind: kindPrune, Timestamp: now.UTC(), Pruned: drop, Through: through, Prev: l.head}
	if err := l.writeRecord(m); err != nil {
		return fmt.Errorf("record audit prune: %w", err)
	}
	for _, name := range drop {
		if err := os.Remove(filepath.Join(l.dir, name)); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("prune audit segment: %w", err)
		}
	}
	if l.opts.NoSync {
		return nil
	}
	return syncDir(l.dir)
}

// readFirstLineOf returns the first line of a file without its newline.
func readFirstLineOf(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	line, err := readFirstLine(f)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", filepath.Base(path), err)
	}
	return line, nil
}

// readFirstLine reads the first line at offset 0 of r, without its newline.
func readFirstLine(r io.ReaderAt) ([]byte, error) {
	br := bufio.NewReader(io.NewSectionReader(r, 0, 1<<62))
	line, err := br.ReadBytes('\n')
	if err != nil && !(err == io.EOF && len(line) > 0) {
		return nil, err
	}
	return bytes.TrimSuffix(line, []byte("\n")), nil
}

// refresh reads the chain head from disk, seals a torn tail and rotates to
// the segment for now when its period has begun.
func (l *Log) refresh(now time.Time) error {
	l.closeFile()
	segs, err := listSegments(l.dir)
	if err != nil {
		return err
	}
	want := l.opts.Period.segmentName(now)
	if len(segs) == 0 {
		l.seq, l.head = 0, ""
		return l.createSegment(want, "", now)
	}
	last := segs[len(segs)-1]
	if err := l.openSegment(last, now); err != nil {
		return err
	}
	// Never go back: if the clock moved backwards, keep writing the newest
	// segment rather than forking the chain into an older one.
	if segmentLess(last, want) {
		l.closeFile()
		return l.createSegment(want, last, now)
	}
	return nil
}

// openSegment opens name for appending and reads its last record.
func (l *Log) openSegment(name string, now time.Time) error {
	path := filepath.Join(l.dir, name)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("open audit segment: %w", err)
	}
	l.f, l.seg, l.segPath = f, name, path
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("stat audit segment: %w", err)
	}
	l.size = fi.Size()
	tail, torn, err := readTail(f, l.size)
	if err != nil {
		return fmt.Errorf("read audit segment %s: %w", name, err)
	}
	if tail == nil {
		return fmt.Errorf("audit segment %s has no complete record; run 'pretense audit verify'", name)
	}
	b, ok := parseBrief(tail, sha256.New())
	if !ok || !b.hashOK {
		return fmt.Errorf("audit segment %s ends in a record that does not verify; run 'pretense audit verify'", name)
	}
	l.seq, l.head = b.seq, hashString(b.hash)
	if torn != nil {
		return l.sealTorn(torn, now)
	}
	return nil
}

// sealTorn deals with bytes after the last newline: a write that a crash cut
// short. A complete, correctly chained record only lost its newline and is
// kept as is; anything else stays in the file, gets a newline, and a recovery
// record names it so that verification reports it rather than a reader
// silently skipping it.
func (l *Log) sealTorn(torn []byte, now time.Time) error {
	offset := l.size - int64(len(torn))
	if b, ok := parseBrief(torn, sha256.New()); ok && b.hashOK && b.seq == l.seq+1 && hashString(b.prev) == l.head {
		if err := l.write([]byte("\n")); err != nil {
			return fmt.Errorf("terminate audit record: %w", err)
		}
		l.seq, l.head = b.seq, hashString(b.hash)
		return nil
	}
	if err := l.write([]byte("\n")); err != nil {
		return fmt.Errorf("terminate torn audit line: %w", err)
	}
	digest := sha256.Sum256(torn)
	m := &marker{
		Seq: l.seq + 1, Kind: kindRecovery, Timestamp: now.UTC(),
		TornOffset: offset, TornLength: int64(len(torn)), TornSHA256: hashString(digest),
		Prev: l.head,
	}
	if err := l.writeRecord(m); err != nil {
		return fmt.Errorf("record torn audit line: %w", err)
	}
	l.qmu.Lock()
	l.recovered = append(l.recovered, Recovery{Segment: l.seg, Offset: offset, Length: int64(len(torn))})
	l.qmu.Unlock()
	return nil
}

// createSegment writes a new segment whose anchor links to the current head.
func (l *Log) createSegment(name, prevSeg string, now time.Time) error {
	return l.createSegmentWith(name, &marker{
		Seq: l.seq + 1, Kind: kindAnchor, Timestamp: now.UTC(),
		Segment: name, PrevSegment: prevSeg, Prev: l.head,
	})
}

// createSegmentWith writes a new segment whose first record is m (an anchor
// or a break). The record goes to a temporary file that is renamed into
// place, so a segment never exists without its first record.
func (l *Log) createSegmentWith(name string, m *marker) error {
	line, sum, err := seal(m)
	if err != nil {
		return err
	}
	path := filepath.Join(l.dir, name)
	tmp, err := os.CreateTemp(l.dir, ".segment-*")
	if err != nil {
		return fmt.Errorf("create audit segment: %w", err)
	}
	cleanup := func() { tmp.Close(); os.Remove(tmp.Name()) }
	if _, err := tmp.Write(line); err != nil {
		cleanup()
		return fmt.Errorf("write audit anchor: %w", err)
	}
	if !l.opts.NoSync {
		if err := tmp.Sync(); err != nil {
			cleanup()
			return fmt.Errorf("sync audit anchor: %w", err)
		}
	}
	if err := tmp.Chmod(0o600); err != nil {
		cleanup()
		return fmt.Errorf("create audit segment: %w", err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("create audit segment: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("create audit segment: %w", err)
	}
	if !l.opts.NoSync {
		if err := syncDir(l.dir); err != nil {
			return err
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("open audit segment: %w", err)
	}
	l.f, l.seg, l.segPath, l.size = f, name, path, int64(len(line))
	l.seq, l.head = m.Seq, sum
	return nil
}

// writeRecord seals v, appends it and advances the head.
func (l *Log) writeRecord(v any) error {
	line, sum, err := seal(v)
	if err != nil {
		return err
	}
	if err := l.write(line); err != nil {
		return err
	}
	l.seq++
	l.head = sum
	return nil
}

// write appends p with a single write(2) and makes it durable. On failure the
// file is dropped so the next append re-reads (and if needed seals) the tail.
func (l *Log) write(p []byte) error {
	n, err := l.f.Write(p)
	if err == nil && !l.opts.NoSync {
		err = datasync(l.f)
	}
	if err != nil {
		l.closeFile()
		return fmt.Errorf("write %s: %w", l.seg, err)
	}
	l.size += int64(n)
	return nil
}

// readTail returns the last complete line of a file of the given size
// (without its newline) and any bytes after it (a torn write).
func readTail(r io.ReaderAt, size int64) (last, torn []byte, err error) {
	if size == 0 {
		return nil, nil, nil
	}
	chunk := int64(4096)
	for {
		if chunk > size {
			chunk = size
		}
		buf := make([]byte, chunk)
		if _, err := r.ReadAt(buf, size-chunk); err != nil && err != io.EOF {
			return nil, nil, err
		}
		end := bytes.LastIndexByte(buf, '\n')
		if end < 0 {
			if chunk == size {
				return nil, buf, nil // no newline at all: all torn
			}
			chunk *= 2
			continue
		}
		torn = nil
		if end != len(buf)-1 {
			torn = buf[end+1:]
		}
		start := bytes.LastIndexByte(buf[:end], '\n')
		if start < 0 && chunk < size {
			chunk *= 2
			torn = nil
			continue
		}
		return buf[start+1 : end], torn, nil
	}
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync audit directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync audit directory: %w", err)
	}
	return nil
}
