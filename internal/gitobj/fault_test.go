//go:build unix

package gitobj

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A pack index is mapped. If its file shrinks while mapped (git renames
// new indexes into place and never does this, but another tool, a network
// file system or a failing disk can), reading the lost pages raises
// SIGBUS, which kills a Go program outright. Each read through the
// mapping must instead fail with an error naming the index, so the scan
// reports itself incomplete (exit 3).
//
// Before the fix the fault killed the process, so each case runs in a
// child process (this test binary, re-run for one case): a crash there is
// a failure here, not the end of the test run.
func TestMappedIndexShrinks(t *testing.T) {
	// Each case shrinks the index file (shrink) when it wants the
	// mapping to lose its pages.
	type shrinker = func()
	cases := map[string]func(s *Store, ids []Hash, shrink shrinker) error{
		"object": func(s *Store, ids []Hash, shrink shrinker) error {
			shrink()
			_, _, err := s.NewReader().Object(ids[0])
			return err
		},
		"size": func(s *Store, ids []Hash, shrink shrinker) error {
			shrink()
			_, err := s.NewReader().Size(ids[1])
			return err
		},
		"check-indexes": func(s *Store, _ []Hash, shrink shrinker) error {
			shrink()
			return s.NewReader().CheckIndexes()
		},
		// The checksum is checked once and the answer kept: a fault
		// during the first check must be the kept answer.
		"check-index-twice": func(s *Store, _ []Hash, shrink shrinker) error {
			shrink()
			if err := s.Packs()[0].CheckIndex(); err == nil {
				return nil
			}
			return s.Packs()[0].CheckIndex()
		},
		"load": func(s *Store, _ []Hash, shrink shrinker) error {
			shrink()
			return s.Packs()[0].Load()
		},
		"prefix": func(s *Store, ids []Hash, shrink shrinker) error {
			shrink()
			_, err := s.prefixed(ids[0].String()[:4], 2)
			return err
		},
		// The pack pass: entries loaded, then ids read by its workers.
		"hash-after-load": func(s *Store, _ []Hash, shrink shrinker) error {
			p := s.Packs()[0]
			if err := p.Load(); err != nil {
				return err
			}
			shrink()
			_, err := p.Hash(0)
			return err
		},
		"each-hash-after-load": func(s *Store, _ []Hash, shrink shrinker) error {
			p := s.Packs()[0]
			if err := p.Load(); err != nil {
				return err
			}
			shrink()
			return p.EachHash(func(int32, Hash) {})
		},
		"check-after-load": func(s *Store, _ []Hash, shrink shrinker) error {
			p := s.Packs()[0]
			if err := p.Load(); err != nil {
				return err
			}
			shrink()
			return NewInflater(Options{}).Check(p, 0, Blob, []byte("one\n"))
		},
		"corrupt-after-load": func(s *Store, _ []Hash, shrink shrinker) error {
			p := s.Packs()[0]
			if err := p.Load(); err != nil {
				return err
			}
			shrink()
			err := Corrupt(p, 0, errors.New("bad delta"))
			if errors.Is(err, ErrCorrupt) {
				return err
			}
			return nil
		},
	}
	if name := os.Getenv("PRETENSE_TEST_FAULT_CASE"); name != "" {
		run := cases[name]
		if run == nil {
			t.Fatalf("no case %q", name)
		}
		ents := []rawEntry{blobEntry("one\n"), blobEntry("two\n"), blobEntry("three\n")}
		gitDir := writePack(t, ents)
		idx := filepath.Join(gitDir, "objects", "pack", "pack-test.idx")
		s, err := OpenDir(gitDir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if s.Packs()[0].unmap == nil {
			t.Skip("the index was read, not mapped")
		}
		shrink := func() {
			if err := os.Truncate(idx, 0); err != nil {
				t.Fatal(err)
			}
		}
		err = run(s, []Hash{ents[0].id, ents[1].id}, shrink)
		var ge *Error
		if !errors.As(err, &ge) || ge.File != "objects/pack/pack-test.idx" || !errors.Is(err, ErrCorrupt) {
			t.Fatalf("got %v, want ErrCorrupt naming objects/pack/pack-test.idx", err)
		}
		t.Logf("error: %v", err)
		return
	}
	t.Parallel()
	for name := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run=^TestMappedIndexShrinks$", "-test.v")
			cmd.Env = append(os.Environ(), "PRETENSE_TEST_FAULT_CASE="+name)
			out, err := cmd.CombinedOutput()
			if err != nil || strings.Contains(string(out), "SKIP") {
				t.Fatalf("child: %v\n%s", err, out)
			}
			if !strings.Contains(string(out), "error: ") {
				t.Fatalf("child did not check the case:\n%s", out)
			}
		})
	}
}
