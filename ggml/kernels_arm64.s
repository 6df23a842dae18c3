//go:build arm64 && !noasm

#include "textflag.h"

// NEON dequantizers for arm64, written by hand (avo has no arm64 back end). The Go
// assembler has no mnemonics for the widening, conversion and multiply below, so they are
// WORDs, each spelled out beside it and checked against GNU as. Bits only: the tests run
// under qemu-aarch64 in CI, no speed is claimed.

// SXTL Vd.8H, Vn.8B = 0x0F08A400 | n<<5 | d; SXTL2 Vd.8H, Vn.16B = 0x4F08A400 | n<<5 | d.
#define SXTL8H(n, d) WORD $(0x0F08A400 | (n)<<5 | (d))
#define SXTL28H(n, d) WORD $(0x4F08A400 | (n)<<5 | (d))
// SXTL Vd.4S, Vn.4H = 0x0F10A400 | n<<5 | d; SXTL2 Vd.4S, Vn.8H = 0x4F10A400 | n<<5 | d.
#define SXTL4S(n, d) WORD $(0x0F10A400 | (n)<<5 | (d))
#define SXTL24S(n, d) WORD $(0x4F10A400 | (n)<<5 | (d))
// SCVTF Vd.4S, Vn.4S = 0x4E21D800 | n<<5 | d: int32 to float32, exact for |x| < 2^24.
#define SCVTF4S(n, d) WORD $(0x4E21D800 | (n)<<5 | (d))
// FMUL Vd.4S, Vn.4S, Vm.4S = 0x6E20DC00 | m<<16 | n<<5 | d: one rounding, as Go's float32 *.
#define FMUL4S(m, n, d) WORD $(0x6E20DC00 | (m)<<16 | (n)<<5 | (d))

// SIXTEEN(b, o) turns the sixteen int8 lanes of Vb into float32 times V31 (the block's
// scale in every lane), in V(o)..V(o+3), using V26 and V27.
#define SIXTEEN(b, o) \
	SXTL8H(b, 26) \
	SXTL28H(b, 27) \
	SXTL4S(26, o) \
	SXTL24S(26, o+1) \
	SXTL4S(27, o+2) \
	SXTL24S(27, o+3) \
	SCVTF4S(o, o) \
	SCVTF4S(o+1, o+1) \
	SCVTF4S(o+2, o+2) \
	SCVTF4S(o+3, o+3) \
	FMUL4S(31, o, o) \
	FMUL4S(31, o+1, o+1) \
	FMUL4S(31, o+2, o+2) \
	FMUL4S(31, o+3, o+3)

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
