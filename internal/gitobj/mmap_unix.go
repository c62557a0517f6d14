//go:build unix

package gitobj

import (
	"os"

	"golang.org/x/sys/unix"
)

// mapFile maps f's n bytes read-only, as git maps pack indexes: a lookup
// then touches the few pages it reads, not the whole file (a large
// repository's index is several MB, read in full before by every scan
// that opened the store). The file is never written through the mapping;
// git replaces index files by renaming new ones into place, so a mapped
// one keeps its bytes until it is unmapped. ok is false when f is empty or
// the mapping fails; the caller then reads the file.
func mapFile(f *os.File, n int64) (raw []byte, unmap func() error, ok bool) {
	if n <= 0 || n != int64(int(n)) {
		return nil, nil, false
	}
	raw, err := unix.Mmap(int(f.Fd()), 0, int(n), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, nil, false
	}
	return raw, func() error { return unix.Munmap(raw) }, true
}
