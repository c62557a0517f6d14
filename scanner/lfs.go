package scanner

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/pretense/pretense/internal/gitobj"
)

// A git LFS pointer names its file's content by SHA-256 and size; git-lfs
// keeps the content it has (what `git add` cleaned, what `git lfs fetch`
// or a smudging checkout downloaded) in the repository's local store,
// <git common dir>/lfs/objects/<oid[0:2]>/<oid[2:4]>/<oid>. A git scan
// reads a pointer's content from there, so an LFS file whose content is
// on this machine is scanned like any other file instead of being listed
// as unscanned. That is most of them: `git add` stores the content it
// cleans, so every staged LFS file has it, and a clone that pulled its
// LFS files has them for the commits it checked out. Healthcare
// repositories keep data extracts in LFS, which is where PHI sits.
//
// The content is trusted only when its SHA-256 is the pointer's oid and
// its length the pointer's size: the store is a directory anyone with
// write access to the clone can change, and a pointer is what the commit
// says the file is.

// lfsPtr is a parsed LFS pointer: the content's SHA-256 (lowercase hex)
// and size.
type lfsPtr struct {
	oid  string
	size int64
}

// parseLFSPointer reads the oid and size of a pointer lfsPointer
// recognised. ok is false when either is missing or malformed (the spec:
// `oid sha256:<64 hex>`, `size <decimal>`); such a pointer stays unscanned.
func parseLFSPointer(data []byte) (p lfsPtr, ok bool) {
	var haveOID, haveSize bool
	for line := range bytes.SplitSeq(data, []byte("\n")) {
		switch {
		case bytes.HasPrefix(line, []byte("oid sha256:")):
			h := line[len("oid sha256:"):]
			if haveOID || len(h) != 64 || !isLowerHex(h) {
				return lfsPtr{}, false
			}
			p.oid, haveOID = string(h), true
		case bytes.HasPrefix(line, []byte("size ")):
			n, err := strconv.ParseInt(string(line[len("size "):]), 10, 64)
			if haveSize || err != nil || n < 0 {
				return lfsPtr{}, false
			}
			p.size, haveSize = n, true
		}
	}
	return p, haveOID && haveSize
}

func isLowerHex(b []byte) bool {
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// lfsStoreDir returns the directory of a repository's local LFS objects:
// lfs.storage from its config (relative to the common dir, as git-lfs
// reads it), else <common dir>/lfs; objects/ below it.
func lfsStoreDir(r *gitobj.Repo) string {
	dir := filepath.Join(r.CommonDir, "lfs")
	if s := r.Config.Section("lfs").Option("storage"); s != "" {
		dir = s
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(r.CommonDir, dir)
		}
	}
	return filepath.Join(dir, "objects")
}

// lfsContent resolves data, when it is an LFS pointer, to the content the
// local store holds for it. It returns data itself and "" for any other
// blob; the content and "" for a pointer whose verified content is here;
// nil and the skip reason for one whose content is absent (the pointer's
// oid and size first, as before this lookup existed) or over maxSize
// ("binary", or too large: lfsOversize). An error is a store object that cannot be read or does not match
// the pointer (not a missing one): the scan cannot say the file is clean.
func lfsContent(store string, data []byte, maxSize int64) ([]byte, string, error) {
	why := lfsPointer(data)
	if why == "" {
		return data, "", nil
	}
	p, ok := parseLFSPointer(data)
	if !ok || store == "" {
		return nil, why + lfsInGit, nil
	}
	path := filepath.Join(store, p.oid[0:2], p.oid[2:4], p.oid)
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, why + lfsInGit, nil
		}
		return nil, "", fmt.Errorf("git LFS object %s: %w", p.oid, err)
	}
	defer f.Close()
	if p.size > maxSize {
		why, err := lfsOversize(f, p)
		return nil, why, err
	}
	// One byte past the size tells a longer file from the right one.
	content, err := io.ReadAll(io.LimitReader(f, p.size+1))
	if err != nil {
		return nil, "", fmt.Errorf("git LFS object %s: %w", p.oid, err)
	}
	sum := sha256.Sum256(content)
	if int64(len(content)) != p.size || hex.EncodeToString(sum[:]) != p.oid {
		// Damage, like a corrupt git object: the clone's copy of the
		// file is not the file, so the scan is incomplete (exit 3) even
		// where a missing object would only be listed as skipped.
		return nil, "", fmt.Errorf("git LFS object %s: %w", p.oid, errLFSMismatch)
	}
	return content, "", nil
}

// errLFSMismatch: a local LFS object is not the content its pointer names
// (changed or truncated in the store).
var errLFSMismatch = errors.New("the local copy does not match the pointer's oid and size (changed or truncated in .git/lfs)")

// lfsOversize is lfsContent's answer for a stored object over the size
// limit, f: not scanned, and like any oversize input judged by its head
// (oversize): "binary" for a model or an image, which is most of what
// LFS holds, else text left unscanned. The object is read through once
// to check it against the pointer (its SHA-256 needs every byte; memory
// stays at one buffer): a store changed to show a binary head in place
// of a text file's content is damage, as below.
func lfsOversize(f io.Reader, p lfsPtr) (string, error) {
	h := sha256.New()
	var head [sniffLen]byte
	n, err := io.ReadFull(f, head[:])
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return "", fmt.Errorf("git LFS object %s: %w", p.oid, err)
	}
	h.Write(head[:n])
	rest, err := io.Copy(h, io.LimitReader(f, p.size+1-int64(n)))
	if err != nil {
		return "", fmt.Errorf("git LFS object %s: %w", p.oid, err)
	}
	if int64(n)+rest != p.size || hex.EncodeToString(h.Sum(nil)) != p.oid {
		return "", fmt.Errorf("git LFS object %s: %w", p.oid, errLFSMismatch)
	}
	if why := oversize(head[:n], p.size); why == "binary" {
		return why, nil
	}
	return fmt.Sprintf(tooLarge+" (git LFS object %s, %d bytes)", p.oid[:12], p.size), nil
}
