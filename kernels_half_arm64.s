//go:build arm64 && !noasm

#include "textflag.h"

// NEON kernels for Float16 and BFloat16, written by hand as kernels_arm64.s is. Each
// converts len(src) rounded down to 8 and gives half.go's bits for every input: FCVTL and
// FCVTN convert between single and half precision as IEEE 754 says (rounding to nearest
// even, the FPCR's default mode on Linux, overflowing to Inf, subnormals kept since FZ is
// clear), but they quiet a signalling NaN where half.go keeps its bits, so the NaN lanes are
// mended; BFloat16 has no baseline instruction (BFCVTN is ARMv8.6), so it is rounded with
// integer operations, as ToBFloat16 does. The instructions Go's assembler lacks are WORDs,
// checked against GNU as (binutils-aarch64-linux-gnu): each encoding is spelled out beside it.

// FCVTL Vd.4S, Vn.4H = 0x0E217800 | n<<5 | d: float32 of the half-precision lanes 0..3.
// FCVTL2 Vd.4S, Vn.8H = 0x4E217800 | n<<5 | d: of lanes 4..7.
#define FCVTL4H(n, d) WORD $(0x0E217800 | (n)<<5 | (d))
#define FCVTL8H(n, d) WORD $(0x4E217800 | (n)<<5 | (d))
// FCVTN Vd.4H, Vn.4S = 0x0E216800 | n<<5 | d: half precision of the float32 lanes, into
// Vd's lanes 0..3 (4..7 cleared); FCVTN2 Vd.8H, Vn.4S = 0x4E216800 | n<<5 | d: into lanes
// 4..7 (0..3 kept).
#define FCVTN4H(n, d) WORD $(0x0E216800 | (n)<<5 | (d))
#define FCVTN8H(n, d) WORD $(0x4E216800 | (n)<<5 | (d))
// FCVTXN Vd.2S, Vn.2D = 0x2E616800 | n<<5 | d: float32 of the float64 lanes rounded to odd
// (truncated, the last bit set if any dropped bit was), into Vd's lanes 0, 1; FCVTXN2
// Vd.4S, Vn.2D = 0x6E616800 | n<<5 | d: into lanes 2, 3.
#define FCVTXN2S(n, d) WORD $(0x2E616800 | (n)<<5 | (d))
#define FCVTXN4S(n, d) WORD $(0x6E616800 | (n)<<5 | (d))
// FCMEQ Vd.4S, Vn.4S, Vm.4S = 0x4E20E400 | m<<16 | n<<5 | d: all ones where equal; x == x
// is false exactly for a NaN.
#define FCMEQ4S(m, n, d) WORD $(0x4E20E400 | (m)<<16 | (n)<<5 | (d))
// SHRN Vd.4H, Vn.4S, #s = 0x0F008400 | (32-s)<<16 | n<<5 | d: the low 16 bits of each
// 32-bit lane shifted right by s (1 <= s <= 16), into lanes 0..3 (4..7 cleared); SHRN2
// Vd.8H, Vn.4S, #s = 0x4F008400 | ...: into lanes 4..7 (0..3 kept).
#define SHRN4H(s, n, d) WORD $(0x0F008400 | (32-(s))<<16 | (n)<<5 | (d))
#define SHRN8H(s, n, d) WORD $(0x4F008400 | (32-(s))<<16 | (n)<<5 | (d))
// CMHI Vd.8H, Vn.8H, Vm.8H = 0x6E603400 | m<<16 | n<<5 | d: all ones where n > m, unsigned.
#define CMHI8H(m, n, d) WORD $(0x6E603400 | (m)<<16 | (n)<<5 | (d))

// The narrowings' registers: the eight float32 to round in V0 and V1 (from float64, loaded
// into V2..V5 and rounded to odd), the eight results in V6; V7, V16..V19 scratch; constants
// in V20..V22.

// F16NAN mends the NaN lanes of V6, FCVTN's eight Float16 (a NaN quieted: sign | 0x7e00 |
// the top nine payload bits), into ToFloat16's (sign | 0x7c00 | the top ten payload bits,
// 1 if all ten are zero). V7 holds, in each 16-bit lane, the bits of the source from its
// fraction's top ten down, six exponent bits above them: for a NaN 0xfc00 | p, p the ten
// payload bits (signalling bit included). UMAX with 0xfc01 makes p at least 1, and BIT puts
// p into the NaN lanes' low ten bits. FCVTN's NaNs are the only results with the bits
// 0x7e00 all set (its largest non-NaN is 0x7c00, Inf). V20: 0x7e00, V21: 0xfc01, V22: 0x03ff.
#define F16NAN \
	VUMAX V21.H8, V7.H8, V7.H8 \ // 0xfc00 | max(p, 1) in the NaN lanes
	VAND  V20.B16, V6.B16, V16.B16 \
	VCMEQ V20.H8, V16.H8, V16.H8 \ // h & 0x7e00 == 0x7e00: a NaN
	VAND  V22.B16, V16.B16, V16.B16 \ // its ten payload bits
	VBIT  V16.B16, V7.B16, V6.B16 // taken from V7

