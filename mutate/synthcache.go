package mutate

import (
	"hash/maphash"
	"strings"
	"sync"
)

// nameCache remembers, per name, facts a Mutator derives from the name
// alone (with its key): pure functions, so a hit gives exactly what
// deriving them again would. A proxy's never-seen request still names
// mostly what earlier requests named. Keys are owned copies, never slices
// of a text. Safe for concurrent use.
type nameCache[V any] struct {
	seed   maphash.Seed
	shards [nameShards]nameShard[V]
}

const (
	nameShards = 16
	// nameShardMax bounds a shard; a full shard starts over. 16 × 2,048
	// names of at most nameMaxLen bytes: a few MB at worst.
	nameShardMax = 2048
	nameMaxLen   = 64
)

type nameShard[V any] struct {
	mu sync.Mutex
	m  map[string]V
}

func newNameCache[V any]() *nameCache[V] { return &nameCache[V]{seed: maphash.MakeSeed()} }

func (c *nameCache[V]) shard(name string) *nameShard[V] {
	return &c.shards[maphash.String(c.seed, name)%nameShards]
}

func (c *nameCache[V]) get(name string) (v V, ok bool) {
	if c == nil || len(name) > nameMaxLen {
		return v, false
	}
	sh := c.shard(name)
	sh.mu.Lock()
	v, ok = sh.m[name]
	sh.mu.Unlock()
	return v, ok
}

// put records v for name, which the caller owns.
func (c *nameCache[V]) put(name string, v V) {
	if c == nil || len(name) > nameMaxLen {
		return
	}
	sh := c.shard(name)
	sh.mu.Lock()
	if sh.m == nil || len(sh.m) >= nameShardMax {
		sh.m = make(map[string]V, 64)
	}
	sh.m[name] = v
	sh.mu.Unlock()
}

// synthEntry is what assign derives from a name: its kind and the
// canonical synthetic of the first attempt (an HMAC-SHA256, about a
// microsecond). Collisions are resolved per session: only attempt 0 is
// cached.
type synthEntry struct {
	canon string
	// issued is canon in the name's shape (applyShape, shapeOf): what
	// the name is issued when canon is free, a new string per session
	// for a capitalised name before it was cached.
	issued string
	k      kind
}

// phiEntry is whether a name is PHI (sets.isPHI: split into words, each
// looked up, infixes searched) and an owned copy of the name, which a
// session keys its decision with instead of copying the name again.
type phiEntry struct {
	name string
	phi  bool
}

// isPHI is sets.isPHI through the Mutator's cache. owned is name, owned
// (never a slice of the text), when the cache had or took it; "" when not.
func (s *Session) isPHI(name string) (phi bool, owned string) {
	if s.unrecorded() && !s.m.sets.gate.mayBePHI(name) {
		// Most names: no owned copy is needed, as a name passed over is
		// not recorded (PolicyAll records it, and takes the cache's copy).
		return false, ""
	}
	if e, ok := s.m.phis.get(name); ok {
		return e.phi, e.name
	}
	phi = s.m.sets.isPHI(name, &s.sc)
	if s.m.phis != nil && len(name) <= nameMaxLen {
		owned = strings.Clone(name)
		s.m.phis.put(owned, phiEntry{name: owned, phi: phi})
	}
	return phi, owned
}
