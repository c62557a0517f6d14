package scanner

import (
	"fmt"
	"io/fs"
	"path/filepath"
)

// walkTreeStd walks the tree at root with filepath.WalkDir and sends the
// files v lets through: walkTree outside Linux, and the reference
// TestWalkersAgree compares walk_linux.go's walk with.
func walkTreeStd(root string, v *treeVisitor, send func(walkItem) error) error {
	return filepath.WalkDir(root, func(abs string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(root, abs)
		rel = filepath.ToSlash(rel)
		if err != nil {
			// Unreadable directories and files are reported, not fatal:
			// one locked folder must not hide the rest of the tree. The
			// scan still fails (exit 3) once everything else is done.
			if rel == "." {
				return fmt.Errorf("scan %s: %w", root, err)
			}
			v.addSkip(rel, "unreadable: "+errReason(err))
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if rel == "." {
				v.enterDir(abs, "", true, true)
				return nil
			}
			if d.Name() == ".git" || v.skipDir(rel) {
				return fs.SkipDir
			}
			v.enterDir(abs, rel, true, true)
			return nil
		}
		if !v.wantFile(rel) {
			return nil
		}
		if !d.Type().IsRegular() {
			// Links are never followed: a link inside the tree is
			// scanned at its target's own path; one outside is not
			// ours to read.
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			v.addSkip(rel, "unreadable: "+errReason(err))
			return nil
		}
		if !wantSize(fi.Size()) {
			return nil
		}
		return send(walkItem{rel: rel, abs: abs, size: fi.Size()})
	})
}
