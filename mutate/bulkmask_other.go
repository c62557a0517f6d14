//go:build !amd64 || purego

package mutate

// bulkMasks returns nil: without AVX2, classify reads the table block by
// block, only over the plain code it is asked about.
func bulkMasks(t *bulkTable, src string, dst []uint64) []uint64 { return nil }
