//go:build !amd64 || purego

package proxy

// mayHoldB64Run is true: without the AVX2 masks, eachB64Run's stride is
// the fastest way to tell.
func mayHoldB64Run(s string, minRun int) bool { return true }
