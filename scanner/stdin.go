package scanner

import (
	"errors"
	"io"
	"sync/atomic"

	"github.com/pretense/pretense/rules"
)

// Reader scans everything r yields, reporting findings at name. It reads in
// bounded chunks, so a stream of any length uses constant memory. Binary
// input is not scanned, and the result says so.
func Reader(r io.Reader, name string, rs *rules.Ruleset, opts Options) (*Result, error) {
	var n atomic.Int64
	fs, err := scanReader(rs, r, name, opts.Fingerprinter, &n)
	if errors.Is(err, ErrBinary) {
		return &Result{Skipped: []Skipped{{Path: name, Reason: "binary"}}, BytesScanned: n.Load()}, nil
	}
	if why := lfsReason(err); why != "" {
		return &Result{Skipped: []Skipped{{Path: name, Reason: why}}, BytesScanned: n.Load()}, nil
	}
	res := &Result{Findings: fs, FilesScanned: 1, BytesScanned: n.Load()}
	res.Sort()
	return res, err
}
