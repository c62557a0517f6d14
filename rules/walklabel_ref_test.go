package rules

import (
	"slices"
	"testing"
)

// walkLabel splits its segment lazily from the end (labelParts) and looks
// each phrase up once in the context's combined table
// (compiledContext.phrases). walkLabelRef is the walk as it was, over the
// four maps it summarises; FuzzWalkLabelAgree and TestWalkLabelAgree want
// the same label and class from both for every PHI rule's context.

var walkLabelSeeds = []string{
	"Patient MRN: ",
	"patient_mrn_sequence_start = ",
	"date of birth ",
	"dob, order id ",
	"the patient's member id is ",
	"invoice number for the patient ",
	"Review this file (nonce 0000000000): export function getPatientRecord(input: ",
	"input: Input12): Output { return transform(input, 12); } ",
	"Subscriber ID. Next sentence ",
	"guarantor phone number; ",
	"contact email address ",
	"full name: ",
	"memberCountLimit ",
	"dateofbirth ",
	"dateof Birth: ",
	"med RecordNumber ",
	"Medical Record Number (MRN) ",
	"",
}

func TestWalkLabelAgree(t *testing.T) {
	rs := phiSet(t, ModeStrict)
	seen := map[labelClass]bool{}
	for _, seg := range walkLabelSeeds {
		checkWalkLabel(t, rs, []byte(seg), 3)
		checkWalkLabel(t, rs, []byte(seg), maxLabelParts)
		for _, cr := range rs.rules {
			if cr.ctx != nil {
				_, c := rs.walkLabel(cr.ctx, []byte(seg), cr.ctx.gap)
				seen[c] = true
			}
		}
	}
	// The seeds reach every outcome, so the comparison covers each case.
	for _, c := range []labelClass{labelNone, labelStrong, labelWeak, labelBlocked} {
		if !seen[c] {
			t.Errorf("no seed gives class %v", c)
		}
	}
}

func FuzzWalkLabelAgree(f *testing.F) {
	for i, s := range walkLabelSeeds {
		f.Add([]byte(s), uint8(i))
	}
	rs := phiSet(f, ModeStrict)
	f.Fuzz(func(t *testing.T, seg []byte, gap uint8) {
		if len(seg) > 512 {
			seg = seg[:512]
		}
		checkWalkLabel(t, rs, seg, int(gap%12))
	})
}

func checkWalkLabel(t *testing.T, rs *Ruleset, seg []byte, gap int) {
	t.Helper()
	var got, want []span
	eachPart(seg, func(lo, hi int) { got = append(got, span{lo, hi}) })
	eachPartRef(seg, func(lo, hi int) { want = append(want, span{lo, hi}) })
	if !slices.Equal(got, want) {
		t.Fatalf("eachPart %q: got %v, want %v", seg, got, want)
	}
	// joinedHash is phraseHash of the parts joined, for every phrase of
	// two to maxLabelParts parts.
	lp := labelParts{seg: seg, rest: len(seg), low: make([]byte, 2*len(seg))}
	lp.lo = len(lp.low)
	lp = lp.upTo(len(seg))
	for to := 0; to < lp.n; to++ {
		for from := to + 1; from < min(lp.n, to+maxLabelParts); from++ {
			var joined []byte
			for x := from; x >= to; x-- {
				joined = append(joined, lp.low[lp.parts[x].start:lp.parts[x].end]...)
			}
			if got, want := lp.joinedHash(from, to), phraseHash(joined); got != want {
				t.Fatalf("joinedHash(%d, %d) of %q = %d, phraseHash(%q) = %d", from, to, seg, got, joined, want)
			}
		}
	}
	n := 0
	for _, cr := range rs.rules {
		if cr.ctx == nil {
			continue
		}
		n++
		if cr.ctx.phrases == nil {
			t.Fatalf("%s: context without its phrase table", cr.def.ID)
		}
		for _, g := range []int{gap, cr.ctx.gap} {
			got, gotClass := rs.walkLabel(cr.ctx, seg, g)
			want, wantClass := rs.walkLabelRef(cr.ctx, seg, g)
			if got != want || gotClass != wantClass {
				t.Fatalf("%s gap %d %q: got %q %v, want %q %v", cr.def.ID, g, seg, got, gotClass, want, wantClass)
			}
		}
	}
	if n == 0 {
		t.Fatal("no PHI rule with a context")
	}
}

