//go:build arm64 && !noasm

#include "textflag.h"

// NEON dequantizers for arm64, written by hand (avo has no arm64 back end). The Go
// assembler has no mnemonics for the widening, conversion and multiply below, so they are
// WORDs, each spelled out beside it and checked against GNU as. Bits only: the tests run
// under qemu-aarch64 in CI, no speed is claimed.

// SXTL Vd.8H, Vn.8B = 0x0F08A400 | n<<5 | d and SXTL2 Vd.8H, Vn.16B = 0x4F08A400 | n<<5 | d
// (sign-extended); UXTL and UXTL2 (zero-extended) 0x2F08A400 and 0x6F08A400. The same
// from 4H or 8H to 4S: 0x0F10A400, 0x4F10A400, 0x2F10A400, 0x6F10A400.
#define XTL8H(base, n, d) WORD $((base) | 0x08A400 | (n)<<5 | (d))
#define XTL4S(base, n, d) WORD $((base) | 0x10A400 | (n)<<5 | (d))
// SCVTF Vd.4S, Vn.4S = 0x4E21D800 | n<<5 | d: int32 to float32, exact for |x| < 2^24.
#define SCVTF4S(n, d) WORD $(0x4E21D800 | (n)<<5 | (d))
// FMUL Vd.4S, Vn.4S, Vm.4S = 0x6E20DC00 | m<<16 | n<<5 | d: one rounding, as Go's float32 *.
#define FMUL4S(m, n, d) WORD $(0x6E20DC00 | (m)<<16 | (n)<<5 | (d))
// FSUB Vd.4S, Vn.4S, Vm.4S = 0x4EA0D400 | m<<16 | n<<5 | d: n - m.
#define FSUB4S(m, n, d) WORD $(0x4EA0D400 | (m)<<16 | (n)<<5 | (d))

// FLOATS16(lo, hi, b, o) widens the sixteen 8-bit lanes of Vb to float32 in
// V(o)..V(o+3), using V26 and V27: signed with INTS16 (SXTL, SXTL2), unsigned with UINTS16
// (UXTL, UXTL2).
#define FLOATS16(lo, hi, b, o) \
	XTL8H(lo, b, 26) \
	XTL8H(hi, b, 27) \
	XTL4S(lo, 26, o) \
	XTL4S(hi, 26, o+1) \
	XTL4S(lo, 27, o+2) \
	XTL4S(hi, 27, o+3) \
	SCVTF4S(o, o) \
	SCVTF4S(o+1, o+1) \
	SCVTF4S(o+2, o+2) \
	SCVTF4S(o+3, o+3)
#define INTS16(b, o) FLOATS16(0x0F000000, 0x4F000000, b, o)
#define UINTS16(b, o) FLOATS16(0x2F000000, 0x6F000000, b, o)
// MUL4(s, o) multiplies V(o)..V(o+3) by Vs; SUB4(m, o) subtracts Vm from them.
#define MUL4(s, o) \
	FMUL4S(s, o, o) \
	FMUL4S(s, o+1, o+1) \
	FMUL4S(s, o+2, o+2) \
	FMUL4S(s, o+3, o+3)
#define SUB4(m, o) \
	FSUB4S(m, o, o) \
	FSUB4S(m, o+1, o+1) \
	FSUB4S(m, o+2, o+2) \
	FSUB4S(m, o+3, o+3)
// SIXTEEN(b, o): INTS16 times V31 (the block's scale in every lane).
#define SIXTEEN(b, o) INTS16(b, o) \
	MUL4(31, o)

// func q8_0NEON(dst []float32, qs []byte, scales []float32)
TEXT ·q8_0NEON(SB), NOSPLIT, $0-72
	MOVD dst_base+0(FP), R0
	MOVD qs_base+24(FP), R1
	MOVD scales_base+48(FP), R3
	MOVD scales_len+56(FP), R4
q8loop:
	CBZ  R4, q8done
	VLD1R (R3), [V31.S4]
	ADD  $4, R3
	VLD1 (R1), [V0.B16, V1.B16]
	ADD  $34, R1
	SIXTEEN(0, 16)
	SIXTEEN(1, 20)
	VST1.P [V16.S4, V17.S4, V18.S4, V19.S4], 64(R0)
	VST1.P [V20.S4, V21.S4, V22.S4, V23.S4], 64(R0)
	SUB  $1, R4
	B    q8loop
