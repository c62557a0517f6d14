package proxy

import "sync"

// cleanCache remembers texts the rules found nothing in. Agents resend the
// whole conversation every turn, so without it each turn rescans every
// earlier turn; with it only new text is scanned. A text is known by its
// fingerprint (fingerprint.go, a 128-bit GMAC under a per-process random
// key), so a forged collision is not practical; a false hit would let one
// text skip the scan. Only clean results are cached: a text with a finding
// is rescanned (and refused) every time. Entries are evicted first in,
// first out.
type cleanCache struct {
	mu   sync.Mutex
	set  map[fingerprint]struct{}
	ring []fingerprint
	next int
}

// minCachedText is the shortest text worth remembering: short texts scan
// in microseconds.
const minCachedText = 512

func newCleanCache(entries int) *cleanCache {
	return &cleanCache{set: make(map[fingerprint]struct{}, entries), ring: make([]fingerprint, entries)}
}

// clean reports whether text was scanned clean before.
func (c *cleanCache) clean(text string) bool {
	if c == nil || len(text) < minCachedText {
		return false
	}
	return c.cleanFP(fingerprintOf(text))
}

// cleanFP is clean for a text whose fingerprint is known; the zero
// fingerprint (a text too short to remember) is never clean.
func (c *cleanCache) cleanFP(f fingerprint) bool {
	if c == nil || f == (fingerprint{}) {
		return false
	}
	c.mu.Lock()
	_, ok := c.set[f]
	c.mu.Unlock()
	return ok
}

// add records texts found clean.
func (c *cleanCache) add(texts []string) {
	if c == nil {
		return
	}
	c.addFP(fingerprints(texts))
}

// addFP records the fingerprints of texts found clean (zero ones skipped).
func (c *cleanCache) addFP(fps []fingerprint) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, f := range fps {
		if f == (fingerprint{}) {
			continue
		}
		if _, ok := c.set[f]; ok {
			continue
		}
		if old := c.ring[c.next]; old != (fingerprint{}) {
			delete(c.set, old)
		}
		c.ring[c.next] = f
		c.set[f] = struct{}{}
		c.next = (c.next + 1) % len(c.ring)
	}
}
