package mutate

// phiGate answers, from a name's bytes alone, whether sets.isPHI could be
// true for it: every way isPHI says yes (a PHI word, a plural of one, a
// stem, a word of a PHI phrase, an infix) needs one of those keys to occur
// in the lowercased name. Most names in a text hold none, and the gate
// tells in a few nanoseconds, where isPHI splits the name into words and
// looks each up, and the Mutator's PHI cache takes a lock and a hash.
type phiGate struct {
	// tri has a bit per three-byte prefix of a key, five bits per byte
	// (letter5); slots lists the keys by that prefix, an open-addressed
	// table (a Go map lookup cost more than the rest of the gate).
	tri   [1 << 15 / 64]uint64
	slots [gateSlots]gateSlot
	// open: some key is shorter than three bytes; the gate lets every name
	// through.
	open bool
}

// gateSlots is a power of two well above the number of distinct key
// prefixes (about a hundred).
const gateSlots = 512

type gateSlot struct {
	t    uint16 // the prefix; 0 ("aaa", no key's) marks an empty slot
	keys []string
}

func gateSlotOf(t uint16) int { return int(uint32(t)*40503>>7) % gateSlots }

// letter5 folds a byte to five bits: a letter of either case to 0-25,
// anything else to 31. A key's bytes and a name's are folded alike, so a
// name holding a key holds its folded prefix; matching then compares the
// bytes themselves (keyAt).
var letter5 = func() (t [256]uint8) {
	for c := range t {
		switch {
		case c >= 'a' && c <= 'z':
			t[c] = uint8(c - 'a')
		case c >= 'A' && c <= 'Z':
			t[c] = uint8(c - 'A')
		default:
			t[c] = 31
		}
	}
	return t
}()

func tri5(a, b, c byte) uint16 {
	return uint16(letter5[a])<<10 | uint16(letter5[b])<<5 | uint16(letter5[c])
}

// newPHIGate indexes what isPHI looks for in s.
func newPHIGate(s *sets) *phiGate {
	g := &phiGate{}
	used := 0
	add := func(k string) {
		t := uint16(0)
		if len(k) >= 3 {
			t = tri5(k[0], k[1], k[2])
		}
		if t == 0 || used >= gateSlots/2 {
			// Shorter than three bytes, "aaa…" (the empty slot's mark)
			// or too many prefixes: let every name through.
			g.open = true
			return
		}
		g.tri[t/64] |= 1 << (t % 64)
		i := gateSlotOf(t)
		for g.slots[i].t != 0 && g.slots[i].t != t {
			i = (i + 1) % gateSlots
		}
		if g.slots[i].t == 0 {
			used++
		}
		g.slots[i].t = t
		g.slots[i].keys = append(g.slots[i].keys, k)
	}
	for w := range s.phi {
		add(w)
	}
	for _, b := range s.stems {
		add(string(b))
	}
	for _, b := range s.infixes {
		add(string(b))
	}
	for _, p := range phiPairs {
		add(p[0])
		add(p[1])
	}
	return g
}

// mayBePHI is false only when isPHI(name) is false.
func (g *phiGate) mayBePHI(name string) bool {
	if g.open {
		return true
	}
	if len(name) < 3 {
		return false // every key is longer
	}
	t := uint16(letter5[name[0]])<<5 | uint16(letter5[name[1]])
	for i := 2; i < len(name); i++ {
		t = (t<<5 | uint16(letter5[name[i]])) & (1<<15 - 1)
		if g.tri[t/64]&(1<<(t%64)) != 0 && g.keyAt(name[i-2:], t) {
			return true
		}
	}
	return false
}

// keyAt reports whether a key with prefix t starts s, compared as
// words() lowercases (ASCII letters only).
func (g *phiGate) keyAt(s string, t uint16) bool {
	i := gateSlotOf(t)
	for g.slots[i].t != t {
		if g.slots[i].t == 0 {
			return false // not reached: tri has t only when a slot does
		}
		i = (i + 1) % gateSlots
	}
next:
	for _, k := range g.slots[i].keys {
		if len(s) < len(k) {
			continue
		}
		for j := 0; j < len(k); j++ {
			c := s[j]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != k[j] {
				continue next
			}
		}
		return true
	}
	return false
}
