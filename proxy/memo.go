package proxy

import (
	"errors"
	"hash/maphash"
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

type memoKey struct {
	h uint64
	n int
}

type memoEntry struct {
	out   string
	pairs map[string]string // synthetic -> original, the ones out uses
	size  int
}

type mutMemo struct {
	seed  maphash.Seed
	mu    sync.Mutex
	m     map[memoKey]*memoEntry
	fifo  []memoKey
	bytes int
	max   int
}

func newMutMemo(maxBytes int) *mutMemo {
	return &mutMemo{seed: maphash.MakeSeed(), m: map[memoKey]*memoEntry{}, max: maxBytes}
}

func (mm *mutMemo) key(text, lang string) memoKey {
	var h maphash.Hash
	h.SetSeed(mm.seed)
	h.WriteString(lang)
	h.WriteByte(0)
	h.WriteString(text)
	return memoKey{h: h.Sum64(), n: len(text)}
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
	mm.m[k] = e
	mm.fifo = append(mm.fifo, k)
	mm.bytes += e.size
}

// mutateAll mutates a request's texts, taking known ones from the memo.
func (m *mutateSession) mutateAll(texts, langs []string) ([]mtext, error) {
	out := make([]mtext, len(texts))
	if m.memo == nil {
		for i, t := range texts {
			out[i] = mutateText(m.s, t, mutate.Lang(langs[i]))
		}
		return out, nil
	}
	keys := make([]memoKey, len(texts))
	var hits []*memoEntry
	var fresh []int
	for i, t := range texts {
		if len(t) >= minMemoText && len(t) <= maxMemoText {
			keys[i] = m.memo.key(t, langs[i])
			if e := m.memo.get(keys[i]); e != nil {
				out[i] = mtext{base: e.out}
				hits = append(hits, e)
				continue
			}
		}
		out[i] = mutateText(m.s, t, mutate.Lang(langs[i]))
		fresh = append(fresh, i)
	}
	pairs := m.s.Pairs()
	for _, i := range fresh {
		if keys[i] != (memoKey{}) {
			m.memo.put(keys[i], newMemoEntry(out[i].String(), pairs))
		}
	}
	for _, e := range hits {
		// The session learns the memoised pairs as they are; one that
		// would make a synthetic stand for two names (an HMAC collision
		// resolved differently back then) sends the request round again.
		if err := m.s.AddPairs(e.pairs); err != nil {
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

// newMemoEntry keeps the pairs whose synthetic appears in out.
func newMemoEntry(out string, pairs map[string]string) *memoEntry {
	// Clones: out and the originals may alias the request body, which the
	// memo must not keep alive.
	e := &memoEntry{out: strings.Clone(out), pairs: map[string]string{}, size: len(out) + 64}
	for syn, orig := range pairs {
		if strings.Contains(out, syn) {
			e.pairs[syn] = strings.Clone(orig)
			e.size += len(syn) + len(orig) + 32
		}
	}
	return e
}
