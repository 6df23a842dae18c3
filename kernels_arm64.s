//go:build arm64 && !noasm

#include "textflag.h"

// NEON kernels for arm64, written by hand: avo, which writes the amd64 kernels, has no
// arm64 back end. The Go assembler has no mnemonic for the vector floating-point adds, so
// they are WORDs; each is spelled out beside it. Each kernel gives its Go kernel's bits
// (kernels_test.go runs under qemu-aarch64 in CI: bits only, no speed is claimed).

// FADD Vd.2D, Vn.2D, Vm.2D = 0x4E60D400 | m<<16 | n<<5 | d
#define FADD2D(m, n, d) WORD $(0x4E60D400 | (m)<<16 | (n)<<5 | (d))
// FADD Vd.4S, Vn.4S, Vm.4S = 0x4E20D400 | m<<16 | n<<5 | d
#define FADD4S(m, n, d) WORD $(0x4E20D400 | (m)<<16 | (n)<<5 | (d))
// FADDP Vd.2D, Vn.2D, Vm.2D = 0x6E60D400 | m<<16 | n<<5 | d: [n0+n1, m0+m1]
#define FADDP2D(m, n, d) WORD $(0x6E60D400 | (m)<<16 | (n)<<5 | (d))
// FADDP Vd.4S, Vn.4S, Vm.4S = 0x6E20D400 | m<<16 | n<<5 | d: [n0+n1, n2+n3, m0+m1, m2+m3]
#define FADDP4S(m, n, d) WORD $(0x6E20D400 | (m)<<16 | (n)<<5 | (d))
// FADDP Dd, Vn.2D (scalar) = 0x7E70D800 | n<<5 | d: n0+n1
#define FADDPD(n, d) WORD $(0x7E70D800 | (n)<<5 | (d))
// FADDP Sd, Vn.2S (scalar) = 0x7E30D800 | n<<5 | d: n0+n1
#define FADDPS(n, d) WORD $(0x7E30D800 | (n)<<5 | (d))

// FMAXNM Vd.2D, Vn.2D, Vm.2D = 0x4E60C400 | m<<16 | n<<5 | d (4S: 0x4E20C400); FMINNM
// 0x4EE0C400 (4S: 0x4EA0C400): the larger (smaller) of two numbers, a number over a quiet NaN.
#define FMAXNM2D(m, n, d) WORD $(0x4E60C400 | (m)<<16 | (n)<<5 | (d))
#define FMINNM2D(m, n, d) WORD $(0x4EE0C400 | (m)<<16 | (n)<<5 | (d))
#define FMAXNM4S(m, n, d) WORD $(0x4E20C400 | (m)<<16 | (n)<<5 | (d))
#define FMINNM4S(m, n, d) WORD $(0x4EA0C400 | (m)<<16 | (n)<<5 | (d))
// FCMEQ Vd.2D, Vn.2D, Vm.2D = 0x4E60E400 | m<<16 | n<<5 | d (4S: 0x4E20E400): all ones where
// equal; x == x is false exactly for a NaN.
#define FCMEQ2D(m, n, d) WORD $(0x4E60E400 | (m)<<16 | (n)<<5 | (d))
#define FCMEQ4S(m, n, d) WORD $(0x4E20E400 | (m)<<16 | (n)<<5 | (d))

// The extrema's lanes (maxLanesF64AVX2's contract): eight running maxima (minima) of
// s[:len(s)&^7], lane k over elements k, k+8, ..., stored to lanes, and whether any of
// those elements is a NaN (V8 keeps x == x of every element, and-ed). FMAXNM gives the
// larger number, -0 or +0 where they tie (Max settles the sign afterwards); a NaN's lane
// does not matter, since the caller then looks for the first NaN itself.
#define NOTNAN2D(r) FCMEQ2D(r, r, 9); VAND V9.B16, V8.B16, V8.B16
#define NOTNAN4S(r) FCMEQ4S(r, r, 9); VAND V9.B16, V8.B16, V8.B16
// The result: true unless every bit of V8 is set (no NaN).
#define NANFLAG VMOV V8.D[0], R3; VMOV V8.D[1], R4; AND R4, R3; CMN $1, R3; CSET NE, R3; MOVB R3, ret+32(FP); RET


