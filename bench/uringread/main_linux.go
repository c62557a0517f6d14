// Command uringread measures whether io_uring would make a directory
// scan's file reads cheaper, kernel side included. It lists the regular
// files under DIR once, then reads every one of them, alternating two
// ways in one process: plain, as scanner/open_linux.go does (openat
// relative to the directory's descriptor with O_NOFOLLOW|O_NONBLOCK, one
// read into a reused 64 KB buffer, close: three system calls a file),
// and through io_uring, one io_uring_enter for a batch of a directory's
// files, each an OPENAT into a fixed-file slot hard-linked to a READ of
// that slot into the slot's own buffer and (unless -close=false, which
// leaves the next OPENAT into the slot to replace the file) a CLOSE of
// the slot. It prints the process's CPU (user+sys, getrusage, which
// counts io_uring's worker threads too) per pass over the tree, the
// medians of each way and their ratio.
//
//	go run ./bench/uringread [-rounds 8] [-passes 5] [-batch 16] [-close=true] [-defer] DIR
//
// The figures of docs/proxy.md's "Ninth round: directory system calls"
// come from it, with DIR $(go env GOROOT)/src.
//
// What it found besides the CPU: io_uring's READ does not honour
// O_NONBLOCK on a FIFO (with a writer that writes nothing it waited until
// the writer left, where read(2) says EAGAIN at once); with RWF_NOWAIT it
// fails with EOPNOTSUPP instead. Its OPENAT refuses O_CLOEXEC with a
// fixed-file slot (EINVAL).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

type dir struct {
	path  string
	files []string
}

const bufSize = 64 << 10

func main() {
	rounds := flag.Int("rounds", 8, "alternations of the two ways")
	passes := flag.Int("passes", 5, "passes over the tree per measurement")
	batch := flag.Int("batch", 16, "files per io_uring_enter")
	closeOp := flag.Bool("close", true, "close each file with a linked CLOSE")
	deferTaskrun := flag.Bool("defer", false, "IORING_SETUP_SINGLE_ISSUER|DEFER_TASKRUN instead of COOP_TASKRUN")
	flag.Parse()
	root := flag.Arg(0)
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: uringread [flags] DIR")
		os.Exit(2)
	}
	dirs, n, err := list(root)
	if err != nil {
		fmt.Fprintln(os.Stderr, "uringread:", err)
		os.Exit(1)
	}
	// One thread submits, as DEFER_TASKRUN requires.
	runtime.LockOSThread()
	flags := uint32(setupSubmitAll | setupCoopTaskrun)
	if *deferTaskrun {
		flags = setupSubmitAll | setupSingleIssuer | setupDeferTaskrun
	}
	r, err := newRing(uint32(4**batch), flags, uint32(*batch))
	if err != nil {
		fmt.Fprintln(os.Stderr, "uringread:", err)
		os.Exit(1)
	}
	defer r.close()
	u := &uring{r: r, closeOp: *closeOp, bufs: make([][]byte, *batch), names: make([]*byte, *batch), res: make([]int32, *batch)}
	for i := range u.bufs {
		u.bufs[i] = make([]byte, bufSize)
	}
	p := &plain{buf: make([]byte, bufSize)}
	fmt.Printf("%s: %d files in %d directories; batch %d, close %v, defer %v\n", root, n, len(dirs), *batch, *closeOp, *deferTaskrun)
	var plainCPU, ringCPU []time.Duration
	for round := range *rounds {
		for _, w := range []reader{p, u} {
			c0 := cpu()
			var got tally
			for range *passes {
				got = tally{}
				for _, d := range dirs {
					if err := readDir(w, d, *batch, &got); err != nil {
						fmt.Fprintln(os.Stderr, "uringread:", err)
						os.Exit(1)
					}
				}
			}
			per := (cpu() - c0) / time.Duration(*passes)
			if w == reader(p) {
				plainCPU = append(plainCPU, per)
			} else {
				ringCPU = append(ringCPU, per)
			}
			fmt.Printf("round %d %-6s %6.1f ms/pass  %d bytes, %d short reads, %d full, %d errors\n", round+1, w.name(), ms(per), got.bytes, got.short, got.full, got.errs)
		}
	}
	pm, rm := median(plainCPU), median(ringCPU)
	fmt.Printf("median: plain %.1f ms, io_uring %.1f ms (%.2fx)\n", ms(pm), ms(rm), float64(rm)/float64(pm))
}

// tally is what a pass read: the ways must agree on it.
type tally struct{ bytes, short, full, errs int }

