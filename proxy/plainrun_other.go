//go:build !amd64 || purego

package proxy

// plainRun returns the position of the first quote, backslash or control
// character of src at or after i, or a position within the last eight
// bytes of src from which the caller reads on byte by byte.
func plainRun(src []byte, i int) int { return plainRunWords(src, i) }

// hasAVX2 is false: the AVX2 paths are amd64's (tests ask).
const hasAVX2 = false

// appendPlain appends s[i:] up to its first backslash (or its end) to
// out and returns the position after it.
func appendPlain(out, s []byte, i int) ([]byte, int) { return appendPlainIndex(out, s, i) }
