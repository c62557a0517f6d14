package rules

import (
	"bytes"
	"slices"
)

// lineIndex holds the offsets of the newlines of one input, found only as
// far as the questions asked so far needed (they mostly move forward
// through the input). It answers lineSpan and line numbers by binary
// search instead of reading back and forth from each position: on a
// single 64 KB line (a JSON request body) every lineSpan read 8 KB.
type lineIndex struct {
	data []byte
	// nls holds the offsets of the newlines in data[:done], ascending.
	nls  []int
	done int
	// last is next's answer to the last question.
	last int
}

// reset starts an index of data, reusing buf's storage.
func (li *lineIndex) reset(data []byte, buf []int) {
	*li = lineIndex{data: data, nls: buf[:0]}
}

// extend finds the newlines of data[:to].
func (li *lineIndex) extend(to int) {
	to = min(to, len(li.data))
	for li.done < to {
		i := bytes.IndexByte(li.data[li.done:to], '\n')
		if i < 0 {
			li.done = to
			return
		}
		li.nls = append(li.nls, li.done+i)
		li.done += i + 1
	}
}

// span is lineSpan(li.data, pos).
func (li *lineIndex) span(pos int) (int, int) {
	lo := max(0, pos-lineReach)
	hi := min(len(li.data), pos+lineReach)
	li.extend(hi)
	i := li.next(pos) // the first newline at or after pos
	ls, le := lo, hi
	if i > 0 && li.nls[i-1] >= lo {
		ls = li.nls[i-1] + 1
	}
	if i < len(li.nls) && li.nls[i] < hi {
		le = li.nls[i]
	}
	return ls, le
}

// next returns the index in nls of the first newline at or after pos, as
// slices.BinarySearch(li.nls, pos) does. The questions come in runs about
// one line (a rule's candidates, the label and column searches of each),
// so the answer of the last question is tried first.
func (li *lineIndex) next(pos int) int {
	if i := li.last; i < len(li.nls) && li.nls[i] >= pos && (i == 0 || li.nls[i-1] < pos) {
		return i
	}
	i, _ := slices.BinarySearch(li.nls, pos)
	li.last = i
	return i
}

// line returns the 1-based line of offset pos and the offset its line
// starts at.
func (li *lineIndex) line(pos int) (line, start int) {
	li.extend(pos)
	i, _ := slices.BinarySearch(li.nls, pos)
	if i == 0 {
		return 1, 0
	}
	return i + 1, li.nls[i-1] + 1
}

// lineSpan is lineSpan(data, pos), from the pass's index when sc is the
// state of the pass over data.
func (sc *scanState) lineSpan(data []byte, pos int) (int, int) {
	if !sc.over(data) {
		return lineSpan(data, pos)
	}
	return sc.lines.span(pos)
}

// over reports whether sc is the state of the pass over data (its
// indexes and memos answer for data).
func (sc *scanState) over(data []byte) bool {
	return sc != nil && len(sc.lines.data) == len(data) && len(data) > 0 && &sc.lines.data[0] == &data[0]
}
