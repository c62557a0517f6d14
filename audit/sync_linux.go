package audit

import (
	"os"

	"golang.org/x/sys/unix"
)

// datasync flushes file data and the size change, but not mtime, which is
// all a reader needs after a crash and saves a journal commit on ext4/xfs.
func datasync(f *os.File) error { return unix.Fdatasync(int(f.Fd())) }
