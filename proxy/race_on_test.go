//go:build race

package proxy

// raceEnabled: the race detector slows the every-offset split test about
// tenfold, so under -race it walks the offsets with a stride.
const raceEnabled = true
