package gitobj

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// encodeIndex writes ents as git writes an index of the given version
// (gitformat-index): entries padded to 8 bytes in v2 and v3, names
// prefix-compressed with git's varint in v4, a trailing checksum of f.
func encodeIndex(f Format, version int, ents []IndexEntry) []byte {
	var b bytes.Buffer
	b.WriteString("DIRC")
	binary.Write(&b, binary.BigEndian, uint32(version))
	binary.Write(&b, binary.BigEndian, uint32(len(ents)))
	prev := ""
	for _, e := range ents {
		start := b.Len()
		var stat [40]byte
		binary.BigEndian.PutUint32(stat[24:], e.Mode)
		b.Write(stat[:])
		b.Write(e.Hash.Bytes())
		flags := uint16(min(len(e.Name), flagNameMask)) | uint16(e.Stage)<<flagStageShift
		var x uint16
		if e.IntentToAdd {
			x |= xflagIntentToAdd
		}
		if e.SkipWorktree {
			x |= xflagSkipWT
		}
		if x != 0 {
			flags |= flagExtended
		}
		binary.Write(&b, binary.BigEndian, flags)
		if x != 0 {
			binary.Write(&b, binary.BigEndian, x)
		}
		if version == 4 {
			common := 0
			for common < len(prev) && common < len(e.Name) && prev[common] == e.Name[common] {
				common++
			}
			b.Write(gitVarint(uint64(len(prev) - common)))
			b.WriteString(e.Name[common:])
			b.WriteByte(0)
		} else {
			b.WriteString(e.Name)
			b.WriteByte(0)
			for (b.Len()-start)%8 != 0 {
				b.WriteByte(0)
			}
		}
		prev = e.Name
	}
	b.Write(sumOf(f, b.Bytes()))
	return b.Bytes()
}

// gitVarint is encode_varint of git's varint.c.
func gitVarint(v uint64) []byte {
	var buf [16]byte
	pos := len(buf) - 1
	buf[pos] = byte(v & 127)
	for v >>= 7; v != 0; v >>= 7 {
		v--
		pos--
		buf[pos] = 128 | byte(v&127)
	}
	return buf[pos:]
}

func indexFixture(f Format) []IndexEntry {
	id := func(s string) Hash { return f.ID(Blob, []byte(s)) }
	long := "src/" + strings.Repeat("a-rather-long-directory/", 10) + "File.java" // > 128 bytes
	huge := "gen/" + strings.Repeat("x", 17000)                                   // strip > 16383: a 3-byte varint
	return []IndexEntry{
		{Name: "README", Mode: 0o100644, Hash: id("r")},
		{Name: "conflict.txt", Mode: 0o100644, Hash: id("base"), Stage: 1},
		{Name: "conflict.txt", Mode: 0o100644, Hash: id("ours"), Stage: 2},
		{Name: "conflict.txt", Mode: 0o100644, Hash: id("theirs"), Stage: 3},
		{Name: huge, Mode: 0o100755, Hash: id("h")},
		{Name: "later.txt", Mode: 0o100644, Hash: id(""), IntentToAdd: true},
		{Name: "link", Mode: 0o120000, Hash: id("target")},
		{Name: long, Mode: 0o100644, Hash: id("l")},
		{Name: "src/b.go", Mode: 0o100644, Hash: id("b")},
		{Name: "sparse/", Mode: 0o40000, Hash: f.ID(Tree, nil), SkipWorktree: true},
		{Name: "sub", Mode: 0o160000, Hash: id("commit")},
	}
}

