//go:build !purego

#include "textflag.h"

// kwStride is kwChunk: walk k of kwWalkT reads its class at p+k*kwStride.
#define kwStride 1024

// func kwClassesVBMI(dst, src *byte, n, q int, tab *[256]uint8)
//
// For each walk k < 7 and i < n, writes tab[src[k*q+i]] to
// dst[k*kwStride+i] (n <= kwStride), 64 bytes at a time: two VPERMI2B
// look the bytes up in tab's low and high halves (each in two 64-byte
// registers, indexed by a byte's low seven bits), and each byte's top
// bit picks between them. A part's last n%64 bytes are read and written
// under a mask, which touches nothing past them.
TEXT ·kwClassesVBMI(SB), NOSPLIT, $0-40
	MOVQ tab+32(FP), AX
	VMOVDQU64 0(AX), Z1
	VMOVDQU64 64(AX), Z2
	VMOVDQU64 128(AX), Z3
	VMOVDQU64 192(AX), Z4
	MOVQ n+16(FP), CX
	MOVQ $-1, BX
	SHLQ CX, BX // by n%64
	NOTQ BX
	KMOVQ BX, K2
	MOVQ dst+0(FP), R8
	MOVQ src+8(FP), R9
	MOVQ q+24(FP), R10
	MOVQ $7, R11

part:
	MOVQ R8, DI
	MOVQ R9, SI
	MOVQ n+16(FP), CX
	CMPQ CX, $64
	JB   tail

loop:
	VMOVDQU64 (SI), Z0
	VPMOVB2M  Z0, K1
	VMOVDQA64 Z0, Z5
	VPERMI2B  Z2, Z1, Z0
	VPERMI2B  Z4, Z3, Z5
	VMOVDQU8  Z5, K1, Z0
	VMOVDQU64 Z0, (DI)
	ADDQ      $64, SI
	ADDQ      $64, DI
	SUBQ      $64, CX
	CMPQ      CX, $64
	JAE       loop

tail:
	TESTQ CX, CX
	JZ    next
	VMOVDQU8.Z (SI), K2, Z0
	VPMOVB2M  Z0, K1
	VMOVDQA64 Z0, Z5
	VPERMI2B  Z2, Z1, Z0
	VPERMI2B  Z4, Z3, Z5
	VMOVDQU8  Z5, K1, Z0
	VMOVDQU8  Z0, K2, (DI)

next:
	ADDQ $kwStride, R8
	ADDQ R10, R9
	DECQ R11
	JNZ  part
	VZEROUPPER
	RET

// func kwWalkT(trans unsafe.Pointer, p, end *byte, mf uint32, s *[kwWalks]uint32) *byte
//
// kwWalk7 over classes: seven walks in lockstep, walk k reading its
// byte's class at p+k*kwStride (see walkClasses), until p reaches end or,
// after a step, some walk is in a state >= mf. A step loads the class and
// the next state, at trans+4*class+s: two loads where kwWalk7 has three
// (the byte, its class's row pointer, the state), and still no
// arithmetic in the chain of dependent loads (the LEAQ needs only the
// class). The states are in AX, BX, CX, DX, SI, DI and R8.
TEXT ·kwWalkT(SB), NOSPLIT, $0-48
	MOVQ trans+0(FP), R13
	MOVQ p+8(FP), R9
	MOVQ end+16(FP), R10
	MOVL mf+24(FP), R15
	MOVQ s+32(FP), R14
	MOVL 0(R14), AX
	MOVL 4(R14), BX
	MOVL 8(R14), CX
	MOVL 12(R14), DX
	MOVL 16(R14), SI
	MOVL 20(R14), DI
	MOVL 24(R14), R8
	CMPQ R9, R10
	JAE  done

loop:
	MOVBQZX (R9), R14
	LEAQ    (R13)(R14*4), R14
	MOVL    (R14)(AX*1), AX
	MOVBQZX kwStride(R9), R14
	LEAQ    (R13)(R14*4), R14
	MOVL    (R14)(BX*1), BX
	MOVBQZX (2*kwStride)(R9), R14
	LEAQ    (R13)(R14*4), R14
	MOVL    (R14)(CX*1), CX
	MOVBQZX (3*kwStride)(R9), R14
	LEAQ    (R13)(R14*4), R14
	MOVL    (R14)(DX*1), DX
	MOVBQZX (4*kwStride)(R9), R14
	LEAQ    (R13)(R14*4), R14
	MOVL    (R14)(SI*1), SI
	MOVBQZX (5*kwStride)(R9), R14
	LEAQ    (R13)(R14*4), R14
	MOVL    (R14)(DI*1), DI
	MOVBQZX (6*kwStride)(R9), R14
	LEAQ    (R13)(R14*4), R14
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
	CMPQ    R9, R10
	JB      loop

done:
	MOVQ s+32(FP), R14
	MOVL AX, 0(R14)
	MOVL BX, 4(R14)
	MOVL CX, 8(R14)
	MOVL DX, 12(R14)
	MOVL SI, 16(R14)
	MOVL DI, 20(R14)
	MOVL R8, 24(R14)
	MOVQ R9, ret+40(FP)
	RET
