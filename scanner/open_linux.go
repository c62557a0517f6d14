//go:build linux

package scanner

import (
	"errors"
	"io"
	"io/fs"
	"syscall"
)

// openFile opens path for reading with a bare open(2). os.Open also makes
// the descriptor non-blocking and offers it to the runtime's network
// poller, then takes both back for a regular file: four fcntl calls and an
// epoll_ctl that fails, per file. A directory scan opens thousands of
// mostly small files, and those five calls cost it more than reading them.
// Errors are *fs.PathError, as os.Open's are.
func openFile(path string) (io.ReadCloser, error) {
	for {
		fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: path, Err: err}
		}
		return &rawFile{fd: fd, path: path}, nil
	}
}

// rawFile reads a descriptor with plain read(2) calls.
type rawFile struct {
	fd   int
	path string
}

func (f *rawFile) Read(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	for {
		n, err := syscall.Read(f.fd, b)
		switch {
		case errors.Is(err, syscall.EINTR):
			continue
		case err != nil:
			return 0, &fs.PathError{Op: "read", Path: f.path, Err: err}
		case n == 0:
			return 0, io.EOF
		}
		return n, nil
	}
}

func (f *rawFile) Close() error {
	if err := syscall.Close(f.fd); err != nil {
		return &fs.PathError{Op: "close", Path: f.path, Err: err}
	}
	return nil
}
