//go:build linux

package scanner

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// The directory scan's system calls (per file an openat, a read and a
// close, and an fstatat where the walk or the worker needs the size; per
// directory an openat, getdents64 and a close) are
// made as raw calls, which do not tell the Go scheduler that the thread
// is in a system call.
//
// Why: the scheduler's monitor thread (sysmon) takes the P of a thread
// that has been in a system call across two of its ticks (20 us apart)
// and hands it to another thread. A file-system call costs 5-15 us on a
// virtual machine where entering the kernel is dear, so a scan of
// thousands of small files kept sysmon finding Ps to take: it never
// backed off from its 20 us period (12,500 nanosleep calls per scan of
// $GOROOT/src) and the Ps moved between threads (5,000 futex calls). With
// raw calls both fell to ~740 each, and the scan's CPU by ~9 %.
//
// The cost: while one of these calls blocks (a cold disk read, a slow
// network file system), its goroutine keeps its P; the other workers
// keep theirs, and a walk waiting for a P runs once the call returns. A
// stop-the-world pause waits for the call too. The calls retry on EINTR,
// as the wrapped ones do.

// rawOpenat is openat(2).
func rawOpenat(dirfd int, name string, flags int) (int, error) {
	p, err := unix.BytePtrFromString(name)
	if err != nil {
		return -1, err
	}
	for {
		fd, _, e := unix.RawSyscall6(unix.SYS_OPENAT, uintptr(dirfd), uintptr(unsafe.Pointer(p)), uintptr(flags), 0, 0, 0)
		switch e {
		case 0:
			return int(fd), nil
		case unix.EINTR:
			continue
		}
		return -1, e
	}
}

// rawRead is read(2).
func rawRead(fd int, b []byte) (int, error) { return rawBufCall(unix.SYS_READ, fd, b) }

// rawBufCall makes system call trap (read, getdents64) on fd into b,
// retrying on EINTR. The pointer conversion stays in the call expression,
// which keeps b alive through the call.
func rawBufCall(trap uintptr, fd int, b []byte) (int, error) {
	for {
		n, _, e := unix.RawSyscall(trap, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)))
		switch e {
		case 0:
			return int(n), nil
		case unix.EINTR:
			continue
		}
		return 0, e
	}
}

// rawClose is close(2). An EINTR is not retried: on Linux the descriptor
// is released whatever close returns, and a second close could close a
// descriptor another goroutine has just been given.
func rawClose(fd int) error {
	if _, _, e := unix.RawSyscall(unix.SYS_CLOSE, uintptr(fd), 0, 0); e != 0 {
		return e
	}
	return nil
}

// rawGetdents is getdents64(2).
func rawGetdents(fd int, b []byte) (int, error) { return rawBufCall(unix.SYS_GETDENTS64, fd, b) }
