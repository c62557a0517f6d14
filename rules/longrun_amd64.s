//go:build !purego

#include "textflag.h"

// func longRunEventsAVX2(buf *uint64, n int) uint64
//
// Bit k of the result is set when the mask buf[k+1] holds 24
// (minEncodedRun) set bits in a row, or the 64 bits made of the top 24 of
// buf[k] and the low 40 of buf[k+1] do (a run that ends in block k
// having begun before it): longRunEventsGo in longrun.go, four blocks per
// step in the 64-bit lanes of a YMM register. It reads buf[0] to
// buf[4*ceil(n/4)]; the bits from n on are the caller's to drop.
TEXT ·longRunEventsAVX2(SB), NOSPLIT, $0-24
	MOVQ    buf+0(FP), SI
	MOVQ    n+8(FP), BX
	XORQ    DX, DX          // result
	XORQ    CX, CX          // k
	VPXOR   Y15, Y15, Y15
	TESTQ   BX, BX
	JLE     done

loop:
	VMOVDQU (SI), Y0        // buf[k..k+3]: the blocks before
	VMOVDQU 8(SI), Y1       // buf[k+1..k+4]: the blocks
	VPSRLQ  $40, Y0, Y0
	VPSLLQ  $24, Y1, Y2
	VPOR    Y0, Y2, Y2      // top 24 bits of the block before, low 40 of the block

	// Y1 = runs of 24 in the blocks.
	VPSRLQ  $1, Y1, Y3
	VPAND   Y3, Y1, Y1      // 2
	VPSRLQ  $2, Y1, Y3
	VPAND   Y3, Y1, Y1      // 4
	VPSRLQ  $4, Y1, Y3
	VPAND   Y3, Y1, Y1      // 8
	VPSRLQ  $8, Y1, Y3
	VPAND   Y3, Y1, Y4      // 16
	VPSRLQ  $16, Y1, Y3
	VPAND   Y3, Y4, Y1      // 16 and 8 more

	// Y2 = the same across the edges.
	VPSRLQ  $1, Y2, Y3
	VPAND   Y3, Y2, Y2
	VPSRLQ  $2, Y2, Y3
	VPAND   Y3, Y2, Y2
	VPSRLQ  $4, Y2, Y3
	VPAND   Y3, Y2, Y2
	VPSRLQ  $8, Y2, Y3
	VPAND   Y3, Y2, Y4
	VPSRLQ  $16, Y2, Y3
	VPAND   Y3, Y4, Y2

	VPOR    Y1, Y2, Y1
	VPCMPEQQ Y15, Y1, Y1    // all ones in the lanes without a run
	VMOVMSKPD Y1, AX
	XORQ    $15, AX         // the lanes with one
	SHLQ    CX, AX          // to bits k to k+3
	ORQ     AX, DX
	ADDQ    $32, SI
	ADDQ    $4, CX
	CMPQ    CX, BX
	JLT     loop
	VZEROUPPER

done:
	MOVQ    DX, ret+16(FP)
	RET
