package scanner

import (
	"bytes"
	"hash/maphash"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/pretense/pretense/internal/gitobj"
	"github.com/pretense/pretense/rules"
)

// Region scanning: a blob rebuilt from a delta is scanned only around the
// bytes its delta inserted; see the design notes in git.go.

// region is a byte range [Start, End) of a rebuilt blob.
type region = gitobj.Span

// regionMargin is how far around the bytes a delta inserted the scan
// reaches (then out to whole lines): wide enough for a rule's keyword to be
// seen next to a changed value.
const regionMargin = 512

// contextLines is how many whole lines before a changed line are scanned
// with it: a value's keyword is almost always on its line or the one before.
const contextLines = 1

// contextAfter is the context after a changed line: none, a keyword
// comes before its value (checked against whole-blob scans on SQLAlchemy).
const contextAfter = 0

// blob scans one rebuilt blob and records its complete matches. It returns
// the blob's distinct values for its delta children, and whether they are
// complete (false for binary blobs, which are not scanned).
func (w *packWorker) blob(id uint32, content []byte, changed []region, isDelta bool, baseVals []string) ([]string, bool) {
	s := w.pp.s
	if lfsPointer(content) != "" {
		w.blobLFS(id, content)
		return nil, false
	}
	if isBinary(content) {
		// UTF-16 text is scanned whole, decoded; its values (UTF-8) are
		// not its delta children's bytes, so they are not handed on.
		text, ok := utf16Text(content)
		if !ok {
			s.setInfo(id, blobSkipped, &blobInfo{skip: "binary"})
			return nil, false
		}
		w.blobText(id, text)
		return nil, false
	}
	var ms []rules.Match
	if !isDelta || changed == nil || w.pp.whole {
		ms = w.pp.rs.Scan(content)
		w.pp.bytes.Add(int64(len(content)))
	} else {
		regions := expandRegions(w.regions[:0], content, changed, regionMargin)
		w.regions = regions
		total := 0
		for _, r := range regions {
			total += r.End - r.Start
		}
		if total*10 >= len(content)*9 {
			ms = w.pp.rs.Scan(content)
			w.pp.bytes.Add(int64(len(content)))
		} else {
			ms = w.scanRegionsCached(content, regions)
			w.pp.bytes.Add(int64(total))
			// Values of the base that survive in copied bytes, and values
			// this blob's changes introduced that also occur in copied
			// bytes: confirm each occurrence outside the scanned regions
			// with the rules.
			vals := baseVals
			for _, m := range ms {
				if !slices.Contains(vals, m.Value) {
					vals = append(vals[:len(vals):len(vals)], m.Value)
				}
			}
			var confirm []region
			for _, v := range vals {
				for off := 0; ; {
					k := bytes.Index(content[off:], []byte(v))
					if k < 0 {
						break
					}
					st, en := off+k, off+k+len(v)
					if !inRegions(regions, st, en) {
						confirm = append(confirm, region{Start: st, End: en})
					}
					off = en
				}
			}
			if len(confirm) > 0 {
				slices.SortFunc(confirm, func(a, b region) int { return a.Start - b.Start })
				cr := expandRegions(nil, content, confirm, regionMargin)
				ms = w.scanRegions(content, cr, ms)
				ms = dedupMatches(ms)
			}
		}
	}
	if n := w.pp.scanned.Add(1); n%1024 == 0 && w.pp.opts.Progress != nil {
		w.pp.opts.Progress(n, w.pp.bytes.Load())
	}
	if len(ms) == 0 {
		s.setInfo(id, blobClean, nil)
		return nil, true
	}
	fs := rules.Findings(content, ms, "", w.pp.fp)
	bi := &blobInfo{findings: fs}
	s.setInfo(id, blobFound, bi)
	return bi.values(), true
}

// blobLFS scans the content the local LFS store holds for the pointer
// content, or records why it could not (lfs.go). The content is scanned
// whole: it is no delta of anything the pack holds.
func (w *packWorker) blobLFS(id uint32, pointer []byte) {
	s := w.pp.s
	content, why, err := lfsContent(w.pp.opts.lfsStore, pointer, w.pp.maxSize)
	switch {
	case err != nil:
		// Unreadable as an object is (readPacked): the scan is incomplete.
		s.failPass(id, "blob", err)
		s.status[id] = blobUnreadable
		return
	case why != "":
		s.setInfo(id, blobSkipped, &blobInfo{skip: why})
		return
	}
	if isBinary(content) {
		text, ok := utf16Text(content)
		if !ok {
			s.setInfo(id, blobSkipped, &blobInfo{skip: "binary"})
			return
		}
		content = text
	}
	w.blobText(id, content)
}

// blobText scans text whole (a UTF-16 blob's decoded text, an LFS file's
// content) and records its matches.
func (w *packWorker) blobText(id uint32, text []byte) {
	s := w.pp.s
	ms := w.pp.rs.Scan(text)
	w.pp.bytes.Add(int64(len(text)))
	w.pp.scanned.Add(1)
	if len(ms) == 0 {
		s.setInfo(id, blobClean, nil)
		return
	}
	s.setInfo(id, blobFound, &blobInfo{findings: rules.Findings(text, ms, "", w.pp.fp)})
}

