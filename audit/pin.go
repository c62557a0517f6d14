package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Break is a break record: a writer found the segment it was appending to
// deleted or replaced, and started Segment. The records LostFirst..LostLast
// it had written there are not in the directory any more (unless an
// attacker put forged ones in their place).
type Break struct {
	Segment     string    `json:"segment"` // the segment the break record starts
	Line        int       `json:"line"`
	Seq         uint64    `json:"seq"`
	Timestamp   time.Time `json:"timestamp"`
	Reason      string    `json:"reason"` // deleted or replaced
	LostSegment string    `json:"lostSegment"`
	LostFirst   uint64    `json:"lostFirst"`
	LostLast    uint64    `json:"lostLast"`
}

func (b Break) String() string {
	what := "was deleted"
	switch b.Reason {
	case breakReplaced:
		what = "was replaced by another file"
	case breakTruncated:
		what = "was truncated"
	}
	seqs := fmt.Sprintf("seq %d..%d", b.LostFirst, b.LostLast)
	if b.LostFirst == 0 || b.LostFirst > b.LostLast {
		seqs = fmt.Sprintf("records up to seq %d", b.LostLast)
	}
	return fmt.Sprintf("%s %s while a writer used it (noticed %s); %s written to it are lost; the chain goes on in %s",
		b.LostSegment, what, b.Timestamp.UTC().Format(time.RFC3339), seqs, b.Segment)
}

// Pin is a head published earlier (from 'pretense audit head'): the hash of
// a record, and its seq when known. Written SEQ:HASH, or HASH alone.
type Pin struct {
	Seq    uint64
	HasSeq bool
	Hash   [sha256.Size]byte
}

// ParsePin reads SEQ:HASH or HASH (64 hex digits).
func ParsePin(s string) (Pin, error) {
	var p Pin
	s = strings.TrimSpace(s)
	h := s
	if seq, rest, ok := strings.Cut(s, ":"); ok {
		n, err := strconv.ParseUint(seq, 10, 64)
		if err != nil || n == 0 {
			return p, fmt.Errorf("pinned head %q: want SEQ:HASH or HASH, and SEQ a positive number", s)
		}
		p.Seq, p.HasSeq, h = n, true, rest
	}
	if len(h) != hex.EncodedLen(sha256.Size) {
		return p, fmt.Errorf("pinned head %q: the hash must be %d hex digits", s, hex.EncodedLen(sha256.Size))
	}
	if _, err := hex.Decode(p.Hash[:], []byte(strings.ToLower(h))); err != nil {
		return p, fmt.Errorf("pinned head %q: the hash must be %d hex digits", s, hex.EncodedLen(sha256.Size))
	}
	return p, nil
}

// String is the SEQ:HASH (or HASH) form ParsePin reads.
func (p Pin) String() string {
	if p.HasSeq {
		return strconv.FormatUint(p.Seq, 10) + ":" + hashString(p.Hash)
	}
	return hashString(p.Hash)
}

// PinResult says whether the chain holds a pinned head, and where.
type PinResult struct {
	Pin
	Found   bool
	Segment string
	Line    int

	differs *Problem // a record sits at the pinned seq with another hash
}

// pinProblem explains a pinned head that the chain does not hold.
func (v *verifier) pinProblem() *Problem {
	pin := v.res.Pin
	last := ""
	if len(v.segs) > 0 {
		last = v.segs[len(v.segs)-1]
	}
	switch {
	case pin.differs != nil:
		return pin.differs
	case v.res.Records == 0:
		return &Problem{Kind: Removed, Segment: last, Detail: "the pinned head " + pin.Pin.String() + " is not in the log: the log has no records"}
	case pin.HasSeq && pin.Seq > v.res.LastSeq:
		return &Problem{Kind: Removed, Segment: last, Seq: v.res.LastSeq + 1, Missing: pin.Seq - v.res.LastSeq,
			Detail: fmt.Sprintf("the log ends at seq %d, before the pinned head %s: its newest records were removed", v.res.LastSeq, pin.Pin.String())}
	case pin.HasSeq && pin.Seq < v.res.FirstSeq:
		return &Problem{Kind: Removed, Segment: v.segs[0], Seq: pin.Seq,
			Detail: fmt.Sprintf("the log starts at seq %d, after the pinned head %s: the records up to it were removed (by retention or otherwise); it cannot be checked, pin a newer head", v.res.FirstSeq, pin.Pin.String())}
	}
	return &Problem{Kind: Removed, Segment: last,
		Detail: "the pinned head " + pin.Pin.String() + " is not in the log: the records up to it were removed, or the log was rewritten and re-hashed"}
}