// BF16 rounds the eight float32 in V0 and V1 to BFloat16 in V6, as ToBFloat16: the top half
// hi of each, plus one where its bottom half lo is over half a unit (0x8000), or exactly half
// and hi odd (to even): lo > 0x8000 - (hi & 1). A carry steps the exponent, and past the
// largest finite value gives Inf. A NaN (x != x) gives hi | 0x40 instead, quiet, with its
// sign and the top of its payload. V20: 1, V21: 0x8000, V22: 0x0040 in each 16-bit lane.
#define BF16 \
	VUZP2 V1.H8, V0.H8, V6.H8 \ // hi: the top halves, in order
	VUZP1 V1.H8, V0.H8, V7.H8 \ // lo: the bottom halves
	VAND  V20.B16, V6.B16, V16.B16 \ // hi & 1
	VSUB  V16.H8, V21.H8, V16.H8 \ // 0x8000 - (hi & 1)
	CMHI8H(16, 7, 16) \ // lo > that: all ones, -1, where hi rounds up
	VSUB  V16.H8, V6.H8, V17.H8 \ // hi - -1: rounded to nearest even
	FCMEQ4S(0, 0, 18) \
	FCMEQ4S(1, 1, 19) \ // x == x: not a NaN
	VUZP1 V19.H8, V18.H8, V18.H8 \ // narrowed to 16-bit lanes
	VORR  V22.B16, V6.B16, V6.B16 \ // hi | 0x40: the NaN
	VBIT  V18.B16, V17.B16, V6.B16 // the rounding taken where x is not a NaN

// CONST16 sets every 16-bit lane of V to c.
#define CONST16(c, V) MOVD $(c), R3; VDUP R3, V.H8

// func cvtF16F32NEON(dst []float32, src []uint16)
// dst[i] = Float16(src[i]).Float32() for i < len(src) rounded down to 8. FCVTL widens
// exactly, but sets a signalling NaN's quiet bit (bit 22 of the float32), which
// Float16.Float32 leaves clear (sign | 0x7f800000 | fraction<<13): the lanes whose Float16
// has exponent 0x1f and bit 9 clear (h & 0x7e00 == 0x7c00, a signalling NaN or an Inf,
// whose bit 22 is clear anyway) get bit 22 cleared.
TEXT ·cvtF16F32NEON(SB), NOSPLIT, $0-48
	MOVD dst_base+0(FP), R0
	MOVD src_base+24(FP), R1
	MOVD src_len+32(FP), R2
	AND  $~7, R2
	CBZ  R2, wf16done
	CONST16(0x7e00, V20)
	CONST16(0x7c00, V21)
	CONST16(0x0200, V22)
	VEOR V23.B16, V23.B16, V23.B16
wf16loop:
	VLD1.P  16(R1), [V0.H8]
	FCVTL4H(0, 1)                  // V1 = float32 of h0..h3, NaNs quieted
	FCVTL8H(0, 2)                  // V2 = float32 of h4..h7
	VAND    V20.B16, V0.B16, V3.B16
	VCMEQ   V21.H8, V3.H8, V3.H8   // h & 0x7e00 == 0x7c00: Inf or a signalling NaN
	VAND    V22.B16, V3.B16, V3.B16 // 0x0200 there
	VUSHLL  $13, V3.H4, V4.S4      // 0x00400000, bit 22, in those of lanes 0..3
	VUSHLL2 $13, V3.H8, V5.S4      // and of lanes 4..7
	VBIT    V4.B16, V23.B16, V1.B16 // cleared there (from V23, zero)
	VBIT    V5.B16, V23.B16, V2.B16
	VST1.P  [V1.S4, V2.S4], 32(R0)
	SUBS    $8, R2
	BNE     wf16loop
wf16done:
	RET

// func cvtF32F16NEON(dst []uint16, src []float32)
// dst[i] = ToFloat16(src[i]) for i < len(src) rounded down to 8: FCVTN, then F16NAN, whose
// payloads are bits 22..13 of the float32, SHRN by 13 (above them, exponent bits, all ones
// for a NaN).
TEXT ·cvtF32F16NEON(SB), NOSPLIT, $0-48
	MOVD dst_base+0(FP), R0
	MOVD src_base+24(FP), R1
	MOVD src_len+32(FP), R2
	AND  $~7, R2
	CBZ  R2, nf16done
	CONST16(0x7e00, V20)
	CONST16(0xfc01, V21)
	CONST16(0x03ff, V22)
