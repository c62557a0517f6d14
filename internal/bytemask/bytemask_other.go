//go:build !amd64 || purego

package bytemask

// Vector is false: the vector classifier is amd64's (bytemask_amd64.s).
const Vector = false

func (s *Set) masks(dst []uint64, b []byte) { s.masksGeneric(dst, b) }
