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