q8done:
	RET

// func nibblesNEON(dst []float32, qs []byte, stride int, kv8 *[16]int8, scales []float32)
TEXT ·nibblesNEON(SB), NOSPLIT, $0-88
	MOVD dst_base+0(FP), R0
	MOVD qs_base+24(FP), R1
	MOVD stride+48(FP), R2
	MOVD kv8+56(FP), R5
	MOVD scales_base+64(FP), R3
	MOVD scales_len+72(FP), R4
	VLD1 (R5), [V30.B16] // the sixteen levels
	VMOVI $15, V29.B16
nibloop:
	CBZ  R4, nibdone
	VLD1R (R3), [V31.S4]
	ADD  $4, R3
	VLD1 (R1), [V0.B16]
	ADD  R2, R1
	VAND V29.B16, V0.B16, V1.B16 // low nibbles: elements 0..15
	VUSHR $4, V0.B16, V2.B16     // high nibbles: elements 16..31
	VTBL V1.B16, [V30.B16], V1.B16
	VTBL V2.B16, [V30.B16], V2.B16
	SIXTEEN(1, 16)
	SIXTEEN(2, 20)
	VST1.P [V16.S4, V17.S4, V18.S4, V19.S4], 64(R0)
	VST1.P [V20.S4, V21.S4, V22.S4, V23.S4], 64(R0)
	SUB  $1, R4
	B    nibloop
nibdone:
	RET

// KPARAMS loads a sub-block pair's parameters from R3 (moving on 16 bytes): V24, V25 the
// first's scale and min, V30, V31 the second's.
#define KPARAMS \
	VLD1R.P 4(R3), [V24.S4] \
	VLD1R.P 4(R3), [V25.S4] \
	VLD1R.P 4(R3), [V30.S4] \
	VLD1R.P 4(R3), [V31.S4]

// KTAIL: the 64 elements of a Q4_K or Q5_K sub-block pair from their quants, V2 and V3 the
// first's (elements 0..15, 16..31), V4 and V5 the second's: float32(scale·q) - min, stored
// at R0 (moving on 256 bytes).
#define KTAIL \
	UINTS16(2, 8) \
	UINTS16(3, 12) \
	MUL4(24, 8) \
	MUL4(24, 12) \
	SUB4(25, 8) \
	SUB4(25, 12) \
	UINTS16(4, 16) \
	UINTS16(5, 20) \
	MUL4(30, 16) \
	MUL4(30, 20) \
	SUB4(31, 16) \
	SUB4(31, 20) \
	VST1.P [V8.S4, V9.S4, V10.S4, V11.S4], 64(R0) \
	VST1.P [V12.S4, V13.S4, V14.S4, V15.S4], 64(R0) \
	VST1.P [V16.S4, V17.S4, V18.S4, V19.S4], 64(R0) \
	VST1.P [V20.S4, V21.S4, V22.S4, V23.S4], 64(R0)

// NIBBLES32: the 32 bytes at R6 (R6 moves past them) as low nibbles in V2, V3 and high
// nibbles in V4, V5 (V29: 15 in every byte).
#define NIBBLES32 \
	VLD1.P 32(R6), [V0.B16, V1.B16] \
	VAND V29.B16, V0.B16, V2.B16 \
	VAND V29.B16, V1.B16, V3.B16 \
	VUSHR $4, V0.B16, V4.B16 \
	VUSHR $4, V1.B16, V5.B16

// Q4KPAIR: Q4_K's 64 elements of sub-blocks 2j and 2j+1 (one j), from the 32 bytes at R6.
#define Q4KPAIR KPARAMS \
	NIBBLES32 \
	KTAIL

