package audit

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ProblemKind says how the chain was broken.
type ProblemKind string

// The ways a chain breaks.
const (
	Edited    ProblemKind = "edited"    // a record's bytes no longer match its hash, or were rehashed
	Removed   ProblemKind = "removed"   // records are missing between two that remain
	Reordered ProblemKind = "reordered" // a record appears before the one it follows
	Inserted  ProblemKind = "inserted"  // a record that is not part of the chain
	Torn      ProblemKind = "torn"      // an incomplete line: a write cut short, not yet sealed
)

// Problem names the first place the chain does not hold.
type Problem struct {
	Kind    ProblemKind
	Segment string // segment file name
	Line    int    // 1-based line in Segment
	Seq     uint64 // seq of the record named; for Removed, the first missing seq
	Missing uint64 // for Removed: how many seqs are missing (0 when unknown)
	Entry   *Entry // the entry named, when the line is a readable entry
	Detail  string
}

func (p *Problem) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s line %d", p.Kind, p.Segment, p.Line)
	if p.Seq != 0 {
		fmt.Fprintf(&b, " (seq %d", p.Seq)
		if p.Entry != nil {
			fmt.Fprintf(&b, ", request %s at %s", p.Entry.RequestID, p.Entry.Timestamp.Format("2006-01-02T15:04:05Z07:00"))
		}
		b.WriteString(")")
	}
	if p.Detail != "" {
		b.WriteString(": ")
		b.WriteString(p.Detail)
	}
	return b.String()
}

// VerifyResult is what Verify found.
type VerifyResult struct {
	Dir       string
	Segments  int
	Records   int    // every line: anchors, recoveries, prunes and entries
	Entries   int    // entry records
	FirstSeq  uint64 // first record checked
	LastSeq   uint64
	Head      string     // hash of the last record: publish it to pin the tail
	Recovered []Recovery // torn lines a writer sealed with a recovery record
	Pruned    []string   // segments deleted by retention, from prune records
	Problem   *Problem   // nil when the chain holds
}

// OK reports whether the chain holds.
func (r *VerifyResult) OK() bool { return r.Problem == nil }

// lineRef locates a line.
type lineRef struct {
	seg    int
	line   int
	offset int64
}

// located is a parsed line and where it is.
type located struct {
	brief
	lineRef
}

// lineVisitor is called for every line of the log in order. line excludes
// the newline; terminated is false for a final line with no newline.
type lineVisitor func(ref lineRef, line []byte, terminated bool) error

var errStop = errors.New("stop")

// walkLines streams every line of the given segments.
func walkLines(dir string, segs []string, visit lineVisitor) error {
	var long []byte
	for si, name := range segs {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			return fmt.Errorf("open audit segment: %w", err)
		}
		br := bufio.NewReaderSize(f, 1<<20)
		var off int64
		for n := 1; ; n++ {
			line, err := br.ReadSlice('\n')
			if errors.Is(err, bufio.ErrBufferFull) {
				long = append(long[:0], line...)
				for errors.Is(err, bufio.ErrBufferFull) {
					line, err = br.ReadSlice('\n')
					long = append(long, line...)
				}
				line = long
			}
			if err != nil && err != io.EOF {
				f.Close()
				return fmt.Errorf("read audit segment %s: %w", name, err)
			}
			if len(line) == 0 {
				break
			}
			terminated := line[len(line)-1] == '\n'
			body := line
			if terminated {
				body = line[:len(line)-1]
			}
			if verr := visit(lineRef{seg: si, line: n, offset: off}, body, terminated); verr != nil {
				f.Close()
				return verr
			}
			off += int64(len(line))
			if err == io.EOF {
				break
			}
		}
		f.Close()
	}
	return nil
}