// func sumBlockF64NEON(a []float64) float64
// The 8-lane pairwise sum of a[:len(a)&^7], len(a) >= 8: lanes r0..r7 in V0..V3 (two
// each), lane k adding elements k, k+8, ...; then ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)).
TEXT ·sumBlockF64NEON(SB), NOSPLIT, $0-32
	MOVD a_base+0(FP), R0
	MOVD a_len+8(FP), R1
	AND  $~7, R1
	VLD1.P 64(R0), [V0.D2, V1.D2, V2.D2, V3.D2]
	SUB  $8, R1
f64loop:
	CBZ  R1, f64combine
	VLD1.P 64(R0), [V4.D2, V5.D2, V6.D2, V7.D2]
	FADD2D(4, 0, 0) // r0, r1 += elements 0, 1
	FADD2D(5, 1, 1)
	FADD2D(6, 2, 2)
	FADD2D(7, 3, 3)
	SUB  $8, R1
	B    f64loop
f64combine:
	FADDP2D(1, 0, 0) // [r0+r1, r2+r3]
	FADDP2D(3, 2, 2) // [r4+r5, r6+r7]
	FADDP2D(2, 0, 0) // [(r0+r1)+(r2+r3), (r4+r5)+(r6+r7)]
	FADDPD(0, 0)     // their sum
	FMOVD F0, ret+24(FP)
	RET

// func sumBlockF32NEON(a []float32) float32
// sumBlockF64NEON for float32: the eight lanes in V0 and V1 (four each).
TEXT ·sumBlockF32NEON(SB), NOSPLIT, $0-28
	MOVD a_base+0(FP), R0
	MOVD a_len+8(FP), R1
	AND  $~7, R1
	VLD1.P 32(R0), [V0.S4, V1.S4]
	SUB  $8, R1
f32loop:
	CBZ  R1, f32combine
	VLD1.P 32(R0), [V4.S4, V5.S4]
	FADD4S(4, 0, 0)
	FADD4S(5, 1, 1)
	SUB  $8, R1
	B    f32loop
f32combine:
	FADDP4S(1, 0, 0) // [r0+r1, r2+r3, r4+r5, r6+r7]
	FADDP4S(0, 0, 0) // [(r0+r1)+(r2+r3), (r4+r5)+(r6+r7), ...]
	FADDPS(0, 0)     // their sum
	FMOVS F0, ret+24(FP)
	RET

// FCVTN Vd.2S, Vn.2D = 0x0E616800 | n<<5 | d; FCVTN2 Vd.4S, Vn.2D = 0x4E616800 | n<<5 | d
#define FCVTN(n, d) WORD $(0x0E616800 | (n)<<5 | (d))
#define FCVTN2(n, d) WORD $(0x4E616800 | (n)<<5 | (d))
// FCVTL Vd.2D, Vn.2S = 0x0E617800 | n<<5 | d; FCVTL2 Vd.2D, Vn.4S = 0x4E617800 | n<<5 | d
#define FCVTL(n, d) WORD $(0x0E617800 | (n)<<5 | (d))
#define FCVTL2(n, d) WORD $(0x4E617800 | (n)<<5 | (d))
// SCVTF Vd.4S, Vn.4S = 0x4E21D800 | n<<5 | d
#define SCVTF4S(n, d) WORD $(0x4E21D800 | (n)<<5 | (d))
// ZIP1 Vd.8H, Vn.8H, Vm.8H = 0x4E403800 | m<<16 | n<<5 | d: n0 m0 n1 m1 n2 m2 n3 m3
// ZIP2 Vd.8H, Vn.8H, Vm.8H = 0x4E407800 | m<<16 | n<<5 | d: n4 m4 ... n7 m7
#define ZIP1H(m, n, d) WORD $(0x4E403800 | (m)<<16 | (n)<<5 | (d))
#define ZIP2H(m, n, d) WORD $(0x4E407800 | (m)<<16 | (n)<<5 | (d))