// Q5KPAIR: Q5_K's, the fifth bits from V6, V7 (qh, shifted right 2j: bit 0 for the first
// sub-block, bit 1 for the second; shifted on by 2 here). V28: 16 in every byte.
#define Q5KPAIR KPARAMS \
	NIBBLES32 \
	VSHL $4, V6.B16, V26.B16 \
	VSHL $4, V7.B16, V27.B16 \
	VAND V28.B16, V26.B16, V26.B16 \
	VAND V28.B16, V27.B16, V27.B16 \
	VORR V26.B16, V2.B16, V2.B16 \
	VORR V27.B16, V3.B16, V3.B16 \
	VSHL $3, V6.B16, V26.B16 \
	VSHL $3, V7.B16, V27.B16 \
	VAND V28.B16, V26.B16, V26.B16 \
	VAND V28.B16, V27.B16, V27.B16 \
	VORR V26.B16, V4.B16, V4.B16 \
	VORR V27.B16, V5.B16, V5.B16 \
	VUSHR $2, V6.B16, V6.B16 \
	VUSHR $2, V7.B16, V7.B16 \
	KTAIL

// func q4kNEON(dst []float32, src []byte, params []float32)
TEXT ·q4kNEON(SB), NOSPLIT, $0-72
	MOVD dst_base+0(FP), R0
	MOVD src_base+24(FP), R1
	MOVD params_base+48(FP), R3
	MOVD params_len+56(FP), R4
	LSR  $4, R4 // blocks
	VMOVI $15, V29.B16
q4kloop:
	CBZ  R4, q4kdone
	ADD  $16, R1, R6 // the block's quants
	Q4KPAIR
	Q4KPAIR
	Q4KPAIR
	Q4KPAIR
	ADD  $144, R1
	SUB  $1, R4
	B    q4kloop
q4kdone:
	RET

// func q5kNEON(dst []float32, src []byte, params []float32)
TEXT ·q5kNEON(SB), NOSPLIT, $0-72
	MOVD dst_base+0(FP), R0
	MOVD src_base+24(FP), R1
	MOVD params_base+48(FP), R3
	MOVD params_len+56(FP), R4
	LSR  $4, R4 // blocks
	VMOVI $15, V29.B16
	VMOVI $16, V28.B16
q5kloop:
	CBZ  R4, q5kdone
	ADD  $16, R1, R6
	VLD1.P 32(R6), [V6.B16, V7.B16] // qh; R6 is then the quants
	Q5KPAIR
	Q5KPAIR
	Q5KPAIR
	Q5KPAIR
	ADD  $176, R1
	SUB  $1, R4
	B    q5kloop
q5kdone:
	RET

// KSTORE4 stores V8..V23 as the outputs o[l], o[l+32], o[l+64], o[l+96] (sixteen l each) at
// R8 (+0, 128, 256, 384 bytes), using R10.
#define KSTORE4 \
	VST1 [V8.S4, V9.S4, V10.S4, V11.S4], (R8) \
	ADD  $128, R8, R10 \
	VST1 [V12.S4, V13.S4, V14.S4, V15.S4], (R10) \
	ADD  $256, R8, R10 \
	VST1 [V16.S4, V17.S4, V18.S4, V19.S4], (R10) \
	ADD  $384, R8, R10 \
	VST1 [V20.S4, V21.S4, V22.S4, V23.S4], (R10)

// Q2KGROUP: sixteen l of Q2_K's group (n, h): the quants at R6, their four 2-bit fields
// (V29: 3 in every byte) as sub-blocks 8n+h+{0,2,4,6}, each float32(scale·q) - min with
// the eight parameters at R3 (moving on 32 bytes), stored by KSTORE4.
#define Q2KGROUP \
	VLD1 (R6), [V0.B16] \
	VAND V29.B16, V0.B16, V1.B16 \
	VUSHR $2, V0.B16, V2.B16 \
	VAND V29.B16, V2.B16, V2.B16 \
	VUSHR $4, V0.B16, V3.B16 \
	VAND V29.B16, V3.B16, V3.B16 \
	VUSHR $6, V0.B16, V4.B16 \
	VLD1R.P 4(R3), [V24.S4] \
	VLD1R.P 4(R3), [V25.S4] \
	VLD1R.P 4(R3), [V30.S4] \
	VLD1R.P 4(R3), [V31.S4] \
	VLD1R.P 4(R3), [V5.S4] \
	VLD1R.P 4(R3), [V6.S4] \
	VLD1R.P 4(R3), [V7.S4] \
	VLD1R.P 4(R3), [V28.S4] \
	UINTS16(1, 8) \
	UINTS16(2, 12) \
	UINTS16(3, 16) \
	UINTS16(4, 20) \
	MUL4(24, 8) \
	SUB4(25, 8) \
	MUL4(30, 12) \
	SUB4(31, 12) \
	MUL4(5, 16) \
	SUB4(6, 16) \
	MUL4(7, 20) \
	SUB4(28, 20) \
	KSTORE4

