package main

import (
	"errors"
	"fmt"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// A minimal io_uring on golang.org/x/sys/unix: the Go module proxy here
// serves no pure-Go io_uring library (giouring, iouring-go), and a
// measurement needs only setup, a sparse fixed-file table, submit and
// reap.

const (
	setupSubmitAll    = 1 << 7
	setupCoopTaskrun  = 1 << 8
	setupSingleIssuer = 1 << 12
	setupDeferTaskrun = 1 << 13

	featSingleMmap = 1 << 0

	offSQRing = 0
	offSQEs   = 0x10000000

	opOpenat = 18
	opClose  = 19
	opRead   = 22

	sqeFixedFile  = 1 << 0
	sqeIOHardlink = 1 << 3

	enterGetevents = 1 << 0

	registerFiles2 = 13
	rsrcSparse     = 1 << 0
)

// The kernel's structures (include/uapi/linux/io_uring.h).
type (
	sqOffsets struct {
		head, tail, ringMask, ringEntries, flags, dropped, array, resv1 uint32
		userAddr                                                        uint64
	}
	cqOffsets struct {
		head, tail, ringMask, ringEntries, overflow, cqes, flags, resv1 uint32
		userAddr                                                        uint64
	}
	params struct {
		sqEntries, cqEntries, flags, sqThreadCPU, sqThreadIdle, features, wqFd uint32
		resv                                                                   [3]uint32
		sqOff                                                                  sqOffsets
		cqOff                                                                  cqOffsets
	}
	sqe struct {
		opcode      uint8
		flags       uint8
		ioprio      uint16
		fd          int32
		off         uint64
		addr        uint64
		len         uint32
		opFlags     uint32
		userData    uint64
		bufIndex    uint16
		personality uint16
		fileIndex   uint32
		addr3       uint64
		pad         uint64
	}
	cqe struct {
		userData uint64
		res      int32
		flags    uint32
	}
	rsrcRegister struct {
		nr, flags  uint32
		resv2      uint64
		data, tags uint64
	}
)

type ring struct {
	fd     int
	mem    []byte
	sqeMem []byte
	sqHead *uint32
	sqTail *uint32
	sqMask uint32
	sqes   unsafe.Pointer
	cqHead *uint32
	cqTail *uint32
	cqMask uint32
	cqes   unsafe.Pointer
	tail   uint32
}

// newRing sets up a ring of entries submission entries with a sparse
// table of files fixed-file slots.
func newRing(entries, flags, files uint32) (*ring, error) {
	var p params
	p.flags = flags
	fd, _, e := unix.Syscall(unix.SYS_IO_URING_SETUP, uintptr(entries), uintptr(unsafe.Pointer(&p)), 0)
	if e != 0 {
		return nil, fmt.Errorf("io_uring_setup: %w", e)
	}
	r := &ring{fd: int(fd)}
	if p.features&featSingleMmap == 0 {
		r.close()
		return nil, errors.New("io_uring: kernel without IORING_FEAT_SINGLE_MMAP")
	}
	size := max(p.sqOff.array+p.sqEntries*4, p.cqOff.cqes+p.cqEntries*uint32(unsafe.Sizeof(cqe{})))
	var err error
	if r.mem, err = unix.Mmap(r.fd, offSQRing, int(size), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE); err != nil {
		r.close()
		return nil, fmt.Errorf("io_uring rings: %w", err)
	}
	if r.sqeMem, err = unix.Mmap(r.fd, offSQEs, int(p.sqEntries)*int(unsafe.Sizeof(sqe{})), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE); err != nil {
		r.close()
		return nil, fmt.Errorf("io_uring entries: %w", err)
	}
	b := unsafe.Pointer(&r.mem[0])
	r.sqHead = (*uint32)(unsafe.Add(b, p.sqOff.head))
	r.sqTail = (*uint32)(unsafe.Add(b, p.sqOff.tail))
	r.sqMask = *(*uint32)(unsafe.Add(b, p.sqOff.ringMask))
	r.cqHead = (*uint32)(unsafe.Add(b, p.cqOff.head))
	r.cqTail = (*uint32)(unsafe.Add(b, p.cqOff.tail))
	r.cqMask = *(*uint32)(unsafe.Add(b, p.cqOff.ringMask))
	r.cqes = unsafe.Add(b, p.cqOff.cqes)
	r.sqes = unsafe.Pointer(&r.sqeMem[0])
	r.tail = *r.sqTail
	array := unsafe.Add(b, p.sqOff.array)
	for i := range p.sqEntries {
		*(*uint32)(unsafe.Add(array, 4*i)) = i
	}
	reg := rsrcRegister{nr: files, flags: rsrcSparse}
	if _, _, e := unix.Syscall6(unix.SYS_IO_URING_REGISTER, uintptr(r.fd), registerFiles2, uintptr(unsafe.Pointer(&reg)), unsafe.Sizeof(reg), 0, 0); e != 0 {
		r.close()
		return nil, fmt.Errorf("io_uring_register files: %w", e)
	}
	return r, nil
}

func (r *ring) close() {
	if r.sqeMem != nil {
		_ = unix.Munmap(r.sqeMem)
	}
	if r.mem != nil {
		_ = unix.Munmap(r.mem)
	}
	_ = unix.Close(r.fd)
}

// next is the next submission entry, zeroed.
func (r *ring) next() *sqe {
	s := (*sqe)(unsafe.Add(r.sqes, unsafe.Sizeof(sqe{})*uintptr(r.tail&r.sqMask)))
	*s = sqe{}
	r.tail++
	return s
}

// run submits the entries queued since the last call and calls f for
// each of want completions.
func (r *ring) run(want int, f func(*cqe)) error {
	atomic.StoreUint32(r.sqTail, r.tail)
	for want > 0 {
		toSubmit := r.tail - atomic.LoadUint32(r.sqHead)
		_, _, e := unix.RawSyscall6(unix.SYS_IO_URING_ENTER, uintptr(r.fd), uintptr(toSubmit), 1, enterGetevents, 0, 0)
		if e != 0 && e != unix.EINTR {
			return fmt.Errorf("io_uring_enter: %w", e)
		}
		head := *r.cqHead
		for tail := atomic.LoadUint32(r.cqTail); head != tail; head++ {
			f((*cqe)(unsafe.Add(r.cqes, unsafe.Sizeof(cqe{})*uintptr(head&r.cqMask))))
			want--
		}
		atomic.StoreUint32(r.cqHead, head)
	}
	return nil
}
