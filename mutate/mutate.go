package mutate

import (
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"maps"
	"math"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// Policy selects which identifiers are mutated.
type Policy string

const (
	// PolicyPHI mutates identifiers that name PHI or PHI-adjacent concepts
	// (the default).
	PolicyPHI Policy = "phi"
	// PolicyAll also mutates the project's other proprietary names.
	PolicyAll Policy = "all"
)

// ParsePolicy validates a policy name; "" means the default, PolicyPHI.
func ParsePolicy(s string) (Policy, error) {
	switch Policy(strings.ToLower(strings.TrimSpace(s))) {
	case "", PolicyPHI:
		return PolicyPHI, nil
	case PolicyAll:
		return PolicyAll, nil
	}
	return "", fmt.Errorf("unknown mutation policy %q (valid: phi, all)", s)
}

// Mutator holds the key, the policy and the vocabulary. It is immutable and
// safe for concurrent use; all per-request state lives in a [Session].
type Mutator struct {
	key    []byte
	policy Policy
	sets   *sets
	// bufs pools per-call scratch slices (*buffers).
	bufs *sync.Pool
	// entropy limits the hash symbols of every synthetic (tests only: it
	// makes collisions common). 0 means all hashChars.
	entropy int
	// synths caches each name's kind and first canonical synthetic, phis
	// whether it is PHI (synthcache.go); nil derives them every time
	// (tests compare both).
	synths *nameCache[synthEntry]
	phis   *nameCache[phiEntry]
	// plain turns off the per-pass caches of selectAll, the PHI gate and
	// unrecorded decisions (tests: the same output with and without them).
	plain bool
	// sels pools the decision maps of sessions done mutating
	// (*selTables, cleared): a session's first large text takes them
	// instead of allocating a thousand-entry map or two.
	sels *sync.Pool
}

// selTables are a session's own decision maps (codeSel.own, textSel.own).
type selTables struct{ code, text map[string]bool }

// selPoolMax: larger decision maps are left to the collector, not kept.
const selPoolMax = 1 << 14

// New returns a Mutator for key (at least 16 bytes) and policy.
func New(key []byte, policy Policy) (*Mutator, error) {
	if len(key) < minKeyLen {
		return nil, fmt.Errorf("%w: %d bytes, want at least %d", ErrKey, len(key), minKeyLen)
	}
	p, err := ParsePolicy(string(policy))
	if err != nil {
		return nil, err
	}
	return &Mutator{
		key:    append([]byte(nil), key...),
		policy: p,
		sets:   newSets(),
		bufs:   &sync.Pool{New: func() any { return new(buffers) }},
		synths: newNameCache[synthEntry](),
		phis:   newNameCache[phiEntry](),
		sels:   &sync.Pool{},
	}, nil
}

// buffers are the scratch slices of one Mutate call.
type buffers struct {
	spans       []span
	reps, treps []rep
}

// Policy returns the policy the Mutator applies.
func (m *Mutator) Policy() Policy { return m.policy }

// Session maps names to synthetics for one request or file. Every call
// reuses the pairs issued earlier, so one name gets one synthetic across
// the whole session. A Session is not safe for concurrent use.
type Session struct {
	m     *Mutator // nil for a session read from a map file: reverse only
	mac   hash.Hash
	msg   []byte            // HMAC input scratch
	o2s   map[string]string // original → issued synthetic
	s2o   map[string]int    // canonical (lowercase) synthetic → index in pairs
	pairs []pair
	// shared: o2s, s2o and pairs are a PairSet's (adopt), read only until
	// the session issues or learns a pair (ownPairs copies them then).
	shared bool

	codeSel    selMap   // decision per code identifier
	textSel    selMap   // decision per word in comments, strings, prose
	fresh      []string // selected in this call, no synthetic yet
	sc         scratch
	spans      []span
	collisions int
	// sized: the first text sized the tables (Replacements).
	sized bool
	// done: DoneMutating gave the decision maps back; the session only
	// reverses from now on.
	done bool
}

type pair struct {
	syn, orig string
	k         kind
}

// NewSession starts an empty session.
func (m *Mutator) NewSession() *Session {
	return &Session{
		m:       m,
		mac:     hmac.New(sha256.New, m.key),
		o2s:     make(map[string]string),
		s2o:     make(map[string]int),
		codeSel: selMap{own: make(map[string]bool)},
		textSel: selMap{own: make(map[string]bool)},
	}
}

// Count returns the number of distinct identifiers mutated so far.
func (s *Session) Count() int { return len(s.pairs) }

// Pairs returns a copy of the session's map, synthetic → original.
func (s *Session) Pairs() map[string]string {
	out := make(map[string]string, len(s.pairs))
	for _, p := range s.pairs {
		out[p.syn] = p.orig
	}
	return out
}

// rep is one replacement: text[start:end] becomes the synthetic of name.
type rep struct{ start, end int }

// Replacement is one identifier Mutate replaces: text[Start:End] becomes
// Synthetic.
type Replacement struct {
	Start, End int
	Synthetic  string
}

// Mutate returns text with every selected identifier replaced by its
// synthetic. Code identifiers are selected by policy; in comments, string
// literals and prose, PHI words, names already mutated in this session and
// (policy all) identifier-shaped words are replaced too. Everything else
// is copied byte for byte. A session read from a map file cannot mutate
// and returns text unchanged.
func (s *Session) Mutate(text string, lang Lang) string {
	var buf [16]Replacement
	reps := s.Replacements(text, lang, buf[:0])
	if len(reps) == 0 {
		return text
	}
	return Apply(text, reps)
}

// Apply returns text with reps (as Replacements returns them: sorted,
// non-overlapping) applied.
func Apply(text string, reps []Replacement) string {
	if len(reps) == 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text) + len(reps)*maxSynthLen/2)
	last := 0
	for _, r := range reps {
		b.WriteString(text[last:r.Start])
		b.WriteString(r.Synthetic)
		last = r.End
	}
	b.WriteString(text[last:])
	return b.String()
}