func (t *tally) add(n int, err error) {
	switch {
	case err != nil:
		t.errs++
	case n < bufSize:
		t.short++
		t.bytes += n
	default:
		t.full++
	}
}

type reader interface {
	name() string
	// read reads the first bufSize bytes of each of files in directory dfd.
	read(dfd int, files []string, t *tally) error
}

func readDir(w reader, d dir, batch int, t *tally) error {
	dfd, err := unix.Open(d.path, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(dfd)
	for files := range slices.Chunk(d.files, batch) {
		if err := w.read(dfd, files, t); err != nil {
			return err
		}
	}
	return nil
}

type plain struct{ buf []byte }

func (*plain) name() string { return "plain" }

func (p *plain) read(dfd int, files []string, t *tally) error {
	for _, f := range files {
		name, err := unix.BytePtrFromString(f)
		if err != nil {
			return err
		}
		fd, _, e := unix.RawSyscall6(unix.SYS_OPENAT, uintptr(dfd), uintptr(unsafe.Pointer(name)), unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOFOLLOW|unix.O_NONBLOCK, 0, 0, 0)
		if e != 0 {
			t.add(0, e)
			continue
		}
		n, _, e := unix.RawSyscall(unix.SYS_READ, fd, uintptr(unsafe.Pointer(&p.buf[0])), uintptr(len(p.buf)))
		if e != 0 {
			t.add(0, e)
		} else {
			t.add(int(n), nil)
		}
		unix.RawSyscall(unix.SYS_CLOSE, fd, 0, 0)
	}
	return nil
}

type uring struct {
	r       *ring
	closeOp bool
	bufs    [][]byte
	names   []*byte
	res     []int32
}

func (u *uring) name() string { return "uring" }

func (u *uring) read(dfd int, files []string, t *tally) error {
	want := 0
	for i, f := range files {
		name, err := unix.BytePtrFromString(f)
		if err != nil {
			return err
		}
		u.names[i] = name
		// A direct descriptor is opened without O_CLOEXEC (EINVAL):
		// it is in no descriptor table a child could inherit.
		s := u.r.next()
		s.opcode, s.flags = opOpenat, sqeIOHardlink
		s.fd = int32(dfd)
		s.addr = uint64(uintptr(unsafe.Pointer(name)))
		s.opFlags = unix.O_RDONLY | unix.O_NOFOLLOW | unix.O_NONBLOCK
		s.fileIndex = uint32(i + 1)
		s.userData = uint64(i)<<8 | opOpenat
		s = u.r.next()
		s.opcode, s.flags = opRead, sqeFixedFile
		s.fd = int32(i)
		s.addr = uint64(uintptr(unsafe.Pointer(&u.bufs[i][0])))
		s.len = bufSize
		s.off = ^uint64(0) // the file's position
		s.userData = uint64(i)<<8 | opRead
		want += 2
		if u.closeOp {
			s.flags |= sqeIOHardlink
			s = u.r.next()
			s.opcode = opClose
			s.fileIndex = uint32(i + 1)
			s.userData = uint64(i)<<8 | opClose
			want++
		}
	}
	// Hard links run every entry whatever the one before returned, so
	// each makes one completion; a failed open's read and close fail too.
	openErr := make([]bool, len(files))
	err := u.r.run(want, func(c *cqe) {
		i := c.userData >> 8
		switch c.userData & 0xff {
		case opOpenat:
			openErr[i] = c.res < 0
		case opRead:
			u.res[i] = c.res
		}
	})
	runtime.KeepAlive(u.names)
	if err != nil {
		return err
	}
	for i := range files {
		switch {
		case openErr[i]:
			t.add(0, errors.New("open"))
		case u.res[i] < 0:
			t.add(0, syscall.Errno(-u.res[i]))
		default:
			t.add(int(u.res[i]), nil)
		}
	}
	return nil
}

// list is the regular files under root, by directory.
func list(root string) ([]dir, int, error) {
	var dirs []dir
	n := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			dirs = append(dirs, dir{path: path})
		} else if d.Type().IsRegular() {
			last := &dirs[len(dirs)-1]
			if filepath.Dir(path) != last.path {
				// WalkDir visits a directory's files after its
				// subdirectories' when they sort after them.
				dirs = append(dirs, dir{path: filepath.Dir(path)})
				last = &dirs[len(dirs)-1]
			}
			last.files = append(last.files, d.Name())
			n++
		}
		return nil
	})
	return dirs, n, err
}

func cpu() time.Duration {
	var ru unix.Rusage
	_ = unix.Getrusage(unix.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return (s[(len(s)-1)/2] + s[len(s)/2]) / 2
}
