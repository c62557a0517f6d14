package audit

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
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
	Lost      ProblemKind = "lost"      // a writer found its live segment deleted or replaced: records are gone
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
	Breaks    []Break    // live segments a writer found deleted or replaced
	Restarts  []int      // streams: lines where a new chain starts (a writer restarted)
	MidChain  bool       // streams: the first record links to one not in the stream
	Pin       *PinResult // the pinned head, when one was given
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
		// Big segments read in 1 MiB; a small one needs no more than
		// its size (daily segments, tests, the fuzzer).
		size := 1 << 20
		if fi, err := f.Stat(); err == nil && fi.Size() < int64(size) {
			size = max(int(fi.Size())+1, 4096)
		}
		err = walkReader(f, size, si, name, &long, visit)
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// walkReader streams the lines of one source, numbered as source si.
func walkReader(r io.Reader, bufSize, si int, name string, long *[]byte, visit lineVisitor) error {
	br := bufio.NewReaderSize(r, bufSize)
	var off int64
	for n := 1; ; n++ {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			*long = append((*long)[:0], line...)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = br.ReadSlice('\n')
				*long = append(*long, line...)
			}
			line = *long
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("read audit %s: %w", name, err)
		}
		if len(line) == 0 {
			return nil
		}
		terminated := line[len(line)-1] == '\n'
		body := line
		if terminated {
			body = line[:len(line)-1]
		}
		if verr := visit(lineRef{seg: si, line: n, offset: off}, body, terminated); verr != nil {
			return verr
		}
		off += int64(len(line))
		if err == io.EOF {
			return nil
		}
	}
}

// VerifyOptions tune verification.
type VerifyOptions struct {
	// Pin, when set, is a head published earlier: the chain must still
	// hold that record. It is what catches the loss of the newest records
	// and a log rewritten and re-hashed from scratch, which the chain alone
	// cannot.
	Pin *Pin
}

// Verify checks the whole chain in dir: every record's hash, every link, the
// anchors at segment starts, recoveries of torn lines, and that segments
// missing at the start were deleted by retention. It returns an error only
// when the log cannot be read; a broken chain is a Problem in the result.
func Verify(dir string) (*VerifyResult, error) { return VerifyDir(dir, VerifyOptions{}) }

// VerifyDir is Verify with options.
func VerifyDir(dir string, opts VerifyOptions) (*VerifyResult, error) {
	segs, err := listSegments(dir)
	if err != nil {
		return nil, err
	}
	v := newVerifier(segs, false, opts)
	v.res.Dir = dir
	if err := walkLines(dir, segs, v.visit); err != nil && !errors.Is(err, errStop) {
		return nil, err
	}
	return v.finish(func(at lineRef) (*Problem, error) { return classify(dir, segs, at) }, func(seg string, line int) *Entry {
		return readEntryAt(dir, seg, line)
	})
}

// VerifyStream checks a chain read from r: a segment file, several
// concatenated in order, or the JSON lines a stdout sink wrote, shipped
// elsewhere. name labels it in problems. Unlike a directory, a stream need
// not start at the chain's beginning or with an anchor, and a record with
// seq 1 and no prev starts a new chain (a writer that restarted; the stdout
// sink chains per process), listed in Restarts. The records' digests are
// kept in memory to classify a break, about 80 bytes each.
func VerifyStream(r io.Reader, name string, opts VerifyOptions) (*VerifyResult, error) {
	v := newVerifier([]string{name}, true, opts)
	v.res.Dir = name
	var long []byte
	// A stream is often small (a shipped excerpt); long lines still
	// work, through the long buffer.
	if err := walkReader(r, 64<<10, 0, name, &long, v.visit); err != nil && !errors.Is(err, errStop) {
		return nil, err
	}
	return v.finish(func(at lineRef) (*Problem, error) { return classifyRecs(v.segs, v.recs, at), nil }, func(seg string, line int) *Entry {
		return v.entries[line]
	})
}