// Replacements is Mutate without the copy: it appends to dst what Mutate
// would replace in text, in text order, and updates the session exactly as
// Mutate does. A caller holding a very large text (the proxy) writes the
// mutated text out from text and the replacements instead of keeping a
// second copy of it.
func (s *Session) Replacements(text string, lang Lang, dst []Replacement) []Replacement {
	if s.done {
		// A programming error; mutating with the decisions gone could
		// leave names a live session would replace.
		panic("mutate: Replacements on a session after DoneMutating")
	}
	if s.m == nil || text == "" {
		return dst
	}
	if !s.sized && s.codeSel.len() == 0 && len(s.pairs) == 0 {
		// First text of the session: size the tables for it once instead
		// of growing them a dozen times, or take a finished session's.
		s.sized = true
		if t, ok := s.m.sels.Get().(*selTables); ok && len(text) >= 4096 {
			s.codeSel, s.textSel = selMap{own: t.code}, selMap{own: t.text}
		} else {
			if ok {
				s.m.sels.Put(t)
			}
			code, words := len(text)/64, len(text)/128
			if s.unrecorded() {
				// Only selected names are recorded: about one per
				// replacement.
				code, words = len(text)/256, len(text)/256
			}
			s.codeSel = selMap{own: make(map[string]bool, code)}
			s.textSel = selMap{own: make(map[string]bool, words)}
		}
		// The pair tables are sized once this text's new names are known
		// (reserve).
	}
	// Scratch slices come from the Mutator's pool: a proxy mutates many
	// texts per second and they are only needed during this call.
	buf := s.m.bufs.Get().(*buffers)
	defer s.m.bufs.Put(buf)
	if cap(buf.spans) < len(text)/8 {
		// About one span per 8 bytes of code: one allocation, not a dozen.
		buf.spans = make([]span, 0, len(text)/8)
	}
	buf.spans = lex(text, lang, buf.spans[:0])
	s.spans = buf.spans
	defer func() { s.spans = nil }()

	// Pass 1 replaces code identifiers, pass 2 words in comments, strings
	// and prose. Decisions are cached per session. A text word can select a
	// name that code occurrences earlier in this text left alone (a phrase
	// such as "Medical Record", or a proprietary name mentioned in prose);
	// then both passes run once more with the grown selection.
	s.fresh = s.fresh[:0]
	if s.m.policy == PolicyAll {
		s.skipStdMembers(text)
	}
	reps, treps := buf.reps[:0], buf.treps[:0]
	for round := 0; round < 2; round++ {
		var grew bool
		reps, treps, grew = s.selectAll(text, lang, reps[:0], treps[:0])
		if !grew {
			break
		}
	}
	buf.reps, buf.treps = reps, treps
	if len(reps) == 0 && len(treps) == 0 {
		return dst
	}
	// A phrase may append an earlier word after a later one.
	sort.Slice(treps, func(a, b int) bool { return treps[a].start < treps[b].start })

	// Assign synthetics to new names in sorted order, so collision
	// resolution does not depend on the order names appear in. Without a
	// collision the order changes only that of s.pairs, which nothing
	// reads in order (WriteMap and PairSetOf sort, the rest look pairs up
	// by name or synthetic): appearance order is tried first, and the
	// names are sorted only if one's first synthetic is taken.
	s.reserve(len(s.fresh))
	if !s.assignUnsorted(s.fresh) {
		sort.Strings(s.fresh)
		s.assign(s.fresh)
	}

	dst = slices.Grow(dst, len(reps)+len(treps))
	last := 0
	i, j := 0, 0
	for i < len(reps) || j < len(treps) {
		var r rep
		if j >= len(treps) || i < len(reps) && reps[i].start < treps[j].start {
			r = reps[i]
			i++
		} else {
			r = treps[j]
			j++
		}
		// A replaced name must start a word: a synthetic glued to a
		// preceding letter would read as a derived name on the way back.
		if r.start < last || r.start > 0 && isWordByte(text[r.start-1]) {
			continue
		}
		dst = append(dst, Replacement{Start: r.start, End: r.end, Synthetic: s.o2s[text[r.start:r.end]]})
		last = r.end
	}
	return dst
}