nf16loop:
	VLD1.P 32(R1), [V0.S4, V1.S4]
	FCVTN4H(0, 6)     // V6 = Float16 of x0..x3, rounded to nearest even, NaNs quieted
	FCVTN8H(1, 6)     // and of x4..x7
	SHRN4H(13, 0, 7)  // V7 = bits 28..13 of x0..x3
	SHRN8H(13, 1, 7)  // and of x4..x7
	F16NAN
	VST1.P [V6.H8], 16(R0)
	SUBS   $8, R2
	BNE    nf16loop
nf16done:
	RET

// func cvtF32BF16NEON(dst []uint16, src []float32)
// dst[i] = ToBFloat16(src[i]) for i < len(src) rounded down to 8 (BF16).
TEXT ·cvtF32BF16NEON(SB), NOSPLIT, $0-48
	MOVD dst_base+0(FP), R0
	MOVD src_base+24(FP), R1
	MOVD src_len+32(FP), R2
	AND  $~7, R2
	CBZ  R2, nbf16done
	CONST16(1, V20)
	CONST16(0x8000, V21)
	CONST16(0x0040, V22)
nbf16loop:
	VLD1.P 32(R1), [V0.S4, V1.S4]
	BF16
	VST1.P [V6.H8], 16(R0)
	SUBS   $8, R2
	BNE    nbf16loop
nbf16done:
	RET

// The narrowings from float64 round once: each float64 is first rounded to odd at float32's
// precision by FCVTXN (the dropped bits, if any was set, set float32's last bit), so that
// rounding the float32 to nearest even once more gives the float64's value rounded once
// (float32 keeps at least two bits more than the narrow type, and its grid, subnormal grid
// included, has the narrow type's as a subset: BFloat16's subnormals, multiples of 2^-133,
// are float32 subnormals too). Past float32's range FCVTXN gives its largest finite value,
// odd, which both narrowings then round to Inf, as the float64 would. A NaN is quieted by
// FCVTXN keeping its payload's top bits: BFloat16 quiets it too; for Float16 the payload,
// signalling bit included, comes from the float64 itself.

// ODD8 loads the next eight float64 at R1 into V2-V5 and rounds them to odd in float32:
// x0..x3 in V0, x4..x7 in V1.
#define ODD8 \
	VLD1.P 64(R1), [V2.D2, V3.D2, V4.D2, V5.D2] \
	FCVTXN2S(2, 0) \
	FCVTXN4S(3, 0) \
	FCVTXN2S(4, 1) \
	FCVTXN4S(5, 1)

// func cvtF64F16NEON(dst []uint16, src []float64)
// dst[i] = Float16FromFloat64(src[i]) for i < len(src) rounded down to 8: FCVTXN, FCVTN, then
// F16NAN, the payloads from the float64's high words (UZP2), SHRN by 10: bits 57..42, the
// fraction's top ten under six exponent bits.
TEXT ·cvtF64F16NEON(SB), NOSPLIT, $0-48
	MOVD dst_base+0(FP), R0
	MOVD src_base+24(FP), R1
	MOVD src_len+32(FP), R2
	AND  $~7, R2
	CBZ  R2, nf64f16done
	CONST16(0x7e00, V20)
	CONST16(0xfc01, V21)
	CONST16(0x03ff, V22)
nf64f16loop:
	ODD8
	FCVTN4H(0, 6)                // V6 = their Float16, rounded to nearest even
	FCVTN8H(1, 6)
	VUZP2  V3.S4, V2.S4, V16.S4  // the high words of x0..x3
	VUZP2  V5.S4, V4.S4, V17.S4  // and of x4..x7
	SHRN4H(10, 16, 7)            // V7 = bits 57..42 of x0..x3
	SHRN8H(10, 17, 7)            // and of x4..x7
	F16NAN
	VST1.P [V6.H8], 16(R0)
	SUBS   $8, R2
	BNE    nf64f16loop
nf64f16done:
	RET

// func cvtF64BF16NEON(dst []uint16, src []float64)
// dst[i] = BFloat16FromFloat64(src[i]) for i < len(src) rounded down to 8: FCVTXN, then BF16.
TEXT ·cvtF64BF16NEON(SB), NOSPLIT, $0-48
	MOVD dst_base+0(FP), R0
	MOVD src_base+24(FP), R1
	MOVD src_len+32(FP), R2
	AND  $~7, R2
	CBZ  R2, nf64bf16done
	CONST16(1, V20)
	CONST16(0x8000, V21)
	CONST16(0x0040, V22)
nf64bf16loop:
	ODD8
	BF16
	VST1.P [V6.H8], 16(R0)
	SUBS   $8, R2
	BNE    nf64bf16loop
nf64bf16done:
	RET
