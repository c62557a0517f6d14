//go:build !purego

#include "textflag.h"

// func bulkMasksAVX2(p *byte, n int, t *bulkNibs, out *uint64)
//
// For each of the n 64-byte blocks at p, out[3k], out[3k+1] and out[3k+2]
// get the block's word, stop and digit masks: bit j set when p[64k+j] is
// in the class. A byte is in a class when the entries of its low and its
// high nibble in the class's two 16-entry tables share a bit (VPSHUFB;
// bulkmask_amd64.go builds them); a non-ASCII byte is in no class by the
// tables and a stop byte by its high bit. The tables stay in registers
// across the blocks.
TEXT ·bulkMasksAVX2(SB), NOSPLIT, $0-32
	MOVQ    p+0(FP), SI
	MOVQ    n+8(FP), CX
	MOVQ    t+16(FP), DI
	MOVQ    out+24(FP), DX
	TESTQ   CX, CX
	JZ      done
	VMOVDQU 0(DI), Y8    // word, low nibble
	VMOVDQU 32(DI), Y9   // word, high nibble
	VMOVDQU 64(DI), Y10  // stop, low nibble
	VMOVDQU 96(DI), Y11  // stop, high nibble
	VMOVDQU 128(DI), Y12 // digit, low nibble
	VMOVDQU 160(DI), Y13 // digit, high nibble
	VMOVDQU 192(DI), Y14 // 0x0f
	VPXOR   Y15, Y15, Y15

loop:
	// First 32 bytes: AX word, BX stop, R8 digit, R9 non-ASCII.
	VMOVDQU   (SI), Y0
	VPAND     Y14, Y0, Y1
	VPSRLW    $4, Y0, Y2
	VPAND     Y14, Y2, Y2
	VPMOVMSKB Y0, R9
	VPSHUFB   Y1, Y8, Y3
	VPSHUFB   Y2, Y9, Y4
	VPAND     Y3, Y4, Y3
	VPCMPEQB  Y15, Y3, Y3
	VPMOVMSKB Y3, AX
	VPSHUFB   Y1, Y10, Y5
	VPSHUFB   Y2, Y11, Y6
	VPAND     Y5, Y6, Y5
	VPCMPEQB  Y15, Y5, Y5
	VPMOVMSKB Y5, BX
	VPSHUFB   Y1, Y12, Y3
	VPSHUFB   Y2, Y13, Y4
	VPAND     Y3, Y4, Y3
	VPCMPEQB  Y15, Y3, Y3
	VPMOVMSKB Y3, R8

	// Last 32 bytes: R10 word, R11 stop, R12 digit, R13 non-ASCII.
	VMOVDQU   32(SI), Y0
	VPAND     Y14, Y0, Y1
	VPSRLW    $4, Y0, Y2
	VPAND     Y14, Y2, Y2
	VPMOVMSKB Y0, R13
	VPSHUFB   Y1, Y8, Y3
	VPSHUFB   Y2, Y9, Y4
	VPAND     Y3, Y4, Y3
	VPCMPEQB  Y15, Y3, Y3
	VPMOVMSKB Y3, R10
	VPSHUFB   Y1, Y10, Y5
	VPSHUFB   Y2, Y11, Y6
	VPAND     Y5, Y6, Y5
	VPCMPEQB  Y15, Y5, Y5
	VPMOVMSKB Y5, R11
	VPSHUFB   Y1, Y12, Y3
	VPSHUFB   Y2, Y13, Y4
	VPAND     Y3, Y4, Y3
	VPCMPEQB  Y15, Y3, Y3
	VPMOVMSKB Y3, R12

	// The compares set the bytes outside a class: join the halves and
	// invert.
	SHLQ $32, R10
	ORQ  R10, AX
	NOTQ AX
	MOVQ AX, (DX)
	SHLQ $32, R11
	ORQ  R11, BX
	NOTQ BX
	SHLQ $32, R13
	ORQ  R13, R9
	ORQ  R9, BX
	MOVQ BX, 8(DX)
	SHLQ $32, R12
	ORQ  R12, R8
	NOTQ R8
	MOVQ R8, 16(DX)

	ADDQ $64, SI
	ADDQ $24, DX
	DECQ CX
	JNZ  loop
	VZEROUPPER

done:
	RET