// Verify checks the whole chain in dir: every record's hash, every link, the
// anchors at segment starts, recoveries of torn lines, and that segments
// missing at the start were deleted by retention. It returns an error only
// when the log cannot be read; a broken chain is a Problem in the result.
func Verify(dir string) (*VerifyResult, error) {
	segs, err := listSegments(dir)
	if err != nil {
		return nil, err
	}
	res := &VerifyResult{Dir: dir, Segments: len(segs)}
	var (
		h          = sha256.New()
		prev       brief
		havePrev   bool
		firstPrev  string // prev of the very first anchor, when not genesis
		through    = map[string]bool{}
		pending    *located // an unparseable line awaiting its recovery record
		pendingSum [sha256.Size]byte
		pendingLen int64
		breakAt    *lineRef
		problem    *Problem
	)
	fail := func(p *Problem) error { problem = p; return errStop }
	emptySeg := func(i int) *Problem {
		return &Problem{Kind: Removed, Segment: segs[i], Line: 1,
			Detail: "the segment file is empty: every record in it, its anchor included, was removed"}
	}
	lastSeg := -1 // last segment index that had a line
	visit := func(ref lineRef, line []byte, terminated bool) error {
		name := segs[ref.seg]
		if ref.seg > lastSeg+1 {
			return fail(emptySeg(lastSeg + 1))
		}
		lastSeg = ref.seg
		if !terminated {
			return fail(&Problem{Kind: Torn, Segment: name, Line: ref.line,
				Detail: fmt.Sprintf("the line is incomplete (%d bytes, no newline): a write cut short by a crash or truncation", len(line))})
		}
		b, ok := parseBrief(line, h)
		if pending != nil {
			if !ok || b.kind != kindRecovery {
				return fail(&Problem{Kind: Edited, Segment: segs[pending.seg], Line: pending.line,
					Detail: "the line is not a valid audit record"})
			}
		}
		if !ok {
			// Could be a torn write sealed by a later writer: wait for the
			// recovery record before calling it an edit.
			pending = &located{lineRef: ref}
			pendingSum = sha256.Sum256(line)
			pendingLen = int64(len(line))
			return nil
		}
		if !b.hashOK {
			return fail(&Problem{Kind: Edited, Segment: name, Line: ref.line, Seq: b.seq,
				Detail: "the record's content does not match its hash"})
		}
		if pending != nil {
			var m marker
			if err := json.Unmarshal(line, &m); err != nil || m.TornOffset != pending.offset || m.TornLength != pendingLen || m.TornSHA256 != hashString(pendingSum) || pending.seg != ref.seg {
				return fail(&Problem{Kind: Edited, Segment: segs[pending.seg], Line: pending.line,
					Detail: "the line is not a valid audit record, and the recovery record after it does not describe it"})
			}
			res.Recovered = append(res.Recovered, Recovery{Segment: segs[pending.seg], Offset: m.TornOffset, Length: m.TornLength})
			pending = nil
		}
		if havePrev {
			if b.genesis || b.prev != prev.hash || b.seq != prev.seq+1 {
				r := ref
				breakAt = &r
				return errStop
			}
		} else {
			res.FirstSeq = b.seq
			if !b.genesis {
				firstPrev = hashString(b.prev)
			}
		}
		if ref.line == 1 || b.kind == kindAnchor {
			if p := checkAnchor(line, b, ref, name); p != nil {
				return fail(p)
			}
		}
		switch b.kind {
		case "":
			res.Entries++
		case kindPrune:
			var m marker
			if err := json.Unmarshal(line, &m); err != nil {
				return fail(&Problem{Kind: Edited, Segment: name, Line: ref.line, Seq: b.seq, Detail: "unreadable prune record"})
			}
			through[m.Through] = true
			res.Pruned = append(res.Pruned, m.Pruned...)
		}
		res.Records++
		prev, havePrev = b, true
		return nil
	}
	if err := walkLines(dir, segs, visit); err != nil && !errors.Is(err, errStop) {
		return nil, err
	}
	if problem == nil && breakAt == nil && lastSeg < len(segs)-1 {
		problem = emptySeg(lastSeg + 1)
	}
	switch {
	case problem != nil:
		res.Problem = problem
	case breakAt != nil:
		p, err := classify(dir, segs, *breakAt)
		if err != nil {
			return nil, err
		}
		res.Problem = p
	case pending != nil:
		res.Problem = &Problem{Kind: Edited, Segment: segs[pending.seg], Line: pending.line,
			Detail: "the line is not a valid audit record"}
	case firstPrev != "" && !through[firstPrev]:
		res.Problem = &Problem{Kind: Removed, Segment: segs[0], Line: 1, Seq: res.FirstSeq,
			Detail: "the log starts mid-chain and no prune record accounts for the segments before it: they were deleted outside retention"}
	}
	if havePrev {
		res.LastSeq = prev.seq
		res.Head = hashString(prev.hash)
	}
	if res.Problem != nil && res.Problem.Entry == nil && res.Problem.Kind != Removed && res.Problem.Kind != Torn {
		res.Problem.Entry = readEntryAt(dir, res.Problem.Segment, res.Problem.Line)
	}
	return res, nil
}

