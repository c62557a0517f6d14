//go:build !purego

#include "textflag.h"

// func pctMaskAVX2(p *byte, t *pctNibTables) uint64
//
// Bit j of the result is set when p[j] (of 64) is in clPct's alphabet.
// Each byte is classified by two 16-entry tables, one indexed by its low
// nibble and one by its high nibble (VPSHUFB): the byte is in the set when
// the two entries share a bit (pctmask_amd64.go builds the tables).
TEXT ·pctMaskAVX2(SB), NOSPLIT, $0-24
	MOVQ    p+0(FP), SI
	MOVQ    t+8(FP), DI
	VMOVDQU (DI), Y4
	VMOVDQU 32(DI), Y5
	VMOVDQU 64(DI), Y6
	VPXOR   Y7, Y7, Y7

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

	VZEROUPPER
	SHLQ    $32, BX
	ORQ     BX, AX
	NOTQ    AX
	MOVQ    AX, ret+16(FP)
	RET
