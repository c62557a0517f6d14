package gitobj

import (
	"runtime/debug"
	"sync"
	"unsafe"
)

// Pack indexes are mapped (mmap_unix.go). If an index file shrinks while
// it is mapped (git renames new indexes into place and never does this,
// but another tool, a network file system or a failing disk can), reading
// the lost pages raises SIGBUS, which kills a Go program. So every
// exported function that reads a mapping defers catchFault: on its
// goroutine (debug.SetPanicOnFault is per goroutine) a fault inside one of
// our mappings becomes an *Error naming the index, wrapping ErrCorrupt, and
// the scan reports itself incomplete instead of crashing. A fault anywhere
// else is not ours to excuse and panics on.

// mappings are the live mapped index files, by their first byte's address.
var mappings struct {
	sync.Mutex
	m map[uintptr]mapping
}

type mapping struct {
	n    uintptr
	name string
}

// registerMapping records raw as the mapping of file name; forget, called
// before it is unmapped, removes it.
func registerMapping(raw []byte, name string) (forget func()) {
	base := uintptr(unsafe.Pointer(unsafe.SliceData(raw)))
	mappings.Lock()
	if mappings.m == nil {
		mappings.m = map[uintptr]mapping{}
	}
	mappings.m[base] = mapping{n: uintptr(len(raw)), name: name}
	mappings.Unlock()
	return func() {
		mappings.Lock()
		delete(mappings.m, base)
		mappings.Unlock()
	}
}

// catchFault is deferred, with the result of debug.SetPanicOnFault(true),
// by whatever reads a mapped index:
//
//	defer catchFault(debug.SetPanicOnFault(true), h, &err)
//
// It restores the goroutine's setting and turns a fault in a mapping into
// *err, naming object h (unless zero).
func catchFault(old bool, h Hash, err *error) {
	debug.SetPanicOnFault(old)
	v := recover()
	if v == nil {
		return
	}
	if e := faultError(v); e != nil {
		e.Hash = h
		*err = e
		return
	}
	panic(v)
}

// faultError is the error for panic value v when it is a memory fault
// inside a registered mapping, else nil.
func faultError(v any) *Error {
	a, ok := v.(interface{ Addr() uintptr })
	if !ok {
		return nil
	}
	addr := a.Addr()
	mappings.Lock()
	defer mappings.Unlock()
	for base, m := range mappings.m {
		if addr >= base && addr-base < m.n {
			return &Error{File: m.name, Err: corruptf("pack index changed on disk while in use (read fault at offset %d of %d)", addr-base, m.n)}
		}
	}
	return nil
}
