//go:build !purego

#include "textflag.h"

// func masksAVX2(p *byte, n int, t *nibTables, out *uint64)
//
// For each of the n 64-byte blocks at p, out[k] gets a mask whose bit j
// is set when p[64k+j] is in the set. Each byte is classified by two
// 16-entry tables, one indexed by its low nibble and one by its high
// nibble (VPSHUFB): the byte is in the set when the two entries share a
// bit (New in bytemask.go builds the tables). The tables stay in
// registers across the blocks.
TEXT ·masksAVX2(SB), NOSPLIT, $0-32
	MOVQ    p+0(FP), SI
	MOVQ    n+8(FP), CX
	MOVQ    t+16(FP), DI
	MOVQ    out+24(FP), DX
	TESTQ   CX, CX
	JZ      done
	VMOVDQU (DI), Y4
	VMOVDQU 32(DI), Y5
	VMOVDQU 64(DI), Y6
	VPXOR   Y7, Y7, Y7

loop:
	VMOVDQU (SI), Y0
	VPAND   Y6, Y0, Y2
	VPSHUFB Y2, Y4, Y2
	VPSRLW  $4, Y0, Y3
	VPAND   Y6, Y3, Y3
	VPSHUFB Y3, Y5, Y3
	VPAND   Y2, Y3, Y2
	VPCMPEQB Y7, Y2, Y2
	VPMOVMSKB Y2, AX

	VMOVDQU 32(SI), Y1
	VPAND   Y6, Y1, Y2
	VPSHUFB Y2, Y4, Y2
	VPSRLW  $4, Y1, Y3
	VPAND   Y6, Y3, Y3
	VPSHUFB Y3, Y5, Y3
	VPAND   Y2, Y3, Y2
	VPCMPEQB Y7, Y2, Y2
	VPMOVMSKB Y2, BX

	SHLQ    $32, BX
	ORQ     BX, AX
	NOTQ    AX
	MOVQ    AX, (DX)
	ADDQ    $64, SI
	ADDQ    $8, DX
	DECQ    CX
	JNZ     loop
	VZEROUPPER

done:
	RET
