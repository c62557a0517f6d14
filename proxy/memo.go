package proxy

import (
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/pretense/pretense/mutate"
)

// Agents resend the whole conversation every turn, so most of a request is
// text the proxy mutated before. The memo keeps, per text and language, the
// mutated text and the pairs it used. A request whose texts are all known
// skips the lexer; the request's reversal session is then rebuilt from the
// union of the pairs. Synthetics are a keyed HMAC of the name, so a memoised
// text is exactly what mutating it again would give, except after an HMAC
// collision forced a rehash; pairs in which one synthetic would stand for
// two names are detected and the request is mutated afresh.

// errMutate wraps failures of the mutation step (the request is refused).
var errMutate = errors.New("mutate request")

const (
	// memoMaxBytes bounds what the memo holds (mutated text and originals).
	memoMaxBytes = 64 << 20
	// minMemoText: shorter texts mutate in microseconds.
	minMemoText = 1024
	// maxMemoText: a text this large is rare enough to mutate again, and
	// remembering it would hold a second copy while the request is live.
	maxMemoText = 512 << 10
)

// memoKey is a text's fingerprint (fingerprint.go) and its language.
type memoKey struct {
	fp   fingerprint
	lang string
}

type memoEntry struct {
	// quoted is the mutated text as the JSON string sent upstream, quotes
	// included, so a resent text is neither lexed nor quoted again; empty
	// when mutating changed nothing (the client's bytes are sent) or when
	// splices stand for it.
	quoted string
	// splices is the mutated text of a text known by its JSON string as
	// sent (a raw fingerprint, rawLen bytes): those bytes with splices
	// applied (rawSplices), written from the resent request's own bytes.
	splices *spliceSet
	rawLen  int
	set     *mutate.PairSet // the pairs the text uses; nil when none
	size    int
}

// keep reports whether the text mutates to itself.
func (e *memoEntry) keep() bool { return e.quoted == "" && e.splices == nil }

type mutMemo struct {
	mu    sync.Mutex
	m     map[memoKey]*memoEntry
	fifo  []memoKey
	bytes int
	max   int
}

func newMutMemo(maxBytes int) *mutMemo {
	return &mutMemo{m: map[memoKey]*memoEntry{}, max: maxBytes}
}

// key is the memo key of text in lang; f is text's fingerprint if known
// (zero: computed here).
func (mm *mutMemo) key(text, lang string, f fingerprint) memoKey {
	if f == (fingerprint{}) {
		f = fingerprintOf(text)
	}
	return memoKey{fp: f, lang: lang}
}

func (mm *mutMemo) get(k memoKey) *memoEntry {
	mm.mu.Lock()
	defer mm.mu.Unlock()
	return mm.m[k]
}

func (mm *mutMemo) put(k memoKey, e *memoEntry) {
	mm.mu.Lock()
	defer mm.mu.Unlock()
	if _, ok := mm.m[k]; ok || e.size > mm.max/4 {
		return
	}
	for mm.bytes+e.size > mm.max && len(mm.fifo) > 0 {
		old := mm.fifo[0]
		mm.fifo = mm.fifo[1:]
		if oe, ok := mm.m[old]; ok {
			mm.bytes -= oe.size
			delete(mm.m, old)
		}
	}
	k.lang = strings.Clone(k.lang) // it may alias a request
	mm.m[k] = e
	mm.fifo = append(mm.fifo, k)
	mm.bytes += e.size
}

