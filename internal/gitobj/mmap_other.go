//go:build !unix

package gitobj

import "os"

// mapFile does not map files on this system: the caller reads them.
func mapFile(*os.File, int64) ([]byte, func() error, bool) { return nil, nil, false }