// verifier is the state of one pass over a chain.
type verifier struct {
	segs   []string
	stream bool
	opts   VerifyOptions
	res    *VerifyResult

	h          hash.Hash
	prev       brief
	havePrev   bool
	firstPrev  string // prev of the very first record, when not genesis
	through    map[string]bool
	pending    *located // an unparseable line awaiting its recovery record
	pendingSum [sha256.Size]byte
	pendingLen int64
	breakAt    *lineRef
	problem    *Problem
	lastSeg    int // last segment index that had a line

	recs    []located      // stream only: every record, for classify
	entries map[int]*Entry // stream only: the entry a problem names, by line
}

func newVerifier(segs []string, stream bool, opts VerifyOptions) *verifier {
	v := &verifier{segs: segs, stream: stream, opts: opts, res: &VerifyResult{Segments: len(segs)},
		h: sha256.New(), through: map[string]bool{}, lastSeg: -1}
	if stream {
		v.res.Segments = 0
		v.entries = map[int]*Entry{}
	}
	if opts.Pin != nil {
		v.res.Pin = &PinResult{Pin: *opts.Pin}
	}
	return v
}

func (v *verifier) fail(p *Problem) error { v.problem = p; return errStop }

func (v *verifier) emptySeg(i int) *Problem {
	return &Problem{Kind: Removed, Segment: v.segs[i], Line: 1,
		Detail: "the segment file is empty: every record in it, its anchor included, was removed"}
}

func (v *verifier) visit(ref lineRef, line []byte, terminated bool) error {
	if v.breakAt != nil {
		// Stream only: the chain broke; keep every record for classify.
		if b, ok := parseBrief(line, v.h); ok {
			v.keep(ref, line, b)
		}
		return nil
	}
	name := v.segs[ref.seg]
	if ref.seg > v.lastSeg+1 {
		return v.fail(v.emptySeg(v.lastSeg + 1))
	}
	v.lastSeg = ref.seg
	if !terminated {
		return v.fail(&Problem{Kind: Torn, Segment: name, Line: ref.line,
			Detail: fmt.Sprintf("the line is incomplete (%d bytes, no newline): a write cut short by a crash or truncation", len(line))})
	}
	b, ok := parseBrief(line, v.h)
	if v.pending != nil {
		if !ok || b.kind != kindRecovery {
			return v.fail(&Problem{Kind: Edited, Segment: v.segs[v.pending.seg], Line: v.pending.line,
				Detail: "the line is not a valid audit record"})
		}
	}
	if !ok {
		// Could be a torn write sealed by a later writer: wait for the
		// recovery record before calling it an edit.
		v.pending = &located{lineRef: ref}
		v.pendingSum = sha256.Sum256(line)
		v.pendingLen = int64(len(line))
		return nil
	}
	if v.stream {
		v.keep(ref, line, b)
	}
	if !b.hashOK {
		return v.fail(&Problem{Kind: Edited, Segment: name, Line: ref.line, Seq: b.seq,
			Detail: "the record's content does not match its hash"})
	}
	if v.pending != nil {
		var m marker
		// A stream's offsets are not the segment's, so only length and
		// digest are checked there.
		if err := json.Unmarshal(line, &m); err != nil || (!v.stream && m.TornOffset != v.pending.offset) || m.TornLength != v.pendingLen || m.TornSHA256 != hashString(v.pendingSum) || v.pending.seg != ref.seg {
			return v.fail(&Problem{Kind: Edited, Segment: v.segs[v.pending.seg], Line: v.pending.line,
				Detail: "the line is not a valid audit record, and the recovery record after it does not describe it"})
		}
		v.res.Recovered = append(v.res.Recovered, Recovery{Segment: v.segs[v.pending.seg], Offset: m.TornOffset, Length: m.TornLength})
		v.pending = nil
	}
	restart := v.stream && b.genesis && b.seq == 1
	switch {
	case b.kind == kindBreak:
		// The writer lost the records this one links to: no link to check,
		// but the break itself is always reported.
		if err := v.noteBreak(line, b, ref, name); err != nil {
			return err
		}
		if !v.havePrev {
			v.res.FirstSeq = b.seq
		}
	case v.havePrev && restart:
		v.res.Restarts = append(v.res.Restarts, ref.line)
	case v.havePrev:
		if b.genesis || b.prev != v.prev.hash || b.seq != v.prev.seq+1 {
			r := ref
			v.breakAt = &r
			if v.stream {
				return nil // read on: classify needs the records after it
			}
			return errStop
		}
	default:
		v.res.FirstSeq = b.seq
		if !b.genesis {
			v.firstPrev = hashString(b.prev)
		}
	}
	if !v.stream && (ref.line == 1 || b.kind == kindAnchor || b.kind == kindBreak) {
		if p := checkAnchor(line, b, ref, name); p != nil {
			return v.fail(p)
		}
	}
	switch b.kind {
	case "":
		v.res.Entries++
	case kindPrune:
		var m marker
		if err := json.Unmarshal(line, &m); err != nil {
			return v.fail(&Problem{Kind: Edited, Segment: name, Line: ref.line, Seq: b.seq, Detail: "unreadable prune record"})
		}
		v.through[m.Through] = true
		v.res.Pruned = append(v.res.Pruned, m.Pruned...)
	}
	if pin := v.res.Pin; pin != nil && !pin.Found {
		switch {
		case b.hash == pin.Hash && (!pin.HasSeq || pin.Seq == b.seq):
			pin.Found, pin.Segment, pin.Line = true, name, ref.line
		case pin.HasSeq && pin.Seq == b.seq && pin.differs == nil:
			pin.differs = &Problem{Kind: Edited, Segment: name, Line: ref.line, Seq: b.seq,
				Detail: "the record at the pinned seq is not the pinned head: the log was rewritten and re-hashed at or before it"}
		}
	}
	v.res.Records++
	v.prev, v.havePrev = b, true
	return nil
}

