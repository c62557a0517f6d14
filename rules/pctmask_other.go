//go:build !amd64 || purego

package rules

// pctMask has bit j set when b[j] (of 64) is in the widest candidate
// alphabet, clPct's.
func pctMask(b []byte) uint64 { return pctMaskGeneric(b) }
