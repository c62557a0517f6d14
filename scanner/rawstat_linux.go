//go:build linux && (amd64 || arm64)

package scanner

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// rawFstatat is fstatat(2) as a raw call (rawsys_linux.go). Its number
// and unix.Stat_t's layout are the architecture's own: the other Linux
// architectures make the wrapped call (rawstat_other_linux.go).
func rawFstatat(dirfd int, name string, st *unix.Stat_t, flags int) error {
	p, err := unix.BytePtrFromString(name)
	if err != nil {
		return err
	}
	for {
		_, _, e := unix.RawSyscall6(sysFstatat, uintptr(dirfd), uintptr(unsafe.Pointer(p)), uintptr(unsafe.Pointer(st)), uintptr(flags), 0, 0)
		switch e {
		case 0:
			return nil
		case unix.EINTR:
			continue
		}
		return e
	}
}