// keep holds a stream's record for classify, and its entry for a problem
// that names it.
func (v *verifier) keep(ref lineRef, line []byte, b brief) {
	v.recs = append(v.recs, located{brief: b, lineRef: ref})
	if b.kind == "" {
		var e Entry
		if json.Unmarshal(line, &e) == nil {
			v.entries[ref.line] = &e
		}
	}
}

// noteBreak records a break record: the writer found its live segment
// deleted or replaced.
func (v *verifier) noteBreak(line []byte, b brief, ref lineRef, name string) error {
	var m marker
	if err := json.Unmarshal(line, &m); err != nil {
		return v.fail(&Problem{Kind: Edited, Segment: name, Line: ref.line, Seq: b.seq, Detail: "unreadable break record"})
	}
	v.res.Breaks = append(v.res.Breaks, Break{
		Segment: name, Line: ref.line, Seq: b.seq, Timestamp: m.Timestamp,
		Reason: m.Reason, LostSegment: m.PrevSegment, LostFirst: m.LostFirst, LostLast: m.LostLast,
	})
	return nil
}

// finish turns what the pass found into the result. classifyAt works out
// a broken link; entryAt reads the entry a problem names.
func (v *verifier) finish(classifyAt func(lineRef) (*Problem, error), entryAt func(seg string, line int) *Entry) (*VerifyResult, error) {
	res := v.res
	if !v.stream && v.problem == nil && v.breakAt == nil && v.lastSeg < len(v.segs)-1 {
		v.problem = v.emptySeg(v.lastSeg + 1)
	}
	switch {
	case v.problem != nil:
		res.Problem = v.problem
	case v.breakAt != nil:
		p, err := classifyAt(*v.breakAt)
		if err != nil {
			return nil, err
		}
		res.Problem = p
	case v.pending != nil:
		res.Problem = &Problem{Kind: Edited, Segment: v.segs[v.pending.seg], Line: v.pending.line,
			Detail: "the line is not a valid audit record"}
	case v.stream && v.firstPrev != "" && !v.through[v.firstPrev]:
		res.MidChain = true
	case v.firstPrev != "" && !v.through[v.firstPrev]:
		res.Problem = &Problem{Kind: Removed, Segment: v.segs[0], Line: 1, Seq: res.FirstSeq,
			Detail: "the log starts mid-chain and no prune record accounts for the segments before it: they were deleted outside retention"}
	}
	if v.havePrev {
		res.LastSeq = v.prev.seq
		res.Head = hashString(v.prev.hash)
	}
	if res.Problem == nil && res.Pin != nil && !res.Pin.Found {
		res.Problem = v.pinProblem()
	}
	if res.Problem == nil && len(res.Breaks) > 0 {
		b := res.Breaks[0]
		res.Problem = &Problem{Kind: Lost, Segment: b.Segment, Line: b.Line, Seq: b.LostFirst, Detail: b.String()}
		if b.LostLast >= b.LostFirst && b.LostFirst > 0 {
			res.Problem.Missing = b.LostLast - b.LostFirst + 1
		}
	}
	if res.Problem != nil && res.Problem.Entry == nil && res.Problem.Kind != Removed && res.Problem.Kind != Torn && res.Problem.Kind != Lost {
		res.Problem.Entry = entryAt(res.Problem.Segment, res.Problem.Line)
	}
	return res, nil
}

