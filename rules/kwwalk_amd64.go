//go:build !purego

package rules

import "unsafe"

// kwWalk7 is kwwalk_amd64.s: seven DFA walks in lockstep (see
// eachStreams7).
//
//go:noescape
func kwWalk7(cls *[256]unsafe.Pointer, p, end *byte, q uintptr, mf uint32, s *[7]uint32) *byte
