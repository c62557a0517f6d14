package hugeheap

import (
	"bytes"
	"runtime"
	"syscall"
	"unsafe"
)

const madvHugepage = 14 // MADV_HUGEPAGE; syscall has no name for it

// first is allocated before init runs, in the runtime's first heap mapping.
var first = new([64]byte)

// block is where the block was, for the tests.
var block uintptr

func init() {
	if !wanted() {
		return
	}
	prev := setGCPercent(-1) // GOGC as the runtime read it, restored below
	b := make([]byte, Size)
	block = uintptr(unsafe.Pointer(&b[0]))
	for _, sp := range spans(uintptr(unsafe.Pointer(first)), block) {
		_ = madvise(sp.addr, sp.n) // an error (a kernel without THP) leaves the heap as it was
	}
	// b is dead from here. With collection off, allocating it (over the
	// first goal, 4 MB) started none; this one frees it, so the block's
	// pages are free, and still untouched, when init returns. One
	// collection instead of two (the first one, on, found b still
	// reachable): ~10% of a one-file pretense-scan's CPU at load.
	runtime.GC()
	setGCPercent(prev)
}

// setGCPercent is runtime/debug.SetGCPercent's implementation, which the
// runtime exports to runtime/debug under that name. Importing
// runtime/debug for it would make this init wait for os, fmt, time and
// everything sorted before them (66th of 72 package inits in
// pretense-scan instead of 23rd), so most inits' allocations would land
// in 4 KB pages. A Go release that stops exporting it fails the build,
// it cannot silently change what runs.
//
//go:linkname setGCPercent runtime/debug.setGCPercent
func setGCPercent(int32) int32

// span is a range of addresses [addr, addr+n).
type span struct{ addr, n uintptr }

// spans is what init advises for a block at p when the runtime's first
// heap mapping holds first: the block, and the rest of the 4 MB-aligned
// heap mappings around it down to the start of the runtime's first one
// (the heap is mapped in aligned 4 MB steps). What has been allocated
// there before init is in 4 KB pages already, the rest gets huge pages.
// If the block is not above first in the same 64 MB arena, the two are
// advised apart.
func spans(first, p uintptr) []span {
	const step = 4 << 20
	lo := first &^ (step - 1)
	hi := (p + Size + step - 1) &^ (step - 1)
	if p > lo && p-lo < 64<<20 {
		return []span{{lo, hi - lo}}
	}
	return []span{{lo, step}, {p &^ (step - 1), hi - p&^(step-1)}}
}

// madvise advises [addr, addr+n) MADV_HUGEPAGE.
func madvise(addr, n uintptr) error {
	if _, _, e := syscall.Syscall(syscall.SYS_MADVISE, addr, n, madvHugepage); e != 0 {
		return e
	}
	return nil
}

// wanted reports whether the kernel gives huge pages only when asked and
// GODEBUG does not turn them off.
func wanted() bool {
	if v, ok := syscall.Getenv("GODEBUG"); ok && godebugDisablesTHP(v) {
		return false
	}
	return thpMode() == "madvise"
}

// thpMode is the selected word of the kernel's THP setting ("always",
// "madvise", "never"), or "" if it cannot be read.
func thpMode() string {
	fd, err := syscall.Open("/sys/kernel/mm/transparent_hugepage/enabled", syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return ""
	}
	defer syscall.Close(fd)
	var buf [128]byte
	n, err := syscall.Read(fd, buf[:])
	if err != nil || n <= 0 {
		return ""
	}
	return selectedMode(buf[:n])
}

// selectedMode picks the bracketed word of "always [madvise] never".
func selectedMode(s []byte) string {
	i := bytes.IndexByte(s, '[')
	if i < 0 {
		return ""
	}
	j := bytes.IndexByte(s[i:], ']')
	if j < 0 {
		return ""
	}
	return string(s[i+1 : i+j])
}

// godebugDisablesTHP reports whether a GODEBUG value sets disablethp=1
// (the last setting of a key wins, as in the runtime).
func godebugDisablesTHP(v string) bool {
	off := false
	for _, kv := range bytes.Split([]byte(v), []byte(",")) {
		if k, val, ok := bytes.Cut(bytes.TrimSpace(kv), []byte("=")); ok && string(k) == "disablethp" {
			off = string(val) == "1"
		}
	}
	return off
}