// checkAnchor checks that a segment starts with its own anchor and that
// anchors appear only at segment starts.
func checkAnchor(line []byte, b brief, ref lineRef, name string) *Problem {
	if b.kind != kindAnchor && b.kind != kindBreak {
		return &Problem{Kind: Removed, Segment: name, Line: ref.line, Seq: b.seq,
			Detail: "the segment does not start with its anchor record"}
	}
	if ref.line != 1 {
		return &Problem{Kind: Inserted, Segment: name, Line: ref.line, Seq: b.seq,
			Detail: "a segment's first record (" + b.kind + ") in the middle of a segment"}
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
	return classifyRecs(segs, recs, at), nil
}

// classifyRecs is classify over records already read.
func classifyRecs(segs []string, recs []located, at lineRef) *Problem {
	i := 0
	for i < len(recs) && recs[i].lineRef != at {
		i++
	}
	if i == 0 || i == len(recs) {
		return &Problem{Kind: Edited, Segment: segs[at.seg], Line: at.line, Detail: "the record does not link to the one before it"}
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
		return named(Inserted, R, fmt.Sprintf("the record is a copy of %s line %d", segs[recs[j].seg], recs[j].line))
	}
	if !R.genesis && R.prev == P.hash {
		return named(Edited, R, fmt.Sprintf("seq %d follows seq %d: the record was changed and rehashed", R.seq, P.seq))
	}
	if i < len(recs)-1 && laterRef(P.hash, i) && len(referenced[R.hash]) == 0 {
		return named(Inserted, R, "the record is not part of the chain: the next records link past it")
	}
	if j, ok := first[R.prev]; ok && !R.genesis {
		if j > i {
			return named(Reordered, R, fmt.Sprintf("seq %d appears before seq %d (%s line %d), which it follows", R.seq, recs[j].seq, segs[recs[j].seg], recs[j].line))
		}
		x := recs[j+1]
		return named(Inserted, x, fmt.Sprintf("the record is not part of the chain: %s line %d links past it", segs[R.seg], R.line))
	}
	switch {
	case R.genesis:
		return named(Inserted, R, "a second chain start in the middle of the log")
	case R.seq == P.seq+1:
		return named(Edited, P, fmt.Sprintf("the next record (seq %d) links to different content: this record was changed and rehashed", R.seq))
	case R.seq > P.seq+1:
		detail := fmt.Sprintf("seq %d to %d are missing between seq %d and seq %d", P.seq+1, R.seq-1, P.seq, R.seq)
		if P.seq+1 == R.seq-1 {
			detail = fmt.Sprintf("seq %d is missing between seq %d and seq %d", P.seq+1, P.seq, R.seq)
		}
		if R.kind == kindAnchor {
			detail += "; the anchor of " + segs[R.seg] + " links to a record that is gone"
		}
		return &Problem{Kind: Removed, Segment: segs[R.seg], Line: R.line, Seq: P.seq + 1, Missing: R.seq - P.seq - 1, Detail: detail}
	default:
		return named(Inserted, R, fmt.Sprintf("seq %d after seq %d does not link to the chain", R.seq, P.seq))
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
