//go:build linux

package scanner

import (
	"io"
	"io/fs"

	"golang.org/x/sys/unix"
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