// DoneMutating tells the session it mutates no more text: its decision
// maps, which only mutating reads, go back to the Mutator for a later
// session. The session reverses and counts as before; Replacements (and
// Mutate) panic, AddPairs and AddPairSet return an error.
func (s *Session) DoneMutating() {
	if s.m == nil || s.done {
		return
	}
	s.done = true
	code, text := s.codeSel.own, s.textSel.own
	s.codeSel, s.textSel, s.fresh = selMap{}, selMap{}, nil
	if code == nil || text == nil || len(code) > selPoolMax || len(text) > selPoolMax {
		return
	}
	clear(code)
	clear(text)
	s.m.sels.Put(&selTables{code: code, text: text})
}

// selectAll collects the replacements for text: reps for code identifiers,
// treps for words in text spans. grew reports that a text word selected a
// name after code occurrences of it had been passed over.
func (s *Session) selectAll(text string, lang Lang, reps, treps []rep) (_, _ []rep, grew bool) {
	// A text names the same few identifiers and words over and over. A
	// small cache in front of the session's decisions answers most of
	// them without a map lookup. In the code pass a decision, once made,
	// holds to the end of the pass (deciding a name changes only that
	// name's decisions); in the text pass a phrase can flip a word to
	// selected, and the cache is told.
	front := spanCache{text: text, off: s.m.plain || len(text) > math.MaxInt32}
	reps = s.codePass(&front, text, lang, reps)
	front.reset()
	spans := s.spans
	for k := nextText(spans, 0); k < len(spans); k = nextText(spans, k+1) {
		sp := &spans[k]
		prevA, prevB, prevSel := -1, -1, false
		for i := sp.start; ; {
			var j int
			if i, j = nextWord(text, i, sp.end); i >= sp.end {
				break
			}
			w := text[i:j]
			sel, ok := front.get(i, j)
			if !ok {
				var g bool
				sel, g = s.selectWord(w)
				grew = grew || g
				front.put(i, j, sel)
			}
			if !sel && prevA >= 0 && phraseLens>>min(len(w), 63)&1 != 0 && s.phrase(text[prevA:prevB], w) {
				// Two-word phrases: "Medical Record", "Social Security".
				// Earlier occurrences of either word were passed over.
				sel, grew = true, true
				s.selected(w)
				front.put(i, j, true)
				if !prevSel {
					s.selected(text[prevA:prevB])
					front.put(prevA, prevB, true)
					treps = append(treps, rep{prevA, prevB})
				}
			}
			if sel {
				treps = append(treps, rep{i, j})
			}
			prevA, prevB, prevSel = i, j, sel
			i = j
		}
	}
	return reps, treps, grew
}

// nextWord returns the bounds of the first word of text[i:end] (end, end
// when there is none): a maximal run of word bytes (wordLen), led by one.
// ASCII bytes are told by a table in tight loops; a non-ASCII byte by
// wordLen, on text (as the byte loop it replaced did).
func nextWord(text string, i, end int) (start, stop int) {
	t := text[:end]
	for i < len(t) {
		for i < len(t) && textClass[t[i]] == textSkip {
			i++
		}
		if i >= len(t) || t[i] < utf8.RuneSelf || wordLen(text, i) > 0 {
			break
		}
		i++ // a non-ASCII byte that starts no word
	}
	if i >= len(t) {
		return end, end
	}
	j := i
	for j < len(t) && textClass[t[j]] == textWord {
		j++
	}
	if j < len(t) && t[j] >= utf8.RuneSelf {
		j = wordEnd(text, j, end) // a non-ASCII letter goes on
	}
	return i, j
}