// func q2kNEON(dst []float32, src []byte, params []float32)
TEXT ·q2kNEON(SB), NOSPLIT, $0-72
	MOVD dst_base+0(FP), R0
	MOVD src_base+24(FP), R1
	MOVD params_base+48(FP), R3
	MOVD params_len+56(FP), R4
	LSR  $5, R4 // blocks: 32 parameters each
	VMOVI $3, V29.B16
q2kloop:
	CBZ  R4, q2kdone
	// Groups (n, h) = (0, 0), (0, 1), (1, 0), (1, 1): quants at 16 + 16(2n+h), outputs
	// at 128n + 16h floats.
	ADD  $16, R1, R6
	MOVD R0, R8
	Q2KGROUP
	ADD  $32, R1, R6
	ADD  $64, R0, R8
	Q2KGROUP
	ADD  $48, R1, R6
	ADD  $512, R0, R8
	Q2KGROUP
	ADD  $64, R1, R6
	ADD  $576, R0, R8
	Q2KGROUP
	ADD  $84, R1
	ADD  $1024, R0
	SUB  $1, R4
	B    q2kloop
q2kdone:
	RET

// MERGE(shift, n, h, mask, q) ors into the bytes of q the bits of h's bytes that mask keeps
// once shifted by n (VSHL or VUSHR; VSHL by 0 is h itself), using V7.
#define MERGE(shift, n, h, mask, q) \
	shift $(n), h.B16, V7.B16 \
	VAND mask.B16, V7.B16, V7.B16 \
	VORR V7.B16, q.B16, q.B16

// SCALED4(bias): the sixteen quants of V1, V2, V3 and V4 (bytes), minus bias (in every
// byte), as int8 times four scales (at R10, 8 bytes apart), stored by KSTORE4.
#define SCALED4(bias) \
	VSUB bias.B16, V1.B16, V1.B16 \
	VSUB bias.B16, V2.B16, V2.B16 \
	VSUB bias.B16, V3.B16, V3.B16 \
	VSUB bias.B16, V4.B16, V4.B16 \
	VLD1R (R10), [V24.S4] \
	ADD  $8, R10 \
	VLD1R (R10), [V25.S4] \
	ADD  $8, R10 \
	VLD1R (R10), [V31.S4] \
	ADD  $8, R10 \
	VLD1R (R10), [V0.S4] \
	INTS16(1, 8) \
	INTS16(2, 12) \
	INTS16(3, 16) \
	INTS16(4, 20) \
	MUL4(24, 8) \
	MUL4(25, 12) \
	MUL4(31, 16) \
	MUL4(0, 20) \
	KSTORE4

// Q3KGROUP: sixteen l of Q3_K's group (n, h): the quants at R6, the high bits in V5 (hmask
// shifted right by 4n); q = the 2-bit field | high bit << 2, minus 4, times the scales at
// R3 (four, 8 bytes apart; R3 moves on 4 bytes), stored by KSTORE4. V29: 3 in every byte;
// V28: 4.
#define Q3KGROUP \
	VLD1 (R6), [V0.B16] \
	VAND V29.B16, V0.B16, V1.B16 \
	MERGE(VSHL, 2, V5, V28, V1) \
	VUSHR $2, V0.B16, V2.B16 \
	VAND V29.B16, V2.B16, V2.B16 \
	MERGE(VSHL, 1, V5, V28, V2) \
	VUSHR $4, V0.B16, V3.B16 \
	VAND V29.B16, V3.B16, V3.B16 \
	MERGE(VSHL, 0, V5, V28, V3) \
	VUSHR $6, V0.B16, V4.B16 \
	MERGE(VUSHR, 1, V5, V28, V4) \
	MOVD R3, R10 \
	ADD  $4, R3 \
	SCALED4(V28)

