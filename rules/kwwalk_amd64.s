//go:build !purego

#include "textflag.h"

// func kwWalk7(cls *[256]unsafe.Pointer, p, end *byte, q uintptr, mf uint32, s *[7]uint32) *byte
//
// Advances seven DFA walks in lockstep, walk k reading the byte at
// p+k*q, until p reaches end or, after a step, some walk is in a state
// >= mf (mf is a power of two above every state without matches, so one
// OR of the seven states tells). It returns p after the last step; s
// holds the states on entry and gets them back on return.
//
// A state is its row's byte offset in the table and cls[b] points at
// byte b's class in the first row, so a step is a load of the byte, one
// of its class pointer, and one of the next state at cls[b]+s: the
// state's chain of dependent loads has no arithmetic in it. The seven
// states and the loop's pointers all stay in registers (Go code with
// more than four walks spilled them to the stack, which put a store and
// a reload into every chain). Walk k's byte: 0 (R9), 1 (R9)(q), 2
// (R9)(2q), 3 (R9)(3q), 4 (R9)(4q), 5 (R9)(5q), 6 (R9)(2*3q).
TEXT ·kwWalk7(SB), NOSPLIT, $0-56
	MOVQ cls+0(FP), R13
	MOVQ p+8(FP), R9
	MOVQ q+24(FP), R10
	MOVQ s+40(FP), R14
	LEAQ (R10)(R10*2), R11 // 3q
	LEAQ (R10)(R10*4), R12 // 5q
	MOVL mf+32(FP), R15
	MOVL 0(R14), AX
	MOVL 4(R14), BX
	MOVL 8(R14), CX
	MOVL 12(R14), DX
	MOVL 16(R14), SI
	MOVL 20(R14), DI
	MOVL 24(R14), R8
	CMPQ R9, end+16(FP)
	JAE  done

loop:
	MOVBQZX (R9), R14
	MOVQ    (R13)(R14*8), R14
	MOVL    (R14)(AX*1), AX
	MOVBQZX (R9)(R10*1), R14
	MOVQ    (R13)(R14*8), R14
	MOVL    (R14)(BX*1), BX
	MOVBQZX (R9)(R10*2), R14
	MOVQ    (R13)(R14*8), R14
	MOVL    (R14)(CX*1), CX
	MOVBQZX (R9)(R11*1), R14
	MOVQ    (R13)(R14*8), R14
	MOVL    (R14)(DX*1), DX
	MOVBQZX (R9)(R10*4), R14
	MOVQ    (R13)(R14*8), R14
	MOVL    (R14)(SI*1), SI
	MOVBQZX (R9)(R12*1), R14
	MOVQ    (R13)(R14*8), R14
	MOVL    (R14)(DI*1), DI
	MOVBQZX (R9)(R11*2), R14
	MOVQ    (R13)(R14*8), R14
	MOVL    (R14)(R8*1), R8
	INCQ    R9
	MOVL    AX, R14
	ORL     BX, R14
	ORL     CX, R14
	ORL     DX, R14
	ORL     SI, R14
	ORL     DI, R14
	ORL     R8, R14
	CMPL    R14, R15
	JAE     done
	CMPQ    R9, end+16(FP)
	JB      loop

done:
	MOVQ s+40(FP), R14
	MOVL AX, 0(R14)
	MOVL BX, 4(R14)
	MOVL CX, 8(R14)
	MOVL DX, 12(R14)
	MOVL SI, 16(R14)
	MOVL DI, 20(R14)
	MOVL R8, 24(R14)
	MOVQ R9, ret+48(FP)
	RET
