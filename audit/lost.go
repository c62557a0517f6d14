package audit

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"time"
)

// lost handles a live segment whose name was deleted or now names another
// file. Without this, appends would go on into the unlinked file and vanish
// with it. The file we hold is still readable: its last record is the true
// head, whoever wrote it. Unless the directory still holds that record (the
// file was replaced by an intact copy) or another writer already recorded
// the loss, a new segment starts with a break record linking to that head,
// so the chain goes on and verification reports what was lost.
func (l *Log) lost(size int64, reason string, now time.Time) error {
	lostSeg := l.seg
	seq, head := l.seq, l.head
	var first uint64
	h := sha256.New()
	if tail, _, err := readTail(l.f, size); err == nil && tail != nil {
		if b, ok := parseBrief(tail, h); ok && b.hashOK {
			seq, head = b.seq, hashString(b.hash)
		}
	}
	if line, err := readFirstLine(l.f); err == nil {
		if b, ok := parseBrief(line, h); ok {
			first = b.seq
		}
	}
	l.closeFile()
	if err := os.MkdirAll(l.dir, 0o700); err != nil {
		return fmt.Errorf("recreate audit directory: %w", err)
	}
	segs, err := listSegments(l.dir)
	if err != nil {
		return err
	}
	if head != "" {
		done, err := accounted(l.dir, segs, lostSeg, head)
		if err != nil {
			return err
		}
		if done {
			return l.refresh(now)
		}
	}
	name := nextGeneration(segs, lostSeg, l.opts.Period.segmentName(now))
	l.seq, l.head = seq, head
	m := &marker{
		Seq: seq + 1, Kind: kindBreak, Timestamp: now.UTC(),
		Segment: name, PrevSegment: lostSeg, Reason: reason,
		LostFirst: first, LostLast: seq, Prev: head,
	}
	return l.createSegmentWith(name, m)
}

// truncated handles a live segment that is shorter than this writer left
// it: its newest records were cut off. The records this writer knew of
// after the file's last remaining one are lost; a new segment starts with a
// break record linking to the head the writer knew, and the truncated file
// stays as it is for verification to report.
func (l *Log) truncated(size int64, now time.Time) error {
	seg := l.seg
	first := uint64(1)
	if tail, _, err := readTail(l.f, size); err == nil && tail != nil {
		if b, ok := parseBrief(tail, sha256.New()); ok {
			first = b.seq + 1
		}
	}
	l.closeFile()
	segs, err := listSegments(l.dir)
	if err != nil {
		return err
	}
	name := nextGeneration(segs, seg, l.opts.Period.segmentName(now))
	m := &marker{
		Seq: l.seq + 1, Kind: kindBreak, Timestamp: now.UTC(),
		Segment: name, PrevSegment: seg, Reason: breakTruncated,
		LostFirst: first, LostLast: l.seq, Prev: l.head,
	}
	return l.createSegmentWith(name, m)
}

// accounted reports whether the segments from lost on hold the record with
// hash head, or a break record that links to it: then nothing this writer
// knew of is missing, or another writer has already recorded the loss.
func accounted(dir string, segs []string, lost, head string) (bool, error) {
	var from []string
	for _, s := range segs {
		if !segmentLess(s, lost) {
			from = append(from, s)
		}
	}
	found := false
	h := sha256.New()
	err := walkLines(dir, from, func(_ lineRef, line []byte, _ bool) error {
		b, ok := parseBrief(line, h)
		if ok && b.hashOK && (hashString(b.hash) == head || b.kind == kindBreak && !b.genesis && hashString(b.prev) == head) {
			found = true
			return errStop
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return false, err
	}
	return found, nil
}
