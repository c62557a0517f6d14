package audit

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrEmpty is returned by Head for a directory that holds no records: it is
// missing, or has no segment files.
var ErrEmpty = errors.New("no audit records")

// Head returns the last record of the log in dir as a Pin (seq and hash),
// read from the end of the newest segment. It does not verify the chain:
// publish the head that 'audit verify' printed, or run verify first. A
// torn last line is skipped, as the next writer will seal it.
func Head(dir string) (Pin, error) {
	segs, err := listSegments(dir)
	if err != nil {
		return Pin{}, err
	}
	if len(segs) == 0 {
		return Pin{}, fmt.Errorf("%s: %w", dir, ErrEmpty)
	}
	name := segs[len(segs)-1]
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return Pin{}, fmt.Errorf("open audit segment: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return Pin{}, fmt.Errorf("stat audit segment: %w", err)
	}
	tail, _, err := readTail(f, fi.Size())
	if err != nil {
		return Pin{}, fmt.Errorf("read audit segment %s: %w", name, err)
	}
	if tail == nil {
		return Pin{}, fmt.Errorf("audit segment %s has no complete record; run 'pretense audit verify'", name)
	}
	b, ok := parseBrief(tail, sha256.New())
	if !ok || !b.hashOK {
		return Pin{}, fmt.Errorf("audit segment %s ends in a record that does not verify; run 'pretense audit verify'", name)
	}
	return Pin{Seq: b.seq, HasSeq: true, Hash: b.hash}, nil
}