// The conversions below are the vector forms of the instructions Go's own conversions
// compile to on arm64 (FCVT, SCVTF), rounding to nearest even as the FPCR's default mode
// does; a BFloat16 is the top half of its float32 (ZIP1/ZIP2 with zeros below it). Each
// converts len(src) rounded down to its step; the caller does the rest in Go.

// func cvtF64F32NEON(dst []float32, src []float64)
TEXT ·cvtF64F32NEON(SB), NOSPLIT, $0-48
	MOVD dst_base+0(FP), R0
	MOVD src_base+24(FP), R1
	MOVD src_len+32(FP), R2
	AND  $~3, R2
cf64loop:
	CBZ  R2, cf64done
	VLD1.P 32(R1), [V0.D2, V1.D2]
	FCVTN(0, 2)  // V2.2S = float32(V0.2D)
	FCVTN2(1, 2) // V2.4S upper = float32(V1.2D)
	VST1.P [V2.S4], 16(R0)
	SUB  $4, R2
	B    cf64loop
cf64done:
	RET

// func cvtF32F64NEON(dst []float64, src []float32)
TEXT ·cvtF32F64NEON(SB), NOSPLIT, $0-48
	MOVD dst_base+0(FP), R0
	MOVD src_base+24(FP), R1
	MOVD src_len+32(FP), R2
	AND  $~3, R2
cf32loop:
	CBZ  R2, cf32done
	VLD1.P 16(R1), [V0.S4]
	FCVTL(0, 1)  // V1.2D = float64(V0 elements 0, 1)
	FCVTL2(0, 2) // V2.2D = float64(V0 elements 2, 3)
	VST1.P [V1.D2, V2.D2], 32(R0)
	SUB  $4, R2
	B    cf32loop
cf32done:
	RET

// func cvtI32F32NEON(dst []float32, src []int32)
TEXT ·cvtI32F32NEON(SB), NOSPLIT, $0-48
	MOVD dst_base+0(FP), R0
	MOVD src_base+24(FP), R1
	MOVD src_len+32(FP), R2
	AND  $~3, R2
ci32loop:
	CBZ  R2, ci32done
	VLD1.P 16(R1), [V0.S4]
	SCVTF4S(0, 0)
	VST1.P [V0.S4], 16(R0)
	SUB  $4, R2
	B    ci32loop
ci32done:
	RET

// SXTL Vd.8H, Vn.8B = 0x0F08A400 | n<<5 | d (SSHLL #0); SXTL2 Vd.8H, Vn.16B = 0x4F08A400;
// SXTL Vd.4S, Vn.4H = 0x0F10A400; SXTL2 Vd.4S, Vn.8H = 0x4F10A400: each lane widened,
// sign-extended. UXTL (zero-extended): 0x2F08A400, 0x6F08A400, 0x2F10A400, 0x6F10A400.
// (Checked against GNU as.)
#define XTL8H(base, n, d) WORD $((base) | 0x08A400 | (n)<<5 | (d))
#define XTL4S(base, n, d) WORD $((base) | 0x10A400 | (n)<<5 | (d))

// BYTES8(S, S2) widens the eight bytes at R1 (S and S2: 0x0F000000 and 0x4F000000 for
// int8, 0x2F000000 and 0x6F000000 for uint8) to int32 and converts them (exactly) to float32,
// stored at R0.
#define BYTES8(S, S2) \
	VLD1.P 8(R1), [V0.B8] \
	XTL8H(S, 0, 1) \
	XTL4S(S, 1, 3) \
	XTL4S(S2, 1, 4) \
	SCVTF4S(3, 3) \
	SCVTF4S(4, 4) \
	VST1.P [V3.S4, V4.S4], 32(R0)

