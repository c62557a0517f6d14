package proxy

import (
	"hash/maphash"
	"sync"
)

// cleanCache remembers texts the rules found nothing in. Agents resend the
// whole conversation every turn, so without it each turn rescans every
// earlier turn; with it only new text is scanned. A hit is keyed by a
// 64-bit hash under a per-process random seed plus the length, so a forged
// collision is not practical; a false hit would let one text skip the scan.
// Only clean results are cached: a text with a finding is rescanned (and
// refused) every time. Entries are evicted first in, first out.
type cleanCache struct {
	seed maphash.Seed
	mu   sync.Mutex
	set  map[cacheKey]struct{}
	ring []cacheKey
	next int
}

type cacheKey struct {
	h uint64
	n int
}

// minCachedText is the shortest text worth remembering: short texts scan
// in microseconds.
const minCachedText = 512

func newCleanCache(entries int) *cleanCache {
	return &cleanCache{seed: maphash.MakeSeed(), set: make(map[cacheKey]struct{}, entries), ring: make([]cacheKey, entries)}
}

func (c *cleanCache) key(text string) cacheKey {
	return cacheKey{h: maphash.String(c.seed, text), n: len(text)}
}

// clean reports whether text was scanned clean before.
func (c *cleanCache) clean(text string) bool {
	if c == nil || len(text) < minCachedText {
		return false
	}
	k := c.key(text)
	c.mu.Lock()
	_, ok := c.set[k]
	c.mu.Unlock()
	return ok
}

// add records texts found clean.
func (c *cleanCache) add(texts []string) {
	if c == nil {
		return
	}
	keys := make([]cacheKey, 0, len(texts))
	for _, t := range texts {
		if len(t) >= minCachedText {
			keys = append(keys, c.key(t))
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, k := range keys {
		if _, ok := c.set[k]; ok {
			continue
		}
		if old := c.ring[c.next]; old.n != 0 {
			delete(c.set, old)
		}
		c.ring[c.next] = k
		c.set[k] = struct{}{}
		c.next = (c.next + 1) % len(c.ring)
	}
}