// textClass sorts bytes for the text pass of selectAll: an ASCII word
// byte (isWordByte), an ASCII byte that is not, or a non-ASCII byte
// (wordLen decides).
var textClass = func() (t [256]uint8) {
	for c := range t {
		switch {
		case c >= utf8.RuneSelf:
			t[c] = textNonASCII
		case isWordByte(byte(c)):
			t[c] = textWord
		default:
			t[c] = textSkip
		}
	}
	return t
}()

const (
	textSkip = iota
	textWord
	textNonASCII
)

// nextText returns the index of the first text span of spans from k
// (len(spans) when none): a leaf loop, as most spans are identifiers.
func nextText(spans []span, k int) int {
	for k < len(spans) && spans[k].kind != spanText {
		k++
	}
	return k
}

// codePass is selectAll's pass over code identifiers: it appends to reps
// the identifiers selected. The cache lookup is written out here (the
// loop runs once per identifier, ~6,500 times for a 64 KB request, and a
// call to get and put per identifier cost more than the lookup itself):
// it is get and put of front, with the keys computed once.
func (s *Session) codePass(front *spanCache, text string, lang Lang, reps []rep) []rep {
	if front.off {
		for _, sp := range s.spans {
			if sp.kind == spanIdent && s.selectCode(text[sp.start:sp.end], lang) {
				reps = append(reps, rep{sp.start, sp.end})
			}
		}
		return reps
	}
	spans := s.spans
	for k := 0; k < len(spans); {
		// Hits are written by a leaf function (no call: what it reads
		// stays in registers; with the call deciding a name in the same
		// loop it was stored and reloaded for every identifier), with
		// room made for a chunk of spans at a time.
		const chunk = 256
		reps = slices.Grow(reps, chunk)
		lim := min(k+chunk, len(spans))
		var n int
		k, n = front.hits(spans[:lim], k, reps[len(reps):len(reps)+chunk])
		reps = reps[:len(reps)+n]
		if k < lim {
			// A miss: decide and remember.
			a, b := spans[k].start, spans[k].end
			sel := s.selectCode(text[a:b], lang)
			front.put(a, b, sel)
			if sel {
				reps = append(reps, rep{a, b})
			}
			k++
		}
	}
	return reps
}

// hits is codePass's loop over the identifiers of spans from k: it
// writes those whose decision front holds and selects to out (room for
// len(spans)-k) and stops at the first identifier it does not hold,
// returning its index (len(spans) when none) and the number written.
// It is get, written out.
func (c *spanCache) hits(spans []span, k int, out []rep) (next, n int) {
	text := c.text
	for ; k < len(spans); k++ {
		sp := &spans[k]
		if sp.kind != spanIdent {
			continue
		}
		a, b := sp.start, sp.end
		w := b - a
		var k0, k1 uint64
		switch {
		case w >= 8:
			k0, k1 = load64(text, a), load64(text, b-8)
		case a+8 <= len(text):
			k0 = load64(text, a) & lowBytes[w&7]
		default:
			return k, n // a word in the text's last eight bytes: get
		}
		e := &c.slot[spanSlot(k0, k1, w)]
		if e.k0 != k0 || e.k1 != k1 || int(e.nsel>>1) != w {
			return k, n
		}
		if w > 16 {
			// The bytes between the keys, eight at a time (the last
			// eight end where k1 starts; bytes compared twice are
			// equal): a string comparison is a call, which would make
			// this loop keep its values on the stack.
			p := int(e.start)
			for off := 8; off < w-8; off += 8 {
				o := min(off, w-16)
				if load64(text, p+o) != load64(text, a+o) {
					return k, n
				}
			}
		}
		out[n] = rep{a, b}
		n += int(e.nsel & 1)
	}
	return k, n
}

// spanCache is a direct-mapped cache of decisions for one pass of
// selectAll, keyed by the words of the text being mutated. A slot holds
// the word's first and last eight bytes (two loads from the text, no
// pass over it), its length and the bounds of its last occurrence: a
// word of up to 16 bytes is told by the two keys and its length alone,
// with no string comparison, and no pointer is written per put (a string
// is, with a write barrier while the collector runs).
type spanCache struct {
	text string
	slot [spanCacheSlots]spanSlotEntry
	off  bool // every get misses (Mutator.plain, or a text over 2 GB)
}

