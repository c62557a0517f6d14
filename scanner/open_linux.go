//go:build linux

package scanner

import (
	"errors"
	"io"
	"io/fs"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"github.com/pretense/pretense/finding"
	"github.com/pretense/pretense/rules"
)

// openFile opens path for reading with a bare open(2). os.Open also makes
// the descriptor non-blocking and offers it to the runtime's network
// poller, then takes both back for a regular file: four fcntl calls and an
// epoll_ctl that fails, per file. A directory scan opens thousands of
// mostly small files, and those five calls cost it more than reading them.
// Errors are *fs.PathError, as os.Open's are.
func openFile(path string) (io.ReadCloser, error) {
	return openAt(unix.AT_FDCWD, "", path)
}

// openItem opens a file of the walk: relative to its directory's
// descriptor when it has one (walk_linux.go), else at its path.
func openItem(it *walkItem) (io.ReadCloser, error) {
	if it.dir != nil {
		return openAt(it.dir.fd, it.dir.abs, it.name)
	}
	return openAt(unix.AT_FDCWD, "", it.abs)
}

// openAt opens name relative to directory descriptor dirfd, whose path
// is dir ("" when name is a path of its own).
func openAt(dirfd int, dir, name string) (io.ReadCloser, error) {
	fd, err := rawOpenat(dirfd, name, unix.O_RDONLY|unix.O_CLOEXEC)
	f := &rawFile{fd: fd, dir: dir, name: name}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: f.path(), Err: err}
	}
	return f, nil
}

// rawFile reads a descriptor with plain read(2) calls, made raw
// (rawsys_linux.go). Its path (for
// errors) is dir/name, or name when dir is "".
type rawFile struct {
	fd        int
	dir, name string
}

func (f *rawFile) path() string {
	if f.dir == "" {
		return f.name
	}
	return f.dir + "/" + f.name
}

func (f *rawFile) Read(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	n, err := rawRead(f.fd, b)
	switch {
	case err != nil:
		return 0, &fs.PathError{Op: "read", Path: f.path(), Err: err}
	case n == 0:
		return 0, io.EOF
	}
	return n, nil
}

func (f *rawFile) Close() error {
	if err := rawClose(f.fd); err != nil {
		return &fs.PathError{Op: "close", Path: f.path(), Err: err}
	}
	return nil
}

// scanFileDirect is scanFile for a file the walk sent without its size
// (walk_linux.go's directReads): it opens the file and reads it into the
// worker's buffer at once. A read that comes back short of the buffer
// read the whole file, so its length is the size and no stat is made; a
// full buffer, or an empty read, asks fstat for the size and the type
// and goes on as scanFile does with the walk's size. An empty file, or
// an entry that is no longer a regular file, is errNotScanned: left out,
// as the walk leaves them out when it stats them.
//
// O_NOFOLLOW and O_NONBLOCK guard an entry replaced between the listing
// and the open: a link is refused (an unreadable skip) rather than
// followed, and a FIFO does not block the worker.
func scanFileDirect(rs *rules.Ruleset, it *walkItem, maxSize int64, fp finding.Fingerprinter, count *atomic.Int64, bp *[]byte) ([]finding.Finding, error) {
	dirfd, dir, name := unix.AT_FDCWD, "", it.abs
	if it.dir != nil {
		dirfd, dir, name = it.dir.fd, it.dir.abs, it.name
	}
	fd, err := rawOpenat(dirfd, name, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOFOLLOW|unix.O_NONBLOCK)
	it.release()
	f := &rawFile{fd: fd, dir: dir, name: name}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: f.path(), Err: err}
	}
	defer f.Close()
	buf := (*bp)[:0]
	if cap(buf) < 64<<10 {
		buf = make([]byte, 0, 64<<10)
		*bp = buf
	}
	// The first read is the first 64 KB whatever the buffer grew to for
	// an earlier file: most files end within it (one read, no fstat), and
	// a larger binary one is judged by its head (scanChunksFrom) before
	// more is read.
	want := 64 << 10
	if maxSize < int64(want) {
		// Past the limit only the head is read (sniffLen, below).
		want = int(maxSize) + 1
	}
	n, err := rawRead(fd, buf[:want])
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: f.path(), Err: err}
	}
	if directReadHook != nil {
		directReadHook(f.path())
	}
	size, eof := int64(n), n < want
	if n == 0 || n == want {
		var st unix.Stat_t
		if err := rawFstatat(fd, "", &st, unix.AT_EMPTY_PATH); err != nil {
			return nil, &fs.PathError{Op: "stat", Path: f.path(), Err: err}
		}
		if st.Mode&unix.S_IFMT != unix.S_IFREG || (n == 0 && st.Size == 0) {
			return nil, errNotScanned
		}
		size, eof = st.Size, false
	}
	if size > maxSize {
		// Judged by its head, as scanFile judges it: the first sniffLen
		// bytes, which the first read holds unless it came back empty
		// (the file grew since).
		head := buf[:min(n, sniffLen)]
		if len(head) < sniffLen && !eof {
			m, err := io.ReadFull(f, buf[n:sniffLen])
			if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, err
			}
			head = buf[:n+m]
		}
		if why := oversize(head, size); why != "binary" {
			return nil, &tooLargeError{why}
		}
		return nil, ErrBinary
	}
	return scanChunksFrom(rs, f, size, it.rel, fp, count, false, bp, n, eof)
}

// directReadHook, when set (tests), runs after scanFileDirect's first
// read: it changes the file between that read and the fstat.
var directReadHook func(path string)