// TestParseIndexFile reads back what encodeIndex writes, in every version
// and both formats, and refuses damaged files with ErrCorrupt.
func TestParseIndexFile(t *testing.T) {
	for _, f := range []Format{SHA1, SHA256} {
		for _, v := range []int{2, 3, 4} {
			t.Run(fmt.Sprintf("%s/v%d", f, v), func(t *testing.T) {
				want := indexFixture(f)
				if v == 2 { // no extended flags before v3
					want = slicesFilter(want, func(e IndexEntry) bool { return !e.IntentToAdd && !e.SkipWorktree })
				}
				raw := encodeIndex(f, v, want)
				got, err := ParseIndexFile(raw, f)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("read back %d entries, differing from the %d written", len(got), len(want))
				}
				// index.skipHash: an all-zero checksum is not checked.
				skip := bytes.Clone(raw)
				clear(skip[len(skip)-f.Size():])
				if _, err := ParseIndexFile(skip, f); err != nil {
					t.Errorf("skipHash index: %v", err)
				}
				// The other format's reader does not take it.
				other := SHA256
				if f == SHA256 {
					other = SHA1
				}
				if _, err := ParseIndexFile(raw, other); !errors.Is(err, ErrCorrupt) {
					t.Errorf("read as %s: %v, want ErrCorrupt", other, err)
				}
				bad := map[string][]byte{
					"checksum":  func() []byte { b := bytes.Clone(raw); b[20]++; return b }(),
					"truncated": resumFormat(f, append(bytes.Clone(raw[:len(raw)/2]), make([]byte, f.Size())...)),
					"count":     resumFormat(f, func() []byte { b := bytes.Clone(raw); binary.BigEndian.PutUint32(b[8:], 1<<30); return b }()),
					"version":   resumFormat(f, func() []byte { b := bytes.Clone(raw); b[7] = 5; return b }()),
					"signature": resumFormat(f, func() []byte { b := bytes.Clone(raw); b[0] = 'X'; return b }()),
					"namelen":   resumFormat(f, func() []byte { b := bytes.Clone(raw); b[12+40+f.Size()+1]++; return b }()),
				}
				for name, b := range bad {
					if ents, err := ParseIndexFile(b, f); !errors.Is(err, ErrCorrupt) {
						t.Errorf("%s: %d entries, %v; want ErrCorrupt", name, len(ents), err)
					}
				}
			})
		}
	}
	// Extended flags in a v2 index are not v2.
	f := SHA1
	raw := encodeIndex(f, 2, []IndexEntry{{Name: "a", Mode: 0o100644, Hash: f.ID(Blob, nil), IntentToAdd: true}})
	if _, err := ParseIndexFile(raw, f); !errors.Is(err, ErrCorrupt) {
		t.Errorf("v2 with extended flags: %v, want ErrCorrupt", err)
	}
}

func slicesFilter(in []IndexEntry, keep func(IndexEntry) bool) []IndexEntry {
	var out []IndexEntry
	for _, e := range in {
		if keep(e) {
			out = append(out, e)
		}
	}
	return out
}

// TestGitVarint pins the encoder to values git's varint.c gives.
func TestGitVarint(t *testing.T) {
	for _, c := range []struct {
		v    uint64
		want []byte
	}{{0, []byte{0}}, {127, []byte{0x7f}}, {128, []byte{0x80, 0x00}}, {200, []byte{0x80, 0x48}}, {16511, []byte{0xff, 0x7f}}, {16512, []byte{0x80, 0x80, 0x00}}} {
		if got := gitVarint(c.v); !bytes.Equal(got, c.want) {
			t.Errorf("gitVarint(%d) = %x, want %x", c.v, got, c.want)
		}
		if back, n, ok := ParseOfs(c.want); !ok || n != len(c.want) || uint64(back) != c.v {
			t.Errorf("ParseOfs(%x) = %d, %d, %v", c.want, back, n, ok)
		}
	}
}

// FuzzParseIndexFile damages index files (with the checksum fixed up, so
// the layout is what gets fuzzed): no panic, every entry well formed, and
// an index that parses writes back to the same entries.
func FuzzParseIndexFile(f *testing.F) {
	for _, fm := range []Format{SHA1, SHA256} {
		ents := indexFixture(fm)
		ents[4].Name = "gen/" + strings.Repeat("x", 300) // keep seeds small
		for _, v := range []int{3, 4} {
			f.Add(encodeIndex(fm, v, ents), fm == SHA256)
		}
		f.Add(encodeIndex(fm, 2, ents[:4]), fm == SHA256)
	}
	f.Fuzz(func(t *testing.T, raw []byte, sha256 bool) {
		fm := SHA1
		if sha256 {
			fm = SHA256
		}
		if len(raw) >= fm.Size() {
			raw = resumFormat(fm, bytes.Clone(raw))
		}
		ents, err := ParseIndexFile(raw, fm)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v is not ErrCorrupt", err)
			}
			return
		}
		if uint64(len(ents)) != uint64(binary.BigEndian.Uint32(raw[8:12])) {
			t.Fatalf("%d entries, header says %d", len(ents), binary.BigEndian.Uint32(raw[8:12]))
		}
		for _, e := range ents {
			if e.Name == "" || strings.IndexByte(e.Name, 0) >= 0 || e.Hash.Size() != fm.Size() || e.Stage < 0 || e.Stage > 3 {
				t.Fatalf("bad entry %+v", e)
			}
		}
		v := int(binary.BigEndian.Uint32(raw[4:8]))
		again, err := ParseIndexFile(encodeIndex(fm, v, ents), fm)
		if err != nil || !reflect.DeepEqual(again, ents) {
			t.Fatalf("entries written back as v%d read as %d entries, %v", v, len(again), err)
		}
	})
}
