//go:build !amd64 || purego

package rules

import "unsafe"

// kwWalk7 is the Go version of kwwalk_amd64.s: seven DFA walks in
// lockstep, walk k reading the byte at p+k*q, until p reaches end or,
// after a step, some walk is in a state >= mf; it returns p after the
// last step, and s holds the states on entry and on return.
func kwWalk7(cls *[256]unsafe.Pointer, p, end *byte, q uintptr, mf uint32, s *[7]uint32) *byte {
	s0, s1, s2, s3, s4, s5, s6 := s[0], s[1], s[2], s[3], s[4], s[5], s[6]
	at := unsafe.Pointer(p)
	stop := unsafe.Pointer(end)
	for uintptr(at) < uintptr(stop) {
		s0 = *(*uint32)(unsafe.Add(cls[*(*byte)(at)], s0))
		s1 = *(*uint32)(unsafe.Add(cls[*(*byte)(unsafe.Add(at, q))], s1))
		s2 = *(*uint32)(unsafe.Add(cls[*(*byte)(unsafe.Add(at, 2*q))], s2))
		s3 = *(*uint32)(unsafe.Add(cls[*(*byte)(unsafe.Add(at, 3*q))], s3))
		s4 = *(*uint32)(unsafe.Add(cls[*(*byte)(unsafe.Add(at, 4*q))], s4))
		s5 = *(*uint32)(unsafe.Add(cls[*(*byte)(unsafe.Add(at, 5*q))], s5))
		s6 = *(*uint32)(unsafe.Add(cls[*(*byte)(unsafe.Add(at, 6*q))], s6))
		at = unsafe.Add(at, 1)
		if s0|s1|s2|s3|s4|s5|s6 >= mf {
			break
		}
	}
	*s = [7]uint32{s0, s1, s2, s3, s4, s5, s6}
	return (*byte)(at)
}

// kwWalkT is the Go version of kwWalkT in kwclass_amd64.s: kwWalk7
// over classes as kwWalks walks, walk k reading the class at
// p+k*kwChunk; the state after s on class c is at byte offset s+4*c of
// trans.
func kwWalkT(trans unsafe.Pointer, p, end *byte, mf uint32, s *[kwWalks]uint32) *byte {
	at := unsafe.Pointer(p)
	stop := unsafe.Pointer(end)
	for uintptr(at) < uintptr(stop) {
		var or uint32
		for k := range s {
			c := *(*byte)(unsafe.Add(at, k*kwChunk))
			s[k] = *(*uint32)(unsafe.Add(trans, uintptr(s[k])+4*uintptr(c)))
			or |= s[k]
		}
		at = unsafe.Add(at, 1)
		if or >= mf {
			break
		}
	}
	return (*byte)(at)
}

// kwByClass is kwMatcher.byClass's default: without the vector
// instructions that write the classes (kwclass_amd64.s), kwClassesGo
// takes a load and a store per byte to save the walk one load, so
// walkBytes stays. Tests set byClass to run this file's kwWalkT.
const kwByClass = false

// kwClasses writes the classes of the n bytes from data[k*q] to
// dst[k*kwChunk:] for each walk k < kwWalks.
func kwClasses(dst *[kwWalks * kwChunk]byte, data []byte, n, q int, class *[256]uint8) {
	kwClassesGo(dst, data, n, q, class)
}