// func cvtI8F32NEON(dst []float32, src []int8)
TEXT ·cvtI8F32NEON(SB), NOSPLIT, $0-48
	MOVD dst_base+0(FP), R0
	MOVD src_base+24(FP), R1
	MOVD src_len+32(FP), R2
	AND  $~7, R2
ci8loop:
	CBZ  R2, ci8done
	BYTES8(0x0F000000, 0x4F000000)
	SUB  $8, R2
	B    ci8loop
ci8done:
	RET

// func cvtU8F32NEON(dst []float32, src []uint8)
TEXT ·cvtU8F32NEON(SB), NOSPLIT, $0-48
	MOVD dst_base+0(FP), R0
	MOVD src_base+24(FP), R1
	MOVD src_len+32(FP), R2
	AND  $~7, R2
cu8loop:
	CBZ  R2, cu8done
	BYTES8(0x2F000000, 0x6F000000)
	SUB  $8, R2
	B    cu8loop
cu8done:
	RET

// func cvtBF16F32NEON(dst []float32, src []uint16)
TEXT ·cvtBF16F32NEON(SB), NOSPLIT, $0-48
	MOVD dst_base+0(FP), R0
	MOVD src_base+24(FP), R1
	MOVD src_len+32(FP), R2
	AND  $~7, R2
	VEOR V3.B16, V3.B16, V3.B16
cbfloop:
	CBZ  R2, cbfdone
	VLD1.P 16(R1), [V0.H8]
	ZIP1H(0, 3, 1) // 0, h0, 0, h1, ...: h<<16 in each 32-bit lane
	ZIP2H(0, 3, 2)
	VST1.P [V1.S4, V2.S4], 32(R0)
	SUB  $8, R2
	B    cbfloop
cbfdone:
	RET

// func maxLanesF64NEON(s []float64, lanes *[8]float64) bool
TEXT ·maxLanesF64NEON(SB), NOSPLIT, $0-33
	MOVD s_base+0(FP), R0
	MOVD s_len+8(FP), R1
	MOVD lanes+24(FP), R2
	AND  $~7, R1
	VLD1.P 64(R0), [V0.D2, V1.D2, V2.D2, V3.D2]
	FCMEQ2D(0, 0, 8)
	NOTNAN2D(1)
	NOTNAN2D(2)
	NOTNAN2D(3)
	SUB  $8, R1
xf64loop:
	CBZ  R1, xf64done
	VLD1.P 64(R0), [V4.D2, V5.D2, V6.D2, V7.D2]
	NOTNAN2D(4)
	NOTNAN2D(5)
	NOTNAN2D(6)
	NOTNAN2D(7)
	FMAXNM2D(4, 0, 0)
	FMAXNM2D(5, 1, 1)
	FMAXNM2D(6, 2, 2)
	FMAXNM2D(7, 3, 3)
	SUB  $8, R1
	B    xf64loop
xf64done:
	VST1 [V0.D2, V1.D2, V2.D2, V3.D2], (R2)
	NANFLAG

// func minLanesF64NEON(s []float64, lanes *[8]float64) bool
TEXT ·minLanesF64NEON(SB), NOSPLIT, $0-33
	MOVD s_base+0(FP), R0
	MOVD s_len+8(FP), R1
	MOVD lanes+24(FP), R2
	AND  $~7, R1
	VLD1.P 64(R0), [V0.D2, V1.D2, V2.D2, V3.D2]
	FCMEQ2D(0, 0, 8)
	NOTNAN2D(1)
	NOTNAN2D(2)
	NOTNAN2D(3)
	SUB  $8, R1
nf64loop:
	CBZ  R1, nf64done
	VLD1.P 64(R0), [V4.D2, V5.D2, V6.D2, V7.D2]
	NOTNAN2D(4)
	NOTNAN2D(5)
	NOTNAN2D(6)
	NOTNAN2D(7)
	FMINNM2D(4, 0, 0)
	FMINNM2D(5, 1, 1)
	FMINNM2D(6, 2, 2)
	FMINNM2D(7, 3, 3)
	SUB  $8, R1
	B    nf64loop
nf64done:
	VST1 [V0.D2, V1.D2, V2.D2, V3.D2], (R2)
	NANFLAG