// spanSlotEntry is one slot of a spanCache.
type spanSlotEntry struct {
	k0, k1 uint64 // wordKeys
	start  uint32 // of the last occurrence: text[start:start+n]
	nsel   uint32 // n<<1 | sel; 0: no word
}

// spanCacheSlots: a 64 KB request's ~930 distinct names missed 1,387
// times in 256 slots hashed on three bytes, 939 times in 512 with the
// last but one byte hashed too (total123, total133).
const spanCacheSlots = 512

// wordKeys returns text[a:b]'s first eight bytes and its last eight
// (little-endian; a word shorter than eight bytes is its bytes, zero
// above them, and 0): together with the length they are the word when it
// has at most 16 bytes.
func wordKeys(text string, a, b int) (k0, k1 uint64) {
	n := b - a
	if n >= 8 {
		return load64(text, a), load64(text, b-8)
	}
	switch {
	case a+8 <= len(text):
		k0 = load64(text, a) & (1<<(8*n) - 1)
	case b >= 8:
		k0 = load64(text, b-8) >> (64 - 8*n)
	default:
		for i := b - 1; i >= a; i-- {
			k0 = k0<<8 | uint64(text[i])
		}
	}
	return k0, 0
}

// lowBytes[n] keeps a word's n low bytes (n < 8).
var lowBytes = [8]uint64{0, 1<<8 - 1, 1<<16 - 1, 1<<24 - 1, 1<<32 - 1, 1<<40 - 1, 1<<48 - 1, 1<<56 - 1}

// spanSlot hashes a word's keys and length to a slot.
func spanSlot(k0, k1 uint64, n int) int {
	h := (k0 ^ bits.RotateLeft64(k1, 29) ^ uint64(n)) * 0x9E3779B97F4A7C15
	return int(h >> (64 - 9)) // spanCacheSlots = 1<<9
}

func (c *spanCache) reset() {
	clear(c.slot[:])
}

// get looks up the word text[a:b].
func (c *spanCache) get(a, b int) (sel, ok bool) {
	if c.off || a >= b {
		return false, false
	}
	n := b - a
	k0, k1 := wordKeys(c.text, a, b)
	e := &c.slot[spanSlot(k0, k1, n)]
	if e.k0 != k0 || e.k1 != k1 || int(e.nsel>>1) != n {
		return false, false
	}
	if n > 16 && c.text[int(e.start)+8:int(e.start)+n-8] != c.text[a+8:b-8] {
		return false, false
	}
	return e.nsel&1 != 0, true
}

// put records the decision on the word text[a:b].
func (c *spanCache) put(a, b int, sel bool) {
	if c.off || a >= b {
		return
	}
	n := b - a
	k0, k1 := wordKeys(c.text, a, b)
	e := &c.slot[spanSlot(k0, k1, n)]
	e.k0, e.k1, e.start, e.nsel = k0, k1, uint32(a), uint32(n)<<1|uint32(b2i(sel))
}

// recent is a direct-mapped cache of strings seen (PairSetOf): keys are
// the caller's and die with it.
type recent struct {
	slot [recentSlots]struct {
		name string
		sel  bool
	}
	off bool // every get misses
}

const recentSlots = 256

// recentIndex hashes a name cheaply from its length and three bytes.
func recentIndex(name string) int {
	n := len(name)
	return int(uint(n)*131+uint(name[0])*31+uint(name[n-1])*7+uint(name[n/2])) % recentSlots
}

func (r *recent) get(name string) (sel, ok bool) {
	if r.off || name == "" {
		return false, false
	}
	e := &r.slot[recentIndex(name)]
	if e.name == name {
		return e.sel, true
	}
	return false, false
}

func (r *recent) put(name string, sel bool) {
	if name == "" {
		return
	}
	e := &r.slot[recentIndex(name)]
	e.name, e.sel = name, sel
}

// selected records that name is mutated from now on: queued for a
// synthetic, and replaced wherever it appears, code and text alike
// (keywords excepted in code). It reports whether code occurrences of name
// had been passed over before.
func (s *Session) selected(name string) (flipped bool) {
	return s.selectedOwned(strings.Clone(name)) // see selectCode
}

