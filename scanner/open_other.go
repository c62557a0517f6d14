//go:build !linux

package scanner

import (
	"io"
	"os"
)

// openFile opens path for reading (see open_linux.go).
func openFile(path string) (io.ReadCloser, error) { return os.Open(path) }

// openItem opens a file of the walk.
func openItem(it *walkItem) (io.ReadCloser, error) { return os.Open(it.path()) }