// func maxLanesF32NEON(s []float32, lanes *[8]float32) bool
TEXT ·maxLanesF32NEON(SB), NOSPLIT, $0-33
	MOVD s_base+0(FP), R0
	MOVD s_len+8(FP), R1
	MOVD lanes+24(FP), R2
	AND  $~7, R1
	VLD1.P 32(R0), [V0.S4, V1.S4]
	FCMEQ4S(0, 0, 8)
	NOTNAN4S(1)
	SUB  $8, R1
xf32loop:
	CBZ  R1, xf32done
	VLD1.P 32(R0), [V4.S4, V5.S4]
	NOTNAN4S(4)
	NOTNAN4S(5)
	FMAXNM4S(4, 0, 0)
	FMAXNM4S(5, 1, 1)
	SUB  $8, R1
	B    xf32loop
xf32done:
	VST1 [V0.S4, V1.S4], (R2)
	NANFLAG

// func minLanesF32NEON(s []float32, lanes *[8]float32) bool
TEXT ·minLanesF32NEON(SB), NOSPLIT, $0-33
	MOVD s_base+0(FP), R0
	MOVD s_len+8(FP), R1
	MOVD lanes+24(FP), R2
	AND  $~7, R1
	VLD1.P 32(R0), [V0.S4, V1.S4]
	FCMEQ4S(0, 0, 8)
	NOTNAN4S(1)
	SUB  $8, R1
nf32loop:
	CBZ  R1, nf32done
	VLD1.P 32(R0), [V4.S4, V5.S4]
	NOTNAN4S(4)
	NOTNAN4S(5)
	FMINNM4S(4, 0, 0)
	FMINNM4S(5, 1, 1)
	SUB  $8, R1
	B    nf32loop
nf32done:
	VST1 [V0.S4, V1.S4], (R2)
	NANFLAG

// The row adds: dst[i] += src[i], FADD with dst as its first operand (a NaN in both gives
// dst's, as Go's dst[i] + src[i] compiles to FADDD with dst first).

// ADDBLOCK(ADD) adds the next 32 bytes at R1 into those at R0 (ADD: FADD2D or FADD4S, dst
// its first operand), storing them through R3.
#define ADDBLOCK(ADD) \
	VLD1.P 32(R0), [V0.B16, V1.B16] \
	VLD1.P 32(R1), [V2.B16, V3.B16] \
	ADD(2, 0, 0) \
	ADD(3, 1, 1) \
	VST1.P [V0.B16, V1.B16], 32(R3)

// func addF64NEON(dst, src []float64)
TEXT ·addF64NEON(SB), NOSPLIT, $0-48
	MOVD dst_base+0(FP), R0
	MOVD src_base+24(FP), R1
	MOVD src_len+32(FP), R2
	AND  $~3, R2
	MOVD R0, R3
addf64loop:
	CBZ  R2, addf64done
	ADDBLOCK(FADD2D)
	SUB  $4, R2
	B    addf64loop
addf64done:
	RET

// func addF32NEON(dst, src []float32)
TEXT ·addF32NEON(SB), NOSPLIT, $0-48
	MOVD dst_base+0(FP), R0
	MOVD src_base+24(FP), R1
	MOVD src_len+32(FP), R2
	AND  $~7, R2
	MOVD R0, R3
addf32loop:
	CBZ  R2, addf32done
	ADDBLOCK(FADD4S)
	SUB  $8, R2
	B    addf32loop
addf32done:
	RET

// The searches: FCMEQ of four registers against x broadcast, or-ed; a block with any lane
// set is where the caller looks (indexFrom).
// FINDBLOCK(CMP) loads the next 64 bytes at R0 into V0-V3, compares each lane with V4 (CMP:
// FCMEQ2D or FCMEQ4S) and leaves R5 nonzero if any lane was equal.
#define FINDBLOCK(CMP) \
	VLD1.P 64(R0), [V0.B16, V1.B16, V2.B16, V3.B16] \
	CMP(4, 0, 0) \
	CMP(4, 1, 1) \
	CMP(4, 2, 2) \
	CMP(4, 3, 3) \
	VORR  V1.B16, V0.B16, V0.B16 \
	VORR  V3.B16, V2.B16, V2.B16 \
	VORR  V2.B16, V0.B16, V0.B16 \
	VMOV  V0.D[0], R5 \
	VMOV  V0.D[1], R6 \
	ORR   R6, R5

