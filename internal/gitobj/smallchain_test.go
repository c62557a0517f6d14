package gitobj_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/pretense/pretense/internal/gitobj"
	"github.com/pretense/pretense/internal/testtool"
)

// smallEditRepo commits, at one path, a large generated text and then a
// small edit of its start, and repacks so that git stores the small
// version as a delta against the large one (git puts the larger object
// first in its delta window, and tries no base over 32 times the size of
// the target: the small one is a sixteenth). It returns both contents
// and ids.
func smallEditRepo(t *testing.T, format string, bigSize int) (g *testtool.GitRepo, big, small []byte, bigID, smallID gitobj.Hash) {
	t.Helper()
	g = testtool.NewGitRepo(t, format)
	var b bytes.Buffer
	for i := 0; b.Len() < bigSize; i++ {
		fmt.Fprintf(&b, "row %d of a large generated table, value %d\n", i, i*7919%10007)
	}
	big = b.Bytes()
	small = append([]byte("# the edited first line\n"), big[:len(big)/16]...)
	g.Write("table.txt", string(big))
	g.Commit("large")
	g.Write("table.txt", string(small))
	g.Commit("small")
	g.Run("repack", "-adfq", "--window=10", "--depth=10")
	id := func(rev string) gitobj.Hash {
		h, ok := gitobj.ParseHash(g.Run("rev-parse", rev))
		if !ok {
			t.Fatalf("rev-parse %s", rev)
		}
		return h
	}
	return g, big, small, id("HEAD~1:table.txt"), id("HEAD:table.txt")
}

// A small blob stored as a delta of a blob over the reader's limit is
// read whole and checked against its id (its base is streamed, never
// held), where a full read of the chain would refuse the base; the large
// blob itself is still refused, and Head still reads its first bytes.
// Written by git in both object formats.
func TestSmallDeltaOfOversizeBase(t *testing.T) {
	const limit = 64 << 10
	for _, fm := range formats {
		t.Run(fm.name, func(t *testing.T) {
			t.Parallel()
			g, big, small, bigID, smallID := smallEditRepo(t, fm.name, 300<<10)
			r, err := gitobj.OpenRepo(g.Dir)
			if err != nil {
				t.Fatal(err)
			}
			s, err := r.Objects(gitobj.Options{MaxSize: limit})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if !storedAsDeltaOf(t, s, smallID, bigID) {
				t.Fatal("git did not store the small blob as a delta of the large one: the test would not cross an oversize base")
			}
			rd := s.NewReader()
			typ, data, err := rd.Object(smallID)
			if err != nil || typ != gitobj.Blob || !bytes.Equal(data, small) {
				t.Fatalf("Object(small) = %s, %d bytes, %v; want the %d-byte blob", typ, len(data), err, len(small))
			}
			if _, _, err := rd.Object(bigID); !errors.Is(err, gitobj.ErrTooLarge) {
				t.Fatalf("Object(large) = %v, want ErrTooLarge", err)
			}
			typ, size, head, err := rd.Head(bigID, 100)
			if err != nil || typ != gitobj.Blob || size != int64(len(big)) || !bytes.Equal(head, big[:100]) {
				t.Fatalf("Head(large) = %s, %d, %q, %v", typ, size, head, err)
			}
		})
	}
}

// storedAsDeltaOf reports whether object h is a delta entry whose chain
// reaches base.
func storedAsDeltaOf(t *testing.T, s *gitobj.Store, h, base gitobj.Hash) bool {
	t.Helper()
	for _, p := range s.Packs() {
		if err := p.Load(); err != nil {
			t.Fatal(err)
		}
		defer p.Unload()
		at := int32(-1)
		for i := range p.Entries {
			if id, _ := p.Hash(int32(i)); id == h {
				at = int32(i)
			}
		}
		for at >= 0 && p.Entries[at].Type.IsDelta() {
			at = p.Entries[at].Base
			if at >= 0 {
				if id, _ := p.Hash(at); id == base {
					return true
				}
			}
		}
	}
	return false
}
