//go:build !linux

package scanner

import (
	"errors"
	"io"
	"os"
	"sync/atomic"

	"github.com/pretense/pretense/finding"
	"github.com/pretense/pretense/rules"
)

// openFile opens path for reading (see open_linux.go).
func openFile(path string) (io.ReadCloser, error) { return os.Open(path) }

// openItem opens a file of the walk.
func openItem(it *walkItem) (io.ReadCloser, error) { return os.Open(it.path()) }

// scanFileDirect is open_linux.go's; walk_other.go sends every file with
// its size, so it is never called here.
func scanFileDirect(_ *rules.Ruleset, it *walkItem, _ int64, _ finding.Fingerprinter, _ *atomic.Int64, _ *[]byte) ([]finding.Finding, error) {
	it.release()
	return nil, errors.New("scan " + it.path() + ": no size")
}
