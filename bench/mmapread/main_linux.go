// Command mmapread measures whether mapping a directory scan's larger
// files would be cheaper than reading them, kernel side included. It
// lists the regular files under DIR whose size is in (-min, -max], then
// in one process alternates two ways of bringing each file's bytes into
// memory and touching every page: read(2) into one reused buffer, as
// scanner/open_linux.go does, and mmap(2) + munmap(2). It prints the
// process's CPU (user+sys, getrusage) per pass, the medians of each way
// and their ratio.
//
//	go run ./bench/mmapread [-rounds 9] [-min 65536] [-max 10485760] DIR
//
// The figure in issue 17's session-14 note ("~6 ms of the 65 MB of
// $GOROOT/src's files over 64 KB") comes from it, with DIR
// $(go env GOROOT)/src. The scanner does not map files: a file
// truncated while mapped faults (SIGBUS) in whatever code reads it next,
// the rule engine's assembly included.
package main

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"time"
)

func cpu() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type file struct {
	path string
	size int
}

func main() {
	rounds := flag.Int("rounds", 9, "passes of each way, alternated")
	minSize := flag.Int("min", 64<<10, "files larger than this")
	maxSize := flag.Int("max", 10<<20, "and at most this large")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: mmapread [-rounds N] [-min BYTES] [-max BYTES] DIR")
		os.Exit(2)
	}
	var files []file
	var total int
	err := filepath.WalkDir(flag.Arg(0), func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if s := int(fi.Size()); s > *minSize && s <= *maxSize {
			files = append(files, file{p, s})
			total += s
		}
		return nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "mmapread:", err)
		os.Exit(1)
	}
	buf := make([]byte, *maxSize+1)
	// pass returns its CPU and the XOR of the first byte of every page it
	// touched, which both ways must agree on.
	pass := func(mapped bool) (time.Duration, byte) {
		start := cpu()
		var sum byte
		for _, f := range files {
			fd, err := syscall.Open(f.path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
			if err != nil {
				panic(err)
			}
			b := buf[:f.size+1]
			if mapped {
				if b, err = syscall.Mmap(fd, 0, f.size, syscall.PROT_READ, syscall.MAP_SHARED); err != nil {
					panic(err)
				}
			} else {
				n, err := syscall.Read(fd, b)
				if err != nil {
					panic(err)
				}
				b = b[:n]
			}
			for i := 0; i < len(b); i += 4096 {
				sum ^= b[i]
			}
			if mapped {
				if err := syscall.Munmap(b); err != nil {
					panic(err)
				}
			}
			syscall.Close(fd)
		}
		return cpu() - start, sum
	}
	var reads, maps []time.Duration
	for range *rounds {
		r, rsum := pass(false)
		m, msum := pass(true)
		if rsum != msum {
			fmt.Fprintln(os.Stderr, "mmapread: the two ways read different bytes (files changed?)")
			os.Exit(1)
		}
		reads, maps = append(reads, r), append(maps, m)
	}
	slices.Sort(reads)
	slices.Sort(maps)
	r, m := reads[len(reads)/2], maps[len(maps)/2]
	fmt.Printf("%d files, %d bytes\n", len(files), total)
	fmt.Printf("read  median %v\nmmap  median %v\nmmap / read %.2f\n", r, m, float64(m)/float64(r))
}
