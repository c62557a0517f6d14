package mutate

import (
	"hash/maphash"
	"sync"
)

// synthCache remembers, per name, what assign derives from the name alone:
// its kind and the canonical synthetic of the first attempt. Both are pure
// functions of the key and the name, so a hit gives exactly what deriving
// them again would; deriving costs an HMAC-SHA256 (about a microsecond)
// per name, and a proxy's never-seen request still names mostly what
// earlier requests named. Collisions are resolved per session as before:
// only attempt 0 is cached. Safe for concurrent use.
type synthCache struct {
	seed   maphash.Seed
	shards [synthShards]synthShard
}

const (
	synthShards = 16
	// synthShardMax bounds a shard; a full shard starts over. 16 × 2,048
	// names of at most synthMaxName bytes: a few MB at worst.
	synthShardMax = 2048
	synthMaxName  = 64
)

type synthShard struct {
	mu sync.Mutex
	m  map[string]synthEntry
}

type synthEntry struct {
	canon string
	k     kind
}

func newSynthCache() *synthCache { return &synthCache{seed: maphash.MakeSeed()} }

func (c *synthCache) shard(name string) *synthShard {
	return &c.shards[maphash.String(c.seed, name)%synthShards]
}

func (c *synthCache) get(name string) (synthEntry, bool) {
	if c == nil || len(name) > synthMaxName {
		return synthEntry{}, false
	}
	sh := c.shard(name)
	sh.mu.Lock()
	e, ok := sh.m[name]
	sh.mu.Unlock()
	return e, ok
}

// put records e for name, which the caller owns (never a slice of a text).
func (c *synthCache) put(name string, e synthEntry) {
	if c == nil || len(name) > synthMaxName {
		return
	}
	sh := c.shard(name)
	sh.mu.Lock()
	if sh.m == nil || len(sh.m) >= synthShardMax {
		sh.m = make(map[string]synthEntry, 64)
	}
	sh.m[name] = e
	sh.mu.Unlock()
}
