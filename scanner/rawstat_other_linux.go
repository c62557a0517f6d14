//go:build linux && !amd64 && !arm64

package scanner

import (
	"errors"

	"golang.org/x/sys/unix"
)

// rawFstatat is unix.Fstatat, the wrapped call: the system call's number
// and its stat layout vary across these architectures (rawstat_linux.go).
func rawFstatat(dirfd int, name string, st *unix.Stat_t, flags int) error {
	for {
		err := unix.Fstatat(dirfd, name, st, flags)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		return err
	}
}