// scanRegions scans the regions of content and appends the matches with
// offsets in content. The regions are laid end to end in one buffer,
// separated by blank lines, and scanned with one call: many small scans
// would each pay the ruleset's per-call setup. A match reaching across a
// separator joins two regions and is dropped.
func (w *packWorker) scanRegions(content []byte, regions []region, out []rules.Match) []rules.Match {
	buf := w.join[:0]
	starts := w.starts[:0]
	for _, r := range regions {
		starts = append(starts, len(buf))
		buf = append(buf, content[r.Start:r.End]...)
		buf = append(buf, '\n', '\n')
	}
	w.join, w.starts = buf, starts
	for _, m := range w.pp.rs.Scan(buf) {
		k := sort.Search(len(starts), func(i int) bool { return starts[i] > m.Start }) - 1
		if k < 0 {
			continue
		}
		r := regions[k]
		shift := r.Start - starts[k]
		if m.End+shift > r.End {
			continue
		}
		m.Start += shift
		m.End += shift
		out = append(out, m)
	}
	return out
}

// regionCache remembers what the rules found in region texts already
// scanned. The same inserted lines recur across delta families (branches,
// backports, versions git deltified against different bases): on
// SQLAlchemy 70% of the region bytes are repeats. Keys are 64-bit hashes of
// the region bytes (with a per-scan random seed); a region whose rules
// result is known is not scanned again. Safe for concurrent use.
type regionCache struct {
	seed   maphash.Seed
	shards [64]struct {
		mu    sync.Mutex
		m     map[uint64]int32 // -1: nothing found; else index into found
		found [][]rules.Match  // matches with offsets relative to the region
	}
}

func newRegionCache() *regionCache {
	c := &regionCache{seed: maphash.MakeSeed()}
	for i := range c.shards {
		c.shards[i].m = map[uint64]int32{}
	}
	return c
}

func (c *regionCache) get(k uint64) ([]rules.Match, bool) {
	sh := &c.shards[k%uint64(len(c.shards))]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	i, ok := sh.m[k]
	if !ok || i < 0 {
		return nil, ok
	}
	return sh.found[i], true
}

func (c *regionCache) put(k uint64, ms []rules.Match) {
	sh := &c.shards[k%uint64(len(c.shards))]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if len(ms) == 0 {
		sh.m[k] = -1
		return
	}
	sh.m[k] = int32(len(sh.found))
	sh.found = append(sh.found, ms)
}

// scanRegionsCached is scanRegions with the region cache: regions seen
// before reuse their result, the others are scanned together and
// remembered.
func (w *packWorker) scanRegionsCached(content []byte, regions []region) []rules.Match {
	c := w.pp.cache
	var out []rules.Match
	todo, keys := w.todo[:0], w.keys[:0]
	for _, r := range regions {
		k := maphash.Bytes(c.seed, content[r.Start:r.End])
		if ms, ok := c.get(k); ok {
			for _, m := range ms {
				m.Start += r.Start
				m.End += r.Start
				out = append(out, m)
			}
			continue
		}
		todo, keys = append(todo, r), append(keys, k)
	}
	w.todo, w.keys = todo, keys
	if len(todo) == 0 {
		return out
	}
	found := w.scanRegions(content, todo, nil)
	// found is ordered by offset, as the regions are: hand each region its
	// matches, relative to its start.
	j := 0
	for i, r := range todo {
		var rel []rules.Match
		for j < len(found) && found[j].Start < r.End {
			if found[j].Start >= r.Start {
				m := found[j]
				m.Start -= r.Start
				m.End -= r.Start
				rel = append(rel, m)
			}
			j++
		}
		c.put(keys[i], rel)
	}
	return append(out, found...)
}

func dedupMatches(ms []rules.Match) []rules.Match {
	slices.SortFunc(ms, func(a, b rules.Match) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return strings.Compare(a.Rule.ID, b.Rule.ID)
	})
	return slices.CompactFunc(ms, func(a, b rules.Match) bool {
		return a.Start == b.Start && a.End == b.End && a.Rule.ID == b.Rule.ID
	})
}

func inRegions(rs []region, s, e int) bool {
	i := sort.Search(len(rs), func(i int) bool { return rs[i].End >= e })
	return i < len(rs) && rs[i].Start <= s
}

// expandRegions appends to out each changed span out to whole lines plus
// contextLines lines on each side (bounded by margin bytes per side, so a
// minified file does not turn a one-byte change into a megabyte), merging
// overlaps. spans must be sorted by start.
func expandRegions(out []region, data []byte, spans []region, margin int) []region {
	for _, sp := range spans {
		s, e := sp.Start, sp.End
		lo := max(0, s-margin)
		if n := len(out); n > 0 && lo < out[n-1].End {
			// Bytes before the previous region's end are covered by it:
			// stopping there (and merging) saves rescanning them for
			// newlines, which matters for deltas of many small inserts.
			lo = max(out[n-1].End, 0)
			if lo > s {
				lo = s
			}
		}
		for k := 0; k <= contextLines; k++ {
			i := bytes.LastIndexByte(data[lo:s], '\n')
			if i < 0 {
				s = lo
				break
			}
			s = lo + i
			if k == contextLines {
				s++
			}
		}
		hi := min(len(data), e+margin)
		for k := 0; k <= contextAfter; k++ {
			if e >= hi {
				e = hi
				break
			}
			i := bytes.IndexByte(data[e:hi], '\n')
			if i < 0 {
				e = hi
				break
			}
			e += i
			if k < contextAfter {
				e++
			}
		}
		if n := len(out); n > 0 && s <= out[n-1].End {
			out[n-1].End = max(out[n-1].End, e)
			continue
		}
		out = append(out, region{Start: s, End: e})
	}
	return out
}
