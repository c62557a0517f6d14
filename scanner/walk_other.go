//go:build !linux

package scanner

// walkTree walks the tree at root and sends the files v lets through.
func walkTree(root string, v *treeVisitor, send func(walkItem) error) error {
	return walkTreeStd(root, v, send)
}

// dirHandle is walk_linux.go's open directory; this walk sends none.
type dirHandle struct {
	fd  int
	abs string
}

func (h *dirHandle) release() {}