// selectedOwned is selected for a name the session may keep: an owned
// copy, never a slice of the text.
func (s *Session) selectedOwned(name string) (flipped bool) {
	s.queue(name)
	if _, kw := s.m.sets.excluded[name]; kw {
		return false
	}
	v, ok := s.codeSel.get(name)
	s.codeSel.set(name, true)
	return ok && !v
}

// queue is the text side of selected, for an owned name: a synthetic is
// issued for it (unless it has one) and its words in text are replaced.
func (s *Session) queue(name string) {
	if _, ok := s.o2s[name]; !ok {
		s.fresh = append(s.fresh, name)
	}
	s.textSel.set(name, true)
}

// skipStdMembers marks names used as members of a standard package or
// global object (strings.TrimSpace, Math.floor, std::mem::take) as not
// proprietary, unless they name PHI. The decision is per name, so the same
// name elsewhere in the session is left alone as well.
func (s *Session) skipStdMembers(text string) {
	sets := s.m.sets
	prev := -1
	for k, sp := range s.spans {
		if sp.kind != spanIdent {
			continue
		}
		if prev >= 0 {
			p := s.spans[prev]
			sep := text[p.end:sp.start]
			if sep == "." || sep == "::" {
				if _, std := sets.stdPkgs[text[p.start:p.end]]; std {
					name := text[sp.start:sp.end]
					if _, decided := s.codeSel.get(name); !decided && !sets.isPHI(name, &s.sc) {
						s.codeSel.set(strings.Clone(name), false)
					}
				}
			}
		}
		prev = k
	}
}

// selectCode decides for one code identifier.
func (s *Session) selectCode(name string, lang Lang) bool {
	if v, ok := s.codeSel.get(name); ok {
		return v
	}
	sets := s.m.sets
	var sel bool
	owned := ""
	switch {
	case isSynthetic(name):
	case s.phiOwned(name, &owned):
		_, kw := sets.excluded[name]
		sel = !kw
	case s.m.policy == PolicyAll:
		sel = !sets.excludedName(name, lang, &s.sc)
	}
	if !sel && s.unrecorded() {
		return false
	}
	// Keys are copies: a slice of text would keep the whole text alive
	// for as long as the session (a proxy holds it for the response).
	if owned == "" {
		owned = strings.Clone(name)
	}
	name = owned
	s.codeSel.set(name, sel)
	if sel {
		// What selected adds for code is done: a selected name is no
		// keyword (excluded), and its code decision is the one just
		// set, so nothing flips.
		s.queue(name)
	}
	return sel
}

// selectWord decides for one word of comment, string or prose text.
func (s *Session) selectWord(w string) (sel, flipped bool) {
	if v, ok := s.textSel.get(w); ok {
		return v, false
	}
	sets := s.m.sets
	owned := ""
	switch {
	case isSynthetic(w) || isDigit(w[0]):
	case s.phiOwned(w, &owned):
		sel = true
	case s.m.policy == PolicyAll:
		// A name the code already showed to be someone else's
		// (strings.TrimSpace) stays alone in prose too.
		if v, decided := s.codeSel.get(w); decided && !v {
			break
		}
		sel = sets.identifierShaped(w, &s.sc) && !sets.excludedName(w, LangText, &s.sc)
	}
	if !sel && s.unrecorded() {
		return false, false
	}
	if owned == "" {
		owned = strings.Clone(w) // see selectCode
	}
	w = owned
	s.textSel.set(w, sel)
	if sel {
		flipped = s.selectedOwned(w)
	}
	return sel, flipped
}

// unrecorded reports whether a name passed over is left out of the
// session's decision maps. Under PolicyPHI a decision the session did not
// override (selected, AddPairs, a PairSet: all of them select) is a
// function of the name alone, so deciding it again on the next miss gives
// the same answer; recording it cost a copy of the name and two map
// inserts per distinct name, most of which are never selected. Under
// PolicyAll a code decision also depends on the language it was made in
// and on skipStdMembers, and a word in prose on whether the code passed it
// over, so every decision is kept.
func (s *Session) unrecorded() bool { return s.m.policy == PolicyPHI && !s.m.plain }

// phiOwned is isPHI for a switch case; it leaves the owned copy of name
// in *owned when there is one.
func (s *Session) phiOwned(name string, owned *string) bool {
	phi, o := s.isPHI(name)
	*owned = o
	return phi
}

func (s *Session) phrase(a, b string) bool {
	if len(a) > 32 || len(b) > 32 || phraseLens>>len(a)&1 == 0 || phraseLens>>len(b)&1 == 0 {
		return false
	}
	var la, lb [32]byte
	lowerInto(la[:], a)
	lowerInto(lb[:], b)
	return s.m.sets.isPair(la[:len(a)], lb[:len(b)])
}