func (rs *Ruleset) walkLabelRef(cc *compiledContext, seg []byte, gap int) (string, labelClass) {
	seg = afterSentence(seg)
	// Every candidate value reads its label this way, so the parts are
	// kept as offsets into one lower-cased buffer and the phrases are
	// looked up as bytes: no allocation per word.
	var (
		lowBuf  [256]byte
		partBuf [32]span
		atBuf   [32]span
		tokBuf  [32]int
	)
	low := lowBuf[:0]
	parts := partBuf[:0] // each part, lower-cased, in low
	at := atBuf[:0]      // where each part is in seg, to quote the label as written
	tok := tokBuf[:0]    // which token each part belongs to
	for i := 0; i < len(seg); {
		if !labelByte(seg[i]) {
			i++
			continue
		}
		j := i
		for j < len(seg) && labelByte(seg[j]) {
			j++
		}
		if seg[i] >= '0' && seg[i] <= '9' {
			// a value: labels before it belong to it
			low, parts, at, tok = low[:0], parts[:0], at[:0], tok[:0]
		} else {
			word := seg[i:j]
			eachPart(word, func(lo, hi int) {
				n := len(low)
				low = appendLower(low, word[lo:hi])
				parts = append(parts, span{n, len(low)})
				at = append(at, span{i + lo, i + hi})
				tok = append(tok, i)
			})
		}
		i = j
	}
	part := func(i int) []byte { return low[parts[i].start:parts[i].end] }
	written := func(from, to int) string { return string(seg[at[from].start:at[to].end]) }
	// modified reports a label that is only the first part of a longer
	// key (mrn_sequence_start, dobFormat, memberCountLimit): that key
	// names something else. Generic suffixes (mrnNumber, member_id) keep
	// the label.
	modified := func(i int) bool {
		for j := i + 1; j < len(parts) && tok[j] == tok[i]; j++ {
			if !genericKeys[string(part(j))] {
				return true
			}
		}
		return false
	}
	var spacedBuf, joinedBuf [128]byte
	skipped := 0
	for i := len(parts) - 1; i >= 0; {
		matched := 0
		for k := min(maxLabelParts, i+1); k >= 1; k-- {
			spacedB, joinedB := spacedBuf[:0], joinedBuf[:0]
			for x := i - k + 1; x <= i; x++ {
				if x > i-k+1 {
					spacedB = append(spacedB, ' ')
				}
				spacedB = append(spacedB, part(x)...)
				joinedB = append(joinedB, part(x)...)
			}
			// Lookups through string(b) do not allocate.
			word := cc.words[string(spacedB)] || cc.words[string(joinedB)]
			weak := cc.weak[string(spacedB)] || cc.weak[string(joinedB)]
			switch {
			case (word || weak) && modified(i):
				return written(i-k+1, i), labelBlocked
			case word:
				return written(i-k+1, i), labelStrong
			case weak:
				return written(i-k+1, i), labelWeak
			case rs.vocab.subjects[string(spacedB)] || rs.vocab.subjects[string(joinedB)]:
				matched = k
			case rs.vocab.labels[string(spacedB)] || rs.vocab.labels[string(joinedB)]:
				return written(i-k+1, i), labelBlocked
			}
			if matched > 0 {
				break
			}
		}
		if matched > 0 { // a subject word ("patient") is no label; read on
			i -= matched
			continue
		}
		skipped++
		if skipped > gap {
			break
		}
		i--
	}
	return "", labelNone
}

// eachPartRef is eachPart as it was, before nextPart: one pass with a
// flush at each boundary.
func eachPartRef[T ~string | ~[]byte](s T, fn func(lo, hi int)) {
	start := -1
	flush := func(end int) {
		if start >= 0 && end > start {
			fn(start, end)
		}
		start = -1
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !asciiLetter(c) {
			flush(i)
			continue
		}
		if start < 0 {
			start = i
			continue
		}
		upper := c >= 'A' && c <= 'Z'
		prevUpper := s[i-1] >= 'A' && s[i-1] <= 'Z'
		nextLower := i+1 < len(s) && s[i+1] >= 'a' && s[i+1] <= 'z'
		if upper && (!prevUpper || nextLower) {
			flush(i)
			start = i
		}
	}
	flush(len(s))
}
