//go:build linux

package scanner

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The directory walk on Linux reads each directory itself (getdents64
// into one 64 KB buffer, instead of os.ReadDir's 8 KB and an os.File and
// a DirEntry per entry) and names files relative to their directory's
// descriptor: the size, where the walk asks for it (below), comes from
// fstatat(dirfd, name) and the worker opens the file with
// openat(dirfd, name). Given a full path, the kernel
// looks up every component of it again for each of those calls (the
// lookups were ~5 % of a scan of $GOROOT/src); relative to the directory
// it looks up one. A directory's .pretenseignore and .gitignore are
// looked up only when its listing holds them (before, two failing opens
// per directory). The decisions are treeVisitor's, made in the same
// order as filepath.WalkDir's walk (walk_other.go), so the reports are
// the same; TestWalkersAgree compares the two.

// A regular file is sent without its size (sizeUnknown) when its
// directory is on a local file system (directReads): the worker reads it
// at once (scanFileDirect), and a read that comes back short of the
// buffer is the whole file. That spares the fstatat, one of the four
// system calls each file cost (fstatat, openat, read, close). Entries the
// file system did not type, and directories elsewhere (NFS, FUSE, file
// systems not on the list), keep the fstatat.

// walkDirentBuf is the size of the buffer directories are read into.
const walkDirentBuf = 64 << 10

// maxSharedDirs bounds the directory descriptors that files waiting for a
// worker hold open (a batch in the channel, a worker's current batch).
// Past it, the files of the next directories carry their full path, as
// before, and hold none.
const maxSharedDirs = 256

// dirHandle is an open directory whose files are opened relative to it.
// It is closed when the walk has left it and every file sent with it has
// been opened (refs counts both).
type dirHandle struct {
	fd   int
	abs  string
	refs atomic.Int32
	open *atomic.Int32 // the walk's count of open handles
}

func (h *dirHandle) acquire() { h.refs.Add(1) }

func (h *dirHandle) release() {
	if h.refs.Add(-1) == 0 {
		rawClose(h.fd)
		h.open.Add(-1)
	}
}

// dirEnt is one entry of a directory listing.
type dirEnt struct {
	name    string
	typ     uint8 // unix.DT_*
	statted bool  // typed by fstatat: the file system left the type unknown
}

type fdWalker struct {
	v     *treeVisitor
	send  func(walkItem) error
	buf   []byte
	ents  []dirEnt // reused by readDir; callers copy what they keep
	open  atomic.Int32
	stack [][]dirEnt // the listings of the directories being walked, reused
}

// walkTree walks the tree at root (a directory, symbolic links resolved)
// and sends the files v lets through.
func walkTree(root string, v *treeVisitor, send func(walkItem) error) error {
	w := &fdWalker{v: v, send: send, buf: make([]byte, walkDirentBuf)}
	fd, err := openDir(unix.AT_FDCWD, root, 0) // the root may be a link
	if err != nil {
		return fmt.Errorf("scan %s: %w", root, &fs.PathError{Op: "open", Path: root, Err: err})
	}
	return w.walk(w.handle(fd, root), root, "", 0)
}

func (w *fdWalker) handle(fd int, abs string) *dirHandle {
	h := &dirHandle{fd: fd, abs: abs, open: &w.open}
	h.refs.Store(1) // the walk's own
	w.open.Add(1)
	return h
}

// walk lists directory h (abs, rel below the root, "" for the root; depth
// its depth) and walks its entries. It releases h.
func (w *fdWalker) walk(h *dirHandle, abs, rel string, depth int) error {
	defer h.release()
	ents, err := w.readDir(h.fd)
	if err != nil {
		if rel == "" {
			return fmt.Errorf("scan %s: %w", abs, &fs.PathError{Op: "readdirent", Path: abs, Err: err})
		}
		w.v.enterDir(abs, rel, false, false)
		w.v.addSkip(rel, "unreadable: "+err.Error())
		return nil
	}
	if depth == len(w.stack) {
		w.stack = append(w.stack, nil)
	}
	ents = append(w.stack[depth][:0], ents...)
	w.stack[depth] = ents
	var ownListed, gitListed bool
	for _, e := range ents {
		ownListed = ownListed || e.name == IgnoreFile
		gitListed = gitListed || e.name == ".gitignore"
	}
	w.v.enterDir(abs, rel, ownListed, gitListed)
	// Files of this directory name it by descriptor unless too many
	// handles are held open already.
	shared := w.open.Load() <= maxSharedDirs
	direct := -1 // whether its files skip the fstatat (directReads), once asked
	prefix := rel
	if prefix != "" {
		prefix += "/"
	}
	for _, e := range ents {
		crel := prefix + e.name
		if e.typ == unix.DT_DIR {
			if e.name == ".git" || w.v.skipDir(crel) {
				continue
			}
			cabs := abs + "/" + e.name
			fd, err := openDirAt(h.fd, e.name)
			if err != nil {
				w.v.enterDir(cabs, crel, false, false)
				w.v.addSkip(crel, "unreadable: "+err.Error())
				continue
			}
			if err := w.walk(w.handle(fd, cabs), cabs, crel, depth+1); err != nil {
				return err
			}
			continue
		}
		if !w.v.wantFile(crel) || e.typ != unix.DT_REG {
			// Links are never followed: a link inside the tree is
			// scanned at its target's own path; one outside is not
			// ours to read.
			continue
		}
		if direct < 0 && !e.statted {
			direct = 0
			if directReads(h.fd) {
				direct = 1
			}
		}
		it := walkItem{rel: crel, size: sizeUnknown}
		if direct != 1 || e.statted {
			var st unix.Stat_t
			if err := fstatat(h.fd, e.name, &st); err != nil {
				w.v.addSkip(crel, "unreadable: "+err.Error())
				continue
			}
			if !wantSize(st.Size) {
				continue
			}
			it.size = st.Size
		}
		if shared {
			h.acquire()
			it.dir, it.name = h, e.name
		} else {
			it.abs = abs + "/" + e.name
		}
		if err := w.send(it); err != nil {
			return err
		}
	}
	return nil
}

// readDir lists directory fd, sorted by name, without "." and "..";
// entries of unknown type (a file system that does not say) are typed
// with fstatat. The result is w.ents, valid until the next call.
func (w *fdWalker) readDir(fd int) ([]dirEnt, error) {
	ents := w.ents[:0]
	for {
		n, err := rawGetdents(fd, w.buf)
		if err != nil {
			return nil, err
		}
		if n <= 0 {
			break
		}
		for b := w.buf[:n]; len(b) > 0; {
			// struct linux_dirent64: ino u64, off s64, reclen u16,
			// type u8, name NUL-terminated.
			reclen := int(*(*uint16)(unsafe.Pointer(&b[16])))
			if reclen < 20 || reclen > len(b) {
				return nil, unix.EIO
			}
			name := b[19:reclen]
			if i := indexNUL(name); i >= 0 {
				name = name[:i]
			}
			typ := b[18]
			b = b[reclen:]
			if string(name) == "." || string(name) == ".." {
				continue
			}
			ents = append(ents, dirEnt{name: string(name), typ: typ})
		}
	}
	for i := range ents {
		if ents[i].typ == unix.DT_UNKNOWN {
			var st unix.Stat_t
			if err := fstatat(fd, ents[i].name, &st); err == nil {
				ents[i].typ = dtOf(st.Mode)
			}
			ents[i].statted = true
		}
	}
	slices.SortFunc(ents, func(a, b dirEnt) int { return strings.Compare(a.name, b.name) })
	w.ents = ents
	return ents, nil
}

func indexNUL(b []byte) int {
	for i, c := range b {
		if c == 0 {
			return i
		}
	}
	return -1
}

// dtOf is the directory-entry type of a stat mode.
func dtOf(mode uint32) uint8 {
	switch mode & unix.S_IFMT {
	case unix.S_IFDIR:
		return unix.DT_DIR
	case unix.S_IFREG:
		return unix.DT_REG
	case unix.S_IFLNK:
		return unix.DT_LNK
	}
	return unix.DT_UNKNOWN // neither: not walked, not scanned
}

// openDirAt opens directory name (relative to dirfd) for listing, never
// through a symbolic link.
func openDirAt(dirfd int, name string) (int, error) {
	return openDir(dirfd, name, unix.O_NOFOLLOW)
}

func openDir(dirfd int, name string, flags int) (int, error) {
	return rawOpenat(dirfd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC|flags)
}

// fstatat is lstat of name relative to dirfd.
func fstatat(dirfd int, name string, st *unix.Stat_t) error {
	return rawFstatat(dirfd, name, st, unix.AT_SYMLINK_NOFOLLOW)
}

// directMode forces directReads' answer in tests: directAuto asks the
// file system, directAlways and directNever exercise one path each.
type directMode int

const (
	directAuto directMode = iota
	directAlways
	directNever
)

var directFiles = directAuto

// directReads reports whether the regular files of directory fd may go
// to the workers without their size: whether a read of one that returns
// less than was asked means the end of the file. That holds for the
// local file systems below, whose reads of a regular file copy from the
// page cache until the request or the file ends; a network or FUSE file
// system may end a read short for its own reasons (a server's read size,
// a daemon's answer), and one not on the list is not trusted with it.
func directReads(fd int) bool {
	switch directFiles {
	case directAlways:
		return true
	case directNever:
		return false
	}
	var st unix.Statfs_t
	if err := unix.Fstatfs(fd, &st); err != nil {
		return false
	}
	return localFS(int64(st.Type))
}

// Magic numbers of local file systems (statfs(2)) not in x/sys/unix.
const (
	zfsSuperMagic = 0x2fc12fc1
)

// localFS reports whether statfs magic names a local disk or memory file
// system: ext2/3/4, XFS, Btrfs, F2FS, ZFS, tmpfs, ramfs, and overlayfs
// (a container's root, whose reads go to one of those below it).
func localFS(magic int64) bool {
	switch magic {
	case unix.EXT4_SUPER_MAGIC, unix.XFS_SUPER_MAGIC, unix.BTRFS_SUPER_MAGIC,
		unix.F2FS_SUPER_MAGIC, zfsSuperMagic, unix.TMPFS_MAGIC, unix.RAMFS_MAGIC,
		unix.OVERLAYFS_SUPER_MAGIC:
		return true
	}
	return false
}