// phraseLens has bit n set when a word of n bytes can be either word of a
// phiPairs phrase (the second with a plural s), so that most pairs of
// words are turned away before they are lowercased and compared.
var phraseLens = func() (m uint64) {
	for _, p := range phiPairs {
		m |= 1<<len(p[0]) | 1<<len(p[1]) | 1<<(len(p[1])+1)
	}
	return m
}()

// isSynthetic reports whether name is, or starts with, something that is
// synthetic-shaped; such names are never mutated again.
func isSynthetic(name string) bool {
	if len(name) < 2 || name[0] != '_' {
		return false
	}
	n, _ := synthAt(name, 0)
	return n > 0
}

// assign issues synthetics for names (sorted, none already mapped),
// resolving collisions by rehashing with an attempt counter.
func (s *Session) assign(names []string) {
	if len(names) > 0 {
		s.ownPairs()
	}
	for _, name := range names {
		if _, done := s.o2s[name]; done {
			continue // queued twice
		}
		e := s.firstSynth(name)
		k := e.k
		for attempt := uint32(0); ; attempt++ {
			canon, issued := e.canon, e.issued
			if attempt > 0 {
				canon = canonical(s.mac, &s.msg, k, name, attempt, s.m.entropy)
				issued = applyShape(canon, k, shapeOf(name))
			}
			if _, taken := s.s2o[canon]; taken {
				s.collisions++
				continue
			}
			s.s2o[canon] = len(s.pairs)
			s.pairs = append(s.pairs, pair{syn: issued, orig: name, k: k})
			s.o2s[name] = issued
			break
		}
	}
}

// reserve sizes the pair tables for n new pairs when the session holds
// none yet (its first text, as a rule): one allocation each, of the size
// needed. Sized from the text's length instead (256 pairs for 64 KB), a
// text with 200 new names had tables twice the size needed, each slot
// initialised.
func (s *Session) reserve(n int) {
	if len(s.pairs) == 0 && !s.shared && n > 8 {
		s.o2s = make(map[string]string, n)
		s.s2o = make(map[string]int, n)
		s.pairs = make([]pair, 0, n)
	}
}

// firstSynth returns name's kind and first canonical synthetic.
func (s *Session) firstSynth(name string) synthEntry {
	var e synthEntry
	cached := false
	if s.m.entropy == 0 {
		e, cached = s.m.synths.get(name)
	}
	if !cached {
		e.k = s.m.sets.kindOf(name, &s.sc)
		e.canon = canonical(s.mac, &s.msg, e.k, name, 0, s.m.entropy)
		e.issued = applyShape(e.canon, e.k, shapeOf(name))
		if s.m.entropy == 0 {
			s.m.synths.put(name, e)
		}
	}
	return e
}

// assignUnsorted is assign in the order of names, when no name's first
// synthetic is taken (by a pair the session holds or another of names):
// then each name gets its first synthetic, whatever the order. It
// reports false, with the session as it was, when one is taken; the
// caller then sorts names and assigns.
func (s *Session) assignUnsorted(names []string) bool {
	if s.m.plain {
		return false // tests: the sorted assignment, always
	}
	if len(names) == 0 {
		return true
	}
	s.ownPairs()
	n0 := len(s.pairs)
	for _, name := range names {
		if _, done := s.o2s[name]; done {
			continue // queued twice
		}
		e := s.firstSynth(name)
		if _, taken := s.s2o[e.canon]; taken {
			for _, p := range s.pairs[n0:] {
				delete(s.o2s, p.orig)
				delete(s.s2o, canonOf(p.syn))
			}
			clear(s.pairs[n0:])
			s.pairs = s.pairs[:n0]
			return false
		}
		issued := e.issued
		s.s2o[e.canon] = len(s.pairs)
		s.pairs = append(s.pairs, pair{syn: issued, orig: name, k: e.k})
		s.o2s[name] = issued
	}
	return true
}