// mutateAll mutates a request's texts, taking known ones from the memo.
func (m *mutateSession) mutateAll(texts, langs []string, fps []fingerprint, read func(i int) string, raw func(i int) ([]byte, escTable)) ([]mtext, error) {
	// The request's texts are all mutated here, once: the session's
	// decision maps go back to the Mutator for the next request (the
	// session still reverses the answer).
	defer func() { m.s.DoneMutating() }()
	out := make([]mtext, len(texts))
	unread := func(i int) bool { return texts[i] == "" && read != nil && fps[i] != (fingerprint{}) }
	owned := false
	text := func(i int) string {
		if unread(i) {
			if !owned {
				// Unread texts are read into a copy, made only when one
				// is: the caller's list stays as it was.
				texts, owned = slices.Clone(texts), true
			}
			texts[i] = read(i)
		}
		return texts[i]
	}
	if m.memo == nil {
		for i := range texts {
			out[i] = mutateText(m.s, text(i), mutate.Lang(langs[i]))
		}
		return out, nil
	}
	keys := make([]memoKey, len(texts))
	var hits []*memoEntry
	var fresh []int
	for i, t := range texts {
		unread := unread(i)
		if unread || len(t) >= minMemoText && len(t) <= maxMemoText {
			var f fingerprint
			if fps != nil {
				f = fps[i]
			}
			keys[i] = m.memo.key(t, langs[i], f)
			if e := m.memo.get(keys[i]); e != nil && m.fits(e, i, raw) {
				out[i] = mtext{base: t, quoted: e.quoted, keep: e.keep()}
				if e.splices != nil {
					out[i].splices = e.splices
					out[i].raw, _ = raw(i)
				}
				if e.set != nil {
					hits = append(hits, e)
				}
				continue
			}
			if unread {
				t = text(i)
				if len(t) < minMemoText || len(t) > maxMemoText {
					keys[i] = memoKey{}
				}
			}
		}
		out[i] = mutateText(m.s, t, mutate.Lang(langs[i]))
		fresh = append(fresh, i)
	}
	for _, i := range fresh {
		if keys[i] != (memoKey{}) {
			var r []byte
			var esc escTable
			if raw != nil {
				r, esc = raw(i)
			}
			if e := m.newMemoEntry(out[i], r, esc); e != nil {
				// The request sends the form the memo keeps, so that
				// every send of these bytes goes upstream the same; a
				// quoted text is quoted once, here, not again as it is
				// sent.
				out[i].quoted = e.quoted
				if e.splices != nil {
					out[i].splices, out[i].raw = e.splices, r
				}
				m.memo.put(keys[i], e)
			}
		}
	}
	for _, e := range hits {
		// The session learns the memoised pairs as they are; one that
		// would make a synthetic stand for two names (an HMAC collision
		// resolved differently back then) sends the request round again.
		if err := m.s.AddPairSet(e.set); err != nil {
			for i := range texts {
				text(i)
			}
			return m.mutateFresh(texts, langs)
		}
	}
	return out, nil
}

// mutateFresh mutates every text in a new session, ignoring the memo.
func (m *mutateSession) mutateFresh(texts, langs []string) ([]mtext, error) {
	m.s = m.m.NewSession()
	out := make([]mtext, len(texts))
	for i, t := range texts {
		out[i] = mutateText(m.s, t, mutate.Lang(langs[i]))
	}
	return out, nil
}

// fits reports whether memo entry e applies to text i: an entry of
// splices only to the very bytes it was made from (raw(i), which its raw
// fingerprint key names; the length is checked as well).
func (m *mutateSession) fits(e *memoEntry, i int, raw func(i int) ([]byte, escTable)) bool {
	if e.splices == nil {
		return true
	}
	if raw == nil {
		return false
	}
	r, _ := raw(i)
	return len(r) == e.rawLen
}

// newMemoEntry remembers mt, just mutated in this session: its mutated
// form and the pairs its replacements use. Neither aliases the request
// body, which the memo must not keep alive. raw, when not nil, is the JSON
// string mt.base was decoded from (esc: its escape table, or nil), and the
// text's memo key is its raw fingerprint: the mutated form is then kept as
// splices of it (rawSplices), keeping the client's escapes, so that every send of these
// bytes, first or resent, goes upstream the same. Otherwise it is kept
// quoted. Nil if the pairs cannot be taken (never expected: the synthetics
// were issued by this session).
func (m *mutateSession) newMemoEntry(mt mtext, raw []byte, esc escTable) *memoEntry {
	if len(mt.reps) == 0 {
		return &memoEntry{size: 64}
	}
	// The synthetics, on the stack for a text's usual few hundred
	// replacements (PairSetOf keeps none of syns).
	var synBuf [256]string
	syns := synBuf[:0]
	if len(mt.reps) > len(synBuf) {
		syns = make([]string, 0, len(mt.reps))
	}
	for _, r := range mt.reps {
		syns = append(syns, r.Synthetic)
	}
	set, err := m.s.PairSetOf(syns)
	if err != nil {
		return nil
	}
	if sp, ok := rawSplices(raw, esc, mt); ok && len(sp.sp) > 0 {
		size := 96 + set.Size() + 16*len(sp.sp) + len(sp.syns)
		return &memoEntry{splices: sp, rawLen: len(raw), set: set, size: size}
	}
	q := appendMQuote(make([]byte, 0, len(mt.base)+len(mt.reps)*8+64), mt)
	return &memoEntry{quoted: stringOf(q), set: set, size: len(q) + set.Size() + 64}
}
