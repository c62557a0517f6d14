//go:build !purego

#include "textflag.h"

// The bytes plainRunAVX2 stops at: '"', '\\', and (by an unsigned max
// equal to 0x1f) the control bytes 0x00-0x1f.
DATA plainQuote<>+0(SB)/8, $0x2222222222222222
DATA plainQuote<>+8(SB)/8, $0x2222222222222222
DATA plainQuote<>+16(SB)/8, $0x2222222222222222
DATA plainQuote<>+24(SB)/8, $0x2222222222222222
GLOBL plainQuote<>(SB), RODATA|NOPTR, $32
DATA plainBslash<>+0(SB)/8, $0x5c5c5c5c5c5c5c5c
DATA plainBslash<>+8(SB)/8, $0x5c5c5c5c5c5c5c5c
DATA plainBslash<>+16(SB)/8, $0x5c5c5c5c5c5c5c5c
DATA plainBslash<>+24(SB)/8, $0x5c5c5c5c5c5c5c5c
GLOBL plainBslash<>(SB), RODATA|NOPTR, $32
DATA plainCtl<>+0(SB)/8, $0x1f1f1f1f1f1f1f1f
DATA plainCtl<>+8(SB)/8, $0x1f1f1f1f1f1f1f1f
DATA plainCtl<>+16(SB)/8, $0x1f1f1f1f1f1f1f1f
DATA plainCtl<>+24(SB)/8, $0x1f1f1f1f1f1f1f1f
GLOBL plainCtl<>(SB), RODATA|NOPTR, $32

// func plainRunAVX2(p *byte, n, i int) int
//
// The position of the first quote, backslash or control byte of p[i:n],
// n when there is none; n >= 32 and i <= n. 32 bytes a loop; the last
// fewer than 32 are read as the last 32 of p, their bits before i
// shifted out.
TEXT ·plainRunAVX2(SB), NOSPLIT, $0-32
	MOVQ    p+0(FP), SI
	MOVQ    n+8(FP), R9
	MOVQ    i+16(FP), AX
	VMOVDQU plainQuote<>(SB), Y1
	VMOVDQU plainBslash<>(SB), Y2
	VMOVDQU plainCtl<>(SB), Y3

loop:
	LEAQ      32(AX), DX
	CMPQ      DX, R9
	JA        tail
	VMOVDQU   (SI)(AX*1), Y0
	VPCMPEQB  Y0, Y1, Y4
	VPCMPEQB  Y0, Y2, Y5
	VPMAXUB   Y0, Y3, Y6
	VPCMPEQB  Y6, Y3, Y6
	VPOR      Y4, Y5, Y4
	VPOR      Y4, Y6, Y4
	VPMOVMSKB Y4, BX
	TESTL     BX, BX
	JNZ       found
	MOVQ      DX, AX
	JMP       loop

tail:
	CMPQ      AX, R9
	JAE       none
	LEAQ      -32(R9), DX
	VMOVDQU   (SI)(DX*1), Y0
	VPCMPEQB  Y0, Y1, Y4
	VPCMPEQB  Y0, Y2, Y5
	VPMAXUB   Y0, Y3, Y6
	VPCMPEQB  Y6, Y3, Y6
	VPOR      Y4, Y5, Y4
	VPOR      Y4, Y6, Y4
	VPMOVMSKB Y4, BX
	MOVQ      AX, CX
	SUBQ      DX, CX // bytes of the load before i
	SHRQ      CX, BX
	TESTL     BX, BX
	JZ        none

found:
	BSFL       BX, BX
	ADDQ       BX, AX
	VZEROUPPER
	MOVQ       AX, ret+24(FP)
	RET

none:
	VZEROUPPER
	MOVQ R9, ret+24(FP)
	RET

// func copyPlainAVX2(dst, src *byte, n int) int
//
// Copies src to dst 32 bytes a loop, while 32 are left of n, up to the
// first backslash, and returns its position; with none in those blocks,
// the bytes copied (n less fewer than 32). Each block is stored whole
// before it is tested: dst has room for n bytes.
TEXT ·copyPlainAVX2(SB), NOSPLIT, $0-32
	MOVQ    dst+0(FP), DI
	MOVQ    src+8(FP), SI
	MOVQ    n+16(FP), CX
	XORQ    AX, AX
	VMOVDQU plainBslash<>(SB), Y1

cloop:
	LEAQ      32(AX), DX
	CMPQ      DX, CX
	JA        cdone
	VMOVDQU   (SI)(AX*1), Y0
	VMOVDQU   Y0, (DI)(AX*1)
	VPCMPEQB  Y0, Y1, Y2
	VPMOVMSKB Y2, BX
	TESTL     BX, BX
	JNZ       cfound
	MOVQ      DX, AX
	JMP       cloop

cfound:
	BSFL BX, BX
	ADDQ BX, AX

cdone:
	VZEROUPPER
	MOVQ AX, ret+24(FP)
	RET