// AddPairs teaches the session pairs issued earlier (synthetic → original),
// without deriving them again: a proxy that remembers how it mutated a text
// reuses that text and adds the pairs it used. The session reverses them
// from now on and, when it can mutate, replaces those originals in later
// texts with the same synthetics. A pair the session already holds is a
// no-op. A synthetic that is malformed or stands for another original here
// is an error, and then the session is unchanged. An original that already
// has a different synthetic (a collision was resolved differently) keeps
// it for mutating, and the added synthetic is reversed to it as well.
func (s *Session) AddPairs(pairs map[string]string) error {
	if s.done {
		return errDone
	}
	syns := make([]string, 0, len(pairs))
	for syn, orig := range pairs {
		n, _ := synthAt(syn, 0)
		if syn == "" || n != len(syn) {
			return fmt.Errorf("add pairs: %q is not a synthetic", syn)
		}
		if orig == "" {
			return fmt.Errorf("add pairs: empty original for %s", syn)
		}
		if idx, ok := s.s2o[canonOf(syn)]; ok && s.pairs[idx].orig != orig {
			return fmt.Errorf("add pairs: %s already stands for another name", syn)
		}
		syns = append(syns, syn)
	}
	// Sorted so that the session's pairs (and a map written from it) do
	// not depend on map iteration order.
	sort.Strings(syns)
	s.ownPairs()
	if s.o2s == nil {
		s.o2s, s.s2o = make(map[string]string, len(syns)), make(map[string]int, len(syns))
	}
	for _, syn := range syns {
		c := canonOf(syn)
		if _, ok := s.s2o[c]; ok {
			continue
		}
		orig := strings.Clone(pairs[syn])
		syn = strings.Clone(syn)
		s.s2o[c] = len(s.pairs)
		s.pairs = append(s.pairs, pair{syn: syn, orig: orig, k: kindOfCanon(c)})
		if _, ok := s.o2s[orig]; ok {
			continue
		}
		s.o2s[orig] = syn
		if s.m != nil {
			// Selected, as if mutating had chosen it (selected).
			s.textSel.set(orig, true)
			if _, kw := s.m.sets.excluded[orig]; !kw {
				s.codeSel.set(orig, true)
			}
		}
	}
	return nil
}

// errDone: the session was told it mutates no more (DoneMutating).
var errDone = errors.New("add pairs: the session is done mutating")

// canonOf is the lookup form of a well-formed synthetic.
func canonOf(syn string) string {
	var canon [maxSynthLen]byte
	lowerInto(canon[:], syn)
	return string(canon[:len(syn)])
}

// kindOfCanon reads the kind a canonical synthetic was issued for from
// its prefix.
func kindOfCanon(c string) kind {
	switch c[1] {
	case 'c':
		return kindCls
	case 'f':
		return kindFn
	}
	return kindVar
}

// selMap holds a session's decisions per word: its own, over those of a
// PairSet it adopted (base, read only, shared with other sessions). Own
// decisions win; adopt drops the own ones the set decides, so the result
// is what loading the set pair by pair would have left.
type selMap struct {
	own, base map[string]bool
	// seen has the bit (selBit) of every word set in own: a word whose
	// bit is clear is not there, without hashing it for the map. Under
	// PolicyPHI own holds only the selected names, and most lookups
	// (each distinct name, on its first miss in the per-pass cache) are
	// of names it does not hold. Bits stay set when adopt deletes words.
	seen [selBits / 64]uint64
}

const selBits = 2048

// selBit hashes a word cheaply from its length and four bytes.
func selBit(w string) uint {
	n := len(w)
	if n == 0 {
		return 0
	}
	x := uint64(n) | uint64(w[0])<<8 | uint64(w[n-1])<<16 | uint64(w[n/2])<<24 | uint64(w[max(n-2, 0)])<<32
	return uint(x * 0x9E3779B97F4A7C15 >> (64 - 11))
}

func (m *selMap) get(w string) (v, ok bool) {
	if b := selBit(w); m.seen[b/64]&(1<<(b%64)) != 0 {
		if v, ok = m.own[w]; ok {
			return v, ok
		}
	}
	if m.base == nil {
		return false, false
	}
	v, ok = m.base[w]
	return v, ok
}

func (m *selMap) set(w string, v bool) {
	b := selBit(w)
	m.seen[b/64] |= 1 << (b % 64)
	m.own[w] = v
}

// len is the number of decisions, counting a word decided in both maps
// twice (callers only ask whether there are any).
func (m *selMap) len() int { return len(m.own) + len(m.base) }

// ownPairs makes the session's pair tables its own before it writes to
// them, if they are still an adopted PairSet's.
func (s *Session) ownPairs() {
	if s.shared {
		s.o2s, s.s2o = maps.Clone(s.o2s), maps.Clone(s.s2o)
		s.pairs = slices.Clone(s.pairs)
		s.shared = false
	}
}