// func findF64NEON(s []float64, x float64) int
TEXT ·findF64NEON(SB), NOSPLIT, $0-40
	MOVD  s_base+0(FP), R0
	MOVD  s_len+8(FP), R1
	FMOVD x+24(FP), F4
	VDUP  V4.D[0], V4.D2
	AND   $~7, R1
	MOVD  $0, R2
findf64loop:
	CMP   R1, R2
	BEQ   findf64done
	FINDBLOCK(FCMEQ2D)
	CBNZ  R5, findf64done
	ADD   $8, R2
	B     findf64loop
findf64done:
	MOVD  R2, ret+32(FP)
	RET

// func findF32NEON(s []float32, x float32) int
TEXT ·findF32NEON(SB), NOSPLIT, $0-40
	MOVD  s_base+0(FP), R0
	MOVD  s_len+8(FP), R1
	FMOVS x+24(FP), F4
	VDUP  V4.S[0], V4.S4
	AND   $~15, R1
	MOVD  $0, R2
findf32loop:
	CMP   R1, R2
	BEQ   findf32done
	FINDBLOCK(FCMEQ4S)
	CBNZ  R5, findf32done
	ADD   $16, R2
	B     findf32loop
findf32done:
	MOVD  R2, ret+32(FP)
	RET

// The equal kernels: FCMEQ of a's and b's four registers, and-ed; a block with any lane
// clear (a NaN, or unequal values) is where the caller looks (equalFrom).
// EQBLOCK(CMP) loads the next 64 bytes at R0 and at R3, compares them lane by lane (CMP:
// FCMEQ2D or FCMEQ4S) and sets the flags NE if any lane was not equal.
#define EQBLOCK(CMP) \
	VLD1.P 64(R0), [V0.B16, V1.B16, V2.B16, V3.B16] \
	VLD1.P 64(R3), [V4.B16, V5.B16, V6.B16, V7.B16] \
	CMP(4, 0, 0) \
	CMP(5, 1, 1) \
	CMP(6, 2, 2) \
	CMP(7, 3, 3) \
	VAND  V1.B16, V0.B16, V0.B16 \
	VAND  V3.B16, V2.B16, V2.B16 \
	VAND  V2.B16, V0.B16, V0.B16 \
	VMOV  V0.D[0], R5 \
	VMOV  V0.D[1], R6 \
	AND   R6, R5 \
	CMN   $1, R5

// func equalF64NEON(a, b []float64) int
TEXT ·equalF64NEON(SB), NOSPLIT, $0-56
	MOVD a_base+0(FP), R0
	MOVD a_len+8(FP), R1
	MOVD b_base+24(FP), R3
	AND  $~7, R1
	MOVD $0, R2
eqf64loop:
	CMP  R1, R2
	BEQ  eqf64done
	EQBLOCK(FCMEQ2D)
	BNE  eqf64done
	ADD  $8, R2
	B    eqf64loop
eqf64done:
	MOVD R2, ret+48(FP)
	RET

// func equalF32NEON(a, b []float32) int
TEXT ·equalF32NEON(SB), NOSPLIT, $0-56
	MOVD a_base+0(FP), R0
	MOVD a_len+8(FP), R1
	MOVD b_base+24(FP), R3
	AND  $~15, R1
	MOVD $0, R2
eqf32loop:
	CMP  R1, R2
	BEQ  eqf32done
	EQBLOCK(FCMEQ4S)
	BNE  eqf32done
	ADD  $16, R2
	B    eqf32loop
eqf32done:
	MOVD R2, ret+48(FP)
	RET
