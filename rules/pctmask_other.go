//go:build !amd64 || purego

package rules

// pctMasks sets dst[k] to the mask of the block b[64k:64k+64]: bit j is
// set when its byte j is in the widest candidate alphabet, clPct's. b
// holds at least 64*len(dst) bytes.
func pctMasks(dst []uint64, b []byte) { pctMasksGeneric(dst, b) }
