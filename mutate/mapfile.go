package mutate

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
)

// mapFormat identifies a map file; mapVersion is its schema version.
const (
	mapFormat  = "pretense-mutation-map"
	mapVersion = 1
)

type mapFile struct {
	Format  string     `json:"format"`
	Version int        `json:"version"`
	Pairs   []mapEntry `json:"pairs"`
}

type mapEntry struct {
	Synthetic string `json:"synthetic"`
	Original  string `json:"original"`
}

// maxMapSize bounds how much ReadMap reads (64 MiB).
const maxMapSize = 64 << 20

// WriteMap writes the session's pairs as JSON, sorted by synthetic. The
// file holds the originals: whoever stores it must protect it like the
// source it came from.
func WriteMap(w io.Writer, s *Session) error {
	mf := mapFile{Format: mapFormat, Version: mapVersion, Pairs: make([]mapEntry, 0, len(s.pairs))}
	for _, p := range s.pairs {
		mf.Pairs = append(mf.Pairs, mapEntry{Synthetic: p.syn, Original: p.orig})
	}
	sort.Slice(mf.Pairs, func(i, j int) bool { return mf.Pairs[i].Synthetic < mf.Pairs[j].Synthetic })
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(mf); err != nil {
		return fmt.Errorf("write mutation map: %w", err)
	}
	return nil
}

// ReadMap reads a map written by WriteMap into a session that can reverse
// (Reverse, NewStreamReverser) but not mutate.
func ReadMap(r io.Reader) (*Session, error) {
	var mf mapFile
	dec := json.NewDecoder(io.LimitReader(r, maxMapSize))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&mf); err != nil {
		return nil, fmt.Errorf("read mutation map: %w", err)
	}
	if mf.Format != mapFormat {
		return nil, fmt.Errorf("read mutation map: format %q, want %q", mf.Format, mapFormat)
	}
	if mf.Version != mapVersion {
		return nil, fmt.Errorf("read mutation map: version %d, want %d", mf.Version, mapVersion)
	}
	s := &Session{o2s: make(map[string]string, len(mf.Pairs)), s2o: make(map[string]int, len(mf.Pairs))}
	for i, e := range mf.Pairs {
		n, _ := synthAt(e.Synthetic, 0)
		if e.Synthetic == "" || n != len(e.Synthetic) {
			return nil, fmt.Errorf("read mutation map: pair %d: %q is not a synthetic", i+1, e.Synthetic)
		}
		if e.Original == "" {
			return nil, fmt.Errorf("read mutation map: pair %d: empty original", i+1)
		}
		c := canonOf(e.Synthetic)
		if _, dup := s.s2o[c]; dup {
			return nil, fmt.Errorf("read mutation map: pair %d: duplicate synthetic %s", i+1, e.Synthetic)
		}
		if _, dup := s.o2s[e.Original]; dup {
			return nil, fmt.Errorf("read mutation map: pair %d: original listed twice", i+1)
		}
		s.s2o[c] = len(s.pairs)
		s.pairs = append(s.pairs, pair{syn: e.Synthetic, orig: e.Original, k: kindOfCanon(c)})
		s.o2s[e.Original] = e.Synthetic
	}
	return s, nil
}