// func q3kNEON(dst []float32, src []byte, ds []float32)
TEXT ·q3kNEON(SB), NOSPLIT, $0-72
	MOVD dst_base+0(FP), R0
	MOVD src_base+24(FP), R1
	MOVD ds_base+48(FP), R3
	MOVD ds_len+56(FP), R4
	LSR  $4, R4 // blocks
	VMOVI $3, V29.B16
	VMOVI $4, V28.B16
q3kloop:
	CBZ  R4, q3kdone
	// Groups (n, h) in order (0, 0), (0, 1), (1, 0), (1, 1): quants at 32 + 16(2n+h),
	// hmask at 16h, outputs at 128n + 16h floats, scales ds[8n+h+{0,2,4,6}].
	ADD  $32, R1, R6
	VLD1 (R1), [V5.B16]
	MOVD R0, R8
	Q3KGROUP
	ADD  $48, R1, R6
	ADD  $16, R1, R7
	VLD1 (R7), [V5.B16]
	ADD  $64, R0, R8
	Q3KGROUP
	ADD  $24, R3 // ds[8]: past ds[0], ds[1] (moved on) and six more
	ADD  $64, R1, R6
	VLD1 (R1), [V5.B16]
	VUSHR $4, V5.B16, V5.B16
	ADD  $512, R0, R8
	Q3KGROUP
	ADD  $80, R1, R6
	ADD  $16, R1, R7
	VLD1 (R7), [V5.B16]
	VUSHR $4, V5.B16, V5.B16
	ADD  $576, R0, R8
	Q3KGROUP
	ADD  $24, R3 // the next block's ds
	ADD  $110, R1
	ADD  $1024, R0
	SUB  $1, R4
	B    q3kloop
q3kdone:
	RET

// Q6KGROUP(sc): sixteen l of one half of a Q6_K block (R6: ql + l, R7: qh + l), its four
// outputs o[l], o[l+32], o[l+64], o[l+96] at R8 (KSTORE4), scaled by the floats at R9 +
// sc, sc+8, sc+16, sc+24 bytes. q = low four bits | two high bits << 4, minus 32 (V30), as
// int8. V29: 15 in every byte; V28: 48.
#define Q6KGROUP(sc) \
	VLD1 (R6), [V0.B16] \
	ADD  $32, R6, R10 \
	VLD1 (R10), [V5.B16] \
	VLD1 (R7), [V6.B16] \
	VAND V29.B16, V0.B16, V1.B16 \
	MERGE(VSHL, 4, V6, V28, V1) \
	VAND V29.B16, V5.B16, V2.B16 \
	MERGE(VSHL, 2, V6, V28, V2) \
	VUSHR $4, V0.B16, V3.B16 \
	MERGE(VSHL, 0, V6, V28, V3) \
	VUSHR $4, V5.B16, V4.B16 \
	MERGE(VUSHR, 2, V6, V28, V4) \
	ADD  $(sc), R9, R10 \
	SCALED4(V30)

// func q6kNEON(dst []float32, src []byte, ds []float32)
TEXT ·q6kNEON(SB), NOSPLIT, $0-72
	MOVD dst_base+0(FP), R0
	MOVD src_base+24(FP), R1
	MOVD ds_base+48(FP), R3
	MOVD ds_len+56(FP), R4
	LSR  $4, R4 // blocks
	VMOVI $15, V29.B16
	VMOVI $48, V28.B16
	VMOVI $32, V30.B16
q6kloop:
	CBZ  R4, q6kdone
	// Half 0: ql at 0, qh at 128, o at 0, scales ds[0..7]; group 1 is l + 16, ds + 1.
	MOVD R1, R6
	ADD  $128, R1, R7
	MOVD R0, R8
	MOVD R3, R9
	Q6KGROUP(0)
	ADD  $16, R6
	ADD  $16, R7
	ADD  $64, R8
	Q6KGROUP(4)
	// Half 1: ql at 64, qh at 160, o at 128 floats, scales ds[8..15].
	ADD  $64, R1, R6
	ADD  $160, R1, R7
	ADD  $512, R0, R8
	ADD  $32, R3, R9
	Q6KGROUP(0)
	ADD  $16, R6
	ADD  $16, R7
	ADD  $64, R8
	Q6KGROUP(4)
	ADD  $210, R1
	ADD  $1024, R0
	ADD  $64, R3
	SUB  $1, R4
	B    q6kloop
q6kdone:
	RET