// checkAnchor checks that a segment starts with its own anchor and that
// anchors appear only at segment starts.
func checkAnchor(line []byte, b brief, ref lineRef, name string) *Problem {
	if b.kind != kindAnchor {
		return &Problem{Kind: Removed, Segment: name, Line: ref.line, Seq: b.seq,
			Detail: "the segment does not start with its anchor record"}
	}
	if ref.line != 1 {
		return &Problem{Kind: Inserted, Segment: name, Line: ref.line, Seq: b.seq,
			Detail: "a segment anchor in the middle of a segment"}
	}
	var m marker
	if err := json.Unmarshal(line, &m); err != nil || m.Segment != name {
		return &Problem{Kind: Edited, Segment: name, Line: ref.line, Seq: b.seq,
			Detail: fmt.Sprintf("the anchor names segment %q: the file was renamed or copied", m.Segment)}
	}
	return nil
}

// classify reads the whole log again and works out what kind of change broke
// the chain at the record at ref. It runs only on failure, so it may hold
// every record's digests in memory.
func classify(dir string, segs []string, at lineRef) (*Problem, error) {
	var recs []located
	h := sha256.New()
	err := walkLines(dir, segs, func(ref lineRef, line []byte, _ bool) error {
		if b, ok := parseBrief(line, h); ok {
			recs = append(recs, located{brief: b, lineRef: ref})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	i := 0
	for i < len(recs) && recs[i].lineRef != at {
		i++
	}
	if i == 0 || i == len(recs) {
		return &Problem{Kind: Edited, Segment: segs[at.seg], Line: at.line, Detail: "the record does not link to the one before it"}, nil
	}
	first := map[[sha256.Size]byte]int{}
	referenced := map[[sha256.Size]byte][]int{}
	for k, r := range recs {
		if _, dup := first[r.hash]; !dup {
			first[r.hash] = k
		}
		if !r.genesis {
			referenced[r.prev] = append(referenced[r.prev], k)
		}
	}
	R, P := recs[i], recs[i-1]
	named := func(kind ProblemKind, r located, detail string) *Problem {
		return &Problem{Kind: kind, Segment: segs[r.seg], Line: r.line, Seq: r.seq, Detail: detail}
	}
	laterRef := func(hash [sha256.Size]byte, after int) bool {
		for _, k := range referenced[hash] {
			if k > after {
				return true
			}
		}
		return false
	}
	if j := first[R.hash]; j < i {
		return named(Inserted, R, fmt.Sprintf("the record is a copy of %s line %d", segs[recs[j].seg], recs[j].line)), nil
	}
	if !R.genesis && R.prev == P.hash {
		return named(Edited, R, fmt.Sprintf("seq %d follows seq %d: the record was changed and rehashed", R.seq, P.seq)), nil
	}
	if i < len(recs)-1 && laterRef(P.hash, i) && len(referenced[R.hash]) == 0 {
		return named(Inserted, R, "the record is not part of the chain: the next records link past it"), nil
	}
	if j, ok := first[R.prev]; ok && !R.genesis {
		if j > i {
			return named(Reordered, R, fmt.Sprintf("seq %d appears before seq %d (%s line %d), which it follows", R.seq, recs[j].seq, segs[recs[j].seg], recs[j].line)), nil
		}
		x := recs[j+1]
		return named(Inserted, x, fmt.Sprintf("the record is not part of the chain: %s line %d links past it", segs[R.seg], R.line)), nil
	}
	switch {
	case R.genesis:
		return named(Inserted, R, "a second chain start in the middle of the log"), nil
	case R.seq == P.seq+1:
		return named(Edited, P, fmt.Sprintf("the next record (seq %d) links to different content: this record was changed and rehashed", R.seq)), nil
	case R.seq > P.seq+1:
		detail := fmt.Sprintf("seq %d to %d are missing between seq %d and seq %d", P.seq+1, R.seq-1, P.seq, R.seq)
		if P.seq+1 == R.seq-1 {
			detail = fmt.Sprintf("seq %d is missing between seq %d and seq %d", P.seq+1, P.seq, R.seq)
		}
		if R.kind == kindAnchor {
			detail += "; the anchor of " + segs[R.seg] + " links to a record that is gone"
		}
		return &Problem{Kind: Removed, Segment: segs[R.seg], Line: R.line, Seq: P.seq + 1, Missing: R.seq - P.seq - 1, Detail: detail}, nil
	default:
		return named(Inserted, R, fmt.Sprintf("seq %d after seq %d does not link to the chain", R.seq, P.seq)), nil
	}
}

// readEntryAt decodes the entry on a given line, or nil.
func readEntryAt(dir, seg string, line int) *Entry {
	var found *Entry
	_ = walkLines(dir, []string{seg}, func(ref lineRef, b []byte, _ bool) error {
		if ref.line < line {
			return nil
		}
		var e Entry
		if bytes.Contains(b, []byte(`"kind":`)) || json.Unmarshal(b, &e) != nil {
			return errStop
		}
		found = &e
		return errStop
	})
	return found
}
